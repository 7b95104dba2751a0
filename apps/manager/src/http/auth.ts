import type { Role } from "@conclave/protocol";
import type { Request, RequestHandler, Response } from "express";
import type { ApiTokensRepo } from "../store/api-tokens.repo.js";
import { SESSION_TOUCH_SECONDS, SessionsRepo } from "../store/sessions.repo.js";
import type { UserRecord } from "../store/users.repo.js";
import { AuthError, ForbiddenError } from "./errors.js";

/** Name of the session cookie. */
export const SESSION_COOKIE = "conclave_session";

/** The authenticated caller (never the password hash). */
export type AuthUser = Omit<UserRecord, "passwordHash">;

/** How the request was authenticated. */
export type AuthContext =
  | { method: "session"; user: AuthUser; sessionIdHash: string; csrfToken: string }
  | { method: "token"; user: AuthUser; tokenId: string };

declare global {
  namespace Express {
    interface Request {
      /** Set by `authenticate`; undefined on public routes. */
      auth?: AuthContext;
    }
  }
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** True when `role` has at least the rights of `needed`. */
export function hasRole(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

function withoutHash(user: UserRecord): AuthUser {
  const { passwordHash: _, ...rest } = user;
  return rest;
}

/** Options for cookie handling shared by login, logout and `authenticate`. */
export interface SessionCookieOptions {
  secure: boolean;
  ttlSeconds: number;
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure with TLS. */
export function setSessionCookie(
  res: Response,
  sessionId: string,
  options: SessionCookieOptions,
): void {
  res.cookie(SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: "strict",
    secure: options.secure,
    path: "/",
    maxAge: options.ttlSeconds * 1000,
  });
}

export function clearSessionCookie(res: Response, options: SessionCookieOptions): void {
  res.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "strict",
    secure: options.secure,
    path: "/",
  });
}

/**
 * Builds the `authenticate` middleware: `Authorization: Bearer <token>` when the header is
 * present (the cookie is then ignored, and a bad token is a 401, not a fallback), else the
 * session cookie. Sets `req.auth`.
 */
export function createAuthenticate(options: {
  sessions: SessionsRepo;
  apiTokens: ApiTokensRepo;
  cookie: SessionCookieOptions;
  idleSeconds: number;
}): RequestHandler {
  const { sessions, apiTokens, cookie, idleSeconds } = options;
  return async (req, res, next) => {
    if (req.auth) {
      next();
      return;
    }
    const header = req.get("authorization");
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new AuthError("Authorization header must be 'Bearer <token>'");
      const found = await apiTokens.findValid(match[1]!);
      if (!found) throw new AuthError("The API token is invalid, revoked or expired");
      const lastUsed = found.token.lastUsedAt?.getTime() ?? 0;
      if (lastUsed < Date.now() - SESSION_TOUCH_SECONDS * 1000)
        await apiTokens.touch(found.token.id);
      req.auth = { method: "token", user: withoutHash(found.user), tokenId: found.token.id };
      next();
      return;
    }
    const sessionId = sessionCookieOf(req);
    if (sessionId === undefined) throw new AuthError();
    const session = await sessions.findValid(sessionId, idleSeconds);
    if (!session) {
      clearSessionCookie(res, cookie);
      throw new AuthError("The session has expired; sign in again");
    }
    // The store keeps the last use to the minute: a request in between writes nothing.
    if (SessionsRepo.needsTouch(session)) await sessions.touch(session.idHash);
    req.auth = {
      method: "session",
      user: withoutHash(session.user),
      sessionIdHash: session.idHash,
      csrfToken: session.csrfToken,
    };
    next();
  };
}

/** The session cookie's value, if the request carries one. */
export function sessionCookieOf(req: Request): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Lets the request through only for `role` or a higher one. Runs after `authenticate`. */
export function requireRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth) throw new AuthError();
    if (!hasRole(req.auth.user.role, role)) {
      throw new ForbiddenError(
        `This needs the ${role} role or higher; ${req.auth.user.username} is ${req.auth.user.role}`,
      );
    }
    next();
  };
}
