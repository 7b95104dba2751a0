import {
  type CertificateAuthority,
  createRootCa,
  generateCsr,
  type KeyStoreEntry,
  signCsr,
} from "@conclave/pki";
import {
  type ClusterStatusView,
  type InterfaceDefinition,
  type RotateCredentialsOptions,
  RotateCredentialsOptionsSchema,
} from "@conclave/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import type { ClusterRecord } from "../../store/clusters.repo.js";
import type { KeystoresService } from "../keystores/keystores.service.js";
import type { ClusterOperations, MemberView } from "./cluster-operations.js";
import { credentialAliases, respell, withCredentials } from "./rotate-plan.js";
import { rotatePreflight } from "./rotate-preflight.js";

/**
 * The rotation's pre-flight against a pretend cluster of three realms on one host whose links
 * already use TLS (nsps-interrealm on 9001, 9011, 9021, issued by an "old" CA), built from
 * what the agents would report, with keystores held in memory: no store, no processes.
 */
const REALMS = ["realm-a", "realm-b", "realm-c"];
const port = (realm: string) => 9001 + REALMS.indexOf(realm) * 10;

let oldCa: CertificateAuthority;
let newCa: CertificateAuthority;

async function keyEntry(
  ca: CertificateAuthority,
  sans: string[],
): Promise<Extract<KeyStoreEntry, { kind: "private-key" }>> {
  const { csrPem, privateKeyPem } = await generateCsr({
    key: { type: "ec", curve: "P-256" },
    subject: { commonName: sans[0]! },
    subjectAltNames: sans,
  });
  const signed = signCsr(ca, csrPem, { validityDays: 90, extendedKeyUsage: ["serverAuth"] });
  return { kind: "private-key", alias: "server", privateKeyPem, chain: signed.chain };
}

/** Keystores by id, as KeystoresService.open answers them. */
type Stores = Record<string, KeyStoreEntry[]>;

interface Tweaks {
  plaintext?: boolean;
  caIdInUse?: boolean;
  /** The CA the manager holds (what CasRepo answers); the new CA by default. */
  heldCa?: CertificateAuthority;
  /** Keystore passwords by id; the others have a strong one. */
  passwords?: Record<string, string>;
}

const STRONG_PASSWORD = "Rotate-Preflight-Pass-9c2e";

function world(stores: Stores, tweaks: Tweaks = {}) {
  const servedSha = (realm: string) => {
    const entry = stores[`old-${realm}`]![0] as Extract<KeyStoreEntry, { kind: "private-key" }>;
    return entry.chain[0]!.fingerprintSha256;
  };
  const definitions = (realm: string): InterfaceDefinition[] => {
    const tls = (alias: string, p: number, keystoreId: string, interRealm: boolean) => ({
      alias,
      protocol: "nsps" as const,
      bindAddress: "127.0.0.1",
      port: p,
      autostart: true,
      allowInterRealm: interRealm,
      allowClientConnections: !interRealm,
      certificates: {
        keystoreId,
        truststoreId: "old-trust",
        enableClientCertValidation: false,
        protocols: ["TLSv1.2" as const, "TLSv1.3" as const],
      },
    });
    return [
      {
        alias: "nsp0",
        protocol: "nsp",
        bindAddress: "127.0.0.1",
        port: port(realm) - 1,
        autostart: true,
        allowInterRealm: false,
        allowClientConnections: true,
      },
      tls("nsps-interrealm", port(realm), `old-${realm}`, true),
      tls("nsps-clients", port(realm) + 1, `old-${realm}`, false),
      ...(realm === "realm-c" ? [tls("nsps-public", 9443, "public", false)] : []),
    ];
  };
  const reportedRealms = REALMS.map((name) => ({
    name,
    state: "running",
    status: {
      interfaces: definitions(name).map((d) => ({
        name: d.alias,
        port: d.port,
        boundPort: d.port,
        state: "Running",
        certificate: d.certificates
          ? {
              subject: `CN=${name}`,
              issuer: "CN=Old CA",
              notAfter: "2027-01-01T00:00:00.000Z",
              fingerprintSha256: servedSha(name),
              subjectAltNames: ["IP:127.0.0.1"],
            }
          : null,
      })),
    },
  }));
  const agent = {
    id: "agent-1",
    hostname: "host-1",
    connected: true,
    clockSkewMs: 3,
    lastReport: { realms: reportedRealms },
  };
  const members = REALMS.map((realm) => ({
    realm,
    record: { name: realm, agentId: "agent-1", interfaces: definitions(realm) },
    agent,
    reported: reportedRealms.find((r) => r.name === realm),
    cluster: { quorum: { hasQuorum: true, margin: 1 } },
  })) as unknown as MemberView[];
  const status = {
    name: "demo",
    status: "Active",
    master: "realm-b",
    members: REALMS.map((realm) => ({ realm, state: "connected" })),
    links: [
      ["realm-a", "realm-b"],
      ["realm-a", "realm-c"],
      ["realm-b", "realm-c"],
    ].map(([from, to]) => ({
      from,
      to,
      protocol: tweaks.plaintext ? "nsp" : "nsps",
      encrypted: !tweaks.plaintext,
    })),
  } as unknown as ClusterStatusView;
  const cluster = {
    name: "demo",
    members: REALMS.map((realm) => ({
      realm,
      addresses: [
        tweaks.plaintext ? `nsp://127.0.0.1:${port(realm) - 1}` : `nsps://127.0.0.1:${port(realm)}`,
      ],
      publicKey: "-",
      identityFingerprintSha256: "-",
    })),
    sites: [],
    primeSite: null,
  } as unknown as ClusterRecord;
  // CasRepo.findById: the CA named by caId.
  const ca = tweaks.heldCa ?? (tweaks.caIdInUse ? oldCa : newCa);
  const db = {
    query: async () => [
      {
        id: "ca-1",
        name: "Chosen CA",
        sha256: ca.certificate.fingerprintSha256,
        notAfter: ca.certificate.notAfter,
      },
    ],
  };
  const ops = { look: async () => ({ status, members }), fleet: { db } };
  const keystores = {
    open: async (id: string) => {
      const entries = stores[id];
      if (!entries) throw new Error(`No keystore with id ${id}`);
      const password = tweaks.passwords?.[id] ?? STRONG_PASSWORD;
      return { record: { name: id }, store: { format: "pkcs12", entries }, password };
    },
  };
  return {
    ops: ops as unknown as ClusterOperations,
    keystores: keystores as unknown as KeystoresService,
    cluster,
  };
}

const options = (input: Partial<RotateCredentialsOptions> = {}) =>
  RotateCredentialsOptionsSchema.parse(input);
const brief = (findings: { severity: string; realm: string | null; check: string }[]) =>
  findings.map((f) => [f.severity, f.realm, f.check]);

describe("rotate-credentials pre-flight", () => {
  const stores: Stores = {};

  beforeAll(async () => {
    oldCa = await createRootCa({ subject: { commonName: "Old CA" } });
    newCa = await createRootCa({ subject: { commonName: "New CA" } });
    for (const realm of REALMS) {
      stores[`old-${realm}`] = [await keyEntry(oldCa, ["127.0.0.1"])];
      stores[`new-${realm}`] = [await keyEntry(newCa, ["127.0.0.1"])];
    }
    stores["new-localhost"] = [await keyEntry(newCa, ["localhost"])];
    stores.public = [await keyEntry(newCa, ["public.example"])];
    const own = await createRootCa({ subject: { commonName: "127.0.0.1" } });
    stores["new-self-signed"] = [
      {
        kind: "private-key",
        alias: "server",
        privateKeyPem: own.privateKeyPem,
        chain: [own.certificate],
      },
    ];
    stores["trust-self-signed"] = [
      { kind: "trusted-certificate", alias: "self", certificate: own.certificate },
    ];
    stores["old-trust"] = [
      { kind: "trusted-certificate", alias: "ca", certificate: oldCa.certificate },
    ];
    stores["new-trust"] = [
      { kind: "trusted-certificate", alias: "ca", certificate: newCa.certificate },
    ];
    stores["both-trust"] = [...stores["old-trust"]!, { ...stores["new-trust"]![0]!, alias: "new" }];
  });

  it("plans each realm's interfaces that share the keystore peers see, and finds nothing wrong", async () => {
    const { ops, keystores, cluster } = world(stores);
    const { findings, plan, served } = await rotatePreflight(ops, keystores, cluster, options());
    expect(findings).toEqual([]);
    expect(plan["realm-a"]).toMatchObject({
      host: "127.0.0.1",
      address: "nsps://127.0.0.1:9001",
      rotatedAddress: "nsps://127.0.0.1:9001/",
      aliases: ["nsps-interrealm", "nsps-clients"],
      oldKeystoreId: "old-realm-a",
      oldCaSha256: [oldCa.certificate.fingerprintSha256],
    });
    // An nsps interface with a keystore of its own is not cluster credentials.
    expect(plan["realm-c"]!.aliases).toEqual(["nsps-interrealm", "nsps-clients"]);
    expect(served["realm-b"]).toMatch(/issued by CN=Old CA/);
    expect(served["realm-b"]).not.toMatch(/demo credentials/);
  });

  it("notes demo credentials in use as evidence, not as a finding: the rotation is their fix", async () => {
    const { ops, keystores, cluster } = world(stores, {
      passwords: { "old-realm-a": "nirvana", "old-trust": "changeit" },
    });
    const { findings, served } = await rotatePreflight(ops, keystores, cluster, options());
    expect(findings).toEqual([]);
    expect(served["realm-a"]).toMatch(
      /issued by CN=Old CA.*; demo credentials: a well-known keystore password \(the rotation moves realm-a off them\)/,
    );
    // The shared truststore's password counts against every realm that trusts through it.
    expect(served["realm-b"]).toMatch(/demo credentials: a well-known keystore password/);
    expect(JSON.stringify(served)).not.toMatch(/nirvana|changeit/);
  });

  it("does not call certificates from the manager's own CA samples, whatever the cluster is called", async () => {
    const demoCa = await createRootCa({ subject: { commonName: "demo inter-realm CA" } });
    const issuedByDemo: Stores = {
      ...stores,
      "old-realm-a": [await keyEntry(demoCa, ["127.0.0.1"])],
    };
    const elsewhere = world(issuedByDemo, {});
    const foreign = await rotatePreflight(
      elsewhere.ops,
      elsewhere.keystores,
      elsewhere.cluster,
      options(),
    );
    expect(foreign.served["realm-a"]).toMatch(/demo credentials: a sample certificate/);
    const held = world(issuedByDemo, { heldCa: demoCa });
    const own = await rotatePreflight(held.ops, held.keystores, held.cluster, options());
    expect(own.served["realm-a"]).not.toMatch(/demo credentials/);
  });

  it("refuses new credentials that are default or demo ones themselves", async () => {
    const { ops, keystores, cluster } = world(stores, {
      passwords: { "new-realm-b": "changeit" },
    });
    const { findings } = await rotatePreflight(
      ops,
      keystores,
      cluster,
      options({
        certificates: {
          "realm-a": { keystoreId: "new-self-signed", truststoreId: "trust-self-signed" },
          "realm-b": { keystoreId: "new-realm-b", truststoreId: "new-trust" },
          "realm-c": { keystoreId: "new-realm-c", truststoreId: "new-trust" },
        },
      }),
    );
    expect(brief(findings)).toEqual(
      expect.arrayContaining([["error", "realm-a", "defaultCredentials"]]),
    );
    const problem = (realm: string) =>
      findings.find((f) => f.realm === realm && f.check === "defaultCredentials")?.problem;
    expect(problem("realm-a")).toMatch(/new-self-signed.*a self-signed certificate/);
    // A CA-issued leaf under a well-known password: the password alone refuses it.
    expect(brief(findings.filter((f) => f.realm === "realm-b"))).toEqual([
      ["error", "realm-b", "defaultCredentials"],
    ]);
    expect(problem("realm-b")).toMatch(/a well-known keystore password/);
    expect(problem("realm-b")).not.toMatch(/changeit/);
    expect(findings.filter((f) => f.realm === "realm-c")).toEqual([]);
  });

  it("only warns about new credentials whose names look like a sample: they may be the operator's own", async () => {
    const demoCorp = await createRootCa({ subject: { commonName: "Demo Corp Issuing CA" } });
    const named: Stores = {
      ...stores,
      "new-demo-corp": [await keyEntry(demoCorp, ["127.0.0.1"])],
      "demo-corp-trust": [
        { kind: "trusted-certificate", alias: "ca", certificate: demoCorp.certificate },
      ],
    };
    const { ops, keystores, cluster } = world(named, {});
    const { findings } = await rotatePreflight(
      ops,
      keystores,
      cluster,
      options({
        certificates: {
          "realm-a": { keystoreId: "new-demo-corp", truststoreId: "demo-corp-trust" },
          "realm-b": { keystoreId: "new-realm-b", truststoreId: "new-trust" },
          "realm-c": { keystoreId: "new-realm-c", truststoreId: "new-trust" },
        },
      }),
    );
    expect(
      brief(findings.filter((f) => f.realm === "realm-a" && f.check === "defaultCredentials")),
    ).toEqual([["warning", "realm-a", "defaultCredentials"]]);
  });

  it("refuses a cluster whose links are still plaintext, pointing at the encryption switch", async () => {
    const { ops, keystores, cluster } = world(stores, { plaintext: true });
    const { findings, plan } = await rotatePreflight(ops, keystores, cluster, options());
    expect(brief(findings)).toEqual([
      ["error", null, "tlsPolicy"],
      ["error", "realm-a", "tlsPolicy"],
      ["error", "realm-b", "tlsPolicy"],
      ["error", "realm-c", "tlsPolicy"],
    ]);
    expect(findings.every((f) => /encrypt-inter-realm/.test(f.fix))).toBe(true);
    expect(plan).toEqual({});
  });

  it("refuses to rotate to the CA the realms trust now", async () => {
    const { ops, keystores, cluster } = world(stores, { caIdInUse: true });
    const { findings } = await rotatePreflight(ops, keystores, cluster, options({ caId: "ca-1" }));
    expect(brief(findings)).toEqual([["error", null, "chain"]]);
    const fine = world(stores);
    const ok = await rotatePreflight(
      fine.ops,
      fine.keystores,
      fine.cluster,
      options({ caId: "ca-1" }),
    );
    expect(ok.findings).toEqual([]);
  });

  it("checks uploaded credentials: coverage of the dialled address, the new truststore, the old CA kept", async () => {
    const { ops, keystores, cluster } = world(stores);
    const { findings, plan } = await rotatePreflight(
      ops,
      keystores,
      cluster,
      options({
        certificates: {
          "realm-a": { keystoreId: "new-localhost", truststoreId: "new-trust" },
          "realm-b": { keystoreId: "new-realm-b", truststoreId: "old-trust" },
          "realm-c": { keystoreId: "new-realm-c", truststoreId: "both-trust" },
        },
      }),
    );
    expect(brief(findings)).toEqual(
      expect.arrayContaining([
        ["error", "realm-a", "certificateCoverage"],
        ["error", "realm-b", "chain"],
        ["warning", "realm-c", "chain"],
      ]),
    );
    expect(findings.filter((f) => f.realm === "realm-c" && f.severity === "error")).toEqual([]);
    expect(findings.find((f) => f.realm === "realm-c")!.problem).toMatch(/still trusts .*Old CA/);
    expect(plan["realm-c"]).toMatchObject({
      keystoreId: "new-realm-c",
      truststoreId: "both-trust",
    });
  });
});

describe("rotation plan helpers", () => {
  it("respells an address both ways, so a second rotation moves links back", () => {
    expect(respell("nsps://10.0.0.2:9443")).toBe("nsps://10.0.0.2:9443/");
    expect(respell("nsps://10.0.0.2:9443/")).toBe("nsps://10.0.0.2:9443");
  });

  it("points only the rotated interfaces at the new credentials, dropping the old key alias", () => {
    const certificates = {
      keystoreId: "old",
      keyAlias: "server",
      truststoreId: "t-old",
      enableClientCertValidation: false,
      protocols: ["TLSv1.3" as const],
    };
    const list: InterfaceDefinition[] = [
      {
        alias: "a",
        protocol: "nsps",
        bindAddress: "127.0.0.1",
        port: 1,
        autostart: true,
        allowInterRealm: true,
        allowClientConnections: false,
        certificates,
      },
      {
        alias: "b",
        protocol: "nsps",
        bindAddress: "127.0.0.1",
        port: 2,
        autostart: true,
        allowInterRealm: false,
        allowClientConnections: true,
        certificates: { ...certificates, keystoreId: "other" },
      },
    ];
    expect(credentialAliases(list, "old")).toEqual(["a"]);
    const swapped = withCredentials(list, ["a"], { keystoreId: "new", truststoreId: "t-new" });
    expect(swapped[0]!.certificates).toEqual({
      keystoreId: "new",
      truststoreId: "t-new",
      enableClientCertValidation: false,
      protocols: ["TLSv1.3"],
    });
    expect(swapped[1]).toEqual(list[1]);
    const trusted = withCredentials(list, ["a"], { truststoreId: "t-both" });
    expect(trusted[0]!.certificates).toMatchObject({ keystoreId: "old", keyAlias: "server" });
  });
});
