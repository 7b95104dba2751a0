import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { migrate } from "./store/migrate.js";
import { createTestApp, signIn, TEST_PASSWORD, type TestApp } from "./testing/test-app.js";

describe("restart over the same PGlite directory", () => {
  let second: TestApp | undefined;
  afterAll(async () => {
    await second?.destroy();
  });

  it("keeps users, API tokens, sessions and the audit log; migrations do nothing the second time", async () => {
    const first = await createTestApp();
    await first.addUser("root", "admin");
    const root = await signIn(first.app, "root");
    const login = await request(first.app)
      .post("/api/v1/session")
      .send({ username: "root", password: TEST_PASSWORD });
    const cookie = login.headers["set-cookie"]![0]!.split(";")[0]!;
    await root.agent
      .post("/api/v1/users")
      .set("x-csrf-token", root.csrfToken)
      .send({ username: "kept", password: TEST_PASSWORD, role: "operator" })
      .expect(201);
    const token = (
      await root.agent
        .post("/api/v1/api-tokens")
        .set("x-csrf-token", root.csrfToken)
        .send({ name: "ci" })
        .expect(201)
    ).body.token as string;
    await first.close();

    second = await createTestApp({ dataDir: first.dataDir });
    expect((await migrate(second.db)).applied).toEqual([]);
    // The session cookie, the token and the new user all still work.
    const session = await request(second.app).get("/api/v1/session").set("Cookie", cookie);
    expect(session.status).toBe(200);
    expect(session.body.csrfToken).toBe(login.body.csrfToken);
    const { agent } = await signIn(second.app, "kept");
    expect((await agent.get("/api/v1/session")).body.user.username).toBe("kept");
    const viaToken = await request(second.app)
      .get("/api/v1/audit")
      .set("Authorization", `Bearer ${token}`);
    expect(viaToken.status).toBe(200);
    const actions = viaToken.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["user.create", "api-token.create", "session.login"]),
    );
  });
});
