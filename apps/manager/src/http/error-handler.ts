import type { ApiErrorResponse } from "@conclave/protocol";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "../logging/logger.js";
import { HttpError, NotFoundError, RateLimitError } from "./errors.js";

/** Errors raised by Express's own body parser carry these. */
interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * The one place errors become HTTP answers. Typed errors keep their status and message;
 * body-parser failures become 400/413/415; anything else is logged (redacted, with a request
 * id) and answers 500 with only that request id, never a stack trace or a secret.
 */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const requestId = String(res.locals.requestId ?? "");
    const send = (status: number, body: ApiErrorResponse) => {
      res.status(status).json(body);
    };
    if (error instanceof HttpError) {
      if (error instanceof RateLimitError) res.set("Retry-After", String(error.retryAfterSeconds));
      send(error.status, {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      });
      return;
    }
    const parserError = error as BodyParserError;
    if (parserError?.type === "entity.parse.failed") {
      send(400, {
        error: { code: "invalid_input", message: "The request body is not valid JSON" },
      });
      return;
    }
    if (parserError?.type === "entity.too.large") {
      send(413, { error: { code: "payload_too_large", message: "The request body is too large" } });
      return;
    }
    if (
      parserError?.type === "encoding.unsupported" ||
      parserError?.type === "charset.unsupported"
    ) {
      send(415, {
        error: { code: "unsupported_media_type", message: "Send the body as UTF-8 JSON" },
      });
      return;
    }
    logger.error("request failed", { requestId, method: req.method, path: req.path, error });
    send(500, {
      error: {
        code: "internal",
        message: `Internal error; the manager's log has the details under request id ${requestId}`,
        details: { requestId },
      },
    });
  };
}

/** Answers 404 for API paths no route matched (mounted after authentication). */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No API route ${req.method} ${req.originalUrl.split("?")[0]}`));
};
