#!/usr/bin/env node
import { readFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createApp } from "./app.js";
import { bootstrapAdmin, FIRST_ADMIN } from "./auth/bootstrap-admin.js";
import { PasswordHasher } from "./auth/password-hasher.js";
import { ConfigError, checkListenSafety, loadConfig } from "./config.js";
import { startFleet } from "./features/agents/start-fleet.js";
import { findConsoleDir } from "./http/static-console.js";
import { createLogger } from "./logging/logger.js";
import { openDb } from "./store/db.js";
import { LoginThrottleRepo } from "./store/login-throttle.repo.js";
import { loadMasterKey } from "./store/master-key.js";
import { checkMasterKey } from "./store/master-key-check.js";
import { migrate } from "./store/migrate.js";
import { SecretBox } from "./store/secrets.js";
import { SessionsRepo } from "./store/sessions.repo.js";
import { MANAGER_VERSION } from "./version.js";

/** How long open requests may take to finish after SIGINT/SIGTERM. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How often expired sessions and stale login counters are deleted. */
const MAINTENANCE_INTERVAL_MS = 10 * 60_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env, process.argv.slice(2));
  checkListenSafety(config);
  const logger = createLogger({ level: config.logLevel });

  const masterKey = await loadMasterKey({ envKey: config.masterKey, dataDir: config.dataDir });
  if (masterKey.source === "created") {
    logger.warn("created a new master key; back it up, stored secrets cannot be read without it", {
      path: masterKey.path,
    });
  }
  const db = await openDb(
    config.databaseUrl
      ? { kind: "postgres", url: config.databaseUrl }
      : { kind: "pglite", dataDir: join(config.dataDir, "pglite") },
  );
  const migrated = await migrate(db);
  logger.info("store ready", {
    store: db.dialect,
    schemaVersion: migrated.current,
    appliedMigrations: migrated.applied,
  });
  const secrets = new SecretBox(masterKey.key);
  await checkMasterKey(db, secrets);

  const boot = await bootstrapAdmin(
    db,
    new PasswordHasher(config.passwordHashing),
    config.adminPassword,
  );
  if (boot.generatedPassword !== undefined) {
    // Printed once, straight to the terminal and never through the logger: it is the only way
    // the operator learns it, and log pipelines keep lines for longer than anyone intends.
    process.stdout.write(
      `\n  First start: created user "${FIRST_ADMIN}" with password ${boot.generatedPassword}\n` +
        "  It is not shown again. Sign in and change it, or set CONCLAVE_ADMIN_PASSWORD before the first start.\n\n",
    );
  } else if (boot.created) {
    logger.info("created the first admin from CONCLAVE_ADMIN_PASSWORD", { username: FIRST_ADMIN });
  }

  // Agents: the internal CA, the mTLS agent gateway on its own port, live events.
  const agents = await startFleet({ config, db, logger, secretBox: secrets });
  const app = createApp({
    config,
    db,
    logger,
    version: MANAGER_VERSION,
    secrets,
    fleet: agents.fleet,
    consoleDir: findConsoleDir(),
  });
  const server: Server = config.tls
    ? createHttpsServer(
        { cert: await readFile(config.tls.certFile), key: await readFile(config.tls.keyFile) },
        app,
      )
    : createHttpServer(app);
  const sessions = new SessionsRepo(db);
  const throttle = new LoginThrottleRepo(db);
  const maintenance = setInterval(() => {
    Promise.all([
      sessions.prune(config.session.idleSeconds),
      throttle.prune(config.loginThrottle),
    ]).catch((error: unknown) => logger.warn("maintenance failed", { error }));
  }, MAINTENANCE_INTERVAL_MS);
  maintenance.unref();

  // Handlers go in before the "listening" line: whoever waits for that line may signal at once.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    clearInterval(maintenance);
    // Ends the agent gateway and the SSE streams, which would otherwise hold server.close.
    const agentsStopped = agents
      .stop()
      .catch((error: unknown) => logger.warn("stopping the agent gateway failed", { error }));
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      agentsStopped
        .then(() => db.close())
        .then(() => {
          logger.info("stopped");
          process.exit(0);
        })
        .catch((error: unknown) => {
          logger.error("closing the store failed", { error });
          process.exit(1);
        });
    });
    server.closeIdleConnections();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  logger.info("listening", {
    url: `${config.tls ? "https" : "http"}://${shownHost}:${address.port}`,
    host: address.address,
    port: address.port,
    version: MANAGER_VERSION,
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  createLogger().error("failed to start", { error });
  process.exit(1);
});
