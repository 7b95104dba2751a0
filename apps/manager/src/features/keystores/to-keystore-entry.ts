import { type CertificateInfo, parseCertificates, readCsr } from "@conclave/pki";
import type {
  CertificateSummary,
  ExpiryStatus,
  KeystoreEntry,
  KeystoreSummary,
} from "@conclave/protocol";
import type { KeystoreEntryRecord, KeystoreListRecord } from "../../store/keystores.repo.js";

/** Certificates expiring within this many days are shown as "expiringSoon". */
export const EXPIRY_WARN_DAYS = 30;

const DAY_MS = 86_400_000;

/** Where a validity period stands at `now`. */
export function expiryStatus(
  notBefore: Date | null,
  notAfter: Date,
  now = new Date(),
): ExpiryStatus {
  if (notAfter.getTime() <= now.getTime()) return "expired";
  if (notBefore && notBefore.getTime() > now.getTime()) return "notYetValid";
  if (notAfter.getTime() - now.getTime() < EXPIRY_WARN_DAYS * DAY_MS) return "expiringSoon";
  return "valid";
}

/** The chain stored with an entry, parsed; empty while a CSR awaits its reply. */
export function chainOf(record: Pick<KeystoreEntryRecord, "chainPem">): CertificateInfo[] {
  return record.chainPem.trim() === "" ? [] : parseCertificates(record.chainPem);
}

export function toCertificateSummary(cert: CertificateInfo): CertificateSummary {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serialNumber,
    sha256: cert.fingerprintSha256,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    isCA: cert.isCA,
    selfSigned: cert.selfSigned,
  };
}

const sanText = (san: { type: string; value: string }) => `${san.type}:${san.value}`;

/** The API view of an entry: certificate details, never the private key. */
export function toKeystoreEntry(record: KeystoreEntryRecord, now = new Date()): KeystoreEntry {
  const chain = chainOf(record);
  const leaf = chain[0];
  const base = {
    alias: record.alias,
    kind: record.kind,
    chainLength: chain.length,
    chain: chain.map(toCertificateSummary),
    hasCsr: record.csrPem !== null,
  };
  if (leaf) {
    return {
      ...base,
      status: "ok",
      subject: leaf.subject,
      issuer: leaf.issuer,
      sans: leaf.subjectAltNames.map(sanText),
      notBefore: leaf.notBefore.toISOString(),
      notAfter: leaf.notAfter.toISOString(),
      sha256: leaf.fingerprintSha256,
      serial: leaf.serialNumber,
      keyType: leaf.keyType,
      keySize: leaf.keySize,
      signatureAlgorithm: leaf.signatureAlgorithm,
      keyUsage: leaf.keyUsage,
      extendedKeyUsage: leaf.extendedKeyUsage,
      isCA: leaf.isCA,
      expiry: expiryStatus(leaf.notBefore, leaf.notAfter, now),
    };
  }
  // A key entry generated here, waiting for its CA reply: describe what its CSR asks for.
  const csr = record.csrPem ? readCsr(record.csrPem) : undefined;
  return {
    ...base,
    status: "pendingCaReply",
    subject: csr?.subject ?? record.subject,
    issuer: null,
    sans: csr?.subjectAltNames.map(sanText) ?? [],
    notBefore: null,
    notAfter: null,
    sha256: null,
    serial: null,
    keyType: csr?.keyType ?? "",
    keySize: csr?.keySize ?? 0,
    signatureAlgorithm: null,
    keyUsage: csr?.keyUsage ?? [],
    extendedKeyUsage: csr?.extendedKeyUsage ?? [],
    isCA: false,
    expiry: null,
  };
}

/** The API view of a keystore in the list. */
export function toKeystoreSummary(record: KeystoreListRecord, now = new Date()): KeystoreSummary {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    entryCount: record.entryCount,
    privateKeyCount: record.privateKeyCount,
    trustedCertificateCount: record.trustedCertificateCount,
    nearestExpiry: record.nearestExpiry?.toISOString() ?? null,
    expiry: record.nearestExpiry ? expiryStatus(null, record.nearestExpiry, now) : null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
