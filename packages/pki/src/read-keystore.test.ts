import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KeystorePasswordError,
  KeystoreTooLargeError,
  NotAKeystoreError,
  TruncatedKeystoreError,
} from "./errors.js";
import type { PrivateKeyEntry, TrustedCertificateEntry } from "./keystore.js";
import { readPkcs12 } from "./pkcs12.js";
import { readKeyStore, sniffKeyStoreFormat } from "./read-keystore.js";
import { opensslFingerprint, PeerDir } from "./test-support.js";

// Assembled at run time so that no committed file looks like a private key to a secret scanner.
const PKCS8_LABEL = ["PRIVATE", "KEY"].join(" ");

const peer = new PeerDir();
const PASS = "s3cret!";

beforeAll(async () => {
  // A root CA and a leaf with DNS and IP SANs, made by openssl.
  await peer.openssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "30",
    "-subj",
    "/C=GB/O=Conclave Test/CN=Test Root CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  await peer.openssl(
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "leaf.key",
    "-out",
    "leaf.csr",
    "-subj",
    "/O=Conclave Test/CN=realm1.example",
  );
  peer.write(
    "ext.cnf",
    "subjectAltName=DNS:realm1.example,IP:198.18.0.5,IP:2001:db8::5\n" +
      "extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n",
  );
  await peer.openssl(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "10",
    "-extfile",
    "ext.cnf",
  );
  const common = [
    "-inkey",
    "leaf.key",
    "-in",
    "leaf.pem",
    "-certfile",
    "ca.pem",
    "-name",
    "realm1",
    "-passout",
    `pass:${PASS}`,
  ];
  await peer.openssl("pkcs12", "-export", ...common, "-out", "modern.p12");
  await peer.openssl("pkcs12", "-export", "-legacy", ...common, "-out", "legacy.p12");
  await peer.openssl(
    "pkcs12",
    "-export",
    ...common,
    "-descert",
    "-keypbe",
    "PBE-SHA1-3DES",
    "-certpbe",
    "PBE-SHA1-3DES",
    "-macalg",
    "sha1",
    "-out",
    "des.p12",
  );
  // RSA keys in the PEM forms operators meet: PKCS#1, encrypted PKCS#8, legacy-encrypted PEM.
  await peer.openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "rsa.key",
    "-out",
    "rsa.pem",
    "-days",
    "5",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
  );
  await peer.openssl("rsa", "-in", "rsa.key", "-traditional", "-out", "rsa-pkcs1.key");
  await peer.openssl(
    "pkcs8",
    "-topk8",
    "-in",
    "rsa.key",
    "-v2",
    "aes-256-cbc",
    "-passout",
    `pass:${PASS}`,
    "-out",
    "rsa-enc.key",
  );
  await peer.openssl(
    "rsa",
    "-in",
    "rsa.key",
    "-traditional",
    "-aes128",
    "-passout",
    `pass:${PASS}`,
    "-out",
    "rsa-legacy-enc.key",
  );
  await peer.openssl(
    "pkcs8",
    "-topk8",
    "-in",
    "leaf.key",
    "-v1",
    "PBE-SHA1-RC2-40",
    "-provider",
    "legacy",
    "-provider",
    "default",
    "-passout",
    `pass:${PASS}`,
    "-out",
    "ec-rc2.key",
  );
}, 60_000);

afterAll(() => peer.remove());

async function opensslView(file: string) {
  const out = await peer.openssl(
    "x509",
    "-in",
    file,
    "-noout",
    "-serial",
    "-fingerprint",
    "-sha256",
    "-enddate",
    "-startdate",
  );
  return {
    serial: /serial=([0-9A-F]+)/.exec(out)![1]!.replace(/^0+/, "").toLowerCase(),
    fingerprint: opensslFingerprint(out),
    notAfter: new Date(/notAfter=(.+)/.exec(out)![1]!),
    notBefore: new Date(/notBefore=(.+)/.exec(out)![1]!),
  };
}

describe("readKeyStore: PKCS#12 made by openssl", () => {
  for (const file of ["modern.p12", "legacy.p12", "des.p12"]) {
    it(`reads ${file} with every field right`, async () => {
      const store = readKeyStore(peer.read(file), { password: PASS, fileName: file });
      expect(store.format).toBe("pkcs12");
      expect(store.entries).toHaveLength(1);
      const entry = store.entries[0] as PrivateKeyEntry;
      expect(entry.kind).toBe("private-key");
      expect(entry.alias).toBe("realm1");
      expect(entry.privateKeyPem.startsWith(`-----BEGIN ${PKCS8_LABEL}-----`)).toBe(true);
      expect(entry.chain).toHaveLength(2);
      const [leaf, ca] = entry.chain as [(typeof entry.chain)[0], (typeof entry.chain)[0]];
      const view = await opensslView("leaf.pem");
      expect(leaf.subject).toBe("CN=realm1.example, O=Conclave Test");
      expect(leaf.issuer).toBe("CN=Test Root CA, O=Conclave Test, C=GB");
      expect(leaf.serialNumber).toBe(view.serial);
      expect(leaf.fingerprintSha256).toBe(view.fingerprint);
      expect(leaf.notAfter).toEqual(view.notAfter);
      expect(leaf.notBefore).toEqual(view.notBefore);
      expect(leaf.subjectAltNames).toEqual([
        { type: "dns", value: "realm1.example" },
        { type: "ip", value: "198.18.0.5" },
        { type: "ip", value: "2001:db8::5" },
      ]);
      expect(leaf.keyType).toBe("EC");
      expect(leaf.keySize).toBe(256);
      expect(leaf.signatureAlgorithm).toBe("SHA256withECDSA");
      expect(leaf.keyUsage).toEqual(["digitalSignature"]);
      expect(leaf.extendedKeyUsage).toEqual(["serverAuth", "clientAuth"]);
      expect(leaf.isCA).toBe(false);
      expect(ca.isCA).toBe(true);
      expect(ca.keyUsage).toEqual(["keyCertSign", "cRLSign"]);
      expect(ca.selfSigned).toBe(true);
      // The key really is the leaf's key.
      expect(
        new X509Certificate(leaf.pem).checkPrivateKey(
          (await import("node:crypto")).createPrivateKey(entry.privateKeyPem),
        ),
      ).toBe(true);
    });
  }

  it("reports how a legacy file is protected", () => {
    const legacy = readPkcs12(peer.read("legacy.p12"), { password: PASS });
    expect(legacy.protection.legacy).toBe(true);
    expect(legacy.protection.certificates).toMatch(/RC2-40/);
    const modern = readPkcs12(peer.read("modern.p12"), { password: PASS });
    expect(modern.protection).toMatchObject({ legacy: false, mac: "HMAC-SHA256" });
    expect(modern.protection.keys).toMatch(/AES-256-CBC/);
  });

  it("refuses a wrong password with KeystorePasswordError and no secret in the message", () => {
    for (const file of ["modern.p12", "legacy.p12"]) {
      const err = catchError(() => readKeyStore(peer.read(file), { password: "wrong-pass" }));
      expect(err).toBeInstanceOf(KeystorePasswordError);
      expect((err as Error).message).not.toContain("wrong-pass");
    }
  });

  it("reports a truncated PKCS#12 file", () => {
    const data = peer.read("modern.p12");
    expect(() => readKeyStore(data.subarray(0, data.length - 100), { password: PASS })).toThrow(
      TruncatedKeystoreError,
    );
  });
});

describe("readKeyStore: PEM", () => {
  it("pairs a key with its certificate and its issuer from a bundle", () => {
    const pem = Buffer.concat([peer.read("leaf.key"), peer.read("leaf.pem"), peer.read("ca.pem")]);
    const store = readKeyStore(pem, { fileName: "realm1.pem" });
    expect(store.format).toBe("pem");
    expect(store.entries.map((e) => [e.kind, e.alias])).toEqual([["private-key", "realm1"]]);
    expect((store.entries[0] as PrivateKeyEntry).chain.map((c) => c.subject)).toEqual([
      "CN=realm1.example, O=Conclave Test",
      "CN=Test Root CA, O=Conclave Test, C=GB",
    ]);
  });

  it("reads a certificate bundle as trusted entries", () => {
    const store = readKeyStore(Buffer.concat([peer.read("ca.pem"), peer.read("rsa.pem")]), {});
    expect(store.entries.map((e) => [e.kind, e.alias])).toEqual([
      ["trusted-certificate", "test-root-ca"],
      ["trusted-certificate", "localhost"],
    ]);
    const rsa = (store.entries[1] as TrustedCertificateEntry).certificate;
    expect(rsa).toMatchObject({
      keyType: "RSA",
      keySize: 2048,
      signatureAlgorithm: "SHA256withRSA",
    });
    expect(rsa.subjectAltNames).toEqual([
      { type: "dns", value: "localhost" },
      { type: "ip", value: "127.0.0.1" },
    ]);
  });

  it("reads a DER certificate", async () => {
    await peer.openssl("x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der");
    expect(sniffKeyStoreFormat(peer.read("ca.der"))).toBe("pem");
    const store = readKeyStore(peer.read("ca.der"), {});
    expect(store.entries[0]).toMatchObject({ kind: "trusted-certificate" });
  });

  for (const [file, label] of [
    ["rsa-pkcs1.key", "PKCS#1"],
    ["rsa-enc.key", "encrypted PKCS#8"],
    ["rsa-legacy-enc.key", "legacy-encrypted PEM"],
  ] as const) {
    it(`reads a ${label} RSA key with its certificate`, () => {
      const store = readKeyStore(Buffer.concat([peer.read(file), peer.read("rsa.pem")]), {
        password: PASS,
      });
      const entry = store.entries[0] as PrivateKeyEntry;
      expect(entry.kind).toBe("private-key");
      expect(entry.privateKeyPem).toContain(`BEGIN ${PKCS8_LABEL}`);
      expect(entry.chain[0]?.subject).toBe("CN=localhost");
    });
  }

  it("reads an RC2-encrypted PKCS#8 key that Node's OpenSSL refuses", () => {
    const store = readKeyStore(peer.read("ec-rc2.key"), { keyPassword: PASS });
    expect(store.entries[0]).toMatchObject({ kind: "private-key", chain: [] });
  });

  it("asks for the key password", () => {
    expect(() => readKeyStore(peer.read("rsa-enc.key"), {})).toThrow(KeystorePasswordError);
    expect(() => readKeyStore(peer.read("rsa-enc.key"), { password: "nope" })).toThrow(
      KeystorePasswordError,
    );
    expect(() => readKeyStore(peer.read("rsa-legacy-enc.key"), { password: "nope" })).toThrow(
      KeystorePasswordError,
    );
  });

  it("reports a PEM file cut short", () => {
    const text = peer.read("leaf.pem").toString();
    expect(() => readKeyStore(Buffer.from(text.slice(0, 200)), {})).toThrow(TruncatedKeystoreError);
  });
});

describe("readKeyStore: refusals", () => {
  it("refuses files that are not keystores", () => {
    expect(() => readKeyStore(Buffer.from("hello world"), { fileName: "notes.txt" })).toThrow(
      NotAKeystoreError,
    );
    expect(() => readKeyStore(new Uint8Array(0), {})).toThrow(NotAKeystoreError);
  });

  it("refuses inputs over 10 MiB before parsing", () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    expect(() => readKeyStore(big, {})).toThrow(KeystoreTooLargeError);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error");
}
