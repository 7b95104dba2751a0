import type { ErrorCode } from "@conclave/protocol";

/** Codes a realm sends in error frames, plus the client's own failure codes. */
export type RealmErrorCode = ErrorCode | "CONNECT_FAILED" | "TIMEOUT" | "CONNECTION_CLOSED";

/**
 * Why a realm refused a connection or a request. `code` is the error frame's code (or one of
 * the client's own: CONNECT_FAILED, TIMEOUT, CONNECTION_CLOSED) and `message` is the realm's
 * explanation, verbatim.
 */
export class RealmError extends Error {
  constructor(
    readonly code: RealmErrorCode,
    message: string,
    /** True when the connection is gone after this error. */
    readonly fatal = false,
  ) {
    super(message);
    this.name = "RealmError";
  }
}
