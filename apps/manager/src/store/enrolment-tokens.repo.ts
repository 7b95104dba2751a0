import { createHash, randomUUID } from "node:crypto";
import type { Db } from "./db.js";

/** SHA-256 of a token secret: tokens are 256-bit random, so a fast hash is enough. */
export function hashEnrolmentSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

const SELECT_TOKEN = `SELECT id, note, created_by AS "createdBy", created_at AS "createdAt",
  expires_at AS "expiresAt", used_at AS "usedAt", agent_id AS "agentId",
  CASE WHEN used_at IS NOT NULL THEN 'used' WHEN expires_at <= now() THEN 'expired'
       ELSE 'unused' END AS state`;

/** One-time agent enrolment tokens. Only the secret's hash is stored. */
export class EnrolmentTokensRepo {
  constructor(private readonly db: Db) {}

  async create(input: {
    secret: string;
    ttlSeconds: number;
    note: string | undefined;
    createdBy: string | null;
  }): Promise<{ id: string; expiresAt: Date }> {
    const rows = await this.db.query<{ id: string; expiresAt: Date }>(
      `INSERT INTO agent_enrolment_tokens (id, token_hash, note, created_by, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
       RETURNING id, expires_at AS "expiresAt"`,
      [
        randomUUID(),
        hashEnrolmentSecret(input.secret),
        input.note ?? null,
        input.createdBy,
        input.ttlSeconds,
      ],
    );
    return rows[0]!;
  }

  /**
   * Marks the token used, atomically: of two enrolments racing with one token, one wins.
   * Null when the token is unknown, used or expired (the caller cannot tell which, on purpose).
   */
  async consume(secret: string): Promise<{ id: string } | null> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE agent_enrolment_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING id`,
      [hashEnrolmentSecret(secret)],
    );
    return rows[0] ?? null;
  }

  async recordAgent(id: string, agentId: string): Promise<void> {
    await this.db.query("UPDATE agent_enrolment_tokens SET agent_id = $2 WHERE id = $1", [
      id,
      agentId,
    ]);
  }

  /** Every token, newest first, with its state; never the hash. */
  async list(): Promise<EnrolmentTokenRow[]> {
    return this.db.query<EnrolmentTokenRow>(
      `${SELECT_TOKEN} FROM agent_enrolment_tokens ORDER BY created_at DESC, id`,
    );
  }

  async find(id: string): Promise<EnrolmentTokenRow | null> {
    const rows = await this.db.query<EnrolmentTokenRow>(
      `${SELECT_TOKEN} FROM agent_enrolment_tokens WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Deletes a token not yet used (revocation); false when unknown or already used. */
  async revoke(id: string): Promise<boolean> {
    const rows = await this.db.query(
      "DELETE FROM agent_enrolment_tokens WHERE id = $1 AND used_at IS NULL RETURNING id",
      [id],
    );
    return rows.length > 0;
  }
}

/** An enrolment token as stored, without its hash. */
export interface EnrolmentTokenRow {
  id: string;
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  agentId: string | null;
  state: "unused" | "used" | "expired";
}
