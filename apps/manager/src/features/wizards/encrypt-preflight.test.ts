import { createRootCa, generateCsr, type KeyStoreEntry, signCsr } from "@conclave/pki";
import {
  type ClientSessionInfo,
  type ClusterStatusView,
  type EncryptInterRealmOptions,
  EncryptInterRealmOptionsSchema,
} from "@conclave/protocol";
import { describe, expect, it } from "vitest";
import type { ClusterRecord } from "../../store/clusters.repo.js";
import { AgentCallError } from "../agents/agent-client.js";
import type { KeystoresService } from "../keystores/keystores.service.js";
import type { ClusterOperations, MemberView } from "./cluster-operations.js";
import { encryptPreflight } from "./encrypt-preflight.js";

/**
 * Pre-flight against a pretend cluster of three realms on one host (nsp0 on 9000, 9010,
 * 9020), built from what the agents would report: no store, no processes.
 */
const REALMS = ["realm-a", "realm-b", "realm-c"];

interface Tweaks {
  skewMs?: number;
  clientSessions?: number;
  margin?: number;
  master?: string | null;
  disconnected?: string;
  /** Another interface on the host (realm-c's nhp0 on this port). */
  extraPort?: number;
  /** Bind address of every nsp0 (127.0.0.1 by default). */
  bindAddress?: string;
  /** The sessions every nsp0 lists in its status (absent: an older realm that lists none). */
  sessions?: Partial<ClientSessionInfo>[];
  /** The agent's answer to a portFree probe (default: free); throw to fail the call. */
  portFree?: (port: number) => { free: boolean; error?: string };
}

const session = (remoteAddress: string, clientName: string | null): ClientSessionInfo => ({
  id: `s-${remoteAddress}`,
  remoteAddress,
  clientName,
  connectedAt: "2026-11-22T20:00:00.000Z",
  tls: false,
  tlsVersion: null,
});

function world(tweaks: Tweaks = {}) {
  const port = (realm: string) => 9000 + REALMS.indexOf(realm) * 10;
  const reportedRealms = REALMS.map((name) => ({
    name,
    state: "running",
    status: {
      interfaces: [
        {
          name: "nsp0",
          port: port(name),
          boundPort: port(name),
          clientSessions: tweaks.clientSessions ?? 0,
          sessions: tweaks.sessions,
        },
        ...(name === "realm-c" && tweaks.extraPort
          ? [
              {
                name: "nhp0",
                port: tweaks.extraPort,
                boundPort: tweaks.extraPort,
                clientSessions: 0,
              },
            ]
          : []),
      ],
    },
  }));
  const agent = {
    id: "agent-1",
    hostname: "host-1",
    connected: true,
    clockSkewMs: tweaks.skewMs ?? 3,
    lastReport: { realms: reportedRealms },
  };
  const master = tweaks.master === undefined ? "realm-b" : tweaks.master;
  const members: MemberView[] = REALMS.map((realm) => ({
    realm,
    record: {
      name: realm,
      agentId: "agent-1",
      interfaces: [
        {
          alias: "nsp0",
          protocol: "nsp",
          bindAddress: tweaks.bindAddress ?? "127.0.0.1",
          port: port(realm),
          autostart: true,
          allowInterRealm: true,
          allowClientConnections: true,
        },
      ],
      createdAt: new Date(),
      updatedAt: new Date(),
    },
    agent,
    reported: reportedRealms.find((r) => r.name === realm),
    cluster: { quorum: { hasQuorum: master !== null, margin: tweaks.margin ?? 1 } },
  })) as unknown as MemberView[];
  const status = {
    name: "demo",
    status: master ? "Active" : "NoQuorum",
    master,
    members: REALMS.map((realm) => ({
      realm,
      state: realm === tweaks.disconnected ? "disconnected" : "connected",
      role: realm === master ? "master" : "follower",
    })),
    links: [],
  } as unknown as ClusterStatusView;
  const cluster = {
    name: "demo",
    members: REALMS.map((realm) => ({
      realm,
      addresses: [`nsp://127.0.0.1:${port(realm)}`],
      publicKey: "-",
      identityFingerprintSha256: "-",
    })),
    sites: [],
    primeSite: null,
  } as unknown as ClusterRecord;
  const probes: { kind: string; host: string; port: number }[] = [];
  const agentApi = {
    probe: async (body: { kind: string; host: string; port: number }) => {
      probes.push(body);
      return tweaks.portFree ? tweaks.portFree(body.port) : { free: true };
    },
  };
  const fleet = { db: null, clientFor: async () => agentApi };
  const ops = { look: async () => ({ status, members }), fleet };
  return { ops: ops as unknown as ClusterOperations, cluster, probes };
}

const options = (input: Partial<EncryptInterRealmOptions> = {}): EncryptInterRealmOptions =>
  EncryptInterRealmOptionsSchema.parse(input);
const run = async (tweaks: Tweaks, input: Partial<EncryptInterRealmOptions> = {}) => {
  const { ops, cluster, probes } = world(tweaks);
  return { ...(await encryptPreflight(ops, {} as never, cluster, options(input))), probes };
};
const brief = (findings: { severity: string; realm: string | null; check: string }[]) =>
  findings.map((f) => [f.severity, f.realm, f.check]);

describe("encrypt-inter-realm pre-flight", () => {
  it("finds nothing on a healthy cluster and plans ports just above each nsp port", async () => {
    const { findings, plan } = await run({});
    expect(findings).toEqual([]);
    expect(plan["realm-a"]).toMatchObject({
      host: "127.0.0.1",
      bindAddress: "127.0.0.1",
      interRealmPort: 9001,
      clientPort: 9002,
      address: "nsps://127.0.0.1:9001",
      oldInterfaces: ["nsp0"],
    });
    expect(plan["realm-c"]).toMatchObject({ interRealmPort: 9021, clientPort: 9022 });
  });

  it("skips ports other interfaces on the host use, and refuses a chosen one that is taken", async () => {
    const auto = await run({ extraPort: 9021 });
    expect(auto.plan["realm-c"]).toMatchObject({ interRealmPort: 9022, clientPort: 9023 });
    const chosen = await run({}, { ports: { "realm-a": { interRealm: 9010 } } });
    expect(brief(chosen.findings)).toEqual([["error", "realm-a", "portInUse"]]);
    expect(chosen.findings[0]!.problem).toMatch(
      /Port 9010 .* already used by realm-b\/nsp0 on host-1/,
    );
  });

  it("asks each realm's agent whether its new ports are free, and blocks on one another program holds", async () => {
    const held = "EADDRINUSE: port 9011 on 0.0.0.0 is in use";
    const result = await run({
      bindAddress: "0.0.0.0",
      portFree: (port) => (port === 9011 ? { free: false, error: held } : { free: true }),
    });
    expect(result.probes).toEqual(
      [9001, 9002, 9011, 9012, 9021, 9022].map((port) => ({
        kind: "portFree",
        host: "0.0.0.0",
        port,
      })),
    );
    expect(brief(result.findings)).toEqual([["error", "realm-b", "portInUse"]]);
    expect(result.findings[0]!.problem).toContain("Port 9011 for realm-b's inter-realm nsps");
    expect(result.findings[0]!.problem).toContain(held);
    expect(result.findings[0]!.fix).toMatch(/another port in ports\.realm-b, or stop the program/);

    // A port another interface uses is refused from the reports alone: no probe for it.
    const chosen = await run({}, { ports: { "realm-a": { interRealm: 9010 } } });
    expect(chosen.probes.map((p) => p.port)).not.toContain(9010);
  });

  it("warns that it could not check ports when the agent predates probes (404)", async () => {
    const result = await run({
      portFree: () => {
        throw new AgentCallError(404, "NOT_FOUND", "No agent route POST /v1/probe");
      },
    });
    expect(brief(result.findings)).toEqual(REALMS.map((r) => ["warning", r, "portInUse"]));
    expect(result.findings[0]!.problem).toMatch(
      /Could not check whether ports 9001, 9002 are free on host-1: its agent is too old/,
    );
  });

  it("blocks on a disconnected member or no quorum; warns when quorum is at risk", async () => {
    expect(brief((await run({ disconnected: "realm-c" })).findings)).toEqual([
      ["error", "realm-c", "membership"],
    ]);
    expect(brief((await run({ master: null })).findings)).toContainEqual(["error", null, "quorum"]);
    expect(brief((await run({ margin: 0 })).findings)).toEqual([["warning", null, "quorum"]]);
  });

  it("checks clocks: over 2 s is an error, over 500 ms a warning", async () => {
    const far = await run({ skewMs: 3_000 });
    expect(brief(far.findings)).toEqual(REALMS.map((r) => ["error", r, "clockSkew"]));
    const near = await run({ skewMs: 800 });
    expect(brief(near.findings)).toEqual(REALMS.map((r) => ["warning", r, "clockSkew"]));
  });

  it("names the interfaces whose client sessions a removal would drop; keep drops none", async () => {
    const removed = await run({ clientSessions: 2 }, { plaintext: "remove" });
    expect(brief(removed.findings)).toEqual(REALMS.map((r) => ["warning", r, "plaintextClients"]));
    expect(removed.findings[0]!.problem).toMatch(/2 client sessions on realm-a\/nsp0/);
    expect(removed.findings[0]!.fix).toMatch(/nsps client interface/);
    expect((await run({ clientSessions: 2 }, { plaintext: "keep" })).findings).toEqual([]);
    // Already on loopback: binding it there changes nothing for its clients.
    expect((await run({ clientSessions: 2 }, { plaintext: "loopback" })).findings).toEqual([]);
  });

  it("names the clients a removal would drop, and how many more the realm did not list", async () => {
    const sessions = [session("10.0.0.7:51000", "orders-app"), session("10.0.0.8:52000", null)];
    const removed = await run({ clientSessions: 3, sessions }, { plaintext: "remove" });
    expect(removed.findings[0]!.problem).toContain(
      "3 client sessions on realm-a/nsp0 (nsp://127.0.0.1:9000) will be dropped when the lock down removes it: " +
        "orders-app from 10.0.0.7:51000 since 2026-11-22T20:00:00.000Z; " +
        "unnamed client from 10.0.0.8:52000 since 2026-11-22T20:00:00.000Z; +1 more",
    );
    // A long list is cut to ten names.
    const many = Array.from({ length: 12 }, (_, i) => session(`10.0.1.${i}:5000`, `c${i}`));
    const crowd = await run({ clientSessions: 150, sessions: many }, { plaintext: "remove" });
    expect(crowd.findings[0]!.problem).toMatch(/^150 client sessions .*c9 from .*; \+140 more$/);
  });

  it("with loopback, counts only the clients that do not connect from loopback", async () => {
    const sessions = [
      session("127.0.0.1:51000", "local-monitor"),
      session("10.0.0.7:51001", "orders-app"),
    ];
    const wide = { bindAddress: "0.0.0.0", clientSessions: 2, sessions };
    const result = await run(wide, { plaintext: "loopback" });
    expect(brief(result.findings)).toEqual(REALMS.map((r) => ["warning", r, "plaintextClients"]));
    expect(result.findings[0]!.problem).toMatch(
      /^1 client session on realm-a\/nsp0 .* binds it to loopback: orders-app from 10\.0\.0\.7:51001 since /,
    );
    expect(result.findings[0]!.problem).not.toContain("local-monitor");
    const local = [session("127.0.0.1:51000", "local-monitor")];
    const onlyLocal = { bindAddress: "0.0.0.0", clientSessions: 1, sessions: local };
    expect((await run(onlyLocal, { plaintext: "loopback" })).findings).toEqual([]);
    // A dual-stack bind moves to ::1, so an IPv4 loopback client is dropped; an IPv6 one stays.
    const dual = [session("::ffff:127.0.0.1:51000", "v4-local"), session("::1:51001", "v6-local")];
    const v6 = await run(
      { bindAddress: "::", clientSessions: 2, sessions: dual },
      { plaintext: "loopback" },
    );
    expect(v6.findings[0]!.problem).toMatch(/^1 client session .*: v4-local from /);
  });

  it("needs a keystore for every realm when certificates are given per realm", async () => {
    const { ops, cluster } = world();
    const result = await encryptPreflight(
      ops,
      undefined,
      cluster,
      options({ certificates: { "realm-a": { keystoreId: "k", truststoreId: "t" } } }),
    );
    expect(brief(result.findings)).toEqual([
      ["error", "realm-a", "keystore"],
      ["error", "realm-b", "keystore"],
      ["error", "realm-c", "keystore"],
    ]);
    expect(result.findings[1]!.problem).toBe("No keystore was given for realm-b");
  });

  it("accepts known cipher suites for the chosen protocols", async () => {
    const suites = { cipherSuites: ["TLS_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256"] };
    expect((await run({}, suites)).findings).toEqual([]);
    const onlyTls13 = { protocols: ["TLSv1.3" as const], cipherSuites: ["TLS_AES_128_GCM_SHA256"] };
    expect((await run({}, onlyTls13)).findings).toEqual([]);
  });

  it("blocks on every cipher suite name Node's TLS does not know, saying how to write it", async () => {
    const { findings } = await run(
      {},
      {
        cipherSuites: [
          "TLS_AES_128_GCM_SHA256",
          "ECDHE-ECDSA-AES128-GCM-SHA257",
          "ecdhe-ecdsa-aes128-gcm-sha256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        ],
      },
    );
    expect(brief(findings)).toEqual([
      ["error", null, "tlsPolicy"],
      ["error", null, "tlsPolicy"],
      ["error", null, "tlsPolicy"],
    ]);
    expect(findings.map((f) => f.problem)).toEqual([
      expect.stringMatching(
        /^Cipher suite ECDHE-ECDSA-AES128-GCM-SHA257 is not known to Node's TLS library \(OpenSSL /,
      ),
      expect.stringMatching(/^Cipher suite ecdhe-ecdsa-aes128-gcm-sha256 is not known/),
      expect.stringMatching(/^Cipher suite TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 is not known/),
    ]);
    expect(findings[0]!.fix).toMatch(/Use OpenSSL names such as/);
    expect(findings[1]!.fix).toMatch(/as OpenSSL spells it: ECDHE-ECDSA-AES128-GCM-SHA256/);
    expect(findings[2]!.fix).toMatch(/IANA name/);
    expect(new Set(findings.map((f) => f.id)).size).toBe(3);
  });

  it("blocks when the chosen protocols and suites leave no usable suite", async () => {
    const tls13Only = await run(
      {},
      { protocols: ["TLSv1.3"], cipherSuites: ["ECDHE-ECDSA-AES128-GCM-SHA256"] },
    );
    expect(brief(tls13Only.findings)).toEqual([["error", null, "tlsPolicy"]]);
    expect(tls13Only.findings[0]!.problem).toBe(
      "Protocols TLSv1.3 with Cipher suites ECDHE-ECDSA-AES128-GCM-SHA256 leave no usable suite: every handshake with the new interfaces would fail (ECDHE-ECDSA-AES128-GCM-SHA256 is a TLSv1.2 cipher and TLSv1.2 is not chosen)",
    );
    expect(tls13Only.findings[0]!.fix).toBe(
      'Add a TLSv1.3 suite such as TLS_AES_128_GCM_SHA256 to cipherSuites, or add "TLSv1.2" to protocols',
    );
    const tls12Only = await run(
      {},
      { protocols: ["TLSv1.2"], cipherSuites: ["TLS_AES_128_GCM_SHA256"] },
    );
    expect(tls12Only.findings[0]!.fix).toMatch(/^Add a TLSv1\.2 cipher such as ECDHE-ECDSA-/);
  });

  it("blocks on suites the dialling realms never offer or the issued EC keys cannot serve", async () => {
    const ccm = await run({}, { cipherSuites: ["TLS_AES_128_CCM_SHA256"] });
    expect(brief(ccm.findings)).toEqual([["error", null, "tlsPolicy"]]);
    expect(ccm.findings[0]!.problem).toMatch(
      /TLS_AES_128_CCM_SHA256 is not among the TLSv1\.3 suites realms offer when dialling/,
    );
    // The wizard issues EC P-256 certificates, which RSA ciphers cannot use.
    const rsa = await run(
      {},
      { protocols: ["TLSv1.2"], cipherSuites: ["ECDHE-RSA-AES128-GCM-SHA256"] },
    );
    expect(rsa.findings[0]!.problem).toMatch(
      /ECDHE-RSA-AES128-GCM-SHA256 needs an RSA key, and the certificate's is EC\)$/,
    );
    // One usable suite is enough: the others are simply never chosen.
    const mixed = await run(
      {},
      { cipherSuites: ["TLS_AES_128_CCM_SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"] },
    );
    expect(mixed.findings).toEqual([]);
  });

  it("checks the suites against each uploaded keystore's key", async () => {
    const ca = await createRootCa({ subject: { commonName: "Preflight CA" } });
    const { csrPem, privateKeyPem } = await generateCsr({
      key: { type: "rsa", size: 2048 },
      subject: { commonName: "127.0.0.1" },
      subjectAltNames: ["127.0.0.1"],
    });
    const signed = signCsr(ca, csrPem, { validityDays: 90, extendedKeyUsage: ["serverAuth"] });
    const entries: Record<string, KeyStoreEntry[]> = {
      "rsa-key": [{ kind: "private-key", alias: "server", privateKeyPem, chain: signed.chain }],
      trust: [{ kind: "trusted-certificate", alias: "ca", certificate: ca.certificate }],
    };
    const keystores = {
      open: async (id: string) => ({
        record: { name: id },
        store: { format: "pkcs12", entries: entries[id] },
      }),
    } as unknown as KeystoresService;
    const pair = { keystoreId: "rsa-key", truststoreId: "trust" };
    const certificates = Object.fromEntries(REALMS.map((r) => [r, pair]));
    const { ops, cluster } = world();
    const check = (cipherSuites: string[]) =>
      encryptPreflight(
        ops,
        keystores,
        cluster,
        options({ certificates, protocols: ["TLSv1.2"], cipherSuites }),
      );
    const ecdsaOnly = await check(["ECDHE-ECDSA-AES128-GCM-SHA256"]);
    expect(brief(ecdsaOnly.findings)).toEqual(REALMS.map((r) => ["error", r, "tlsPolicy"]));
    expect(ecdsaOnly.findings[0]!.problem).toMatch(
      /leave no usable suite for realm-a's certificate: .*needs an EC key, and the certificate's is RSA\)$/,
    );
    expect(ecdsaOnly.findings[0]!.fix).toMatch(/^Add a TLSv1\.2 cipher such as ECDHE-RSA-/);
    expect((await check(["ECDHE-RSA-AES128-GCM-SHA256"])).findings).toEqual([]);
  });
});
