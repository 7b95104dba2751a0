import { rm } from "node:fs/promises";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Config } from "../../config.js";
import type { Logger } from "../../logging/logger.js";
import type { Db } from "../../store/db.js";
import type { SecretBox } from "../../store/secrets.js";
import { type EventBus, PgEventBus } from "../events/event-bus.js";
import { startAgentGateway } from "./agent-gateway.js";
import { Fleet } from "./fleet.js";
import { issueEnrolmentToken } from "./issue-enrolment-token.js";
import { writeFileAtomic0600 } from "./write-file-0600.js";

/** A running fleet: its services, the agent gateway, and how to stop both. */
export interface StartedFleet {
  fleet: Fleet;
  gateway: Server;
  /** The gateway's URL as agents should dial it. */
  gatewayUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts what the manager needs for agents: the event bus (LISTEN/NOTIFY on PostgreSQL), the
 * agent gateway on its own HTTPS port, the watchdog that notices silent agents, and, when
 * configured, a one-time enrolment token written to a file for a local agent.
 */
export async function startFleet(options: {
  config: Pick<Config, "agentGateway" | "databaseUrl" | "enrolmentTokenFile">;
  db: Db;
  logger: Logger;
  secretBox: SecretBox;
}): Promise<StartedFleet> {
  const { config, db, logger, secretBox } = options;
  const bus: EventBus | undefined = config.databaseUrl
    ? await PgEventBus.connect(config.databaseUrl, db, logger)
    : undefined;
  const fleet = new Fleet({ db, logger, secretBox, ...(bus ? { bus } : {}) });
  const gateway = await startAgentGateway(fleet, {
    host: config.agentGateway.host,
    port: config.agentGateway.port,
  });
  const address = gateway.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const shownHost = host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host;
  const gatewayUrl = config.agentGateway.url ?? `https://${shownHost}:${address.port}`;
  fleet.gatewayUrl = gatewayUrl;
  fleet.start();
  logger.info("agent gateway listening", { url: gatewayUrl, port: address.port });

  if (config.enrolmentTokenFile) {
    const token = await issueEnrolmentToken(fleet, {
      ttlSeconds: 10 * 60,
      note: "local agent (CONCLAVE_ENROLMENT_TOKEN_FILE)",
      actor: null,
    });
    await rm(config.enrolmentTokenFile, { force: true });
    await writeFileAtomic0600(
      config.enrolmentTokenFile,
      `${JSON.stringify({ token: token.token, managerUrl: gatewayUrl, expiresAt: token.expiresAt })}\n`,
    );
    logger.info("wrote a one-time enrolment token", { path: config.enrolmentTokenFile });
  }

  return {
    fleet,
    gateway,
    gatewayUrl,
    async stop() {
      await new Promise<void>((resolve) => {
        gateway.close(() => resolve());
        gateway.closeAllConnections();
      });
      await fleet.stop();
    },
  };
}
