import { X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpsServer, type Server } from "node:https";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createRootCa, generateCsr, type KeyStore, signCsr, writePkcs12 } from "@conclave/pki";
import { type InterfaceDefinition, InterfaceDefinitionSchema } from "@conclave/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logging/logger.js";
import { AgentsRepo } from "../../store/agents.repo.js";
import { ClustersRepo } from "../../store/clusters.repo.js";
import type { Db } from "../../store/db.js";
import { migrate } from "../../store/migrate.js";
import { openPgliteDb } from "../../store/pglite-db.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { SecretBox } from "../../store/secrets.js";
import {
  AGENT_MAIN,
  killLaunched,
  launch,
  type Proc,
  stopProc,
  until,
} from "../../testing/boot-demo.js";
import { freshPgliteDir } from "../../testing/pglite-template.js";
import { TEST_MASTER_KEY } from "../../testing/test-app.js";
import { AgentClient } from "../agents/agent-client.js";
import { Fleet } from "../agents/fleet.js";
import { issueEnrolmentToken } from "../agents/issue-enrolment-token.js";
import { type StartedFleet, startFleet } from "../agents/start-fleet.js";
import type { KeyMaterialSource } from "../interfaces/key-material-source.js";
import { ClusterOperations } from "./cluster-operations.js";
import {
  describePeerHello,
  describePeerTls,
  probeHelloFromPeers,
  probeTlsFromPeers,
} from "./peer-probes.js";

/**
 * Wizard probes from the peers' hosts with real processes: an in-process fleet (the manager's
 * agent gateway and store), two enrolled agent processes, and realm-a running under the first
 * with a plaintext interface closed to inter-realm hellos and an nsps interface. realm-b lives
 * on realm-a's host, realm-c on the second agent's, so a probe of realm-a runs twice.
 */
const KEYSTORE_PASSWORD = "peer-probes-Kx7!pass";
const HOST = "127.0.0.1";

describe("probes from the peers' agents", () => {
  let root: string;
  let pglite: string;
  let db: Db;
  let started: StartedFleet;
  let ops: ClusterOperations;
  const agents: Proc[] = [];
  const agentIds: string[] = [];
  let ca: Awaited<ReturnType<typeof createRootCa>>;
  let servedSha256 = "";
  let nspPort = 0;
  let nspsPort = 0;
  const secretBox = new SecretBox(TEST_MASTER_KEY);
  const logger = createLogger({ level: "error", write: () => {} });

  /** The same store and CA, but every agent call goes to `url` (an old or absent agent). */
  const opsCalling = (url: string) =>
    new ClusterOperations(
      new (class extends Fleet {
        override async clientFor() {
          return new AgentClient(url, {
            client: await this.pki.managerClient(),
            caPem: await this.pki.caPem(),
          });
        }
      })({ db, logger, secretBox }),
    );

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "conclave-peer-probes-"));
    pglite = await freshPgliteDir();
    db = await openPgliteDb(pglite);
    await migrate(db);
    started = await startFleet({
      config: {
        agentGateway: { host: HOST, port: 0, url: undefined },
        databaseUrl: undefined,
        enrolmentTokenFile: undefined,
      },
      db,
      logger,
      secretBox,
    });

    ca = await createRootCa({ subject: { commonName: "Peer Probes CA" } });
    const { csrPem, privateKeyPem } = await generateCsr({
      key: { type: "ec", curve: "P-256" },
      subject: { commonName: "realm-a" },
      subjectAltNames: [HOST],
    });
    const signed = signCsr(ca, csrPem, { validityDays: 30 });
    servedSha256 = new X509Certificate(signed.chain[0]!.pem).fingerprint256;
    const store: KeyStore = {
      format: "pkcs12",
      entries: [{ kind: "private-key", alias: "server", privateKeyPem, chain: signed.chain }],
    };
    const p12 = await writePkcs12(store, { password: KEYSTORE_PASSWORD });
    const keyMaterial: KeyMaterialSource = {
      materialFor: async (keystoreId) =>
        keystoreId === "realm-a-keystore"
          ? { keyStore: { data: p12, format: "pkcs12", password: KEYSTORE_PASSWORD } }
          : null,
    };
    started.fleet.keyMaterial = keyMaterial;
    ops = new ClusterOperations(started.fleet);

    for (const name of ["agent-1", "agent-2"]) {
      const { token } = await issueEnrolmentToken(started.fleet, { ttlSeconds: 600, actor: null });
      const state = join(root, name);
      const args = ["--manager", started.gatewayUrl, "--token", token, "--listen", `${HOST}:0`];
      const agent = launch([AGENT_MAIN, "--state", state, ...args]);
      agents.push(agent);
      agentIds.push((await agent.line("listening", 30_000)).agentId as string);
    }
    const repo = new AgentsRepo(db);
    const [first] = await Promise.all(
      agentIds.map((id) =>
        until(`agent ${id} reporting`, async () => {
          const record = await repo.findById(id);
          return record?.connected && record.url ? record : undefined;
        }),
      ),
    );

    // Parsed, so the schema's defaults fill in whatever a definition has gained since.
    const interfaces: InterfaceDefinition[] = [
      { alias: "nsp0", protocol: "nsp", bindAddress: HOST, port: 0, allowInterRealm: false },
      {
        alias: "nsps0",
        protocol: "nsps",
        bindAddress: HOST,
        port: 0,
        certificates: { keystoreId: "realm-a-keystore" },
      },
    ].map((d) => InterfaceDefinitionSchema.parse(d));
    const realms = new RealmsRepo(db);
    await realms.create({ name: "realm-a", agentId: agentIds[0]!, interfaces });
    await realms.create({ name: "realm-b", agentId: agentIds[0]!, interfaces: [] });
    await realms.create({ name: "realm-c", agentId: agentIds[1]!, interfaces: [] });
    const applied = await started.fleet.applyRealm(first!, "realm-a", interfaces);
    expect(applied.failures).toEqual([]);
    const client = await started.fleet.clientFor(first!);
    const bound = await until("realm-a listening on both interfaces", async () => {
      const live = (await client.realmStatus("realm-a")).status?.interfaces ?? [];
      const port = (name: string) => live.find((i) => i.name === name)?.boundPort ?? 0;
      return port("nsp0") && port("nsps0") ? { nsp: port("nsp0"), nsps: port("nsps0") } : false;
    });
    nspPort = bound.nsp;
    nspsPort = bound.nsps;

    const member = (realm: string) => ({
      realm,
      addresses: [`nsp://${HOST}:${nspPort}`],
      publicKey: "",
      identityFingerprintSha256: "",
    });
    const clusters = new ClustersRepo(db);
    const none = { sites: [], primeSite: null };
    await clusters.create({
      name: "trio",
      members: ["realm-a", "realm-b", "realm-c"].map(member),
      ...none,
    });
    await clusters.create({ name: "solo", members: [member("realm-a")], ...none });
    await clusters.create({ name: "pair", members: ["realm-a", "realm-b"].map(member), ...none });
  }, 60_000);

  afterAll(async () => {
    // The agents first: they stop their realms.
    for (const agent of agents) await stopProc(agent);
    killLaunched();
    await started?.stop();
    await db?.close();
    if (root) await rm(root, { recursive: true, force: true });
    if (pglite) await rm(dirname(pglite), { recursive: true, force: true });
  }, 30_000);

  it("handshakes with realm-a's nsps interface once per peer host, reporting TLSv1.3 and the served certificate, verified with the right CA", async () => {
    const results = await probeTlsFromPeers(ops, {
      cluster: "trio",
      target: "realm-a",
      host: HOST,
      port: nspsPort,
      caPems: [ca.certificate.pem],
    });
    // realm-b shares realm-a's host; realm-c has its own: two probes, none from realm-a itself.
    expect(results.map((r) => [r.from, r.agentId, r.via, r.error])).toEqual([
      [["realm-b"], agentIds[0], "agent", null],
      [["realm-c"], agentIds[1], "agent", null],
    ]);
    for (const result of results) {
      expect(result).toMatchObject({
        ok: true,
        protocol: "TLSv1.3",
        certificateSha256: servedSha256,
        verified: true,
        verifyError: null,
      });
      expect(result.cipher).toMatch(/^TLS_/);
    }
    expect(describePeerTls(results[1]!)).toMatch(
      new RegExp(`^from realm-c's host \\(.+\\): TLSv1\\.3, TLS_\\w+, ${servedSha256} verified$`),
    );
  });

  it("says why the certificate is not verified when the peers are given another CA", async () => {
    const other = await createRootCa({ subject: { commonName: "Someone else's CA" } });
    const results = await probeTlsFromPeers(ops, {
      cluster: "trio",
      target: "realm-a",
      host: HOST,
      port: nspsPort,
      caPems: [other.certificate.pem],
    });
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result).toMatchObject({
        ok: false,
        protocol: "TLSv1.3",
        certificateSha256: servedSha256,
        verified: false,
        error: null,
      });
      expect(result.verifyError).toMatch(/does not chain to the given CA/);
    }
  });

  it("a cluster of one probes from the target's own host", async () => {
    const results = await probeTlsFromPeers(ops, {
      cluster: "solo",
      target: "realm-a",
      host: HOST,
      port: nspsPort,
      caPems: [ca.certificate.pem],
    });
    expect(results.map((r) => [r.from, r.agentId, r.via, r.verified])).toEqual([
      [["realm-a"], agentIds[0], "agent", true],
    ]);
  });

  it("a plaintext inter-realm hello to an interface with Allow for InterRealm off is refused with the realm's code", async () => {
    const results = await probeHelloFromPeers(ops, {
      cluster: "trio",
      target: "realm-a",
      host: HOST,
      port: nspPort,
    });
    expect(results.map((r) => [r.from, r.via, r.refused, r.error])).toEqual([
      [["realm-b"], "agent", true, null],
      [["realm-c"], "agent", true, null],
    ]);
    for (const result of results) expect(result.detail).toMatch(/^INTER_REALM_NOT_ALLOWED: /);
    expect(describePeerHello(results[0]!)).toMatch(
      /^from realm-b's host \(.+\): refused \(INTER_REALM_NOT_ALLOWED: /,
    );
    // The nsps port speaks TLS, so a plaintext hello there is closed, not welcomed.
    const onTls = await probeHelloFromPeers(ops, {
      cluster: "pair",
      target: "realm-a",
      host: HOST,
      port: nspsPort,
    });
    expect(onTls.map((r) => [r.from, r.refused])).toEqual([[["realm-b"], true]]);
  });

  it("a hello left unanswered is not taken for a refusal", async () => {
    const held: Socket[] = [];
    const silent = createNetServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, HOST, resolve));
    try {
      const results = await probeHelloFromPeers(ops, {
        cluster: "pair",
        target: "realm-a",
        host: HOST,
        port: (silent.address() as AddressInfo).port,
      });
      expect(results.map((r) => [r.from, r.via, r.refused, r.error])).toEqual([
        [["realm-b"], "agent", false, null],
      ]);
      expect(results[0]!.detail).toMatch(/^TIMEOUT: /);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("an agent older than the probes (404) is stood in for by the manager, and the result says so", async () => {
    const calls: string[] = [];
    const credential = await started.fleet.pki.gatewayCredential();
    const oldAgent: Server = createHttpsServer(
      { cert: credential.certPem, key: credential.keyPem },
      (req, res) => {
        calls.push(`${req.method} ${req.url}`);
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "NOT_FOUND", message: "No route" } }));
      },
    );
    await new Promise<void>((resolve) => oldAgent.listen(0, HOST, resolve));
    try {
      const old = opsCalling(`https://${HOST}:${(oldAgent.address() as AddressInfo).port}`);
      const tls = await probeTlsFromPeers(old, {
        cluster: "pair",
        target: "realm-a",
        host: HOST,
        port: nspsPort,
        caPems: [ca.certificate.pem],
      });
      expect(tls).toEqual([
        expect.objectContaining({
          from: ["realm-b"],
          via: "manager",
          error: null,
          ok: true,
          protocol: "TLSv1.3",
          certificateSha256: servedSha256,
          verified: true,
        }),
      ]);
      expect(describePeerTls(tls[0]!)).toMatch(/probed from the manager: its agent cannot probe/);
      const hello = await probeHelloFromPeers(old, {
        cluster: "pair",
        target: "realm-a",
        host: HOST,
        port: nspPort,
      });
      expect(hello).toEqual([
        expect.objectContaining({ from: ["realm-b"], via: "manager", refused: true }),
      ]);
      expect(hello[0]!.detail).toMatch(/^INTER_REALM_NOT_ALLOWED: /);
      // The agent was asked first, each time.
      expect(calls).toEqual(["POST /v1/probe", "POST /v1/probe"]);
    } finally {
      oldAgent.closeAllConnections();
      await new Promise((resolve) => oldAgent.close(resolve));
    }
  });

  it("an agent that cannot be reached gives a result naming its host and why, not a throw, and no verdict", async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, HOST, resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const gone = opsCalling(`https://${HOST}:${port}`);
    const [tls] = await probeTlsFromPeers(gone, {
      cluster: "pair",
      target: "realm-a",
      host: HOST,
      port: nspsPort,
      caPems: [ca.certificate.pem],
    });
    expect(tls).toMatchObject({ from: ["realm-b"], via: "agent", ok: false, verified: false });
    expect(tls!.error).toMatch(/could not probe: .*unreachable/);
    expect(describePeerTls(tls!)).toMatch(/^from realm-b's host \(.+\): not probed \(/);
    const [hello] = await probeHelloFromPeers(gone, {
      cluster: "pair",
      target: "realm-a",
      host: HOST,
      port: nspPort,
    });
    // Not refused: a lock down must not take an unasked host for proof.
    expect(hello).toMatchObject({ refused: false });
    expect(hello!.error).toMatch(/unreachable/);
  });

  it("refuses a target that is not a member of the cluster", async () => {
    await expect(
      probeTlsFromPeers(ops, {
        cluster: "pair",
        target: "realm-c",
        host: HOST,
        port: nspsPort,
        caPems: [],
      }),
    ).rejects.toThrow(/realm-c is not a member of cluster pair/);
  });
});
