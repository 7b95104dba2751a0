import { createHash, randomBytes, timingSafeEqual, X509Certificate } from "node:crypto";
import { certificateDer, describeCertificate } from "./certificate-info.js";
import {
  type DerNode,
  enc,
  explicit,
  isContext,
  octetContent,
  octets,
  oid,
  parseDer,
  seq,
  set,
  smallInt,
  stringValue,
} from "./der.js";
import {
  KeystorePasswordError,
  NotAKeystoreError,
  PkiError,
  UnsupportedAlgorithmError,
} from "./errors.js";
import {
  aliasFromCertificate,
  buildChain,
  checkSize,
  type KeyStore,
  type KeyStoreEntry,
  pkcs8Der,
  pkcs8Pem,
  privateKeyFromPkcs8,
  spkiOfCertificate,
  spkiOfPrivateKey,
  toBuffer,
  uniqueAlias,
} from "./keystore.js";
import { OID } from "./oids.js";
import {
  bmpPassword,
  checkIterations,
  DEFAULT_ITERATIONS,
  describePbe,
  pbeDecrypt,
  pbes2Encrypt,
  pkcs12Mac,
} from "./pbe.js";

interface Bag {
  type: string;
  value: DerNode;
  friendlyName?: string;
  localKeyId?: Buffer;
  javaTrusted: boolean;
}

export interface Pkcs12ReadOptions {
  password?: string;
}

/** What protects a PKCS#12 file; lets the console flag legacy files for re-encoding. */
export interface Pkcs12Protection {
  /** e.g. "AES-256-CBC (PBES2)", "RC2-40 (PKCS#12 PBE, legacy)", "none" */
  certificates: string;
  keys: string;
  mac: string;
  /** True when RC2, RC4 or 3DES is used — files Node's OpenSSL 3 refuses to load. */
  legacy: boolean;
}

function parseAttributes(node: DerNode | undefined, bag: Bag): void {
  if (!node) return;
  for (const attr of set(node, "bagAttributes")) {
    const [type, values] = seq(attr, 2, "Attribute");
    const first = set(values, "Attribute values")[0];
    if (!first) continue;
    switch (oid(type)) {
      case OID.friendlyName:
        bag.friendlyName = stringValue(first);
        break;
      case OID.localKeyId:
        bag.localKeyId = octets(first, "localKeyId");
        break;
      case OID.javaTrustedKeyUsage:
        bag.javaTrusted = true;
        break;
    }
  }
}

function readSafeContents(
  content: Buffer,
  password: string,
  bags: Bag[],
  protection: { keys: Set<string> },
  depth = 0,
): void {
  for (const safeBag of seq(parseDer(content), 0, "SafeContents")) {
    const [idNode, valueWrap, attrs] = seq(safeBag, 2, "SafeBag");
    const type = oid(idNode);
    const value = explicit(valueWrap, 0, "bagValue");
    const bag: Bag = { type, value, javaTrusted: false };
    parseAttributes(attrs, bag);
    if (type === OID.safeContentsBag && depth < 4) {
      readSafeContents(value.raw, password, bags, protection, depth + 1);
      continue;
    }
    if (type === OID.pkcs8ShroudedKeyBag) {
      const [alg] = seq(value, 2, "EncryptedPrivateKeyInfo");
      protection.keys.add(describePbe(alg!));
    }
    bags.push(bag);
  }
}

function decryptShroudedKey(value: DerNode, password: string): Buffer {
  const [alg, data] = seq(value, 2, "EncryptedPrivateKeyInfo");
  return pbeDecrypt(alg!, octets(data, "encryptedData"), password);
}

function verifyMac(macData: DerNode, authSafe: Buffer, password: string): string {
  const [digestInfo, saltNode, iterNode] = seq(macData, 2, "MacData");
  const [algId, digestNode] = seq(digestInfo, 2, "DigestInfo");
  const hashOid = oid(seq(algId, 1, "AlgorithmIdentifier")[0]);
  const expected = octets(digestNode, "MAC digest");
  const salt = octets(saltNode, "MAC salt");
  const iterations = checkIterations(iterNode ? smallInt(iterNode, "MAC iterations") : 1);
  // OpenSSL tries an empty password both as "" (two NUL bytes) and as no password at all.
  const candidates = [bmpPassword(password)];
  if (password === "") candidates.push(Buffer.alloc(0));
  for (const pw of candidates) {
    const mac = pkcs12Mac(hashOid, pw, salt, iterations, authSafe);
    if (mac.length === expected.length && timingSafeEqual(mac, expected)) {
      return `HMAC-${hashOid === OID.sha1 ? "SHA1" : hashOid === OID.sha256 ? "SHA256" : hashOid}`;
    }
  }
  throw new KeystorePasswordError(
    "The keystore password is wrong, or the file was altered after it was written (its integrity check failed).",
  );
}

/**
 * Reads a PKCS#12 (.p12/.pfx) file: modern AES/PBES2 files, and the legacy RC2/3DES files
 * that OpenSSL 3 (and so Node's tls module) refuses. Key bags become private-key entries
 * with their chains; certificates marked with Java's trusted attribute, or not part of any
 * chain, become trusted-certificate entries.
 */
export function readPkcs12(
  data: Uint8Array,
  options: Pkcs12ReadOptions = {},
): KeyStore & { protection: Pkcs12Protection } {
  checkSize(data);
  const password = options.password ?? "";
  const buf = toBuffer(data);
  let pfx: DerNode[];
  try {
    pfx = seq(parseDer(buf), 2, "PFX");
    if (smallInt(pfx[0], "PFX version") !== 3) throw new Error("version");
  } catch (err) {
    if (err instanceof PkiError && err.code === "truncated-keystore") throw err;
    throw new NotAKeystoreError("The file is not a PKCS#12 keystore.", { cause: err });
  }
  const [authSafeCi, macData] = [pfx[1], pfx[2]];
  const [ctype, content] = seq(authSafeCi, 2, "authSafe ContentInfo");
  if (oid(ctype) !== OID.data) {
    throw new UnsupportedAlgorithmError(
      "The PKCS#12 file uses public-key integrity mode, which is not supported.",
    );
  }
  const authSafe = octets(explicit(content, 0, "authSafe content"), "authSafe");
  let mac = "none";
  if (macData) mac = verifyMac(macData, authSafe, password);

  const bags: Bag[] = [];
  const protection = { certificates: new Set<string>(), keys: new Set<string>() };
  for (const ci of seq(parseDer(authSafe), 0, "AuthenticatedSafe")) {
    const [t, c] = seq(ci, 1, "ContentInfo");
    const type = oid(t);
    if (type === OID.data) {
      protection.certificates.add("none");
      readSafeContents(octets(explicit(c, 0, "data"), "data"), password, bags, protection);
    } else if (type === OID.encryptedData) {
      const [, eci] = seq(explicit(c, 0, "encryptedData"), 2, "EncryptedData");
      const [, alg, encrypted] = seq(eci, 2, "EncryptedContentInfo");
      protection.certificates.add(describePbe(alg!));
      if (!isContext(encrypted, 0)) continue; // detached content: nothing to read
      const plain = pbeDecrypt(alg!, octetContent(encrypted), password);
      readSafeContents(plain, password, bags, protection);
    } else {
      throw new UnsupportedAlgorithmError(
        `The PKCS#12 file holds content of type ${type}, which is not supported (public-key privacy mode).`,
      );
    }
  }

  const certBags = bags
    .filter((b) => b.type === OID.certBag)
    .flatMap((b) => {
      const [certType, certValue] = seq(b.value, 2, "CertBag");
      if (oid(certType) !== OID.x509Certificate) return []; // SDSI certificates: ignore
      const der = Buffer.from(octets(explicit(certValue, 0, "certValue"), "certificate"));
      // describeCertificate first: it turns a damaged certificate into a typed error.
      const info = describeCertificate(der);
      return [{ ...b, der, info }];
    });
  const pool = certBags.map((c) => c.der);
  const used = new Set<string>();
  const entries: KeyStoreEntry[] = [];
  const taken: string[] = [];

  let keyIndex = 0;
  for (const bag of bags) {
    if (bag.type !== OID.keyBag && bag.type !== OID.pkcs8ShroudedKeyBag) continue;
    keyIndex++;
    const pkcs8 = bag.type === OID.keyBag ? bag.value.raw : decryptShroudedKey(bag.value, password);
    const key = privateKeyFromPkcs8(Buffer.from(pkcs8), bag.friendlyName);
    const spki = spkiOfPrivateKey(key);
    const leaf =
      (bag.localKeyId &&
        certBags.find((c) => c.localKeyId?.equals(bag.localKeyId!) && !c.javaTrusted)) ||
      certBags.find((c) => spkiOfCertificate(new X509Certificate(c.der)).equals(spki));
    const chainDer = leaf ? buildChain(leaf.der, pool) : [];
    for (const d of chainDer) used.add(d.toString("base64"));
    const alias = uniqueAlias(bag.friendlyName ?? leaf?.friendlyName ?? String(keyIndex), taken);
    taken.push(alias);
    entries.push({
      kind: "private-key",
      alias,
      privateKeyPem: pkcs8Pem(key),
      chain: chainDer.map((d) => certBags.find((c) => c.der.equals(d))!.info),
    });
  }
  for (const c of certBags) {
    if (!c.javaTrusted && used.has(c.der.toString("base64"))) continue;
    const certificate = c.info;
    const alias = uniqueAlias(c.friendlyName ?? aliasFromCertificate(certificate), taken);
    taken.push(alias);
    entries.push({ kind: "trusted-certificate", alias, certificate });
  }
  const certs = [...protection.certificates].filter((p) => p !== "none");
  const keys = [...protection.keys];
  const all = [...certs, ...keys].join(" ");
  return {
    format: "pkcs12",
    entries,
    protection: {
      certificates: certs.join(", ") || "none",
      keys: keys.join(", ") || "none",
      mac,
      legacy: /RC2|RC4|3DES/.test(all),
    },
  };
}

export interface Pkcs12WriteOptions {
  /** Store password: integrity (MAC) and encryption of keys and certificates. */
  password: string;
  /** PBKDF2 and MAC rounds; defaults to 10,000 (Java 17's default). */
  iterations?: number;
  /** Encrypt the certificate bags too (default true, as OpenSSL and Java do). */
  encryptCertificates?: boolean;
}

function attribute(type: string, value: Buffer): Buffer {
  return enc.sequence(enc.oid(type), enc.set(value));
}

function certBag(der: Buffer, attributes: Buffer[]): Buffer {
  return enc.sequence(
    enc.oid(OID.certBag),
    enc.explicit(
      0,
      enc.sequence(enc.oid(OID.x509Certificate), enc.explicit(0, enc.octetString(der))),
    ),
    ...(attributes.length > 0 ? [enc.set(...attributes)] : []),
  );
}

/**
 * Writes a keystore as PKCS#12 in the modern form: keys and certificates encrypted with
 * AES-256-CBC (PBES2, PBKDF2/HMAC-SHA256), integrity by HMAC-SHA256. Trusted-certificate
 * entries carry Java's trusted-certificate attribute so keytool lists them as
 * trustedCertEntry rows.
 */
export function writePkcs12(store: KeyStore, options: Pkcs12WriteOptions): Uint8Array {
  const { password } = options;
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const certBags: Buffer[] = [];
  const keyBags: Buffer[] = [];
  const usedIds = new Set<string>();
  for (const entry of store.entries) {
    const name = attribute(OID.friendlyName, enc.bmp(entry.alias));
    if (entry.kind === "trusted-certificate") {
      certBags.push(
        certBag(certificateDer(entry.certificate), [
          name,
          attribute(OID.javaTrustedKeyUsage, enc.oid(OID.anyExtendedKeyUsage)),
        ]),
      );
      continue;
    }
    const leaf = entry.chain[0];
    // localKeyId pairs the key with its certificate: SHA-1 of the certificate, as OpenSSL does.
    let keyId = createHash("sha1")
      .update(leaf ? certificateDer(leaf) : Buffer.from(entry.privateKeyPem))
      .digest();
    if (usedIds.has(keyId.toString("hex"))) {
      keyId = createHash("sha1").update(keyId).update(entry.alias).digest();
    }
    usedIds.add(keyId.toString("hex"));
    const localKeyId = attribute(OID.localKeyId, enc.octetString(keyId));
    entry.chain.forEach((cert, i) => {
      certBags.push(certBag(certificateDer(cert), i === 0 ? [name, localKeyId] : []));
    });
    const { algorithm, encrypted } = pbes2Encrypt(pkcs8Der(entry), password, { iterations });
    keyBags.push(
      enc.sequence(
        enc.oid(OID.pkcs8ShroudedKeyBag),
        enc.explicit(0, enc.sequence(algorithm, enc.octetString(encrypted))),
        enc.set(name, localKeyId),
      ),
    );
  }
  const contentInfos: Buffer[] = [];
  if (certBags.length > 0) {
    const safeContents = enc.sequence(...certBags);
    if (options.encryptCertificates === false) {
      contentInfos.push(
        enc.sequence(enc.oid(OID.data), enc.explicit(0, enc.octetString(safeContents))),
      );
    } else {
      const { algorithm, encrypted } = pbes2Encrypt(safeContents, password, { iterations });
      contentInfos.push(
        enc.sequence(
          enc.oid(OID.encryptedData),
          enc.explicit(
            0,
            enc.sequence(
              enc.integer(0),
              enc.sequence(enc.oid(OID.data), algorithm, enc.implicit(0, encrypted)),
            ),
          ),
        ),
      );
    }
  }
  if (keyBags.length > 0) {
    contentInfos.push(
      enc.sequence(enc.oid(OID.data), enc.explicit(0, enc.octetString(enc.sequence(...keyBags)))),
    );
  }
  const authSafe = enc.sequence(...contentInfos);
  const salt = randomBytes(20);
  const mac = pkcs12Mac(OID.sha256, bmpPassword(password), salt, iterations, authSafe);
  return enc.sequence(
    enc.integer(3),
    enc.sequence(enc.oid(OID.data), enc.explicit(0, enc.octetString(authSafe))),
    enc.sequence(
      enc.sequence(enc.algorithm(OID.sha256, null), enc.octetString(mac)),
      enc.octetString(salt),
      enc.integer(iterations),
    ),
  );
}
