import { randomBytes, X509Certificate } from "node:crypto";
import type { Db } from "../../store/db.js";
import { KeystoresRepo } from "../../store/keystores.repo.js";
import type { SecretBox } from "../../store/secrets.js";
import { type ChangeContext, KeystoresService } from "../keystores/keystores.service.js";
import { CasService } from "../pki/cas.service.js";

/** Changes the wizards make to keystores and CAs are audited as the manager's own. */
export const SYSTEM: ChangeContext = { actor: null, ip: "" };

const sha256Of = (pem: string) => new X509Certificate(pem).fingerprint256;

/**
 * The keystore work both wizards do: keystores and truststores found again by name (so a step
 * that runs twice reuses what the first run made), trusted certificates added once, and the
 * cluster trust store built from the realms' truststores.
 */
export class WizardKeystores {
  private readonly keystores: KeystoresService | undefined;
  private readonly cas: CasService | undefined;

  constructor(
    private readonly db: Db,
    secrets: SecretBox | undefined,
  ) {
    this.keystores = secrets ? new KeystoresService(db, secrets) : undefined;
    this.cas = secrets ? new CasService(db, secrets) : undefined;
  }

  /** Undefined without a master key: pre-flight reports that as an error. */
  get keystoresOrUndefined(): KeystoresService | undefined {
    return this.keystores;
  }

  services(): { keystores: KeystoresService; cas: CasService } {
    if (!this.keystores || !this.cas) {
      throw new Error("Keystores are not available (no master key)");
    }
    return { keystores: this.keystores, cas: this.cas };
  }

  /** The id of the keystore named `name`, created empty (PKCS#12, random password) if none. */
  async findOrCreate(name: string): Promise<string> {
    const found = (await new KeystoresRepo(this.db).list()).find((k) => k.name === name);
    if (found) return found.id;
    const password = randomBytes(24).toString("base64url");
    return (await this.services().keystores.create({ name, password, type: "pkcs12" }, SYSTEM)).id;
  }

  /** PEM of the trusted-certificate entries of a truststore. */
  async trustedCertificates(truststoreId: string): Promise<string[]> {
    const { store } = await this.services().keystores.open(truststoreId, { withKeys: false });
    return store.entries.flatMap((e) =>
      e.kind === "trusted-certificate" ? [e.certificate.pem] : [],
    );
  }

  /** Adds the certificates a truststore lacks (by SHA-256), aliased after each certificate. */
  async trustAll(truststoreId: string, pems: string[], prefix: string): Promise<void> {
    const { keystores } = this.services();
    const { store } = await keystores.open(truststoreId, { withKeys: false });
    const have = new Set(
      store.entries
        .flatMap((e) =>
          e.kind === "trusted-certificate" ? [e.certificate.pem] : e.chain.map((c) => c.pem),
        )
        .map(sha256Of),
    );
    for (const pem of pems) {
      const sha = sha256Of(pem);
      if (have.has(sha)) continue;
      // Named after the certificate, so a repeated run cannot collide with an earlier alias.
      const alias = `${prefix}-${sha.replace(/:/g, "").slice(0, 16).toLowerCase()}`;
      await keystores.importTrustedCertificate(truststoreId, { certificate: pem, alias }, SYSTEM);
      have.add(sha);
    }
  }

  /**
   * One truststore holding every CA of `truststoreIds`: the only one when they are all the
   * same, else the truststore named `name`, filled with their trusted certificates.
   */
  async unionTruststore(name: string, truststoreIds: string[]): Promise<string> {
    const ids = [...new Set(truststoreIds)];
    if (ids.length === 1) return ids[0]!;
    const union = await this.findOrCreate(name);
    for (const id of ids) await this.trustAll(union, await this.trustedCertificates(id), "ca");
    return union;
  }

  /** SHA-256 (colon-separated upper-case hex) of each trusted certificate of a truststore. */
  async trustedSha256(truststoreId: string): Promise<string[]> {
    return (await this.trustedCertificates(truststoreId)).map(sha256Of);
  }

  /** "name (n CA certificates)" for evidence. */
  async describe(truststoreId: string): Promise<string> {
    const { keystores } = this.services();
    const view = await keystores.get(truststoreId);
    const count = view.entries.filter((e) => e.kind === "trustedCertificate").length;
    return `${view.name} (${count} CA certificate${count === 1 ? "" : "s"})`;
  }
}
