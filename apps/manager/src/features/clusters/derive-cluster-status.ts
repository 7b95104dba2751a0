import type {
  ClusterHealth,
  ClusterLinkView,
  ClusterStatus,
  ClusterStatusView,
} from "@conclave/protocol";
import type { AgentRecord } from "../../store/agents.repo.js";
import type { ClusterRecord } from "../../store/clusters.repo.js";
import type { RealmRecord } from "../../store/realms.repo.js";

/**
 * How long after creation (or a membership change) a cluster that has not converged yet shows
 * Forming; after that it shows what the members report (usually NoQuorum), so a formation
 * that cannot succeed does not look busy forever.
 */
export const FORMING_GRACE_MS = 60_000;

type MemberView = ClusterStatusView["members"][number];

/** What one member realm reports about this cluster, or why it reports nothing. */
interface MemberReport {
  realm: string;
  /** The agent is silent: nothing is known. */
  unknown: boolean;
  /** GET /cluster of the realm, when it runs and is in this cluster. */
  status: ClusterStatus | null;
}

function reportOf(
  cluster: string,
  realm: string,
  realms: ReadonlyMap<string, RealmRecord>,
  agents: ReadonlyMap<string, AgentRecord>,
): MemberReport {
  const record = realms.get(realm);
  const agent = record ? agents.get(record.agentId) : undefined;
  if (!agent?.connected) return { realm, unknown: true, status: null };
  const reported = agent.lastReport?.realms.find((r) => r.name === realm);
  const status =
    reported?.state === "running" && reported.cluster?.cluster === cluster
      ? reported.cluster
      : null;
  return { realm, unknown: false, status };
}

/**
 * A cluster's status from the agents' latest reports: the master the members agree on (a
 * member in role master with quorum; the highest term wins while an old master steps down),
 * each member's state as the master sees it, and the links each member dialled.
 *
 * Active: every member connected and a master · Degraded: a master with quorum, some member
 * disconnected or recovering · NoQuorum: no master with quorum · Forming: created or changed
 * and not converged yet (for at most {@link FORMING_GRACE_MS}).
 */
export function deriveClusterStatus(
  cluster: ClusterRecord,
  realms: ReadonlyMap<string, RealmRecord>,
  agents: ReadonlyMap<string, AgentRecord>,
  now: number = Date.now(),
): ClusterStatusView {
  const reports = cluster.members.map((m) => reportOf(cluster.name, m.realm, realms, agents));
  const master = reports
    .filter((r) => r.status?.role === "master" && r.status.quorum.hasQuorum)
    .sort((a, b) => b.status!.term - a.status!.term)[0];
  const masterView = new Map(
    (master?.status?.members ?? []).map((m) => [m.name, m.self ? "connected" : m.state]),
  );

  const members: MemberView[] = reports.map((r) => {
    if (r.unknown) return { realm: r.realm, state: "unknown", role: null };
    if (!r.status) return { realm: r.realm, state: "disconnected", role: null };
    const seen = master ? masterView.get(r.realm) : undefined;
    const state = r.status.recovering ? "recovering" : (seen ?? "connected");
    return { realm: r.realm, state, role: r.status.role };
  });
  const connected = members.filter((m) => m.state === "connected").length;

  let status: ClusterHealth;
  if (!master) status = "NoQuorum";
  else if (connected === members.length) status = "Active";
  else status = "Degraded";
  const formingSince = cluster.membershipChangedAt.getTime();
  if (!cluster.converged && status !== "Active" && now - formingSince < FORMING_GRACE_MS) {
    status = "Forming";
  }

  return {
    name: cluster.name,
    status,
    master: master?.realm ?? null,
    // Cluster-wide, every member counts (a realm's own status counts only the others).
    connectedServers: connected,
    disconnectedServers: members.length - connected,
    members,
    links: linksOf(reports),
  };
}

/**
 * One entry per pair of members: the link the dialling member reports (the active one while a
 * link moves), or the accepting member's view when the dialler is not reporting.
 */
function linksOf(reports: MemberReport[]): ClusterLinkView[] {
  const byPair = new Map<string, ClusterLinkView & { rank: number }>();
  for (const report of reports) {
    for (const link of report.status?.links ?? []) {
      if (link.state !== "established") continue;
      const outbound = link.direction === "outbound";
      const from = outbound ? report.realm : link.peer;
      const to = outbound ? link.peer : report.realm;
      const rank = (outbound ? 2 : 0) + (link.active ? 1 : 0);
      const key = `${from}\u0000${to}`;
      const existing = byPair.get(key);
      if (existing && existing.rank >= rank) continue;
      byPair.set(key, {
        from,
        to,
        protocol: link.protocol,
        encrypted: link.encrypted,
        tlsVersion: link.tlsVersion,
        cipher: link.cipher,
        // Only the dialler checks, and a realm with a trust store links no peer it refuses.
        verified: outbound && link.encrypted && Boolean(report.status?.trustStore),
        rttMs: link.roundTripMs,
        rank,
      });
    }
  }
  return [...byPair.values()]
    .map(({ rank: _rank, ...link }) => link)
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}
