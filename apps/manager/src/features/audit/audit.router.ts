import { AuditPageSchema, AuditQuerySchema } from "@conclave/protocol";
import { Router } from "express";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import { AuditRepo } from "../../store/audit.repo.js";
import type { Db } from "../../store/db.js";

/** The audit log, read-only. Operators and admins: who did what is not a viewer's business. */
export const auditRoutes = {
  list: defineRoute({
    method: "get",
    path: "/audit",
    operationId: "listAudit",
    summary: "Audit log entries, newest first, filtered and paged",
    description:
      "Pass the answer's nextCursor as cursor to get the next (older) page; null means no more.",
    tag: "audit",
    access: "operator",
    query: AuditQuerySchema,
    response: AuditPageSchema,
  }),
};

export interface AuditRouterOptions {
  registry: RouteRegistry;
  db: Db;
}

/** Routes under /api/v1/audit. */
export function createAuditRouter(options: AuditRouterOptions): Router {
  const { registry, db } = options;
  const router = Router();
  const audit = new AuditRepo(db);

  registry.mount(router, auditRoutes.list, async ({ query }) => {
    const page = await audit.list({
      user: query.user,
      action: query.action,
      target: query.target,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      cursor: query.cursor,
      limit: query.limit,
    });
    return {
      items: page.items.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
      nextCursor: page.nextCursor,
    };
  });

  return router;
}
