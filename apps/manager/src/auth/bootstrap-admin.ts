import { randomBytes } from "node:crypto";
import { PasswordSchema } from "@conclave/protocol";
import { ConfigError } from "../config.js";
import { AdvisoryLock, advisoryXactLockSql } from "../store/advisory-locks.js";
import { AuditRepo } from "../store/audit.repo.js";
import type { Db } from "../store/db.js";
import { UsersRepo } from "../store/users.repo.js";
import type { PasswordHasher } from "./password-hasher.js";

/** Name of the first admin. */
export const FIRST_ADMIN = "admin";

/** What `bootstrapAdmin` did; `generatedPassword` is set only when it made one up. */
export interface BootstrapResult {
  created: boolean;
  generatedPassword?: string;
}

/**
 * Creates the first admin when the store has no users: with CONCLAVE_ADMIN_PASSWORD, or with a
 * random password that the caller prints once (never through the logger). An advisory lock
 * makes replicas starting together create exactly one.
 */
export async function bootstrapAdmin(
  db: Db,
  hasher: PasswordHasher,
  adminPassword: string | undefined,
): Promise<BootstrapResult> {
  if (adminPassword !== undefined && !PasswordSchema.safeParse(adminPassword).success) {
    throw new ConfigError(
      "Invalid configuration:\n  CONCLAVE_ADMIN_PASSWORD: must have 12 to 1024 characters",
    );
  }
  // Hash outside the transaction: argon2 takes a while and the lock should not.
  const password = adminPassword ?? randomBytes(18).toString("base64url");
  const passwordHash = await hasher.hash(password);
  return db.transaction(async (tx) => {
    await tx.query(advisoryXactLockSql(AdvisoryLock.bootstrapAdmin));
    const users = new UsersRepo(tx);
    if ((await users.count()) > 0) return { created: false };
    const user = await users.create({ username: FIRST_ADMIN, passwordHash, role: "admin" });
    if (!user) return { created: false };
    await new AuditRepo(tx).record({
      actor: null,
      action: "user.create",
      target: `user:${user.username}`,
      after: {
        username: user.username,
        role: user.role,
        password: password,
        passwordSource: adminPassword === undefined ? "generated" : "CONCLAVE_ADMIN_PASSWORD",
      },
    });
    return adminPassword === undefined
      ? { created: true, generatedPassword: password }
      : { created: true };
  });
}
