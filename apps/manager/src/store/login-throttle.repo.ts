import type { Db } from "./db.js";

/** How failed logins are limited. */
export interface LoginThrottlePolicy {
  /** Failures allowed within the window; the next attempt is refused. */
  maxFailures: number;
  windowSeconds: number;
  /** How long attempts are refused once the limit is reached. */
  lockoutSeconds: number;
}

/**
 * Failed-login counts per username and client address, kept in the store (see 0001_init.sql
 * for why). Times come from the database clock so replicas agree.
 */
export class LoginThrottleRepo {
  constructor(private readonly db: Db) {}

  /** Seconds until attempts are allowed again, or 0 when they are allowed now. */
  async lockedForSeconds(username: string, ip: string): Promise<number> {
    const rows = await this.db.query<{ seconds: number }>(
      `SELECT ceil(extract(epoch FROM locked_until - now()))::int8 AS seconds
         FROM login_throttle
        WHERE username = $1 AND ip = $2 AND locked_until > now()`,
      [username, ip],
    );
    return Math.max(0, rows[0]?.seconds ?? 0);
  }

  /** Counts a failure; returns the count in the current window and whether it now locks. */
  async recordFailure(
    username: string,
    ip: string,
    policy: LoginThrottlePolicy,
  ): Promise<{ failures: number; locked: boolean }> {
    const rows = await this.db.query<{ failures: number; locked: boolean }>(
      `INSERT INTO login_throttle AS t (username, ip, failures, window_started_at, locked_until)
       VALUES ($1, $2, 1, now(), CASE WHEN 1 >= $3::int THEN now() + $5::int * interval '1 second' END)
       ON CONFLICT (username, ip) DO UPDATE SET
         failures = CASE WHEN t.window_started_at <= now() - $4::int * interval '1 second'
                         THEN 1 ELSE t.failures + 1 END,
         window_started_at = CASE WHEN t.window_started_at <= now() - $4::int * interval '1 second'
                                  THEN now() ELSE t.window_started_at END,
         locked_until = CASE WHEN (CASE WHEN t.window_started_at <= now() - $4::int * interval '1 second'
                                        THEN 1 ELSE t.failures + 1 END) >= $3::int
                             THEN now() + $5::int * interval '1 second' END
       RETURNING failures, locked_until IS NOT NULL AS locked`,
      [username, ip, policy.maxFailures, policy.windowSeconds, policy.lockoutSeconds],
    );
    return rows[0]!;
  }

  /** Forgets failures after a successful login. */
  async clear(username: string, ip: string): Promise<void> {
    await this.db.query("DELETE FROM login_throttle WHERE username = $1 AND ip = $2", [
      username,
      ip,
    ]);
  }

  /** Deletes rows whose window and lockout are both over. */
  async prune(policy: LoginThrottlePolicy): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM login_throttle
        WHERE window_started_at <= now() - $1::int * interval '1 second'
          AND (locked_until IS NULL OR locked_until <= now())
        RETURNING username`,
      [policy.windowSeconds],
    );
    return rows.length;
  }
}
