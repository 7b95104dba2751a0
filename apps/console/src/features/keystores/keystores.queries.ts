import type {
  ChangeKeystorePasswordRequest,
  Csr,
  DeployKeystoreRequest,
  GeneratedKeyPair,
  GenerateKeyPairRequest,
  ImportCaReplyRequest,
  Keystore,
  KeystoreChecks,
  KeystoreChecksQuery,
  KeystoreDeployResultList,
  KeystoreEntry,
  KeystoreList,
} from "@conclave/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "../../api/client";
import { healthKeys } from "../health/health.keys";
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

/** Invalidates what a change to one keystore's entries alters: its detail and the list counts. */
function useRefreshKeystore() {
  const queryClient = useQueryClient();
  return (id: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: keystoreKeys.detail(id) }),
      queryClient.invalidateQueries({ queryKey: keystoreKeys.list() }),
    ]);
}

export function useDeleteEntryMutation(id: string) {
  const refresh = useRefreshKeystore();
  return useMutation({
    mutationFn: (alias: string) =>
      api<void>(`/keystores/${seg(id)}/entries/${seg(alias)}`, { method: "DELETE" }),
    onSuccess: () => refresh(id),
  });
}

export interface ImportTrustedCertificateInput {
  file: File;
  alias?: string;
}

/** Imports a PEM or DER certificate as a trusted entry (multipart POST …/trusted-certificates). */
export function useImportTrustedCertificateMutation(id: string) {
  const refresh = useRefreshKeystore();
  return useMutation({
    mutationFn: (input: ImportTrustedCertificateInput) => {
      const form = new FormData();
      if (input.alias) form.set("alias", input.alias);
      form.set("file", input.file, input.file.name);
      return api<KeystoreEntry>(`/keystores/${seg(id)}/trusted-certificates`, {
        method: "POST",
        body: form,
      });
    },
    onSuccess: () => refresh(id),
  });
}

/**
 * Changes the stored password (POST …/password; a wrong current password answers 422
 * `keystore_password`). Refreshes the keystore and the health summary, whose default-credentials
 * flag goes once the well-known password is gone.
 */
export function useChangeKeystorePasswordMutation(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangeKeystorePasswordRequest) =>
      api<void>(`/keystores/${seg(id)}/password`, { method: "POST", body }),
    // The variables hold both passwords: drop the finished mutation as soon as its dialog goes.
    gcTime: 0,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keystoreKeys.detail(id) }),
        queryClient.invalidateQueries({ queryKey: keystoreKeys.list() }),
        queryClient.invalidateQueries({ queryKey: healthKeys.summary() }),
      ]),
  });
}

/** Generates a key pair; the answer carries the CSR to have signed. */
export function useGenerateKeyPairMutation(id: string) {
  const refresh = useRefreshKeystore();
  return useMutation({
    mutationFn: (body: GenerateKeyPairRequest) =>
      api<GeneratedKeyPair>(`/keystores/${seg(id)}/key-pairs`, { method: "POST", body }),
    onSuccess: () => refresh(id),
  });
}

/** The CSR of a key entry: the one generated with it, or a renewal CSR for an uploaded key. */
export function fetchEntryCsr(id: string, alias: string): Promise<Csr> {
  return api<Csr>(`/keystores/${seg(id)}/entries/${seg(alias)}/csr`);
}

/** Imports the signed certificate (and its chain) into a key entry. */
export function useImportCaReplyMutation(id: string) {
  const refresh = useRefreshKeystore();
  return useMutation({
    mutationFn: ({ alias, body }: { alias: string; body: ImportCaReplyRequest }) =>
      api<KeystoreEntry>(`/keystores/${seg(id)}/entries/${seg(alias)}/ca-reply`, {
        method: "POST",
        body,
      }),
    onSuccess: () => refresh(id),
  });
}

/** Pushes the keystore's key to realms and reloads their TLS interfaces; one result per realm. */
export function useDeployKeystoreMutation(id: string) {
  return useMutation({
    mutationFn: (body: DeployKeystoreRequest) =>
      api<KeystoreDeployResultList>(`/keystores/${seg(id)}/deploy`, { method: "POST", body }),
  });
}
