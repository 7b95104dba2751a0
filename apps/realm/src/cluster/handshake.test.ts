import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newNonce, publicKeyFingerprint, signLink, verifyLink } from "./handshake.js";

describe("link identity signatures", () => {
  const a = generateKeyPairSync("ed25519");
  const b = generateKeyPairSync("ed25519");
  const pemA = a.publicKey.export({ type: "spki", format: "pem" }).toString();
  const pemB = b.publicKey.export({ type: "spki", format: "pem" }).toString();
  const binding = {
    cluster: "c1",
    dialer: "a",
    acceptor: "b",
    dialerNonce: newNonce(),
    acceptorNonce: newNonce(),
  };

  it("verify with the signer's key only, for this link only", () => {
    const signature = signLink(binding, "a", a.privateKey);
    expect(verifyLink(binding, "a", pemA, signature)).toBe(true);
    expect(verifyLink(binding, "a", pemB, signature)).toBe(false);
    // Replayed as the other side, on another cluster, or with another nonce: refused.
    expect(verifyLink(binding, "b", pemA, signature)).toBe(false);
    expect(verifyLink({ ...binding, cluster: "c2" }, "a", pemA, signature)).toBe(false);
    expect(verifyLink({ ...binding, dialerNonce: newNonce() }, "a", pemA, signature)).toBe(false);
    expect(verifyLink(binding, "a", "not a key", signature)).toBe(false);
  });

  it("fingerprints public keys", () => {
    expect(publicKeyFingerprint(pemA)).toMatch(/^[0-9a-f]{64}$/);
    expect(publicKeyFingerprint("nope")).toBeNull();
  });
});
