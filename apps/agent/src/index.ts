export * from "./backoff.js";
export * from "./log-ring.js";
export * from "./realm-files.js";
export * from "./realm-process.js";
export * from "./supervisor.js";
export * from "./supervisor-errors.js";
