import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CertificateAuthority, createRootCa, signCsr } from "./ca.js";
import type { CertificateInfo } from "./certificate-info.js";
import {
  checkChain,
  checkHostCoverage,
  checkKeyMatchesCertificate,
  checkKeyUsage,
  checkStrength,
  checkTlsEntry,
  checkValidity,
} from "./checks.js";
import { generateCsr } from "./csr.js";
import type { PrivateKeyEntry } from "./keystore.js";
import { buildTrustBundle } from "./keystore-operations.js";
import { readKeyStore } from "./read-keystore.js";
import { PeerDir } from "./test-support.js";

const peer = new PeerDir();
let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let localhostEntry: PrivateKeyEntry;
let realmEntry: PrivateKeyEntry;

async function entry(
  issuer: CertificateAuthority,
  sans: string[],
  extra: Parameters<typeof signCsr>[2] = { validityDays: 365 },
): Promise<PrivateKeyEntry> {
  const { csrPem, privateKeyPem } = await generateCsr({
    key: { type: "ec", curve: "P-256" },
    subject: { commonName: sans[0] ?? "none" },
    subjectAltNames: sans,
  });
  return {
    kind: "private-key",
    alias: "tls",
    privateKeyPem,
    chain: signCsr(issuer, csrPem, extra).chain,
  };
}

beforeAll(async () => {
  ca = await createRootCa({ subject: { commonName: "Checks CA" } });
  otherCa = await createRootCa({ subject: { commonName: "Someone Else's CA" } });
  localhostEntry = await entry(ca, ["localhost", "127.0.0.1"]);
  realmEntry = await entry(ca, ["realm1.example", "198.18.0.5"]);
});

afterAll(() => peer.remove());

const ids = (findings: { id: string }[]) => findings.map((f) => f.id);

describe("host coverage", () => {
  it("fires for a localhost-only certificate on an interface bound to 198.18.0.5", () => {
    const findings = checkHostCoverage(localhostEntry.chain[0]!, { bindAddress: "198.18.0.5" });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: "localhost-only-certificate", severity: "error" });
    expect(findings[0]!.message).toContain("valid only for localhost, 127.0.0.1");
    expect(findings[0]!.message).toContain("198.18.0.5");
    expect(findings[0]!.fix).toContain("IP:198.18.0.5");
  });

  it("does not fire for the same certificate on 127.0.0.1", () => {
    expect(checkHostCoverage(localhostEntry.chain[0]!, { bindAddress: "127.0.0.1" })).toEqual([]);
    expect(checkHostCoverage(localhostEntry.chain[0]!, { bindAddress: "localhost" })).toEqual([]);
  });

  it("checks the dialled addresses of a wildcard bind", () => {
    const leaf = realmEntry.chain[0]!;
    expect(
      checkHostCoverage(leaf, {
        bindAddress: "0.0.0.0",
        dialedAddresses: ["198.18.0.5", "realm1.example"],
      }),
    ).toEqual([]);
    expect(
      ids(checkHostCoverage(leaf, { bindAddress: "0.0.0.0", dialedAddresses: ["198.18.0.6"] })),
    ).toEqual(["host-not-covered"]);
    expect(
      ids(
        checkHostCoverage(localhostEntry.chain[0]!, {
          bindAddress: "::",
          dialedAddresses: ["realm1.example"],
        }),
      ),
    ).toEqual(["localhost-only-certificate"]);
    expect(checkHostCoverage(leaf, { bindAddress: "0.0.0.0" })).toMatchObject([
      { id: "host-coverage-unknown", severity: "warning" },
    ]);
  });

  it("covers IPv6 and wildcard DNS names", async () => {
    const e = await entry(ca, ["*.realms.example", "2001:db8::5"]);
    expect(
      checkHostCoverage(e.chain[0]!, {
        bindAddress: "2001:db8:0:0::5",
        dialedAddresses: ["r1.realms.example"],
      }),
    ).toEqual([]);
    expect(ids(checkHostCoverage(e.chain[0]!, { bindAddress: "a.b.realms.example" }))).toEqual([
      "host-not-covered",
    ]);
  });
});

describe("chain, key, validity, usage, strength", () => {
  it("validates the chain against a truststore", () => {
    const trust = buildTrustBundle([ca.certificate.pem]);
    expect(checkChain(realmEntry.chain, trust)).toEqual([]);
    expect(checkChain(realmEntry.chain.slice(0, 1), trust)).toEqual([]); // issuer found in the truststore
    const foreign = buildTrustBundle([otherCa.certificate.pem]);
    const [finding] = checkChain(realmEntry.chain, foreign);
    expect(finding).toMatchObject({ id: "untrusted-chain", severity: "error" });
    expect(finding!.fix).toContain("CN=Checks CA");
    expect(ids(checkChain([realmEntry.chain[0]!, otherCa.certificate], trust))).toEqual([
      "chain-broken",
    ]);
    expect(ids(checkChain(realmEntry.chain, []))).toEqual(["empty-truststore"]);
  });

  it("detects a key that does not match its certificate", () => {
    expect(checkKeyMatchesCertificate(realmEntry)).toEqual([]);
    const mixed = { ...realmEntry, privateKeyPem: localhostEntry.privateKeyPem };
    expect(ids(checkKeyMatchesCertificate(mixed))).toEqual(["key-mismatch"]);
  });

  it("reports expired, not-yet-valid and soon-expiring certificates", async () => {
    const leaf = realmEntry.chain[0]!;
    expect(checkValidity([leaf])).toEqual([]);
    const later = new Date(leaf.notAfter.getTime() - 10 * 86_400_000);
    expect(checkValidity([leaf], { now: later })).toMatchObject([
      { id: "expiring-soon", severity: "warning" },
    ]);
    expect(checkValidity([leaf], { now: later, warnDays: 5 })).toEqual([]);
    expect(ids(checkValidity([leaf], { now: new Date(leaf.notAfter.getTime() + 1000) }))).toEqual([
      "expired",
    ]);
    expect(ids(checkValidity([leaf], { now: new Date(leaf.notBefore.getTime() - 1000) }))).toEqual([
      "not-yet-valid",
    ]);
  });

  it("checks key usages against server and client roles", async () => {
    const clientOnly = await entry(ca, ["c.example"], {
      validityDays: 5,
      extendedKeyUsage: ["clientAuth"],
    });
    expect(ids(checkKeyUsage(clientOnly.chain[0]!, "server"))).toEqual(["missing-server-auth"]);
    expect(checkKeyUsage(clientOnly.chain[0]!, "client")).toEqual([]);
    expect(checkKeyUsage(realmEntry.chain[0]!, "server-client")).toEqual([]);
    expect(ids(checkKeyUsage(ca.certificate, "server"))).toEqual([
      "key-usage-unsuitable",
      "ca-as-leaf",
    ]);
  });

  it("flags RSA-1024 keys and SHA-1 signatures (openssl-made certificate)", async () => {
    await peer.openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:1024",
      "-sha1",
      "-nodes",
      "-keyout",
      "weak.key",
      "-out",
      "weak.pem",
      "-days",
      "5",
      "-subj",
      "/CN=weak",
    );
    await peer.openssl(
      "req",
      "-new",
      "-key",
      "weak.key",
      "-sha1",
      "-subj",
      "/CN=weak-leaf",
      "-out",
      "weak.csr",
    );
    await peer.openssl(
      "x509",
      "-req",
      "-in",
      "weak.csr",
      "-CA",
      "weak.pem",
      "-CAkey",
      "weak.key",
      "-sha1",
      "-days",
      "5",
      "-out",
      "weak-leaf.pem",
      "-set_serial",
      "7",
    );
    const [leaf] = readKeyStore(peer.read("weak-leaf.pem"), {}).entries.map(
      (e) => (e as { certificate: CertificateInfo }).certificate,
    );
    const findings = checkStrength([leaf!]);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ["weak-key", "error"],
      ["weak-signature", "warning"],
    ]);
    expect(leaf).toMatchObject({
      keySize: 1024,
      signatureAlgorithm: "SHA1withRSA",
      serialNumber: "7",
    });
    expect(checkStrength(realmEntry.chain)).toEqual([]);
  });

  it("runs every pre-flight check on a key entry", () => {
    const trust = buildTrustBundle([ca.certificate.pem]);
    expect(checkTlsEntry(realmEntry, { bindAddress: "198.18.0.5", trustStore: trust })).toEqual([]);
    const findings = checkTlsEntry(localhostEntry, {
      bindAddress: "198.18.0.5",
      trustStore: buildTrustBundle([otherCa.certificate]),
    });
    expect(ids(findings)).toEqual(["localhost-only-certificate", "untrusted-chain"]);
    for (const f of findings) expect(f.message.length).toBeGreaterThan(20);
  });
});
