import type { KeystoreChecksQuery } from "@conclave/protocol";

export const keystoreKeys = {
  all: ["keystores"] as const,
  list: () => [...keystoreKeys.all, "list"] as const,
  detail: (id: string) => [...keystoreKeys.all, id, "detail"] as const,
  checks: (id: string, query: KeystoreChecksQuery) =>
    [...keystoreKeys.all, id, "checks", query] as const,
};
