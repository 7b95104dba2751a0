export const pkiKeys = {
  all: ["pki"] as const,
  cas: () => [...pkiKeys.all, "cas"] as const,
};
