import tls from "node:tls";
import type { TlsProtocol } from "@conclave/protocol";

/**
 * `tls.getCiphers()` lists, lower-cased, the TLSv1.2 ciphers of OpenSSL's default list and the
 * TLSv1.3 suites. OpenSSL matches names case-sensitively and its names are upper case, so the
 * known set is kept upper case and a lower-case entry is refused with the right spelling.
 */
const KNOWN = new Set(tls.getCiphers().map((name) => name.toUpperCase()));

/** TLSv1.3 suites carry their IANA names (TLS_AES_128_GCM_SHA256, …); OpenSSL has no others. */
export const isTls13Suite = (name: string) => name.startsWith("TLS_");

/**
 * What a TLSv1.2 cipher needs from the server: a certificate whose key signs the way its name
 * says (ECDHE-ECDSA-… for EC and EdDSA keys, the others RSA), or a pre-shared key or SRP
 * verifier, which realms do not have.
 */
function tls12Needs(name: string): "ECDSA" | "RSA" | "PSK" {
  if (/PSK|SRP/.test(name)) return "PSK";
  return name.includes("ECDSA") ? "ECDSA" : "RSA";
}

/** The TLSv1.2 signature family of a certificate key type ("EC", "RSA", …); null when unknown. */
function signsWith(keyType: string | undefined): "ECDSA" | "RSA" | null {
  if (!keyType) return null;
  if (keyType === "EC" || keyType.startsWith("Ed")) return "ECDSA";
  if (keyType.startsWith("RSA")) return "RSA";
  return null;
}

/** What OpenSSL is given for a Cipher suites list and the Protocols it leaves usable. */
export interface CipherPlan {
  /** Node's `ciphers` option: TLSv1.3 suites first (Node hands them to OpenSSL's ciphersuites). */
  ciphers: string | undefined;
  minVersion: tls.SecureVersion;
  maxVersion: tls.SecureVersion;
}

/**
 * Turns the Certificates tab's Cipher suites and Protocols into OpenSSL settings, or explains
 * why it cannot (the message is for the operator and does not name the interface).
 *
 * The list is the whole allow-list, as in Universal Messaging: a TLS version none of whose
 * suites is listed is switched off, so a client offering only other suites fails the handshake.
 * An empty list keeps OpenSSL's secure defaults for every chosen protocol. With the served
 * certificate's `keyType` ("EC", "RSA", … from @conclave/pki), TLSv1.2 ciphers that cannot use
 * that key do not count as usable.
 */
export function planCiphers(
  cipherSuites: readonly string[],
  protocols: readonly TlsProtocol[],
  keyType?: string,
): { plan: CipherPlan } | { error: string } {
  const chosen = [...new Set(protocols)].sort();
  if (cipherSuites.length === 0) {
    return {
      plan: {
        ciphers: undefined,
        minVersion: chosen[0] ?? "TLSv1.2",
        maxVersion: chosen[chosen.length - 1] ?? "TLSv1.3",
      },
    };
  }
  const names = [...new Set(cipherSuites.map((name) => name.trim()))];
  const unknown = names.filter((name) => !KNOWN.has(name));
  if (unknown.length > 0) return { error: describeUnknown(unknown) };

  const tls13 = names.filter(isTls13Suite);
  const tls12 = names.filter((name) => !isTls13Suite(name));
  const family = signsWith(keyType);
  const servable12 = tls12.filter((name) => {
    const needs = tls12Needs(name);
    return needs !== "PSK" && (family === null || needs === family);
  });
  const usable = chosen.filter((p) => (p === "TLSv1.3" ? tls13.length > 0 : servable12.length > 0));
  if (usable.length === 0) {
    const keyRuledOut =
      chosen.includes("TLSv1.2") && family !== null && tls12.some((n) => tls12Needs(n) !== "PSK");
    const missing = chosen.includes("TLSv1.3")
      ? "a TLSv1.3 suite such as TLS_AES_128_GCM_SHA256"
      : `a TLSv1.2 cipher such as ${family === "RSA" ? "ECDHE-RSA" : "ECDHE-ECDSA"}-AES128-GCM-SHA256`;
    return {
      error: `Cipher suites ${names.join(", ")} leave no usable suite for Protocols ${chosen.join(", ")}${
        keyRuledOut ? ` with the certificate's ${keyType} key` : ""
      }: add ${missing}${chosen.length < 2 ? ", or allow the other protocol" : ""}`,
    };
  }
  return {
    plan: {
      ciphers: [...tls13, ...tls12].join(":"),
      minVersion: usable[0]!,
      maxVersion: usable[usable.length - 1]!,
    },
  };
}

function describeUnknown(unknown: string[]): string {
  const hints = unknown.flatMap((name) => {
    const upper = name.toUpperCase();
    if (name !== upper && KNOWN.has(upper)) return [`OpenSSL spells ${name} as ${upper}`];
    if (/^TLS_.+_WITH_/.test(upper)) {
      return [`${name} is an IANA name; TLSv1.2 ciphers take their OpenSSL names`];
    }
    return [];
  });
  const subject =
    unknown.length === 1
      ? `Cipher suite ${unknown[0]} is`
      : `Cipher suites ${unknown.join(", ")} are`;
  return `${subject} not known to this realm's TLS library (OpenSSL ${process.versions.openssl})${
    hints.length ? `; ${hints.join("; ")}` : ""
  }; use OpenSSL names such as ECDHE-RSA-AES128-GCM-SHA256 or TLS_AES_128_GCM_SHA256`;
}
