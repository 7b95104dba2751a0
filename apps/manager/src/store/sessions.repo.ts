import { randomToken, sha256Hex } from "../auth/random-token.js";
import type { Db } from "./db.js";
import type { UserRecord } from "./users.repo.js";

/** A live session and its user (read fresh, so a role change applies at once). */
export interface SessionWithUser {
  idHash: string;
  csrfToken: string;
  expiresAt: Date;
  lastSeenAt: Date;
  user: UserRecord;
}

/** How long after its last recorded use a session is marked as used again (`touch`). */
export const SESSION_TOUCH_SECONDS = 60;

/**
 * Sessions table. The raw session id exists only in the cookie and in the caller's hands.
 * Lookups are reused until the next write to the store ({@link Db.writeGeneration}), so a
 * role change, a logout or a password reset applies to the very next request.
 */
export class SessionsRepo {
  private found: { generation: number; byHash: Map<string, SessionWithUser> } | undefined;

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
    const idHash = sha256Hex(sessionId);
    const generation = this.db.writeGeneration;
    if (generation !== undefined && this.found?.generation === generation) {
      const known = this.found.byHash.get(idHash);
      const now = Date.now();
      if (
        known &&
        known.expiresAt.getTime() > now &&
        known.lastSeenAt.getTime() > now - idleSeconds * 1000
      ) {
        return known;
      }
    }
    const rows = await this.db.query<{
      idHash: string;
      csrfToken: string;
      expiresAt: Date;
      lastSeenAt: Date;
      id: string;
      username: string;
      role: UserRecord["role"];
      passwordHash: string;
      createdAt: Date;
      updatedAt: Date;
    }>(
      `SELECT s.id_hash AS "idHash", s.csrf_token AS "csrfToken", s.expires_at AS "expiresAt",
              s.last_seen_at AS "lastSeenAt", u.id, u.username, u.role, u.password_hash AS "passwordHash",
              u.created_at AS "createdAt", u.updated_at AS "updatedAt"
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = $1 AND s.expires_at > now()
          AND s.last_seen_at > now() - $2::int * interval '1 second'`,
      [idHash, idleSeconds],
    );
    const row = rows[0];
    if (!row) return null;
    const { idHash: _, csrfToken, expiresAt, lastSeenAt, ...user } = row;
    const session = { idHash, csrfToken, expiresAt, lastSeenAt, user };
    if (generation !== undefined && generation === this.db.writeGeneration) {
      if (this.found?.generation !== generation) this.found = { generation, byHash: new Map() };
      this.found.byHash.set(idHash, session);
    }
    return session;
  }

  /** True when `session` was last marked as used long enough ago to be marked again. */
  static needsTouch(session: Pick<SessionWithUser, "lastSeenAt">, now = Date.now()): boolean {
    return session.lastSeenAt.getTime() < now - SESSION_TOUCH_SECONDS * 1000;
  }

  /** Marks the session as used; at most one write a minute per session. */
  async touch(idHash: string): Promise<void> {
    await this.db.query(
      `UPDATE sessions SET last_seen_at = now()
        WHERE id_hash = $1 AND last_seen_at < now() - $2::int * interval '1 second'`,
      [idHash, SESSION_TOUCH_SECONDS],
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
