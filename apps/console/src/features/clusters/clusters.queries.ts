import type {
  Cluster,
  ClusterStatusView,
  CreateClusterRequest,
  PreflightReport,
} from "@conclave/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "../../api/client";
import { realmKeys } from "../realms/realms.keys";
import { clusterKeys } from "./clusters.keys";

export function useClustersQuery() {
  return useQuery({
    queryKey: clusterKeys.list(),
    queryFn: ({ signal }) => api<Cluster[]>("/clusters", { signal }),
  });
}

export function useClusterQuery(name: string) {
  return useQuery({
    queryKey: clusterKeys.detail(name),
    queryFn: ({ signal }) => api<Cluster>(`/clusters/${seg(name)}`, { signal }),
  });
}

export interface ClusterStatusQueryOptions {
  enabled?: boolean;
  /** Milliseconds between polls; SSE reports state changes, but not link RTTs. */
  refetchInterval?: number | false;
}

/** The members' own view of the cluster: master, member states and inter-realm links. */
export function useClusterStatusQuery(name: string, options: ClusterStatusQueryOptions = {}) {
  return useQuery({
    queryKey: clusterKeys.status(name),
    queryFn: ({ signal }) => api<ClusterStatusView>(`/clusters/${seg(name)}/status`, { signal }),
    enabled: options.enabled ?? true,
    refetchInterval: options.refetchInterval ?? false,
  });
}

/** Membership changes move realms in and out of clusters: the realm summaries change too. */
function useInvalidateClusters() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: clusterKeys.all }),
      queryClient.invalidateQueries({ queryKey: realmKeys.list() }),
    ]);
}

/** POST /clusters/preflight: the formation checks alone; nothing changes. */
export function usePreflightClusterMutation() {
  return useMutation({
    mutationFn: (body: CreateClusterRequest) =>
      api<PreflightReport>("/clusters/preflight", { method: "POST", body }),
  });
}

export function useCreateClusterMutation() {
  const invalidate = useInvalidateClusters();
  return useMutation({
    mutationFn: (body: CreateClusterRequest) => api<Cluster>("/clusters", { method: "POST", body }),
    onSuccess: invalidate,
  });
}

export function useAddClusterMemberMutation(name: string) {
  const invalidate = useInvalidateClusters();
  return useMutation({
    mutationFn: (realm: string) =>
      api<Cluster>(`/clusters/${seg(name)}/members`, { method: "POST", body: { realm } }),
    onSuccess: invalidate,
  });
}

export function useRemoveClusterMemberMutation(name: string) {
  const invalidate = useInvalidateClusters();
  return useMutation({
    mutationFn: (realm: string) =>
      api<Cluster>(`/clusters/${seg(name)}/members/${seg(realm)}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}

export function useDeleteClusterMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<void>(`/clusters/${seg(name)}`, { method: "DELETE" }),
    onSuccess: (_data, name) => {
      // Not invalidated: the page navigates away, and a refetch would only answer 404.
      queryClient.removeQueries({ queryKey: clusterKeys.detail(name) });
      queryClient.removeQueries({ queryKey: clusterKeys.status(name) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: clusterKeys.list() }),
        queryClient.invalidateQueries({ queryKey: realmKeys.list() }),
      ]);
    },
  });
}
