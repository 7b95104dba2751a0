import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, signIn, TEST_PASSWORD, type TestApp } from "../../testing/test-app.js";

describe("users routes", () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createTestApp();
    await t.addUser("root", "admin");
    await t.addUser("oscar", "operator");
    await t.addUser("vera", "viewer");
    admin = await signIn(t.app, "root");
  });
  afterAll(async () => {
    await t.destroy();
  });

  const send = (method: "post" | "patch" | "put" | "delete", path: string, body?: object) => {
    const req = admin.agent[method](`/api/v1${path}`).set("x-csrf-token", admin.csrfToken);
    return body ? req.send(body) : req;
  };

  it("lets an admin create, list, read, change, reset and delete a user", async () => {
    const created = await send("post", "/users", {
      username: " Nina ",
      password: TEST_PASSWORD,
      role: "viewer",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: "nina", role: "viewer" });
    expect(created.body).not.toHaveProperty("passwordHash");
    const id = created.body.id as string;

    const list = await admin.agent.get("/api/v1/users");
    expect(list.body.items.map((u: { username: string }) => u.username)).toEqual([
      "nina",
      "oscar",
      "root",
      "vera",
    ]);
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|passwordHash/);

    expect((await admin.agent.get(`/api/v1/users/${id}`)).body.username).toBe("nina");
    expect((await send("patch", `/users/${id}`, { role: "operator" })).body.role).toBe("operator");

    const nina = await signIn(t.app, "nina");
    const newPassword = "a brand new passphrase";
    expect((await send("put", `/users/${id}/password`, { password: newPassword })).status).toBe(
      204,
    );
    // The reset ends the user's sessions; the new password works, the old one does not.
    expect((await nina.agent.get("/api/v1/session")).status).toBe(401);
    expect(
      (
        await request(t.app)
          .post("/api/v1/session")
          .send({ username: "nina", password: TEST_PASSWORD })
      ).status,
    ).toBe(401);
    await signIn(t.app, "nina", newPassword);

    expect((await send("delete", `/users/${id}`)).status).toBe(204);
    expect((await admin.agent.get(`/api/v1/users/${id}`)).status).toBe(404);
  });

  it("answers clear errors: duplicates 409, bad input 400 with paths, unknown id 404", async () => {
    const dup = await send("post", "/users", {
      username: "oscar",
      password: TEST_PASSWORD,
      role: "viewer",
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toEqual({
      code: "conflict",
      message: "A user named oscar already exists",
    });
    const bad = await send("post", "/users", {
      username: "x y",
      password: "short",
      role: "root",
      extra: 1,
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.issues.map((i: { path: string[] }) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["body.username", "body.password", "body.role"]));
    expect(JSON.stringify(bad.body)).not.toContain("short");
    expect((await send("patch", "/users/does-not-exist", { role: "viewer" })).status).toBe(404);
  });

  it("never demotes or deletes the last admin", async () => {
    const rootId = (await admin.agent.get("/api/v1/users")).body.items.find(
      (u: { username: string }) => u.username === "root",
    ).id;
    const demote = await send("patch", `/users/${rootId}`, { role: "operator" });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/last admin/);
    expect((await send("delete", `/users/${rootId}`)).status).toBe(409);
  });

  it("refuses operators and viewers with 403, even for reads", async () => {
    for (const username of ["oscar", "vera"]) {
      const { agent, csrfToken } = await signIn(t.app, username);
      expect((await agent.get("/api/v1/users")).status).toBe(403);
      const create = await agent
        .post("/api/v1/users")
        .set("x-csrf-token", csrfToken)
        .send({ username: "eve", password: TEST_PASSWORD, role: "admin" });
      expect(create.status).toBe(403);
      expect(create.body.error.code).toBe("forbidden");
    }
  });

  it("audits every change with before/after and no password or hash", async () => {
    const rows = await t.db.query<{
      username: string;
      action: string;
      target: string;
      before: unknown;
      after: unknown;
    }>(
      "SELECT username, action, target, before, after FROM audit_log WHERE action LIKE 'user.%' ORDER BY id",
    );
    expect(rows.map((r) => r.action)).toEqual([
      "user.create",
      "user.update",
      "user.password_reset",
      "user.delete",
    ]);
    expect(rows[0]).toMatchObject({
      username: "root",
      target: "user:nina",
      after: { username: "nina", role: "viewer", password: "[REDACTED]" },
    });
    expect(rows[1]).toMatchObject({ before: { role: "viewer" }, after: { role: "operator" } });
    expect(rows[2]).toMatchObject({ after: { password: "[REDACTED]", sessionsEnded: 1 } });
    expect(rows[3]).toMatchObject({ before: { username: "nina" }, after: null });
    const text = JSON.stringify(rows);
    expect(text).not.toContain(TEST_PASSWORD);
    expect(text).not.toContain("a brand new passphrase");
    expect(text).not.toContain("$argon2");
  });
});
