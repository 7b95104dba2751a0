import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditRepo } from "../../store/audit.repo.js";
import { createTestApp, signIn, type TestApp } from "../../testing/test-app.js";

describe("audit routes", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.addUser("root", "admin");
    await t.addUser("vera", "viewer");
    const audit = new AuditRepo(t.db);
    for (let i = 0; i < 5; i++) {
      await audit.record({
        actor: { userId: "x", username: "zed" },
        action: "realm.update",
        target: `realm:r${i}`,
      });
    }
    await audit.record({
      actor: null,
      action: "keystore.upload",
      target: "keystore:k1",
      after: { passphrase: "s3cret" },
    });
  });
  afterAll(async () => {
    await t.destroy();
  });

  it("filters by user, action (with prefix) and target, and pages with a cursor", async () => {
    const { agent } = await signIn(t.app, "root");
    const byUser = await agent.get("/api/v1/audit").query({ user: "zed", limit: 2 });
    expect(byUser.status).toBe(200);
    expect(byUser.body.items.map((e: { target: string }) => e.target)).toEqual([
      "realm:r4",
      "realm:r3",
    ]);
    const next = await agent
      .get("/api/v1/audit")
      .query({ user: "zed", limit: 2, cursor: byUser.body.nextCursor });
    expect(next.body.items.map((e: { target: string }) => e.target)).toEqual([
      "realm:r2",
      "realm:r1",
    ]);
    expect((await agent.get("/api/v1/audit").query({ action: "realm.*" })).body.items).toHaveLength(
      5,
    );
    expect((await agent.get("/api/v1/audit").query({ target: "keystore:k1" })).body.items).toEqual([
      expect.objectContaining({ username: "system", after: { passphrase: "[REDACTED]" } }),
    ]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await agent.get("/api/v1/audit").query({ since: future })).body).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(
      (await agent.get("/api/v1/audit").query({ until: future, limit: 500 })).body.items.length,
    ).toBeGreaterThanOrEqual(6);
  });

  it("rejects bad filters with the query path", async () => {
    const { agent } = await signIn(t.app, "root");
    const res = await agent.get("/api/v1/audit").query({ since: "yesterday", limit: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { path: string[] }) => i.path.join("."))).toEqual(
      expect.arrayContaining(["query.since", "query.limit"]),
    );
  });

  it("is not for viewers", async () => {
    const { agent } = await signIn(t.app, "vera");
    expect((await agent.get("/api/v1/audit")).status).toBe(403);
  });
});
