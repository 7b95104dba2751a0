import { createPrivateKey, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AliasNotFoundError, DuplicateAliasError, KeystorePasswordError } from "./errors.js";
import { readJks, writeJks } from "./jks.js";
import type { KeyStore, PrivateKeyEntry, TrustedCertificateEntry } from "./keystore.js";
import {
  changeKeyPassword,
  changeStorePassword,
  deleteEntry,
  importTrustedCertificate,
  renameAlias,
} from "./keystore-operations.js";
import { writePkcs12 } from "./pkcs12.js";
import { readKeyStore } from "./read-keystore.js";
import { PeerDir } from "./test-support.js";

const peer = new PeerDir();
const STORE = "storepw1";
const KEY = "keypw-22";

/** The rows of `keytool -list -v`: alias, entry type, and per certificate owner/serial/SHA256. */
export interface KeytoolRow {
  alias: string;
  type: string;
  owners: string[];
  issuers: string[];
  serials: string[];
  sha256: string[];
}

export function parseKeytoolList(output: string): KeytoolRow[] {
  return output
    .split(/\*{20,}/)
    .filter((block) => block.includes("Alias name:"))
    .map((block) => ({
      alias: /Alias name: (.*)/.exec(block)![1]!.trim(),
      type: /Entry type: (.*)/.exec(block)![1]!.trim(),
      owners: [...block.matchAll(/^Owner: (.*)$/gm)].map((m) => m[1]!.trim()),
      issuers: [...block.matchAll(/^Issuer: (.*)$/gm)].map((m) => m[1]!.trim()),
      serials: [...block.matchAll(/^Serial number: (.*)$/gm)].map((m) => m[1]!.trim()),
      sha256: [...block.matchAll(/^\s*SHA256: (.*)$/gm)].map((m) => m[1]!.trim()),
    }));
}

async function keytoolList(file: string, storetype: string, password: string) {
  return parseKeytoolList(
    await peer.keytool(
      "-list",
      "-v",
      "-keystore",
      file,
      "-storetype",
      storetype,
      "-storepass",
      password,
    ),
  );
}

function rowsOf(store: KeyStore) {
  return store.entries.map((e) => {
    const certs = e.kind === "private-key" ? e.chain : [e.certificate];
    return {
      alias: e.alias,
      type: e.kind === "private-key" ? "PrivateKeyEntry" : "trustedCertEntry",
      owners: certs.map((c) => c.subject),
      issuers: certs.map((c) => c.issuer),
      serials: certs.map((c) => c.serialNumber),
      sha256: certs.map((c) => c.fingerprintSha256),
    };
  });
}

const byAlias = (a: { alias: string }, b: { alias: string }) => a.alias.localeCompare(b.alias);

beforeAll(async () => {
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
    "/O=Conclave Test/CN=JKS Test CA",
  );
  const gen = (store: string, type: string, alias: string, keyPass: string, alg: string[]) =>
    peer.keytool(
      "-genkeypair",
      "-storetype",
      type,
      "-keystore",
      store,
      "-storepass",
      STORE,
      "-keypass",
      keyPass,
      "-alias",
      alias,
      ...alg,
      "-dname",
      `CN=${alias}.example, OU=Messaging, O=Conclave, C=GB`,
      "-ext",
      `san=dns:${alias}.example,ip:198.18.0.5`,
      "-ext",
      "eku=serverAuth,clientAuth",
      "-validity",
      "30",
    );
  const trust = (store: string, type: string) =>
    peer.keytool(
      "-importcert",
      "-noprompt",
      "-storetype",
      type,
      "-keystore",
      store,
      "-storepass",
      STORE,
      "-alias",
      "test-ca",
      "-file",
      "ca.pem",
    );
  await gen("ks.jks", "JKS", "realm1", KEY, ["-keyalg", "EC", "-groupname", "secp256r1"]);
  await gen("ks.jks", "JKS", "realm2", STORE, ["-keyalg", "RSA", "-keysize", "2048"]);
  await trust("ks.jks", "JKS");
  await gen("ks.p12", "PKCS12", "realm3", STORE, ["-keyalg", "EC", "-groupname", "secp384r1"]);
  await trust("ks.p12", "PKCS12");
  await gen("ks.jceks", "JCEKS", "realm4", KEY, ["-keyalg", "EC", "-groupname", "secp256r1"]);
  await trust("ks.jceks", "JCEKS");
}, 60_000);

afterAll(() => peer.remove());

describe("reading keystores made by keytool", () => {
  it("reads a JKS store with a separate key password, matching keytool -list -v", async () => {
    // realm2's key uses the store password: per-alias passwords let both open.
    const both = readJks(peer.read("ks.jks"), {
      password: STORE,
      keyPasswords: { realm1: KEY, realm2: STORE },
    });
    expect(both.format).toBe("jks");
    expect(rowsOf(both).sort(byAlias)).toEqual(
      (await keytoolList("ks.jks", "JKS", STORE)).sort(byAlias),
    );
    const realm1 = both.entries.find((e) => e.alias === "realm1") as PrivateKeyEntry;
    expect(realm1.chain[0]).toMatchObject({
      keyType: "EC",
      keySize: 256,
      subject: "CN=realm1.example, OU=Messaging, O=Conclave, C=GB",
      subjectAltNames: [
        { type: "dns", value: "realm1.example" },
        { type: "ip", value: "198.18.0.5" },
      ],
      extendedKeyUsage: ["serverAuth", "clientAuth"],
    });
    expect(
      new X509Certificate(realm1.chain[0]!.pem).checkPrivateKey(
        createPrivateKey(realm1.privateKeyPem),
      ),
    ).toBe(true);
    const realm2 = both.entries.find((e) => e.alias === "realm2") as PrivateKeyEntry;
    expect(realm2.chain[0]).toMatchObject({
      keyType: "RSA",
      keySize: 2048,
      signatureAlgorithm: "SHA256withRSA",
    });
    expect(realm1.createdAt).toBeInstanceOf(Date);
  });

  it("names the key whose password is wrong", () => {
    try {
      readKeyStore(peer.read("ks.jks"), { password: STORE });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(KeystorePasswordError);
      expect(err).toMatchObject({ which: "key", alias: "realm1" });
    }
    expect(() => readKeyStore(peer.read("ks.jks"), { password: "wrong" })).toThrow(
      /keystore password is wrong/,
    );
  });

  it("lists a JKS store without a password (integrity unchecked, like keytool)", () => {
    expect(() => readJks(peer.read("ks.jks"), {})).toThrow(KeystorePasswordError);
    const onlyTrusted = readJks(peer.read("ks.jks"), {
      keyPasswords: { realm1: KEY, realm2: STORE },
    });
    expect(onlyTrusted.entries).toHaveLength(3);
  });

  it("reads a keytool PKCS12 store with a key entry and a trusted entry", async () => {
    const store = readKeyStore(peer.read("ks.p12"), { password: STORE });
    expect(store.format).toBe("pkcs12");
    expect(rowsOf(store).sort(byAlias)).toEqual(
      (await keytoolList("ks.p12", "PKCS12", STORE)).sort(byAlias),
    );
    expect(
      (store.entries.find((e) => e.alias === "realm3") as PrivateKeyEntry).chain[0],
    ).toMatchObject({
      keyType: "EC",
      keySize: 384,
    });
  });

  it("reads a JCEKS store", async () => {
    const store = readKeyStore(peer.read("ks.jceks"), { password: STORE, keyPassword: KEY });
    expect(store.format).toBe("jceks");
    expect(rowsOf(store).sort(byAlias)).toEqual(
      (await keytoolList("ks.jceks", "JCEKS", STORE)).sort(byAlias),
    );
    expect(() =>
      readKeyStore(peer.read("ks.jceks"), { password: STORE, keyPassword: "bad" }),
    ).toThrow(KeystorePasswordError);
  });
});

describe("writing keystores keytool reads", () => {
  const source = () =>
    readJks(peer.read("ks.jks"), { password: STORE, keyPasswords: { realm1: KEY, realm2: STORE } });

  it("writes JKS that keytool lists with the same entries", async () => {
    const store = source();
    peer.write(
      "out.jks",
      writeJks(store, { password: "newstore", keyPasswords: { realm1: "newkey" } }),
    );
    expect(rowsOf(store).sort(byAlias)).toEqual(
      (await keytoolList("out.jks", "JKS", "newstore")).sort(byAlias),
    );
    // keytool can use the key with its password: export a CSR from it.
    await peer.keytool(
      "-certreq",
      "-keystore",
      "out.jks",
      "-storepass",
      "newstore",
      "-keypass",
      "newkey",
      "-alias",
      "realm1",
      "-file",
      "r1.csr",
    );
    await peer.openssl("req", "-in", "r1.csr", "-verify", "-noout");
  });

  it("writes a PKCS#12 keystore and truststore keytool lists, trustedCertEntry rows included", async () => {
    const store = source();
    peer.write("out.p12", writePkcs12(store, { password: "p12pass" }));
    expect(rowsOf(store).sort(byAlias)).toEqual(
      (await keytoolList("out.p12", "PKCS12", "p12pass")).sort(byAlias),
    );
    const trustOnly: KeyStore = {
      format: "pkcs12",
      entries: store.entries.filter((e) => e.kind === "trusted-certificate"),
    };
    peer.write("trust.p12", writePkcs12(trustOnly, { password: "p12pass" }));
    const rows = await keytoolList("trust.p12", "PKCS12", "p12pass");
    expect(rows).toEqual([expect.objectContaining({ alias: "test-ca", type: "trustedCertEntry" })]);
    // Reading our own truststore back keeps the entry trusted.
    expect(readKeyStore(peer.read("trust.p12"), { password: "p12pass" }).entries).toMatchObject([
      { kind: "trusted-certificate", alias: "test-ca" },
    ]);
    await peer.openssl("pkcs12", "-in", "out.p12", "-info", "-noout", "-passin", "pass:p12pass");
  });

  it("changes the store password and one key password", async () => {
    const changed = changeStorePassword(peer.read("ks.p12"), {
      oldPassword: STORE,
      newPassword: "rotated",
    });
    peer.write("rotated.p12", changed);
    expect(await keytoolList("rotated.p12", "PKCS12", "rotated")).toHaveLength(2);
    const jks = changeKeyPassword(peer.read("ks.jks"), {
      storePassword: STORE,
      alias: "realm1",
      oldKeyPassword: KEY,
      newKeyPassword: "brand-new",
    });
    expect(() => readJks(jks, { password: STORE, keyPasswords: { realm1: KEY } })).toThrow(
      KeystorePasswordError,
    );
    expect(
      readJks(jks, { password: STORE, keyPasswords: { realm1: "brand-new" } }).entries,
    ).toHaveLength(3);
  });

  it("deletes, renames and imports without touching the input", async () => {
    const store = source();
    const before = JSON.stringify(store);
    const renamed = renameAlias(store, "REALM2", "realm-two");
    const deleted = deleteEntry(renamed, "test-ca");
    const imported = importTrustedCertificate(deleted, peer.read("ca.pem").toString(), {
      alias: "again",
    });
    expect(JSON.stringify(store)).toBe(before);
    expect(imported.entries.map((e) => e.alias).sort()).toEqual(["again", "realm-two", "realm1"]);
    expect(() => renameAlias(store, "realm1", "Realm2")).toThrow(DuplicateAliasError);
    expect(() => deleteEntry(store, "nope")).toThrow(AliasNotFoundError);
    expect(() => deleteEntry(store, "nope")).toThrow(
      /Aliases present: "realm1", "realm2", "test-ca"/,
    );
    expect(() =>
      importTrustedCertificate(store, peer.read("ca.pem"), { alias: "TEST-CA" }),
    ).toThrow(DuplicateAliasError);
    peer.write("edited.jks", writeJks(imported, { password: STORE }));
    const rows = await keytoolList("edited.jks", "JKS", STORE);
    expect(rows.map((r) => [r.alias, r.type]).sort()).toEqual([
      ["again", "trustedCertEntry"],
      ["realm-two", "PrivateKeyEntry"],
      ["realm1", "PrivateKeyEntry"],
    ]);
    expect((imported.entries[2] as TrustedCertificateEntry).certificate.subject).toBe(
      "CN=JKS Test CA, O=Conclave Test",
    );
  });
});
