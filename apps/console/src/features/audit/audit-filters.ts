import { AuditQuerySchema } from "@conclave/protocol";
import type { z } from "zod";

/** GET /api/v1/audit's query as the console builds it: the schema's output, limit a number. */
export type AuditListQuery = z.output<typeof AuditQuerySchema>;

/** What the filter toolbar holds: text as typed, times as `<input type="datetime-local">` gives them. */
export interface AuditFilterValues {
  actor: string;
  action: string;
  resource: string;
  /** "2026-11-22T10:00" in the browser's time zone, or "". */
  since: string;
  until: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilterValues = {
  actor: "",
  action: "",
  resource: "",
  since: "",
  until: "",
};

export type AuditFilterErrors = Partial<Record<keyof AuditFilterValues, string>>;

/** A local date-time as the API's ISO instant; undefined when empty, null when unreadable. */
function toInstant(local: string): string | undefined | null {
  if (local.trim() === "") return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

const FIELD_OF: Partial<Record<string, keyof AuditFilterValues>> = {
  user: "actor",
  action: "action",
  target: "resource",
  since: "since",
  until: "until",
};

/**
 * The GET /api/v1/audit query for the toolbar's filters (the first page; add `cursor` for
 * more), or the messages to show under the fields. Empty fields filter nothing.
 */
export function toAuditQuery(
  values: AuditFilterValues,
  limit: number,
):
  | { query: AuditListQuery; errors?: undefined }
  | { query?: undefined; errors: AuditFilterErrors } {
  const errors: AuditFilterErrors = {};
  const since = toInstant(values.since);
  const until = toInstant(values.until);
  if (since === null) errors.since = "Enter a date and time";
  if (until === null) errors.until = "Enter a date and time";
  if (since && until && until <= since) errors.until = "Until must be later than Since";
  const text = (value: string) => value.trim() || undefined;
  const candidate: AuditListQuery = {
    user: text(values.actor)?.toLowerCase(),
    action: text(values.action),
    target: text(values.resource),
    since: since ?? undefined,
    until: until ?? undefined,
    limit,
  };
  const parsed = AuditQuerySchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = FIELD_OF[String(issue.path[0])];
      if (field) errors[field] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0) return { errors };
  // Undefined members would still be part of the query key; leave them out.
  const query = Object.fromEntries(
    Object.entries(candidate).filter(([, value]) => value !== undefined),
  ) as AuditListQuery;
  return { query };
}
