import { randomUUID } from "node:crypto";
import {
  type CertificateAuthority as CaModel,
  type CertificateInfo,
  createIntermediateCa,
  createRootCa,
  type ExtendedKeyUsageName,
  parseCertificates,
  signCsr,
} from "@conclave/pki";
import type {
  CertificateAuthority,
  CreateCertificateAuthorityRequestSchema,
  IssueCertificateRequestSchema,
  IssuedCertificate,
  SignCsrRequestSchema,
  SignedCertificate,
} from "@conclave/protocol";
import type { z } from "zod";
import { ConflictError, NotFoundError } from "../../http/errors.js";
import { AuditRepo } from "../../store/audit.repo.js";
import { type CaRecord, CasRepo } from "../../store/cas.repo.js";
import type { Db } from "../../store/db.js";
import type { SecretBox } from "../../store/secrets.js";
import { toDistinguishedName } from "../keystores/distinguished-name.js";
import { type ChangeContext, KeystoresService } from "../keystores/keystores.service.js";
import { toCertificateSummary } from "../keystores/to-keystore-entry.js";

/** SecretBox context of a CA's private key. */
export const caPrivateKeyContext = (caId: string) => `certificate_authority:${caId}:private_key`;

const KEY_SPECS = {
  "RSA-2048": { type: "rsa", size: 2048 },
  "RSA-3072": { type: "rsa", size: 3072 },
  "RSA-4096": { type: "rsa", size: 4096 },
  "EC-P256": { type: "ec", curve: "P-256" },
  "EC-P384": { type: "ec", curve: "P-384" },
} as const;

const notFound = (id: string) => new NotFoundError(`No certificate authority with id ${id}`);

/** The API view of a CA: its certificate chain, never its key. */
export function toCertificateAuthority(record: CaRecord): CertificateAuthority {
  const chain = parseCertificates(record.chainPem);
  const cert = chain[0]!;
  return {
    id: record.id,
    name: record.name,
    parentId: record.parentId,
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serialNumber,
    sha256: cert.fingerprintSha256,
    keyType: cert.keyType,
    keySize: cert.keySize,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    pathLength: cert.pathLength ?? null,
    chain: chain.map(toCertificateSummary),
    issuedCount: record.issuedCount,
    createdAt: record.createdAt.toISOString(),
  };
}

const auditCa = (ca: CertificateAuthority) => ({
  id: ca.id,
  name: ca.name,
  subject: ca.subject,
  parentId: ca.parentId,
  sha256: ca.sha256,
  notAfter: ca.notAfter,
});

const sanText = (san: { type: string; value: string }) => `${san.type}:${san.value}`;

/**
 * Private certificate authorities: root and intermediate CAs whose keys are sealed in the
 * store, CSR signing with per-CA unique serials, and one-step issuing into a keystore entry.
 */
export class CasService {
  private readonly keystores: KeystoresService;

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {
    this.keystores = new KeystoresService(db, secrets);
  }

  async list(): Promise<CertificateAuthority[]> {
    return (await new CasRepo(this.db).list()).map(toCertificateAuthority);
  }

  async get(id: string): Promise<CertificateAuthority> {
    const record = await new CasRepo(this.db).findById(id);
    if (!record) throw notFound(id);
    return toCertificateAuthority(record);
  }

  /** This CA's certificate PEM, with its issuers when `withChain`. */
  async certificatePem(id: string, withChain: boolean): Promise<{ name: string; pem: string }> {
    const record = await new CasRepo(this.db).findById(id);
    if (!record) throw notFound(id);
    const chain = parseCertificates(record.chainPem);
    const certs = withChain ? chain : chain.slice(0, 1);
    return { name: record.name, pem: certs.map((c) => c.pem).join("") };
  }

  async create(
    request: z.output<typeof CreateCertificateAuthorityRequestSchema>,
    change: ChangeContext,
  ): Promise<CertificateAuthority> {
    const options = {
      subject: toDistinguishedName(request.subject),
      key: KEY_SPECS[request.keyType],
      ...(request.validityDays !== undefined ? { validityDays: request.validityDays } : {}),
      ...(request.pathLength !== undefined ? { pathLength: request.pathLength } : {}),
    };
    if (!request.intermediateOf) {
      // Key generation happens before the transaction: nothing is locked meanwhile.
      const model = await createRootCa(options);
      return this.db.transaction((tx) => this.insert(tx, request.name, null, model, change));
    }
    const parentId = request.intermediateOf;
    const parentRecord = await new CasRepo(this.db).findById(parentId);
    if (!parentRecord) throw notFound(parentId);
    return this.db.transaction(async (tx) => {
      const repo = new CasRepo(tx);
      const parent = await repo.lock(parentId);
      if (!parent) throw notFound(parentId);
      const model = await createIntermediateCa(this.model(parent), {
        ...options,
        issuedSerials: await repo.issuedSerials(parentId),
      });
      const created = await this.insert(tx, request.name, parentId, model, change);
      await repo.recordIssued({
        caId: parentId,
        serial: model.certificate.serialNumber,
        subject: model.certificate.subject,
        sha256: model.certificate.fingerprintSha256,
        notAfter: model.certificate.notAfter,
        issuedBy: change.actor?.username ?? null,
      });
      return created;
    });
  }

  async delete(id: string, change: ChangeContext): Promise<void> {
    await this.db.transaction(async (tx) => {
      const repo = new CasRepo(tx);
      const record = await repo.lock(id);
      if (!record) throw notFound(id);
      if ((await repo.countChildren(id)) > 0) {
        throw new ConflictError(
          `The CA ${record.name} has signed intermediate CAs; delete them first`,
        );
      }
      await repo.delete(id);
      await new AuditRepo(tx).record({
        actor: change.actor,
        action: "pki.ca.delete",
        target: `ca:${record.name}`,
        before: auditCa(toCertificateAuthority(record)),
        ip: change.ip,
      });
    });
  }

  /** Signs a CSR as a leaf certificate; answers the CA reply (certificate + CA chain). */
  async sign(
    id: string,
    request: z.output<typeof SignCsrRequestSchema>,
    change: ChangeContext,
  ): Promise<SignedCertificate> {
    return this.db.transaction(async (tx) => {
      const signed = await this.signIn(tx, id, request.csr, request, change);
      return {
        certificate: toCertificateSummary(signed.chain[0]!),
        sans: signed.chain[0]!.subjectAltNames.map(sanText),
        chainPem: signed.chainPem,
      };
    });
  }

  /**
   * Signs a key entry's CSR and imports the reply into the entry, in one transaction: the
   * encryption wizard issues every realm's certificate this way.
   */
  async issue(
    id: string,
    request: z.output<typeof IssueCertificateRequestSchema>,
    change: ChangeContext,
  ): Promise<IssuedCertificate> {
    return this.db.transaction(async (tx) => {
      const { csr } = await this.keystores.csr(request.keystoreId, request.alias, tx);
      const signed = await this.signIn(tx, id, csr, request, change);
      const entry = await this.keystores.importCaReply(
        request.keystoreId,
        request.alias,
        signed.chain,
        change,
        tx,
      );
      return { entry, chainPem: signed.chainPem };
    });
  }

  private async signIn(
    tx: Db,
    id: string,
    csr: string,
    request: {
      validityDays: number;
      extendedKeyUsage?: ExtendedKeyUsageName[] | undefined;
      sans?: string[] | undefined;
    },
    change: ChangeContext,
  ): Promise<{ chain: CertificateInfo[]; chainPem: string }> {
    const repo = new CasRepo(tx);
    const record = await repo.lock(id);
    if (!record) throw notFound(id);
    const signed = signCsr(this.model(record), csr, {
      validityDays: request.validityDays,
      issuedSerials: await repo.issuedSerials(id),
      ...(request.extendedKeyUsage ? { extendedKeyUsage: request.extendedKeyUsage } : {}),
      ...(request.sans ? { subjectAltNames: request.sans } : {}),
    });
    const cert = signed.certificate;
    await repo.recordIssued({
      caId: id,
      serial: cert.serialNumber,
      subject: cert.subject,
      sha256: cert.fingerprintSha256,
      notAfter: cert.notAfter,
      issuedBy: change.actor?.username ?? null,
    });
    await new AuditRepo(tx).record({
      actor: change.actor,
      action: "pki.ca.sign",
      target: `ca:${record.name}`,
      after: {
        subject: cert.subject,
        serial: cert.serialNumber,
        sha256: cert.fingerprintSha256,
        sans: cert.subjectAltNames.map(sanText),
        extendedKeyUsage: cert.extendedKeyUsage,
        notAfter: cert.notAfter,
      },
      ip: change.ip,
    });
    return { chain: signed.chain, chainPem: signed.chainPem };
  }

  private model(record: CaRecord): CaModel {
    const chain = parseCertificates(record.chainPem);
    return {
      certificate: chain[0]!,
      chain,
      privateKeyPem: this.secrets.openString(
        record.privateKeySealed,
        caPrivateKeyContext(record.id),
      ),
    };
  }

  private async insert(
    tx: Db,
    name: string,
    parentId: string | null,
    model: CaModel,
    change: ChangeContext,
  ): Promise<CertificateAuthority> {
    const id = randomUUID();
    const cert = model.certificate;
    const record = await new CasRepo(tx).create({
      id,
      name,
      parentId,
      chainPem: model.chain.map((c) => c.pem).join(""),
      privateKeySealed: this.secrets.seal(model.privateKeyPem, caPrivateKeyContext(id)),
      subject: cert.subject,
      serial: cert.serialNumber,
      sha256: cert.fingerprintSha256,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      createdBy: change.actor?.username ?? null,
    });
    if (!record) {
      throw new ConflictError(`A certificate authority named ${name} already exists`);
    }
    const ca = toCertificateAuthority(record);
    await new AuditRepo(tx).record({
      actor: change.actor,
      action: "pki.ca.create",
      target: `ca:${name}`,
      after: { ...auditCa(ca), keyType: `${ca.keyType}-${ca.keySize}` },
      ip: change.ip,
    });
    return ca;
  }
}
