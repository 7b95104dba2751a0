/** Query keys for realms; interfaces nest under a realm (see interfaces.keys.ts). */
export const realmKeys = {
  all: ["realms"] as const,
  list: () => [...realmKeys.all, "list"] as const,
  detail: (realm: string) => [...realmKeys.all, realm, "detail"] as const,
  status: (realm: string) => [...realmKeys.all, realm, "status"] as const,
  logs: (realm: string) => [...realmKeys.all, realm, "logs"] as const,
};
