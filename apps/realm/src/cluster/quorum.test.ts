import { describe, expect, it } from "vitest";
import { QuorumRule } from "./quorum.js";

const members = (...names: string[]) =>
  names.map((name) => ({ name, addresses: [], publicKey: "" }));

describe("QuorumRule", () => {
  it("needs at least 51 % of the members", () => {
    const three = new QuorumRule({ members: members("a", "b", "c"), sites: [] });
    expect(three.majority).toBe(2);
    expect(three.isQuorum(new Set(["a", "b"]))).toBe(true);
    expect(three.isQuorum(new Set(["c"]))).toBe(false);
    const four = new QuorumRule({ members: members("a", "b", "c", "d"), sites: [] });
    expect(four.majority).toBe(3);
    expect(four.isQuorum(new Set(["a", "b"]))).toBe(false);
    const hundred = new QuorumRule({
      members: members(...Array.from({ length: 100 }, (_, i) => `m${i}`)),
      sites: [],
    });
    expect(hundred.majority).toBe(51);
  });

  it("accepts exactly half when it holds the whole prime site", () => {
    const two = new QuorumRule({
      members: members("a", "b"),
      sites: [
        { name: "east", members: ["a"] },
        { name: "west", members: ["b"] },
      ],
      primeSite: "east",
    });
    expect(two.isQuorum(new Set(["a"]))).toBe(true);
    expect(two.isQuorum(new Set(["b"]))).toBe(false);
    expect(two.required(new Set(["a"]))).toBe(1);
    expect(two.required(new Set(["b"]))).toBe(2);
    const four = new QuorumRule({
      members: members("a", "b", "c", "d"),
      sites: [{ name: "p", members: ["a", "b"] }],
      primeSite: "p",
    });
    expect(four.isQuorum(new Set(["a", "b"]))).toBe(true);
    expect(four.isQuorum(new Set(["a", "c"]))).toBe(false);
    expect(four.isQuorum(new Set(["c", "d"]))).toBe(false);
  });
});
