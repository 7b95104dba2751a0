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
import { type InterfaceTls, REDACTED, type ServedCertificate } from "@conclave/protocol";
import { TlsMaterialError } from "../errors.js";
import { planCiphers } from "./cipher-suites.js";

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

  const ciphers = planCiphers(config.cipherSuites, config.protocols, entry.chain[0]?.keyType);
  if ("error" in ciphers) return fail(ciphers.error);
  const { plan } = ciphers;
  const contextOptions: tls.SecureContextOptions = {
    key: entry.privateKeyPem,
    cert: entry.chain.map((c) => c.pem).join("\n"),
    ca,
    crl,
    minVersion: plan.minVersion,
    maxVersion: plan.maxVersion,
    ...(plan.ciphers ? { ciphers: plan.ciphers } : {}),
  };
  try {
    tls.createSecureContext(contextOptions);
  } catch (error) {
    fail(describeOpenSslError(error as NodeJS.ErrnoException));
  }
  return {
    contextOptions,
    requestCert: config.enableClientCertValidation,
    rejectUnauthorized: config.enableClientCertValidation,
    certificate: summarize(entry.chain[0]!),
  };
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

function describeOpenSslError(error: NodeJS.ErrnoException): string {
  const text = `${error.code ?? ""} ${error.message}`;
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
