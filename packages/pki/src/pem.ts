import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import {
  type CertificateInfo,
  certificateDer,
  describeCertificate,
  toPem,
} from "./certificate-info.js";
import { enc, octets, parseDer, readElement, seq } from "./der.js";
import {
  KeystorePasswordError,
  MalformedKeystoreError,
  NotAKeystoreError,
  PkiError,
  TruncatedKeystoreError,
} from "./errors.js";
import {
  aliasFromCertificate,
  buildChain,
  checkSize,
  type KeyStore,
  type KeyStoreEntry,
  pkcs8Der,
  pkcs8Pem,
  privateKeyFromPkcs8,
  spkiOfCertificate,
  spkiOfPrivateKey,
  toBuffer,
  uniqueAlias,
} from "./keystore.js";
import { pbeDecrypt, pbes2Encrypt } from "./pbe.js";

export interface PemBlock {
  label: string;
  der: Buffer;
  /** The whole block text, BEGIN and END lines included (with RFC 1421 headers). */
  text: string;
  headers: Record<string, string>;
  /** friendlyName from an `openssl pkcs12 -nodes` "Bag Attributes" preamble. */
  friendlyName?: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/** Splits PEM text into blocks. */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let last = 0;
  for (const m of text.matchAll(BLOCK)) {
    const [whole, label, body, endLabel] = m as unknown as [string, string, string, string];
    if (label !== endLabel) {
      throw new MalformedKeystoreError(
        `A PEM block starts as "${label}" but ends as "${endLabel}".`,
      );
    }
    const preamble = text.slice(last, m.index);
    last = m.index! + whole.length;
    const headers: Record<string, string> = {};
    let b64 = body;
    const headerEnd = body.search(/\r?\n\r?\n/);
    if (/^[A-Za-z-]+:/.test(body) && headerEnd >= 0) {
      for (const line of body.slice(0, headerEnd).split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i > 0) headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
      b64 = body.slice(headerEnd);
    }
    if (!/^[A-Za-z0-9+/=\s]*$/.test(b64)) {
      throw new MalformedKeystoreError(
        `The PEM block "${label}" contains characters outside base64.`,
      );
    }
    const block: PemBlock = { label, der: Buffer.from(b64, "base64"), text: whole, headers };
    const friendly = /friendlyName:\s*(.+)\s*$/m.exec(preamble.split("Bag Attributes").pop() ?? "");
    if (friendly) block.friendlyName = friendly[1]!.trim();
    blocks.push(block);
  }
  if (/-----BEGIN [A-Z0-9 ]+-----/.test(text.slice(last))) {
    throw new TruncatedKeystoreError("A PEM block has no END line: the file looks cut short.");
  }
  return blocks;
}

/** Decodes a private-key PEM block (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, legacy-encrypted). */
export function decodePrivateKeyBlock(block: PemBlock, password: string | undefined): KeyObject {
  if (block.label === "ENCRYPTED PRIVATE KEY") {
    if (password === undefined) {
      throw new KeystorePasswordError("The private key is encrypted: enter its password.", "key");
    }
    const [alg, dataNode] = seq(parseDer(block.der), 2, "EncryptedPrivateKeyInfo");
    let plain: Buffer;
    try {
      plain = pbeDecrypt(alg!, octets(dataNode, "encryptedData"), password);
    } catch (err) {
      if (err instanceof KeystorePasswordError) {
        throw new KeystorePasswordError("The private key password is wrong.", "key");
      }
      throw err;
    }
    try {
      return privateKeyFromPkcs8(plain);
    } catch (err) {
      // A wrong password that happens to leave valid padding yields garbage, not a key.
      if (err instanceof PkiError && err.code === "malformed-keystore") {
        throw new KeystorePasswordError("The private key password is wrong.", "key");
      }
      throw err;
    }
  }
  if (block.label === "PRIVATE KEY") {
    parseDer(block.der); // typed errors for damaged DER before node sees it
    return privateKeyFromPkcs8(block.der);
  }
  const encrypted = (block.headers["Proc-Type"] ?? "").includes("ENCRYPTED");
  if (encrypted && password === undefined) {
    throw new KeystorePasswordError("The private key is encrypted: enter its password.", "key");
  }
  if (!encrypted) parseDer(block.der);
  try {
    return createPrivateKey({
      key: block.text,
      format: "pem",
      ...(encrypted ? { passphrase: password } : {}),
    });
  } catch (err) {
    if (encrypted) throw new KeystorePasswordError("The private key password is wrong.", "key");
    throw new MalformedKeystoreError(`The ${block.label} block cannot be decoded.`, { cause: err });
  }
}

const CERT_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"]);
const KEY_LABELS = new Set([
  "PRIVATE KEY",
  "ENCRYPTED PRIVATE KEY",
  "RSA PRIVATE KEY",
  "EC PRIVATE KEY",
  "DSA PRIVATE KEY",
]);

export interface PemReadOptions {
  /** Password for encrypted private keys (keyPassword wins when both are given). */
  password?: string;
  keyPassword?: string;
  /** Used to name the key entry when the file carries no friendlyName. */
  fileName?: string;
}

/**
 * Reads PEM text (certificates, bundles, PKCS#8/PKCS#1/SEC1 keys, encrypted keys) or a
 * single DER certificate into the keystore model. Each private key is paired with the
 * certificate holding its public key and that certificate's issuers; every other
 * certificate becomes a trusted-certificate entry.
 */
export function readPem(data: Uint8Array, options: PemReadOptions = {}): KeyStore {
  checkSize(data);
  const buf = toBuffer(data);
  if (buf[0] === 0x30) {
    // A bare DER certificate (.cer/.der).
    const certificate = describeCertificate(buf);
    return {
      format: "pem",
      entries: [
        { kind: "trusted-certificate", alias: aliasFromCertificate(certificate), certificate },
      ],
    };
  }
  const text = buf.toString("utf8");
  const blocks = parsePemBlocks(text);
  const password = options.keyPassword ?? options.password;
  const certBlocks = blocks.filter((b) => CERT_LABELS.has(b.label));
  const keyBlocks = blocks.filter((b) => KEY_LABELS.has(b.label));
  if (certBlocks.length === 0 && keyBlocks.length === 0) {
    throw new NotAKeystoreError(
      blocks.length === 0
        ? "The file holds no PEM certificate or private key."
        : `The PEM file holds only ${[...new Set(blocks.map((b) => b.label))].join(", ")} blocks; expected certificates or private keys.`,
    );
  }
  const certs = certBlocks.map((b) => {
    // TRUSTED CERTIFICATE appends OpenSSL's trust settings after the certificate.
    const der = b.label === "TRUSTED CERTIFICATE" ? readElement(b.der, 0).node.raw : b.der;
    const info = describeCertificate(der);
    return {
      der: Buffer.from(der),
      info,
      friendlyName: b.friendlyName,
    };
  });
  const pool = certs.map((c) => c.der);
  const used = new Set<string>();
  const entries: KeyStoreEntry[] = [];
  const taken: string[] = [];
  const stem = options.fileName?.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "");
  keyBlocks.forEach((block, i) => {
    const key = decodePrivateKeyBlock(block, password);
    const spki = spkiOfPrivateKey(key);
    const leaf = certs.find((c) => spkiOfCertificate(new X509Certificate(c.der)).equals(spki));
    const chain = leaf ? buildChain(leaf.der, pool) : [];
    for (const d of chain) used.add(d.toString("base64"));
    const wanted =
      block.friendlyName ??
      leaf?.friendlyName ??
      (stem || (leaf ? aliasFromCertificate(leaf.info) : `key-${i + 1}`));
    const alias = uniqueAlias(wanted, taken);
    taken.push(alias);
    entries.push({
      kind: "private-key",
      alias,
      privateKeyPem: pkcs8Pem(key),
      chain: chain.map((d) => certs.find((c) => c.der.equals(d))!.info),
    });
  });
  for (const c of certs) {
    if (used.has(c.der.toString("base64"))) continue;
    const alias = uniqueAlias(c.friendlyName ?? aliasFromCertificate(c.info), taken);
    taken.push(alias);
    entries.push({ kind: "trusted-certificate", alias, certificate: c.info });
  }
  return { format: "pem", entries };
}

export interface PemWriteOptions {
  /** Encrypt private keys as PKCS#8 (AES-256-CBC, PBKDF2/HMAC-SHA256) with this password. */
  keyPassword?: string;
  /** Leave private keys out (e.g. to publish a chain). Default false. */
  omitPrivateKeys?: boolean;
}

function bagAttributes(alias: string): string {
  return `Bag Attributes\n    friendlyName: ${alias.replace(/[\r\n]/g, " ")}\n`;
}

/**
 * Writes a keystore as PEM text: for each key entry its private key then its chain (leaf
 * first), then each trusted certificate. Every entry is preceded by an OpenSSL-style
 * "Bag Attributes / friendlyName" line so aliases survive a round trip; OpenSSL and Node
 * ignore text outside the blocks.
 */
export function writePem(store: KeyStore, options: PemWriteOptions = {}): string {
  let out = "";
  for (const entry of store.entries) {
    if (entry.kind === "trusted-certificate") {
      out += bagAttributes(entry.alias) + entry.certificate.pem;
      continue;
    }
    out += bagAttributes(entry.alias);
    if (!options.omitPrivateKeys) {
      if (options.keyPassword !== undefined) {
        const { algorithm, encrypted } = pbes2Encrypt(pkcs8Der(entry), options.keyPassword);
        out += toPem("ENCRYPTED PRIVATE KEY", enc.sequence(algorithm, enc.octetString(encrypted)));
      } else {
        out += entry.privateKeyPem;
      }
    }
    out += entry.chain.map((c: CertificateInfo) => c.pem).join("");
  }
  return out;
}

/** PEM text of a list of certificates, e.g. a trust bundle. */
export function certificatesToPem(certs: CertificateInfo[]): string {
  return certs.map((c) => toPem("CERTIFICATE", certificateDer(c))).join("");
}
