import { realmKeys } from "../realms/realms.keys";

/** Interfaces nest under their realm, so invalidating a realm refreshes its interfaces too. */
export const interfaceKeys = {
  list: (realm: string) => [...realmKeys.all, realm, "interfaces"] as const,
};
