import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../testing/test-app.js";

describe("health route", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.destroy();
  });

  it("answers without authentication while the store is reachable", async () => {
    const res = await request(t.app).get("/api/v1/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", checks: { store: "ok" } });
  });

  it("answers 503 when the store is gone", async () => {
    await t.close();
    const res = await request(t.app).get("/api/v1/health");
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "unavailable", checks: { store: "unreachable" } });
  });
});
