import { spawnSync } from "node:child_process";

/**
 * Tests that spawn real processes (realms, agents) run their compiled dist/ entry points, so
 * bring every project's build up to date once before the run. Incremental: a no-op when
 * `npm test` has just type-checked. Type errors do not stop the run here; `npm test` fails on
 * them in its own typecheck step.
 */
export default function setup(): void {
  const result = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-b"], {
    encoding: "utf8",
  });
  if (result.status !== 0) {
    console.warn(`tsc -b reported errors; dist/ may be stale:\n${result.stdout}${result.stderr}`);
  }
}
