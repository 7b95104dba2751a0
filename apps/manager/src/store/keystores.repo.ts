import type { Db } from "./db.js";

/** A keystore row. `passwordSealed` is SecretBox output; it never leaves the manager. */
export interface KeystoreRecord {
  id: string;
  name: string;
  type: "jks" | "pkcs12" | "pem";
  sourceFormat: "jks" | "jceks" | "pkcs12" | "pem" | "new";
  passwordSealed: string;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A keystore entry row. Certificate columns are null while a CSR awaits its CA reply. */
export interface KeystoreEntryRecord {
  id: string;
  keystoreId: string;
  alias: string;
  kind: "privateKey" | "trustedCertificate";
  /** SecretBox output; null for trusted certificates. */
  privateKeySealed: string | null;
  /** Leaf first; "" while pending. */
  chainPem: string;
  csrPem: string | null;
  subject: string;
  issuer: string | null;
  serial: string | null;
  sha256: string | null;
  notBefore: Date | null;
  notAfter: Date | null;
  createdAt: Date;
}

/** What the list shows of a keystore: counts and the nearest expiry, no secrets. */
export interface KeystoreListRecord {
  id: string;
  name: string;
  type: KeystoreRecord["type"];
  createdAt: Date;
  updatedAt: Date;
  entryCount: number;
  privateKeyCount: number;
  trustedCertificateCount: number;
  nearestExpiry: Date | null;
}

/** Certificate columns of an entry, derived from its leaf certificate. */
export type EntryCertificateColumns = Pick<
  KeystoreEntryRecord,
  "chainPem" | "subject" | "issuer" | "serial" | "sha256" | "notBefore" | "notAfter"
>;

const KEYSTORE_COLUMNS = `id, name, type, source_format AS "sourceFormat",
  password_sealed AS "passwordSealed", created_by AS "createdBy",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

const ENTRY_COLUMNS = `id, keystore_id AS "keystoreId", alias, kind,
  private_key_sealed AS "privateKeySealed", chain_pem AS "chainPem", csr_pem AS "csrPem",
  subject, issuer, serial, sha256, not_before AS "notBefore", not_after AS "notAfter",
  created_at AS "createdAt"`;

/** Keystores and their entries. Pass a transaction's `tx` to the constructor to work inside it. */
export class KeystoresRepo {
  constructor(private readonly db: Db) {}

  list(): Promise<KeystoreListRecord[]> {
    return this.db.query<KeystoreListRecord>(
      `SELECT k.id, k.name, k.type, k.created_at AS "createdAt", k.updated_at AS "updatedAt",
              count(e.id)::int8 AS "entryCount",
              count(e.id) FILTER (WHERE e.kind = 'privateKey')::int8 AS "privateKeyCount",
              count(e.id) FILTER (WHERE e.kind = 'trustedCertificate')::int8
                AS "trustedCertificateCount",
              min(e.not_after) AS "nearestExpiry"
         FROM keystores k LEFT JOIN keystore_entries e ON e.keystore_id = k.id
        GROUP BY k.id
        ORDER BY k.name`,
    );
  }

  async findById(id: string): Promise<KeystoreRecord | null> {
    const rows = await this.db.query<KeystoreRecord>(
      `SELECT ${KEYSTORE_COLUMNS} FROM keystores WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The row, locked until the transaction ends: edits of one keystore take turns. */
  async lock(id: string): Promise<KeystoreRecord | null> {
    const rows = await this.db.query<KeystoreRecord>(
      `SELECT ${KEYSTORE_COLUMNS} FROM keystores WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Creates a keystore; null when the name is taken. */
  async create(input: {
    id: string;
    name: string;
    type: KeystoreRecord["type"];
    sourceFormat: KeystoreRecord["sourceFormat"];
    passwordSealed: string;
    createdBy: string | null;
  }): Promise<KeystoreRecord | null> {
    const rows = await this.db.query<KeystoreRecord>(
      `INSERT INTO keystores (id, name, type, source_format, password_sealed, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO NOTHING RETURNING ${KEYSTORE_COLUMNS}`,
      [input.id, input.name, input.type, input.sourceFormat, input.passwordSealed, input.createdBy],
    );
    return rows[0] ?? null;
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.db.query("DELETE FROM keystores WHERE id = $1 RETURNING id", [id]);
    return rows.length > 0;
  }

  async touch(id: string): Promise<void> {
    await this.db.query("UPDATE keystores SET updated_at = now() WHERE id = $1", [id]);
  }

  async updatePassword(id: string, passwordSealed: string): Promise<void> {
    await this.db.query(
      "UPDATE keystores SET password_sealed = $2, updated_at = now() WHERE id = $1",
      [id, passwordSealed],
    );
  }

  entries(keystoreId: string): Promise<KeystoreEntryRecord[]> {
    return this.db.query<KeystoreEntryRecord>(
      `SELECT ${ENTRY_COLUMNS} FROM keystore_entries WHERE keystore_id = $1 ORDER BY seq`,
      [keystoreId],
    );
  }

  async insertEntry(
    input: Omit<KeystoreEntryRecord, "createdAt"> & { createdAt?: Date | undefined },
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO keystore_entries (id, keystore_id, alias, kind, private_key_sealed, chain_pem,
         csr_pem, subject, issuer, serial, sha256, not_before, not_after, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, coalesce($14, now()))`,
      [
        input.id,
        input.keystoreId,
        input.alias,
        input.kind,
        input.privateKeySealed,
        input.chainPem,
        input.csrPem,
        input.subject,
        input.issuer,
        input.serial,
        input.sha256,
        input.notBefore?.toISOString() ?? null,
        input.notAfter?.toISOString() ?? null,
        input.createdAt?.toISOString() ?? null,
      ],
    );
  }

  async updateEntryCertificates(entryId: string, columns: EntryCertificateColumns): Promise<void> {
    await this.db.query(
      `UPDATE keystore_entries SET chain_pem = $2, subject = $3, issuer = $4, serial = $5,
         sha256 = $6, not_before = $7, not_after = $8 WHERE id = $1`,
      [
        entryId,
        columns.chainPem,
        columns.subject,
        columns.issuer,
        columns.serial,
        columns.sha256,
        columns.notBefore?.toISOString() ?? null,
        columns.notAfter?.toISOString() ?? null,
      ],
    );
  }

  async setCsr(entryId: string, csrPem: string): Promise<void> {
    await this.db.query("UPDATE keystore_entries SET csr_pem = $2 WHERE id = $1", [
      entryId,
      csrPem,
    ]);
  }

  async renameEntry(entryId: string, alias: string): Promise<void> {
    await this.db.query("UPDATE keystore_entries SET alias = $2 WHERE id = $1", [entryId, alias]);
  }

  async deleteEntry(entryId: string): Promise<void> {
    await this.db.query("DELETE FROM keystore_entries WHERE id = $1", [entryId]);
  }
}
