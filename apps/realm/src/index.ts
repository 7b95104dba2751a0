export { startAdminServer } from "./admin/admin-server.js";
export { type CliArgs, parseCliArgs, USAGE } from "./cli-args.js";
export { prepareDataDir, REALM_CONFIG_FILE } from "./config/data-dir.js";
export { readRealmConfigFile, writeRealmConfigFile } from "./config/realm-config-file.js";
export * from "./errors.js";
export { loadOrCreateIdentity, type RealmIdentity } from "./identity.js";
export { loadTlsMaterial, type TlsMaterial } from "./interfaces/tls-context.js";
export { createLogger, type Logger } from "./logger.js";
export { Realm, type RealmOptions } from "./realm.js";
