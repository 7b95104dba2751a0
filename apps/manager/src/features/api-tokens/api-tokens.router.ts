import {
  ApiTokenIdParamsSchema,
  ApiTokenListSchema,
  CreateApiTokenRequestSchema,
  CreatedApiTokenSchema,
} from "@conclave/protocol";
import { Router } from "express";
import { NotFoundError } from "../../http/errors.js";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import { ApiTokensRepo } from "../../store/api-tokens.repo.js";
import { AuditRepo } from "../../store/audit.repo.js";
import type { Db } from "../../store/db.js";
import { toApiToken } from "./to-api-token.js";

const tag = "api-tokens";

/**
 * API tokens for scripts. Operators and admins only: a token acts with its owner's role, and
 * a viewer changes nothing, not even its own credentials.
 */
export const apiTokensRoutes = {
  list: defineRoute({
    method: "get",
    path: "/api-tokens",
    operationId: "listApiTokens",
    summary: "List API tokens: your own; an admin sees everyone's",
    tag,
    access: "operator",
    response: ApiTokenListSchema,
  }),
  create: defineRoute({
    method: "post",
    path: "/api-tokens",
    operationId: "createApiToken",
    summary: "Create an API token for yourself; the answer is the only time it is shown",
    tag,
    access: "operator",
    body: CreateApiTokenRequestSchema,
    status: 201,
    response: CreatedApiTokenSchema,
  }),
  revoke: defineRoute({
    method: "delete",
    path: "/api-tokens/:id",
    operationId: "revokeApiToken",
    summary: "Revoke an API token (your own; an admin may revoke anyone's)",
    tag,
    access: "operator",
    params: ApiTokenIdParamsSchema,
    errors: [404],
  }),
};

export interface ApiTokensRouterOptions {
  registry: RouteRegistry;
  db: Db;
}

/** Routes under /api/v1/api-tokens. */
export function createApiTokensRouter(options: ApiTokensRouterOptions): Router {
  const { registry, db } = options;
  const router = Router();
  const tokens = new ApiTokensRepo(db);

  registry.mount(router, apiTokensRoutes.list, async ({ auth }) => ({
    items: (await tokens.list(auth.user.role === "admin" ? undefined : auth.user.id)).map(
      toApiToken,
    ),
  }));

  registry.mount(router, apiTokensRoutes.create, async ({ auth, body, ip }) =>
    db.transaction(async (tx) => {
      const { record, token } = await new ApiTokensRepo(tx).create({
        userId: auth.user.id,
        name: body.name,
        expiresInDays: body.expiresInDays,
      });
      await new AuditRepo(tx).record({
        actor: { userId: auth.user.id, username: auth.user.username },
        action: "api-token.create",
        target: `api-token:${record.id}`,
        after: { name: record.name, prefix: record.prefix, expiresAt: record.expiresAt },
        ip,
      });
      return { ...toApiToken(record), token };
    }),
  );

  registry.mount(router, apiTokensRoutes.revoke, async ({ auth, params, ip }) => {
    await db.transaction(async (tx) => {
      const repo = new ApiTokensRepo(tx);
      const record = await repo.findById(params.id);
      // Someone else's token answers like a missing one: its existence is not theirs to learn.
      if (!record || (record.userId !== auth.user.id && auth.user.role !== "admin")) {
        throw new NotFoundError(`No API token with id ${params.id}`);
      }
      await repo.delete(record.id);
      await new AuditRepo(tx).record({
        actor: { userId: auth.user.id, username: auth.user.username },
        action: "api-token.revoke",
        target: `api-token:${record.id}`,
        before: { name: record.name, prefix: record.prefix, owner: record.username },
        ip,
      });
    });
    return undefined;
  });

  return router;
}
