/**
 * What other workspaces' tests use to put realms under load and check delivery
 * (`@conclave/realm/test-support`), e.g. the manager's wizard process tests.
 */
export { Collector, LoadPublisher } from "./cluster-load.js";
