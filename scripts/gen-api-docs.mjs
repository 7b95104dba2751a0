#!/usr/bin/env node
// Regenerates docs/api.md from the manager's route registry (the OpenAPI document built from
// the protocol's zod schemas), formatted by Biome like every other file. Builds the manager
// first so dist/ matches the sources. A test (apps/manager/src/docs/api-reference.test.ts)
// fails while docs/api.md is stale.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
execFileSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-b", "apps/manager"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
const { renderApiMarkdown, formatWithBiome } = await import(
  join(root, "apps/manager/dist/docs/api-reference.js")
);
writeFileSync(join(root, "docs/api.md"), formatWithBiome(renderApiMarkdown(), root));
console.log("wrote docs/api.md");
