import { Router } from "express";
import { z } from "zod";
import { buildOpenApiDocument, type OpenApiDocument } from "../../http/openapi.js";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";

/** The API's own description, generated from the route registry. */
export const openApiRoutes = {
  get: defineRoute({
    method: "get",
    path: "/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This API as an OpenAPI 3.1 document",
    tag: "meta",
    access: "authenticated",
    response: z.record(z.string(), z.unknown()),
  }),
};

export interface OpenApiRouterOptions {
  registry: RouteRegistry;
  version: string;
}

/** GET /api/v1/openapi.json. */
export function createOpenApiRouter(options: OpenApiRouterOptions): Router {
  const { registry, version } = options;
  const router = Router();
  // Built on first request, when every feature has mounted its routes.
  let document: OpenApiDocument | undefined;

  registry.mount(router, openApiRoutes.get, async () => {
    document ??= buildOpenApiDocument(registry.routes, { version });
    return document as unknown as Record<string, unknown>;
  });

  return router;
}
