import type {
  Keystore,
  KeystoreChecks,
  KeystoreChecksQuery,
  KeystoreList,
} from "@conclave/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "../../api/client";
import { keystoreKeys } from "./keystores.keys";

export function useKeystoresQuery() {
  return useQuery({
    queryKey: keystoreKeys.list(),
    queryFn: ({ signal }) => api<KeystoreList>("/keystores", { signal }),
  });
}

export function useKeystoreQuery(id: string | undefined) {
  return useQuery({
    queryKey: keystoreKeys.detail(id ?? ""),
    queryFn: ({ signal }) => api<Keystore>(`/keystores/${seg(id ?? "")}`, { signal }),
    enabled: Boolean(id),
  });
}

/** Host coverage, validity and key checks of a keystore's entries for a bind address. */
export function useKeystoreChecksQuery(id: string | undefined, query: KeystoreChecksQuery) {
  return useQuery({
    queryKey: keystoreKeys.checks(id ?? "", query),
    queryFn: ({ signal }) =>
      api<KeystoreChecks>(`/keystores/${seg(id ?? "")}/checks`, {
        signal,
        query: {
          bindAddress: query.bindAddress,
          host: query.host,
          truststoreId: query.truststoreId,
          role: query.role,
        },
      }),
    enabled: Boolean(id),
  });
}

export interface UploadKeystoreInput {
  file: File;
  password: string;
  keyPassword?: string;
  name?: string;
}

/** Uploads a .jks, .p12/.pfx or PEM file (multipart POST /keystores). */
export function useUploadKeystoreMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UploadKeystoreInput) => {
      const form = new FormData();
      form.set("password", input.password);
      if (input.keyPassword) form.set("keyPassword", input.keyPassword);
      if (input.name) form.set("name", input.name);
      form.set("file", input.file, input.file.name);
      return api<Keystore>("/keystores", { method: "POST", body: form });
    },
    onSuccess: (keystore) => {
      queryClient.setQueryData(keystoreKeys.detail(keystore.id), keystore);
      return queryClient.invalidateQueries({ queryKey: keystoreKeys.list() });
    },
  });
}

export function useDeleteKeystoreMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/keystores/${seg(id)}`, { method: "DELETE" }),
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: keystoreKeys.detail(id) });
      return queryClient.invalidateQueries({ queryKey: keystoreKeys.list() });
    },
  });
}
