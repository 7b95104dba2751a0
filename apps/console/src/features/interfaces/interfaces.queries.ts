import type {
  InterfaceDefinitionInput,
  RealmInterface,
  UpdateInterfaceRequest,
} from "@conclave/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "../../api/client";
import { realmKeys } from "../realms/realms.keys";
import { interfaceKeys } from "./interfaces.keys";

export function useInterfacesQuery(realm: string) {
  return useQuery({
    queryKey: interfaceKeys.list(realm),
    queryFn: ({ signal }) => api<RealmInterface[]>(`/realms/${seg(realm)}/interfaces`, { signal }),
  });
}

/** Every interface change also changes the realm summaries (tree, realm page). */
function useInvalidateRealm(realm: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: interfaceKeys.list(realm) }),
      queryClient.invalidateQueries({ queryKey: realmKeys.list() }),
      queryClient.invalidateQueries({ queryKey: realmKeys.detail(realm) }),
    ]);
}

export function useCreateInterfaceMutation(realm: string) {
  const invalidate = useInvalidateRealm(realm);
  return useMutation({
    mutationFn: (body: InterfaceDefinitionInput) =>
      api<RealmInterface>(`/realms/${seg(realm)}/interfaces`, { method: "POST", body }),
    onSuccess: invalidate,
  });
}

export function useUpdateInterfaceMutation(realm: string) {
  const invalidate = useInvalidateRealm(realm);
  return useMutation({
    mutationFn: ({ alias, body }: { alias: string; body: UpdateInterfaceRequest }) =>
      api<RealmInterface>(`/realms/${seg(realm)}/interfaces/${seg(alias)}`, {
        method: "PUT",
        body,
      }),
    onSuccess: invalidate,
  });
}

export function useStartStopInterfaceMutation(realm: string) {
  const invalidate = useInvalidateRealm(realm);
  return useMutation({
    mutationFn: ({ alias, action }: { alias: string; action: "start" | "stop" }) =>
      api<RealmInterface>(`/realms/${seg(realm)}/interfaces/${seg(alias)}/${action}`, {
        method: "POST",
      }),
    onSuccess: invalidate,
  });
}

export function useDeleteInterfaceMutation(realm: string) {
  const invalidate = useInvalidateRealm(realm);
  return useMutation({
    mutationFn: (alias: string) =>
      api<void>(`/realms/${seg(realm)}/interfaces/${seg(alias)}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}
