/** Query keys for clusters: the list, one cluster's desired state and its live status. */
export const clusterKeys = {
  all: ["clusters"] as const,
  list: () => [...clusterKeys.all, "list"] as const,
  detail: (cluster: string) => [...clusterKeys.all, cluster, "detail"] as const,
  status: (cluster: string) => [...clusterKeys.all, cluster, "status"] as const,
};
