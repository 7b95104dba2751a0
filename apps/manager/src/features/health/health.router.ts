import { HealthSchema } from "@conclave/protocol";
import { Router } from "express";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import type { Db } from "../../store/db.js";

/** Liveness for load balancers and orchestrators: the only route that needs no sign-in. */
export const healthRoutes = {
  get: defineRoute({
    method: "get",
    path: "/health",
    operationId: "getHealth",
    summary: "Liveness and store reachability (no authentication)",
    description: "200 when the store answers, 503 otherwise.",
    tag: "health",
    access: "public",
    response: HealthSchema,
    errors: [503],
  }),
};

export interface HealthRouterOptions {
  registry: RouteRegistry;
  db: Db;
  /** How long the store may take to answer; a hung store must not hang health checks. */
  timeoutMs?: number;
}

/** GET /api/v1/health. */
export function createHealthRouter(options: HealthRouterOptions): Router {
  const { registry, db, timeoutMs = 2000 } = options;
  const router = Router();

  registry.mount(router, healthRoutes.get, async ({ res }) => {
    let timer: NodeJS.Timeout | undefined;
    const reachable = await Promise.race([
      db.query("SELECT 1").then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (reachable) return { status: "ok", checks: { store: "ok" } } as const;
    // Sent here because the registry answers with the spec's success status.
    res
      .status(503)
      .json(HealthSchema.parse({ status: "unavailable", checks: { store: "unreachable" } }));
    return undefined as never;
  });

  return router;
}
