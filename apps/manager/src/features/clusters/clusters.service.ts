import type {
  AgentClusterRequest,
  Cluster,
  ClusterSite,
  CreateClusterRequest,
} from "@conclave/protocol";
import { CreateClusterRequestSchema } from "@conclave/protocol";
import type { AuthContext } from "../../http/auth.js";
import { ConflictError, NotFoundError, UnavailableError } from "../../http/errors.js";
import { AuditRepo } from "../../store/audit.repo.js";
import {
  type ClusterMemberRecord,
  type ClusterRecord,
  ClustersRepo,
} from "../../store/clusters.repo.js";
import type { Db } from "../../store/db.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { callAgent, type Fleet } from "../agents/fleet.js";
import { loadClusterStatuses } from "./cluster-statuses.js";
import { clusterTrustDelivery } from "./cluster-trust.js";
import { preflight, toClusterConfig } from "./preflight.js";
import { PreflightError } from "./preflight-error.js";

/** Who asked, for the audit log. */
export interface Caller {
  auth: AuthContext;
  ip: string;
}

/** A cluster as GET /api/v1/clusters shows it. */
export function toCluster(record: ClusterRecord, status = record.status): Cluster {
  return {
    name: record.name,
    status,
    members: record.members.map((m) => ({
      realm: m.realm,
      addresses: m.addresses,
      identityFingerprintSha256: m.identityFingerprintSha256,
    })),
    sites: record.sites,
    primeSite: record.primeSite,
    trustStoreId: record.trustTruststoreId,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/**
 * Forms clusters and changes their membership: pre-flight, then the identical member list
 * (names, inter-realm addresses, identity public keys) to every member through its agent, then
 * the store and the audit log. Realms apply the list live; nothing restarts.
 */
export class ClustersService {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly fleet: Fleet) {}

  async list(): Promise<Cluster[]> {
    return (await loadClusterStatuses(this.fleet.db)).map((c) =>
      toCluster(c.record, c.status.status),
    );
  }

  async get(name: string): Promise<Cluster> {
    const [found] = await loadClusterStatuses(this.fleet.db, name);
    if (!found) throw new NotFoundError(`No cluster named ${name}`);
    return toCluster(found.record, found.status.status);
  }

  async status(name: string) {
    const [found] = await loadClusterStatuses(this.fleet.db, name);
    if (!found) throw new NotFoundError(`No cluster named ${name}`);
    return found.status;
  }

  /** The pre-flight checks alone. */
  async check(input: CreateClusterRequest) {
    const request = CreateClusterRequestSchema.parse(input);
    const { findings } = await preflight(this.fleet, { ...request, cluster: request.name });
    return { ok: !findings.some((f) => f.severity === "error"), findings };
  }

  async form(input: CreateClusterRequest, caller: Caller): Promise<Cluster> {
    const request = CreateClusterRequestSchema.parse(input);
    return this.locked(request.name, async () => {
      const repo = new ClustersRepo(this.fleet.db);
      if (await repo.find(request.name)) {
        throw new ConflictError(
          `A cluster named ${request.name} exists; choose another name or add members to it`,
        );
      }
      const { findings, members } = await preflight(this.fleet, {
        ...request,
        cluster: request.name,
      });
      if (findings.some((f) => f.severity === "error")) {
        throw new PreflightError(findings, `Cluster ${request.name} cannot be formed`);
      }
      const primeSite = request.primeSite ?? null;
      const config = toClusterConfig(request.name, members, { sites: request.sites, primeSite });
      const pushed: string[] = [];
      try {
        await Promise.all(
          members.map(async (m) => {
            await this.pushCluster(m.realm, config);
            pushed.push(m.realm);
          }),
        );
      } catch (error) {
        // All or nothing: members that already joined leave again.
        await Promise.allSettled(pushed.map((realm) => this.leave(realm)));
        throw error;
      }
      const record = await this.fleet.db.transaction(async (tx) => {
        const created = await new ClustersRepo(tx).create({
          name: request.name,
          members,
          sites: request.sites,
          primeSite,
        });
        if (!created) throw new ConflictError(`A cluster named ${request.name} exists`);
        await this.audit(tx, caller, "cluster.create", request.name, null, created);
        return created;
      });
      this.fleet.logger.info("cluster formed", {
        cluster: record.name,
        members: members.map((m) => m.realm),
      });
      await this.changed("create", record.name);
      return toCluster(record);
    });
  }

  async addMember(name: string, realm: string, caller: Caller): Promise<Cluster> {
    return this.locked(name, async () => {
      const cluster = await this.find(name);
      if (cluster.members.some((m) => m.realm === realm)) {
        throw new ConflictError(`${realm} is already a member of cluster ${name}`);
      }
      const realms = [...cluster.members.map((m) => m.realm), realm];
      const { findings, members } = await preflight(this.fleet, {
        cluster: name,
        realms,
        sites: cluster.sites,
        ...(cluster.primeSite ? { primeSite: cluster.primeSite } : {}),
      });
      if (findings.some((f) => f.severity === "error")) {
        throw new PreflightError(findings, `${realm} cannot join cluster ${name}`);
      }
      return this.changeMembers(cluster, members, cluster.sites, cluster.primeSite, caller, {
        action: "cluster.member.add",
        removed: null,
      });
    });
  }

  async removeMember(name: string, realm: string, caller: Caller): Promise<Cluster> {
    return this.locked(name, async () => {
      const cluster = await this.find(name);
      if (!cluster.members.some((m) => m.realm === realm)) {
        throw new NotFoundError(`${realm} is not a member of cluster ${name}`);
      }
      const members = cluster.members.filter((m) => m.realm !== realm);
      if (members.length === 0) {
        throw new ConflictError(
          `${realm} is the last member of ${name}; delete the cluster instead (DELETE /api/v1/clusters/${name})`,
        );
      }
      const sites = cluster.sites
        .map((s) => ({ ...s, members: s.members.filter((m) => m !== realm) }))
        .filter((s) => s.members.length > 0);
      const primeSite =
        cluster.primeSite && sites.some((s) => s.name === cluster.primeSite)
          ? cluster.primeSite
          : null;
      return this.changeMembers(cluster, members, sites, primeSite, caller, {
        action: "cluster.member.remove",
        removed: realm,
      });
    });
  }

  /** Every member leaves (DELETE /cluster on each realm); then the cluster is forgotten. */
  async delete(name: string, caller: Caller): Promise<void> {
    await this.locked(name, async () => {
      const cluster = await this.find(name);
      const results = await Promise.allSettled(cluster.members.map((m) => this.leave(m.realm)));
      const failed = this.failures(cluster.members, results);
      if (failed.length > 0) {
        throw new UnavailableError(
          `Cluster ${name} was not deleted: ${failed.join("; ")}. The others left; retry when those agents answer`,
        );
      }
      await this.fleet.db.transaction(async (tx) => {
        await new ClustersRepo(tx).delete(name);
        await this.audit(tx, caller, "cluster.delete", name, cluster, null);
      });
      this.fleet.logger.info("cluster deleted", { cluster: name });
      await this.changed("delete", name);
    });
  }

  private async changeMembers(
    cluster: ClusterRecord,
    members: ClusterMemberRecord[],
    sites: ClusterSite[],
    primeSite: string | null,
    caller: Caller,
    change: { action: string; removed: string | null },
  ): Promise<Cluster> {
    const config: AgentClusterRequest = {
      ...toClusterConfig(cluster.name, members, { sites, primeSite }),
      ...(await clusterTrustDelivery(this.fleet, cluster.trustTruststoreId)),
    };
    const results = await Promise.allSettled(members.map((m) => this.pushCluster(m.realm, config)));
    const failed = this.failures(members, results);
    if (failed.length > 0) {
      throw new UnavailableError(
        `The new member list of ${cluster.name} did not reach every member: ${failed.join("; ")}. Retry when those agents answer`,
      );
    }
    // The removed realm stops linking; the others already refuse it.
    if (change.removed) {
      await this.leave(change.removed).catch((error: unknown) =>
        this.fleet.logger.warn("removed member did not leave", {
          cluster: cluster.name,
          realm: change.removed,
          error,
        }),
      );
    }
    const record = await this.fleet.db.transaction(async (tx) => {
      const updated = await new ClustersRepo(tx).setMembers(cluster.name, members, sites);
      if (!updated) throw new NotFoundError(`No cluster named ${cluster.name}`);
      await this.audit(tx, caller, change.action, cluster.name, cluster, updated);
      return updated;
    });
    await this.changed(change.action.split(".").pop() ?? change.action, cluster.name);
    return toCluster({ ...record, primeSite });
  }

  private failures(members: { realm: string }[], results: PromiseSettledResult<unknown>[]) {
    return results.flatMap((r, i) =>
      r.status === "rejected"
        ? [`${members[i]!.realm}: ${(r.reason as Error)?.message ?? String(r.reason)}`]
        : [],
    );
  }

  private async find(name: string): Promise<ClusterRecord> {
    const cluster = await new ClustersRepo(this.fleet.db).find(name);
    if (!cluster) throw new NotFoundError(`No cluster named ${name}`);
    return cluster;
  }

  private async agentClient(realm: string) {
    const record = await new RealmsRepo(this.fleet.db).find(realm);
    if (!record) throw new NotFoundError(`No realm named ${realm}`);
    const agent = await this.fleet.agentOf(record);
    return { agent, client: await this.fleet.clientFor(agent) };
  }

  private async pushCluster(realm: string, config: AgentClusterRequest) {
    const { agent, client } = await this.agentClient(realm);
    await callAgent(agent, () => client.setRealmCluster(realm, config));
  }

  private async leave(realm: string) {
    const { agent, client } = await this.agentClient(realm);
    await callAgent(agent, () => client.leaveRealmCluster(realm));
  }

  private async audit(
    tx: Db,
    caller: Caller,
    action: string,
    name: string,
    before: ClusterRecord | null,
    after: ClusterRecord | null,
  ) {
    const view = (c: ClusterRecord | null) => (c ? { ...toCluster(c) } : null);
    await new AuditRepo(tx).record({
      actor: { userId: caller.auth.user.id, username: caller.auth.user.username },
      action,
      target: `cluster:${name}`,
      before: view(before),
      after: view(after),
      ip: caller.ip,
    });
  }

  private async changed(action: string, name: string) {
    await this.fleet.bus.publish({ type: "config.changed", resource: "cluster", action, name });
  }

  /** One change per cluster at a time on this replica. */
  private async locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(fn);
    this.locks.set(name, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(name) === run) this.locks.delete(name);
    }
  }
}
