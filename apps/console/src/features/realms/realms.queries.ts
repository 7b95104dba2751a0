import type { RealmDetail, RealmLiveStatus, RealmLogs, RealmSummary } from "@conclave/protocol";
import { useQuery } from "@tanstack/react-query";
import { api, seg } from "../../api/client";
import { realmKeys } from "./realms.keys";

export function useRealmsQuery() {
  return useQuery({
    queryKey: realmKeys.list(),
    queryFn: ({ signal }) => api<RealmSummary[]>("/realms", { signal }),
  });
}

export function useRealmQuery(realm: string) {
  return useQuery({
    queryKey: realmKeys.detail(realm),
    queryFn: ({ signal }) => api<RealmDetail>(`/realms/${seg(realm)}`, { signal }),
  });
}

/**
 * The realm's live status (uptime, events/s, memory…). Rates change every second and SSE only
 * reports state changes, so this one query polls while its tab is open.
 */
export function useRealmStatusQuery(realm: string) {
  return useQuery({
    queryKey: realmKeys.status(realm),
    queryFn: ({ signal }) => api<RealmLiveStatus>(`/realms/${seg(realm)}/status`, { signal }),
    refetchInterval: 5_000,
    staleTime: 0,
  });
}

export function useRealmLogsQuery(realm: string, enabled: boolean) {
  return useQuery({
    queryKey: realmKeys.logs(realm),
    queryFn: ({ signal }) =>
      api<RealmLogs>(`/realms/${seg(realm)}/logs`, { signal, query: { lines: 200 } }),
    enabled,
    staleTime: 0,
  });
}
