import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CertificateAuthority,
  createIntermediateCa,
  createRootCa,
  newSerial,
  signCsr,
} from "./ca.js";
import { createCsr, generateCsr, generateKeyPair, readCsr } from "./csr.js";
import { InvalidParameterError, KeyMismatchError } from "./errors.js";
import type { KeyStore, PrivateKeyEntry } from "./keystore.js";
import {
  addPrivateKeyEntry,
  importCaReply,
  importTrustedCertificate,
} from "./keystore-operations.js";
import { writePkcs12 } from "./pkcs12.js";
import { readKeyStore } from "./read-keystore.js";
import { PeerDir } from "./test-support.js";

const peer = new PeerDir();
let root: CertificateAuthority;
let intermediate: CertificateAuthority;

beforeAll(async () => {
  root = await createRootCa({
    subject: { commonName: "Conclave Test Root", organization: "Conclave", country: "GB" },
  });
  intermediate = await createIntermediateCa(root, {
    subject: { commonName: "Conclave Test Issuing CA", organization: "Conclave" },
  });
  peer.write("root.pem", root.certificate.pem);
  peer.write("inter.pem", intermediate.certificate.pem);
});

afterAll(() => peer.remove());

describe("CSRs", () => {
  it("creates an EC P-256 CSR that openssl verifies, with DNS, IPv4 and IPv6 SANs", async () => {
    const { csrPem } = await generateCsr({
      key: { type: "ec", curve: "P-256" },
      subject: {
        commonName: "realm1.example",
        organization: "Conclave",
        organizationalUnit: "Messaging",
        country: "GB",
      },
      subjectAltNames: ["realm1.example", "198.18.0.5", "IP:2001:db8::5"],
    });
    peer.write("ec.csr", csrPem);
    const out = await peer.openssl("req", "-in", "ec.csr", "-verify", "-noout", "-text");
    expect(out).toMatch(/verify OK/i);
    expect(out).toContain(
      "DNS:realm1.example, IP Address:198.18.0.5, IP Address:2001:DB8:0:0:0:0:0:5",
    );
    expect(out).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(out).toMatch(
      /Subject: C\s?=\s?GB, O\s?=\s?Conclave, OU\s?=\s?Messaging, CN\s?=\s?realm1.example/,
    );
    expect(readCsr(csrPem)).toMatchObject({
      subject: "CN=realm1.example, OU=Messaging, O=Conclave, C=GB",
      keyType: "EC",
      keySize: 256,
      subjectAltNames: [
        { type: "dns", value: "realm1.example" },
        { type: "ip", value: "198.18.0.5" },
        { type: "ip", value: "2001:db8::5" },
      ],
    });
  });

  it("creates RSA-2048 and EC P-384 CSRs that openssl verifies", async () => {
    for (const key of [
      { type: "rsa", size: 2048 },
      { type: "ec", curve: "P-384" },
    ] as const) {
      const { csrPem } = await generateCsr({
        key,
        subject: { commonName: "realm2" },
        subjectAltNames: ["realm2.example"],
      });
      peer.write("k.csr", csrPem);
      expect(await peer.openssl("req", "-in", "k.csr", "-verify", "-noout")).toMatch(/verify OK/i);
    }
  });

  it("generates an RSA-4096 key pair", async () => {
    const pair = await generateKeyPair({ type: "rsa", size: 4096 });
    const csr = readCsr(
      createCsr({ privateKeyPem: pair.privateKeyPem, subject: { commonName: "big" } }),
    );
    expect(csr).toMatchObject({ keyType: "RSA", keySize: 4096 });
  });

  it("refuses bad input with typed errors", async () => {
    const { privateKeyPem } = await generateKeyPair({ type: "ec", curve: "P-256" });
    expect(() => createCsr({ privateKeyPem, subject: { commonName: "" } })).toThrow(
      InvalidParameterError,
    );
    expect(() =>
      createCsr({ privateKeyPem, subject: { commonName: "x" }, subjectAltNames: ["bad host!"] }),
    ).toThrow(/not a valid DNS name/);
    expect(() =>
      createCsr({ privateKeyPem, subject: { commonName: "x" }, subjectAltNames: ["IP:300.1.1.1"] }),
    ).toThrow(InvalidParameterError);
    const csr = createCsr({ privateKeyPem, subject: { commonName: "tamper-me" } });
    const der = Buffer.from(csr.replace(/-----[^-]+-----/g, ""), "base64");
    const at = der.indexOf("tamper-me");
    der[at] = der[at]! ^ 1;
    expect(() => readCsr(der)).toThrow(/does not verify/);
  });
});

describe("private CA", () => {
  it("signs CSRs that openssl verify accepts through the intermediate", async () => {
    const { csrPem } = await generateCsr({
      key: { type: "ec", curve: "P-256" },
      subject: { commonName: "realm1.example" },
      subjectAltNames: ["realm1.example", "198.18.0.5"],
    });
    const signed = signCsr(intermediate, csrPem, { validityDays: 90 });
    peer.write("leaf.pem", signed.certificate.pem);
    const out = await peer.openssl(
      "verify",
      "-CAfile",
      "root.pem",
      "-untrusted",
      "inter.pem",
      "-purpose",
      "sslserver",
      "leaf.pem",
    );
    expect(out).toContain("leaf.pem: OK");
    expect(
      await peer.openssl(
        "verify",
        "-CAfile",
        "root.pem",
        "-untrusted",
        "inter.pem",
        "-purpose",
        "sslclient",
        "leaf.pem",
      ),
    ).toContain("OK");
    const text = await peer.openssl("x509", "-in", "leaf.pem", "-noout", "-text");
    expect(text).toMatch(/X509v3 Authority Key Identifier/);
    expect(text).toMatch(/X509v3 Subject Key Identifier/);
    expect(text).toContain("DNS:realm1.example, IP Address:198.18.0.5");
    expect(signed.certificate).toMatchObject({
      issuer: "CN=Conclave Test Issuing CA, O=Conclave",
      isCA: false,
      keyUsage: ["digitalSignature"],
      extendedKeyUsage: ["serverAuth", "clientAuth"],
    });
    expect(signed.chain.map((c) => c.subject)).toEqual([
      "CN=realm1.example",
      "CN=Conclave Test Issuing CA, O=Conclave",
      "CN=Conclave Test Root, O=Conclave, C=GB",
    ]);
    expect(
      Math.round(
        (signed.certificate.notAfter.getTime() - signed.certificate.notBefore.getTime()) /
          86_400_000,
      ),
    ).toBe(90);
    expect(intermediate.certificate).toMatchObject({
      isCA: true,
      pathLength: 0,
      keyUsage: ["keyCertSign", "cRLSign"],
    });
  });

  it("overrides SANs, and keeps serial numbers unique", async () => {
    const { csrPem } = await generateCsr({
      key: { type: "ec", curve: "P-256" },
      subject: { commonName: "r" },
      subjectAltNames: ["old.example"],
    });
    const first = signCsr(root, csrPem, {
      validityDays: 10,
      subjectAltNames: ["new.example", "198.18.0.9"],
    });
    expect(first.certificate.subjectAltNames).toEqual([
      { type: "dns", value: "new.example" },
      { type: "ip", value: "198.18.0.9" },
    ]);
    const second = signCsr(root, csrPem, { validityDays: 10, issuedSerials: first.issuedSerials });
    expect(second.certificate.serialNumber).not.toBe(first.certificate.serialNumber);
    expect([...second.issuedSerials]).toEqual([
      first.certificate.serialNumber,
      second.certificate.serialNumber,
    ]);
    expect(first.certificate.serialNumber.length).toBeGreaterThanOrEqual(31); // ~128 random bits
    const serials = new Set<string>();
    for (let i = 0; i < 200; i++) serials.add(newSerial(serials).toString("hex"));
    expect(serials.size).toBe(200);
  });
});

describe("CSR → CA reply → keystore → openssl s_server", () => {
  it("imports a CA reply into a key entry and serves TLS with the written PKCS#12", async () => {
    const { csrPem, privateKeyPem } = await generateCsr({
      key: { type: "rsa", size: 2048 },
      subject: { commonName: "127.0.0.1" },
      subjectAltNames: ["IP:127.0.0.1", "localhost"],
    });
    let store: KeyStore = { format: "pkcs12", entries: [] };
    store = addPrivateKeyEntry(store, { alias: "realm1", privateKeyPem, chain: [] });
    store = importTrustedCertificate(store, root.certificate.pem, { alias: "root" });
    const signed = signCsr(intermediate, csrPem, { validityDays: 30 });
    // Reply holds only the leaf and the intermediate; the root comes from the store's trusted entry.
    const replied = importCaReply(
      store,
      "realm1",
      signed.chain
        .slice(0, 2)
        .map((c) => c.pem)
        .join(""),
    );
    expect((replied.entries[0] as PrivateKeyEntry).chain).toHaveLength(3);
    expect((store.entries[0] as PrivateKeyEntry).chain).toHaveLength(0); // input untouched
    const other = await generateCsr({
      key: { type: "ec", curve: "P-256" },
      subject: { commonName: "x" },
    });
    expect(() =>
      importCaReply(store, "realm1", signCsr(root, other.csrPem, { validityDays: 1 }).chainPem),
    ).toThrow(KeyMismatchError);

    peer.write(
      "server.p12",
      writePkcs12({ ...replied, entries: [replied.entries[0]!] }, { password: "tls-pass" }),
    );
    await peer.openssl(
      "pkcs12",
      "-in",
      "server.p12",
      "-nodes",
      "-passin",
      "pass:tls-pass",
      "-out",
      "server.pem",
    );
    expect(readKeyStore(peer.read("server.pem"), {}).entries[0]).toMatchObject({
      kind: "private-key",
      alias: "realm1",
    });
    // s_server sends only -cert unless told the chain; the client trusts only the root.
    peer.write("chain.pem", intermediate.certificate.pem);
    const port = await freePort();
    const server = spawn(
      "openssl",
      [
        "s_server",
        "-accept",
        `127.0.0.1:${port}`,
        "-cert",
        "server.pem",
        "-key",
        "server.pem",
        "-cert_chain",
        "chain.pem",
        "-naccept",
        "1",
        "-quiet",
      ],
      {
        cwd: peer.dir,
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let log = "";
    server.stderr.on("data", (d) => {
      log += d;
    });
    server.stdout.on("data", (d) => {
      log += d;
    });
    try {
      const peerCert = await retry(() => handshake(port, root.certificate.pem)).catch((err) => {
        throw new Error(`${err.message}; s_server said: ${log}`);
      });
      expect(peerCert).toBe(signed.certificate.fingerprintSha256);
    } finally {
      server.kill();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

function handshake(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ca, servername: undefined }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      resolve(fp);
    });
    socket.on("error", reject);
  });
}

async function retry<T>(fn: () => Promise<T>, attempts = 40): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || (err as { code?: string }).code !== "ECONNREFUSED") throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
