import {
  type CertificateAuthority,
  createRootCa,
  generateCsr,
  type KeyStoreEntry,
  signCsr,
  writePkcs12,
} from "@conclave/pki";
import type { RealmInterface, RealmSummary } from "@conclave/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../../store/secrets.js";
import { createTestApp, signIn, TEST_MASTER_KEY, type TestApp } from "../../testing/test-app.js";
import { type ChangeContext, KeystoresService } from "../keystores/keystores.service.js";
import {
  DefaultCredentialsScan,
  defaultCredentialReasons,
  entriesOfStore,
  isKnownPassword,
  keystoreFacts,
} from "./default-credentials.js";

const SYSTEM: ChangeContext = { actor: null, ip: "" };
/** Distinctive, so a leak check finds it anywhere in an answer. */
const STRONG_PASSWORD = "Health-Scan-Pass-4e1d7b";

type KeyEntry = Extract<KeyStoreEntry, { kind: "private-key" }>;

let ca: CertificateAuthority;

async function issued(sans: string[], commonName = sans[0]!): Promise<KeyEntry> {
  const { csrPem, privateKeyPem } = await generateCsr({
    key: { type: "ec", curve: "P-256" },
    subject: { commonName },
    subjectAltNames: sans,
  });
  const signed = signCsr(ca, csrPem, { validityDays: 90, extendedKeyUsage: ["serverAuth"] });
  return { kind: "private-key", alias: "server", privateKeyPem, chain: signed.chain };
}

/** A leaf signed by its own key, as keytool -genkeypair and demo generators make them. */
async function selfSigned(commonName: string): Promise<KeyEntry> {
  const own = await createRootCa({ subject: { commonName } });
  return {
    kind: "private-key",
    alias: "server",
    privateKeyPem: own.privateKeyPem,
    chain: [own.certificate],
  };
}

const facts = (entries: KeyStoreEntry[], password: string | null = STRONG_PASSWORD) =>
  keystoreFacts({ id: "ks", name: "ks", password, entries: entriesOfStore(entries) });

beforeAll(async () => {
  ca = await createRootCa({ subject: { commonName: "Operations CA", organization: "Acme" } });
});

describe("default credential reasons", () => {
  it("knows the passwords products and samples ship with, whatever their case", () => {
    for (const p of ["changeit", "nirvana", "Password", "changeme", "secret", "123456", ""]) {
      expect(isKnownPassword(p), p).toBe(true);
    }
    expect(isKnownPassword(STRONG_PASSWORD)).toBe(false);
    expect(isKnownPassword("nirvana-2026-prod!")).toBe(false);
  });

  it("flags a well-known password, a self-signed leaf and a sample name; a CA-issued leaf passes", async () => {
    const good = await issued(["198.18.0.5"]);
    expect(defaultCredentialReasons(facts([good]))).toEqual([]);
    expect(defaultCredentialReasons(facts([good], "changeit"))).toEqual(["knownPassword"]);
    // No master key here: the password cannot be judged, the certificates still can.
    expect(defaultCredentialReasons(facts([await selfSigned("realm-a")], null))).toEqual([
      "selfSigned",
    ]);
    const sampleNamed = await issued(["demo.example.com"]);
    expect(defaultCredentialReasons(facts([sampleNamed]))).toEqual(["sampleSubject"]);
    // Issued by a CA this manager holds (a cluster named "demo" gets a "demo inter-realm CA"):
    // the name is the operator's choice, not a sample's.
    const ownCas = new Set([ca.certificate.fingerprintSha256]);
    const ours = keystoreFacts({
      id: "ks",
      name: "ks",
      password: STRONG_PASSWORD,
      entries: entriesOfStore([sampleNamed]),
      ownCas,
    });
    expect(defaultCredentialReasons(ours)).toEqual([]);
  });

  it("flags a localhost-only leaf only where the interface binds beyond loopback", async () => {
    const local = facts([await issued(["localhost", "127.0.0.1", "::1"])]);
    const use = (bindAddress: string) => ({ role: "keystore" as const, bindAddress });
    expect(defaultCredentialReasons(local, use("0.0.0.0"))).toEqual(["localhostOnly"]);
    expect(defaultCredentialReasons(local, use("198.18.0.5"))).toEqual(["localhostOnly"]);
    expect(defaultCredentialReasons(local, use("127.0.0.1"))).toEqual([]);
    expect(defaultCredentialReasons(local, use("::1"))).toEqual([]);
    // Stored but in no use: nothing binds it anywhere yet.
    expect(defaultCredentialReasons(local)).toEqual([]);
    // A demo generator's certificate without subjectAltName names localhost in its CN.
    const byCn = facts([await selfSigned("localhost")]);
    expect(defaultCredentialReasons(byCn, use("::"))).toEqual(["selfSigned", "localhostOnly"]);
  });

  it("judges the served alias, and a truststore by its password and names only", async () => {
    const good = await issued(["198.18.0.5"]);
    const mixed = facts([good, { ...(await selfSigned("old")), alias: "old" }]);
    const serve = (keyAlias?: string) => ({
      role: "keystore" as const,
      keyAlias,
      bindAddress: "::",
    });
    expect(defaultCredentialReasons(mixed, serve("server"))).toEqual([]);
    expect(defaultCredentialReasons(mixed, serve("OLD"))).toEqual(["selfSigned"]);
    // No alias: the realm serves the first key.
    expect(defaultCredentialReasons(mixed, serve())).toEqual([]);
    const trust = facts(
      [{ kind: "trusted-certificate", alias: "ca", certificate: ca.certificate }],
      "changeit",
    );
    // A root CA is self-signed by nature: only the password counts against a truststore.
    expect(defaultCredentialReasons(trust, { role: "truststore" })).toEqual(["knownPassword"]);
  });
});

describe("DefaultCredentialsScan over the store", () => {
  let t: TestApp;
  let box: SecretBox;
  let keystores: KeystoresService;
  const ids: Record<string, string> = {};

  const upload = async (name: string, entries: KeyStoreEntry[], password = STRONG_PASSWORD) => {
    const file = Buffer.from(writePkcs12({ format: "pkcs12", entries }, { password }));
    ids[name] = (
      await keystores.upload({ file, fileName: `${name}.p12`, password, name }, SYSTEM)
    ).id;
  };

  const tls = (alias: string, bindAddress: string, keystoreId: string, extra = {}) =>
    ({
      alias,
      protocol: "nsps",
      bindAddress,
      port: 9443,
      autostart: true,
      allowInterRealm: false,
      allowClientConnections: true,
      certificates: {
        keystoreId,
        enableClientCertValidation: false,
        protocols: ["TLSv1.3"],
      },
      status: "Running",
      ...extra,
    }) as RealmInterface;

  const realm = (name: string, cluster: string | null, interfaces: RealmInterface[]) =>
    ({
      name,
      host: "host-1",
      agent: "agent-1",
      state: "running",
      pid: 1,
      interfaces,
      cluster,
    }) as RealmSummary;

  beforeAll(async () => {
    t = await createTestApp();
    box = new SecretBox(TEST_MASTER_KEY);
    keystores = new KeystoresService(t.db, box);
    await upload("um-demo", [await issued(["localhost", "127.0.0.1"])], "nirvana");
    await upload("self-signed", [await selfSigned("realm-b")]);
    await upload("proper", [await issued(["198.18.0.7"])]);
    await upload("unused-sample", [await issued(["198.18.0.9"], "Sample Server")]);
    await upload(
      "client-trust",
      [{ kind: "trusted-certificate", alias: "ca", certificate: ca.certificate }],
      "changeit",
    );
  });
  afterAll(async () => {
    await t.destroy();
  });

  const fleet = () => [
    realm("realm-a", "east", [
      tls("nsps-interrealm", "0.0.0.0", ids["um-demo"]!, { allowInterRealm: true }),
      tls("nsps-clients", "0.0.0.0", ids.proper!, {
        certificates: {
          keystoreId: ids.proper!,
          truststoreId: ids["client-trust"]!,
          enableClientCertValidation: true,
          protocols: ["TLSv1.3"],
        },
      }),
    ]),
    realm("realm-b", null, [tls("nsps0", "198.18.0.8", ids["self-signed"]!)]),
  ];

  it("lists each use with its reasons, then stored keystores in no use, never a password", async () => {
    const scan = new DefaultCredentialsScan(t.db, box);
    const found = await scan.list(fleet());
    expect(found.map((d) => [d.realm, d.interface, d.cluster, d.keystore, d.reasons])).toEqual([
      ["realm-a", "nsps-clients", "east", "client-trust", ["knownPassword"]],
      ["realm-a", "nsps-interrealm", "east", "um-demo", ["knownPassword", "localhostOnly"]],
      ["realm-b", "nsps0", null, "self-signed", ["selfSigned"]],
      [null, null, null, "unused-sample", ["sampleSubject"]],
    ]);
    const byKeystore = (name: string) => found.find((d) => d.keystore === name)!;
    // The cluster's inter-realm credentials: the rotation wizard is the fix.
    expect(byKeystore("um-demo").fix).toMatch(/Rotate credentials/);
    expect(byKeystore("um-demo").keystoreId).toBe(ids["um-demo"]);
    // A client interface with a keystore of its own is not rotated: change the password.
    expect(byKeystore("client-trust").fix).toBe(
      "Change the password of keystore client-trust (Keystores → client-trust → Change password)",
    );
    expect(byKeystore("self-signed").fix).toMatch(/Issue realm-b\/nsps0 a certificate/);
    const text = JSON.stringify(found);
    for (const secret of ["nirvana", "changeit", STRONG_PASSWORD]) {
      expect(text).not.toContain(secret);
    }
  });

  it("sees a changed password at once, and without a master key judges certificates only", async () => {
    const scan = new DefaultCredentialsScan(t.db, box);
    expect((await scan.list(fleet())).some((d) => d.keystore === "um-demo")).toBe(true);
    await keystores.changePassword(ids["um-demo"]!, "nirvana", STRONG_PASSWORD, SYSTEM);
    const after = (await scan.list(fleet())).find((d) => d.keystore === "um-demo");
    expect(after?.reasons).toEqual(["localhostOnly"]);

    const blind = await new DefaultCredentialsScan(t.db).list(fleet());
    expect(blind.flatMap((d) => d.reasons)).not.toContain("knownPassword");
    expect(blind.map((d) => d.keystore)).toContain("self-signed");
  });

  it("is part of the health summary, which stays ok: a flag, not an outage", async () => {
    await t.addUser("vera", "viewer");
    const viewer = await signIn(t.app, "vera");
    const res = await viewer.agent.get("/api/v1/health/summary");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
    // No realms in this store: every flagged keystore shows as stored, in no use.
    expect(
      res.body.defaultCredentials.map((d: { keystore: string; realm: string | null }) => [
        d.keystore,
        d.realm,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ["self-signed", null],
        ["unused-sample", null],
      ]),
    );
    expect(res.text).not.toContain(STRONG_PASSWORD);
  });
});
