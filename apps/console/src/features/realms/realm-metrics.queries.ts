import type { RealmMetrics } from "@conclave/protocol";
import { useQuery } from "@tanstack/react-query";
import { api, seg } from "../../api/client";
import { realmKeys } from "./realms.keys";

/** How often the charts ask for new samples (the manager samples every 10 s too). */
export const REALM_METRICS_REFRESH_MS = 10_000;

export const realmMetricsKey = (realm: string) => [...realmKeys.all, realm, "metrics"] as const;

/** The realm's figures over the last hour, for the Status tab's charts; refreshed every 10 s. */
export function useRealmMetricsQuery(realm: string) {
  return useQuery({
    queryKey: realmMetricsKey(realm),
    queryFn: ({ signal }) =>
      api<RealmMetrics>(`/realms/${seg(realm)}/metrics`, { signal, query: { minutes: 60 } }),
    refetchInterval: REALM_METRICS_REFRESH_MS,
    staleTime: 0,
  });
}
