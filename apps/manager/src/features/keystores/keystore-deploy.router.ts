import {
  DeployKeystoreRequestSchema,
  KeystoreDeployResultListSchema,
  KeystoreIdParamsSchema,
} from "@conclave/protocol";
import { Router } from "express";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import type { Fleet } from "../agents/fleet.js";
import { deployKeystore } from "./deploy-keystore.js";

export const keystoreDeployRoutes = {
  deploy: defineRoute({
    method: "post",
    path: "/keystores/:id/deploy",
    operationId: "deployKeystore",
    summary: "Deploy a keystore to realms: push its key and reload the interfaces using it",
    description:
      "For each realm, every nsps/nhps interface whose certificates name this keystore is " +
      "re-pointed (to `keyAlias` / `truststoreId` when given), its key files are delivered to " +
      "the realm's agent, and the interface reloads them without a restart. The answer has one " +
      "result per realm; a realm that fails (unknown, no such interface, agent unreachable, " +
      "refused) has `ok: false` and an `error`, and does not stop the others.",
    tag: "keystores",
    access: "operator",
    params: KeystoreIdParamsSchema,
    body: DeployKeystoreRequestSchema,
    response: KeystoreDeployResultListSchema,
    errors: [404, 409, 503],
  }),
};

export interface KeystoreDeployRouterOptions {
  registry: RouteRegistry;
  fleet: Fleet;
}

/** POST /api/v1/keystores/{id}/deploy */
export function createKeystoreDeployRouter(options: KeystoreDeployRouterOptions): Router {
  const { registry, fleet } = options;
  const router = Router();
  registry.mount(router, keystoreDeployRoutes.deploy, async ({ params, body, auth, ip }) =>
    deployKeystore(fleet, {
      keystoreId: params.id,
      realms: body.realms,
      keyAlias: body.keyAlias,
      truststoreId: body.truststoreId,
      actor: { userId: auth.user.id, username: auth.user.username },
      ip,
    }),
  );
  return router;
}
