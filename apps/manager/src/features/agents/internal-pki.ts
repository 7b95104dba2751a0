import { createHash, X509Certificate } from "node:crypto";
import { hostname } from "node:os";
import {
  type CertificateAuthority,
  createRootCa,
  describeCertificate,
  generateCsr,
  type SignedCertificate,
  signCsr,
} from "@conclave/pki";
import { MANAGER_CLIENT_CN } from "@conclave/protocol";
import type { Db } from "../../store/db.js";
import { InternalPkiRepo, type StoredCredential } from "../../store/internal-pki.repo.js";
import type { SecretBox } from "../../store/secrets.js";

/** A certificate and its private key, in PEM, for a TLS socket. */
export interface TlsCredential {
  certPem: string;
  keyPem: string;
}

const CA = "ca";
const MANAGER_CLIENT = "manager-client";
/** Agent and manager certificates are renewed by re-enrolment; two years keeps that rare. */
const LEAF_VALIDITY_DAYS = 730;

/**
 * The manager's internal CA: it signs each agent's certificate at enrolment, the client
 * certificate the manager presents to agents, and the agent gateway's server certificate.
 * Kept in the store, its key sealed with the master key, so every replica shares it.
 */
export class InternalPki {
  private caPromise: Promise<CertificateAuthority> | undefined;
  private clientPromise: Promise<TlsCredential> | undefined;

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  /** The CA, created on first use. */
  ca(): Promise<CertificateAuthority> {
    this.caPromise ??= this.loadOrCreate(CA, async () => {
      const ca = await createRootCa({
        subject: { commonName: "Conclave internal CA", organization: "Conclave" },
        validityDays: 3650,
        pathLength: 0,
      });
      return { certPem: ca.certificate.pem, keyPem: ca.privateKeyPem };
    }).then((credential) => {
      const certificate = describeCertificate(new X509Certificate(credential.certPem).raw);
      return { certificate, privateKeyPem: credential.keyPem, chain: [certificate] };
    });
    this.caPromise.catch(() => {
      this.caPromise = undefined;
    });
    return this.caPromise;
  }

  /** The CA certificate in PEM: what agents trust. */
  async caPem(): Promise<string> {
    return (await this.ca()).certificate.pem;
  }

  /** SHA-256 of the CA certificate's DER, lower-case hex: the pin carried by enrolment tokens. */
  async caPin(): Promise<string> {
    return caPinOf(await this.caPem());
  }

  /** The certificate the manager presents when it calls an agent (CN conclave-manager). */
  managerClient(): Promise<TlsCredential> {
    this.clientPromise ??= this.loadOrCreate(MANAGER_CLIENT, async () => {
      const ca = await this.ca();
      const { csrPem, privateKeyPem } = await generateCsr({
        subject: { commonName: MANAGER_CLIENT_CN, organization: "Conclave" },
        key: { type: "ec", curve: "P-256" },
        extendedKeyUsage: ["clientAuth"],
      });
      const signed = signCsr(ca, csrPem, {
        validityDays: LEAF_VALIDITY_DAYS,
        extendedKeyUsage: ["clientAuth"],
      });
      return { certPem: signed.chainPem, keyPem: privateKeyPem };
    });
    this.clientPromise.catch(() => {
      this.clientPromise = undefined;
    });
    return this.clientPromise;
  }

  /** Signs an agent's CSR: client and server use, SANs = the agent's addresses. */
  async signAgent(csrPem: string, addresses: string[]): Promise<SignedCertificate> {
    return signCsr(await this.ca(), csrPem, {
      validityDays: LEAF_VALIDITY_DAYS,
      subjectAltNames: addresses,
      extendedKeyUsage: ["serverAuth", "clientAuth"],
    });
  }

  /**
   * A server certificate for this replica's agent gateway, for `hosts` (defaults: loopback
   * and this host's name). Issued at start and kept in memory only.
   */
  async gatewayCredential(hosts: string[] = []): Promise<TlsCredential> {
    const ca = await this.ca();
    const names = [...new Set(["127.0.0.1", "localhost", hostname(), ...hosts])];
    const { csrPem, privateKeyPem } = await generateCsr({
      subject: { commonName: "conclave-manager-gateway", organization: "Conclave" },
      key: { type: "ec", curve: "P-256" },
      subjectAltNames: names,
      extendedKeyUsage: ["serverAuth"],
    });
    const signed = signCsr(ca, csrPem, {
      validityDays: LEAF_VALIDITY_DAYS,
      extendedKeyUsage: ["serverAuth"],
    });
    return { certPem: signed.chainPem, keyPem: privateKeyPem };
  }

  private async loadOrCreate(
    name: string,
    create: () => Promise<TlsCredential>,
  ): Promise<TlsCredential> {
    const repo = new InternalPkiRepo(this.db);
    let stored: StoredCredential | null = await repo.get(name);
    if (!stored) {
      const fresh = await create();
      stored = await repo.putIfAbsent(name, {
        certificatePem: fresh.certPem,
        privateKeySealed: this.box.seal(fresh.keyPem, `internal_pki:${name}`),
      });
    }
    return {
      certPem: stored.certificatePem,
      keyPem: this.box.openString(stored.privateKeySealed, `internal_pki:${name}`),
    };
  }
}

/** The pin of a CA certificate: SHA-256 of its DER, lower-case hex. */
export function caPinOf(caPem: string): string {
  return createHash("sha256").update(new X509Certificate(caPem).raw).digest("hex");
}
