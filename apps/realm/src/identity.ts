import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { open, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** The realm's identity key pair; it signs the inter-realm handshake. */
export interface RealmIdentity {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** SHA-256 of the DER public key, hex: what operators compare between realms. */
  fingerprintSha256: string;
}

export const IDENTITY_KEY_FILE = "identity.key";
export const IDENTITY_PUBLIC_KEY_FILE = "identity.pub";

/**
 * Loads the Ed25519 identity from the data directory, generating it on first start. The
 * private key file is created with mode 0600 and never overwritten.
 */
export async function loadOrCreateIdentity(dataDir: string): Promise<{
  identity: RealmIdentity;
  created: boolean;
}> {
  const keyFile = path.join(dataDir, IDENTITY_KEY_FILE);
  const publicFile = path.join(dataDir, IDENTITY_PUBLIC_KEY_FILE);
  let privatePem: string;
  let created = false;
  try {
    privatePem = await readFile(keyFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const { privateKey } = generateKeyPairSync("ed25519");
    privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    // "wx": if another process raced us here, fail rather than replace its key.
    const handle = await open(keyFile, "wx", 0o600);
    try {
      await handle.writeFile(privatePem);
      await handle.sync();
    } finally {
      await handle.close();
    }
    created = true;
  }
  const privateKey = createPrivateKey(privatePem);
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  await writeFile(publicFile, publicKeyPem, { mode: 0o644 });
  const fingerprintSha256 = createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex");
  return { identity: { privateKey, publicKeyPem, fingerprintSha256 }, created };
}
