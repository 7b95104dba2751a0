import {
  createHash,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from "node:crypto";
import { linkSignaturePayload } from "@conclave/protocol";

/** The parts of a link that each side's signature is bound to. */
export interface LinkBinding {
  cluster: string;
  /** The realm that dialled. */
  dialer: string;
  /** The realm that answered. */
  acceptor: string;
  dialerNonce: string;
  acceptorNonce: string;
}

/** A fresh random challenge (base64, 32 bytes). */
export function newNonce(): string {
  return randomBytes(32).toString("base64");
}

/** Signs the binding as `signer` with its Ed25519 identity key; base64. */
export function signLink(binding: LinkBinding, signer: string, privateKey: KeyObject): string {
  const payload = Buffer.from(linkSignaturePayload({ ...binding, signer }), "utf8");
  return sign(null, payload, privateKey).toString("base64");
}

/** Checks `signature` over the binding as `signer` against `publicKeyPem`. Never throws. */
export function verifyLink(
  binding: LinkBinding,
  signer: string,
  publicKeyPem: string,
  signature: string,
): boolean {
  try {
    const payload = Buffer.from(linkSignaturePayload({ ...binding, signer }), "utf8");
    return verify(null, payload, createPublicKey(publicKeyPem), Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/** SHA-256 of the DER form of a PEM public key (hex), as the realm logs its own; null if unreadable. */
export function publicKeyFingerprint(publicKeyPem: string): string | null {
  try {
    const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
    return createHash("sha256").update(der).digest("hex");
  } catch {
    return null;
  }
}

/** True when the PEM holds an Ed25519 public key. */
export function isEd25519PublicKey(publicKeyPem: string): boolean {
  try {
    return createPublicKey(publicKeyPem).asymmetricKeyType === "ed25519";
  } catch {
    return false;
  }
}
