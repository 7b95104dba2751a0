import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClustersRepo } from "../../store/clusters.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { type RouterTestApp, routerTestApp } from "../../testing/router-test-app.js";

describe("clusters API", () => {
  let t: RouterTestApp;

  beforeAll(async () => {
    t = await routerTestApp();
    for (const name of ["realm-a", "realm-b"]) {
      await new RealmsRepo(t.db).create({ name, agentId: "agent-1", interfaces: [] });
    }
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it("answers 422 with every pre-flight finding: realm, problem and fix", async () => {
    const res = await t.post("/clusters", { name: "c1", realms: ["realm-a", "realm-b", "nope"] });
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

    const dry = await t.post("/clusters/preflight", { name: "c1", realms: ["nope"] });
    expect(dry.status).toBe(200);
    expect(dry.body.ok).toBe(false);
    expect((await request(t.app).get("/api/v1/clusters")).status).toBe(401);
  });

  it("refuses a realm listed twice, and viewers' changes", async () => {
    const twice = await t.post("/clusters", { name: "c1", realms: ["realm-a", "realm-a"] });
    expect(twice.status).toBe(400);
    expect(twice.text).toMatch(/listed twice/);
    const denied = await t.post("/clusters", { name: "c1", realms: ["realm-a"] }, t.viewer);
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
    const list = await t.get("/clusters", t.viewer);
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
    const status = await t.get("/clusters/stored/status", t.viewer);
    expect(status.body).toMatchObject({
      name: "stored",
      status: "Forming",
      master: null,
      members: [{ realm: "realm-a", state: "unknown", role: null }],
    });
    const realms = (await t.get("/realms", t.viewer)).body as {
      name: string;
      cluster: string | null;
    }[];
    expect(realms.map((r) => [r.name, r.cluster])).toEqual([
      ["realm-a", "stored"],
      ["realm-b", null],
    ]);
    const summary = await t.get("/health/summary", t.viewer);
    expect(summary.body.clusters).toEqual([{ name: "stored", status: "Forming", master: null }]);
    expect(summary.body.certificates).toEqual([]);
    expect((await t.get("/clusters/none", t.viewer)).status).toBe(404);

    const again = await t.post("/clusters", { name: "c2", realms: ["realm-a"] });
    expect(again.status).toBe(422);
    expect(again.body.error.details.findings[0]).toMatchObject({
      realm: "realm-a",
      check: "membership",
    });
    const last = await t.operator.agent
      .delete("/api/v1/clusters/stored/members/realm-a")
      .set("x-csrf-token", t.operator.csrfToken);
    expect(last.status).toBe(409);
  });
});
