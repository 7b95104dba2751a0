export * from "./realm/codec.js";
export * from "./realm/config.js";
export * from "./realm/frames.js";
export * from "./realm/names.js";
export * from "./realm/status.js";
