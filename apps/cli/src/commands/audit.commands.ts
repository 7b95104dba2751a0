import type { AuditPage } from "@conclave/protocol";
import { UsageError } from "../cli-error.js";
import type { Command } from "../command.js";
import { renderTable } from "../render-table.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * A time for --since/--until: an ISO date-time as the API takes it, or an age like "30m",
 * "12h", "7d" (that long before `now`).
 */
export function parseSince(value: string, now = Date.now()): string {
  const age = /^(\d+)([smhdw])$/.exec(value);
  if (age) return new Date(now - Number(age[1]) * UNITS[age[2]!]! * 1000).toISOString();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(
      `"${value}" is neither a date-time (2025-01-31T12:00:00Z) nor an age (30m, 12h, 7d)`,
    );
  }
  return date.toISOString();
}

/** audit list. */
export const auditCommands: Command[] = [
  {
    path: ["audit", "list"],
    summary: "Audit log entries, newest first",
    options: {
      user: { type: "string" },
      action: { type: "string" },
      target: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      limit: { type: "string" },
      cursor: { type: "string" },
    },
    flags: {
      user: 'Actor username ("system" for the manager)',
      action: 'Exact action, or a prefix ending in "*", e.g. "keystore.*"',
      target: 'Exact target, e.g. "realm:realm-a"',
      since: "At or after: a date-time or an age (30m, 12h, 7d)",
      until: "Before: a date-time or an age",
      limit: "Page size (default 50, at most 500)",
      cursor: "nextCursor of the previous page",
    },
    async run(ctx) {
      const v = ctx.values as Record<string, string | undefined>;
      const page = await ctx.api().get<AuditPage>("/audit", {
        user: v.user,
        action: v.action,
        target: v.target,
        since: v.since === undefined ? undefined : parseSince(v.since),
        until: v.until === undefined ? undefined : parseSince(v.until),
        limit: v.limit,
        cursor: v.cursor,
      });
      ctx.print(page, () => {
        const table = renderTable(page.items, [
          { header: "AT", value: (e) => e.at },
          { header: "USER", value: (e) => e.username },
          { header: "ACTION", value: (e) => e.action },
          { header: "TARGET", value: (e) => e.target },
          { header: "IP", value: (e) => e.ip },
        ]);
        return page.nextCursor ? `${table}\n(more: --cursor ${page.nextCursor})` : table;
      });
    },
  },
];
