import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatWithBiome, renderApiMarkdown } from "./api-reference.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

describe("docs/api.md", () => {
  it("is current with the route registry (regenerate: node scripts/gen-api-docs.mjs)", async () => {
    const onDisk = await readFile(`${root}docs/api.md`, "utf8");
    expect(onDisk).toBe(formatWithBiome(renderApiMarkdown(), root));
  });
});
