export type { ClientTlsOptions, TlsSessionInfo } from "./frame-transport.js";
export { RealmAdminClient, RealmAdminError } from "./realm-admin-client.js";
export {
  type PublishOptions,
  type PublishResult,
  RealmClient,
  type RealmClientOptions,
  type RealmEvent,
} from "./realm-client.js";
export { RealmError, type RealmErrorCode } from "./realm-error.js";
export { parseRealmUrl, type RealmUrl } from "./realm-url.js";
export { Subscription } from "./subscription.js";
