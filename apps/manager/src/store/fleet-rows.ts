import { type AgentRecord, AgentsRepo } from "./agents.repo.js";
import { type ClusterRecord, ClustersRepo } from "./clusters.repo.js";
import type { Db } from "./db.js";
import { cachedRead } from "./read-cache.js";
import { type RealmRecord, RealmsRepo } from "./realms.repo.js";

/** Every realm, agent (with its last report) and cluster, as stored. Read-only: shared. */
export interface FleetRows {
  realms: readonly RealmRecord[];
  realmsByName: ReadonlyMap<string, RealmRecord>;
  agentsById: ReadonlyMap<string, AgentRecord>;
  clusters: readonly ClusterRecord[];
  /** realm name → the cluster it is a member of. */
  clusterOfRealm: ReadonlyMap<string, string>;
}

async function readFleetRows(db: Db): Promise<FleetRows> {
  const realms = await new RealmsRepo(db).list();
  const agents = await new AgentsRepo(db).list();
  const clusters = await new ClustersRepo(db).list();
  const clusterOfRealm = new Map<string, string>();
  for (const cluster of clusters) {
    for (const member of cluster.members) clusterOfRealm.set(member.realm, cluster.name);
  }
  return {
    realms,
    realmsByName: new Map(realms.map((r) => [r.name, r])),
    agentsById: new Map(agents.map((a) => [a.id, a])),
    clusters,
    clusterOfRealm,
  };
}

/**
 * The fleet's rows for the read paths that need all of them (realm list, cluster status, the
 * cluster monitor, health). Three queries, reused until the next write to the store (on
 * embedded PGlite, where this process is the only writer; see {@link cachedRead}), so polling
 * clients and the 250 ms monitor share one read between agent reports.
 */
export function loadFleetRows(db: Db): Promise<FleetRows> {
  return cachedRead(db, readFleetRows);
}
