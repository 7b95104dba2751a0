import {
  type KeyStore,
  type KeyStoreEntry,
  type PrivateKeyEntry,
  writeKeyStore,
} from "@conclave/pki";
import { ConflictError, NotFoundError } from "../../http/errors.js";
import type { Db } from "../../store/db.js";
import type { SecretBox } from "../../store/secrets.js";
import { KeystoresService } from "./keystores.service.js";
import { toHttpError } from "./to-http-error.js";

/** A key or trust store file to deliver to a realm's host. */
export interface KeyMaterialFile {
  /** A modern PKCS#12 (AES-256-CBC, PBKDF2/HMAC-SHA256, HMAC-SHA256 integrity). */
  bytes: Uint8Array;
  /** The same bytes, under the name the interfaces feature's StoreMaterial uses. */
  data: Uint8Array;
  format: "pkcs12";
  /** The keystore's stored password (Key Store Passwd / Trust Store Passwd). A secret. */
  password: string;
}

/** What an nsps/nhps interface needs: its key store and, when asked for, a trust store. */
export interface KeyMaterial {
  keyStore: KeyMaterialFile & {
    /** The private-key entry inside (Certificate alias). */
    alias: string;
    /** SHA-256 fingerprint of its certificate, to compare with what the realm reports. */
    sha256: string;
    /** Its certificate's notAfter. */
    notAfter: Date;
  };
  /** The same as keyStore.alias, under the name the interfaces feature uses. */
  certificateAlias: string;
  trustStore?: KeyMaterialFile & {
    /** Aliases of the trusted certificates inside. */
    aliases: string[];
  };
}

/** Options of KeyMaterialSource.materialFor. */
export interface KeyMaterialOptions {
  /** Which private-key entry to serve; the keystore's only one when absent. */
  keyAlias?: string | undefined;
  /** A keystore whose trusted certificates become the trust store. */
  truststoreId?: string | undefined;
}

/**
 * Key material for realms, by keystore id: what the interfaces feature delivers when an
 * interface's Certificates tab names `keystoreId` (+ `keyAlias`, `truststoreId`). Each file is
 * re-encoded as a modern PKCS#12 protected by the keystore's stored password, whatever format
 * the keystore was uploaded in, so every realm reads it with Node's OpenSSL 3.
 *
 * Errors are HTTP errors, ready to pass on: 404 for an unknown keystore or alias, 409 when the
 * entry cannot serve TLS (a trusted certificate, a key still waiting for its CA reply, several
 * keys and no alias), 503 when a stored secret does not open.
 *
 * The result holds secrets (the password and, inside the bytes, the private key): deliver it to
 * the agent only, never log it or answer it to a browser.
 */
export class KeyMaterialSource {
  private readonly keystores: KeystoresService;

  constructor(options: { db: Db; secrets: SecretBox }) {
    this.keystores = new KeystoresService(options.db, options.secrets);
  }

  async materialFor(
    keystoreId: string,
    options: KeyMaterialOptions | string = {},
    keyAlias?: string,
  ): Promise<KeyMaterial> {
    // Also callable as materialFor(keystoreId, truststoreId?, keyAlias?), the positional
    // form the interfaces feature's KeyMaterialSource interface declares.
    const wanted: KeyMaterialOptions =
      typeof options === "string"
        ? { truststoreId: options, keyAlias }
        : keyAlias !== undefined
          ? { ...options, keyAlias }
          : options;
    try {
      const opened = await this.keystores.open(keystoreId, { withKeys: true });
      const entry = pickKeyEntry(opened.store, opened.record.name, wanted.keyAlias);
      const leaf = entry.chain[0]!;
      const keyBytes = writeKeyStore(
        { format: "pkcs12", entries: [entry] },
        { format: "pkcs12", password: opened.password },
      );
      const material: KeyMaterial = {
        certificateAlias: entry.alias,
        keyStore: {
          bytes: keyBytes,
          data: keyBytes,
          format: "pkcs12",
          password: opened.password,
          alias: entry.alias,
          sha256: leaf.fingerprintSha256,
          notAfter: leaf.notAfter,
        },
      };
      if (wanted.truststoreId) {
        const trust = await this.keystores.open(wanted.truststoreId, { withKeys: false });
        const trusted = trust.store.entries.filter(
          (e): e is Extract<KeyStoreEntry, { kind: "trusted-certificate" }> =>
            e.kind === "trusted-certificate",
        );
        const trustBytes = writeKeyStore(
          { format: "pkcs12", entries: trusted },
          { format: "pkcs12", password: trust.password },
        );
        material.trustStore = {
          bytes: trustBytes,
          data: trustBytes,
          format: "pkcs12",
          password: trust.password,
          aliases: trusted.map((e) => e.alias),
        };
      }
      return material;
    } catch (error) {
      throw toHttpError(error);
    }
  }

  async trustedCertificates(truststoreId: string): Promise<string[]> {
    try {
      const { store } = await this.keystores.open(truststoreId, { withKeys: false });
      return store.entries.flatMap((e) =>
        e.kind === "trusted-certificate" ? [e.certificate.pem] : [],
      );
    } catch (error) {
      throw toHttpError(error);
    }
  }
}

function pickKeyEntry(store: KeyStore, name: string, alias: string | undefined): PrivateKeyEntry {
  const keys = store.entries.filter((e): e is PrivateKeyEntry => e.kind === "private-key");
  let entry: PrivateKeyEntry | undefined;
  if (alias !== undefined) {
    const found = store.entries.find((e) => e.alias.toLowerCase() === alias.toLowerCase());
    if (!found) {
      throw new NotFoundError(
        `The keystore ${name} has no entry "${alias}"; its key entries: ${keys.map((k) => `"${k.alias}"`).join(", ") || "none"}`,
      );
    }
    if (found.kind !== "private-key") {
      throw new ConflictError(
        `The entry "${found.alias}" of keystore ${name} is a trusted certificate; choose a private-key entry as Certificate alias`,
      );
    }
    entry = found;
  } else if (keys.length === 1) {
    entry = keys[0];
  } else {
    throw new ConflictError(
      keys.length === 0
        ? `The keystore ${name} holds no private key; choose a keystore with a key entry`
        : `The keystore ${name} holds several private keys (${keys.map((k) => `"${k.alias}"`).join(", ")}); set the Certificate alias`,
    );
  }
  if (!entry || entry.chain.length === 0) {
    throw new ConflictError(
      `The key entry "${entry?.alias}" of keystore ${name} has no certificate yet: import its CA reply first`,
    );
  }
  return entry;
}
