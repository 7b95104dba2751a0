import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { createLogger } from "../logging/logger.js";
import type { Db } from "../store/db.js";
import { createTestApp, signIn, TEST_CONFIG, type TestApp } from "../testing/test-app.js";
import { isMutating, type RouteSpec } from "./route-registry.js";

// The route table, read from an app whose store is never touched: the tables below are built
// from it, so a route added later is covered without touching this file.
const unusedDb = new Proxy({}, { get: () => () => Promise.reject(new Error("unused")) }) as Db;
const ROUTES: RouteSpec[] = createApp({
  config: TEST_CONFIG,
  db: unusedDb,
  logger: createLogger({ write: () => {} }),
}).locals.routes.routes;

/** A concrete URL for a route: path parameters get a placeholder id. */
const urlOf = (route: RouteSpec) =>
  `/api/v1${route.path.replace(/:([A-Za-z0-9_]+)/g, "no-such-$1")}`;
const label = (route: RouteSpec) => `${route.method.toUpperCase()} ${route.path}`;

const protectedRoutes = ROUTES.filter((r) => r.access !== "public");
/** Changes a viewer may still make: only ending its own session. */
const VIEWER_MAY = ["DELETE /session"];
const mutatingRoutes = ROUTES.filter((r) => r.access !== "public" && isMutating(r.method));
const viewerForbidden = mutatingRoutes.filter((r) => !VIEWER_MAY.includes(label(r)));
const adminOnly = ROUTES.filter((r) => r.access === "admin");

describe("API security, for every registered route", () => {
  let t: TestApp;
  let viewer: Awaited<ReturnType<typeof signIn>>;
  let operator: Awaited<ReturnType<typeof signIn>>;
  let admin: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createTestApp();
    await t.addUser("root", "admin");
    await t.addUser("oscar", "operator");
    await t.addUser("vera", "viewer");
    admin = await signIn(t.app, "root");
    operator = await signIn(t.app, "oscar");
    viewer = await signIn(t.app, "vera");
  });
  afterAll(async () => {
    await t.destroy();
  });

  it("the table has the expected public and viewer-usable routes", () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(12);
    expect(
      ROUTES.filter((r) => r.access === "public")
        .map(label)
        .sort(),
    ).toEqual(["GET /health", "POST /session"]);
    // Mutating routes open to every signed-in user are exactly the ones a viewer may use.
    expect(mutatingRoutes.filter((r) => r.access === "authenticated").map(label)).toEqual(
      VIEWER_MAY,
    );
  });

  it("GET /health answers 200 without authentication", async () => {
    expect((await request(t.app).get("/api/v1/health")).status).toBe(200);
  });

  it.each(protectedRoutes.map((r) => [label(r), r] as const))(
    "%s answers 401 without a session or token",
    async (_label, route) => {
      for (const credentials of [
        {},
        { Cookie: "conclave_session=forged" },
        { Authorization: "Bearer cnclv_forged" },
      ]) {
        const res = await request(t.app)[route.method](urlOf(route)).set(credentials).send({});
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe("unauthenticated");
      }
    },
  );

  it("does not read the body of a request that may not use the route", async () => {
    const res = await request(t.app)
      .post("/api/v1/users")
      .set("Content-Type", "application/json")
      .send("{not json");
    expect(res.status).toBe(401);
  });

  it("POST /session never answers 200 without valid credentials", async () => {
    for (const body of [
      {},
      { username: "root" },
      { username: "root", password: "" },
      { username: "root", password: "x" },
    ]) {
      expect((await request(t.app).post("/api/v1/session").send(body)).status).not.toBe(200);
    }
  });

  it("paths no route matches answer 401 without authentication, 404 with it", async () => {
    for (const path of ["/api/v1/nope", "/api/v1/users/x/y/z", "/api/v1/"]) {
      expect((await request(t.app).get(path)).status).toBe(401);
      expect((await request(t.app).put(path).send({})).status).toBe(401);
      expect((await viewer.agent.get(path)).status).toBe(404);
    }
  });

  it.each(viewerForbidden.map((r) => [label(r), r] as const))(
    "%s answers 403 to a viewer",
    async (_label, route) => {
      const res = await viewer.agent[route.method](urlOf(route))
        .set("x-csrf-token", viewer.csrfToken)
        .send({});
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    },
  );

  it.each(adminOnly.map((r) => [label(r), r] as const))(
    "%s answers 403 to an operator",
    async (_label, route) => {
      const res = await operator.agent[route.method](urlOf(route))
        .set("x-csrf-token", operator.csrfToken)
        .send({});
      expect(res.status).toBe(403);
    },
  );

  it.each(mutatingRoutes.map((r) => [label(r), r] as const))(
    "%s refuses the session cookie without x-csrf-token",
    async (_label, route) => {
      const res = await admin.agent[route.method](urlOf(route))
        .set("Origin", "https://attacker.example")
        .send({});
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("csrf_failed");
    },
  );
});
