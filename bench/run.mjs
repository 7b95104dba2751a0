#!/usr/bin/env node
// Runs every bench/*.bench.ts in turn (or the ones named on the command line), each in its own
// process, resolving workspace packages from source. Each bench prints a summary and writes
// bench/results/<name>.json.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

// The console bench drives the built console in Chromium: build it once if it is missing.
const consoleDist = join(here, "..", "apps/console/dist/index.html");
if (benches.includes("console.bench.ts") && !existsSync(consoleDist)) {
  console.log("building the console for console.bench.ts");
  const build = spawnSync("npm", ["run", "build", "-w", "@conclave/console"], {
    stdio: "inherit",
    cwd: join(here, ".."),
  });
  if (build.status !== 0) process.exit(1);
}

let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(
    process.execPath,
    ["--conditions=source", "--import", "tsx", join(here, file)],
    { stdio: "inherit", cwd: join(here, "..") },
  );
  if (result.status !== 0) failed++;
}
if (failed > 0) {
  console.error(`${failed} benchmark(s) failed`);
  process.exit(1);
}
