import * as protocol from "@conclave/protocol";
import { z } from "zod";
import { SESSION_COOKIE } from "./auth.js";
import { CSRF_HEADER } from "./csrf.js";
import { isMutating, type RouteSpec } from "./route-registry.js";

/** Where every route is mounted. */
export const API_PREFIX = "/api/v1";

type JsonSchema = Record<string, unknown>;

/** A minimal OpenAPI 3.1 document type: enough for tests and docs generation to walk. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
  security: Record<string, string[]>[];
  tags: { name: string }[];
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  "x-required-role"?: string;
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
}

const isZod = (value: unknown): value is z.ZodType =>
  typeof value === "object" && value !== null && "_zod" in value;

/** Component name for each schema exported by @conclave/protocol: `UserSchema` → `User`. */
const PROTOCOL_NAMES: Map<z.ZodType, string> = (() => {
  const names = new Map<z.ZodType, string>();
  for (const [name, value] of Object.entries(protocol)) {
    if (name.endsWith("Schema") && isZod(value) && !names.has(value)) {
      names.set(value, name.slice(0, -"Schema".length));
    }
  }
  return names;
})();

/** Every zod schema inside `schema` (object shapes, arrays, unions, wrappers…), `schema` too. */
function reachable(schema: z.ZodType, found = new Set<z.ZodType>()): Set<z.ZodType> {
  if (found.has(schema)) return found;
  found.add(schema);
  const visit = (value: unknown, depth: number): void => {
    if (isZod(value)) reachable(value, found);
    else if (Array.isArray(value)) for (const item of value) visit(item, depth);
    else if (depth === 0 && typeof value === "object" && value !== null) {
      for (const item of Object.values(value)) visit(item, depth + 1);
    }
  };
  for (const value of Object.values((schema as unknown as { _zod: { def: object } })._zod.def)) {
    visit(value, 0);
  }
  return found;
}

/** OpenAPI wants `{id}` where Express has `:id`. */
export function toOpenApiPath(expressPath: string): string {
  return `${API_PREFIX}${expressPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`;
}

const pascal = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The long regex zod emits for ISO date-times adds nothing to `format: date-time`. */
function tidy(ctx: { jsonSchema: JsonSchema }): void {
  if (ctx.jsonSchema.format === "date-time") delete ctx.jsonSchema.pattern;
}

function convertRegistry(
  registry: z.core.$ZodRegistry<{ id: string }>,
  io: "input" | "output",
  rename: (id: string) => string,
): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
    override: tidy as never,
    uri: (id) => `#/components/schemas/${rename(id)}`,
  });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema as JsonSchema;
    out[rename(id)] = rest;
  }
  return out;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The request does not match its schema; `details.issues` lists each problem.",
  401: "No valid session cookie or API token.",
  403: "The caller's role does not allow this, or the x-csrf-token header is missing or wrong.",
  404: "Not found.",
  409: "Conflicts with the current state.",
  413: "The request body is too large.",
  429: "Too many attempts; see the Retry-After header.",
  500: "Internal error; the manager's log has the details under the request id.",
  503: "The store is unreachable.",
};

/**
 * Generates the OpenAPI 3.1 document from the registered routes. Request and response
 * schemas come from the same zod schemas the manager validates with; schemas exported by
 * @conclave/protocol become named components, others are named after their operation.
 */
export function buildOpenApiDocument(
  routes: readonly RouteSpec[],
  info: { title?: string; version: string },
): OpenApiDocument {
  const names = new Map<z.ZodType, string>();
  const nameOf = (schema: z.ZodType, fallback: string): string => {
    const existing = names.get(schema) ?? PROTOCOL_NAMES.get(schema);
    const name = existing ?? fallback;
    names.set(schema, name);
    return name;
  };
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  const register = (registry: typeof inputs, schema: z.ZodType, fallback: string) => {
    const name = nameOf(schema, fallback);
    if (!registry.has(schema)) registry.add(schema, { id: name });
    for (const inner of reachable(schema)) {
      const innerName = PROTOCOL_NAMES.get(inner);
      if (innerName && !registry.has(inner)) registry.add(inner, { id: innerName });
    }
    return name;
  };
  register(outputs, protocol.ApiErrorResponseSchema, "ApiErrorResponse");
  const bodyNames = new Map<RouteSpec, string>();
  const responseNames = new Map<RouteSpec, string>();
  for (const route of routes) {
    if (route.body)
      bodyNames.set(route, register(inputs, route.body, `${pascal(route.operationId)}Request`));
    if (route.response) {
      responseNames.set(
        route,
        register(outputs, route.response, `${pascal(route.operationId)}Response`),
      );
    }
  }

  // A schema may look different as input (defaults optional) and as output: then the input
  // variant gets an "Input" suffix; where both agree they share one component.
  const outSchemas = convertRegistry(outputs, "output", (id) => id);
  const firstPass = convertRegistry(inputs, "input", (id) => id);
  const clash = new Set(
    Object.keys(firstPass).filter(
      (id) => id in outSchemas && JSON.stringify(outSchemas[id]) !== JSON.stringify(firstPass[id]),
    ),
  );
  const inputName = (id: string) => (clash.has(id) ? `${id}Input` : id);
  const inSchemas = clash.size > 0 ? convertRegistry(inputs, "input", inputName) : firstPass;
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

  const paths: OpenApiDocument["paths"] = {};
  for (const route of routes) {
    const operation: OpenApiOperation = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      responses: {},
    };
    if (route.access === "public") operation.security = [];
    else if (route.access !== "authenticated") operation["x-required-role"] = route.access;
    const parameters: JsonSchema[] = [
      ...objectParameters(route.params, "path"),
      ...objectParameters(route.query, "query"),
    ];
    if (route.access !== "public" && isMutating(route.method)) {
      parameters.push({
        name: CSRF_HEADER,
        in: "header",
        required: false,
        description:
          "Required with the session cookie (the csrfToken from POST/GET /api/v1/session); not needed with a Bearer token.",
        schema: { type: "string" },
      });
    }
    if (parameters.length > 0) operation.parameters = parameters;
    const bodyName = bodyNames.get(route);
    if (bodyName) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: ref(inputName(bodyName)) } },
      };
    }
    const responseName = responseNames.get(route);
    const status = String(route.status ?? (route.response ? 200 : 204));
    operation.responses[status] = responseName
      ? { description: "Success", content: { "application/json": { schema: ref(responseName) } } }
      : { description: "Success, no content" };
    const errors = new Set<number>(route.errors ?? []);
    if (route.body || route.query || route.params) errors.add(400);
    if (route.access !== "public") errors.add(401);
    if (
      route.access !== "public" &&
      (isMutating(route.method) || route.access !== "authenticated")
    ) {
      errors.add(403);
    }
    errors.add(500);
    for (const code of [...errors].sort()) {
      operation.responses[String(code)] = {
        description: ERROR_DESCRIPTIONS[code] ?? "Error",
        content: { "application/json": { schema: ref("ApiErrorResponse") } },
      };
    }
    const path = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method] = operation;
  }

  return {
    openapi: "3.1.0",
    info: {
      title: info.title ?? "Conclave manager API",
      version: info.version,
      description:
        "Sign in with POST /api/v1/session (session cookie + csrfToken, send it back as " +
        "x-csrf-token on changes) or send `Authorization: Bearer <API token>`.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      schemas: sortKeys({ ...outSchemas, ...inSchemas }),
      securitySchemes: {
        sessionCookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
        bearerToken: { type: "http", scheme: "bearer", description: "An API token (cnclv_…)" },
      },
    },
    security: [{ sessionCookie: [] }, { bearerToken: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].sort().map((name) => ({ name })),
  };
}

function objectParameters(schema: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    override: tidy as never,
  }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === "path" || (json.required ?? []).includes(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
