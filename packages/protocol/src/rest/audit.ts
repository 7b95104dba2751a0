import { z } from "zod";

/** One change: who, when, what, on which target, state before and after (secrets redacted). */
export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  userId: z.string().nullable(),
  username: z.string().nullable().describe('Who acted; "system" for the manager itself'),
  action: z.string().describe('Dotted verb, e.g. "user.create", "session.login"'),
  target: z.string().nullable().describe('What was acted on, e.g. "user:alice"'),
  before: z.record(z.string(), z.unknown()).nullable().describe("State before; secrets redacted"),
  after: z.record(z.string(), z.unknown()).nullable().describe("State after; secrets redacted"),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** Query of GET /api/v1/audit. Newest first; pass `nextCursor` back as `cursor` for more. */
export const AuditQuerySchema = z.strictObject({
  user: z.string().optional().describe('Username of the actor ("system" for the manager)'),
  action: z.string().optional().describe('Exact action, or a prefix ending in "*", e.g. "user.*"'),
  target: z.string().optional().describe('Exact target, e.g. "user:alice"'),
  since: z.iso.datetime({ offset: true }).optional().describe("Entries at or after this time"),
  until: z.iso.datetime({ offset: true }).optional().describe("Entries before this time"),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe("Page size"),
  cursor: z
    .string()
    .regex(/^\d+$/, "cursor is a value of nextCursor")
    .optional()
    .describe("nextCursor of the previous page"),
});
export type AuditQuery = z.input<typeof AuditQuerySchema>;

export const AuditPageSchema = z.object({
  items: z.array(AuditEntrySchema),
  nextCursor: z.string().nullable().describe("Pass as cursor for the next page; null at the end"),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;
