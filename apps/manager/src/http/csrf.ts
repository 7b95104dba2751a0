import type { RequestHandler } from "express";
import { safeEqual } from "../auth/random-token.js";
import { CsrfError } from "./errors.js";

/** Header that carries the CSRF token on cookie-authenticated changes. */
export const CSRF_HEADER = "x-csrf-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Synchronizer-token CSRF check, after `authenticate`. A browser attaches the session cookie
 * to any request, but only our own pages can read the token (from the login answer or GET
 * /api/v1/session) and send it back as a header; SameSite=Strict is the second line. Bearer
 * tokens are exempt: a browser never adds an Authorization header by itself.
 */
export const csrfProtection: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method) || req.auth?.method !== "session") {
    next();
    return;
  }
  const sent = req.get(CSRF_HEADER);
  if (sent === undefined || !safeEqual(sent, req.auth.csrfToken)) throw new CsrfError();
  next();
};
