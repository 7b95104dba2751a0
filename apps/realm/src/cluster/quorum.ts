import type { ClusterConfig } from "@conclave/protocol";

/**
 * The quorum rule of a cluster: a set of members is a quorum when it holds at least 51 % of
 * the members (ceil(0.51 · N)), or exactly half of them when that half includes every member
 * of the prime site. Two quorums always share a member, so two masters cannot both be elected
 * (or commit) in the same term. See docs/adr/0003-cluster-protocol.md.
 */
export class QuorumRule {
  readonly size: number;
  /** ceil(0.51 · N), in integers so 0.51 · 100 does not round up to 52. */
  readonly majority: number;
  private readonly prime: readonly string[];

  constructor(config: Pick<ClusterConfig, "members" | "sites" | "primeSite">) {
    this.size = config.members.length;
    this.majority = Math.floor((51 * this.size + 99) / 100);
    const site = config.sites.find((s) => s.name === config.primeSite);
    this.prime = site ? site.members : [];
  }

  /** True when `members` (names, this realm included when it counts) form a quorum. */
  isQuorum(members: ReadonlySet<string>): boolean {
    if (members.size >= this.majority) return true;
    return (
      this.prime.length > 0 &&
      this.size % 2 === 0 &&
      members.size * 2 === this.size &&
      this.prime.every((name) => members.has(name))
    );
  }

  /** Members needed for a quorum given who is in `members` (for status and messages). */
  required(members: ReadonlySet<string>): number {
    if (
      this.prime.length > 0 &&
      this.size % 2 === 0 &&
      this.prime.every((name) => members.has(name))
    ) {
      return this.size / 2;
    }
    return this.majority;
  }

  /** The rule in words, for status. */
  describe(): string {
    const base = `at least ${this.majority} of ${this.size} members (51 %)`;
    return this.prime.length > 0 && this.size % 2 === 0
      ? `${base}, or ${this.size / 2} including every prime-site member (${this.prime.join(", ")})`
      : base;
  }
}
