import type { AuditPage } from "@conclave/protocol";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { auditKeys } from "./audit.keys";
import type { AuditListQuery } from "./audit-filters";

/** One page of the audit log; the previous page stays on screen while the next one loads. */
export function useAuditPageQuery(query: AuditListQuery, enabled = true) {
  return useQuery({
    queryKey: auditKeys.page(query),
    queryFn: ({ signal }) =>
      api<AuditPage>("/audit", {
        signal,
        query: {
          user: query.user,
          action: query.action,
          target: query.target,
          since: query.since,
          until: query.until,
          limit: query.limit,
          cursor: query.cursor,
        },
      }),
    placeholderData: keepPreviousData,
    enabled,
  });
}
