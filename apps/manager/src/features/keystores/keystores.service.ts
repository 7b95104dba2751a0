import { randomUUID, timingSafeEqual } from "node:crypto";
import {
  AliasNotFoundError,
  type CertificateInfo,
  checkTlsEntry,
  createCsr,
  DuplicateAliasError,
  generateCsr,
  InvalidParameterError,
  importCaReply,
  importTrustedCertificate,
  type KeyPairSpec,
  type KeyStore,
  type KeyStoreEntry,
  type PrivateKeyEntry,
  readCsr,
  readKeyStore,
  writeKeyStore,
} from "@conclave/pki";
import type {
  Csr,
  GeneratedKeyPair,
  GenerateKeyPairRequestSchema,
  Keystore,
  KeystoreChecks,
  KeystoreDownloadFormat,
  KeystoreEntry,
  KeystoreSummary,
  KeystoreType,
  KeyType,
} from "@conclave/protocol";
import type { z } from "zod";
import { ConflictError, HttpError, NotFoundError } from "../../http/errors.js";
import { type AuditActor, AuditRepo } from "../../store/audit.repo.js";
import { ClustersRepo } from "../../store/clusters.repo.js";
import type { Db } from "../../store/db.js";
import {
  type EntryCertificateColumns,
  type KeystoreEntryRecord,
  type KeystoreRecord,
  KeystoresRepo,
} from "../../store/keystores.repo.js";
import type { SecretBox } from "../../store/secrets.js";
import { parseDistinguishedName, toDistinguishedName } from "./distinguished-name.js";
import { WRONG_KEYSTORE_PASSWORD } from "./to-http-error.js";
import { chainOf, toKeystoreEntry, toKeystoreSummary } from "./to-keystore-entry.js";

/** Who made a change and from where, for the audit log. */
export interface ChangeContext {
  actor: AuditActor;
  ip: string;
}

/** SecretBox contexts: a sealed value opens only in the row and field it was sealed for. */
export const secretContexts = {
  keystorePassword: (keystoreId: string) => `keystore:${keystoreId}:password`,
  entryPrivateKey: (entryId: string) => `keystore_entry:${entryId}:private_key`,
};

/** A keystore opened for reading or writing files: the pki model and its password. */
export interface OpenedKeystore {
  record: KeystoreRecord;
  entries: KeystoreEntryRecord[];
  /** Private keys decrypted when opened `withKeys`, else empty strings. */
  store: KeyStore;
  password: string;
}

/** A keystore written as a file. */
export interface KeystoreFile {
  bytes: Uint8Array;
  fileName: string;
  contentType: string;
  /** Key entries left out because they have no certificate yet (CSR awaiting its reply). */
  pendingAliases: string[];
}

const KEY_SPECS: Record<KeyType, KeyPairSpec> = {
  "RSA-2048": { type: "rsa", size: 2048 },
  "RSA-3072": { type: "rsa", size: 3072 },
  "RSA-4096": { type: "rsa", size: 4096 },
  "EC-P256": { type: "ec", curve: "P-256" },
  "EC-P384": { type: "ec", curve: "P-384" },
};

const FILE_TYPES: Record<KeystoreDownloadFormat, { extension: string; contentType: string }> = {
  pkcs12: { extension: "p12", contentType: "application/x-pkcs12" },
  jks: { extension: "jks", contentType: "application/x-java-keystore" },
  pem: { extension: "pem", contentType: "application/x-pem-file" },
};

const sameAlias = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Certificate columns of an entry from its chain (leaf first). */
export function certificateColumns(
  chain: CertificateInfo[],
  pendingSubject = "",
): EntryCertificateColumns {
  const leaf = chain[0];
  return {
    chainPem: chain.map((c) => c.pem).join(""),
    subject: leaf?.subject ?? pendingSubject,
    issuer: leaf?.issuer ?? null,
    serial: leaf?.serialNumber ?? null,
    sha256: leaf?.fingerprintSha256 ?? null,
    notBefore: leaf?.notBefore ?? null,
    notAfter: leaf?.notAfter ?? null,
  };
}

/** What the audit log shows of an entry. */
const auditEntry = (entry: KeystoreEntry) => ({
  alias: entry.alias,
  kind: entry.kind,
  status: entry.status,
  subject: entry.subject,
  sha256: entry.sha256,
  notAfter: entry.notAfter,
});

const auditKeystore = (keystore: Keystore) => ({
  id: keystore.id,
  name: keystore.name,
  type: keystore.type,
  entries: keystore.entries.map(auditEntry),
});

/** Constant-time comparison of two secrets of any length. */
function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A file name safe in Content-Disposition: letters, digits, dot, dash, underscore. */
function safeFileName(name: string, extension: string): string {
  const base = name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "") || "keystore";
  return `${base}.${extension}`;
}

/** A keystore name from an uploaded file's name: "realm1.p12" → "realm1". */
function nameFromFile(fileName: string | undefined): string {
  const base = (fileName ?? "").split(/[\\/]/).pop() ?? "";
  const name = base
    .replace(/\.[A-Za-z0-9]{1,5}$/, "")
    .replace(/\p{Cc}/gu, "")
    .trim()
    .slice(0, 100);
  return name || `keystore-${Date.now()}`;
}

/**
 * Keystores and truststores kept in the store: parsed models with their certificates in plain
 * columns and their passwords and private keys sealed. Every change runs in one transaction
 * with its audit entry, under a row lock on the keystore so concurrent edits take turns.
 */
export class KeystoresService {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  async list(): Promise<KeystoreSummary[]> {
    const now = new Date();
    return (await new KeystoresRepo(this.db).list()).map((r) => toKeystoreSummary(r, now));
  }

  async get(id: string, db: Db = this.db): Promise<Keystore> {
    const repo = new KeystoresRepo(db);
    const record = await repo.findById(id);
    if (!record) throw notFound(id);
    return this.view(record, await repo.entries(id));
  }

  async entries(id: string): Promise<KeystoreEntry[]> {
    return (await this.get(id)).entries;
  }

  /** Reads an uploaded keystore file and keeps it. */
  async upload(
    input: {
      file: Buffer;
      fileName: string | undefined;
      password: string;
      keyPassword?: string | undefined;
      name?: string | undefined;
    },
    change: ChangeContext,
  ): Promise<Keystore> {
    const store = readKeyStore(input.file, {
      password: input.password,
      ...(input.keyPassword !== undefined ? { keyPassword: input.keyPassword } : {}),
      ...(input.fileName ? { fileName: input.fileName } : {}),
    });
    const name = input.name ?? nameFromFile(input.fileName);
    const type: KeystoreType = store.format === "jceks" ? "jks" : store.format;
    return this.db.transaction(async (tx) => {
      const id = randomUUID();
      const record = await this.insertKeystore(tx, {
        id,
        name,
        type,
        sourceFormat: store.format,
        password: input.password,
        createdBy: change.actor?.username ?? null,
      });
      const repo = new KeystoresRepo(tx);
      const taken = new Set<string>();
      for (const entry of store.entries) {
        // A PKCS#12 or PEM file may name two entries alike; Java would not load both.
        let alias = entry.alias;
        for (let n = 2; taken.has(alias.toLowerCase()); n++) alias = `${entry.alias}-${n}`;
        taken.add(alias.toLowerCase());
        await this.insertEntry(repo, id, { ...entry, alias });
      }
      const keystore = this.view(record, await repo.entries(id));
      await new AuditRepo(tx).record({
        actor: change.actor,
        action: "keystore.upload",
        target: `keystore:${name}`,
        after: {
          ...auditKeystore(keystore),
          sourceFormat: store.format,
          fileName: input.fileName ?? null,
          password: true,
        },
        ip: change.ip,
      });
      return keystore;
    });
  }

  /** Creates an empty keystore or truststore. */
  async create(
    input: { name: string; password: string; type: KeystoreType },
    change: ChangeContext,
  ): Promise<Keystore> {
    return this.db.transaction(async (tx) => {
      const record = await this.insertKeystore(tx, {
        id: randomUUID(),
        name: input.name,
        type: input.type,
        sourceFormat: "new",
        password: input.password,
        createdBy: change.actor?.username ?? null,
      });
      const keystore = this.view(record, []);
      await new AuditRepo(tx).record({
        actor: change.actor,
        action: "keystore.create",
        target: `keystore:${record.name}`,
        after: { ...auditKeystore(keystore), password: true },
        ip: change.ip,
      });
      return keystore;
    });
  }

  async delete(id: string, change: ChangeContext): Promise<void> {
    await this.db.transaction(async (tx) => {
      const repo = new KeystoresRepo(tx);
      const record = await repo.lock(id);
      if (!record) throw notFound(id);
      const clusters = await new ClustersRepo(tx).trusting(id);
      if (clusters.length > 0) {
        throw new ConflictError(
          `Keystore ${record.name} is the cluster trust store of ${clusters.join(", ")}; rotate the cluster credentials (or give the cluster another trust store) before deleting it`,
        );
      }
      const before = this.view(record, await repo.entries(id));
      await repo.delete(id);
      await new AuditRepo(tx).record({
        actor: change.actor,
        action: "keystore.delete",
        target: `keystore:${record.name}`,
        before: auditKeystore(before),
        ip: change.ip,
      });
    });
  }

  async deleteEntry(id: string, alias: string, change: ChangeContext): Promise<void> {
    await this.edit(id, async ({ tx, repo, record, entries }) => {
      const entry = findEntry(entries, alias);
      await repo.deleteEntry(entry.id);
      await repo.touch(id);
      await new AuditRepo(tx).record({
        actor: change.actor,
        action: "keystore.entry.delete",
        target: `keystore:${record.name}`,
        before: auditEntry(toKeystoreEntry(entry)),
        ip: change.ip,
      });
    });
  }

  async renameEntry(
    id: string,
    alias: string,
    to: string,
    change: ChangeContext,
  ): Promise<KeystoreEntry> {
    return this.edit(id, async ({ tx, repo, record, entries }) => {
      const entry = findEntry(entries, alias);
      if (entries.some((e) => e.id !== entry.id && sameAlias(e.alias, to))) {
        throw new DuplicateAliasError(to);
      }
      await repo.renameEntry(entry.id, to);
      await repo.touch(id);
      const renamed = toKeystoreEntry({ ...entry, alias: to });
      await new AuditRepo(tx).record({
        actor: change.actor,
        action: "keystore.entry.rename",
        target: `keystore:${record.name}`,
        before: { alias: entry.alias },
        after: { alias: to },
        ip: change.ip,
      });
      return renamed;
    });
  }

  /** Adds a trusted certificate (keytool -importcert). */
  async importTrustedCertificate(
    id: string,
    input: { certificate: string | Uint8Array; alias?: string | undefined },
    change: ChangeContext,
  ): Promise<KeystoreEntry> {
    return this.edit(id, async ({ tx, repo, record, entries }) => {
      const before = modelOf(record, entries);
      const after = importTrustedCertificate(
        before,
        input.certificate,
        input.alias ? { alias: input.alias } : {},
      );
      const added = after.entries[after.entries.length - 1]!;
      const entryId = await this.insertEntry(repo, id, added);
      await repo.touch(id);
      const entry = toKeystoreEntry(await entryById(repo, id, entryId));
      await new AuditRepo(tx).record({
        actor: change.actor,
        action: "keystore.trusted_certificate.import",
        target: `keystore:${record.name}`,
        after: auditEntry(entry),
        ip: change.ip,
      });
      return entry;
    });
  }

  /** Generates a key pair and its CSR; the entry waits for its CA reply. */
  async generateKeyPair(
    id: string,
    request: z.output<typeof GenerateKeyPairRequestSchema>,
    change: ChangeContext,
  ): Promise<GeneratedKeyPair> {
    if (!(await new KeystoresRepo(this.db).findById(id))) throw notFound(id);
    // Key generation (seconds for RSA-4096) runs before the transaction, so no row lock is
    // held meanwhile; the alias is checked again under the lock.
    const generated = await generateCsr({
      key: KEY_SPECS[request.keyType],
      subject: toDistinguishedName(request.subject),
      subjectAltNames: request.sans,
      extendedKeyUsage: request.extendedKeyUsage,
    });
    return this.edit(id, async ({ tx, repo, record, entries }) => {
      if (entries.some((e) => sameAlias(e.alias, request.alias))) {
        throw new DuplicateAliasError(request.alias);
      }
      const entryId = randomUUID();
      await repo.insertEntry({
        id: entryId,
        keystoreId: id,
        alias: request.alias,
        kind: "privateKey",
        privateKeySealed: this.secrets.seal(
          generated.privateKeyPem,
          secretContexts.entryPrivateKey(entryId),
        ),
        csrPem: generated.csrPem,
        ...certificateColumns([], readCsr(generated.csrPem).subject),
      });
      await repo.touch(id);
      const entry = toKeystoreEntry(await entryById(repo, id, entryId));
      await new AuditRepo(tx).record({
        actor: change.actor,
        action: "keystore.key_pair.generate",
        target: `keystore:${record.name}`,
        after: { ...auditEntry(entry), keyType: request.keyType, sans: entry.sans },
        ip: change.ip,
      });
      return { entry, csr: generated.csrPem };
    });
  }

  /**
   * The CSR of a key entry: the one generated here, or a new one made from the key and its
   * certificate's subject, SANs and extended key usage (as `keytool -certreq` does).
   */
  async csr(id: string, alias: string, db: Db = this.db): Promise<Csr> {
    const repo = new KeystoresRepo(db);
    if (!(await repo.findById(id))) throw notFound(id);
    const entry = findEntry(await repo.entries(id), alias);
    if (entry.kind !== "privateKey") {
      throw new InvalidParameterError(
        `The entry "${entry.alias}" is a trusted certificate, not a private key: it has no CSR.`,
      );
    }
    if (entry.csrPem) return { alias: entry.alias, csr: entry.csrPem };
    const leaf = chainOf(entry)[0];
    const subject = leaf ? parseDistinguishedName(leaf.subject) : undefined;
    if (!leaf || !subject) {
      throw new InvalidParameterError(
        `The entry "${entry.alias}" has no certificate with a CN to copy into a CSR; generate a new key pair instead.`,
      );
    }
    const csr = createCsr({
      privateKeyPem: this.openKey(entry),
      subject,
      subjectAltNames: leaf.subjectAltNames,
      extendedKeyUsage: leaf.extendedKeyUsage.filter(
        (u): u is "serverAuth" | "clientAuth" | "codeSigning" | "emailProtection" =>
          ["serverAuth", "clientAuth", "codeSigning", "emailProtection"].includes(u),
      ),
    });
    return { alias: entry.alias, csr };
  }

  /** Installs a CA reply (certificate, optionally with its chain) into a key entry. */
  async importCaReply(
    id: string,
    alias: string,
    reply: string | CertificateInfo[],
    change: ChangeContext,
    db: Db = this.db,
  ): Promise<KeystoreEntry> {
    return this.edit(
      id,
      async ({ tx, repo, record, entries }) => {
        const target = findEntry(entries, alias);
        if (target.kind !== "privateKey") {
          throw new InvalidParameterError(
            `The entry "${target.alias}" is a trusted certificate, not a private key: import a CA reply into a key entry.`,
          );
        }
        const before = toKeystoreEntry(target);
        // Only the target's key is opened; the trusted certificates complete the chain.
        const model = modelOf(
          record,
          entries.filter((e) => e.id === target.id || e.kind === "trustedCertificate"),
          (e) => (e.id === target.id ? this.openKey(e) : ""),
        );
        const updated = importCaReply(model, target.alias, reply).entries.find((e) =>
          sameAlias(e.alias, target.alias),
        ) as PrivateKeyEntry;
        await repo.updateEntryCertificates(target.id, certificateColumns(updated.chain));
        await repo.touch(id);
        const entry = toKeystoreEntry(await entryById(repo, id, target.id));
        await new AuditRepo(tx).record({
          actor: change.actor,
          action: "keystore.ca_reply.import",
          target: `keystore:${record.name}`,
          before: auditEntry(before),
          after: { ...auditEntry(entry), chainLength: entry.chainLength },
          ip: change.ip,
        });
        return entry;
      },
      db,
    );
  }

  /** Changes the stored password after checking the current one. */
  async changePassword(
    id: string,
    currentPassword: string,
    newPassword: string,
    change: ChangeContext,
  ): Promise<void> {
    await this.edit(id, async ({ tx, repo, record }) => {
      const stored = this.openPassword(record);
      if (!secretsEqual(stored, currentPassword)) {
        throw new HttpError(
          422,
          "keystore_password",
          `${WRONG_KEYSTORE_PASSWORD}: send the keystore's current password as currentPassword.`,
        );
      }
      await repo.updatePassword(
        id,
        this.secrets.seal(newPassword, secretContexts.keystorePassword(id)),
      );
      await new AuditRepo(tx).record({
        actor: change.actor,
        action: "keystore.password.change",
        target: `keystore:${record.name}`,
        before: { password: true },
        after: { password: true },
        ip: change.ip,
      });
    });
  }

  /**
   * Writes the keystore as a JKS, PKCS#12 or PEM file, protected by the stored password or by
   * `password` when given. Key entries still waiting for their CA reply are left out (a JKS
   * or PKCS#12 key entry needs a certificate); `pendingAliases` names them.
   */
  async download(
    id: string,
    format: KeystoreDownloadFormat,
    password: string | undefined,
    change: ChangeContext,
  ): Promise<KeystoreFile> {
    const opened = await this.open(id, { withKeys: true });
    const pendingAliases = opened.store.entries
      .filter((e) => e.kind === "private-key" && e.chain.length === 0)
      .map((e) => e.alias);
    const entries = opened.store.entries.filter(
      (e) => !(e.kind === "private-key" && e.chain.length === 0),
    );
    const bytes = writeKeyStore(
      { format, entries },
      { format, password: password ?? opened.password },
    );
    await new AuditRepo(this.db).record({
      actor: change.actor,
      action: "keystore.download",
      target: `keystore:${opened.record.name}`,
      after: {
        format,
        aliases: entries.map((e) => e.alias),
        passwordSource: password === undefined ? "stored" : "request",
      },
      ip: change.ip,
    });
    return {
      bytes,
      fileName: safeFileName(opened.record.name, FILE_TYPES[format].extension),
      contentType: FILE_TYPES[format].contentType,
      pendingAliases,
    };
  }

  /** Certificate checks (pki checkTlsEntry) for every key entry. */
  async checks(
    id: string,
    query: {
      bindAddress?: string | undefined;
      host?: string | undefined;
      truststoreId?: string | undefined;
      role: "server" | "client" | "server-client";
      warnDays: number;
    },
  ): Promise<KeystoreChecks> {
    const opened = await this.open(id, { withKeys: true });
    const trustStore = query.truststoreId
      ? (await this.open(query.truststoreId, { withKeys: false })).store
      : undefined;
    const dialedAddresses = (query.host ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter((h) => h !== "");
    const bindAddress = query.bindAddress || "0.0.0.0";
    const items = opened.store.entries
      .filter((e): e is PrivateKeyEntry => e.kind === "private-key")
      .map((entry) => {
        const findings = checkTlsEntry(entry, {
          bindAddress,
          dialedAddresses,
          role: query.role,
          warnDays: query.warnDays,
          ...(trustStore ? { trustStore } : {}),
        });
        return {
          alias: entry.alias,
          ok: !findings.some((f) => f.severity === "error"),
          findings: findings.map((f) => ({
            id: f.id,
            severity: f.severity,
            message: f.message,
            ...(f.fix ? { fix: f.fix } : {}),
          })),
        };
      });
    return { items };
  }

  /**
   * Opens a keystore as a pki model with its password; `withKeys` decrypts the private keys
   * too. For the manager's own use (files for realms, checks): never send the result out.
   */
  async open(
    id: string,
    options: { withKeys: boolean },
    db: Db = this.db,
  ): Promise<OpenedKeystore> {
    const repo = new KeystoresRepo(db);
    const record = await repo.findById(id);
    if (!record) throw notFound(id);
    const entries = await repo.entries(id);
    const store = modelOf(record, entries, (e) => (options.withKeys ? this.openKey(e) : ""));
    return { record, entries, store, password: this.openPassword(record) };
  }

  private openPassword(record: KeystoreRecord): string {
    return this.secrets.openString(
      record.passwordSealed,
      secretContexts.keystorePassword(record.id),
    );
  }

  private openKey(entry: KeystoreEntryRecord): string {
    if (!entry.privateKeySealed) return "";
    return this.secrets.openString(
      entry.privateKeySealed,
      secretContexts.entryPrivateKey(entry.id),
    );
  }

  private view(record: KeystoreRecord, entries: KeystoreEntryRecord[]): Keystore {
    const now = new Date();
    return {
      id: record.id,
      name: record.name,
      type: record.type,
      sourceFormat: record.sourceFormat,
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
      entries: entries.map((e) => toKeystoreEntry(e, now)),
    };
  }

  private async insertKeystore(
    tx: Db,
    input: {
      id: string;
      name: string;
      type: KeystoreType;
      sourceFormat: KeystoreRecord["sourceFormat"];
      password: string;
      createdBy: string | null;
    },
  ): Promise<KeystoreRecord> {
    const record = await new KeystoresRepo(tx).create({
      id: input.id,
      name: input.name,
      type: input.type,
      sourceFormat: input.sourceFormat,
      passwordSealed: this.secrets.seal(input.password, secretContexts.keystorePassword(input.id)),
      createdBy: input.createdBy,
    });
    if (!record) {
      throw new ConflictError(
        `A keystore named ${input.name} already exists; choose another name or delete it first`,
      );
    }
    return record;
  }

  /** Stores one pki entry; returns its new id. */
  private async insertEntry(
    repo: KeystoresRepo,
    keystoreId: string,
    entry: KeyStoreEntry,
  ): Promise<string> {
    const id = randomUUID();
    const chain = entry.kind === "private-key" ? entry.chain : [entry.certificate];
    await repo.insertEntry({
      id,
      keystoreId,
      alias: entry.alias,
      kind: entry.kind === "private-key" ? "privateKey" : "trustedCertificate",
      privateKeySealed:
        entry.kind === "private-key"
          ? this.secrets.seal(entry.privateKeyPem, secretContexts.entryPrivateKey(id))
          : null,
      csrPem: null,
      createdAt: entry.createdAt,
      ...certificateColumns(chain, entry.alias),
    });
    return id;
  }

  /** Runs `fn` in a transaction holding the keystore's row lock. */
  private edit<T>(
    id: string,
    fn: (ctx: {
      tx: Db;
      repo: KeystoresRepo;
      record: KeystoreRecord;
      entries: KeystoreEntryRecord[];
    }) => Promise<T>,
    db: Db = this.db,
  ): Promise<T> {
    return db.transaction(async (tx) => {
      const repo = new KeystoresRepo(tx);
      const record = await repo.lock(id);
      if (!record) throw notFound(id);
      return fn({ tx, repo, record, entries: await repo.entries(id) });
    });
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No keystore with id ${id}`);
}

/** The entry with `alias` (case-insensitively); AliasNotFoundError (404) lists the others. */
export function findEntry(entries: KeystoreEntryRecord[], alias: string): KeystoreEntryRecord {
  const entry = entries.find((e) => sameAlias(e.alias, alias));
  if (!entry) {
    throw new AliasNotFoundError(
      alias,
      entries.map((e) => e.alias),
    );
  }
  return entry;
}

async function entryById(
  repo: KeystoresRepo,
  keystoreId: string,
  entryId: string,
): Promise<KeystoreEntryRecord> {
  const entry = (await repo.entries(keystoreId)).find((e) => e.id === entryId);
  if (!entry) throw new Error(`entry ${entryId} vanished inside its transaction`);
  return entry;
}

/** The pki model of stored entries; `key` supplies each private key (or "" when not needed). */
function modelOf(
  record: KeystoreRecord,
  entries: KeystoreEntryRecord[],
  key: (entry: KeystoreEntryRecord) => string = () => "",
): KeyStore {
  return {
    format: record.type,
    entries: entries.map((e): KeyStoreEntry => {
      const chain = chainOf(e);
      if (e.kind === "trustedCertificate") {
        return {
          kind: "trusted-certificate",
          alias: e.alias,
          certificate: chain[0]!,
          createdAt: e.createdAt,
        };
      }
      return {
        kind: "private-key",
        alias: e.alias,
        privateKeyPem: key(e),
        chain,
        createdAt: e.createdAt,
      };
    }),
  };
}
