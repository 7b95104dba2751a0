import type { ClusterLinkView, ClusterStatusView } from "@conclave/protocol";
import { describe, expect, it } from "vitest";
import { describeLink, layoutTopology, NODE_RADIUS, TOPOLOGY_COLOURS } from "./topology-layout";

const member = (
  realm: string,
  state: ClusterStatusView["members"][number]["state"] = "connected",
  role: "master" | "follower" | null = "follower",
) => ({ realm, state, role });

const link = (from: string, to: string, encrypted = true): ClusterLinkView => ({
  from,
  to,
  protocol: encrypted ? "nsps" : "nsp",
  encrypted,
  tlsVersion: encrypted ? "TLSv1.3" : null,
  cipher: encrypted ? "TLS_AES_256_GCM_SHA384" : null,
  verified: encrypted,
  rttMs: 1,
});

describe("describeLink", () => {
  it("names the TLS version and cipher of an encrypted link", () => {
    expect(describeLink(link("realm-a", "realm-b"))).toBe(
      "realm-a → realm-b: TLSv1.3 TLS_AES_256_GCM_SHA384",
    );
  });

  it("says a plaintext link is plaintext, with its protocol", () => {
    expect(describeLink(link("realm-a", "realm-b", false))).toBe(
      "realm-a → realm-b: plaintext nsp",
    );
  });

  it("still says an encrypted link is encrypted when the realm did not report the cipher", () => {
    expect(
      describeLink({ ...link("a", "b"), tlsVersion: null, cipher: null, protocol: "nhps" }),
    ).toBe("a → b: encrypted nhps");
  });
});

describe("layoutTopology", () => {
  const five = ["r1", "r2", "r3", "r4", "r5"].map((r) => member(r));

  it("places every member on one circle, the first at the top, inside the picture", () => {
    const { nodes, width, height } = layoutTopology({ master: "r1", members: five, links: [] });
    const cx = nodes.reduce((sum, n) => sum + n.x, 0) / nodes.length;
    const cy = nodes.reduce((sum, n) => sum + n.y, 0) / nodes.length;
    const radii = nodes.map((n) => Math.hypot(n.x - cx, n.y - cy));
    for (const r of radii) expect(r).toBeCloseTo(radii[0]!, 0);
    expect(nodes[0]!.x).toBeCloseTo(width / 2, 0);
    expect(Math.min(...nodes.map((n) => n.y))).toBe(nodes[0]!.y);
    for (const node of nodes) {
      expect(node.x - NODE_RADIUS).toBeGreaterThanOrEqual(0);
      expect(node.x + NODE_RADIUS).toBeLessThanOrEqual(width);
      expect(node.y - NODE_RADIUS).toBeGreaterThanOrEqual(0);
      expect(node.y + NODE_RADIUS).toBeLessThanOrEqual(height);
    }
  });

  it("writes each name outside the ring, where links do not cross it", () => {
    const { nodes } = layoutTopology({ master: "r1", members: five, links: [] });
    const cx = nodes.reduce((sum, n) => sum + n.x, 0) / nodes.length;
    const cy = nodes.reduce((sum, n) => sum + n.y, 0) / nodes.length;
    for (const node of nodes) {
      expect(Math.hypot(node.label.x - cx, node.label.y - cy)).toBeGreaterThan(
        Math.hypot(node.x - cx, node.y - cy) + NODE_RADIUS,
      );
    }
    expect(nodes[0]!.label).toMatchObject({ anchor: "middle" });
    expect(nodes[0]!.label.y).toBeLessThan(nodes[0]!.y);
  });

  it("keeps neighbours far enough apart for their names", () => {
    const many = Array.from({ length: 12 }, (_, i) => member(`realm-${i}`));
    const { nodes } = layoutTopology({ master: null, members: many, links: [] });
    for (const [i, a] of nodes.entries()) {
      for (const b of nodes.slice(i + 1)) {
        expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThan(3 * NODE_RADIUS);
      }
    }
  });

  it("centres a lone member", () => {
    const { nodes, width } = layoutTopology({
      master: "solo",
      members: [member("solo")],
      links: [],
    });
    expect(nodes[0]!.x).toBe(width / 2);
  });

  it("colours a disconnected member red and a connected one green", () => {
    const { nodes } = layoutTopology({
      master: "r1",
      members: [member("r1"), member("r2", "disconnected", null), member("r3", "unknown", null)],
      links: [],
    });
    expect(nodes.map((n) => n.fill)).toEqual([
      TOPOLOGY_COLOURS.connected,
      TOPOLOGY_COLOURS.disconnected,
      TOPOLOGY_COLOURS.unknown,
    ]);
    expect(TOPOLOGY_COLOURS.disconnected).toContain("status--danger");
  });

  it("marks the agreed master, or a self-declared one while there is no agreement", () => {
    const members = [member("r1", "connected", "follower"), member("r2", "connected", "master")];
    expect(
      layoutTopology({ master: "r1", members, links: [] }).nodes.map((n) => n.isMaster),
    ).toEqual([true, false]);
    expect(
      layoutTopology({ master: null, members, links: [] }).nodes.map((n) => n.isMaster),
    ).toEqual([false, true]);
  });

  it("draws a link between its members and skips links to realms outside the cluster", () => {
    const { nodes, links } = layoutTopology({
      master: "r1",
      members: [member("r1"), member("r2")],
      links: [link("r1", "r2"), link("r1", "gone", false)],
    });
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({
      x1: nodes[0]!.x,
      y1: nodes[0]!.y,
      x2: nodes[1]!.x,
      y2: nodes[1]!.y,
      encrypted: true,
      title: "r1 → r2: TLSv1.3 TLS_AES_256_GCM_SHA384",
    });
  });

  it("draws both directions of a pair apart, so each keeps its own hover text", () => {
    const { links } = layoutTopology({
      master: "r1",
      members: [member("r1"), member("r2")],
      links: [link("r1", "r2"), link("r2", "r1", false)],
    });
    const [ab, ba] = links;
    const midAb = [(ab!.x1 + ab!.x2) / 2, (ab!.y1 + ab!.y2) / 2];
    const midBa = [(ba!.x1 + ba!.x2) / 2, (ba!.y1 + ba!.y2) / 2];
    expect(Math.hypot(midAb[0]! - midBa[0]!, midAb[1]! - midBa[1]!)).toBeGreaterThan(4);
    expect(ba!.encrypted).toBe(false);
  });
});
