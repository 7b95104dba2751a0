import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  X509Certificate,
} from "node:crypto";
import {
  type CertificateInfo,
  certificateDer,
  describeCertificate,
  type SubjectAltName,
} from "./certificate-info.js";
import {
  type DistinguishedName,
  type ExtendedKeyUsageName,
  encodeExtendedKeyUsage,
  encodeKeyUsage,
  encodeName,
  encodeSubjectAltNames,
  extension,
  generateKeyPair,
  type KeyPairSpec,
  parseSubjectAltName,
  readCsr,
  signatureAlgorithmFor,
  signStructure,
} from "./csr.js";
import { bitString, enc, parseDer, seq } from "./der.js";
import { InvalidParameterError, KeyMismatchError } from "./errors.js";
import type { KeyUsageName } from "./oids.js";
import { OID } from "./oids.js";

/** A certificate authority: its certificate, its key, and its chain up to the root. */
export interface CertificateAuthority {
  certificate: CertificateInfo;
  /** Unencrypted PKCS#8 PEM. Keep it encrypted at rest (the manager's store does). */
  privateKeyPem: string;
  /** The CA's own chain, its certificate first and the root last. */
  chain: CertificateInfo[];
}

/** Issued serial numbers (lower-case hex, as CertificateInfo.serialNumber), to keep unique. */
export type IssuedSerials = ReadonlySet<string>;

/** Random 128-bit positive serial, distinct from those already issued. */
export function newSerial(issued: IssuedSerials = new Set()): Buffer {
  for (;;) {
    const b = randomBytes(16);
    b[0] = (b[0]! & 0x7f) | 0x01; // positive, and no leading zero byte to strip
    if (!issued.has(b.toString("hex").replace(/^0+/, ""))) return b;
  }
}

function subjectKeyIdentifier(spkiDer: Buffer): Buffer {
  // RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents.
  const [, key] = seq(parseDer(spkiDer), 2, "SubjectPublicKeyInfo");
  return createHash("sha1").update(bitString(key)).digest();
}

interface IssueOptions {
  subjectDer: Buffer;
  spkiDer: Buffer;
  issuerDer: Buffer;
  issuerKeyPem: string;
  issuerSpkiDer: Buffer;
  validityDays: number;
  notBefore?: Date;
  serial: Buffer;
  isCA: boolean;
  pathLength?: number;
  keyUsage: KeyUsageName[];
  extendedKeyUsage: ExtendedKeyUsageName[];
  subjectAltNames: SubjectAltName[];
}

const DAY = 86_400_000;

function issue(o: IssueOptions): CertificateInfo {
  if (!(o.validityDays > 0 && o.validityDays <= 36_500)) {
    throw new InvalidParameterError("Validity must be between 1 and 36,500 days.");
  }
  // Back-date by five minutes so peers whose clocks lag slightly accept a fresh certificate.
  const notBefore = o.notBefore ?? new Date(Math.floor(Date.now() / 1000) * 1000 - 5 * 60_000);
  const notAfter = new Date(notBefore.getTime() + o.validityDays * DAY);
  const key = createPrivateKey(o.issuerKeyPem);
  const extensions = [
    extension(
      OID.basicConstraints,
      true,
      enc.sequence(
        ...(o.isCA ? [enc.boolean(true)] : []),
        ...(o.isCA && o.pathLength !== undefined ? [enc.integer(o.pathLength)] : []),
      ),
    ),
    ...(o.keyUsage.length > 0 ? [extension(OID.keyUsage, true, encodeKeyUsage(o.keyUsage))] : []),
    ...(o.extendedKeyUsage.length > 0
      ? [extension(OID.extKeyUsage, false, encodeExtendedKeyUsage(o.extendedKeyUsage))]
      : []),
    ...(o.subjectAltNames.length > 0
      ? [extension(OID.subjectAltName, false, encodeSubjectAltNames(o.subjectAltNames))]
      : []),
    extension(OID.subjectKeyIdentifier, false, enc.octetString(subjectKeyIdentifier(o.spkiDer))),
    extension(
      OID.authorityKeyIdentifier,
      false,
      enc.sequence(enc.implicit(0, subjectKeyIdentifier(o.issuerSpkiDer))),
    ),
  ];
  const tbs = enc.sequence(
    enc.explicit(0, enc.integer(2)),
    enc.integer(o.serial),
    signatureAlgorithmFor(key).algorithm,
    o.issuerDer,
    enc.sequence(enc.time(notBefore), enc.time(notAfter)),
    o.subjectDer,
    o.spkiDer,
    enc.explicit(3, enc.sequence(...extensions)),
  );
  return describeCertificate(signStructure(tbs, key));
}

function subjectDer(cert: CertificateInfo): Buffer {
  // The subject Name exactly as encoded in the certificate, so issuer and subject match bytewise.
  const [tbs] = seq(parseDer(certificateDer(cert)), 3, "Certificate");
  const t = seq(tbs, 6, "TBSCertificate");
  const offset = t[0]!.cls === 2 ? 1 : 0;
  return Buffer.from(t[offset + 4]!.raw);
}

function spkiDerOf(cert: CertificateInfo): Buffer {
  return new X509Certificate(cert.pem).publicKey.export({ format: "der", type: "spki" });
}

export interface CreateCaOptions {
  subject: DistinguishedName;
  /** Default EC P-256. */
  key?: KeyPairSpec;
  /** Default 3650 days for a root, 1825 for an intermediate. */
  validityDays?: number;
  /** basicConstraints pathLenConstraint (0 = may sign only leaf certificates). */
  pathLength?: number;
}

/** Creates a self-signed root CA. */
export async function createRootCa(options: CreateCaOptions): Promise<CertificateAuthority> {
  const { privateKeyPem } = await generateKeyPair(options.key ?? { type: "ec", curve: "P-256" });
  const spkiDer = createPublicKey(privateKeyPem).export({ format: "der", type: "spki" });
  const name = encodeName(options.subject);
  const certificate = issue({
    subjectDer: name,
    spkiDer,
    issuerDer: name,
    issuerKeyPem: privateKeyPem,
    issuerSpkiDer: spkiDer,
    validityDays: options.validityDays ?? 3650,
    serial: newSerial(),
    isCA: true,
    ...(options.pathLength !== undefined ? { pathLength: options.pathLength } : {}),
    keyUsage: ["keyCertSign", "cRLSign"],
    extendedKeyUsage: [],
    subjectAltNames: [],
  });
  return { certificate, privateKeyPem, chain: [certificate] };
}

/** Creates an intermediate CA signed by `parent`. */
export async function createIntermediateCa(
  parent: CertificateAuthority,
  options: CreateCaOptions & { issuedSerials?: IssuedSerials },
): Promise<CertificateAuthority> {
  const { privateKeyPem } = await generateKeyPair(options.key ?? { type: "ec", curve: "P-256" });
  const spkiDer = createPublicKey(privateKeyPem).export({ format: "der", type: "spki" });
  const certificate = issue({
    subjectDer: encodeName(options.subject),
    spkiDer,
    issuerDer: subjectDer(parent.certificate),
    issuerKeyPem: parent.privateKeyPem,
    issuerSpkiDer: spkiDerOf(parent.certificate),
    validityDays: options.validityDays ?? 1825,
    serial: newSerial(options.issuedSerials),
    isCA: true,
    pathLength: options.pathLength ?? 0,
    keyUsage: ["keyCertSign", "cRLSign"],
    extendedKeyUsage: [],
    subjectAltNames: [],
  });
  return { certificate, privateKeyPem, chain: [certificate, ...parent.chain] };
}

export interface SignCsrOptions {
  validityDays: number;
  /** Serials already issued by this CA; the new serial avoids them. */
  issuedSerials?: IssuedSerials;
  /** Replace the CSR's SANs. By default the CSR's SANs are copied. */
  subjectAltNames?: (string | SubjectAltName)[];
  /** Default: the CSR's request, else ["serverAuth", "clientAuth"]. */
  extendedKeyUsage?: ExtendedKeyUsageName[];
  /** Default: the CSR's request, else digitalSignature (+ keyEncipherment for RSA). */
  keyUsage?: KeyUsageName[];
  notBefore?: Date;
}

export interface SignedCertificate {
  certificate: CertificateInfo;
  /** The new certificate followed by the CA chain: what to import as the CA reply. */
  chain: CertificateInfo[];
  chainPem: string;
  /** issuedSerials plus the new serial, for the caller to persist. */
  issuedSerials: Set<string>;
}

/**
 * Signs a CSR as a leaf (end-entity) certificate. The CSR's signature is checked first; its
 * subject and public key are copied verbatim, its SANs copied unless overridden.
 * @throws InvalidParameterError for a bad CSR, SAN or validity.
 */
export function signCsr(
  ca: CertificateAuthority,
  csr: string | Uint8Array,
  options: SignCsrOptions,
): SignedCertificate {
  const req = readCsr(csr);
  const caX509 = new X509Certificate(ca.certificate.pem);
  if (!caX509.checkPrivateKey(createPrivateKey(ca.privateKeyPem))) {
    throw new KeyMismatchError("The CA's private key does not match its certificate.");
  }
  if (!ca.certificate.isCA) throw new InvalidParameterError("The issuing certificate is not a CA.");
  const sans = options.subjectAltNames
    ? options.subjectAltNames.map(parseSubjectAltName)
    : req.subjectAltNames;
  const requestedEku = req.extendedKeyUsage.filter((u): u is ExtendedKeyUsageName =>
    ["serverAuth", "clientAuth", "codeSigning", "emailProtection"].includes(u),
  );
  const eku =
    options.extendedKeyUsage ??
    (requestedEku.length > 0 ? requestedEku : ["serverAuth", "clientAuth"]);
  const requestedKu = req.keyUsage.filter(
    (u): u is KeyUsageName => !["keyCertSign", "cRLSign"].includes(u),
  );
  const ku =
    options.keyUsage ??
    (requestedKu.length > 0
      ? requestedKu
      : req.keyType === "RSA"
        ? (["digitalSignature", "keyEncipherment"] as KeyUsageName[])
        : (["digitalSignature"] as KeyUsageName[]));
  const issued = new Set(options.issuedSerials ?? []);
  const certificate = issue({
    subjectDer: req.subjectDer,
    spkiDer: req.publicKeyDer,
    issuerDer: subjectDer(ca.certificate),
    issuerKeyPem: ca.privateKeyPem,
    issuerSpkiDer: spkiDerOf(ca.certificate),
    validityDays: options.validityDays,
    ...(options.notBefore ? { notBefore: options.notBefore } : {}),
    serial: newSerial(issued),
    isCA: false,
    keyUsage: ku,
    extendedKeyUsage: eku,
    subjectAltNames: sans,
  });
  issued.add(certificate.serialNumber);
  const chain = [certificate, ...ca.chain];
  return { certificate, chain, chainPem: chain.map((c) => c.pem).join(""), issuedSerials: issued };
}
