import type { AgentReport, ClusterStatus } from "@conclave/protocol";
import { describe, expect, it } from "vitest";
import type { AgentRecord } from "../../store/agents.repo.js";
import type { ClusterRecord } from "../../store/clusters.repo.js";
import type { RealmRecord } from "../../store/realms.repo.js";
import { deriveClusterStatus, FORMING_GRACE_MS } from "./derive-cluster-status.js";

const NAMES = ["realm-a", "realm-b", "realm-c"];
const now = Date.parse("2026-01-01T00:00:00Z");

const cluster = (over: Partial<ClusterRecord> = {}): ClusterRecord => ({
  name: "demo",
  members: NAMES.map((realm) => ({
    realm,
    addresses: [],
    publicKey: "",
    identityFingerprintSha256: realm,
  })),
  sites: [],
  primeSite: null,
  trustTruststoreId: null,
  status: "Forming",
  converged: true,
  membershipChangedAt: new Date(now - 2 * FORMING_GRACE_MS),
  createdAt: new Date(now),
  updatedAt: new Date(now),
  ...over,
});

const link = (peer: string, direction: "outbound" | "inbound", active = true) => ({
  peer,
  direction,
  state: "established" as const,
  active,
  address: null,
  localAddress: "127.0.0.1:1",
  remoteAddress: "127.0.0.1:2",
  protocol: "nsp" as const,
  encrypted: false,
  tlsVersion: null,
  cipher: null,
  peerCertificateFingerprintSha256: null,
  roundTripMs: 0.4,
  connectedSince: new Date(now).toISOString(),
});

/** What `realm` reports: master or follower, who it sees connected, its links. */
function clusterStatus(
  realm: string,
  role: ClusterStatus["role"],
  options: { hasQuorum?: boolean; down?: string[]; recovering?: boolean } = {},
): ClusterStatus {
  const down = options.down ?? [];
  return {
    cluster: "demo",
    realm,
    role,
    master: role === "master" ? realm : null,
    term: 3,
    commitIndex: 1,
    lastIndex: 1,
    appliedIndex: 1,
    recovering: options.recovering ?? false,
    quorum: {
      members: 3,
      reachable: 3 - down.length,
      required: 2,
      margin: 1 - down.length,
      hasQuorum: options.hasQuorum ?? true,
      rule: "",
    },
    members: NAMES.map((name) => ({
      name,
      self: name === realm,
      state: down.includes(name) ? "disconnected" : "connected",
      addresses: [],
      site: null,
      identityFingerprintSha256: name,
      matchIndex: null,
    })),
    links: NAMES.filter((n) => n !== realm && !down.includes(n)).map((peer) =>
      link(peer, realm < peer ? "outbound" : "inbound"),
    ),
    connectedServers: 2 - down.length,
    disconnectedServers: down.length,
    refusals: [],
  };
}

function world(statuses: Record<string, ClusterStatus | null>, connected = true) {
  const realms = new Map<string, RealmRecord>(
    NAMES.map((name) => [
      name,
      { name, agentId: "agent-1", interfaces: [], createdAt: new Date(), updatedAt: new Date() },
    ]),
  );
  const report = {
    realms: NAMES.map((name) => ({
      name,
      state: statuses[name] ? "running" : "backoff",
      cluster: statuses[name],
    })),
  } as unknown as AgentReport;
  const agents = new Map([
    ["agent-1", { id: "agent-1", connected, lastReport: report } as unknown as AgentRecord],
  ]);
  return { realms, agents };
}

describe("deriveClusterStatus", () => {
  it("is Active with every member connected and a master, one link per pair", () => {
    const { realms, agents } = world({
      "realm-a": clusterStatus("realm-a", "follower"),
      "realm-b": clusterStatus("realm-b", "master"),
      "realm-c": clusterStatus("realm-c", "follower"),
    });
    const status = deriveClusterStatus(cluster(), realms, agents, now);
    expect(status).toMatchObject({
      status: "Active",
      master: "realm-b",
      connectedServers: 3,
      disconnectedServers: 0,
    });
    expect(status.members.map((m) => m.role)).toEqual(["follower", "master", "follower"]);
    expect(status.links.map((l) => `${l.from}>${l.to}`)).toEqual([
      "realm-a>realm-b",
      "realm-a>realm-c",
      "realm-b>realm-c",
    ]);
  });

  it("is Degraded when a member is down or recovering but a master holds quorum", () => {
    const down = world({
      "realm-a": clusterStatus("realm-a", "master", { down: ["realm-c"] }),
      "realm-b": clusterStatus("realm-b", "follower", { down: ["realm-c"] }),
      "realm-c": null,
    });
    const status = deriveClusterStatus(cluster(), down.realms, down.agents, now);
    expect(status).toMatchObject({ status: "Degraded", connectedServers: 2 });
    expect(status.members[2]).toEqual({ realm: "realm-c", state: "disconnected", role: null });

    const recovering = world({
      "realm-a": clusterStatus("realm-a", "master"),
      "realm-b": clusterStatus("realm-b", "follower"),
      "realm-c": clusterStatus("realm-c", "follower", { recovering: true }),
    });
    expect(deriveClusterStatus(cluster(), recovering.realms, recovering.agents, now).status).toBe(
      "Degraded",
    );
  });

  it("is NoQuorum without a master that has quorum, and Forming until it first converges", () => {
    const { realms, agents } = world({
      "realm-a": clusterStatus("realm-a", "candidate", { hasQuorum: false }),
      "realm-b": null,
      "realm-c": null,
    });
    expect(deriveClusterStatus(cluster(), realms, agents, now).status).toBe("NoQuorum");
    const fresh = cluster({ converged: false, membershipChangedAt: new Date(now - 1000) });
    expect(deriveClusterStatus(fresh, realms, agents, now).status).toBe("Forming");
  });

  it("shows members unknown while their agent is silent", () => {
    const { realms, agents } = world({ "realm-a": null, "realm-b": null, "realm-c": null }, false);
    const status = deriveClusterStatus(cluster(), realms, agents, now);
    expect(status.members.map((m) => m.state)).toEqual(["unknown", "unknown", "unknown"]);
    expect(status).toMatchObject({ status: "NoQuorum", connectedServers: 0 });
  });
});
