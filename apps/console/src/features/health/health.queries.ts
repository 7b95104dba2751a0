import type { HealthSummary } from "@conclave/protocol";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { healthKeys } from "./health.keys";

/** Counts, clusters, certificate expiry and clock skew; live events keep it fresh. */
export const healthSummaryQueryOptions = queryOptions({
  queryKey: healthKeys.summary(),
  queryFn: ({ signal }) => api<HealthSummary>("/health/summary", { signal }),
});

export function useHealthSummaryQuery() {
  return useQuery(healthSummaryQueryOptions);
}
