import { createHash, randomUUID } from "node:crypto";
import type { Db } from "./db.js";

/** SHA-256 of a token secret: tokens are 256-bit random, so a fast hash is enough. */
export function hashEnrolmentSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

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
}
