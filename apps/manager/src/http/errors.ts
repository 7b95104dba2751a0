import type { ApiErrorCode, InputIssue } from "@conclave/protocol";
import type { z } from "zod";

/** Details an error may carry to the client; never a secret or a stack trace. */
export interface HttpErrorDetails {
  issues?: InputIssue[];
  retryAfterSeconds?: number;
}

/**
 * Base of the typed errors that the error handler turns into `{error: {code, message,
 * details?}}` with `status`. Throw these from handlers and services; anything else is a bug
 * and answers 500 without details.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: HttpErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request does not match its schema. */
export class InputError extends HttpError {
  constructor(message: string, issues?: InputIssue[]) {
    super(400, "invalid_input", message, issues ? { issues } : undefined);
  }

  /** Turns zod issues into an InputError whose paths start with `location`. */
  static fromZod(error: z.ZodError, location: "body" | "query" | "params"): InputError {
    const issues = error.issues.map((issue) => ({
      path: [
        location,
        ...issue.path.map((part) => (typeof part === "symbol" ? String(part) : part)),
      ],
      message: issue.message,
      code: issue.code,
    }));
    const first = issues[0];
    const where = first ? first.path.join(".") : location;
    const summary = first ? `${where}: ${first.message}` : `Invalid ${location}`;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    return new InputError(`Invalid request ${summary}${more}`, issues);
  }
}

/** 401: no valid session or token, or wrong credentials. */
export class AuthError extends HttpError {
  constructor(
    message = "Sign in first: send the session cookie or an Authorization: Bearer token",
  ) {
    super(401, "unauthenticated", message);
  }
}

/** 403: authenticated, but the role does not allow this. */
export class ForbiddenError extends HttpError {
  constructor(message: string) {
    super(403, "forbidden", message);
  }
}

/** 403: a cookie-authenticated change without the right `x-csrf-token` header. */
export class CsrfError extends HttpError {
  constructor() {
    super(
      403,
      "csrf_failed",
      "Missing or wrong x-csrf-token header: send the csrfToken from POST or GET /api/v1/session",
    );
  }
}

/** 404 */
export class NotFoundError extends HttpError {
  constructor(message: string) {
    super(404, "not_found", message);
  }
}

/** 409: the change conflicts with the current state (duplicate name, last admin…). */
export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, "conflict", message);
  }
}

/** 429: too many attempts; retry after `retryAfterSeconds`. */
export class RateLimitError extends HttpError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, "rate_limited", message, { retryAfterSeconds });
  }
}

/** 503: a dependency (the store) is unreachable. */
export class UnavailableError extends HttpError {
  constructor(message: string) {
    super(503, "unavailable", message);
  }
}
