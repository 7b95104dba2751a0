import type {
  AgentClusterRequest,
  ClusterStatus,
  ClusterStatusView,
  InterfaceDefinition,
  ReportedRealm,
} from "@conclave/protocol";
import { NotFoundError } from "../../http/errors.js";
import type { AgentRecord } from "../../store/agents.repo.js";
import {
  type ClusterMemberRecord,
  type ClusterRecord,
  ClustersRepo,
} from "../../store/clusters.repo.js";
import { loadFleetRows } from "../../store/fleet-rows.js";
import { type RealmRecord, RealmsRepo } from "../../store/realms.repo.js";
import { callAgent, type Fleet } from "../agents/fleet.js";
import { clusterTrustDelivery } from "../clusters/cluster-trust.js";
import { deriveClusterStatus } from "../clusters/derive-cluster-status.js";
import { toClusterConfig } from "../clusters/preflight.js";
import { statusIn } from "../interfaces/interface-mapping.js";

/** One member realm as the manager knows it right now: desired state and last report. */
export interface MemberView {
  realm: string;
  record: RealmRecord | undefined;
  agent: AgentRecord | undefined;
  reported: ReportedRealm | undefined;
  /** The realm's own GET /cluster, from its agent's last report. */
  cluster: ClusterStatus | null;
}

/**
 * What the wizards do to a cluster, through the same paths the clusters and interfaces
 * features use: member lists pushed to every realm through its agent (applied live), realm
 * interfaces applied on the host before they are recorded as desired state, and the status
 * derived from the agents' reports.
 */
export class ClusterOperations {
  constructor(readonly fleet: Fleet) {}

  async cluster(name: string): Promise<ClusterRecord> {
    const cluster = await new ClustersRepo(this.fleet.db).find(name);
    if (!cluster) throw new NotFoundError(`No cluster named ${name}`);
    return cluster;
  }

  /** The cluster's status and each member's view, read in one pass over the store. */
  async look(name: string): Promise<{ status: ClusterStatusView; members: MemberView[] }> {
    const rows = await loadFleetRows(this.fleet.db);
    const cluster = rows.clusters.find((c) => c.name === name);
    if (!cluster) throw new NotFoundError(`No cluster named ${name}`);
    const status = deriveClusterStatus(cluster, rows.realmsByName, rows.agentsById);
    const members = cluster.members.map((m): MemberView => {
      const record = rows.realmsByName.get(m.realm);
      const agent = record ? rows.agentsById.get(record.agentId) : undefined;
      const reported = agent?.lastReport?.realms.find((r) => r.name === m.realm);
      const clusterStatus =
        agent?.connected && reported?.cluster?.cluster === name ? reported.cluster : null;
      return { realm: m.realm, record, agent, reported, cluster: clusterStatus };
    });
    return { status, members };
  }

  /**
   * Sends `members` to every member realm (each applies it live: links move to the first
   * address that answers), then records it. Throws naming the realms that did not take it.
   */
  async pushMembers(cluster: ClusterRecord, members: ClusterMemberRecord[]): Promise<void> {
    await this.push(cluster, members, cluster.trustTruststoreId);
    await new ClustersRepo(this.fleet.db).setMembers(cluster.name, members, cluster.sites);
  }

  /**
   * Makes `truststoreId` the cluster trust store (null: peers' certificates unchecked): sent
   * with the current member list to every member, which reloads it live, then recorded.
   */
  async setTrust(cluster: ClusterRecord, truststoreId: string | null): Promise<void> {
    await this.push(cluster, cluster.members, truststoreId);
    await new ClustersRepo(this.fleet.db).setTrust(cluster.name, truststoreId);
  }

  /** Every push carries the trust store: a push without it switches verification off. */
  private async push(
    cluster: ClusterRecord,
    members: ClusterMemberRecord[],
    truststoreId: string | null,
  ): Promise<void> {
    const config: AgentClusterRequest = {
      ...toClusterConfig(cluster.name, members, {
        sites: cluster.sites,
        primeSite: cluster.primeSite,
      }),
      ...(await clusterTrustDelivery(this.fleet, truststoreId)),
    };
    const results = await Promise.allSettled(
      members.map(async (m) => {
        const { agent, client } = await this.agentClient(m.realm);
        await callAgent(agent, () => client.setRealmCluster(m.realm, config));
      }),
    );
    const failed = results.flatMap((r, i) =>
      r.status === "rejected" ? [`${members[i]!.realm}: ${(r.reason as Error).message}`] : [],
    );
    if (failed.length > 0) {
      throw new Error(`The member list did not reach every member: ${failed.join("; ")}`);
    }
  }

  /**
   * Waits until every member reports the cluster trust store holding exactly the CA
   * certificates `sha256s` (null: no trust store), so later link checks see it in force.
   * Answers each member's loaded trust store in words.
   */
  async waitTrustLoaded(
    name: string,
    sha256s: string[] | null,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<string[]> {
    const wanted = sha256s ? [...new Set(sha256s)].sort().join(",") : null;
    return waitUntil(
      sha256s
        ? "every member to load the cluster trust store"
        : "every member to drop the cluster trust store",
      async () => {
        const { members } = await this.look(name);
        const lines: string[] = [];
        const behind: string[] = [];
        for (const m of members) {
          const trust = m.cluster?.trustStore ?? null;
          const loaded = trust
            ? [...new Set(trust.certificates.map((c) => c.fingerprintSha256))].sort().join(",")
            : null;
          if (!m.cluster || loaded !== wanted) behind.push(m.realm);
          else if (trust) {
            lines.push(
              `${m.realm} checks peers' certificates against ${trust.certificates.map((c) => c.subject).join("; ")}`,
            );
          } else lines.push(`${m.realm} does not check peers' certificates`);
        }
        return behind.length === 0 ? lines : { pending: `not yet loaded on ${behind.join(", ")}` };
      },
      options,
    );
  }

  /**
   * Waits until the agent of every member reports it running: after a realm was killed its
   * agent restarts it with back-off, and links can only be timed once it is back.
   */
  async waitMembersRunning(
    name: string,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<void> {
    await waitUntil(
      "every member to run again",
      async () => {
        const { members } = await this.look(name);
        const down = members.filter((m) => !m.agent?.connected || m.reported?.state !== "running");
        if (down.length === 0) return true;
        return {
          pending: down
            .map((m) =>
              m.agent?.connected
                ? `${m.realm} ${m.reported?.state ?? "not reported"}`
                : `${m.realm}'s agent is not connected`,
            )
            .join(", "),
        };
      },
      options,
    );
  }

  /**
   * Applies `interfaces` on the realm's host, then records them as its desired state. A
   * realm that refuses one of `check` (e.g. its port is in use) fails the call with its reason.
   */
  async applyInterfaces(
    realm: string,
    interfaces: InterfaceDefinition[],
    check: string[] = [],
  ): Promise<void> {
    await this.fleet.withRealmLock(realm, async () => {
      const repo = new RealmsRepo(this.fleet.db);
      const record = await repo.find(realm);
      if (!record) throw new NotFoundError(`No realm named ${realm}`);
      const agent = await this.fleet.agentOf(record);
      const result = await this.fleet.applyRealm(agent, realm, interfaces);
      const failure = result.failures.find((f) => check.includes(f.name));
      if (failure) throw new Error(`Realm ${realm} refused ${failure.name}: ${failure.error}`);
      // A port in use is not a refusal: the interface is kept, in state Error.
      for (const alias of check) {
        const status = statusIn(result.interfaces, alias);
        const wanted = interfaces.find((d) => d.alias === alias);
        if (wanted?.autostart && status?.state === "Error") {
          throw new Error(`${realm}/${alias} did not start: ${status.error ?? "unknown error"}`);
        }
      }
      await repo.setInterfaces(realm, interfaces);
    });
  }

  private async agentClient(realm: string) {
    const record = await new RealmsRepo(this.fleet.db).find(realm);
    if (!record) throw new NotFoundError(`No realm named ${realm}`);
    const agent = await this.fleet.agentOf(record);
    return { agent, client: await this.fleet.clientFor(agent) };
  }
}

/**
 * "2 of 3 links up", with the newest refusal each member reported since `since` (an untrusted
 * certificate, an unknown identity key, …): what an operator needs when links do not come up.
 */
export function linksPending(members: MemberView[], up: number, pairs: number, since: number) {
  const refusals = members.flatMap((m) => {
    const last = m.cluster?.refusals.filter((r) => Date.parse(r.at) >= since).at(-1);
    return last ? [`${m.realm}: ${last.reason}`] : [];
  });
  return `${up} of ${pairs} links up${refusals.length > 0 ? `; ${refusals.join("; ")}` : ""}`;
}

/**
 * Polls `check` every 250 ms until it answers a value (not undefined), `timeoutMs` passes
 * (throws with `what` and the last reason), or `signal` aborts (throws).
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | { pending: string }>,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last = "";
  for (;;) {
    if (options.signal.aborted) throw new Error(`Stopped waiting for ${what}`);
    const value = await check().catch((error: unknown) => ({
      pending: error instanceof Error ? error.message : String(error),
    }));
    if (value !== undefined && !(typeof value === "object" && value && "pending" in value)) {
      return value as T;
    }
    if (value && typeof value === "object" && "pending" in value) last = value.pending;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}${last ? ` (${last})` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
