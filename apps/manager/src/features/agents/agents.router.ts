import {
  AgentListSchema,
  AgentParamsSchema,
  AgentSchema,
  CreateEnrolmentTokenRequestSchema,
  EnrolmentTokenListSchema,
  EnrolmentTokenParamsSchema,
  EnrolmentTokenSchema,
  type SyncChange,
  SyncPlanSchema,
  SyncResultSchema,
} from "@conclave/protocol";
import { Router } from "express";
import type { AuthContext } from "../../http/auth.js";
import { ConflictError, NotFoundError } from "../../http/errors.js";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import { AgentsRepo } from "../../store/agents.repo.js";
import { AuditRepo } from "../../store/audit.repo.js";
import { EnrolmentTokensRepo } from "../../store/enrolment-tokens.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { computeDrift } from "./drift.js";
import { callAgent, type Fleet } from "./fleet.js";
import { issueEnrolmentToken } from "./issue-enrolment-token.js";
import { toAgent } from "./to-agent.js";

const tag = "agents";

/** Node agents: enrolment tokens, the list, removal, and "synchronise node". */
export const agentsRoutes = {
  createToken: defineRoute({
    method: "post",
    path: "/agents/enrolment-tokens",
    operationId: "createEnrolmentToken",
    summary: "Create a one-time enrolment token for a new node agent",
    description:
      "The token is shown once, works once, and expires (15 minutes by default). It also pins " +
      "the manager's internal CA, so the agent can trust the manager before it has a certificate.",
    tag,
    access: "admin",
    body: CreateEnrolmentTokenRequestSchema,
    status: 201,
    response: EnrolmentTokenSchema,
  }),
  listTokens: defineRoute({
    method: "get",
    path: "/agents/enrolment-tokens",
    operationId: "listEnrolmentTokens",
    summary: "List enrolment tokens with their state (never the secrets)",
    description:
      "Newest first. `state` is `unused` (still works), `used` (with the agent it enrolled) or " +
      "`expired`.",
    tag,
    access: "operator",
    response: EnrolmentTokenListSchema,
  }),
  revokeToken: defineRoute({
    method: "delete",
    path: "/agents/enrolment-tokens/:id",
    operationId: "revokeEnrolmentToken",
    summary: "Revoke an enrolment token not yet used",
    description:
      "The token stops working at once and leaves the list (the audit log keeps it). A used " +
      "token cannot be revoked (409): remove the agent it enrolled instead.",
    tag,
    access: "operator",
    params: EnrolmentTokenParamsSchema,
    errors: [404, 409],
  }),
  list: defineRoute({
    method: "get",
    path: "/agents",
    operationId: "listAgents",
    summary: "List enrolled node agents with their connection state and clock skew",
    tag,
    access: "viewer",
    response: AgentListSchema,
  }),
  get: defineRoute({
    method: "get",
    path: "/agents/:id",
    operationId: "getAgent",
    summary: "One node agent",
    tag,
    access: "viewer",
    params: AgentParamsSchema,
    response: AgentSchema,
    errors: [404],
  }),
  remove: defineRoute({
    method: "delete",
    path: "/agents/:id",
    operationId: "removeAgent",
    summary: "Remove a node agent",
    description:
      "Its certificate stops being accepted at once and its realms leave the manager's desired " +
      "state. The realm processes keep running on the host until the agent is stopped.",
    tag,
    access: "admin",
    params: AgentParamsSchema,
    errors: [404],
  }),
  syncPlan: defineRoute({
    method: "get",
    path: "/agents/:id/sync",
    operationId: "getAgentSyncPlan",
    summary: "Synchronise node: show what differs between the desired state and the host",
    tag,
    access: "viewer",
    params: AgentParamsSchema,
    response: SyncPlanSchema,
    errors: [404],
  }),
  syncApply: defineRoute({
    method: "post",
    path: "/agents/:id/sync",
    operationId: "synchroniseAgent",
    summary: "Synchronise node: make the host match the manager's desired state",
    description:
      "Realms and interfaces missing on the host are created, changed ones are set back, and " +
      "ones the manager does not know are deleted. Changes apply live through each realm's " +
      "admin endpoint.",
    tag,
    access: "operator",
    params: AgentParamsSchema,
    response: SyncResultSchema,
    errors: [404, 503],
  }),
};

export interface AgentsRouterOptions {
  registry: RouteRegistry;
  fleet: Fleet;
}

const actorOf = (auth: AuthContext) => ({ userId: auth.user.id, username: auth.user.username });

/** Routes under /api/v1/agents. */
export function createAgentsRouter(options: AgentsRouterOptions): Router {
  const { registry, fleet } = options;
  const { db } = fleet;
  const router = Router();
  const agents = new AgentsRepo(db);
  const realms = new RealmsRepo(db);

  const find = async (id: string) => {
    const agent = await agents.findById(id);
    if (!agent) throw new NotFoundError(`No agent with id ${id}`);
    return agent;
  };
  const realmNames = async () => {
    const byAgent = new Map<string, string[]>();
    for (const realm of await realms.list()) {
      byAgent.set(realm.agentId, [...(byAgent.get(realm.agentId) ?? []), realm.name]);
    }
    return byAgent;
  };

  registry.mount(router, agentsRoutes.createToken, async ({ body, auth, ip }) =>
    issueEnrolmentToken(fleet, {
      ttlSeconds: body.ttlSeconds,
      note: body.note,
      actor: actorOf(auth),
      ip,
    }),
  );

  // Before GET /agents/:id, which would otherwise take "enrolment-tokens" for an agent id.
  registry.mount(router, agentsRoutes.listTokens, async () =>
    (await new EnrolmentTokensRepo(db).list()).map((t) => ({
      id: t.id,
      createdAt: t.createdAt.toISOString(),
      expiresAt: t.expiresAt.toISOString(),
      createdBy: t.createdBy,
      note: t.note,
      state: t.state,
      usedAt: t.usedAt?.toISOString() ?? null,
      agentId: t.agentId,
    })),
  );

  registry.mount(router, agentsRoutes.revokeToken, async ({ params, auth, ip }) => {
    await db.transaction(async (tx) => {
      const tokens = new EnrolmentTokensRepo(tx);
      const token = await tokens.find(params.id);
      if (!token) throw new NotFoundError(`No enrolment token with id ${params.id}`);
      if (!(await tokens.revoke(token.id))) {
        throw new ConflictError(`Enrolment token ${token.id} was already used`);
      }
      await new AuditRepo(tx).record({
        actor: actorOf(auth),
        action: "agent.enrolment_token.revoke",
        target: `enrolment:${token.id}`,
        before: {
          state: token.state,
          expiresAt: token.expiresAt.toISOString(),
          note: token.note,
          createdBy: token.createdBy,
        },
        ip,
      });
    });
    return undefined;
  });

  registry.mount(router, agentsRoutes.list, async () => {
    const names = await realmNames();
    return (await agents.list()).map((a) => toAgent(a, names.get(a.id) ?? []));
  });

  registry.mount(router, agentsRoutes.get, async ({ params }) => {
    const agent = await find(params.id);
    const names = (await realms.listForAgent(agent.id)).map((r) => r.name);
    return toAgent(agent, names);
  });

  registry.mount(router, agentsRoutes.remove, async ({ params, auth, ip }) => {
    const removed = await db.transaction(async (tx) => {
      const agent = await new AgentsRepo(tx).findById(params.id);
      if (!agent) throw new NotFoundError(`No agent with id ${params.id}`);
      const hosted = (await new RealmsRepo(tx).listForAgent(agent.id)).map((r) => r.name);
      await new AgentsRepo(tx).delete(agent.id);
      await new AuditRepo(tx).record({
        actor: actorOf(auth),
        action: "agent.remove",
        target: `agent:${agent.id}`,
        before: { hostname: agent.hostname, addresses: agent.addresses, realms: hosted },
        ip,
      });
      return agent;
    });
    await fleet.bus.publish({
      type: "config.changed",
      resource: "agent",
      action: "remove",
      name: removed.id,
    });
    return undefined;
  });

  registry.mount(router, agentsRoutes.syncPlan, async ({ params }) => {
    const agent = await find(params.id);
    const changes = computeDrift(await realms.listForAgent(agent.id), agent.lastReport);
    return {
      agent: agent.id,
      connected: agent.connected,
      reportedAt: agent.lastSeenAt?.toISOString() ?? null,
      inSync: changes.length === 0,
      changes,
    };
  });

  registry.mount(router, agentsRoutes.syncApply, async ({ params, auth, ip }) => {
    const agent = await find(params.id);
    const desired = await realms.listForAgent(agent.id);
    const client = await fleet.clientFor(agent);
    // Compare against the host as it is now, not the last report.
    const onHost = await callAgent(agent, () => client.realms());
    const report = {
      ...(agent.lastReport ?? {
        hostname: agent.hostname,
        addresses: agent.addresses,
        url: agent.url ?? "",
        version: agent.version ?? "",
        time: Date.now(),
        lastRoundTripMs: null,
      }),
      realms: onHost,
    };
    const changes: SyncChange[] = computeDrift(desired, report);
    const touched = new Set(changes.map((c) => c.realm));
    for (const realm of desired) {
      if (touched.has(realm.name)) await fleet.applyRealm(agent, realm.name, realm.interfaces);
    }
    const desiredNames = new Set(desired.map((r) => r.name));
    for (const change of changes) {
      if (
        change.action === "delete" &&
        change.alias === undefined &&
        !desiredNames.has(change.realm)
      ) {
        await callAgent(agent, () => client.deleteRealm(change.realm));
      }
    }
    await agents.saveDrift(agent.id, []);
    await new AuditRepo(db).record({
      actor: actorOf(auth),
      action: "agent.sync",
      target: `agent:${agent.id}`,
      after: { changes },
      ip,
    });
    await fleet.bus.publish({ type: "agent.drift", agent: agent.id, changes: 0 });
    return { agent: agent.id, applied: changes };
  });

  return router;
}
