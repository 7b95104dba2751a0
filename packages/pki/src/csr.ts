import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateKeyPairCallback,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { isIP } from "node:net";
import { promisify } from "node:util";
import {
  describeKey,
  formatName,
  parseExtensions,
  type SubjectAltName,
  toPem,
} from "./certificate-info.js";
import {
  bitString,
  type DerNode,
  enc,
  isContext,
  oid,
  parseDer,
  seq,
  set,
  smallInt,
} from "./der.js";
import { InvalidParameterError, PkiError } from "./errors.js";
import { KEY_USAGE_BITS, type KeyUsageName, OID } from "./oids.js";
import { parsePemBlocks } from "./pem.js";

const generateKeyPairAsync = promisify(generateKeyPairCallback);

export type KeyPairSpec =
  | { type: "rsa"; size: 2048 | 3072 | 4096 }
  | { type: "ec"; curve: "P-256" | "P-384" };

export interface GeneratedKeyPair {
  /** Unencrypted PKCS#8 PEM. */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo PEM. */
  publicKeyPem: string;
}

/**
 * Generates an RSA (2048/3072/4096) or EC (P-256/P-384) key pair with node:crypto, which runs
 * OpenSSL natively off the main thread (node-forge's pure-JS RSA is several times slower).
 */
export async function generateKeyPair(spec: KeyPairSpec): Promise<GeneratedKeyPair> {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (spec.type === "rsa") {
    if (![2048, 3072, 4096].includes(spec.size)) {
      throw new InvalidParameterError(
        `RSA keys must be 2048, 3072 or 4096 bits, not ${spec.size}.`,
      );
    }
    pair = await generateKeyPairAsync("rsa", { modulusLength: spec.size, publicExponent: 0x10001 });
  } else {
    const namedCurve = { "P-256": "prime256v1", "P-384": "secp384r1" }[spec.curve];
    if (!namedCurve)
      throw new InvalidParameterError(`EC curves are P-256 or P-384, not ${spec.curve}.`);
    pair = await generateKeyPairAsync("ec", { namedCurve });
  }
  return {
    privateKeyPem: pair.privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    publicKeyPem: pair.publicKey.export({ format: "pem", type: "spki" }).toString(),
  };
}

/** Subject fields, most specific first as operators type them. */
export interface DistinguishedName {
  commonName: string;
  organizationalUnit?: string | string[];
  organization?: string;
  locality?: string;
  state?: string;
  /** Two-letter ISO 3166 code. */
  country?: string;
  emailAddress?: string;
}

/** Encodes a Name in DER order (C, ST, L, O, OU, CN, emailAddress). */
export function encodeName(dn: DistinguishedName): Buffer {
  if (!dn.commonName?.trim()) throw new InvalidParameterError("The common name (CN) is required.");
  const rdn = (o: string, value: Buffer) => enc.set(enc.sequence(enc.oid(o), value));
  const rdns: Buffer[] = [];
  if (dn.country) {
    if (!/^[A-Za-z]{2}$/.test(dn.country)) {
      throw new InvalidParameterError(
        `The country must be a two-letter code, not "${dn.country}".`,
      );
    }
    rdns.push(rdn("2.5.4.6", enc.printable(dn.country.toUpperCase())));
  }
  if (dn.state) rdns.push(rdn("2.5.4.8", enc.utf8(dn.state)));
  if (dn.locality) rdns.push(rdn("2.5.4.7", enc.utf8(dn.locality)));
  if (dn.organization) rdns.push(rdn("2.5.4.10", enc.utf8(dn.organization)));
  const ous = dn.organizationalUnit === undefined ? [] : [dn.organizationalUnit].flat();
  for (const ou of ous) rdns.push(rdn("2.5.4.11", enc.utf8(ou)));
  rdns.push(rdn("2.5.4.3", enc.utf8(dn.commonName)));
  if (dn.emailAddress) rdns.push(rdn("1.2.840.113549.1.9.1", enc.ia5(dn.emailAddress)));
  return enc.sequence(...rdns);
}

/** Parses an IPv4 or IPv6 literal into its 4 or 16 octets. */
export function ipBytes(ip: string): Buffer {
  const v = isIP(ip);
  if (v === 4) return Buffer.from(ip.split(".").map(Number));
  if (v !== 6) throw new InvalidParameterError(`"${ip}" is not an IP address.`);
  let text = ip.replace(/%.*$/, "");
  // Embedded IPv4 (::ffff:1.2.3.4): turn the dotted tail into two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split(".").map(Number);
    text = text.replace(
      v4[1]!,
      `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`,
    );
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return out;
}

const HOST_NAME =
  /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/**
 * Normalises subjectAltName input: "DNS:host", "IP:addr", "email:x@y", "URI:…", or a bare
 * host name / IP literal (detected).
 * @throws InvalidParameterError for malformed names.
 */
export function parseSubjectAltName(input: string | SubjectAltName): SubjectAltName {
  if (typeof input !== "string") return parseSubjectAltName(`${input.type}:${input.value}`);
  const m = /^(dns|ip|email|uri):(.*)$/i.exec(input.trim());
  const type = (m?.[1]?.toLowerCase() ??
    (isIP(input.trim()) ? "ip" : "dns")) as SubjectAltName["type"];
  const value = (m ? m[2]! : input).trim();
  if (type === "ip" && !isIP(value))
    throw new InvalidParameterError(`"${value}" is not an IP address.`);
  if (type === "dns" && (!HOST_NAME.test(value) || value.length > 253)) {
    throw new InvalidParameterError(`"${value}" is not a valid DNS name.`);
  }
  if (type === "email" && !/^[^@\s]+@[^@\s]+$/.test(value)) {
    throw new InvalidParameterError(`"${value}" is not an email address.`);
  }
  return { type, value };
}

/** Encodes a GeneralNames SEQUENCE. */
export function encodeSubjectAltNames(names: SubjectAltName[]): Buffer {
  return enc.sequence(
    ...names.map((n) => {
      switch (n.type) {
        case "email":
          return enc.implicit(1, Buffer.from(n.value, "latin1"));
        case "dns":
          return enc.implicit(2, Buffer.from(n.value, "latin1"));
        case "uri":
          return enc.implicit(6, Buffer.from(n.value, "latin1"));
        case "ip":
          return enc.implicit(7, ipBytes(n.value));
        default:
          throw new InvalidParameterError(`Unsupported subjectAltName type "${n.type}".`);
      }
    }),
  );
}

/** Encodes a keyUsage BIT STRING in DER's minimal form. */
export function encodeKeyUsage(usages: KeyUsageName[]): Buffer {
  const bits = usages.map((u) => KEY_USAGE_BITS.indexOf(u));
  if (bits.some((b) => b < 0))
    throw new InvalidParameterError(`Unknown key usage in ${usages.join(", ")}.`);
  const high = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(high / 8) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return enc.bitString(bytes, 7 - (high % 8));
}

export type ExtendedKeyUsageName = "serverAuth" | "clientAuth" | "codeSigning" | "emailProtection";
const EKU_OIDS: Record<ExtendedKeyUsageName, string> = {
  serverAuth: OID.serverAuth,
  clientAuth: OID.clientAuth,
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
};

export function encodeExtendedKeyUsage(usages: ExtendedKeyUsageName[]): Buffer {
  return enc.sequence(
    ...usages.map((u) => {
      const o = EKU_OIDS[u];
      if (!o) throw new InvalidParameterError(`Unknown extended key usage "${u}".`);
      return enc.oid(o);
    }),
  );
}

export function extension(o: string, critical: boolean, value: Buffer): Buffer {
  return enc.sequence(enc.oid(o), ...(critical ? [enc.boolean(true)] : []), enc.octetString(value));
}

/** The signature AlgorithmIdentifier and node digest for a private key. */
export function signatureAlgorithmFor(key: KeyObject): {
  algorithm: Buffer;
  digest: string | null;
} {
  const { keyType, keySize } = describeKey(key);
  switch (keyType) {
    case "RSA":
      return { algorithm: enc.algorithm(OID.sha256WithRSAEncryption, null), digest: "sha256" };
    case "EC":
      return keySize >= 384
        ? {
            algorithm: enc.algorithm(keySize > 384 ? OID.ecdsaWithSHA512 : OID.ecdsaWithSHA384),
            digest: keySize > 384 ? "sha512" : "sha384",
          }
        : { algorithm: enc.algorithm(OID.ecdsaWithSHA256), digest: "sha256" };
    case "Ed25519":
      return { algorithm: enc.algorithm(OID.ed25519), digest: null };
    default:
      throw new InvalidParameterError(`Keys of type ${keyType} cannot sign here.`);
  }
}

/** Signs a TBS structure (TBSCertificate or CertificationRequestInfo) and wraps it. */
export function signStructure(tbs: Buffer, key: KeyObject): Buffer {
  const { algorithm, digest } = signatureAlgorithmFor(key);
  const signature = sign(digest, tbs, key);
  return enc.sequence(tbs, algorithm, enc.bitString(signature));
}

export interface CsrOptions {
  /** The key the CSR is for (PKCS#8/PKCS#1/SEC1 PEM). */
  privateKeyPem: string;
  subject: DistinguishedName;
  /** Host names and IP addresses ("realm1.example", "198.18.0.5", "DNS:…", "IP:…"). */
  subjectAltNames?: (string | SubjectAltName)[];
  /** Default ["serverAuth", "clientAuth"]: realm interfaces serve and dial. Empty: omitted. */
  extendedKeyUsage?: ExtendedKeyUsageName[];
  /** Requested keyUsage; default digitalSignature (+ keyEncipherment for RSA). Empty: omitted. */
  keyUsage?: KeyUsageName[];
}

/**
 * Builds a PKCS#10 certificate signing request (PEM) for an existing key, with the SANs and
 * key usages requested in an extensionRequest attribute. Signed with node:crypto for RSA
 * and EC alike.
 */
export function createCsr(options: CsrOptions): string {
  const key = createPrivateKey(options.privateKeyPem);
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  const sans = (options.subjectAltNames ?? []).map(parseSubjectAltName);
  const eku = options.extendedKeyUsage ?? ["serverAuth", "clientAuth"];
  const ku =
    options.keyUsage ??
    (key.asymmetricKeyType === "rsa"
      ? ["digitalSignature", "keyEncipherment"]
      : ["digitalSignature"]);
  const extensions: Buffer[] = [];
  if (sans.length > 0)
    extensions.push(extension(OID.subjectAltName, false, encodeSubjectAltNames(sans)));
  if (ku.length > 0) extensions.push(extension(OID.keyUsage, true, encodeKeyUsage(ku)));
  if (eku.length > 0)
    extensions.push(extension(OID.extKeyUsage, false, encodeExtendedKeyUsage(eku)));
  const attributes =
    extensions.length > 0
      ? enc.sequence(enc.oid(OID.extensionRequest), enc.set(enc.sequence(...extensions)))
      : Buffer.alloc(0);
  const info = enc.sequence(
    enc.integer(0),
    encodeName(options.subject),
    spki,
    enc.implicitConstructed(0, attributes),
  );
  return toPem("CERTIFICATE REQUEST", signStructure(info, key));
}

/** Generates a key pair and a CSR for it in one step. */
export async function generateCsr(
  options: Omit<CsrOptions, "privateKeyPem"> & { key: KeyPairSpec },
): Promise<{ csrPem: string; privateKeyPem: string }> {
  const { privateKeyPem } = await generateKeyPair(options.key);
  return { csrPem: createCsr({ ...options, privateKeyPem }), privateKeyPem };
}

/** What a CSR asks for, after its signature has been checked. */
export interface CsrInfo {
  subject: string;
  /** The DER of the subject Name, copied verbatim into certificates signed from this CSR. */
  subjectDer: Buffer;
  /** SubjectPublicKeyInfo DER. */
  publicKeyDer: Buffer;
  publicKeyPem: string;
  keyType: string;
  keySize: number;
  subjectAltNames: SubjectAltName[];
  keyUsage: string[];
  extendedKeyUsage: string[];
}

/**
 * Reads a PKCS#10 CSR (PEM or DER) and verifies its self-signature.
 * @throws InvalidParameterError when it is not a CSR or the signature does not verify.
 */
export function readCsr(input: string | Uint8Array): CsrInfo {
  try {
    let der: Buffer;
    if (typeof input === "string" || (input[0] !== 0x30 && input.length > 0)) {
      const text = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
      const block = parsePemBlocks(text).find((b) => /CERTIFICATE REQUEST$/.test(b.label));
      if (!block) throw new InvalidParameterError("No CERTIFICATE REQUEST block found.");
      der = block.der;
    } else der = Buffer.from(input);
    const [info, sigAlg, sig] = seq(parseDer(der), 3, "CertificationRequest");
    const [version, subject, spkiNode, attrs] = seq(info, 3, "CertificationRequestInfo");
    if (smallInt(version) !== 0) throw new InvalidParameterError("Unsupported CSR version.");
    const publicKey = createPublicKey({ key: spkiNode!.raw, format: "der", type: "spki" });
    const sigOid = oid(seq(sigAlg, 1)[0]);
    const digest = SIGNATURE_DIGESTS[sigOid];
    if (digest === undefined)
      throw new InvalidParameterError(`Unsupported CSR signature algorithm ${sigOid}.`);
    if (!verify(digest, info!.raw, publicKey, bitString(sig))) {
      throw new InvalidParameterError(
        "The CSR's signature does not verify: it was altered or is damaged.",
      );
    }
    let extensions: DerNode | undefined;
    if (isContext(attrs, 0) && attrs.content.length > 0) {
      for (const attr of readImplicitSet(attrs)) {
        const [type, values] = seq(attr, 2, "Attribute");
        if (oid(type) === OID.extensionRequest) extensions = set(values)[0];
      }
    }
    const ext = parseExtensions(extensions);
    const key = describeKey(publicKey);
    return {
      subject: formatName(subject!),
      subjectDer: Buffer.from(subject!.raw),
      publicKeyDer: Buffer.from(spkiNode!.raw),
      publicKeyPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
      keyType: key.keyType,
      keySize: key.keySize,
      subjectAltNames: ext.subjectAltNames,
      keyUsage: ext.keyUsage,
      extendedKeyUsage: ext.extendedKeyUsage,
    };
  } catch (err) {
    if (err instanceof InvalidParameterError) throw err;
    throw new InvalidParameterError(
      `The CSR cannot be read${err instanceof PkiError ? `: ${err.message}` : "."}`,
    );
  }
}

function readImplicitSet(node: DerNode): DerNode[] {
  // [0] IMPLICIT SET OF Attribute: same content as a SET, different tag.
  return seq({ ...node, cls: 0, tag: 16, constructed: true }, 0, "attributes");
}

const SIGNATURE_DIGESTS: Record<string, string | null> = {
  [OID.sha256WithRSAEncryption]: "sha256",
  [OID.sha384WithRSAEncryption]: "sha384",
  [OID.sha512WithRSAEncryption]: "sha512",
  "1.2.840.113549.1.1.5": "sha1",
  [OID.ecdsaWithSHA256]: "sha256",
  [OID.ecdsaWithSHA384]: "sha384",
  [OID.ecdsaWithSHA512]: "sha512",
  [OID.ed25519]: null,
};
