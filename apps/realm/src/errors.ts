import type { AdminErrorCode } from "@conclave/protocol";

/**
 * A failure the realm explains to its operator: `message` says what happened and what to do
 * next, never contains a password, and `code` maps to the admin endpoint's answer.
 */
export class RealmServerError extends Error {
  constructor(
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** realm.json, the command line or an admin request body is invalid. */
export class InputError extends RealmServerError {
  constructor(message: string) {
    super("VALIDATION", message);
  }
}

/** realm.json or the data directory cannot be used; the realm exits with code 1. */
export class ConfigError extends RealmServerError {
  constructor(message: string) {
    super("VALIDATION", message);
  }
}

/** No interface (or route) of that name. */
export class NotFoundError extends RealmServerError {
  constructor(message: string) {
    super("NOT_FOUND", message);
  }
}

/** The request conflicts with the current configuration. */
export class ConflictError extends RealmServerError {
  constructor(message: string, code: AdminErrorCode = "CONFLICT") {
    super(code, message);
  }
}

/** Key store, trust store or CRL could not be turned into a TLS context. */
export class TlsMaterialError extends RealmServerError {
  constructor(message: string) {
    super("TLS_MATERIAL", message);
  }
}
