import { hostname } from "node:os";
import type { TLSSocket } from "node:tls";
import { MANAGER_CLIENT_CN, RealmNameSchema } from "@conclave/protocol";
import { RealmAdminError } from "@conclave/realm-client";
import express, {
  type ErrorRequestHandler,
  type Express,
  type NextFunction,
  type Request,
  type Response,
} from "express";
import { ZodError } from "zod";
import { applyRealm } from "./apply-realm.js";
import { collectRealms } from "./collect-realms.js";
import { runProbe } from "./probe.js";
import { leaveRealmCluster, readRealmIdentity, setRealmCluster } from "./realm-cluster.js";
import type { Supervisor } from "./supervisor.js";
import { SupervisorError } from "./supervisor-errors.js";
import { AGENT_VERSION } from "./version.js";

/** An answer with a status and a message for the manager to pass on. */
class AgentHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (req: Request, res: Response) => Promise<unknown>;

/**
 * The agent's API, called only by the manager (over mutual TLS, see agent-server.ts). Every
 * route answers JSON; errors are `{error: {code, message}}`.
 */
export function createAgentRouter(options: {
  supervisor: Supervisor;
  agentId: string;
  onChange?: () => void;
}): Express {
  const { supervisor, agentId } = options;
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "20mb" }));

  // TLS already proved the caller holds a certificate from the manager's CA; agents hold such
  // certificates too, so only the manager's own common name may call.
  app.use((req, _res, next) => {
    const cert = (req.socket as TLSSocket).getPeerCertificate?.();
    if (!cert || cert.subject?.CN !== MANAGER_CLIENT_CN) {
      next(new AgentHttpError(403, "FORBIDDEN", "Only the manager may call this agent"));
      return;
    }
    next();
  });

  const route =
    (fn: Handler) =>
    (req: Request, res: Response, next: NextFunction): void => {
      fn(req, res).then((body) => {
        if (res.headersSent) return;
        if (body === undefined) res.status(204).end();
        else res.json(body);
      }, next);
    };
  const realmName = (req: Request) => RealmNameSchema.parse(req.params.name);
  const changed = <T>(value: T): T => {
    options.onChange?.();
    return value;
  };

  app.get(
    "/v1/info",
    route(async () => ({
      agentId,
      hostname: hostname(),
      version: AGENT_VERSION,
      time: Date.now(),
    })),
  );
  // Checks from this host for the manager's wizards: a TLS handshake, a plaintext inter-realm
  // hello, whether a port is free (docs/agent.md "Probes").
  app.post(
    "/v1/probe",
    route((req) => runProbe(req.body)),
  );
  app.get(
    "/v1/realms",
    route(() => collectRealms(supervisor)),
  );
  app.put(
    "/v1/realms/:name",
    route(async (req) => changed(await applyRealm(supervisor, realmName(req), req.body))),
  );
  app.delete(
    "/v1/realms/:name",
    route(async (req) => {
      await supervisor.delete(realmName(req));
      changed(undefined);
      return undefined;
    }),
  );
  app.post(
    "/v1/realms/:name/restart",
    route(async (req) => {
      await supervisor.restart(realmName(req));
      return undefined;
    }),
  );
  app.get(
    "/v1/realms/:name/status",
    route(async (req) => {
      const name = realmName(req);
      const realm = supervisor.get(name);
      const status =
        realm.state === "running" ? await realm.admin.status().catch(() => null) : null;
      return { process: { ...realm.info(), status }, status };
    }),
  );
  // Cluster formation (the manager's clusters feature): the identity public key to distribute,
  // and the member list to set or clear.
  app.get(
    "/v1/realms/:name/identity",
    route((req) => readRealmIdentity(supervisor, realmName(req))),
  );
  app.put(
    "/v1/realms/:name/cluster",
    route(async (req) => changed(await setRealmCluster(supervisor, realmName(req), req.body))),
  );
  app.delete(
    "/v1/realms/:name/cluster",
    route(async (req) => changed(await leaveRealmCluster(supervisor, realmName(req)))),
  );
  app.get(
    "/v1/realms/:name/logs",
    route(async (req) => {
      const lines = Math.min(500, Math.max(1, Number(req.query.lines) || 100));
      return { lines: supervisor.get(realmName(req)).logs(lines) };
    }),
  );
  for (const action of ["start", "stop"] as const) {
    app.post(
      `/v1/realms/:name/interfaces/:iface/${action}`,
      route(async (req) => {
        const realm = supervisor.get(realmName(req));
        if (realm.state !== "running") {
          throw new AgentHttpError(
            409,
            "NOT_RUNNING",
            `Realm ${realm.info().name} is ${realm.state}`,
          );
        }
        const iface = String(req.params.iface);
        return changed(
          action === "start"
            ? await realm.admin.startInterface(iface)
            : await realm.admin.stopInterface(iface),
        );
      }),
    );
  }

  app.use((req, _res, next) => {
    next(new AgentHttpError(404, "NOT_FOUND", `No agent route ${req.method} ${req.path}`));
  });
  const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const send = (status: number, code: string, message: string) =>
      res.status(status).json({ error: { code, message } });
    if (error instanceof AgentHttpError) return send(error.status, error.code, error.message);
    if (error instanceof SupervisorError) {
      return send(error.code === "REALM_NOT_FOUND" ? 404 : 409, error.code, error.message);
    }
    if (error instanceof RealmAdminError) {
      return send(error.status === 0 ? 503 : error.status, error.code, error.message);
    }
    if (error instanceof ZodError) {
      const issue = error.issues[0];
      return send(
        400,
        "VALIDATION",
        `${issue?.path.join(".") ?? "body"}: ${issue?.message ?? "invalid"}`,
      );
    }
    const parser = error as { type?: string };
    if (parser?.type === "entity.parse.failed")
      return send(400, "INVALID_JSON", "Body is not JSON");
    return send(500, "INTERNAL", error instanceof Error ? error.message : String(error));
  };
  app.use(onError);
  return app;
}
