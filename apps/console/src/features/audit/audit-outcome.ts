import type { AuditEntry } from "@conclave/protocol";

export type AuditOutcome = "succeeded" | "failed";

/**
 * The log records changes in the transaction that makes them, so an entry means it happened;
 * refusals worth auditing (a wrong password) are their own actions ending in "_failed".
 */
export function auditOutcome(entry: Pick<AuditEntry, "action">): AuditOutcome {
  return /[._]failed$/.test(entry.action) ? "failed" : "succeeded";
}
