import { createPrivateKey, X509Certificate } from "node:crypto";
import { type CertificateInfo, describeCertificate } from "./certificate-info.js";
import {
  AliasNotFoundError,
  DuplicateAliasError,
  InvalidCertificateError,
  InvalidParameterError,
  KeyMismatchError,
  PkiError,
} from "./errors.js";
import { readJks, writeJks } from "./jks.js";
import {
  aliasFromCertificate,
  buildChain,
  certificateDer,
  type KeyStore,
  type KeyStoreEntry,
  type KeyStoreFormat,
  type PrivateKeyEntry,
  sameAlias,
  spkiOfCertificate,
  spkiOfPrivateKey,
  toBuffer,
  uniqueAlias,
} from "./keystore.js";
import { parsePemBlocks, writePem } from "./pem.js";
import { writePkcs12 } from "./pkcs12.js";
import { readKeyStore, sniffKeyStoreFormat } from "./read-keystore.js";

/** One row of a keystore listing: what keytool -list shows, without key material. */
export interface KeyStoreEntrySummary {
  alias: string;
  kind: KeyStoreEntry["kind"];
  /** The leaf certificate (key entries) or the trusted certificate. */
  certificate: CertificateInfo | undefined;
  chainLength: number;
  createdAt?: Date;
}

/** Lists the entries of a keystore without their private keys. */
export function listEntries(store: KeyStore): KeyStoreEntrySummary[] {
  return store.entries.map((e) => {
    const summary: KeyStoreEntrySummary = {
      alias: e.alias,
      kind: e.kind,
      certificate: e.kind === "private-key" ? e.chain[0] : e.certificate,
      chainLength: e.kind === "private-key" ? e.chain.length : 1,
    };
    if (e.createdAt) summary.createdAt = e.createdAt;
    return summary;
  });
}

/** Finds an entry by alias (case-insensitively, as Java does). */
export function getEntry(store: KeyStore, alias: string): KeyStoreEntry {
  const entry = store.entries.find((e) => sameAlias(e.alias, alias));
  if (!entry)
    throw new AliasNotFoundError(
      alias,
      store.entries.map((e) => e.alias),
    );
  return entry;
}

function getKeyEntry(store: KeyStore, alias: string): PrivateKeyEntry {
  const entry = getEntry(store, alias);
  if (entry.kind !== "private-key") {
    throw new InvalidParameterError(
      `The entry "${entry.alias}" is a trusted certificate, not a private key.`,
    );
  }
  return entry;
}

function checkAliasFree(store: KeyStore, alias: string, except?: string): void {
  if (alias.trim() === "") throw new InvalidParameterError("An alias cannot be empty.");
  if (
    store.entries.some((e) => sameAlias(e.alias, alias) && !(except && sameAlias(e.alias, except)))
  ) {
    throw new DuplicateAliasError(alias);
  }
}

/**
 * Parses certificates from PEM text (one or many blocks) or DER bytes.
 * @throws InvalidCertificateError when no certificate can be read.
 */
export function parseCertificates(input: Uint8Array | string): CertificateInfo[] {
  const buf = typeof input === "string" ? Buffer.from(input, "utf8") : toBuffer(input);
  if (buf[0] === 0x30) return [describeCertificate(buf)];
  let blocks: ReturnType<typeof parsePemBlocks>;
  try {
    blocks = parsePemBlocks(buf.toString("utf8"));
  } catch (err) {
    if (err instanceof PkiError) throw new InvalidCertificateError(err.message, { cause: err });
    throw err;
  }
  const certs = blocks
    .filter((b) => /CERTIFICATE$/.test(b.label) && b.label !== "CERTIFICATE REQUEST")
    .map((b) => describeCertificate(b.der));
  if (certs.length === 0) {
    throw new InvalidCertificateError(
      "No certificate found: expected PEM or DER X.509 certificates.",
    );
  }
  return certs;
}

function toCertificateInfo(input: Uint8Array | string | CertificateInfo): CertificateInfo[] {
  if (typeof input === "object" && "pem" in input && "fingerprintSha256" in input) return [input];
  return parseCertificates(input);
}

/**
 * Adds a trusted certificate (like `keytool -importcert` or KeyStore Explorer's "Import
 * Trusted Certificate"). The alias defaults to one derived from the certificate's CN.
 * @throws DuplicateAliasError when the alias is taken.
 */
export function importTrustedCertificate(
  store: KeyStore,
  certificate: Uint8Array | string | CertificateInfo,
  options: { alias?: string } = {},
): KeyStore {
  const [cert] = toCertificateInfo(certificate);
  const aliases = store.entries.map((e) => e.alias);
  const alias = options.alias ?? uniqueAlias(aliasFromCertificate(cert!), aliases);
  checkAliasFree(store, alias);
  return {
    ...store,
    entries: [
      ...store.entries,
      { kind: "trusted-certificate", alias, certificate: cert!, createdAt: new Date() },
    ],
  };
}

/**
 * Installs a CA reply (the signed certificate, optionally with its chain) into a key entry.
 * The reply's certificate must carry the entry's public key; the chain is completed from the
 * reply and from the store's trusted certificates, as keytool does.
 * @throws AliasNotFoundError, KeyMismatchError
 */
export function importCaReply(
  store: KeyStore,
  alias: string,
  reply: Uint8Array | string | CertificateInfo[],
): KeyStore {
  const entry = getKeyEntry(store, alias);
  const certs = Array.isArray(reply) ? reply : parseCertificates(reply);
  const spki = spkiOfPrivateKey(createPrivateKey(entry.privateKeyPem));
  const leaf = certs.find((c) => spkiOfCertificate(new X509Certificate(c.pem)).equals(spki));
  if (!leaf) {
    throw new KeyMismatchError(
      `The CA reply does not contain a certificate for the key of "${entry.alias}": its public key does not match. Was the CSR generated from this entry?`,
    );
  }
  const pool = [
    ...certs,
    ...store.entries.flatMap((e) => (e.kind === "trusted-certificate" ? [e.certificate] : [])),
  ].map((c) => certificateDer(c));
  const chain = buildChain(certificateDer(leaf), pool).map((d) => describeCertificate(d));
  return {
    ...store,
    entries: store.entries.map((e) => (e === entry ? { ...entry, chain } : e)),
  };
}

/** Removes an entry. @throws AliasNotFoundError */
export function deleteEntry(store: KeyStore, alias: string): KeyStore {
  const entry = getEntry(store, alias);
  return { ...store, entries: store.entries.filter((e) => e !== entry) };
}

/** Renames an entry. @throws AliasNotFoundError, DuplicateAliasError */
export function renameAlias(store: KeyStore, from: string, to: string): KeyStore {
  const entry = getEntry(store, from);
  checkAliasFree(store, to, entry.alias);
  return {
    ...store,
    entries: store.entries.map((e) => (e === entry ? { ...e, alias: to } : e)),
  };
}

/** Adds a private key with its chain. @throws DuplicateAliasError, KeyMismatchError */
export function addPrivateKeyEntry(
  store: KeyStore,
  entry: { alias: string; privateKeyPem: string; chain: CertificateInfo[] },
): KeyStore {
  checkAliasFree(store, entry.alias);
  const key = createPrivateKey(entry.privateKeyPem);
  const leaf = entry.chain[0];
  if (leaf && !new X509Certificate(leaf.pem).checkPrivateKey(key)) {
    throw new KeyMismatchError(
      `The certificate of "${entry.alias}" does not belong to its private key.`,
    );
  }
  return {
    ...store,
    entries: [
      ...store.entries,
      {
        kind: "private-key",
        alias: entry.alias,
        privateKeyPem: key.export({ format: "pem", type: "pkcs8" }).toString(),
        chain: entry.chain,
        createdAt: new Date(),
      },
    ],
  };
}

/**
 * Builds a truststore from several certificates (PEM bundles, DER files, or parsed
 * certificates), dropping duplicates by fingerprint and deriving unique aliases.
 */
export function buildTrustBundle(
  inputs: (Uint8Array | string | CertificateInfo)[],
  options: { format?: KeyStoreFormat } = {},
): KeyStore {
  const seen = new Set<string>();
  const entries: KeyStoreEntry[] = [];
  for (const input of inputs) {
    for (const cert of toCertificateInfo(input)) {
      if (seen.has(cert.fingerprintSha256)) continue;
      seen.add(cert.fingerprintSha256);
      const alias = uniqueAlias(
        aliasFromCertificate(cert),
        entries.map((e) => e.alias),
      );
      entries.push({ kind: "trusted-certificate", alias, certificate: cert });
    }
  }
  return { format: options.format ?? "pkcs12", entries };
}

export interface WriteKeyStoreOptions {
  format: KeyStoreFormat;
  /** Store password (PKCS#12, JKS). For PEM: encrypts private keys when given. */
  password?: string;
  /** Key password (JKS; PEM). Defaults to the store password. */
  keyPassword?: string;
}

/**
 * Serialises a keystore in any writable format (PKCS#12, JKS, PEM). JCEKS is read-only:
 * write JCEKS stores as PKCS#12 or JKS.
 */
export function writeKeyStore(store: KeyStore, options: WriteKeyStoreOptions): Uint8Array {
  switch (options.format) {
    case "pkcs12":
      return writePkcs12(store, { password: requirePassword(options.password) });
    case "jks":
      return writeJks(store, {
        password: requirePassword(options.password),
        ...(options.keyPassword !== undefined ? { keyPassword: options.keyPassword } : {}),
      });
    case "pem": {
      const keyPassword = options.keyPassword ?? options.password;
      return Buffer.from(writePem(store, keyPassword !== undefined ? { keyPassword } : {}), "utf8");
    }
    case "jceks":
      throw new InvalidParameterError("JCEKS can be read but not written; choose PKCS#12 or JKS.");
  }
}

function requirePassword(p: string | undefined): string {
  if (p === undefined) throw new InvalidParameterError("A store password is required.");
  return p;
}

/** Converts keystore bytes from one format (sniffed) to another. */
export function convertKeyStore(
  data: Uint8Array,
  from: { password?: string; keyPassword?: string; fileName?: string },
  to: WriteKeyStoreOptions,
): Uint8Array {
  const store = readKeyStore(data, from);
  return writeKeyStore({ ...store, format: to.format }, to);
}

/**
 * Changes the store password (and optionally the key password) of keystore bytes, keeping
 * the format. Reading fully before writing means nothing is half-written on failure.
 */
export function changeStorePassword(
  data: Uint8Array,
  options: {
    oldPassword: string;
    newPassword: string;
    oldKeyPassword?: string;
    newKeyPassword?: string;
    fileName?: string;
  },
): Uint8Array {
  const store = readKeyStore(data, {
    password: options.oldPassword,
    ...(options.oldKeyPassword !== undefined ? { keyPassword: options.oldKeyPassword } : {}),
    ...(options.fileName ? { fileName: options.fileName } : {}),
  });
  const format = store.format === "jceks" ? "jks" : store.format;
  return writeKeyStore(store, {
    format,
    password: options.newPassword,
    keyPassword: options.newKeyPassword ?? options.newPassword,
  });
}

/**
 * Changes the password of one private key in a JKS store (PKCS#12 keys always share the
 * store password in keytool, so this applies to JKS). Other keys keep their passwords.
 */
export function changeKeyPassword(
  data: Uint8Array,
  options: {
    storePassword: string;
    alias: string;
    oldKeyPassword: string;
    newKeyPassword: string;
    /** Passwords of the other keys, when they differ from the store password. */
    otherKeyPasswords?: Record<string, string>;
  },
): Uint8Array {
  if (sniffKeyStoreFormat(data) !== "jks") {
    throw new InvalidParameterError(
      "Only JKS keys have their own password; PKCS#12 keys share the store password, so change that instead.",
    );
  }
  const others = options.otherKeyPasswords ?? {};
  const store = readJks(data, {
    password: options.storePassword,
    keyPasswords: { ...others, [options.alias]: options.oldKeyPassword },
  });
  const entry = getKeyEntry(store, options.alias);
  return writeJks(store, {
    password: options.storePassword,
    keyPasswords: { ...others, [entry.alias]: options.newKeyPassword },
  });
}

/**
 * Re-encodes a PKCS#12 file (for instance a legacy RC2/3DES one that Node's OpenSSL 3
 * refuses) in the modern form: AES-256-CBC, PBKDF2/HMAC-SHA256, HMAC-SHA256 integrity.
 */
export function reencodePkcs12(
  data: Uint8Array,
  password: string,
  newPassword = password,
): Uint8Array {
  const store = readKeyStore(data, { password, format: "pkcs12" });
  return writePkcs12(store, { password: newPassword });
}

/**
 * The Node TLS options for a key entry plus the trusted certificates of a truststore.
 * @throws AliasNotFoundError when the alias is absent; InvalidParameterError when the store
 * holds several keys and no alias is given.
 */
export function tlsCredentials(
  keyStore: KeyStore,
  options: { alias?: string; trustStore?: KeyStore } = {},
): { key: string; cert: string; ca?: string[] } {
  let entry: PrivateKeyEntry;
  if (options.alias) entry = getKeyEntry(keyStore, options.alias);
  else {
    const keys = keyStore.entries.filter((e): e is PrivateKeyEntry => e.kind === "private-key");
    if (keys.length !== 1) {
      throw new InvalidParameterError(
        keys.length === 0
          ? "The keystore holds no private key."
          : `The keystore holds several private keys (${keys.map((k) => `"${k.alias}"`).join(", ")}); choose an alias.`,
      );
    }
    entry = keys[0]!;
  }
  const result: { key: string; cert: string; ca?: string[] } = {
    key: entry.privateKeyPem,
    cert: entry.chain.map((c) => c.pem).join(""),
  };
  if (options.trustStore) {
    result.ca = options.trustStore.entries.flatMap((e) =>
      e.kind === "trusted-certificate" ? [e.certificate.pem] : e.chain.map((c) => c.pem),
    );
  }
  return result;
}
