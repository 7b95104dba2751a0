import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value cannot be opened: wrong master key, wrong context, or tampered with. */
export class SecretOpenError extends Error {
  override name = "SecretOpenError";
}

/**
 * Seals secrets (keystore passwords, private keys) for storage with AES-256-GCM.
 *
 * Sealed form: `v1:<keyId>:<base64url(iv ‖ tag ‖ ciphertext)>`. `keyId` is a short hash of the
 * master key, so a value sealed under another key fails with a clear message instead of a
 * bare authentication error, and so a later key rotation can tell old values from new.
 * `context` (e.g. `keystore:42:password`) is bound in as additional authenticated data: a
 * sealed value copied to another row or field does not open there.
 */
export class SecretBox {
  /** Identifies the master key without revealing it. */
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("The master key must be 32 bytes (AES-256)");
    this.keyId = createHash("sha256")
      .update("conclave-key-id")
      .update(key)
      .digest("hex")
      .slice(0, 8);
  }

  /** Encrypts `plaintext` for storage under `context`. */
  seal(plaintext: string | Buffer, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url");
    return `${VERSION}:${this.keyId}:${sealed}`;
  }

  /** Decrypts a value sealed under `context`; throws SecretOpenError otherwise. */
  open(sealed: string, context: string): Buffer {
    const [version, keyId, payload] = sealed.split(":");
    if (version !== VERSION || keyId === undefined || payload === undefined) {
      throw new SecretOpenError("Not a sealed secret");
    }
    if (keyId !== this.keyId) {
      throw new SecretOpenError(
        `Secret was sealed with another master key (key id ${keyId}, current ${this.keyId})`,
      );
    }
    const raw = Buffer.from(payload, "base64url");
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretOpenError("Sealed secret is truncated");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new SecretOpenError(
        "Secret does not open: tampered with or sealed for another context",
      );
    }
  }

  /** `open` for text secrets. */
  openString(sealed: string, context: string): string {
    return this.open(sealed, context).toString("utf8");
  }
}
