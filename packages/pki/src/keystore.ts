import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { type CertificateInfo, certificateDer, describeCertificate } from "./certificate-info.js";
import {
  KeystoreTooLargeError,
  MalformedKeystoreError,
  UnsupportedAlgorithmError,
} from "./errors.js";

export type KeyStoreFormat = "pkcs12" | "jks" | "jceks" | "pem";

/** A private key with its certificate chain (leaf first). */
export interface PrivateKeyEntry {
  kind: "private-key";
  alias: string;
  /** Unencrypted PKCS#8 PEM. Treat as a secret: never log it or send it to a browser. */
  privateKeyPem: string;
  chain: CertificateInfo[];
  /** Creation date recorded in JKS/JCEKS files. */
  createdAt?: Date;
}

/** A certificate trusted on its own (Java's trustedCertEntry). */
export interface TrustedCertificateEntry {
  kind: "trusted-certificate";
  alias: string;
  certificate: CertificateInfo;
  createdAt?: Date;
}

export type KeyStoreEntry = PrivateKeyEntry | TrustedCertificateEntry;

/**
 * The in-memory model of every keystore format. Private keys are held decrypted; passwords
 * are only applied when the store is written. Operations return new KeyStore objects.
 */
export interface KeyStore {
  format: KeyStoreFormat;
  entries: KeyStoreEntry[];
}

/** Inputs larger than this are refused before parsing. */
export const MAX_KEYSTORE_BYTES = 10 * 1024 * 1024;

export function checkSize(data: Uint8Array, limit = MAX_KEYSTORE_BYTES): void {
  if (data.byteLength > limit) throw new KeystoreTooLargeError(data.byteLength, limit);
}

export function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Loads an unencrypted PKCS#8 DER private key into node. */
export function privateKeyFromPkcs8(der: Buffer, alias?: string): KeyObject {
  try {
    return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    if (/UNSUPPORTED|unsupported/.test(`${code} ${(err as Error).message}`)) {
      throw new UnsupportedAlgorithmError(
        `The private key${alias ? ` of "${alias}"` : ""} uses an unsupported algorithm.`,
        { cause: err },
      );
    }
    throw new MalformedKeystoreError(
      `The private key${alias ? ` of "${alias}"` : ""} cannot be decoded.`,
      { cause: err },
    );
  }
}

export function pkcs8Pem(key: KeyObject): string {
  return key.export({ format: "pem", type: "pkcs8" }).toString();
}

export function pkcs8Der(entry: Pick<PrivateKeyEntry, "privateKeyPem">): Buffer {
  return createPrivateKey(entry.privateKeyPem).export({ format: "der", type: "pkcs8" });
}

/** SubjectPublicKeyInfo DER of a private key, for comparing with a certificate's key. */
export function spkiOfPrivateKey(key: KeyObject): Buffer {
  return createPublicKey(key).export({ format: "der", type: "spki" });
}

export function spkiOfCertificate(cert: X509Certificate): Buffer {
  return cert.publicKey.export({ format: "der", type: "spki" });
}

/**
 * Orders a chain from a leaf through the pool of candidate issuers, using node's
 * X509Certificate.checkIssued plus a signature check, and stopping at a self-signed root.
 */
export function buildChain(leafDer: Buffer, poolDer: Buffer[]): Buffer[] {
  const chain = [leafDer];
  const pool = poolDer.map((der) => ({ der, x: new X509Certificate(der) }));
  let current = new X509Certificate(leafDer);
  const seen = new Set([leafDer.toString("base64")]);
  for (let depth = 0; depth < 16; depth++) {
    if (current.checkIssued(current)) break;
    const next = pool.find(
      (c) =>
        !seen.has(c.der.toString("base64")) && current.checkIssued(c.x) && safeVerify(current, c.x),
    );
    if (!next) break;
    chain.push(next.der);
    seen.add(next.der.toString("base64"));
    current = next.x;
  }
  return chain;
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Java compares aliases case-insensitively; so do we. */
export function sameAlias(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Returns `wanted`, or `wanted-2`, `wanted-3` … whichever is not taken yet. */
export function uniqueAlias(wanted: string, taken: Iterable<string>): string {
  const lower = new Set([...taken].map((a) => a.toLowerCase()));
  if (!lower.has(wanted.toLowerCase())) return wanted;
  for (let i = 2; ; i++) {
    const candidate = `${wanted}-${i}`;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}

/** An alias derived from a certificate's CN ("Example Root CA" → "example-root-ca"). */
export function aliasFromCertificate(cert: CertificateInfo): string {
  const cn = /(?:^|, )CN=((?:\\.|[^,])*)/.exec(cert.subject)?.[1]?.replace(/\\(.)/g, "$1") ?? "";
  const slug = cn
    .toLowerCase()
    .replace(/[^a-z0-9.*_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "certificate";
}

export function describeDerCertificates(ders: Buffer[]): CertificateInfo[] {
  return ders.map((d) => describeCertificate(d));
}

export { certificateDer };
