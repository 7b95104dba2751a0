import type {
  CertificateAuthority,
  CertificateAuthorityList,
  CreateCertificateAuthorityRequest,
  IssueCertificateRequest,
  IssuedCertificate,
} from "@conclave/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "../../api/client";
import { keystoreKeys } from "../keystores/keystores.keys";
import { pkiKeys } from "./pki.keys";

/** The manager's private certificate authorities. */
export function useCertificateAuthoritiesQuery() {
  return useQuery({
    queryKey: pkiKeys.cas(),
    queryFn: ({ signal }) => api<CertificateAuthorityList>("/pki/cas", { signal }),
  });
}

export function useCreateCertificateAuthorityMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCertificateAuthorityRequest) =>
      api<CertificateAuthority>("/pki/cas", { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pkiKeys.cas() }),
  });
}

/**
 * Signs a key entry's CSR with a CA and imports the reply into the entry, in one step
 * (POST /pki/cas/{id}/issue).
 */
export function useIssueCertificateMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ caId, body }: { caId: string; body: IssueCertificateRequest }) =>
      api<IssuedCertificate>(`/pki/cas/${seg(caId)}/issue`, { method: "POST", body }),
    onSuccess: (_issued, { body }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keystoreKeys.detail(body.keystoreId) }),
        queryClient.invalidateQueries({ queryKey: keystoreKeys.list() }),
        queryClient.invalidateQueries({ queryKey: pkiKeys.cas() }),
      ]),
  });
}
