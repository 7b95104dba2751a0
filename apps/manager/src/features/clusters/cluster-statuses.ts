import type { ClusterStatusView } from "@conclave/protocol";
import { AgentsRepo } from "../../store/agents.repo.js";
import { type ClusterRecord, ClustersRepo } from "../../store/clusters.repo.js";
import type { Db } from "../../store/db.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { deriveClusterStatus } from "./derive-cluster-status.js";

/** A cluster's stored membership with its status derived from the latest reports. */
export interface ClusterWithStatus {
  record: ClusterRecord;
  status: ClusterStatusView;
}

/** Every cluster (or only `name`) with its current status, read in one pass over the store. */
export async function loadClusterStatuses(db: Db, name?: string): Promise<ClusterWithStatus[]> {
  const repo = new ClustersRepo(db);
  const clusters = name
    ? [await repo.find(name)].filter((c): c is ClusterRecord => c !== null)
    : await repo.list();
  if (clusters.length === 0) return [];
  const realms = new Map((await new RealmsRepo(db).list()).map((r) => [r.name, r]));
  const agents = new Map((await new AgentsRepo(db).list()).map((a) => [a.id, a]));
  const now = Date.now();
  return clusters.map((record) => ({
    record,
    status: deriveClusterStatus(record, realms, agents, now),
  }));
}

/** realm name → the cluster it is a member of (for GET /api/v1/realms). */
export async function clusterOfRealm(db: Db): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const cluster of await new ClustersRepo(db).list()) {
    for (const member of cluster.members) map.set(member.realm, cluster.name);
  }
  return map;
}
