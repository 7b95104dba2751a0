#!/usr/bin/env node
// Installs the independent peers the test suite talks to (openssl, keytool) from Debian's
// packages when they are missing. Runs before `npm test`; does nothing when all are present.
import { execFileSync, spawnSync } from "node:child_process";

/** command on PATH → Debian package that provides it */
const tools = [
  ["openssl", "openssl"],
  ["keytool", "default-jre-headless"],
];

const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
const missing = tools.filter(([command]) => !has(command));

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
