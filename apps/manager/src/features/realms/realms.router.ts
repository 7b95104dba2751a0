import {
  CreateRealmRequestSchema,
  RealmDetailSchema,
  RealmLiveStatusSchema,
  RealmLogsQuerySchema,
  RealmLogsSchema,
  RealmMetricsQuerySchema,
  RealmMetricsSchema,
  RealmParamsSchema,
  RealmSummaryListSchema,
} from "@conclave/protocol";
import { Router } from "express";
import type { AuthContext } from "../../http/auth.js";
import { ConflictError, InputError, NotFoundError } from "../../http/errors.js";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import { AgentsRepo } from "../../store/agents.repo.js";
import { AuditRepo } from "../../store/audit.repo.js";
import { loadFleetRows } from "../../store/fleet-rows.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { callAgent, type Fleet } from "../agents/fleet.js";
import { REALM_METRICS_INTERVAL_MS, RealmMetricsSampler } from "./realm-metrics-sampler.js";
import { toRealmDetail, toRealmSummary } from "./realm-views.js";

const tag = "realms";

/** Realms: where they run, their state, and their lifecycle. */
export const realmsRoutes = {
  list: defineRoute({
    method: "get",
    path: "/realms",
    operationId: "listRealms",
    summary: "List realms with their host, state, pid and interfaces",
    tag,
    access: "viewer",
    response: RealmSummaryListSchema,
  }),
  create: defineRoute({
    method: "post",
    path: "/realms",
    operationId: "createRealm",
    summary: "Create a realm on an agent's host and start it",
    tag,
    access: "operator",
    body: CreateRealmRequestSchema,
    status: 201,
    response: RealmDetailSchema,
    errors: [404, 409, 422, 503],
  }),
  get: defineRoute({
    method: "get",
    path: "/realms/:realm",
    operationId: "getRealm",
    summary: "One realm",
    tag,
    access: "viewer",
    params: RealmParamsSchema,
    response: RealmDetailSchema,
    errors: [404],
  }),
  delete: defineRoute({
    method: "delete",
    path: "/realms/:realm",
    operationId: "deleteRealm",
    summary: "Stop a realm and delete it with its data directory",
    tag,
    access: "operator",
    params: RealmParamsSchema,
    errors: [404, 503],
  }),
  restart: defineRoute({
    method: "post",
    path: "/realms/:realm/restart",
    operationId: "restartRealm",
    summary: "Restart a realm's process",
    tag,
    access: "operator",
    params: RealmParamsSchema,
    response: RealmDetailSchema,
    errors: [404, 503],
  }),
  status: defineRoute({
    method: "get",
    path: "/realms/:realm/status",
    operationId: "getRealmStatus",
    summary: "A realm's live status, read now through its agent",
    tag,
    access: "viewer",
    params: RealmParamsSchema,
    response: RealmLiveStatusSchema,
    errors: [404, 503],
  }),
  logs: defineRoute({
    method: "get",
    path: "/realms/:realm/logs",
    operationId: "getRealmLogs",
    summary: "The last lines a realm's process wrote",
    tag,
    access: "operator",
    params: RealmParamsSchema,
    query: RealmLogsQuerySchema,
    response: RealmLogsSchema,
    errors: [404, 503],
  }),
  metrics: defineRoute({
    method: "get",
    path: "/realms/:realm/metrics",
    operationId: "getRealmMetrics",
    summary: "A realm's figures over the last hour, sampled every 10 s from its agent's reports",
    description:
      "History is kept in memory by the manager replica that answers: it starts empty when the replica starts and has gaps while the realm or its agent was not reporting.",
    tag,
    access: "viewer",
    params: RealmParamsSchema,
    query: RealmMetricsQuerySchema,
    response: RealmMetricsSchema,
    errors: [404],
  }),
};

export interface RealmsRouterOptions {
  registry: RouteRegistry;
  fleet: Fleet;
  /**
   * Sample realm figures for the metrics route. Only with a fleet that receives reports (the
   * one main.ts starts): a sampler over an idle store would only poll it for nothing.
   */
  sampleMetrics?: boolean;
}

const actorOf = (auth: AuthContext) => ({ userId: auth.user.id, username: auth.user.username });

/** Routes under /api/v1/realms. */
export function createRealmsRouter(options: RealmsRouterOptions): Router {
  const { registry, fleet } = options;
  const { db } = fleet;
  const router = Router();
  const realms = new RealmsRepo(db);
  const agents = new AgentsRepo(db);
  const metrics = new RealmMetricsSampler(fleet);
  if (options.sampleMetrics) metrics.start();

  const findRealm = async (name: string) => {
    const realm = await realms.find(name);
    if (!realm) throw new NotFoundError(`No realm named ${name}`);
    return realm;
  };
  // Reads serve the stored desired state with each agent's last report (pushed every second),
  // never a live call to an agent; the rows are reused until the store changes.
  const detail = async (name: string) => {
    const rows = await loadFleetRows(db);
    const realm = rows.realmsByName.get(name);
    if (!realm) throw new NotFoundError(`No realm named ${name}`);
    const cluster = rows.clusterOfRealm.get(realm.name) ?? null;
    return toRealmDetail(realm, rows.agentsById.get(realm.agentId), cluster);
  };

  registry.mount(router, realmsRoutes.list, async () => {
    const { realms, agentsById, clusterOfRealm } = await loadFleetRows(db);
    return realms.map((r) =>
      toRealmSummary(r, agentsById.get(r.agentId), clusterOfRealm.get(r.name) ?? null),
    );
  });

  registry.mount(router, realmsRoutes.create, async ({ body, auth, ip }) => {
    const agent = await agents.findById(body.agentId);
    if (!agent) throw new NotFoundError(`No agent with id ${body.agentId}`);
    const aliases = new Set<string>();
    for (const definition of body.interfaces) {
      if (aliases.has(definition.alias)) {
        throw new InputError(`Interface alias ${definition.alias} is used twice`);
      }
      aliases.add(definition.alias);
    }
    if (await realms.find(body.name)) throw new ConflictError(`A realm named ${body.name} exists`);
    // The realm exists in the desired state only once its host has it: a host that refuses
    // (unreachable, name taken there) leaves nothing behind.
    await fleet.applyRealm(agent, body.name, body.interfaces);
    const created = await db.transaction(async (tx) => {
      const realm = await new RealmsRepo(tx).create({
        name: body.name,
        agentId: agent.id,
        interfaces: body.interfaces,
      });
      if (!realm) throw new ConflictError(`A realm named ${body.name} exists`);
      await new AuditRepo(tx).record({
        actor: actorOf(auth),
        action: "realm.create",
        target: `realm:${realm.name}`,
        after: { agent: agent.id, interfaces: realm.interfaces },
        ip,
      });
      return realm;
    });
    await fleet.bus.publish({
      type: "config.changed",
      resource: "realm",
      action: "create",
      name: created.name,
    });
    return detail(created.name);
  });

  registry.mount(router, realmsRoutes.get, async ({ params }) => detail(params.realm));

  registry.mount(router, realmsRoutes.delete, async ({ params, auth, ip }) => {
    const realm = await findRealm(params.realm);
    const agent = await fleet.agentOf(realm);
    const client = await fleet.clientFor(agent);
    await callAgent(agent, () => client.deleteRealm(realm.name)).catch((error: unknown) => {
      // Already gone from the host: the desired state still has to forget it.
      if (!(error instanceof NotFoundError)) throw error;
    });
    await db.transaction(async (tx) => {
      await new RealmsRepo(tx).delete(realm.name);
      await new AuditRepo(tx).record({
        actor: actorOf(auth),
        action: "realm.delete",
        target: `realm:${realm.name}`,
        before: { agent: realm.agentId, interfaces: realm.interfaces },
        ip,
      });
    });
    await fleet.bus.publish({
      type: "config.changed",
      resource: "realm",
      action: "delete",
      name: realm.name,
    });
    return undefined;
  });

  registry.mount(router, realmsRoutes.restart, async ({ params, auth, ip }) => {
    const realm = await findRealm(params.realm);
    const agent = await fleet.agentOf(realm);
    const client = await fleet.clientFor(agent);
    await callAgent(agent, () => client.restartRealm(realm.name));
    await new AuditRepo(db).record({
      actor: actorOf(auth),
      action: "realm.restart",
      target: `realm:${realm.name}`,
      ip,
    });
    return detail(realm.name);
  });

  registry.mount(router, realmsRoutes.status, async ({ params }) => {
    const realm = await findRealm(params.realm);
    const agent = await fleet.agentOf(realm);
    const client = await fleet.clientFor(agent);
    const live = await callAgent(agent, () => client.realmStatus(realm.name));
    return {
      realm: realm.name,
      state: live.process.state,
      status: live.status,
    };
  });

  registry.mount(router, realmsRoutes.logs, async ({ params, query }) => {
    const realm = await findRealm(params.realm);
    const agent = await fleet.agentOf(realm);
    const client = await fleet.clientFor(agent);
    const logs = await callAgent(agent, () => client.realmLogs(realm.name, query.lines));
    return { realm: realm.name, lines: logs.lines };
  });

  registry.mount(router, realmsRoutes.metrics, async ({ params, query }) => {
    const realm = await findRealm(params.realm);
    return {
      realm: realm.name,
      intervalSeconds: REALM_METRICS_INTERVAL_MS / 1000,
      samples: metrics.samples(realm.name, query.minutes),
    };
  });

  return router;
}
