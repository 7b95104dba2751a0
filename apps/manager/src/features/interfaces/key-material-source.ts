/** One key or trust store's bytes and password, ready to be written on the realm's host. */
export interface StoreMaterial {
  data: Uint8Array;
  /** Decides the file's extension, which the realm uses to pick the reader. */
  format: "pkcs12" | "jks" | "jceks" | "pem";
  password: string;
}

/** What an nsps/nhps interface needs from the keystores feature. */
export interface KeyMaterial {
  keyStore: StoreMaterial;
  /** The private key's own password, when it differs from the store's. */
  privateKeyPassword?: string;
  /** The alias of the private-key entry to serve. */
  certificateAlias?: string;
  trustStore?: StoreMaterial;
}

/**
 * Resolves keystore ids (as shown on the Keystores page) to key material. Implemented by the
 * keystores feature; the interfaces feature only reads through it. Null when `keystoreId` (or
 * `truststoreId`) does not exist.
 */
export interface KeyMaterialSource {
  materialFor(
    keystoreId: string,
    truststoreId?: string,
    keyAlias?: string,
  ): Promise<KeyMaterial | null>;
  /** PEM of every trusted-certificate entry of a truststore (the cluster trust store). */
  trustedCertificates?(truststoreId: string): Promise<string[]>;
}
