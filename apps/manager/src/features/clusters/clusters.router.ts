import {
  AddClusterMemberRequestSchema,
  ClusterListSchema,
  ClusterMemberParamsSchema,
  ClusterParamsSchema,
  ClusterSchema,
  ClusterStatusViewSchema,
  CreateClusterRequestSchema,
  PreflightReportSchema,
} from "@conclave/protocol";
import { Router } from "express";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import type { Fleet } from "../agents/fleet.js";
import { ClustersService } from "./clusters.service.js";

const tag = "clusters";
const preflightNote =
  "Pre-flight: names unique, every realm exists and runs, its agent reports with its clock within 2 s of the manager's, it has a running interface with Allow for InterRealm on that peers can dial, it is in no other cluster, and its identity public key can be read. When any finding is an error the answer is 422 with every finding (realm, problem, fix) in error.details.findings.";

/** Cluster formation, membership and status. See docs/clusters.md. */
export const clustersRoutes = {
  list: defineRoute({
    method: "get",
    path: "/clusters",
    operationId: "listClusters",
    summary: "List clusters with their members and status",
    tag,
    access: "viewer",
    response: ClusterListSchema,
  }),
  preflight: defineRoute({
    method: "post",
    path: "/clusters/preflight",
    operationId: "preflightCluster",
    summary: "Run the cluster-formation pre-flight checks without changing anything",
    description: preflightNote,
    tag,
    access: "operator",
    body: CreateClusterRequestSchema,
    response: PreflightReportSchema,
  }),
  create: defineRoute({
    method: "post",
    path: "/clusters",
    operationId: "createCluster",
    summary: "Form a cluster: pre-flight, then distribute the member list to every realm",
    description: `${preflightNote} The cluster starts in status Forming; watch GET /clusters/{name}/status or the event stream until it is Active.`,
    tag,
    access: "operator",
    body: CreateClusterRequestSchema,
    status: 202,
    response: ClusterSchema,
    errors: [409, 422, 503],
  }),
  get: defineRoute({
    method: "get",
    path: "/clusters/:name",
    operationId: "getCluster",
    summary: "One cluster",
    tag,
    access: "viewer",
    params: ClusterParamsSchema,
    response: ClusterSchema,
    errors: [404],
  }),
  delete: defineRoute({
    method: "delete",
    path: "/clusters/:name",
    operationId: "deleteCluster",
    summary: "Every member leaves the cluster; the realms serve on their own again",
    tag,
    access: "operator",
    params: ClusterParamsSchema,
    errors: [404, 503],
  }),
  status: defineRoute({
    method: "get",
    path: "/clusters/:name/status",
    operationId: "getClusterStatus",
    summary: "Status, master, connected and disconnected servers, members and links",
    description:
      "Derived from the agents' latest reports (each member realm's GET /cluster). Active: every member connected and a master; Degraded: a master with quorum, a member disconnected or recovering; NoQuorum: no master with quorum; Forming: not converged yet after creation or a membership change.",
    tag,
    access: "viewer",
    params: ClusterParamsSchema,
    response: ClusterStatusViewSchema,
    errors: [404],
  }),
  addMember: defineRoute({
    method: "post",
    path: "/clusters/:name/members",
    operationId: "addClusterMember",
    summary: "Add a realm: pre-flight, then the new member list to every member",
    tag,
    access: "operator",
    params: ClusterParamsSchema,
    body: AddClusterMemberRequestSchema,
    response: ClusterSchema,
    errors: [404, 409, 422, 503],
  }),
  removeMember: defineRoute({
    method: "delete",
    path: "/clusters/:name/members/:realm",
    operationId: "removeClusterMember",
    summary: "Remove a realm: the others get the new member list, the realm leaves",
    tag,
    access: "operator",
    params: ClusterMemberParamsSchema,
    response: ClusterSchema,
    errors: [404, 409, 503],
  }),
};

/** Routes under /api/v1/clusters. */
export function createClustersRouter(options: { registry: RouteRegistry; fleet: Fleet }): Router {
  const { registry, fleet } = options;
  const router = Router();
  const service = new ClustersService(fleet);

  registry.mount(router, clustersRoutes.list, () => service.list());
  registry.mount(router, clustersRoutes.preflight, ({ body }) => service.check(body));
  registry.mount(router, clustersRoutes.create, ({ body, auth, ip }) =>
    service.form(body, { auth, ip }),
  );
  registry.mount(router, clustersRoutes.get, ({ params }) => service.get(params.name));
  registry.mount(router, clustersRoutes.delete, async ({ params, auth, ip }) => {
    await service.delete(params.name, { auth, ip });
    return undefined;
  });
  registry.mount(router, clustersRoutes.status, ({ params }) => service.status(params.name));
  registry.mount(router, clustersRoutes.addMember, ({ params, body, auth, ip }) =>
    service.addMember(params.name, body.realm, { auth, ip }),
  );
  registry.mount(router, clustersRoutes.removeMember, ({ params, auth, ip }) =>
    service.removeMember(params.name, params.realm, { auth, ip }),
  );
  return router;
}
