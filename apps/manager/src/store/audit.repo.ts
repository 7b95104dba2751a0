import { redact } from "../logging/redact.js";
import type { Db } from "./db.js";

/** Who acted: a user, or the manager itself (`null` → recorded as "system"). */
export type AuditActor = { userId: string; username: string } | null;

/** A change to record. `before`/`after` are redacted before they are stored. */
export interface AuditInput {
  actor: AuditActor;
  action: string;
  target?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  ip?: string | null;
}

/** A stored audit entry. */
export interface AuditRecord {
  id: string;
  at: Date;
  userId: string | null;
  username: string | null;
  action: string;
  target: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
}

/** Filters of an audit query; all optional, combined with AND. */
export interface AuditFilter {
  user?: string | undefined;
  /** Exact action, or a prefix when it ends in "*". */
  action?: string | undefined;
  target?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  /** Return entries older than this id (the previous page's `nextCursor`). */
  cursor?: string | undefined;
  limit: number;
}

/** The audit log: append-only. Write it in the same transaction as the change it records. */
export class AuditRepo {
  constructor(private readonly db: Db) {}

  async record(entry: AuditInput): Promise<void> {
    const json = (value: Record<string, unknown> | null | undefined) =>
      value === null || value === undefined ? null : JSON.stringify(redact(value));
    await this.db.query(
      `INSERT INTO audit_log (user_id, username, action, target, before, after, ip)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)`,
      [
        entry.actor?.userId ?? null,
        entry.actor?.username ?? "system",
        entry.action,
        entry.target ?? null,
        json(entry.before),
        json(entry.after),
        entry.ip ?? null,
      ],
    );
  }

  /** Newest first; `nextCursor` is set when more entries match. */
  async list(filter: AuditFilter): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (filter.user !== undefined) add((p) => `username = ${p}`, filter.user);
    if (filter.action !== undefined) {
      if (filter.action.endsWith("*")) {
        // left() instead of LIKE: no escaping of % and _ in the operator's prefix.
        const prefix = filter.action.slice(0, -1);
        add((p) => `left(action, length(${p}::text)) = ${p}::text`, prefix);
      } else {
        add((p) => `action = ${p}`, filter.action);
      }
    }
    if (filter.target !== undefined) add((p) => `target = ${p}`, filter.target);
    if (filter.since !== undefined)
      add((p) => `at >= ${p}::timestamptz`, filter.since.toISOString());
    if (filter.until !== undefined)
      add((p) => `at < ${p}::timestamptz`, filter.until.toISOString());
    if (filter.cursor !== undefined) add((p) => `id < ${p}::int8`, filter.cursor);
    params.push(filter.limit + 1);
    const rows = await this.db.query<AuditRecord>(
      `SELECT id::text AS id, at, user_id AS "userId", username, action, target, before, after, ip
         FROM audit_log
        ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY id DESC
        LIMIT $${params.length}`,
      params,
    );
    const more = rows.length > filter.limit;
    const items = more ? rows.slice(0, filter.limit) : rows;
    return { items, nextCursor: more ? items[items.length - 1]!.id : null };
  }
}
