import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, signIn, TEST_PASSWORD, type TestApp } from "../../testing/test-app.js";

describe("api token routes", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.addUser("root", "admin");
    await t.addUser("oscar", "operator");
    await t.addUser("olga", "operator");
  });
  afterAll(async () => {
    await t.destroy();
  });

  async function createToken(username: string, name: string) {
    const { agent, csrfToken } = await signIn(t.app, username);
    const res = await agent
      .post("/api/v1/api-tokens")
      .set("x-csrf-token", csrfToken)
      .send({ name });
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string; prefix: string };
  }

  it("shows the token once; lists show only its prefix", async () => {
    const created = await createToken("oscar", "nightly backup");
    expect(created.token).toMatch(/^cnclv_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    const { agent } = await signIn(t.app, "oscar");
    const list = await agent.get("/api/v1/api-tokens");
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: created.id, name: "nightly backup", username: "oscar" }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(created.token);
  });

  it("authenticates with Authorization: Bearer on reads and changes, without CSRF", async () => {
    const { token } = await createToken("root", "automation");
    const me = await request(t.app).get("/api/v1/session").set("Authorization", `Bearer ${token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { username: "root" },
      csrfToken: null,
      authenticatedBy: "token",
    });
    const created = await request(t.app)
      .post("/api/v1/users")
      .set("Authorization", `Bearer ${token}`)
      .send({ username: "scripted", password: TEST_PASSWORD, role: "viewer" });
    expect(created.status).toBe(201);
    const audit = await t.db.query<{ username: string }>(
      "SELECT username FROM audit_log WHERE target = 'user:scripted'",
    );
    expect(audit).toEqual([{ username: "root" }]);
  });

  it("refuses a wrong or malformed token with 401 instead of falling back to the cookie", async () => {
    const { agent } = await signIn(t.app, "oscar");
    expect(
      (await agent.get("/api/v1/session").set("Authorization", "Bearer cnclv_nope")).status,
    ).toBe(401);
    expect((await agent.get("/api/v1/session").set("Authorization", "Basic abc")).status).toBe(401);
  });

  it("revokes: the token stops working; others' tokens look missing unless you are admin", async () => {
    const mine = await createToken("olga", "temp");
    const oscars = await createToken("oscar", "oscar's");
    const olga = await signIn(t.app, "olga");
    const other = await olga.agent
      .delete(`/api/v1/api-tokens/${oscars.id}`)
      .set("x-csrf-token", olga.csrfToken);
    expect(other.status).toBe(404);
    const revoke = await request(t.app)
      .delete(`/api/v1/api-tokens/${mine.id}`)
      .set("Authorization", `Bearer ${mine.token}`);
    expect(revoke.status).toBe(204);
    expect(
      (await request(t.app).get("/api/v1/session").set("Authorization", `Bearer ${mine.token}`))
        .status,
    ).toBe(401);
    const root = await signIn(t.app, "root");
    expect((await root.agent.get("/api/v1/api-tokens")).body.items.length).toBeGreaterThanOrEqual(
      3,
    );
    expect(
      (
        await root.agent
          .delete(`/api/v1/api-tokens/${oscars.id}`)
          .set("x-csrf-token", root.csrfToken)
      ).status,
    ).toBe(204);
  });

  it("audits token creation and revocation without the token", async () => {
    const rows = await t.db.query<{ action: string }>(
      "SELECT action, before, after FROM audit_log WHERE action LIKE 'api-token.%'",
    );
    expect(rows.map((r) => r.action)).toContain("api-token.create");
    expect(rows.map((r) => r.action)).toContain("api-token.revoke");
    expect(JSON.stringify(rows)).not.toMatch(/cnclv_[A-Za-z0-9_-]{20,}/);
  });
});
