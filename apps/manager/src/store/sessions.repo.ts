import { randomToken, sha256Hex } from "../auth/random-token.js";
import type { Db } from "./db.js";
import type { UserRecord } from "./users.repo.js";

/** A live session and its user (read fresh, so a role change applies at once). */
export interface SessionWithUser {
  idHash: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserRecord;
}

/** Sessions table. The raw session id exists only in the cookie and in the caller's hands. */
export class SessionsRepo {
  constructor(private readonly db: Db) {}

  /** Starts a session; returns the raw id for the cookie and the CSRF token. */
  async create(input: {
    userId: string;
    ttlSeconds: number;
    ip: string | null;
  }): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
    const sessionId = randomToken();
    const csrfToken = randomToken();
    const rows = await this.db.query<{ expiresAt: Date }>(
      `INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at, ip)
       VALUES ($1, $2, $3, now() + $4::int * interval '1 second', $5)
       RETURNING expires_at AS "expiresAt"`,
      [sha256Hex(sessionId), input.userId, csrfToken, input.ttlSeconds, input.ip],
    );
    return { sessionId, csrfToken, expiresAt: rows[0]!.expiresAt };
  }

  /** The session for a cookie value, if it is neither expired nor idle for too long. */
  async findValid(sessionId: string, idleSeconds: number): Promise<SessionWithUser | null> {
    const rows = await this.db.query<{
      idHash: string;
      csrfToken: string;
      expiresAt: Date;
      id: string;
      username: string;
      role: UserRecord["role"];
      passwordHash: string;
      createdAt: Date;
      updatedAt: Date;
    }>(
      `SELECT s.id_hash AS "idHash", s.csrf_token AS "csrfToken", s.expires_at AS "expiresAt",
              u.id, u.username, u.role, u.password_hash AS "passwordHash",
              u.created_at AS "createdAt", u.updated_at AS "updatedAt"
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = $1 AND s.expires_at > now()
          AND s.last_seen_at > now() - $2::int * interval '1 second'`,
      [sha256Hex(sessionId), idleSeconds],
    );
    const row = rows[0];
    if (!row) return null;
    const { idHash, csrfToken, expiresAt, ...user } = row;
    return { idHash, csrfToken, expiresAt, user };
  }

  /** Marks the session as used; at most one write a minute per session. */
  async touch(idHash: string): Promise<void> {
    await this.db.query(
      `UPDATE sessions SET last_seen_at = now()
        WHERE id_hash = $1 AND last_seen_at < now() - interval '60 seconds'`,
      [idHash],
    );
  }

  async deleteByHash(idHash: string): Promise<void> {
    await this.db.query("DELETE FROM sessions WHERE id_hash = $1", [idHash]);
  }

  /** Ends every session of a user (password reset). */
  async deleteForUser(userId: string): Promise<number> {
    const rows = await this.db.query("DELETE FROM sessions WHERE user_id = $1 RETURNING id_hash", [
      userId,
    ]);
    return rows.length;
  }

  /** Deletes expired and idle sessions. */
  async prune(idleSeconds: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM sessions
        WHERE expires_at <= now() OR last_seen_at <= now() - $1::int * interval '1 second'
        RETURNING id_hash`,
      [idleSeconds],
    );
    return rows.length;
  }
}
