import type { Role } from "@conclave/protocol";
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from "express";
import type { z } from "zod";
import { type AuthContext, requireRole } from "./auth.js";
import { HttpError } from "./errors.js";
import { parseInput } from "./validate.js";

/** Who may call a route: anyone, any signed-in user, or a role and the roles above it. */
export type Access = "public" | "authenticated" | Role;

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/**
 * Everything known about one API route: the router mounts from it (guards, validation,
 * response shaping) and the OpenAPI document is generated from it, so the two cannot drift.
 */
export interface RouteSpec {
  method: HttpMethod;
  /** Express path relative to /api/v1, e.g. "/users/:id". */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Success status; 200 by default, 204 when there is no `response`. */
  status?: number;
  /** Success body. Handlers' results are parsed with it, so unknown fields never leave. */
  response?: z.ZodType;
  /** Error statuses beyond those implied by access and inputs (e.g. 404, 409, 429). */
  errors?: readonly number[];
}

/** Keeps a spec's literal types for the handler's context. */
export function defineRoute<const S extends RouteSpec>(spec: S): S {
  return spec;
}

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What a handler receives: parsed inputs and the caller. */
export interface RouteContext<S extends RouteSpec> {
  req: Request;
  res: Response;
  auth: S["access"] extends "public" ? AuthContext | undefined : AuthContext;
  body: Parsed<S["body"]>;
  query: Parsed<S["query"]>;
  params: Parsed<S["params"]>;
  /** Client address (honours the "trust proxy" setting). */
  ip: string;
}

/** A handler returns the response body (checked against `response`) or nothing for 204. */
export type RouteHandler<S extends RouteSpec> = (
  ctx: RouteContext<S>,
) => Promise<S["response"] extends z.ZodType ? z.input<S["response"]> : undefined>;

/** Largest JSON body accepted. */
export const JSON_BODY_LIMIT = "1mb";

const jsonBody = express.json({ limit: JSON_BODY_LIMIT });

/** Methods that change state. */
export function isMutating(method: HttpMethod): boolean {
  return method !== "get";
}

/**
 * Records every mounted route. Feature routers mount through `mount`, which puts the guards in
 * front of each handler in a fixed order: authenticate (401), CSRF (403), role (403), then
 * input validation (400). The OpenAPI document and the table-driven security tests read
 * `routes`.
 */
export class RouteRegistry {
  readonly routes: RouteSpec[] = [];

  constructor(private readonly guards: { authenticate: RequestHandler; csrf: RequestHandler }) {}

  mount<const S extends RouteSpec>(router: Router, spec: S, handler: RouteHandler<S>): void {
    const duplicate = this.routes.find((r) => r.method === spec.method && r.path === spec.path);
    if (duplicate) throw new Error(`Route ${spec.method.toUpperCase()} ${spec.path} mounted twice`);
    this.routes.push(spec);
    const chain: RequestHandler[] = [];
    if (spec.access !== "public") chain.push(this.guards.authenticate, this.guards.csrf);
    if (spec.access !== "public" && spec.access !== "authenticated") {
      chain.push(requireRole(spec.access));
    }
    // Bodies are parsed only after the guards: a caller who may not use the route never gets
    // its body read.
    if (spec.body) chain.push(jsonBody);
    chain.push(async (req: Request, res: Response, _next: NextFunction) => {
      // Only JSON bodies: this also keeps cross-site HTML forms (which cannot send JSON
      // without a CORS preflight) away from every route, the public login included.
      if (spec.body && !req.is("application/json")) {
        throw new HttpError(415, "unsupported_media_type", "Send the body as application/json");
      }
      const ctx = {
        req,
        res,
        auth: req.auth,
        ip: req.ip ?? req.socket.remoteAddress ?? "unknown",
        params: spec.params ? parseInput(spec.params, req.params, "params") : undefined,
        query: spec.query ? parseInput(spec.query, req.query, "query") : undefined,
        body: spec.body ? parseInput(spec.body, req.body ?? {}, "body") : undefined,
      } as RouteContext<S>;
      const result = await handler(ctx);
      if (res.headersSent) return;
      if (spec.response) {
        res.status(spec.status ?? 200).json(spec.response.parse(result));
      } else {
        res.status(spec.status ?? 204).end();
      }
    });
    router[spec.method](spec.path, ...chain);
  }
}
