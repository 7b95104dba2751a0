import { createHash, X509Certificate } from "node:crypto";
import { createServer, get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateCsr } from "@conclave/pki";
import type { AgentReport, ManagerEvent } from "@conclave/protocol";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConclaveApp, createApp } from "../../app.js";
import { AgentsRepo } from "../../store/agents.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { SecretBox } from "../../store/secrets.js";
import {
  createTestApp,
  signIn,
  TEST_CONFIG,
  TEST_MASTER_KEY,
  TEST_PASSWORD,
  type TestApp,
} from "../../testing/test-app.js";
import { createAgentGatewayApp } from "./agent-gateway.js";
import { Fleet } from "./fleet.js";

const csrFor = (commonName: string) =>
  generateCsr({
    subject: { commonName },
    key: { type: "ec", curve: "P-256" },
    subjectAltNames: ["127.0.0.1"],
  });

function report(realms: AgentReport["realms"]): AgentReport {
  return {
    hostname: "host-1",
    addresses: ["127.0.0.1"],
    url: "https://127.0.0.1:1",
    version: "0.1.0",
    time: Date.now() + 250,
    lastRoundTripMs: 4,
    realms,
  };
}

const runningRealm = (name: string, port: number): AgentReport["realms"][number] => ({
  name,
  state: "running",
  pid: 4242,
  dataDir: `/var/lib/agent/realms/${name}`,
  startedAt: new Date().toISOString(),
  restarts: 0,
  lastExit: null,
  nextRestartAt: null,
  status: null,
  wanted: true,
  config: {
    name,
    interfaces: [
      {
        name: "nsp0",
        protocol: "nsp",
        adapterAlias: [],
        bindAddress: "127.0.0.1",
        port,
        autostart: true,
        allowForInterRealm: true,
        allowClientConnections: true,
        advertise: true,
        backlog: 100,
        acceptThreads: 2,
        authTime: 10_000,
      },
    ],
    limits: { maxFrameBytes: 1024 * 1024, maxQueuedBytesPerConnection: 16 * 1024 * 1024 },
  },
});

describe("agents, realms and interfaces routes (in process)", () => {
  let t: TestApp;
  let fleet: Fleet;
  let app: ConclaveApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let gateway: ReturnType<typeof createAgentGatewayApp>;
  const secrets: string[] = [TEST_PASSWORD];

  beforeAll(async () => {
    t = await createTestApp();
    fleet = new Fleet({ db: t.db, logger: t.logger, secretBox: new SecretBox(TEST_MASTER_KEY) });
    app = createApp({ config: TEST_CONFIG, db: t.db, logger: t.logger, fleet });
    gateway = createAgentGatewayApp(fleet);
    await t.addUser("root", "admin");
    await t.addUser("oscar", "operator");
    admin = await signIn(app, "root");
  });
  afterAll(async () => {
    await fleet.stop();
    await t.destroy();
  });

  const createToken = async (body: object = {}) => {
    const res = await admin.agent
      .post("/api/v1/agents/enrolment-tokens")
      .set("x-csrf-token", admin.csrfToken)
      .send(body);
    expect(res.status).toBe(201);
    secrets.push(res.body.token.split(".")[0]);
    return res.body as { id: string; token: string; command: string };
  };

  let agentId = "";

  it("enrols with a one-time token that pins the CA; the token works once", async () => {
    const { token, command } = await createToken();
    const [secret, pin] = token.split(".");
    expect(command).toContain(token);
    const { caPem } = (await request(gateway).get("/agent/v1/ca")).body;
    expect(createHash("sha256").update(new X509Certificate(caPem).raw).digest("hex")).toBe(pin);

    const { csrPem, privateKeyPem } = await csrFor("conclave-agent host-1");
    secrets.push(privateKeyPem);
    const enrol = (body: object) => request(gateway).post("/agent/v1/enrol").send(body);
    const body = {
      token: secret,
      csrPem,
      hostname: "host-1",
      addresses: ["127.0.0.1"],
      version: "1",
    };
    const first = await enrol(body);
    expect(first.status).toBe(201);
    agentId = first.body.agentId;
    const cert = new X509Certificate(first.body.certificatePem);
    expect(cert.verify(new X509Certificate(caPem).publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(JSON.stringify(first.body)).not.toContain("PRIVATE KEY");

    const again = await enrol(body);
    expect(again.status).toBe(401);
    expect(again.body.error.message).toMatch(/unknown, expired or already used/);
  });

  it("refuses expired tokens and CSRs that claim the manager's name", async () => {
    const expired = await createToken({ ttlSeconds: 60 });
    await t.db.query(
      "UPDATE agent_enrolment_tokens SET expires_at = now() - interval '1 second' WHERE id = $1",
      [expired.id],
    );
    const { csrPem } = await csrFor("conclave-agent host-2");
    const base = { csrPem, hostname: "host-2", addresses: ["127.0.0.1"], version: "1" };
    const late = await request(gateway)
      .post("/agent/v1/enrol")
      .send({ ...base, token: expired.token.split(".")[0] });
    expect(late.status).toBe(401);

    const fresh = await createToken();
    const impostor = await csrFor("conclave-manager");
    const res = await request(gateway)
      .post("/agent/v1/enrol")
      .send({ ...base, csrPem: impostor.csrPem, token: fresh.token.split(".")[0] });
    expect(res.status).toBe(400);
  });

  it("lists enrolment tokens with their state, never the secrets; operators revoke unused ones", async () => {
    const oscar = await signIn(app, "oscar");
    const extra = await createToken({ note: "rack 4" });
    const list = await oscar.agent.get("/api/v1/agents/enrolment-tokens");
    expect(list.status).toBe(200);
    const byId = new Map(
      (list.body as { id: string; state: string; note: string | null }[]).map((x) => [x.id, x]),
    );
    expect(byId.get(extra.id)).toMatchObject({
      state: "unused",
      note: "rack 4",
      createdBy: "root",
    });
    expect([...byId.values()].map((x) => x.state).sort()).toEqual([
      "expired",
      "unused",
      "unused",
      "used",
    ]);
    expect(list.body.find((x: { state: string }) => x.state === "used").agentId).toBe(agentId);
    for (const secret of secrets) expect(JSON.stringify(list.body)).not.toContain(secret);

    const revoke = (id: string) =>
      oscar.agent
        .delete(`/api/v1/agents/enrolment-tokens/${id}`)
        .set("x-csrf-token", oscar.csrfToken);
    expect((await revoke(extra.id)).status).toBe(204);
    expect((await revoke(extra.id)).status).toBe(404);
    const used = list.body.find((x: { state: string }) => x.state === "used");
    expect((await revoke(used.id)).status).toBe(409);
    const { csrPem } = await csrFor("conclave-agent host-9");
    const late = await request(gateway)
      .post("/agent/v1/enrol")
      .send({
        csrPem,
        hostname: "host-9",
        addresses: ["127.0.0.1"],
        version: "1",
        token: extra.token.split(".")[0],
      });
    expect(late.status).toBe(401);
    const after = (await oscar.agent.get("/api/v1/agents/enrolment-tokens")).body as {
      id: string;
    }[];
    expect(after.map((x) => x.id)).not.toContain(extra.id);
    const audit = JSON.stringify(await t.db.query("SELECT * FROM audit_log"));
    expect(audit).toContain("agent.enrolment_token.revoke");
  });

  it("accepts reports only with the agent's client certificate", async () => {
    const res = await request(gateway).post("/agent/v1/report").send(report([]));
    expect(res.status).toBe(401);
  });

  it("ingests reports: connection, realm state and interface events; clock skew; drift", async () => {
    const events: ManagerEvent[] = [];
    const off = fleet.bus.subscribe((e) => events.push(e));
    await new RealmsRepo(t.db).create({
      name: "realm-a",
      agentId,
      interfaces: [
        {
          alias: "nsp0",
          protocol: "nsp",
          bindAddress: "127.0.0.1",
          port: 9000,
          autostart: true,
          allowInterRealm: true,
          allowClientConnections: true,
        },
      ],
    });
    const agent = (await new AgentsRepo(t.db).findById(agentId))!;
    // The host has realm-a's nsp0 on another port, and a realm the manager never placed there.
    await fleet.ingestReport(
      agent,
      report([runningRealm("realm-a", 9001), runningRealm("stray", 9100)]),
      Date.now(),
    );
    off();
    expect(events.map((e) => e.type)).toEqual([
      "agent.connection",
      "agent.drift",
      "realm.state",
      "realm.state",
    ]);

    const agents = (await admin.agent.get("/api/v1/agents")).body;
    expect(agents[0]).toMatchObject({ id: agentId, connected: true, realms: ["realm-a"] });
    expect(Math.abs(agents[0].clockSkewMs - 252)).toBeLessThan(100);
    const realms = (await admin.agent.get("/api/v1/realms")).body;
    expect(realms).toEqual([
      expect.objectContaining({ name: "realm-a", host: "host-1", state: "running", pid: 4242 }),
    ]);
    const plan = (await admin.agent.get(`/api/v1/agents/${agentId}/sync`)).body;
    expect(plan.inSync).toBe(false);
    expect(plan.changes).toEqual([
      {
        realm: "realm-a",
        alias: "nsp0",
        action: "update",
        fields: { port: { desired: 9000, actual: 9001 } },
      },
      { realm: "stray", action: "delete" },
    ]);
    const summary = (await admin.agent.get("/api/v1/health/summary")).body;
    expect(summary).toMatchObject({ agents: { total: 1, connected: 1 }, realms: { total: 1 } });
  });

  it("answers 422 for a keystore that does not exist, before calling the agent", async () => {
    const res = await admin.agent
      .post("/api/v1/realms/realm-a/interfaces")
      .set("x-csrf-token", admin.csrfToken)
      .send({
        alias: "nsps0",
        protocol: "nsps",
        bindAddress: "127.0.0.1",
        port: 9443,
        autostart: true,
        allowInterRealm: true,
        allowClientConnections: false,
        certificates: {
          keystoreId: "ks-missing",
          enableClientCertValidation: false,
          protocols: ["TLSv1.3"],
        },
      });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/keystore not found: ks-missing/);
    const noCerts = await admin.agent
      .post("/api/v1/realms/realm-a/interfaces")
      .set("x-csrf-token", admin.csrfToken)
      .send({ alias: "nsps0", protocol: "nsps", bindAddress: "127.0.0.1", port: 9443 });
    expect(noCerts.status).toBe(400);
  });

  it("answers 503 with the reason when the agent cannot be reached", async () => {
    const res = await admin.agent
      .post("/api/v1/realms/realm-a/interfaces")
      .set("x-csrf-token", admin.csrfToken)
      .send({ alias: "nsp1", protocol: "nsp", bindAddress: "127.0.0.1", port: 9002 });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/not reachable/);
    // Nothing was recorded: the desired state changes only when the host took the change.
    const realm = await new RealmsRepo(t.db).find("realm-a");
    expect(realm?.interfaces.map((i) => i.alias)).toEqual(["nsp0"]);
  });

  it("streams events to signed-in users over SSE", async () => {
    const server: Server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const cookie = (
        await request(app)
          .post("/api/v1/session")
          .send({ username: "root", password: TEST_PASSWORD })
      ).headers["set-cookie"]![0]!.split(";")[0]!;
      const received = await new Promise<string>((resolve, reject) => {
        const req = get(
          { host: "127.0.0.1", port, path: "/api/v1/events", headers: { cookie } },
          (res) => {
            expect(res.headers["content-type"]).toMatch(/text\/event-stream/);
            let text = "";
            res.on("data", (chunk: Buffer) => {
              text += chunk.toString();
              if (text.includes("event: agent.connection")) {
                req.destroy();
                resolve(text);
              }
            });
            void fleet.bus.publish({ type: "agent.connection", agent: agentId, connected: false });
          },
        );
        req.on("error", reject);
      });
      expect(received).toMatch(/data: \{"type":"agent.connection"/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("removes an agent with its realms; audits without secrets", async () => {
    const oscar = await signIn(app, "oscar");
    expect(
      (await oscar.agent.delete(`/api/v1/agents/${agentId}`).set("x-csrf-token", oscar.csrfToken))
        .status,
    ).toBe(403);
    const res = await admin.agent
      .delete(`/api/v1/agents/${agentId}`)
      .set("x-csrf-token", admin.csrfToken);
    expect(res.status).toBe(204);
    expect((await admin.agent.get("/api/v1/realms")).body).toEqual([]);
    const audit = JSON.stringify(await t.db.query("SELECT * FROM audit_log"));
    expect(audit).toContain("agent.enrol");
    expect(audit).toContain("agent.remove");
    for (const secret of secrets) {
      expect(audit).not.toContain(secret);
      for (const line of t.logs) expect(line).not.toContain(secret);
    }
  });
});
