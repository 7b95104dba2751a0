import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentsRepo } from "../../store/agents.repo.js";
import { ClustersRepo } from "../../store/clusters.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { createTestApp, signIn, type TestApp } from "../../testing/test-app.js";

describe("clusters API", () => {
  let t: TestApp;
  let operator: Awaited<ReturnType<typeof signIn>>;
  let viewer: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createTestApp();
    await t.addUser("olga", "operator");
    await t.addUser("vic", "viewer");
    operator = await signIn(t.app, "olga");
    viewer = await signIn(t.app, "vic");
    // An enrolled agent that is not reporting, hosting two realms.
    await new AgentsRepo(t.db).create({
      id: "agent-1",
      hostname: "host-1",
      addresses: ["127.0.0.1"],
      version: "0.1.0",
      certificatePem: "-",
      certificateSerial: "1",
      certificateFingerprint: "AA:BB",
      certificateNotAfter: new Date(Date.now() + 86_400_000),
    });
    for (const name of ["realm-a", "realm-b"]) {
      await new RealmsRepo(t.db).create({ name, agentId: "agent-1", interfaces: [] });
    }
  });
  afterAll(async () => {
    await t?.destroy();
  });

  const post = (path: string, body: object, who = operator) =>
    who.agent.post(`/api/v1${path}`).set("x-csrf-token", who.csrfToken).send(body);

  it("answers 422 with every pre-flight finding: realm, problem and fix", async () => {
    const res = await post("/clusters", { name: "c1", realms: ["realm-a", "realm-b", "nope"] });
    expect(res.status).toBe(422);
    const findings = res.body.error.details.findings as {
      realm: string;
      check: string;
      fix: string;
    }[];
    expect(findings.map((f) => [f.realm, f.check])).toEqual([
      ["realm-a", "agent"],
      ["realm-b", "agent"],
      ["nope", "realm"],
    ]);
    expect(findings.every((f) => f.fix.length > 0)).toBe(true);
    expect(res.body.error.message).toMatch(/pre-flight found 3 problems/);

    const dry = await post("/clusters/preflight", { name: "c1", realms: ["nope"] });
    expect(dry.status).toBe(200);
    expect(dry.body.ok).toBe(false);
    expect((await request(t.app).get("/api/v1/clusters")).status).toBe(401);
  });

  it("refuses a realm listed twice, and viewers' changes", async () => {
    const twice = await post("/clusters", { name: "c1", realms: ["realm-a", "realm-a"] });
    expect(twice.status).toBe(400);
    expect(twice.text).toMatch(/listed twice/);
    const denied = await post("/clusters", { name: "c1", realms: ["realm-a"] }, viewer);
    expect(denied.status).toBe(403);
  });

  it("lists stored clusters, shows their members in the realms list, and 404s unknown ones", async () => {
    await new ClustersRepo(t.db).create({
      name: "stored",
      members: [
        {
          realm: "realm-a",
          addresses: ["nsp://127.0.0.1:9000"],
          publicKey: "-----BEGIN PUBLIC KEY-----",
          identityFingerprintSha256: "ab",
        },
      ],
      sites: [],
      primeSite: null,
    });
    const list = await viewer.agent.get("/api/v1/clusters");
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({
        name: "stored",
        status: "Forming",
        members: [
          {
            realm: "realm-a",
            addresses: ["nsp://127.0.0.1:9000"],
            identityFingerprintSha256: "ab",
          },
        ],
      }),
    ]);
    const status = await viewer.agent.get("/api/v1/clusters/stored/status");
    expect(status.body).toMatchObject({
      name: "stored",
      status: "Forming",
      master: null,
      members: [{ realm: "realm-a", state: "unknown", role: null }],
    });
    const realms = (await viewer.agent.get("/api/v1/realms")).body as {
      name: string;
      cluster: string | null;
    }[];
    expect(realms.map((r) => [r.name, r.cluster])).toEqual([
      ["realm-a", "stored"],
      ["realm-b", null],
    ]);
    const summary = await viewer.agent.get("/api/v1/health/summary");
    expect(summary.body.clusters).toEqual([{ name: "stored", status: "Forming", master: null }]);
    expect(summary.body.certificates).toEqual([]);
    expect((await viewer.agent.get("/api/v1/clusters/none")).status).toBe(404);

    const again = await post("/clusters", { name: "c2", realms: ["realm-a"] });
    expect(again.status).toBe(422);
    expect(again.body.error.details.findings[0]).toMatchObject({
      realm: "realm-a",
      check: "membership",
    });
    const last = await operator.agent
      .delete("/api/v1/clusters/stored/members/realm-a")
      .set("x-csrf-token", operator.csrfToken);
    expect(last.status).toBe(409);
  });
});
