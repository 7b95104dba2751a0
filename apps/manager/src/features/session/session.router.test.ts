import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, signIn, TEST_PASSWORD, type TestApp } from "../../testing/test-app.js";

describe("session routes", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.addUser("alice", "operator");
    await t.addUser("mallory", "viewer");
  });
  afterAll(async () => {
    await t.destroy();
  });

  it("signs in with an HttpOnly SameSite=Strict cookie and returns the user and a CSRF token", async () => {
    const res = await request(t.app)
      .post("/api/v1/session")
      .send({ username: "Alice", password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: {
        id: expect.any(String),
        username: "alice",
        role: "operator",
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
      csrfToken: expect.any(String),
    });
    const cookie = res.headers["set-cookie"]?.[0] ?? "";
    expect(cookie).toMatch(/^conclave_session=[^;]+/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP in tests; on with TLS
  });

  it("GET /session returns the current user and the same CSRF token; DELETE signs out", async () => {
    const { agent, csrfToken } = await signIn(t.app, "alice");
    const me = await agent.get("/api/v1/session");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { username: "alice" },
      csrfToken,
      authenticatedBy: "session",
    });

    const out = await agent.delete("/api/v1/session").set("x-csrf-token", csrfToken);
    expect(out.status).toBe(204);
    expect(out.headers["set-cookie"]?.[0]).toMatch(/conclave_session=;/);
    expect((await agent.get("/api/v1/session")).status).toBe(401);
  });

  it("a stolen cookie stops working after logout", async () => {
    const login = await request(t.app)
      .post("/api/v1/session")
      .send({ username: "alice", password: TEST_PASSWORD });
    const cookie = login.headers["set-cookie"]![0]!.split(";")[0]!;
    await request(t.app)
      .delete("/api/v1/session")
      .set("Cookie", cookie)
      .set("x-csrf-token", login.body.csrfToken)
      .expect(204);
    expect((await request(t.app).get("/api/v1/session").set("Cookie", cookie)).status).toBe(401);
  });

  it("answers a wrong password and an unknown user alike, without hinting which", async () => {
    const wrongPassword = await request(t.app)
      .post("/api/v1/session")
      .send({ username: "alice", password: "not the password" });
    const unknownUser = await request(t.app)
      .post("/api/v1/session")
      .send({ username: "nobody-here", password: "not the password" });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownUser.body);
    expect(wrongPassword.body).toEqual({
      error: { code: "unauthenticated", message: "Wrong username or password" },
    });
    expect(wrongPassword.headers["set-cookie"]).toBeUndefined();
  });

  it("validates the body with issue paths and refuses non-JSON bodies", async () => {
    const res = await request(t.app).post("/api/v1/session").send({ username: "alice" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_input");
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({ path: ["body", "password"] }),
    ]);
    const form = await request(t.app)
      .post("/api/v1/session")
      .type("form")
      .send("username=alice&password=x");
    expect(form.status).toBe(415);
    const broken = await request(t.app)
      .post("/api/v1/session")
      .set("Content-Type", "application/json")
      .send("{");
    expect(broken.status).toBe(400);
    expect(JSON.stringify(broken.body)).not.toMatch(/at .*\.js|stack/i);
    const huge = await request(t.app)
      .post("/api/v1/session")
      .send({ username: "alice", password: "x".repeat(2_000_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");
  });

  it("refuses further attempts after too many failures, even with the right password", async () => {
    // TEST_CONFIG allows 3 failures per username and address.
    for (let i = 0; i < 3; i++) {
      const res = await request(t.app)
        .post("/api/v1/session")
        .send({ username: "mallory", password: `wrong-${i}` });
      expect(res.status).toBe(401);
    }
    const locked = await request(t.app)
      .post("/api/v1/session")
      .send({ username: "mallory", password: TEST_PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("rate_limited");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    // Another user from the same address is not affected.
    expect(
      (
        await request(t.app)
          .post("/api/v1/session")
          .send({ username: "alice", password: TEST_PASSWORD })
      ).status,
    ).toBe(200);
  });

  it("refuses a cookie-authenticated change without the x-csrf-token header", async () => {
    const { agent, csrfToken } = await signIn(t.app, "alice");
    // What a cross-site form or fetch would send: the cookie (if the browser attached it) and
    // no token, or a wrong one.
    const none = await agent.delete("/api/v1/session").set("Origin", "https://evil.example");
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe("csrf_failed");
    const wrong = await agent.delete("/api/v1/session").set("x-csrf-token", `${csrfToken}x`);
    expect(wrong.status).toBe(403);
    expect((await agent.get("/api/v1/session")).status).toBe(200);
  });

  it("audits logins and failed logins without passwords", async () => {
    const rows = await t.db.query<{ action: string; target: string | null; after: unknown }>(
      "SELECT action, target, after FROM audit_log WHERE action LIKE 'session.%' ORDER BY id",
    );
    const actions = new Set(rows.map((r) => r.action));
    expect(actions).toEqual(new Set(["session.login", "session.logout", "session.login_failed"]));
    // A failed attempt names the user only if it exists: unknown names may be mistyped passwords.
    expect(rows).toContainEqual(
      expect.objectContaining({ action: "session.login_failed", target: null }),
    );
    expect(JSON.stringify(rows)).not.toContain(TEST_PASSWORD);
    expect(JSON.stringify(rows)).not.toContain("not the password");
    expect(t.logs.join("")).not.toContain(TEST_PASSWORD);
  });
});
