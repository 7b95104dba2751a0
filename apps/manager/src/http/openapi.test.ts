import { describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { createLogger } from "../logging/logger.js";
import type { Db } from "../store/db.js";
import { mountedRoutes } from "../testing/mounted-routes.js";
import { createTestApp, signIn, TEST_CONFIG } from "../testing/test-app.js";
import { buildOpenApiDocument, toOpenApiPath } from "./openapi.js";

const unusedDb = new Proxy({}, { get: () => () => Promise.reject(new Error("unused")) }) as Db;
const app = createApp({
  config: TEST_CONFIG,
  db: unusedDb,
  logger: createLogger({ write: () => {} }),
});
const doc = buildOpenApiDocument(app.locals.routes.routes, { version: "test" });

describe("OpenAPI document", () => {
  it("describes every route Express has mounted, and nothing else", () => {
    const mounted = mountedRoutes(app).map(
      (r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`,
    );
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(mounted.length).toBeGreaterThan(0);
    expect(mounted.sort()).toEqual(documented.sort());
    expect(toOpenApiPath("/users/:id/password")).toBe("/api/v1/users/{id}/password");
  });

  it("resolves every $ref to a component", () => {
    const refs = [
      ...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g),
    ].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref);
  });

  it("generates bodies and answers from the protocol schemas", () => {
    const create = doc.paths["/api/v1/users"]?.post;
    expect(create?.requestBody).toEqual({
      required: true,
      content: {
        "application/json": { schema: { $ref: "#/components/schemas/CreateUserRequest" } },
      },
    });
    expect(Object.keys(create?.responses ?? {})).toEqual([
      "201",
      "400",
      "401",
      "403",
      "409",
      "500",
    ]);
    expect(create?.["x-required-role"]).toBe("admin");
    expect(doc.components.schemas.CreateUserRequest).toMatchObject({
      type: "object",
      required: ["username", "password", "role"],
      properties: { role: { $ref: "#/components/schemas/Role" } },
    });
    expect(doc.components.schemas.User?.properties).not.toHaveProperty("passwordHash");
    expect(doc.paths["/api/v1/health"]?.get?.security).toEqual([]);
    const audit = doc.paths["/api/v1/audit"]?.get?.parameters ?? [];
    expect(audit.map((p) => p.name)).toEqual([
      "user",
      "action",
      "target",
      "since",
      "until",
      "limit",
      "cursor",
    ]);
  });

  it("is served at /api/v1/openapi.json to signed-in users only", async () => {
    const t = await createTestApp();
    try {
      await t.addUser("vera", "viewer");
      const { agent } = await signIn(t.app, "vera");
      const res = await agent.get("/api/v1/openapi.json");
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe("3.1.0");
      expect(Object.keys(res.body.paths)).toEqual(Object.keys(doc.paths));
    } finally {
      await t.destroy();
    }
  });
});
