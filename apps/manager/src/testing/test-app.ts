import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Role } from "@conclave/protocol";
import request from "supertest";
import { type AppConfig, type ConclaveApp, createApp } from "../app.js";
import { PasswordHasher } from "../auth/password-hasher.js";
import { createLogger, type Logger } from "../logging/logger.js";
import type { Db } from "../store/db.js";
import { migrate } from "../store/migrate.js";
import { openPgliteDb } from "../store/pglite-db.js";
import { SecretBox } from "../store/secrets.js";
import { type UserRecord, UsersRepo } from "../store/users.repo.js";
import { freshPgliteDir } from "./pglite-template.js";

/**
 * Test configuration. argon2 is made cheap here (and only here): production defaults live in
 * config.ts and are not reachable from the environment.
 */
export const TEST_CONFIG: AppConfig = {
  session: { ttlSeconds: 3600, idleSeconds: 3600 },
  loginThrottle: { maxFailures: 3, windowSeconds: 300, lockoutSeconds: 300 },
  passwordHashing: { memoryCost: 64, timeCost: 1, parallelism: 1 },
  secureCookies: false,
  trustProxy: false,
};

/**
 * The master key of test apps: fixed, so an app restarted over the same directory opens the
 * secrets the first one sealed.
 */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7);

/** A password that passes the policy. */
export const TEST_PASSWORD = "correct horse battery staple";

export interface TestApp {
  app: ConclaveApp;
  db: Db;
  /** The PGlite directory, for restart tests. */
  dataDir: string;
  /** Every log line the app wrote. */
  logs: string[];
  logger: Logger;
  /** Creates a user directly in the store. */
  addUser(username: string, role: Role, password?: string): Promise<UserRecord>;
  /** Closes the store (keeps the files). */
  close(): Promise<void>;
  /** Closes the store and deletes the files. */
  destroy(): Promise<void>;
}

/** An app over a migrated PGlite store in a temp dir (or over `dataDir`, to test restarts). */
export async function createTestApp(options: { dataDir?: string } = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await freshPgliteDir());
  const db = await openPgliteDb(dataDir);
  await migrate(db);
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => logs.push(line) });
  const app = createApp({
    config: TEST_CONFIG,
    db,
    logger,
    version: "0.0.0-test",
    secrets: new SecretBox(TEST_MASTER_KEY),
  });
  const hasher = new PasswordHasher(TEST_CONFIG.passwordHashing);
  return {
    app,
    db,
    dataDir,
    logs,
    logger,
    async addUser(username, role, password = TEST_PASSWORD) {
      const user = await new UsersRepo(db).create({
        username,
        role,
        passwordHash: await hasher.hash(password),
      });
      if (!user) throw new Error(`user ${username} exists`);
      return user;
    },
    close: () => db.close(),
    async destroy() {
      await db.close();
      await rm(dirname(dataDir), { recursive: true, force: true });
    },
  };
}

/** A signed-in supertest agent (it keeps the cookie) and the session's CSRF token. */
export async function signIn(
  app: ConclaveApp,
  username: string,
  password = TEST_PASSWORD,
): Promise<{ agent: ReturnType<typeof request.agent>; csrfToken: string }> {
  const agent = request.agent(app);
  const res = await agent.post("/api/v1/session").send({ username, password });
  if (res.status !== 200)
    throw new Error(`sign-in as ${username} failed: ${res.status} ${res.text}`);
  return { agent, csrfToken: res.body.csrfToken as string };
}
