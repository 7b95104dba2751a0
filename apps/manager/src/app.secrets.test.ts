import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TEST_PASSWORD, type TestApp } from "./testing/test-app.js";

/**
 * Runs every credential-handling flow while recording each response body and each log line,
 * then checks that no password, token, session id or password hash appears in any of them.
 * The single exception is the answer that creates an API token, which shows it once.
 */
describe("credentials never leak into answers or logs", () => {
  let t: TestApp;
  const bodies: string[] = [];
  const secrets: string[] = [TEST_PASSWORD];

  const record = (res: request.Response) => {
    bodies.push(res.text ?? "");
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp();
    await t.addUser("root", "admin");
  });
  afterAll(async () => {
    await t.destroy();
  });

  it("across login, user management, tokens and failures", async () => {
    const login = record(
      await request(t.app)
        .post("/api/v1/session")
        .send({ username: "root", password: TEST_PASSWORD }),
    );
    const sessionId = /conclave_session=([^;]+)/.exec(login.headers["set-cookie"]![0]!)![1]!;
    secrets.push(sessionId);
    const cookie = `conclave_session=${sessionId}`;
    const csrf = login.body.csrfToken as string;
    const as = <T extends request.Test>(req: T) =>
      req.set("Cookie", cookie).set("x-csrf-token", csrf);

    const userPassword = "user password number one";
    const resetPassword = "reset password number two";
    const wrongPassword = "a wrong guess of a password";
    secrets.push(userPassword, resetPassword, wrongPassword);

    const created = record(
      await as(request(t.app).post("/api/v1/users")).send({
        username: "uma",
        password: userPassword,
        role: "operator",
      }),
    );
    record(
      await as(request(t.app).put(`/api/v1/users/${created.body.id}/password`)).send({
        password: resetPassword,
      }),
    );
    record(
      await as(request(t.app).post("/api/v1/users")).send({
        username: "uma",
        password: userPassword,
        role: "operator",
      }),
    );
    record(
      await as(request(t.app).post("/api/v1/users")).send({
        username: "bad name",
        password: "tiny",
        role: "operator",
      }),
    );
    record(
      await request(t.app)
        .post("/api/v1/session")
        .send({ username: "uma", password: wrongPassword }),
    );
    record(
      await request(t.app)
        .post("/api/v1/session")
        .send({ username: wrongPassword, password: wrongPassword }),
    );

    const tokenAnswer = await as(request(t.app).post("/api/v1/api-tokens")).send({
      name: "leak test",
    });
    const token = tokenAnswer.body.token as string;
    secrets.push(token);
    record(await request(t.app).get("/api/v1/api-tokens").set("Authorization", `Bearer ${token}`));
    record(
      await request(t.app).get("/api/v1/audit?limit=500").set("Authorization", `Bearer ${token}`),
    );
    record(await request(t.app).get("/api/v1/users").set("Authorization", `Bearer ${token}x`));
    record(await as(request(t.app).get("/api/v1/session")));
    record(await as(request(t.app).delete("/api/v1/session")));

    const hashes = await t.db.query<{ password_hash: string }>("SELECT password_hash FROM users");
    secrets.push(...hashes.map((h) => h.password_hash));

    expect(t.logs.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      for (const body of bodies) expect(body).not.toContain(secret);
      for (const line of t.logs) expect(line).not.toContain(secret);
    }
    // The token was shown exactly once, in its creation answer.
    expect(tokenAnswer.status).toBe(201);
    expect(JSON.stringify(tokenAnswer.body)).toContain(token);
    const audit = JSON.stringify(await t.db.query("SELECT * FROM audit_log"));
    for (const secret of secrets) expect(audit).not.toContain(secret);
  });
});
