import { createDecipheriv, createHash, hash, randomBytes, timingSafeEqual } from "node:crypto";
import { certificateDer, describeCertificate } from "./certificate-info.js";
import { enc, octets, oid, parseDer, seq, smallInt } from "./der.js";
import {
  KeystorePasswordError,
  MalformedKeystoreError,
  NotAKeystoreError,
  PkiError,
  TruncatedKeystoreError,
  UnsupportedAlgorithmError,
} from "./errors.js";
import {
  checkSize,
  type KeyStore,
  type KeyStoreEntry,
  pkcs8Der,
  pkcs8Pem,
  privateKeyFromPkcs8,
  toBuffer,
  uniqueAlias,
} from "./keystore.js";
import { OID } from "./oids.js";
import { checkIterations } from "./pbe.js";

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;

/** Java's password bytes for JKS: each char as two big-endian bytes, no terminator. */
function utf16be(password: string): Buffer {
  const b = Buffer.from(password, "utf16le");
  b.swap16();
  return b;
}

/** The JKS/JCEKS integrity digest: SHA-1(password ‖ "Mighty Aphrodite" ‖ body). */
function integrityDigest(password: string, body: Buffer): Buffer {
  return createHash("sha1")
    .update(utf16be(password))
    .update(Buffer.from("Mighty Aphrodite", "utf8"))
    .update(body)
    .digest();
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new TruncatedKeystoreError(
        "The keystore ends in the middle of an entry: the file looks cut short.",
      );
    }
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** java.io.DataInput.readUTF: u16 length then modified UTF-8. */
  utf(): string {
    this.need(2);
    const n = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return decodeModifiedUtf8(this.bytes(n));
  }
}

function decodeModifiedUtf8(b: Buffer): string {
  // Modified UTF-8 differs from UTF-8 only for NUL (C0 80) and supplementary characters
  // (encoded as surrogate pairs); decode the surrogate form by hand.
  let s = "";
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      s += String.fromCharCode(c);
      i++;
    } else if ((c & 0xe0) === 0xc0 && i + 1 < b.length) {
      s += String.fromCharCode(((c & 0x1f) << 6) | (b[i + 1]! & 0x3f));
      i += 2;
    } else if ((c & 0xf0) === 0xe0 && i + 2 < b.length) {
      s += String.fromCharCode(((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f));
      i += 3;
    } else {
      throw new MalformedKeystoreError("An alias is not valid modified UTF-8.");
    }
  }
  return s;
}

function encodeModifiedUtf8(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 1 && c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  if (bytes.length > 0xffff) throw new MalformedKeystoreError("An alias is too long for JKS.");
  const len = Buffer.alloc(2);
  len.writeUInt16BE(bytes.length);
  return Buffer.concat([len, Buffer.from(bytes)]);
}

/**
 * Sun's proprietary JKS key protector (OID 1.3.6.1.4.1.42.2.17.1.1): the PKCS#8 key XORed
 * with a SHA-1 stream seeded by a 20-byte salt, followed by SHA-1(password ‖ key) as a check.
 */
function jksUnprotect(protectedKey: Buffer, password: string, alias: string): Buffer {
  if (protectedKey.length < 41) {
    throw new MalformedKeystoreError(`The protected key of "${alias}" is too short.`);
  }
  const pw = utf16be(password);
  const salt = protectedKey.subarray(0, 20);
  const cipher = protectedKey.subarray(20, protectedKey.length - 20);
  const check = protectedKey.subarray(protectedKey.length - 20);
  const plain = Buffer.alloc(cipher.length);
  let digest: Buffer = salt;
  for (let i = 0; i < cipher.length; i += 20) {
    digest = createHash("sha1").update(pw).update(digest).digest();
    for (let j = 0; j < 20 && i + j < cipher.length; j++)
      plain[i + j] = cipher[i + j]! ^ digest[j]!;
  }
  const actual = createHash("sha1").update(pw).update(plain).digest();
  if (!timingSafeEqual(actual, check)) {
    throw new KeystorePasswordError(`The key password for "${alias}" is wrong.`, "key", alias);
  }
  return plain;
}

function jksProtect(pkcs8: Buffer, password: string): Buffer {
  const pw = utf16be(password);
  const salt = randomBytes(20);
  const out = Buffer.alloc(pkcs8.length);
  let digest: Buffer = salt;
  for (let i = 0; i < pkcs8.length; i += 20) {
    digest = createHash("sha1").update(pw).update(digest).digest();
    for (let j = 0; j < 20 && i + j < pkcs8.length; j++) out[i + j] = pkcs8[i + j]! ^ digest[j]!;
  }
  const check = createHash("sha1").update(pw).update(pkcs8).digest();
  return Buffer.concat([salt, out, check]);
}

/**
 * JCEKS key protector, PBEWithMD5AndTripleDES (OID 1.3.6.1.4.1.42.2.19.1): Sun's own
 * MD5-based derivation of a 3DES key and IV from the two halves of an 8-byte salt.
 */
function jceksUnprotect(params: Buffer, data: Buffer, password: string, alias: string): Buffer {
  const [saltNode, iterNode] = seq(parseDer(params), 2, "PBEParameter");
  const salt = Buffer.from(octets(saltNode, "salt"));
  const iterations = checkIterations(smallInt(iterNode, "iterations"));
  if (salt.length !== 8)
    throw new MalformedKeystoreError(`The key salt of "${alias}" is not 8 bytes.`);
  // com.sun.crypto.provider.PBEKey keeps only the low 7 bits of each password character.
  const pw = Buffer.from([...password].map((c) => c.charCodeAt(0) & 0x7f));
  if (salt.subarray(0, 4).equals(salt.subarray(4))) {
    // Sun's PBES1Core reverses the first half when both halves are equal.
    salt.subarray(0, 4).reverse();
  }
  const derived: Buffer[] = [];
  for (let half = 0; half < 2; half++) {
    // One buffer reused across rounds: crypto.hash on it is ~40% faster than createHash,
    // which matters at JCEKS's 200,000 rounds.
    const input = Buffer.alloc(16 + pw.length);
    pw.copy(input, 16);
    let h: Buffer = Buffer.concat([salt.subarray(half * 4, half * 4 + 4), pw]);
    h = hash("md5", h, "buffer");
    for (let i = 1; i < iterations; i++) {
      h.copy(input, 0);
      h = hash("md5", input, "buffer");
    }
    derived.push(h);
  }
  const keyIv = Buffer.concat(derived);
  try {
    const d = createDecipheriv("des-ede3-cbc", keyIv.subarray(0, 24), keyIv.subarray(24, 32));
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw new KeystorePasswordError(`The key password for "${alias}" is wrong.`, "key", alias);
  }
}

export interface JksReadOptions {
  /** Store password; when absent the integrity check is skipped (as `keytool -list` does). */
  password?: string;
  /** Key password; defaults to the store password. */
  keyPassword?: string;
  /** Per-alias key passwords, for stores whose keys have different passwords. */
  keyPasswords?: Record<string, string>;
}

/**
 * Reads a JKS or JCEKS keystore. Private-key entries are decrypted with the key password
 * (defaulting to the store password); JCEKS secret-key entries are refused as unsupported.
 */
export function readJks(data: Uint8Array, options: JksReadOptions = {}): KeyStore {
  checkSize(data);
  const buf = toBuffer(data);
  const r = new Reader(buf);
  if (buf.length < 4)
    throw new TruncatedKeystoreError("The keystore is cut short (under 4 bytes).");
  const magic = r.u32();
  if (magic !== JKS_MAGIC && magic !== JCEKS_MAGIC) {
    throw new NotAKeystoreError("The file is not a JKS or JCEKS keystore.");
  }
  const format = magic === JKS_MAGIC ? "jks" : "jceks";
  const version = r.u32();
  if (version !== 1 && version !== 2) {
    throw new MalformedKeystoreError(`Unknown ${format.toUpperCase()} version ${version}.`);
  }
  const count = r.u32();
  interface Raw {
    tag: number;
    alias: string;
    date: Date;
    keyInfo?: Buffer;
    certs: Buffer[];
  }
  const raws: Raw[] = [];
  const readCert = (): Buffer => {
    if (version === 2) {
      const type = r.utf();
      if (type !== "X.509") {
        throw new UnsupportedAlgorithmError(`Certificates of type "${type}" are not supported.`);
      }
    }
    return r.bytes(r.u32());
  };
  for (let i = 0; i < count; i++) {
    const tag = r.u32();
    const alias = r.utf();
    const date = new Date(Number(r.u64()));
    if (tag === 1) {
      const keyInfo = r.bytes(r.u32());
      const n = r.u32();
      const certs: Buffer[] = [];
      for (let j = 0; j < n; j++) certs.push(readCert());
      raws.push({ tag, alias, date, keyInfo, certs });
    } else if (tag === 2) {
      raws.push({ tag, alias, date, certs: [readCert()] });
    } else if (tag === 3 && format === "jceks") {
      throw new UnsupportedAlgorithmError(
        `The entry "${alias}" is a JCEKS secret key, which is not supported. Only private keys and certificates can be read.`,
      );
    } else {
      throw new MalformedKeystoreError(`Entry ${i + 1} has an unknown type (${tag}).`);
    }
  }
  const stored = r.bytes(20);
  if (r.pos !== buf.length) {
    throw new MalformedKeystoreError(
      "The keystore has unexpected bytes after its integrity digest.",
    );
  }
  if (options.password !== undefined) {
    const expected = integrityDigest(options.password, buf.subarray(0, buf.length - 20));
    if (!timingSafeEqual(expected, stored)) {
      throw new KeystorePasswordError(
        "The keystore password is wrong, or the keystore was tampered with (its integrity check failed).",
      );
    }
  }
  const entries: KeyStoreEntry[] = [];
  const taken: string[] = [];
  for (const raw of raws) {
    const alias = uniqueAlias(raw.alias, taken);
    taken.push(alias);
    if (raw.tag === 2) {
      entries.push({
        kind: "trusted-certificate",
        alias,
        certificate: describeCertificate(raw.certs[0]!),
        createdAt: raw.date,
      });
      continue;
    }
    const password = options.keyPasswords?.[raw.alias] ?? options.keyPassword ?? options.password;
    if (password === undefined) {
      throw new KeystorePasswordError(
        `The private key "${raw.alias}" needs a password.`,
        "key",
        raw.alias,
      );
    }
    const [alg, encrypted] = seq(parseDer(raw.keyInfo!), 2, "EncryptedPrivateKeyInfo");
    const algParts = seq(alg, 1, "AlgorithmIdentifier");
    const algOid = oid(algParts[0]);
    const data = octets(encrypted, "encrypted key");
    let pkcs8: Buffer;
    if (algOid === OID.sunJksKeyProtector) pkcs8 = jksUnprotect(data, password, raw.alias);
    else if (algOid === OID.sunJceKeyProtector && algParts[1]) {
      pkcs8 = jceksUnprotect(algParts[1].raw, data, password, raw.alias);
    } else {
      throw new UnsupportedAlgorithmError(
        `The key "${raw.alias}" is protected with ${algOid}, which is not supported.`,
      );
    }
    let key: ReturnType<typeof privateKeyFromPkcs8>;
    try {
      key = privateKeyFromPkcs8(pkcs8, raw.alias);
    } catch (err) {
      // JCEKS has no key check value: a wrong password can leave valid padding by chance.
      if (format === "jceks" && err instanceof PkiError && err.code === "malformed-keystore") {
        throw new KeystorePasswordError(
          `The key password for "${raw.alias}" is wrong.`,
          "key",
          raw.alias,
        );
      }
      throw err;
    }
    entries.push({
      kind: "private-key",
      alias,
      privateKeyPem: pkcs8Pem(key),
      chain: raw.certs.map((c) => describeCertificate(c)),
      createdAt: raw.date,
    });
  }
  return { format, entries };
}

export interface JksWriteOptions {
  /** Store password (integrity check). */
  password: string;
  /** Password protecting every private key; defaults to the store password. */
  keyPassword?: string;
  /** Per-alias key passwords, overriding keyPassword. */
  keyPasswords?: Record<string, string>;
}

/**
 * Writes a JKS keystore (version 2) readable by keytool and every Java runtime: private keys
 * under Sun's key protector, trusted certificates as trustedCertEntry, SHA-1 integrity.
 */
export function writeJks(store: KeyStore, options: JksWriteOptions): Uint8Array {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(n))));
    return b;
  };
  const cert = (der: Buffer) => Buffer.concat([encodeModifiedUtf8("X.509"), u32(der.length), der]);
  parts.push(u32(JKS_MAGIC), u32(2), u32(store.entries.length));
  const now = Date.now();
  for (const entry of store.entries) {
    const date = entry.createdAt?.getTime() ?? now;
    if (entry.kind === "trusted-certificate") {
      parts.push(
        u32(2),
        encodeModifiedUtf8(entry.alias),
        u64(date),
        cert(certificateDer(entry.certificate)),
      );
      continue;
    }
    const password = options.keyPasswords?.[entry.alias] ?? options.keyPassword ?? options.password;
    const keyInfo = enc.sequence(
      enc.algorithm(OID.sunJksKeyProtector, null),
      enc.octetString(jksProtect(pkcs8Der(entry), password)),
    );
    parts.push(
      u32(1),
      encodeModifiedUtf8(entry.alias),
      u64(date),
      u32(keyInfo.length),
      keyInfo,
      u32(entry.chain.length),
      ...entry.chain.map((c) => cert(certificateDer(c))),
    );
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, integrityDigest(options.password, body)]);
}
