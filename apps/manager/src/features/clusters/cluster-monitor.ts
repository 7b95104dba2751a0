import type { ClusterStatusView } from "@conclave/protocol";
import { ClustersRepo } from "../../store/clusters.repo.js";
import type { Fleet } from "../agents/fleet.js";
import { loadClusterStatuses } from "./cluster-statuses.js";

/** How often the monitor re-derives cluster status between report-driven checks. */
export const CLUSTER_MONITOR_INTERVAL_MS = 250;

const fingerprint = (s: ClusterStatusView) =>
  JSON.stringify([
    s.status,
    s.master,
    s.connectedServers,
    s.members.map((m) => [m.realm, m.state]),
  ]);

/**
 * Watches clusters: re-derives every cluster's status from the latest reports (at once when a
 * realm or agent changes state, and every 250 ms), stores it, marks a cluster converged the
 * first time it is Active, and publishes `cluster.status` on the event bus when the status,
 * master or a member's state changed. With several replicas each one publishes (browsers may
 * see a change twice; the events are idempotent).
 */
export class ClusterMonitor {
  private timer: NodeJS.Timeout | undefined;
  private readonly last = new Map<string, string>();
  private running: Promise<void> | undefined;
  private again = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly fleet: Fleet) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.checkSoon(), CLUSTER_MONITOR_INTERVAL_MS);
    this.timer.unref();
    this.unsubscribe = this.fleet.bus.subscribe((event) => {
      if (
        event.type === "realm.state" ||
        event.type === "agent.connection" ||
        (event.type === "config.changed" && event.resource === "cluster")
      ) {
        this.checkSoon();
      }
    });
    this.fleet.bus.onClose(() => this.stop());
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Runs a check now, or right after the one in flight. */
  checkSoon(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.check()
      .catch((error: unknown) => this.fleet.logger.debug("cluster monitor check failed", { error }))
      .finally(() => {
        this.running = undefined;
        if (this.again && this.timer) {
          this.again = false;
          this.checkSoon();
        }
      });
  }

  /** One pass over every cluster. */
  async check(): Promise<void> {
    const clusters = await loadClusterStatuses(this.fleet.db);
    const repo = new ClustersRepo(this.fleet.db);
    const present = new Set<string>();
    for (const { record, status } of clusters) {
      present.add(record.name);
      const converged = status.status === "Active";
      if (record.status !== status.status || (converged && !record.converged)) {
        await repo.setStatus(record.name, status.status, converged);
      }
      const now = fingerprint(status);
      const before = this.last.get(record.name);
      if (before === now) continue;
      this.last.set(record.name, now);
      const previous = before ? (JSON.parse(before)[0] as ClusterStatusView["status"]) : null;
      await this.fleet.bus.publish({
        type: "cluster.status",
        cluster: record.name,
        status: status.status,
        previous,
        master: status.master,
        connectedServers: status.connectedServers,
        disconnectedServers: status.disconnectedServers,
        members: status.members.map((m) => ({ realm: m.realm, state: m.state })),
      });
    }
    for (const name of this.last.keys()) if (!present.has(name)) this.last.delete(name);
  }
}
