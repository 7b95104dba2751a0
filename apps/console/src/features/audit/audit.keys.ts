import type { AuditListQuery } from "./audit-filters";

/** Query keys for the audit log (GET /api/v1/audit): one entry per filter and page. */
export const auditKeys = {
  all: ["audit"] as const,
  page: (query: AuditListQuery) => [...auditKeys.all, "page", query] as const,
};
