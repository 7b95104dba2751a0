import type { ClusterStatusView } from "@conclave/protocol";
import type { ClusterRecord } from "../../store/clusters.repo.js";
import type { Db } from "../../store/db.js";
import { loadFleetRows } from "../../store/fleet-rows.js";
import { deriveClusterStatus } from "./derive-cluster-status.js";

/** A cluster's stored membership with its status derived from the latest reports. */
export interface ClusterWithStatus {
  record: ClusterRecord;
  status: ClusterStatusView;
}

/** Every cluster (or only `name`) with its current status, read in one pass over the store. */
export async function loadClusterStatuses(db: Db, name?: string): Promise<ClusterWithStatus[]> {
  const { clusters, realmsByName, agentsById } = await loadFleetRows(db);
  const wanted = name === undefined ? clusters : clusters.filter((c) => c.name === name);
  const now = Date.now();
  return wanted.map((record) => ({
    record,
    status: deriveClusterStatus(record, realmsByName, agentsById, now),
  }));
}
