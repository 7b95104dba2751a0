import { createPrivateKey, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import type { CertificateInfo } from "./certificate-info.js";
import type { KeyStore, PrivateKeyEntry } from "./keystore.js";

/** One result of a check, worded for the operator. */
export interface Finding {
  /** Stable identifier, e.g. "host-not-covered", "localhost-only-certificate", "expired". */
  id: string;
  severity: "error" | "warning" | "info";
  message: string;
  /** What to do about it. */
  fix?: string;
}

const LOOPBACK_NAMES = new Set(["localhost", "localhost.localdomain", "ip6-localhost"]);

function isLoopback(name: string): boolean {
  const n = name.toLowerCase().replace(/^\[|\]$/g, "");
  if (LOOPBACK_NAMES.has(n) || n.endsWith(".localhost")) return true;
  if (isIP(n) === 4) return n.startsWith("127.");
  if (isIP(n) === 6) return n === "::1" || /^(0+:){7}0*1$/.test(n);
  return false;
}

function isWildcardBind(address: string): boolean {
  return (
    address === "" ||
    address === "0.0.0.0" ||
    address === "::" ||
    address === "*" ||
    address === "[::]"
  );
}

function covered(x509: X509Certificate, target: string): boolean {
  const t = target.replace(/^\[|\]$/g, "");
  if (isIP(t)) return x509.checkIP(t) !== undefined;
  // subject: "never" — browsers and Node ignore the CN when SANs exist; we ignore it always,
  // so a certificate that works only through its CN is reported.
  return x509.checkHost(t, { subject: "never" }) !== undefined;
}

function sanList(cert: CertificateInfo): string {
  const names = cert.subjectAltNames
    .filter((s) => s.type === "dns" || s.type === "ip")
    .map((s) => s.value);
  return names.length > 0 ? names.join(", ") : "no host names or addresses";
}

export interface HostCoverageOptions {
  /** The interface's Bind address (0.0.0.0 or :: for all addresses). */
  bindAddress: string;
  /**
   * The host names or IP addresses peers and clients dial (the Advertise address, the
   * host's DNS name). Needed for a wildcard bind; checked in addition otherwise.
   */
  dialedAddresses?: string[];
}

/**
 * Does the certificate cover the names peers will dial? Catches the classic failure of a
 * demo certificate valid only for localhost / 127.0.0.1 on an interface bound elsewhere.
 */
export function checkHostCoverage(cert: CertificateInfo, options: HostCoverageOptions): Finding[] {
  const findings: Finding[] = [];
  const x509 = new X509Certificate(cert.pem);
  const dialed = options.dialedAddresses ?? [];
  const targets = isWildcardBind(options.bindAddress) ? dialed : [options.bindAddress, ...dialed];
  if (isWildcardBind(options.bindAddress) && dialed.length === 0) {
    return [
      {
        id: "host-coverage-unknown",
        severity: "warning",
        message: `The interface is bound to all addresses (${options.bindAddress || "*"}), so the addresses peers dial are not known and the certificate cannot be checked against them.`,
        fix: "Give the host names or IP addresses that peers and clients use to reach this interface (its advertised address).",
      },
    ];
  }
  if (!cert.subjectAltNames.some((s) => s.type === "dns" || s.type === "ip")) {
    findings.push({
      id: "no-subject-alt-name",
      severity: "warning",
      message: `The certificate ${cert.subject} has no subjectAltName; TLS clients, Node's included, no longer accept a host name from the CN alone.`,
      fix: "Issue a certificate whose subjectAltName lists the host names and IP addresses of the interface.",
    });
  }
  const localhostOnly =
    cert.subjectAltNames.length > 0 &&
    cert.subjectAltNames
      .filter((s) => s.type === "dns" || s.type === "ip")
      .every((s) => isLoopback(s.value));
  for (const target of [...new Set(targets)]) {
    if (covered(x509, target)) continue;
    if (localhostOnly && !isLoopback(target)) {
      findings.push({
        id: "localhost-only-certificate",
        severity: "error",
        message: `The certificate ${cert.subject} is valid only for ${sanList(cert)}, but peers reach this interface at ${target}. Every TLS handshake from another host will fail host-name verification.`,
        fix: `Replace the demo certificate with one whose subjectAltName includes ${isIP(target) ? `IP:${target}` : `DNS:${target}`} (generate a CSR or let the private CA sign one).`,
      });
    } else {
      findings.push({
        id: "host-not-covered",
        severity: "error",
        message: `The certificate ${cert.subject} does not cover ${target} (it covers ${sanList(cert)}). Peers dialling ${target} will reject it.`,
        fix: `Issue a certificate whose subjectAltName includes ${isIP(target) ? `IP:${target}` : `DNS:${target}`}, or have peers dial a name the certificate covers.`,
      });
    }
  }
  return findings;
}

/** Does the private key belong to the certificate? */
export function checkKeyMatchesCertificate(
  entry: Pick<PrivateKeyEntry, "alias" | "privateKeyPem" | "chain">,
): Finding[] {
  const leaf = entry.chain[0];
  if (!leaf) {
    return [
      {
        id: "no-certificate",
        severity: "error",
        message: `The key entry "${entry.alias}" has no certificate.`,
        fix: "Generate a CSR from this entry, have it signed, and import the CA reply.",
      },
    ];
  }
  if (new X509Certificate(leaf.pem).checkPrivateKey(createPrivateKey(entry.privateKeyPem)))
    return [];
  return [
    {
      id: "key-mismatch",
      severity: "error",
      message: `The private key of "${entry.alias}" does not belong to its certificate ${leaf.subject}; a TLS server cannot start with this pair.`,
      fix: "Import the certificate that was issued for this key, or the key that the certificate was issued for.",
    },
  ];
}

export interface ValidityOptions {
  now?: Date;
  /** Warn this many days before expiry (default 30). */
  warnDays?: number;
}

/** Is each certificate of the chain within its validity period, and not about to expire? */
export function checkValidity(chain: CertificateInfo[], options: ValidityOptions = {}): Finding[] {
  const now = options.now ?? new Date();
  const warnDays = options.warnDays ?? 30;
  const findings: Finding[] = [];
  chain.forEach((cert, i) => {
    const role = i === 0 ? "certificate" : "CA certificate";
    const days = Math.floor((cert.notAfter.getTime() - now.getTime()) / 86_400_000);
    if (cert.notAfter < now) {
      findings.push({
        id: "expired",
        severity: "error",
        message: `The ${role} ${cert.subject} expired on ${cert.notAfter.toISOString()}.`,
        fix: "Issue and import a new certificate before enabling TLS.",
      });
    } else if (cert.notBefore > now) {
      findings.push({
        id: "not-yet-valid",
        severity: "error",
        message: `The ${role} ${cert.subject} is not valid until ${cert.notBefore.toISOString()}; check this host's clock.`,
        fix: "Correct the clock, or wait until the certificate's validity starts.",
      });
    } else if (days < warnDays) {
      findings.push({
        id: "expiring-soon",
        severity: "warning",
        message: `The ${role} ${cert.subject} expires in ${days} day${days === 1 ? "" : "s"} (${cert.notAfter.toISOString()}).`,
        fix: "Rotate the credentials before the expiry date.",
      });
    }
  });
  return findings;
}

export type TlsRole = "server" | "client" | "server-client";

/** Do keyUsage and extendedKeyUsage allow the certificate to act as a TLS server and/or client? */
export function checkKeyUsage(cert: CertificateInfo, role: TlsRole): Finding[] {
  const findings: Finding[] = [];
  const wants: ("serverAuth" | "clientAuth")[] =
    role === "server"
      ? ["serverAuth"]
      : role === "client"
        ? ["clientAuth"]
        : ["serverAuth", "clientAuth"];
  const eku = cert.extendedKeyUsage;
  if (eku.length > 0 && !eku.includes("anyExtendedKeyUsage")) {
    for (const w of wants) {
      if (!eku.includes(w)) {
        findings.push({
          id: `missing-${w === "serverAuth" ? "server" : "client"}-auth`,
          severity: "error",
          message: `The certificate ${cert.subject} lacks the extended key usage ${w} (it has ${eku.join(", ")}), so peers will refuse it as a TLS ${w === "serverAuth" ? "server" : "client"}.`,
          fix: `Issue a certificate with extended key usage ${wants.join(" and ")}.`,
        });
      }
    }
  }
  const ku = cert.keyUsage;
  if (
    ku.length > 0 &&
    !ku.includes("digitalSignature") &&
    !(cert.keyType === "RSA" && ku.includes("keyEncipherment"))
  ) {
    findings.push({
      id: "key-usage-unsuitable",
      severity: "error",
      message: `The certificate ${cert.subject} has key usage ${ku.join(", ")} without digitalSignature; TLS 1.3 and ECDHE handshakes need it.`,
      fix: "Issue a certificate with key usage digitalSignature (and keyEncipherment for RSA).",
    });
  }
  if (cert.isCA) {
    findings.push({
      id: "ca-as-leaf",
      severity: "warning",
      message: `The certificate ${cert.subject} is a CA certificate used as a server or client certificate.`,
      fix: "Issue an end-entity certificate signed by the CA instead.",
    });
  }
  return findings;
}

/** Flags weak keys (RSA < 2048, EC < 256) and SHA-1 or MD5 signatures in a chain. */
export function checkStrength(chain: CertificateInfo[]): Finding[] {
  const findings: Finding[] = [];
  chain.forEach((cert, i) => {
    if ((cert.keyType === "RSA" || cert.keyType === "DSA") && cert.keySize < 2048) {
      findings.push({
        id: "weak-key",
        severity: "error",
        message: `The certificate ${cert.subject} has a ${cert.keySize}-bit ${cert.keyType} key; at least 2048 bits are required.`,
        fix: "Generate a new RSA 2048+ or EC P-256 key and certificate.",
      });
    } else if (cert.keyType === "EC" && cert.keySize < 256) {
      findings.push({
        id: "weak-key",
        severity: "error",
        message: `The certificate ${cert.subject} uses a ${cert.keySize}-bit EC curve; P-256 or stronger is required.`,
        fix: "Generate a new EC P-256 or P-384 key and certificate.",
      });
    }
    const root = i > 0 && cert.selfSigned;
    if (/^(SHA1|MD5|MD2)with/i.test(cert.signatureAlgorithm) && !root) {
      // A root's own signature is never checked, so SHA-1 there is harmless.
      findings.push({
        id: "weak-signature",
        severity: /^MD/.test(cert.signatureAlgorithm) ? "error" : "warning",
        message: `The certificate ${cert.subject} is signed with ${cert.signatureAlgorithm}; OpenSSL 3 at its default security level rejects SHA-1 and MD5 signatures.`,
        fix: "Have the certificate re-issued with SHA-256.",
      });
    }
  });
  return findings;
}

/**
 * Does the chain validate against the truststore? Signatures and issuer links are checked
 * with node's X509Certificate (verify, checkIssued); the chain must end at a certificate the
 * truststore holds.
 */
export function checkChain(
  chain: CertificateInfo[],
  trust: KeyStore | CertificateInfo[],
  options: { now?: Date } = {},
): Finding[] {
  const anchors = (
    Array.isArray(trust)
      ? trust
      : trust.entries.flatMap((e) => (e.kind === "trusted-certificate" ? [e.certificate] : e.chain))
  ).map((c) => ({ info: c, x: new X509Certificate(c.pem) }));
  if (chain.length === 0)
    return [
      { id: "no-certificate", severity: "error", message: "There is no certificate to validate." },
    ];
  if (anchors.length === 0) {
    return [
      {
        id: "empty-truststore",
        severity: "error",
        message: "The truststore holds no certificates, so no peer certificate can be trusted.",
        fix: "Import the CA certificate that signs the realms' certificates into the truststore.",
      },
    ];
  }
  const certs = chain.map((c) => new X509Certificate(c.pem));
  for (let i = 0; i + 1 < certs.length; i++) {
    const [child, parent] = [certs[i]!, certs[i + 1]!];
    if (!child.checkIssued(parent) || !safeVerify(child, parent)) {
      return [
        {
          id: "chain-broken",
          severity: "error",
          message: `The chain is broken: ${chain[i]!.subject} is not signed by the next certificate, ${chain[i + 1]!.subject}.`,
          fix: "Re-import the CA reply with the certificates in order, leaf first.",
        },
      ];
    }
  }
  const now = options.now ?? new Date();
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i]!;
    const fp = cert.fingerprint256;
    if (anchors.some((a) => a.x.fingerprint256 === fp)) return [];
    const anchor = anchors.find((a) => cert.checkIssued(a.x) && safeVerify(cert, a.x));
    if (anchor) {
      if (anchor.info.notAfter < now) {
        return [
          {
            id: "trust-anchor-expired",
            severity: "error",
            message: `The trusted CA ${anchor.info.subject} expired on ${anchor.info.notAfter.toISOString()}.`,
            fix: "Import the CA's renewed certificate into the truststore.",
          },
        ];
      }
      return [];
    }
  }
  const top = chain[chain.length - 1]!;
  return [
    {
      id: "untrusted-chain",
      severity: "error",
      message: `The chain of ${chain[0]!.subject} ends at ${top.subject}${top.selfSigned ? "" : `, issued by ${top.issuer},`} which the truststore does not contain. Peers using this truststore will reject the certificate.`,
      fix: `Import the CA certificate ${top.selfSigned ? top.subject : top.issuer} into the truststore, or have the certificate signed by a CA it trusts.`,
    },
  ];
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export interface TlsEntryCheckOptions extends HostCoverageOptions, ValidityOptions {
  role?: TlsRole;
  /** When given, the chain must validate against it. */
  trustStore?: KeyStore | CertificateInfo[];
}

/**
 * Every pre-flight check for a key entry an interface will serve: host coverage, key match,
 * validity, key usage, strength and (with a truststore) the chain.
 */
export function checkTlsEntry(entry: PrivateKeyEntry, options: TlsEntryCheckOptions): Finding[] {
  const keyFindings = checkKeyMatchesCertificate(entry);
  const leaf = entry.chain[0];
  if (!leaf) return keyFindings;
  return [
    ...checkHostCoverage(leaf, options),
    ...keyFindings,
    ...checkValidity(entry.chain, options),
    ...checkKeyUsage(leaf, options.role ?? "server-client"),
    ...checkStrength(entry.chain),
    ...(options.trustStore ? checkChain(entry.chain, options.trustStore, options) : []),
  ];
}
