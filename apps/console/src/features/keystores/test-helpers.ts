import type { KeystoreEntry } from "@conclave/protocol";
import { screen } from "@testing-library/react";

/** A field by its label's exact text; a required field's label ends in PatternFly's " *". */
export const byLabel = (
  label: string,
  root: { getByLabelText: typeof screen.getByLabelText } = screen,
) =>
  root.getByLabelText((text) => text.replace(/\s*\*$/, "").trim() === label, {
    selector: "input,select,textarea",
  });

const LEAF = {
  subject: "CN=realm1.example",
  issuer: "CN=Conclave Test CA",
  serial: "1a2b3c",
  sha256: "AA:BB:CC",
  notBefore: "2026-01-01T00:00:00.000Z",
  notAfter: "2027-01-01T00:00:00.000Z",
  isCA: false,
  selfSigned: false,
};

/** A key entry whose certificate was signed by a test CA (chain of two). */
export function keyEntry(overrides: Partial<KeystoreEntry> = {}): KeystoreEntry {
  return {
    alias: "server",
    kind: "privateKey",
    status: "ok",
    subject: LEAF.subject,
    issuer: LEAF.issuer,
    sans: ["dns:realm1.example", "ip:198.18.0.5"],
    notBefore: LEAF.notBefore,
    notAfter: LEAF.notAfter,
    sha256: LEAF.sha256,
    serial: LEAF.serial,
    keyType: "EC",
    keySize: 256,
    signatureAlgorithm: "ecdsa-with-SHA256",
    keyUsage: ["digitalSignature"],
    extendedKeyUsage: ["serverAuth", "clientAuth"],
    isCA: false,
    expiry: "valid",
    chainLength: 2,
    chain: [
      LEAF,
      {
        subject: "CN=Conclave Test CA",
        issuer: "CN=Conclave Test CA",
        serial: "01",
        sha256: "DD:EE:FF",
        notBefore: "2025-01-01T00:00:00.000Z",
        notAfter: "2035-01-01T00:00:00.000Z",
        isCA: true,
        selfSigned: true,
      },
    ],
    hasCsr: false,
    ...overrides,
  };
}

/** A key entry generated here that waits for its CA reply. */
export function pendingEntry(alias = "pending"): KeystoreEntry {
  return keyEntry({
    alias,
    status: "pendingCaReply",
    subject: "CN=realm2.example",
    issuer: null,
    sans: ["dns:realm2.example"],
    notBefore: null,
    notAfter: null,
    sha256: null,
    serial: null,
    signatureAlgorithm: null,
    keyUsage: [],
    extendedKeyUsage: [],
    expiry: null,
    chainLength: 0,
    chain: [],
    hasCsr: true,
  });
}
