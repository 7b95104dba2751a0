import {
  type ClusterStatusView,
  type EncryptInterRealmOptions,
  EncryptInterRealmOptionsSchema,
} from "@conclave/protocol";
import { describe, expect, it } from "vitest";
import type { ClusterRecord } from "../../store/clusters.repo.js";
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
}

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
          bindAddress: "127.0.0.1",
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
  const ops = { look: async () => ({ status, members }), fleet: { db: null } };
  return { ops: ops as unknown as ClusterOperations, cluster };
}

const options = (input: Partial<EncryptInterRealmOptions> = {}): EncryptInterRealmOptions =>
  EncryptInterRealmOptionsSchema.parse(input);
const run = (tweaks: Tweaks, input: Partial<EncryptInterRealmOptions> = {}) => {
  const { ops, cluster } = world(tweaks);
  return encryptPreflight(ops, {} as never, cluster, options(input));
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
});
