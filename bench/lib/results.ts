import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "results");

/** The machine a figure was measured on, saved next to every result. */
export function machine() {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

/** Writes bench/results/<name>.json and returns its path. */
export function saveResults(name: string, results: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.json`);
  const body = { name, date: new Date().toISOString(), machine: machine(), results };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}
