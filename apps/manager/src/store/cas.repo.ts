import type { Db } from "./db.js";

/** A private CA row. `privateKeySealed` is SecretBox output; it never leaves the manager. */
export interface CaRecord {
  id: string;
  name: string;
  parentId: string | null;
  /** This CA's certificate followed by its issuers, root last. */
  chainPem: string;
  privateKeySealed: string;
  subject: string;
  serial: string;
  sha256: string;
  notBefore: Date;
  notAfter: Date;
  createdBy: string | null;
  createdAt: Date;
  /** Certificates this CA signed (leaves and intermediates). */
  issuedCount: number;
}

const COLUMNS = `c.id, c.name, c.parent_id AS "parentId", c.chain_pem AS "chainPem",
  c.private_key_sealed AS "privateKeySealed", c.subject, c.serial, c.sha256,
  c.not_before AS "notBefore", c.not_after AS "notAfter", c.created_by AS "createdBy",
  c.created_at AS "createdAt",
  (SELECT count(*) FROM ca_issued_certificates i WHERE i.ca_id = c.id)::int8 AS "issuedCount"`;

/** Private certificate authorities and what they issued. */
export class CasRepo {
  constructor(private readonly db: Db) {}

  list(): Promise<CaRecord[]> {
    return this.db.query<CaRecord>(
      `SELECT ${COLUMNS} FROM certificate_authorities c ORDER BY c.name`,
    );
  }

  async findById(id: string): Promise<CaRecord | null> {
    const rows = await this.db.query<CaRecord>(
      `SELECT ${COLUMNS} FROM certificate_authorities c WHERE c.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The row, locked until the transaction ends: signatures by one CA take turns. */
  async lock(id: string): Promise<CaRecord | null> {
    const rows = await this.db.query<CaRecord>(
      `SELECT ${COLUMNS} FROM certificate_authorities c WHERE c.id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Creates a CA; null when the name is taken. */
  async create(input: Omit<CaRecord, "createdAt" | "issuedCount">): Promise<CaRecord | null> {
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO certificate_authorities (id, name, parent_id, chain_pem, private_key_sealed,
         subject, serial, sha256, not_before, not_after, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (name) DO NOTHING RETURNING id`,
      [
        input.id,
        input.name,
        input.parentId,
        input.chainPem,
        input.privateKeySealed,
        input.subject,
        input.serial,
        input.sha256,
        input.notBefore.toISOString(),
        input.notAfter.toISOString(),
        input.createdBy,
      ],
    );
    return rows[0] ? this.findById(rows[0].id) : null;
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.db.query(
      "DELETE FROM certificate_authorities WHERE id = $1 RETURNING id",
      [id],
    );
    return rows.length > 0;
  }

  async countChildren(id: string): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      "SELECT count(*)::int8 AS n FROM certificate_authorities WHERE parent_id = $1",
      [id],
    );
    return rows[0]?.n ?? 0;
  }

  /** Serials this CA has issued (lower-case hex), so a new one never repeats them. */
  async issuedSerials(caId: string): Promise<Set<string>> {
    const rows = await this.db.query<{ serial: string }>(
      "SELECT serial FROM ca_issued_certificates WHERE ca_id = $1",
      [caId],
    );
    return new Set(rows.map((row) => row.serial));
  }

  async recordIssued(input: {
    caId: string;
    serial: string;
    subject: string;
    sha256: string;
    notAfter: Date;
    issuedBy: string | null;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO ca_issued_certificates (ca_id, serial, subject, sha256, not_after, issued_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        input.caId,
        input.serial,
        input.subject,
        input.sha256,
        input.notAfter.toISOString(),
        input.issuedBy,
      ],
    );
  }
}
