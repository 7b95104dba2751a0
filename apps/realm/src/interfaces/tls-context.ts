import { readFile } from "node:fs/promises";
import path from "node:path";
import tls from "node:tls";
import {
  type CertificateInfo,
  type KeyStore,
  KeystorePasswordError,
  PkiError,
  type PrivateKeyEntry,
  readKeyStore,
} from "@conclave/pki";
import {
  type InterfaceTls,
  REDACTED,
  type ServedCertificate,
  type TlsProtocol,
} from "@conclave/protocol";
import { TlsMaterialError } from "../errors.js";

/** Everything an nsps/nhps listener needs from the Certificates tab, loaded and checked. */
export interface TlsMaterial {
  /** For `tls.createServer` and `tls.Server#setSecureContext`. */
  contextOptions: tls.SecureContextOptions;
  /** Enable Client Cert Validation: ask for a client certificate and refuse one that fails. */
  requestCert: boolean;
  rejectUnauthorized: boolean;
  /** The leaf certificate served, for status. */
  certificate: ServedCertificate;
}

/** OpenSSL's TLSv1.3 suite names; every other name is a TLSv1.2 cipher. */
const isTls13Suite = (name: string) => name.startsWith("TLS_");

/**
 * Loads key store, trust store and CRL named by an interface's Certificates tab and checks that
 * OpenSSL accepts them. Relative paths are resolved against the data directory. Throws a
 * {@link TlsMaterialError} whose message names the interface and the file and tells the
 * operator what to fix; passwords never appear in it.
 */
export async function loadTlsMaterial(
  interfaceName: string,
  config: InterfaceTls,
  dataDir: string,
): Promise<TlsMaterial> {
  const secrets = [config.keyStorePassword, config.trustStorePassword, config.privateKeyPassword];
  const fail = (message: string): never => {
    throw new TlsMaterialError(`Interface ${interfaceName}: ${scrub(message, secrets)}`);
  };

  const keyStorePath = path.resolve(dataDir, config.keyStorePath);
  const keyStore = await openStore(keyStorePath, "Key store", {
    password: config.keyStorePassword,
    keyPassword: config.privateKeyPassword || undefined,
  }).catch((error: Error) => fail(error.message));
  const entry = pickPrivateKey(keyStore, keyStorePath, config.certificateAlias, fail);

  let ca: string[] | undefined;
  if (config.trustStorePath) {
    const trustStorePath = path.resolve(dataDir, config.trustStorePath);
    const trustStore = await openStore(trustStorePath, "Trust store", {
      password: config.trustStorePassword,
    }).catch((error: Error) => fail(error.message));
    ca = trustStore.entries.flatMap((e) =>
      e.kind === "trusted-certificate" ? [e.certificate.pem] : e.chain.map((c) => c.pem),
    );
    if (ca.length === 0) fail(`trust store ${trustStorePath} holds no certificates`);
  } else if (config.enableClientCertValidation) {
    fail(
      "Enable Client Cert Validation needs a Trust store path holding the CAs that sign client certificates",
    );
  }

  let crl: string | undefined;
  if (config.crlPath) {
    const crlPath = path.resolve(dataDir, config.crlPath);
    crl = await readFile(crlPath, "utf8").catch((error: NodeJS.ErrnoException) =>
      fail(`CRL ${crlPath} ${describeFileError(error)}`),
    );
  }

  const { minVersion, maxVersion } = versionRange(config.protocols);
  const contextOptions: tls.SecureContextOptions = {
    key: entry.privateKeyPem,
    cert: entry.chain.map((c) => c.pem).join("\n"),
    ca,
    crl,
    minVersion,
    maxVersion,
    ciphers: cipherString(config.cipherSuites),
  };
  try {
    tls.createSecureContext(contextOptions);
  } catch (error) {
    fail(describeOpenSslError(error as NodeJS.ErrnoException, config.cipherSuites));
  }
  return {
    contextOptions,
    requestCert: config.enableClientCertValidation,
    rejectUnauthorized: config.enableClientCertValidation,
    certificate: summarize(entry.chain[0]!),
  };
}

/** The TLS versions of the Protocols list as an OpenSSL range; never below TLSv1.2. */
export function versionRange(protocols: readonly TlsProtocol[]): {
  minVersion: tls.SecureVersion;
  maxVersion: tls.SecureVersion;
} {
  const sorted = [...new Set(protocols)].sort();
  return {
    minVersion: sorted[0] ?? "TLSv1.2",
    maxVersion: sorted[sorted.length - 1] ?? "TLSv1.3",
  };
}

/**
 * Node takes TLSv1.2 ciphers and TLSv1.3 suites in one `ciphers` string and hands the `TLS_…`
 * names to OpenSSL's ciphersuites. A list naming only one kind keeps the defaults of the other,
 * so restricting TLSv1.2 ciphers does not silently switch TLSv1.3 off.
 */
export function cipherString(cipherSuites: readonly string[]): string | undefined {
  if (cipherSuites.length === 0) return undefined;
  const defaults = tls.DEFAULT_CIPHERS.split(":");
  const tls13 = cipherSuites.filter(isTls13Suite);
  const tls12 = cipherSuites.filter((name) => !isTls13Suite(name));
  return [
    ...(tls13.length ? tls13 : defaults.filter(isTls13Suite)),
    ...(tls12.length ? tls12 : defaults.filter((name) => !isTls13Suite(name))),
  ].join(":");
}

async function openStore(
  file: string,
  label: "Key store" | "Trust store",
  passwords: { password: string; keyPassword?: string },
): Promise<KeyStore> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new Error(`${label} ${file} ${describeFileError(error as NodeJS.ErrnoException)}`);
  }
  try {
    return readKeyStore(bytes, { ...passwords, fileName: path.basename(file) });
  } catch (error) {
    if (error instanceof KeystorePasswordError) {
      const field =
        error.which === "key"
          ? `the Private key password${error.alias ? ` of alias "${error.alias}"` : ""}`
          : `the ${label === "Key store" ? "Key Store Passwd" : "Trust Store Passwd"}`;
      throw new Error(
        `${label} ${file} cannot be opened: ${field} is wrong (or the file was altered)`,
      );
    }
    if (error instanceof PkiError) throw new Error(`${label} ${file}: ${error.message}`);
    throw new Error(`${label} ${file} cannot be read`);
  }
}

function pickPrivateKey(
  store: KeyStore,
  file: string,
  alias: string | undefined,
  fail: (message: string) => never,
): PrivateKeyEntry {
  const keys = store.entries.filter((e): e is PrivateKeyEntry => e.kind === "private-key");
  const names = (list: { alias: string }[]) => list.map((e) => `"${e.alias}"`).join(", ");
  if (alias) {
    const wanted = alias.toLowerCase();
    const found = keys.find((e) => e.alias.toLowerCase() === wanted);
    if (found) return found;
    const others = store.entries.filter((e) => e.alias.toLowerCase() === wanted);
    if (others.length > 0) {
      fail(
        `alias "${alias}" in key store ${file} is a trusted certificate, not a private key; ` +
          `private keys present: ${keys.length ? names(keys) : "none"}`,
      );
    }
    fail(
      `key store ${file} has no entry with Certificate alias "${alias}"; aliases present: ${
        store.entries.length ? names(store.entries) : "none (the key store is empty)"
      }`,
    );
  }
  if (keys.length === 1) return keys[0]!;
  if (keys.length === 0) {
    fail(
      `key store ${file} holds no private key (only trusted certificates${
        store.entries.length ? `: ${names(store.entries)}` : ""
      }); a secure interface needs a private key with its certificate`,
    );
  }
  return fail(
    `key store ${file} holds several private keys (${names(keys)}); set Certificate alias to choose one`,
  );
}

function summarize(leaf: CertificateInfo): ServedCertificate {
  return {
    subject: leaf.subject,
    issuer: leaf.issuer,
    notAfter: leaf.notAfter.toISOString(),
    fingerprintSha256: leaf.fingerprintSha256,
    subjectAltNames: leaf.subjectAltNames.map((san) => `${san.type.toUpperCase()}:${san.value}`),
  };
}

function describeFileError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return "does not exist";
    case "EACCES":
    case "EPERM":
      return "cannot be read by the realm process (permission denied)";
    case "EISDIR":
      return "is a directory, not a file";
    default:
      return `cannot be read (${error.code ?? error.message})`;
  }
}

function describeOpenSslError(
  error: NodeJS.ErrnoException,
  cipherSuites: readonly string[],
): string {
  const text = `${error.code ?? ""} ${error.message}`;
  if (/no cipher match|NO_CIPHER_MATCH|INVALID_ARG_VALUE/i.test(text) && cipherSuites.length) {
    return `OpenSSL knows none of the Cipher suites ${cipherSuites.join(", ")}; use OpenSSL names such as ECDHE-RSA-AES128-GCM-SHA256 or TLS_AES_128_GCM_SHA256`;
  }
  if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(text)) {
    return "the private key does not belong to the certificate in the key store";
  }
  if (/CRL|crl/.test(text))
    return `the CRL is not a PEM certificate revocation list (${error.message})`;
  return `OpenSSL rejected the TLS settings: ${error.message}`;
}

/** Replaces any password that slipped into a message. */
function scrub(message: string, secrets: (string | undefined)[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret && secret.length >= 3 && secret !== REDACTED) out = out.split(secret).join(REDACTED);
  }
  return out;
}
