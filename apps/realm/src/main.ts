#!/usr/bin/env node
import path from "node:path";
import { ensureAdminSocketFree, startAdminServer } from "./admin/admin-server.js";
import { parseCliArgs, USAGE } from "./cli-args.js";
import { prepareDataDir } from "./config/data-dir.js";
import { RealmServerError } from "./errors.js";
import { loadOrCreateIdentity } from "./identity.js";
import { createLogger, type Logger } from "./logger.js";
import { Realm } from "./realm.js";

export const ADMIN_SOCKET_FILE = "admin.sock";

/**
 * `node apps/realm/dist/main.js --data <dir> [--name <realm>] [--config <realm.json>]`:
 * runs one realm until SIGTERM or SIGINT. Exits 1, with the reason on stderr, when the
 * command line or realm.json is invalid.
 */
async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const dataDir = path.resolve(args.dataDir);
  const { config, created } = await prepareDataDir({
    dataDir,
    name: args.name,
    seedConfigPath: args.seedConfigPath,
  });
  const logger = createLogger(config.name);
  installCrashHandlers(logger);
  if (created) {
    logger.info("realm.created", `Created data directory ${dataDir} for realm ${config.name}`, {
      dataDir,
    });
  }
  const { identity, created: newIdentity } = await loadOrCreateIdentity(dataDir);
  if (newIdentity) {
    logger.info("identity.created", "Generated the realm's Ed25519 identity key pair", {
      fingerprintSha256: identity.fingerprintSha256,
    });
  }

  const socketPath = path.join(dataDir, ADMIN_SOCKET_FILE);
  // Fails before touching the channel logs when another realm process serves this directory.
  await ensureAdminSocketFree(socketPath);
  const realm = await Realm.start({ dataDir, config, identity, logger, fsync: args.fsync });
  const admin = await startAdminServer(socketPath, realm, logger);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    logger.info("realm.stopping", `Received ${signal}; stopping`, {});
    admin.close();
    await realm.shutdown();
    logger.info("realm.stopped", `Realm ${config.name} stopped`, {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  const status = realm.status();
  logger.info(
    "realm.ready",
    `Realm ${config.name} ready: ${
      status.interfaces
        .map(
          (i) => `${i.name} ${i.state}${i.boundPort ? ` on ${i.bindAddress}:${i.boundPort}` : ""}`,
        )
        .join(", ") || "no interfaces"
    }`,
    {
      pid: process.pid,
      adminSocket: socketPath,
      fsync: args.fsync ? "always" : "never",
      identityFingerprintSha256: identity.fingerprintSha256,
    },
  );
}

function installCrashHandlers(logger: Logger): void {
  process.on("uncaughtException", (error) => {
    logger.error("realm.crashed", `Unexpected error: ${error.stack ?? error.message}`);
    process.exit(70);
  });
  process.on("unhandledRejection", (reason) => {
    logger.error(
      "realm.crashed",
      `Unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`,
    );
    process.exit(70);
  });
}

main().catch((error: unknown) => {
  if (error instanceof RealmServerError) {
    process.stderr.write(`realm: ${error.message}\n`);
  } else {
    process.stderr.write(`realm: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
