import {
  type InterfaceDefinition,
  InterfaceDefinitionSchema,
  type RealmInterface,
  RealmInterfaceListSchema,
  RealmInterfaceParamsSchema,
  RealmInterfaceSchema,
  RealmParamsSchema,
  UpdateInterfaceRequestSchema,
} from "@conclave/protocol";
import { Router } from "express";
import type { AuthContext } from "../../http/auth.js";
import { ConflictError, HttpError, NotFoundError } from "../../http/errors.js";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import type { AgentRecord } from "../../store/agents.repo.js";
import { AuditRepo } from "../../store/audit.repo.js";
import { type RealmRecord, RealmsRepo } from "../../store/realms.repo.js";
import { callAgent, type Fleet } from "../agents/fleet.js";
import { statusIn, toRealmInterfaceView } from "./interface-mapping.js";

const tag = "interfaces";
const base = "/realms/:realm/interfaces";

/** A realm's network interfaces (nsp, nhp, nsps, nhps). Changes apply live. */
export const interfacesRoutes = {
  list: defineRoute({
    method: "get",
    path: base,
    operationId: "listInterfaces",
    summary: "List a realm's interfaces with their live state",
    tag,
    access: "viewer",
    params: RealmParamsSchema,
    response: RealmInterfaceListSchema,
    errors: [404],
  }),
  create: defineRoute({
    method: "post",
    path: base,
    operationId: "createInterface",
    summary: "Add an interface to a realm and start it (when Autostart Interface is on)",
    description:
      "Answers the interface with `status` Running, Stopped or Error; `error` says why (e.g. " +
      "the port is in use). nsps/nhps interfaces name their key material by keystore id.",
    tag,
    access: "operator",
    params: RealmParamsSchema,
    body: InterfaceDefinitionSchema,
    status: 201,
    response: RealmInterfaceSchema,
    errors: [404, 409, 422, 503],
  }),
  get: defineRoute({
    method: "get",
    path: `${base}/:alias`,
    operationId: "getInterface",
    summary: "One interface with its live state",
    tag,
    access: "viewer",
    params: RealmInterfaceParamsSchema,
    response: RealmInterfaceSchema,
    errors: [404],
  }),
  update: defineRoute({
    method: "put",
    path: `${base}/:alias`,
    operationId: "updateInterface",
    summary: "Replace an interface's definition; applied live",
    tag,
    access: "operator",
    params: RealmInterfaceParamsSchema,
    body: UpdateInterfaceRequestSchema,
    response: RealmInterfaceSchema,
    errors: [404, 409, 422, 503],
  }),
  delete: defineRoute({
    method: "delete",
    path: `${base}/:alias`,
    operationId: "deleteInterface",
    summary: "Stop an interface and remove it",
    tag,
    access: "operator",
    params: RealmInterfaceParamsSchema,
    errors: [404, 503],
  }),
  start: defineRoute({
    method: "post",
    path: `${base}/:alias/start`,
    operationId: "startInterface",
    summary: "Start an interface (also retries one in state Error)",
    tag,
    access: "operator",
    params: RealmInterfaceParamsSchema,
    response: RealmInterfaceSchema,
    errors: [404, 503],
  }),
  stop: defineRoute({
    method: "post",
    path: `${base}/:alias/stop`,
    operationId: "stopInterface",
    summary: "Stop an interface, closing its connections",
    tag,
    access: "operator",
    params: RealmInterfaceParamsSchema,
    response: RealmInterfaceSchema,
    errors: [404, 503],
  }),
};

export interface InterfacesRouterOptions {
  registry: RouteRegistry;
  fleet: Fleet;
}

const actorOf = (auth: AuthContext) => ({ userId: auth.user.id, username: auth.user.username });

/** Routes under /api/v1/realms/{realm}/interfaces. */
export function createInterfacesRouter(options: InterfacesRouterOptions): Router {
  const { registry, fleet } = options;
  const { db } = fleet;
  const router = Router();
  const realms = new RealmsRepo(db);

  const findRealm = async (name: string) => {
    const realm = await realms.find(name);
    if (!realm) throw new NotFoundError(`No realm named ${name}`);
    return realm;
  };
  const findDefinition = (realm: RealmRecord, alias: string) => {
    const definition = realm.interfaces.find((d) => d.alias === alias);
    if (!definition) throw new NotFoundError(`Realm ${realm.name} has no interface ${alias}`);
    return definition;
  };

  /** Live views of a realm's interfaces, read through its agent; the last report if it is away. */
  const liveViews = async (realm: RealmRecord): Promise<RealmInterface[]> => {
    const agent = await fleet.agentOf(realm);
    try {
      const client = await fleet.clientFor(agent);
      const live = await client.realmStatus(realm.name);
      const statuses = new Map((live.status?.interfaces ?? []).map((i) => [i.name, i]));
      const reason = live.status ? undefined : `Realm ${realm.name} is ${live.process.state}`;
      return realm.interfaces.map((d) => toRealmInterfaceView(d, statuses.get(d.alias), reason));
    } catch {
      const reported = agent.lastReport?.realms.find((r) => r.name === realm.name);
      const statuses = new Map((reported?.status?.interfaces ?? []).map((i) => [i.name, i]));
      const reason = `Agent ${agent.hostname} is not reachable; state as last reported`;
      return realm.interfaces.map((d) => toRealmInterfaceView(d, statuses.get(d.alias), reason));
    }
  };

  /** Applies the realm's new interface list on its host, then records it as desired state. */
  const change = async (
    realm: RealmRecord,
    agent: AgentRecord,
    interfaces: InterfaceDefinition[],
    alias: string,
  ) => {
    const result = await fleet.applyRealm(agent, realm.name, interfaces);
    const failure = result.failures.find((f) => f.name === alias);
    if (failure) {
      throw new HttpError(
        422,
        "invalid_input",
        `Realm ${realm.name} refused ${alias}: ${failure.error}`,
      );
    }
    await realms.setInterfaces(realm.name, interfaces);
    return result;
  };

  const audit = async (
    auth: AuthContext,
    ip: string,
    action: string,
    realm: string,
    alias: string,
    before: InterfaceDefinition | null,
    after: InterfaceDefinition | null,
  ) => {
    await new AuditRepo(db).record({
      actor: actorOf(auth),
      action,
      target: `realm:${realm}/interface:${alias}`,
      before,
      after,
      ip,
    });
    await fleet.bus.publish({
      type: "config.changed",
      resource: "interface",
      action: action.split(".").pop() ?? action,
      name: `${realm}/${alias}`,
    });
  };

  registry.mount(router, interfacesRoutes.list, async ({ params }) =>
    liveViews(await findRealm(params.realm)),
  );

  registry.mount(router, interfacesRoutes.get, async ({ params }) => {
    const realm = await findRealm(params.realm);
    findDefinition(realm, params.alias);
    return (await liveViews(realm)).find((v) => v.alias === params.alias)!;
  });

  registry.mount(router, interfacesRoutes.create, async ({ params, body, auth, ip }) =>
    fleet.withRealmLock(params.realm, async () => {
      const realm = await findRealm(params.realm);
      if (realm.interfaces.some((d) => d.alias === body.alias)) {
        throw new ConflictError(
          `Realm ${realm.name} already has an interface ${body.alias}; change it with PUT`,
        );
      }
      const agent = await fleet.agentOf(realm);
      const result = await change(realm, agent, [...realm.interfaces, body], body.alias);
      await audit(auth, ip, "interface.create", realm.name, body.alias, null, body);
      return toRealmInterfaceView(body, statusIn(result.interfaces, body.alias));
    }),
  );

  registry.mount(router, interfacesRoutes.update, async ({ params, body, auth, ip }) =>
    fleet.withRealmLock(params.realm, async () => {
      const realm = await findRealm(params.realm);
      const before = findDefinition(realm, params.alias);
      if (body.alias !== undefined && body.alias !== params.alias) {
        throw new ConflictError(
          `Interfaces cannot be renamed (${params.alias} → ${body.alias}); add ${body.alias} and delete ${params.alias}`,
        );
      }
      const next: InterfaceDefinition = InterfaceDefinitionSchema.parse({
        ...body,
        alias: params.alias,
      });
      const agent = await fleet.agentOf(realm);
      const interfaces = realm.interfaces.map((d) => (d.alias === params.alias ? next : d));
      const result = await change(realm, agent, interfaces, params.alias);
      await audit(auth, ip, "interface.update", realm.name, params.alias, before, next);
      return toRealmInterfaceView(next, statusIn(result.interfaces, params.alias));
    }),
  );

  registry.mount(router, interfacesRoutes.delete, async ({ params, auth, ip }) =>
    fleet.withRealmLock(params.realm, async () => {
      const realm = await findRealm(params.realm);
      const before = findDefinition(realm, params.alias);
      const agent = await fleet.agentOf(realm);
      const interfaces = realm.interfaces.filter((d) => d.alias !== params.alias);
      await fleet.applyRealm(agent, realm.name, interfaces);
      await realms.setInterfaces(realm.name, interfaces);
      await audit(auth, ip, "interface.delete", realm.name, params.alias, before, null);
      return undefined;
    }),
  );

  for (const action of ["start", "stop"] as const) {
    registry.mount(router, interfacesRoutes[action], async ({ params, auth, ip }) => {
      const realm = await findRealm(params.realm);
      const definition = findDefinition(realm, params.alias);
      const agent = await fleet.agentOf(realm);
      const client = await fleet.clientFor(agent);
      const detail = await callAgent(agent, () =>
        client.interfaceAction(realm.name, params.alias, action),
      );
      await new AuditRepo(db).record({
        actor: actorOf(auth),
        action: `interface.${action}`,
        target: `realm:${realm.name}/interface:${params.alias}`,
        ip,
      });
      return toRealmInterfaceView(definition, detail.status);
    });
  }

  return router;
}
