import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hash as nodeHash,
  pbkdf2Sync,
  randomBytes,
} from "node:crypto";
import forge from "node-forge";
import { type DerNode, enc, octets, oid, seq, smallInt } from "./der.js";
import { KeystorePasswordError, UnsupportedAlgorithmError } from "./errors.js";
import { OID } from "./oids.js";

/**
 * Password-based encryption for PKCS#12 and PKCS#8: PBES2 (PBKDF2 + AES or 3DES) through
 * node:crypto, and the legacy PKCS#12 PBE schemes (SHA-1 + 3DES or RC2) that OpenSSL 3 keeps
 * in its "legacy" provider and Node therefore refuses. RC2 comes from node-forge; the PKCS#12
 * key derivation (RFC 7292 appendix B) is implemented here.
 */

/**
 * Iteration counts above this are refused: a damaged or hostile file could otherwise ask
 * for billions of hash rounds and hang the caller. Real files use 2,048 (OpenSSL),
 * 10,000 (Java PKCS12) or 200,000 (Java JCEKS).
 */
export const MAX_ITERATIONS = 1_000_000;

export function checkIterations(n: number): number {
  if (n < 1 || n > MAX_ITERATIONS) {
    throw new UnsupportedAlgorithmError(
      `The file asks for ${n} key-derivation iterations; only 1 to ${MAX_ITERATIONS} are accepted.`,
    );
  }
  return n;
}

const HASHES: Record<string, { name: string; u: number; v: number }> = {
  [OID.sha1]: { name: "sha1", u: 20, v: 64 },
  [OID.sha224]: { name: "sha224", u: 28, v: 64 },
  [OID.sha256]: { name: "sha256", u: 32, v: 64 },
  [OID.sha384]: { name: "sha384", u: 48, v: 128 },
  [OID.sha512]: { name: "sha512", u: 64, v: 128 },
};

export function digestByOid(o: string): { name: string; u: number; v: number } {
  const h = HASHES[o];
  if (!h) throw new UnsupportedAlgorithmError(`Unsupported digest algorithm ${o}.`);
  return h;
}

/** The PKCS#12 form of a password: UTF-16BE with a two-byte NUL terminator. */
export function bmpPassword(password: string): Buffer {
  const b = Buffer.from(`${password}\0`, "utf16le");
  b.swap16();
  return b;
}

function repeatTo(src: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  if (src.length === 0) return out;
  for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
  return out;
}

/** RFC 7292 appendix B.2 key derivation. id 1 = key, 2 = IV, 3 = MAC key. */
export function pkcs12Kdf(
  hash: { name: string; u: number; v: number },
  password: Buffer,
  salt: Buffer,
  id: number,
  iterations: number,
  n: number,
): Buffer {
  const { u, v } = hash;
  const D = Buffer.alloc(v, id);
  const S = repeatTo(salt, v * Math.ceil(salt.length / v));
  const P = repeatTo(password, v * Math.ceil(password.length / v));
  const I = Buffer.concat([S, P]);
  const out: Buffer[] = [];
  for (let got = 0; got < n; got += u) {
    let A = createHash(hash.name).update(D).update(I).digest();
    for (let j = 1; j < iterations; j++) A = nodeHash(hash.name, A, "buffer");
    out.push(A);
    const B = repeatTo(A, v);
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I.
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

function decipher(name: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw wrongPassword();
  }
}

function wrongPassword(): KeystorePasswordError {
  return new KeystorePasswordError(
    "The password is wrong: the encrypted contents do not decrypt with it.",
  );
}

function rc2Decrypt(key: Buffer, bits: number, iv: Buffer, data: Buffer): Buffer {
  if (data.length % 8 !== 0) throw wrongPassword();
  const cipher = forge.rc2.createDecryptionCipher(
    forge.util.createBuffer(key.toString("binary")),
    bits,
  );
  cipher.start(forge.util.createBuffer(iv.toString("binary")));
  cipher.update(forge.util.createBuffer(data.toString("binary")));
  if (!cipher.finish()) throw wrongPassword();
  return Buffer.from(cipher.output.getBytes(), "binary");
}

const PBES2_CIPHERS: Record<string, { name: string; keyLength: number; ivLength: number }> = {
  [OID.aes128CBC]: { name: "aes-128-cbc", keyLength: 16, ivLength: 16 },
  [OID.aes192CBC]: { name: "aes-192-cbc", keyLength: 24, ivLength: 16 },
  [OID.aes256CBC]: { name: "aes-256-cbc", keyLength: 32, ivLength: 16 },
  [OID.desEde3CBC]: { name: "des-ede3-cbc", keyLength: 24, ivLength: 8 },
};

const PRFS: Record<string, string> = {
  [OID.hmacWithSHA1]: "sha1",
  [OID.hmacWithSHA224]: "sha224",
  [OID.hmacWithSHA256]: "sha256",
  [OID.hmacWithSHA384]: "sha384",
  [OID.hmacWithSHA512]: "sha512",
};

/** Human name of an encryption AlgorithmIdentifier, for reports ("AES-256-CBC (PBES2)"). */
export function describePbe(algorithm: DerNode): string {
  const [alg, params] = seq(algorithm, 1, "AlgorithmIdentifier");
  const o = oid(alg);
  switch (o) {
    case OID.pbes2: {
      const [, scheme] = seq(params, 2, "PBES2-params");
      const c = PBES2_CIPHERS[oid(seq(scheme, 1)[0])];
      return `${c?.name.toUpperCase() ?? "unknown"} (PBES2)`;
    }
    case OID.pbeWithSHAAnd3KeyTripleDESCBC:
      return "3DES (PKCS#12 PBE, legacy)";
    case OID.pbeWithSHAAnd40BitRC2CBC:
      return "RC2-40 (PKCS#12 PBE, legacy)";
    case OID.pbeWithSHAAnd128BitRC2CBC:
      return "RC2-128 (PKCS#12 PBE, legacy)";
    default:
      return o;
  }
}

/**
 * Decrypts data protected by a PKCS#5/PKCS#12 password-based AlgorithmIdentifier.
 * @throws KeystorePasswordError when the password does not decrypt the data.
 */
export function pbeDecrypt(algorithm: DerNode, data: Buffer, password: string): Buffer {
  const [alg, params] = seq(algorithm, 1, "AlgorithmIdentifier");
  const o = oid(alg);
  if (o === OID.pbes2) {
    const [kdf, scheme] = seq(params, 2, "PBES2-params");
    const [kdfOid, kdfParams] = seq(kdf, 2, "keyDerivationFunc");
    if (oid(kdfOid) !== OID.pbkdf2) {
      throw new UnsupportedAlgorithmError(
        `Unsupported PBES2 key derivation ${oid(kdfOid)} (only PBKDF2).`,
      );
    }
    const p = seq(kdfParams, 2, "PBKDF2-params");
    const salt = octets(p[0], "PBKDF2 salt");
    const iterations = checkIterations(smallInt(p[1], "PBKDF2 iterations"));
    let prf = "sha1";
    let keyLength: number | undefined;
    for (const extra of p.slice(2)) {
      if (extra.tag === 2 && extra.cls === 0) keyLength = smallInt(extra, "PBKDF2 keyLength");
      else {
        const prfOid = oid(seq(extra, 1, "PBKDF2 prf")[0]);
        const name = PRFS[prfOid];
        if (!name) throw new UnsupportedAlgorithmError(`Unsupported PBKDF2 PRF ${prfOid}.`);
        prf = name;
      }
    }
    const [cipherOid, ivNode] = seq(scheme, 2, "encryptionScheme");
    const c = PBES2_CIPHERS[oid(cipherOid)];
    if (!c) {
      throw new UnsupportedAlgorithmError(
        `Unsupported PBES2 cipher ${oid(cipherOid)} (AES-CBC and 3DES are supported).`,
      );
    }
    const iv = octets(ivNode, "IV");
    if (iv.length !== c.ivLength || (keyLength !== undefined && keyLength !== c.keyLength)) {
      throw wrongPassword();
    }
    const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, c.keyLength, prf);
    return decipher(c.name, key, iv, data);
  }
  const legacy: Record<string, { cipher: "3des" | "2des" | "rc2"; keyLength: number }> = {
    [OID.pbeWithSHAAnd3KeyTripleDESCBC]: { cipher: "3des", keyLength: 24 },
    [OID.pbeWithSHAAnd2KeyTripleDESCBC]: { cipher: "2des", keyLength: 16 },
    [OID.pbeWithSHAAnd128BitRC2CBC]: { cipher: "rc2", keyLength: 16 },
    [OID.pbeWithSHAAnd40BitRC2CBC]: { cipher: "rc2", keyLength: 5 },
  };
  const scheme = legacy[o];
  if (!scheme) {
    throw new UnsupportedAlgorithmError(
      o === OID.pbeWithSHAAnd128BitRC4 || o === OID.pbeWithSHAAnd40BitRC4
        ? "The file is encrypted with RC4, which is not supported. Re-export it with AES."
        : `Unsupported encryption algorithm ${o}.`,
    );
  }
  const p = seq(params, 2, "PBE parameters");
  const salt = octets(p[0], "PBE salt");
  const iterations = checkIterations(smallInt(p[1], "PBE iterations"));
  const sha1 = digestByOid(OID.sha1);
  const pw = bmpPassword(password);
  const key = pkcs12Kdf(sha1, pw, salt, 1, iterations, scheme.keyLength);
  const iv = pkcs12Kdf(sha1, pw, salt, 2, iterations, 8);
  switch (scheme.cipher) {
    case "3des":
      return decipher("des-ede3-cbc", key, iv, data);
    case "2des":
      return decipher("des-ede3-cbc", Buffer.concat([key, key.subarray(0, 8)]), iv, data);
    case "rc2":
      return rc2Decrypt(key, scheme.keyLength * 8, iv, data);
  }
}

export interface Pbes2Options {
  iterations?: number;
}

/** Default PBKDF2 rounds for files we write (Java 17's default for PKCS12). */
export const DEFAULT_ITERATIONS = 10_000;

/**
 * Encrypts with PBES2: PBKDF2/HMAC-SHA256 and AES-256-CBC, the modern PKCS#12 form that
 * OpenSSL 3 and Java 17 both read. Returns the AlgorithmIdentifier and the ciphertext.
 */
export function pbes2Encrypt(
  data: Buffer,
  password: string,
  options: Pbes2Options = {},
): { algorithm: Buffer; encrypted: Buffer } {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const c = createCipheriv("aes-256-cbc", key, iv);
  const encrypted = Buffer.concat([c.update(data), c.final()]);
  const algorithm = enc.algorithm(
    OID.pbes2,
    enc.sequence(
      enc.algorithm(
        OID.pbkdf2,
        enc.sequence(
          enc.octetString(salt),
          enc.integer(iterations),
          enc.algorithm(OID.hmacWithSHA256, null),
        ),
      ),
      enc.algorithm(OID.aes256CBC, enc.octetString(iv)),
    ),
  );
  return { algorithm, encrypted };
}

/** HMAC over `data` keyed by the PKCS#12 MAC key derivation (id 3). */
export function pkcs12Mac(
  hashOid: string,
  password: Buffer,
  salt: Buffer,
  iterations: number,
  data: Buffer,
): Buffer {
  const h = digestByOid(hashOid);
  const key = pkcs12Kdf(h, password, salt, 3, iterations, h.u);
  return createHmac(h.name, key).update(data).digest();
}
