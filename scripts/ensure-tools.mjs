#!/usr/bin/env node
// Installs the independent peers the test suite talks to (openssl, keytool, Chromium, tshark,
// a PostgreSQL server) from Debian's packages when they are missing. Runs before `npm test`; does nothing
// when all are present.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** command on PATH → Debian package that provides it */
const tools = [
  ["openssl", "openssl"],
  ["keytool", "default-jre-headless"],
  ["chromium", "chromium"],
  // Packet captures of inter-realm traffic prove that the encryption switch leaves nothing in clear.
  ["tshark", "tshark"],
];

const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;

/**
 * The manager's store tests start a throwaway PostgreSQL cluster, which needs the server
 * binaries themselves (initdb, pg_ctl, postgres under /usr/lib/postgresql/N/bin, where
 * apps/manager/src/store/test-postgres.ts looks). A `pg_ctl` on PATH proves nothing: it may be
 * Debian's wrapper from postgresql-common, or a stray symlink.
 */
const hasPostgresServer = () => {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return false;
  return readdirSync(root).some((version) =>
    ["initdb", "pg_ctl", "postgres"].every((tool) => existsSync(join(root, version, "bin", tool))),
  );
};

const missing = tools.filter(([command]) => !has(command));
if (!hasPostgresServer()) missing.push(["postgres (initdb, pg_ctl)", "postgresql"]);

if (missing.length > 0) {
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  if (process.getuid?.() !== 0 || !has("apt-get")) {
    console.error(
      `Missing tools: ${missing.map(([c]) => c).join(", ")}. Install the Debian packages ${packages.join(" ")}.`,
    );
    process.exit(1);
  }
  console.log(`Installing ${packages.join(", ")} from Debian's packages…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...packages], {
    stdio: "inherit",
    env,
  });
}
