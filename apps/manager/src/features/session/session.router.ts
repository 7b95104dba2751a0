import { LoginRequestSchema, LoginResponseSchema, SessionInfoSchema } from "@conclave/protocol";
import { Router } from "express";
import type { PasswordHasher } from "../../auth/password-hasher.js";
import {
  clearSessionCookie,
  type SessionCookieOptions,
  sessionCookieOf,
  setSessionCookie,
} from "../../http/auth.js";
import { AuthError } from "../../http/errors.js";
import type { LoginRateLimiter } from "../../http/rate-limit.js";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import { AuditRepo } from "../../store/audit.repo.js";
import type { Db } from "../../store/db.js";
import { SessionsRepo } from "../../store/sessions.repo.js";
import { UsersRepo } from "../../store/users.repo.js";
import { toUser } from "../users/to-user.js";

/** Sign in, sign out, who am I. */
export const sessionRoutes = {
  login: defineRoute({
    method: "post",
    path: "/session",
    operationId: "login",
    summary: "Sign in with username and password",
    description:
      "Sets the HttpOnly, SameSite=Strict session cookie and returns the CSRF token to send " +
      "as x-csrf-token on every change made with that cookie. Wrong username and wrong " +
      "password give the same 401. Failed attempts are limited per username and client address.",
    tag: "session",
    access: "public",
    body: LoginRequestSchema,
    response: LoginResponseSchema,
    errors: [429],
  }),
  current: defineRoute({
    method: "get",
    path: "/session",
    operationId: "getSession",
    summary: "The signed-in user and the session's CSRF token",
    tag: "session",
    access: "authenticated",
    response: SessionInfoSchema,
  }),
  logout: defineRoute({
    method: "delete",
    path: "/session",
    operationId: "logout",
    summary: "Sign out: ends the session and clears the cookie",
    tag: "session",
    access: "authenticated",
  }),
};

export interface SessionRouterOptions {
  registry: RouteRegistry;
  db: Db;
  hasher: PasswordHasher;
  rateLimiter: LoginRateLimiter;
  cookie: SessionCookieOptions;
}

/** Routes under /api/v1/session. */
export function createSessionRouter(options: SessionRouterOptions): Router {
  const { registry, db, hasher, rateLimiter, cookie } = options;
  const router = Router();
  const users = new UsersRepo(db);
  const sessions = new SessionsRepo(db);
  const audit = new AuditRepo(db);

  registry.mount(router, sessionRoutes.login, async ({ body, res, ip }) => {
    await rateLimiter.check(body.username, ip);
    const user = await users.findByUsername(body.username);
    const ok = user ? await hasher.verify(user.passwordHash, body.password) : false;
    if (!user) await hasher.verifyDummy(body.password);
    if (!user || !ok) {
      await rateLimiter.failed(body.username, ip);
      // The attempted name is recorded only when it is a real user: an unknown "username" is
      // often a password typed into the wrong field.
      await audit.record({
        actor: null,
        action: "session.login_failed",
        target: user ? `user:${user.username}` : null,
        after: { reason: user ? "wrong password" : "unknown user" },
        ip,
      });
      throw new AuthError("Wrong username or password");
    }
    await rateLimiter.succeeded(body.username, ip);
    if (hasher.needsRehash(user.passwordHash)) {
      await users.updatePasswordHash(user.id, await hasher.hash(body.password));
    }
    const created = await sessions.create({ userId: user.id, ttlSeconds: cookie.ttlSeconds, ip });
    await audit.record({
      actor: { userId: user.id, username: user.username },
      action: "session.login",
      target: `user:${user.username}`,
      ip,
    });
    setSessionCookie(res, created.sessionId, cookie);
    return { user: toUser(user), csrfToken: created.csrfToken };
  });

  registry.mount(router, sessionRoutes.current, async ({ auth }) => ({
    user: toUser(auth.user),
    csrfToken: auth.method === "session" ? auth.csrfToken : null,
    authenticatedBy: auth.method,
  }));

  registry.mount(router, sessionRoutes.logout, async ({ auth, req, res, ip }) => {
    if (auth.method === "session") {
      await sessions.deleteByHash(auth.sessionIdHash);
      await audit.record({
        actor: { userId: auth.user.id, username: auth.user.username },
        action: "session.logout",
        target: `user:${auth.user.username}`,
        ip,
      });
    }
    if (sessionCookieOf(req) !== undefined) clearSessionCookie(res, cookie);
    return undefined;
  });

  return router;
}
