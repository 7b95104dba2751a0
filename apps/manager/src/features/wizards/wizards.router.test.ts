import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClustersRepo } from "../../store/clusters.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { WizardsRepo } from "../../store/wizards.repo.js";
import { type RouterTestApp, routerTestApp } from "../../testing/router-test-app.js";

const PEM = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n";

describe("wizards API", () => {
  let t: RouterTestApp;

  beforeAll(async () => {
    t = await routerTestApp();
    // Two clusters of realms on agent-1, which is not reporting.
    for (const [cluster, realms] of [
      ["c1", ["realm-a", "realm-b"]],
      ["c2", ["realm-c"]],
    ] as const) {
      for (const [i, name] of realms.entries()) {
        await new RealmsRepo(t.db).create({
          name,
          agentId: "agent-1",
          interfaces: [
            {
              alias: "nsp0",
              protocol: "nsp",
              bindAddress: "127.0.0.1",
              port: 9000 + i * 10,
              autostart: true,
              allowInterRealm: true,
              allowClientConnections: true,
            },
          ],
        });
      }
      await new ClustersRepo(t.db).create({
        name: cluster,
        members: realms.map((realm, i) => ({
          realm,
          addresses: [`nsp://127.0.0.1:${9000 + i * 10}`],
          publicKey: PEM,
          identityFingerprintSha256: `fp-${realm}`,
        })),
        sites: [],
        primeSite: null,
      });
    }
  });
  afterAll(async () => {
    await t?.destroy();
  });

  let blockedId = "";

  it("starts a wizard (201 {id}); pre-flight blocks on silent agents and changes nothing", async () => {
    const res = await t.post("/wizards", { kind: "encrypt-inter-realm", cluster: "c1" });
    expect(res.status, res.text).toBe(201);
    expect(Object.keys(res.body)).toEqual(["id"]);
    blockedId = res.body.id;

    await expect
      .poll(async () => (await t.get(`/wizards/${blockedId}`)).body, { timeout: 10_000 })
      .toMatchObject({ state: "blocked" });
    const body = (await t.get(`/wizards/${blockedId}`, t.viewer)).body;
    expect(body).toMatchObject({
      kind: "encrypt-inter-realm",
      cluster: "c1",
      createdBy: "olga",
      options: { certificates: "issue", plaintext: "keep", clientInterface: true },
      report: null,
    });
    expect(body.steps.map((s: { name: string }) => s.name)).toEqual([
      "preflight",
      "stage",
      "probe",
      "cut-over:realm-a",
      "cut-over:realm-b",
      "lock-down",
      "report",
    ]);
    expect(body.steps.map((s: { status: string }) => s.status)).toEqual([
      "failed",
      "pending",
      "pending",
      "pending",
      "pending",
      "pending",
      "pending",
    ]);
    const findings = body.findings as {
      realm: string;
      check: string;
      severity: string;
      fix: string;
    }[];
    expect(findings.filter((f) => f.check === "membership").map((f) => f.realm)).toEqual(
      expect.arrayContaining(["realm-a", "realm-b"]),
    );
    expect(findings.some((f) => f.check === "quorum" && f.severity === "error")).toBe(true);
    expect(findings.every((f) => f.fix.length > 0)).toBe(true);
    // Nothing was changed: the realms keep their one plaintext interface.
    const a = await new RealmsRepo(t.db).find("realm-a");
    expect(a!.interfaces.map((d) => d.alias)).toEqual(["nsp0"]);

    const listed = (await t.get("/wizards", t.viewer)).body as { id: string }[];
    expect(listed.map((w) => w.id)).toContain(blockedId);
    const audit = (await t.get(`/audit?target=wizard:${blockedId}&limit=50`)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toEqual(
      expect.arrayContaining(["wizard.create", "wizard.step.start", "wizard.step.fail"]),
    );
  });

  it("answers 404 for no such wizard or cluster, and 404 for a report not written yet", async () => {
    expect((await t.get("/wizards/nope")).status).toBe(404);
    expect((await t.post("/wizards/nope/pause")).status).toBe(404);
    const missing = await t.post("/wizards", { kind: "encrypt-inter-realm", cluster: "zz" });
    expect(missing.status).toBe(404);
    const report = await t.get(`/wizards/${blockedId}/report`);
    expect(report.status).toBe(404);
    expect(report.body.error.message).toMatch(/no report yet/);
  });

  it("validates the body as the other routers do", async () => {
    const bad = await t.post("/wizards", {
      kind: "encrypt-inter-realm",
      cluster: "c1",
      options: { plaintext: "maybe" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_input");
    expect(bad.body.error.details.issues[0].path).toEqual(["body", "options", "plaintext"]);
    const stranger = await t.post("/wizards", {
      kind: "encrypt-inter-realm",
      cluster: "c1",
      options: { ports: { "realm-x": { interRealm: 9443 } } },
    });
    expect(stranger.status).toBe(422);
    expect(stranger.body.error.message).toMatch(/realm-x is not a member of cluster c1/);
    const rotate = await t.post("/wizards", {
      kind: "rotate-credentials",
      cluster: "c1",
      options: { certificates: { "realm-x": { keystoreId: "k", truststoreId: "t" } } },
    });
    expect(rotate.status).toBe(422);
    expect(rotate.body.error.message).toMatch(/realm-x is not a member of cluster c1/);
  });

  it("viewers read but cannot start or act", async () => {
    expect(
      (await t.post("/wizards", { kind: "encrypt-inter-realm", cluster: "c1" }, t.viewer)).status,
    ).toBe(403);
    expect((await t.post(`/wizards/${blockedId}/cancel`, {}, t.viewer)).status).toBe(403);
    expect((await request(t.app).get("/api/v1/wizards")).status).toBe(401);
  });

  it("refuses actions that do not fit the state (409); cancel ends a blocked wizard", async () => {
    const pause = await t.post(`/wizards/${blockedId}/pause`);
    expect(pause.status).toBe(409);
    expect(pause.body.error.message).toMatch(/blocked: only a running wizard can be paused/);
    expect((await t.post(`/wizards/${blockedId}/acknowledge`, {})).status).toBe(409);
    const cancelled = await t.post(`/wizards/${blockedId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe("cancelled");
    expect((await t.post(`/wizards/${blockedId}/resume`)).status).toBe(409);
  });

  it("answers 409 while the cluster has an active wizard", async () => {
    // A paused wizard (as if started earlier) holds cluster c2.
    await new WizardsRepo(t.db).create({
      id: "w-paused",
      kind: "encrypt-inter-realm",
      cluster: "c2",
      state: "paused",
      options: {},
      steps: [],
      snapshot: { order: ["realm-c"], master: null },
      createdBy: "olga",
    });
    const res = await t.post("/wizards", { kind: "encrypt-inter-realm", cluster: "c2" });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/already has an active wizard \(w-paused, paused\)/);
  });
});
