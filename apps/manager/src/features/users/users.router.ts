import {
  CreateUserRequestSchema,
  ResetPasswordRequestSchema,
  UpdateUserRequestSchema,
  UserIdParamsSchema,
  UserListSchema,
  UserSchema,
} from "@conclave/protocol";
import { Router } from "express";
import type { PasswordHasher } from "../../auth/password-hasher.js";
import type { AuthContext } from "../../http/auth.js";
import { ConflictError, NotFoundError } from "../../http/errors.js";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import { AuditRepo } from "../../store/audit.repo.js";
import type { Db } from "../../store/db.js";
import { SessionsRepo } from "../../store/sessions.repo.js";
import { type UserRecord, UsersRepo } from "../../store/users.repo.js";
import { toUser } from "./to-user.js";

const tag = "users";

/** User management: admins only. */
export const usersRoutes = {
  list: defineRoute({
    method: "get",
    path: "/users",
    operationId: "listUsers",
    summary: "List users",
    tag,
    access: "admin",
    response: UserListSchema,
  }),
  create: defineRoute({
    method: "post",
    path: "/users",
    operationId: "createUser",
    summary: "Create a user",
    tag,
    access: "admin",
    body: CreateUserRequestSchema,
    status: 201,
    response: UserSchema,
    errors: [409],
  }),
  get: defineRoute({
    method: "get",
    path: "/users/:id",
    operationId: "getUser",
    summary: "One user",
    tag,
    access: "admin",
    params: UserIdParamsSchema,
    response: UserSchema,
    errors: [404],
  }),
  update: defineRoute({
    method: "patch",
    path: "/users/:id",
    operationId: "updateUser",
    summary: "Change a user's role",
    description: "The last admin cannot be demoted.",
    tag,
    access: "admin",
    params: UserIdParamsSchema,
    body: UpdateUserRequestSchema,
    response: UserSchema,
    errors: [404, 409],
  }),
  resetPassword: defineRoute({
    method: "put",
    path: "/users/:id/password",
    operationId: "resetUserPassword",
    summary: "Set a new password for a user",
    description: "Ends all of the user's sessions; their API tokens keep working.",
    tag,
    access: "admin",
    params: UserIdParamsSchema,
    body: ResetPasswordRequestSchema,
    errors: [404],
  }),
  delete: defineRoute({
    method: "delete",
    path: "/users/:id",
    operationId: "deleteUser",
    summary: "Delete a user with their sessions and API tokens",
    description: "The last admin cannot be deleted. The audit log keeps the user's entries.",
    tag,
    access: "admin",
    params: UserIdParamsSchema,
    errors: [404, 409],
  }),
};

export interface UsersRouterOptions {
  registry: RouteRegistry;
  db: Db;
  hasher: PasswordHasher;
}

/** What the audit log shows of a user. */
const auditView = (user: UserRecord) => ({ id: user.id, username: user.username, role: user.role });

const actorOf = (auth: AuthContext) => ({ userId: auth.user.id, username: auth.user.username });

/** Routes under /api/v1/users. */
export function createUsersRouter(options: UsersRouterOptions): Router {
  const { registry, db, hasher } = options;
  const router = Router();
  const users = new UsersRepo(db);

  const notFound = (id: string) => new NotFoundError(`No user with id ${id}`);

  registry.mount(router, usersRoutes.list, async () => ({
    items: (await users.list()).map(toUser),
  }));

  registry.mount(router, usersRoutes.create, async ({ body, auth, ip }) => {
    const passwordHash = await hasher.hash(body.password);
    return db.transaction(async (tx) => {
      const user = await new UsersRepo(tx).create({
        username: body.username,
        passwordHash,
        role: body.role,
      });
      if (!user) throw new ConflictError(`A user named ${body.username} already exists`);
      await new AuditRepo(tx).record({
        actor: actorOf(auth),
        action: "user.create",
        target: `user:${user.username}`,
        after: { ...auditView(user), password: body.password },
        ip,
      });
      return toUser(user);
    });
  });

  registry.mount(router, usersRoutes.get, async ({ params }) => {
    const user = await users.findById(params.id);
    if (!user) throw notFound(params.id);
    return toUser(user);
  });

  registry.mount(router, usersRoutes.update, async ({ params, body, auth, ip }) =>
    db.transaction(async (tx) => {
      const repo = new UsersRepo(tx);
      const admins = await repo.lockAdmins();
      const before = await repo.findById(params.id);
      if (!before) throw notFound(params.id);
      if (before.role === "admin" && body.role !== "admin" && admins.length <= 1) {
        throw new ConflictError(
          `${before.username} is the last admin; make another user admin first`,
        );
      }
      const after = await repo.updateRole(params.id, body.role);
      if (!after) throw notFound(params.id);
      await new AuditRepo(tx).record({
        actor: actorOf(auth),
        action: "user.update",
        target: `user:${after.username}`,
        before: auditView(before),
        after: auditView(after),
        ip,
      });
      return toUser(after);
    }),
  );

  registry.mount(router, usersRoutes.resetPassword, async ({ params, body, auth, ip }) => {
    const passwordHash = await hasher.hash(body.password);
    await db.transaction(async (tx) => {
      const user = await new UsersRepo(tx).updatePasswordHash(params.id, passwordHash);
      if (!user) throw notFound(params.id);
      const ended = await new SessionsRepo(tx).deleteForUser(user.id);
      await new AuditRepo(tx).record({
        actor: actorOf(auth),
        action: "user.password_reset",
        target: `user:${user.username}`,
        after: { password: body.password, sessionsEnded: ended },
        ip,
      });
    });
    return undefined;
  });

  registry.mount(router, usersRoutes.delete, async ({ params, auth, ip }) => {
    await db.transaction(async (tx) => {
      const repo = new UsersRepo(tx);
      const admins = await repo.lockAdmins();
      const user = await repo.findById(params.id);
      if (!user) throw notFound(params.id);
      if (user.role === "admin" && admins.length <= 1) {
        throw new ConflictError(`${user.username} is the last admin and cannot be deleted`);
      }
      await repo.delete(user.id);
      await new AuditRepo(tx).record({
        actor: actorOf(auth),
        action: "user.delete",
        target: `user:${user.username}`,
        before: auditView(user),
        ip,
      });
    });
    return undefined;
  });

  return router;
}
