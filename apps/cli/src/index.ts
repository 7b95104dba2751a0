export * from "./api-client.js";
export * from "./exit-codes.js";
export * from "./run-cli.js";
