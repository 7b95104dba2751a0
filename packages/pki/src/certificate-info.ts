import { X509Certificate } from "node:crypto";
import {
  bitString,
  type DerNode,
  explicit,
  integer,
  isContext,
  octets,
  oid,
  parseDer,
  seq,
  set,
  stringValue,
  TAG,
  time,
} from "./der.js";
import { InvalidCertificateError, PkiError } from "./errors.js";
import {
  EXTENDED_KEY_USAGE_NAMES,
  KEY_USAGE_BITS,
  NAME_ATTRIBUTES,
  OID,
  SIGNATURE_ALGORITHM_NAMES,
} from "./oids.js";

export interface SubjectAltName {
  type: "dns" | "ip" | "email" | "uri";
  value: string;
}

/**
 * Everything the console shows about a certificate. Plain data (JSON-serialisable apart from
 * the dates), so the manager can return it as is. Names are written the way keytool prints
 * them (RFC 2253 order, most specific first: "CN=realm1, O=Example, C=GB"); the serial
 * number is lower-case hex without leading zeros, as keytool prints it; the fingerprint is
 * upper-case hex pairs separated by colons.
 */
export interface CertificateInfo {
  pem: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  subjectAltNames: SubjectAltName[];
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
  /** "RSA" | "EC" | "Ed25519" | "Ed448" | "DSA" | "RSASSA-PSS" */
  keyType: string;
  /** Modulus bits for RSA/DSA, curve size for EC (256, 384, 521). */
  keySize: number;
  /** EC curve name (e.g. "prime256v1") when keyType is "EC". */
  curve?: string;
  /** Java-style name, e.g. "SHA256withRSA", or the OID when unknown. */
  signatureAlgorithm: string;
  /** keyUsage names (digitalSignature, keyEncipherment, keyCertSign …); empty when absent. */
  keyUsage: string[];
  /** extKeyUsage names (serverAuth, clientAuth …) or OIDs; empty when absent. */
  extendedKeyUsage: string[];
  isCA: boolean;
  /** basicConstraints pathLenConstraint, when present. */
  pathLength?: number;
  selfSigned: boolean;
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
}

const RFC2253_SPECIAL = /[,+"\\<>;=]/g;

function escapeRdnValue(v: string): string {
  let s = v.replace(RFC2253_SPECIAL, (c) => `\\${c}`);
  if (s.startsWith("#") || s.startsWith(" ")) s = `\\${s}`;
  if (s.endsWith(" ") && s.length > 1) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/** Formats an X.501 Name in RFC 2253 order (last RDN first), as keytool does. */
export function formatName(name: DerNode): string {
  const rdns = seq(name, 0, "Name").map((rdn) =>
    set(rdn, "RelativeDistinguishedName")
      .map((atv) => {
        const [type, value] = seq(atv, 2, "AttributeTypeAndValue");
        const o = oid(type);
        const label = NAME_ATTRIBUTES[o] ?? `OID.${o}`;
        const text =
          value!.cls === 0 && value!.tag !== TAG.OCTET_STRING
            ? escapeRdnValue(stringValue(value!))
            : `#${value!.raw.toString("hex")}`;
        return `${label}=${text}`;
      })
      .join(" + "),
  );
  return rdns.reverse().join(", ");
}

/** Formats an IPv4 or IPv6 address from its 4 or 16 octets (IPv6 in RFC 5952 form). */
export function formatIp(b: Buffer): string {
  if (b.length === 4) return [...b].join(".");
  if (b.length !== 16) return b.toString("hex");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLen).join(":");
  return `${head}::${tail}`;
}

/** Parses a GeneralNames SEQUENCE into the name types the console shows. */
export function parseGeneralNames(node: DerNode): SubjectAltName[] {
  const out: SubjectAltName[] = [];
  for (const gn of seq(node, 0, "GeneralNames")) {
    if (gn.cls !== 2) continue;
    switch (gn.tag) {
      case 1:
        out.push({ type: "email", value: gn.content.toString("latin1") });
        break;
      case 2:
        out.push({ type: "dns", value: gn.content.toString("latin1") });
        break;
      case 6:
        out.push({ type: "uri", value: gn.content.toString("latin1") });
        break;
      case 7:
        out.push({ type: "ip", value: formatIp(gn.content) });
        break;
    }
  }
  return out;
}

function hexColon(b: Buffer): string {
  return (b.toString("hex").toUpperCase().match(/../g) ?? []).join(":");
}

/** Wraps DER bytes as PEM with 64-character lines. */
export function toPem(label: string, der: Buffer): string {
  const b64 = der.toString("base64").replace(/(.{64})/g, "$1\n");
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith("\n") ? "" : "\n"}-----END ${label}-----\n`;
}

interface Extensions {
  keyUsage: string[];
  extendedKeyUsage: string[];
  subjectAltNames: SubjectAltName[];
  isCA: boolean;
  pathLength?: number;
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
}

/** Reads the extensions of a certificate (or of a CSR's extensionRequest). */
export function parseExtensions(extensionsSeq: DerNode | undefined): Extensions {
  const ext: Extensions = {
    keyUsage: [],
    extendedKeyUsage: [],
    subjectAltNames: [],
    isCA: false,
  };
  if (!extensionsSeq) return ext;
  for (const e of seq(extensionsSeq, 0, "Extensions")) {
    const parts = seq(e, 2, "Extension");
    const id = oid(parts[0]);
    const value = octets(parts[parts.length - 1], "extension value");
    const inner = parseDer(value);
    switch (id) {
      case OID.keyUsage: {
        const bits = bitString(inner, "keyUsage");
        KEY_USAGE_BITS.forEach((name, i) => {
          const byte = bits[i >> 3];
          if (byte !== undefined && byte & (0x80 >> (i & 7))) ext.keyUsage.push(name);
        });
        break;
      }
      case OID.extKeyUsage:
        ext.extendedKeyUsage = seq(inner, 0, "extKeyUsage").map((k) => {
          const o = oid(k);
          return EXTENDED_KEY_USAGE_NAMES[o] ?? o;
        });
        break;
      case OID.subjectAltName:
        ext.subjectAltNames = parseGeneralNames(inner);
        break;
      case OID.basicConstraints: {
        const bc = seq(inner, 0, "basicConstraints");
        let i = 0;
        if (bc[0]?.tag === TAG.BOOLEAN && bc[0].cls === 0) {
          ext.isCA = bc[0].content[0] !== 0;
          i = 1;
        }
        if (bc[i]?.tag === TAG.INTEGER) ext.pathLength = Number(integer(bc[i]));
        break;
      }
      case OID.subjectKeyIdentifier:
        ext.subjectKeyIdentifier = hexColon(octets(inner, "subjectKeyIdentifier"));
        break;
      case OID.authorityKeyIdentifier: {
        const kid = seq(inner, 0, "authorityKeyIdentifier").find((n) => isContext(n, 0));
        if (kid) ext.authorityKeyIdentifier = hexColon(kid.content);
        break;
      }
    }
  }
  return ext;
}

const CURVE_SIZES: Record<string, number> = {
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp224r1: 224,
};

/** Describes a key from node's KeyObject details (used for certificates and bare keys). */
export function describeKey(key: import("node:crypto").KeyObject): {
  keyType: string;
  keySize: number;
  curve?: string;
} {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { keyType: "RSA", keySize: details.modulusLength ?? 0 };
    case "rsa-pss":
      return { keyType: "RSASSA-PSS", keySize: details.modulusLength ?? 0 };
    case "dsa":
      return { keyType: "DSA", keySize: details.modulusLength ?? 0 };
    case "ec": {
      const curve = details.namedCurve ?? "unknown";
      return { keyType: "EC", keySize: CURVE_SIZES[curve] ?? 0, curve };
    }
    case "ed25519":
      return { keyType: "Ed25519", keySize: 255 };
    case "ed448":
      return { keyType: "Ed448", keySize: 448 };
    default:
      return { keyType: String(key.asymmetricKeyType ?? "unknown"), keySize: 0 };
  }
}

/**
 * Describes a DER-encoded X.509 certificate.
 * @throws InvalidCertificateError when the bytes are not a certificate.
 */
export function describeCertificate(der: Uint8Array): CertificateInfo {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  try {
    const [tbs, sigAlg] = seq(parseDer(buf), 3, "Certificate");
    const t = seq(tbs, 6, "TBSCertificate");
    let i = isContext(t[0], 0) ? 1 : 0;
    const serial = integer(t[i++], "serialNumber");
    i++; // signature AlgorithmIdentifier inside TBS (repeats the outer one)
    const issuer = t[i++]!;
    const [nb, na] = seq(t[i++], 2, "Validity");
    const subject = t[i++]!;
    i++; // subjectPublicKeyInfo: read through node below
    let extensions: DerNode | undefined;
    for (; i < t.length; i++) if (isContext(t[i], 3)) extensions = explicit(t[i], 3, "extensions");
    const sigOid = oid(seq(sigAlg, 1, "AlgorithmIdentifier")[0]);
    const ext = parseExtensions(extensions);

    // node's X509Certificate gives the fingerprint and the public key details.
    const x509 = new X509Certificate(buf);
    const key = describeKey(x509.publicKey);
    const subjectText = formatName(subject);
    const issuerText = formatName(issuer);
    const info: CertificateInfo = {
      pem: toPem("CERTIFICATE", buf),
      subject: subjectText,
      issuer: issuerText,
      serialNumber: (serial < 0n ? -serial : serial).toString(16),
      subjectAltNames: ext.subjectAltNames,
      notBefore: time(nb, "notBefore"),
      notAfter: time(na, "notAfter"),
      fingerprintSha256: x509.fingerprint256,
      keyType: key.keyType,
      keySize: key.keySize,
      signatureAlgorithm: SIGNATURE_ALGORITHM_NAMES[sigOid] ?? sigOid,
      keyUsage: ext.keyUsage,
      extendedKeyUsage: ext.extendedKeyUsage,
      isCA: ext.isCA,
      selfSigned: subject.raw.equals(issuer.raw) && x509.checkIssued(x509),
    };
    if (key.curve) info.curve = key.curve;
    if (ext.pathLength !== undefined) info.pathLength = ext.pathLength;
    if (ext.subjectKeyIdentifier) info.subjectKeyIdentifier = ext.subjectKeyIdentifier;
    if (ext.authorityKeyIdentifier) info.authorityKeyIdentifier = ext.authorityKeyIdentifier;
    return info;
  } catch (err) {
    if (err instanceof InvalidCertificateError) throw err;
    throw new InvalidCertificateError(
      `The certificate cannot be read${err instanceof PkiError ? `: ${err.message}` : "."}`,
      { cause: err },
    );
  }
}

/** The DER bytes of a CertificateInfo (decoded from its PEM). */
export function certificateDer(cert: Pick<CertificateInfo, "pem">): Buffer {
  return Buffer.from(
    cert.pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, ""),
    "base64",
  );
}

/** node's X509Certificate for a CertificateInfo. */
export function toX509(cert: Pick<CertificateInfo, "pem">): X509Certificate {
  return new X509Certificate(cert.pem);
}
