import { X509Certificate } from "node:crypto";
import type net from "node:net";
import tls from "node:tls";

/** How far up a chain the walk goes before giving up (a loop, or an absurd chain). */
const MAX_CHAIN_DEPTH = 10;

/**
 * OpenSSL verification failures (and Node's host name check): the peer answered, but its
 * certificate is not one the cluster trust store accepts.
 */
const CERTIFICATE_ERROR_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "INVALID_CA",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Whether a failed dial failed because the peer's certificate was rejected. */
export function isCertificateError(error: unknown): error is Error & { code: string } {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && CERTIFICATE_ERROR_CODES.has(code);
}

/** The certificates a TLS peer sent, leaf first; empty for a plain socket. */
export function peerChain(socket: net.Socket): X509Certificate[] {
  if (!(socket instanceof tls.TLSSocket)) return [];
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

/**
 * Why `chain` (leaf first) is not trusted by `caPems`, or null when it leads to one of them
 * and every certificate on the way is valid now. Used to re-check established links when the
 * cluster trust store changes: their host names were checked at the handshake and do not change.
 */
export function untrustedReason(chain: X509Certificate[], caPems: string[]): string | null {
  const leaf = chain[0];
  if (!leaf) return "the peer presented no certificate";
  const anchors = caPems.map((pem) => new X509Certificate(pem));
  const now = Date.now();
  let cert = leaf;
  for (let depth = 0; depth < MAX_CHAIN_DEPTH; depth++) {
    if (Date.parse(cert.validTo) < now || Date.parse(cert.validFrom) > now) {
      return `certificate "${cert.subject.replace(/\n/g, ", ")}" is not valid now (${cert.validFrom} – ${cert.validTo})`;
    }
    const signedBy = (issuer: X509Certificate) =>
      cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
    if (anchors.some((a) => a.fingerprint256 === cert.fingerprint256 || signedBy(a))) return null;
    const next = chain.find((c) => c !== cert && signedBy(c));
    if (!next) break;
    cert = next;
  }
  return `certificate "${leaf.subject.replace(/\n/g, ", ")}" (issuer "${leaf.issuer.replace(/\n/g, ", ")}") does not chain to a CA in the cluster trust store`;
}
