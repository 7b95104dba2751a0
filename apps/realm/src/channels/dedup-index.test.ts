import { describe, expect, it } from "vitest";
import { DedupIndex } from "./dedup-index.js";

describe("DedupIndex", () => {
  it("forgets the oldest id once full", () => {
    const index = new DedupIndex(3);
    for (const [i, id] of ["a", "b", "c", "d", "e"].entries()) index.add(id, i + 1);
    expect(index.get("a")).toBeUndefined();
    expect(index.get("b")).toBeUndefined();
    expect([index.get("c"), index.get("d"), index.get("e")]).toEqual([3, 4, 5]);
    expect(index.size).toBe(3);
  });

  it("stays fast over many evictions", () => {
    const index = new DedupIndex(20_000);
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) index.add(`id-${i}`, i + 1);
    expect(index.size).toBe(20_000);
    expect(index.get("id-199999")).toBe(200_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
