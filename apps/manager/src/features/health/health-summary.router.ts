import { type AgentClockSkew, ClockSkewListSchema, HealthSummarySchema } from "@conclave/protocol";
import { Router } from "express";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import { type AgentRecord, AgentsRepo } from "../../store/agents.repo.js";
import type { Db } from "../../store/db.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import type { SecretBox } from "../../store/secrets.js";
import { loadClusterStatuses } from "../clusters/cluster-statuses.js";
import { toRealmSummary } from "../realms/realm-views.js";
import { certificateExpiries } from "./certificate-expiry.js";
import { DefaultCredentialsScan } from "./default-credentials.js";

/** Fleet health for the overview page; the public GET /health stays a bare liveness check. */
export const healthSummaryRoutes = {
  summary: defineRoute({
    method: "get",
    path: "/health/summary",
    operationId: "getHealthSummary",
    summary:
      "Agents connected, realms running, interfaces by state, clock skew, clusters, certificate expiry, default or demo credentials",
    tag: "health",
    access: "viewer",
    response: HealthSummarySchema,
  }),
  clockSkew: defineRoute({
    method: "get",
    path: "/health/clock-skew",
    operationId: "getClockSkew",
    summary: "Each agent's clock minus the manager's, measured from its reports",
    tag: "health",
    access: "viewer",
    response: ClockSkewListSchema,
  }),
};

const skewOf = (agent: AgentRecord): AgentClockSkew => ({
  agent: agent.id,
  hostname: agent.hostname,
  connected: agent.connected,
  skewMs: agent.clockSkewMs,
  measuredAt: agent.lastSeenAt?.toISOString() ?? null,
});

/**
 * GET /api/v1/health/summary and /health/clock-skew. `secrets` (the master key) lets the
 * summary flag well-known keystore passwords; without it the other default-credential checks
 * still run.
 */
export function createHealthSummaryRouter(options: {
  registry: RouteRegistry;
  db: Db;
  secrets?: SecretBox | undefined;
}): Router {
  const { registry, db } = options;
  const router = Router();
  const defaultCredentials = new DefaultCredentialsScan(db, options.secrets);

  registry.mount(router, healthSummaryRoutes.clockSkew, async () =>
    (await new AgentsRepo(db).list()).map(skewOf),
  );

  registry.mount(router, healthSummaryRoutes.summary, async () => {
    const agents = await new AgentsRepo(db).list();
    const byId = new Map(agents.map((a) => [a.id, a]));
    const statuses = await loadClusterStatuses(db);
    const clusterOf = new Map(
      statuses.flatMap(({ record }) => record.members.map((m) => [m.realm, record.name] as const)),
    );
    const realms = (await new RealmsRepo(db).list()).map((r) =>
      toRealmSummary(r, byId.get(r.agentId), clusterOf.get(r.name) ?? null),
    );
    const interfaces = realms.flatMap((r) => r.interfaces);
    const count = (state: string) => interfaces.filter((i) => i.status === state).length;
    const skews = agents
      .filter((a) => a.connected && a.clockSkewMs !== null)
      .map((a) => Math.abs(a.clockSkewMs!));
    const connected = agents.filter((a) => a.connected).length;
    const running = realms.filter((r) => r.state === "running").length;
    const clusters = statuses.map(({ status }) => ({
      name: status.name,
      status: status.status,
      master: status.master,
    }));
    const certificates = await certificateExpiries(db, realms, byId);
    const healthy =
      connected === agents.length &&
      running === realms.length &&
      count("Error") === 0 &&
      clusters.every((c) => c.status === "Active" || c.status === "Forming") &&
      certificates.every((c) => c.status !== "expired");
    return {
      status: healthy ? ("ok" as const) : ("degraded" as const),
      agents: { total: agents.length, connected },
      realms: { total: realms.length, running, notRunning: realms.length - running },
      interfaces: {
        total: interfaces.length,
        running: count("Running"),
        stopped: count("Stopped"),
        error: count("Error"),
      },
      maxClockSkewMs: skews.length > 0 ? Math.max(...skews) : null,
      clockSkew: agents.map(skewOf),
      clusters,
      certificates,
      defaultCredentials: await defaultCredentials.list(realms),
    };
  });

  return router;
}
