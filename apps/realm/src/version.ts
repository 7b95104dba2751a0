/** Reported in status; follows apps/realm/package.json. */
export const REALM_VERSION = "0.1.0";
