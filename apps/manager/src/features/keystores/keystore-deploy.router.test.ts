import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
  ApplyRealmRequest,
  ApplyRealmResponse,
  InterfaceDefinition,
} from "@conclave/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConclaveApp, createApp } from "../../app.js";
import { UnavailableError } from "../../http/errors.js";
import { AgentsRepo } from "../../store/agents.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { SecretBox } from "../../store/secrets.js";
import {
  createTestApp,
  signIn,
  TEST_CONFIG,
  TEST_MASTER_KEY,
  type TestApp,
} from "../../testing/test-app.js";
import type { AgentClient } from "../agents/agent-client.js";
import { Fleet } from "../agents/fleet.js";

const STORE_PASSWORD = "Deploy-Store-Pass-4e1c";
const TRUST_PASSWORD = "Deploy-Trust-Pass-9a0b";

const nsps = (alias: string, keystoreId: string, protocol = "nsps"): InterfaceDefinition => ({
  alias,
  protocol: protocol as "nsps",
  bindAddress: "127.0.0.1",
  port: 0,
  autostart: true,
  allowInterRealm: true,
  allowClientConnections: true,
  certificates: {
    keystoreId,
    enableClientCertValidation: false,
    protocols: ["TLSv1.2", "TLSv1.3"],
  },
});
const nsp = (alias: string): InterfaceDefinition => ({
  alias,
  protocol: "nsp",
  bindAddress: "127.0.0.1",
  port: 0,
  autostart: true,
  allowInterRealm: true,
  allowClientConnections: true,
});

describe("POST /keystores/{id}/deploy (agents stubbed in process)", () => {
  let t: TestApp;
  let app: ConclaveApp;
  let fleet: Fleet;
  let dir: string;
  let keystoreId = "";
  let keyAlias = "";
  let truststoreId = "";
  /** What each realm's agent was asked to apply. */
  const applied = new Map<string, ApplyRealmRequest>();

  beforeAll(async () => {
    t = await createTestApp();
    const secrets = new SecretBox(TEST_MASTER_KEY);
    fleet = new Fleet({ db: t.db, logger: t.logger, secretBox: secrets });
    app = createApp({ config: TEST_CONFIG, db: t.db, logger: t.logger, fleet, secrets });
    await t.addUser("oscar", "operator");
    await t.addUser("vera", "viewer");

    dir = await mkdtemp(join(tmpdir(), "conclave-deploy-"));
    const openssl = (...args: string[]) =>
      execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
    openssl(
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "leaf.key",
      "-out",
      "leaf.pem",
      "-subj",
      "/CN=realm.example",
      "-days",
      "30",
    );
    const operator = await signIn(app, "oscar");
    const pem = Buffer.concat([
      await readFile(join(dir, "leaf.key")),
      await readFile(join(dir, "leaf.pem")),
    ]);
    const upload = await operator.agent
      .post("/api/v1/keystores")
      .set("x-csrf-token", operator.csrfToken)
      .attach("file", pem, "server.pem")
      .field("password", STORE_PASSWORD);
    expect(upload.status).toBe(201);
    keystoreId = upload.body.id;
    keyAlias = upload.body.entries[0].alias;
    const trust = await operator.agent
      .post("/api/v1/keystores")
      .set("x-csrf-token", operator.csrfToken)
      .send({ name: "trust", password: TRUST_PASSWORD });
    expect(trust.status).toBe(201);
    truststoreId = trust.body.id;
    const imported = await operator.agent
      .post(`/api/v1/keystores/${truststoreId}/trusted-certificates`)
      .set("x-csrf-token", operator.csrfToken)
      .send({ alias: "peer-ca", pem: (await readFile(join(dir, "leaf.pem"))).toString() });
    expect(imported.status).toBe(201);

    const agents = new AgentsRepo(t.db);
    for (const id of ["agent-1", "agent-2"]) {
      await agents.create({
        id,
        hostname: id,
        addresses: ["127.0.0.1"],
        version: "1",
        certificatePem: "-",
        certificateSerial: id,
        certificateFingerprint: id,
        certificateNotAfter: new Date(Date.now() + 86_400_000),
      });
    }
    const realms = new RealmsRepo(t.db);
    await realms.create({
      name: "realm-a",
      agentId: "agent-1",
      interfaces: [nsps("nsps0", keystoreId), nsp("nsp0"), nsps("nhps0", keystoreId, "nhps")],
    });
    await realms.create({
      name: "realm-b",
      agentId: "agent-2",
      interfaces: [nsps("nsps0", keystoreId)],
    });
    await realms.create({ name: "realm-c", agentId: "agent-1", interfaces: [nsp("nsp0")] });
    await realms.create({
      name: "realm-d",
      agentId: "agent-2",
      interfaces: [nsps("s0", keystoreId)],
    });

    // The agents: agent-1 applies, agent-2 refuses realm-b's interface and is away for realm-d.
    fleet.clientFor = async (agent) =>
      ({
        async applyRealm(name: string, body: ApplyRealmRequest): Promise<ApplyRealmResponse> {
          if (name === "realm-d") throw new UnavailableError(`Agent ${agent.id} is not reachable`);
          applied.set(name, body);
          const failures =
            agent.id === "agent-2" ? [{ name: "nsps0", error: "cannot read key store" }] : [];
          return { created: false, interfaces: [], failures };
        },
      }) as unknown as AgentClient;
  });

  afterAll(async () => {
    await fleet.stop();
    await t.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it("pushes the key to every realm, re-points its nsps/nhps interfaces, answers per realm", async () => {
    const operator = await signIn(app, "oscar");
    const res = await operator.agent
      .post(`/api/v1/keystores/${keystoreId}/deploy`)
      .set("x-csrf-token", operator.csrfToken)
      .send({
        realms: ["realm-a", "realm-b", "realm-c", "realm-d", "nope"],
        keyAlias,
        truststoreId,
      });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { realm: "realm-a", interfaces: ["nsps0", "nhps0"], ok: true },
      {
        realm: "realm-b",
        interfaces: ["nsps0"],
        ok: false,
        error: "nsps0: cannot read key store",
      },
      {
        realm: "realm-c",
        interfaces: [],
        ok: false,
        error: expect.stringMatching(/no nsps\/nhps interface using keystore/),
      },
      {
        realm: "realm-d",
        interfaces: ["s0"],
        ok: false,
        error: expect.stringMatching(/not reachable/),
      },
      { realm: "nope", interfaces: [], ok: false, error: "No realm named nope" },
    ]);

    // realm-a's agent got the key and trust stores, and the interfaces point at them.
    const body = applied.get("realm-a") as {
      files: { name: string }[];
      config: { interfaces: { name: string; tls?: object }[] };
    };
    expect(body.files.map((f) => f.name).sort()).toEqual([
      "nhps0-keystore.p12",
      "nhps0-truststore.p12",
      "nsps0-keystore.p12",
      "nsps0-truststore.p12",
    ]);
    const tls = body.config.interfaces.find((i) => i.name === "nsps0")!.tls!;
    expect(tls).toMatchObject({
      keyStorePath: "keys/nsps0-keystore.p12",
      trustStorePath: "keys/nsps0-truststore.p12",
      keyStorePassword: STORE_PASSWORD,
      certificateAlias: keyAlias,
    });
    expect(body.config.interfaces.find((i) => i.name === "nsp0")!.tls).toBeUndefined();

    // Recorded as desired state only where the agent applied it.
    const realms = new RealmsRepo(t.db);
    const a = await realms.find("realm-a");
    expect(a!.interfaces.find((d) => d.alias === "nsps0")!.certificates).toMatchObject({
      keystoreId,
      keyAlias,
      truststoreId,
    });
    const b = await realms.find("realm-b");
    expect(b!.interfaces[0]!.certificates!.truststoreId).toBeUndefined();

    const audit = JSON.stringify(
      await t.db.query("SELECT * FROM audit_log WHERE action = 'keystore.deploy'"),
    );
    expect(audit).toContain(`keystore:${keystoreId}`);
    expect(audit).toContain("realm-b");
    for (const secret of [STORE_PASSWORD, TRUST_PASSWORD]) {
      expect(audit).not.toContain(secret);
      for (const line of t.logs) expect(line).not.toContain(secret);
    }
  });

  it("refuses viewers, unknown keystores and unknown aliases before touching a realm", async () => {
    applied.clear();
    const viewer = await signIn(app, "vera");
    const denied = await viewer.agent
      .post(`/api/v1/keystores/${keystoreId}/deploy`)
      .set("x-csrf-token", viewer.csrfToken)
      .send({ realms: ["realm-a"] });
    expect(denied.status).toBe(403);
    const operator = await signIn(app, "oscar");
    const deploy = (id: string, body: object) =>
      operator.agent
        .post(`/api/v1/keystores/${id}/deploy`)
        .set("x-csrf-token", operator.csrfToken)
        .send(body);
    expect((await deploy("ks-missing", { realms: ["realm-a"] })).status).toBe(404);
    expect((await deploy(keystoreId, { realms: ["realm-a"], keyAlias: "nobody" })).status).toBe(
      404,
    );
    expect((await deploy(keystoreId, { realms: [] })).status).toBe(400);
    expect(applied.size).toBe(0);
  });
});
