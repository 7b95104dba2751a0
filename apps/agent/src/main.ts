#!/usr/bin/env node
import { hostname as osHostname } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createAgentRouter } from "./agent.router.js";
import { type AgentIdentity, readIdentity, writeIdentity } from "./agent-identity.js";
import { startAgentServer } from "./agent-server.js";
import { EnrolError, enrol } from "./enrol.js";
import { Reporter } from "./reporter.js";
import { Supervisor } from "./supervisor.js";
import { AGENT_VERSION } from "./version.js";

const USAGE = `Usage: conclave-agent --state <dir> [--manager <url> --token <token>] [options]

  --state <dir>        the agent's state: identity (certificate, key), realms' data dirs
  --manager <url>      the manager's agent gateway (https://host:8443); remembered
  --token <token>      one-time enrolment token shown by the manager; first run only
  --listen <host:port> where the agent API listens (default 127.0.0.1:7443; port 0: any)
  --advertise <addr>   address the manager dials; goes into the certificate (default: the
                       listen host)
  --realm-entry <js>   the realm server's entry point (default: apps/realm/dist/main.js)
  --help               show this text`;

/** One JSON object per line, like the manager's and the realm's logs. Never a token or key. */
function log(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}) {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      state: { type: "string" },
      manager: { type: "string" },
      token: { type: "string" },
      listen: { type: "string", default: "127.0.0.1:7443" },
      advertise: { type: "string" },
      "realm-entry": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help || !values.state) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const stateDir = resolve(values.state);
  const [listenHost, listenPort] = parseListen(values.listen!);
  const advertise = values.advertise ?? listenHost;
  const hostname = osHostname();

  let identity: AgentIdentity | null = await readIdentity(stateDir);
  if (!identity) {
    if (!values.manager || !values.token) {
      process.stderr.write(
        "This agent is not enrolled yet: pass --manager <url> and --token <token> (create a token " +
          "in the manager: Agents → Enrol, or POST /api/v1/agents/enrolment-tokens)\n",
      );
      process.exit(2);
    }
    identity = await enrol({
      managerUrl: values.manager,
      token: values.token,
      hostname,
      addresses: [advertise],
    });
    await writeIdentity(stateDir, identity);
    log("info", "enrolled", { agentId: identity.agentId, manager: identity.managerUrl });
  } else if (values.manager && values.manager.replace(/\/+$/, "") !== identity.managerUrl) {
    // The manager moved (new port or name); the certificates stay valid.
    identity = { ...identity, managerUrl: values.manager.replace(/\/+$/, "") };
    await writeIdentity(stateDir, identity);
  }

  const realmEntry = resolve(
    values["realm-entry"] ?? fileURLToPath(new URL("../../realm/dist/main.js", import.meta.url)),
  );
  // Realms that were running start again at once: they do not wait for the manager.
  const supervisor = await Supervisor.open({ stateDir, realmEntry });
  let reporter: Reporter | undefined;
  const app = createAgentRouter({
    supervisor,
    agentId: identity.agentId,
    onChange: () => reporter?.reportSoon(),
  });
  const { server, port } = await startAgentServer(app, identity, {
    host: listenHost,
    port: listenPort,
  });
  const shownHost = advertise.includes(":") ? `[${advertise}]` : advertise;
  const url = `https://${shownHost}:${port}`;
  reporter = new Reporter({
    identity,
    supervisor,
    hostname,
    url,
    log: (level, msg, fields) => log(level, msg, fields),
  });
  reporter.start();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", "shutting down", { signal });
    reporter?.stop();
    server.close();
    server.closeAllConnections();
    supervisor
      .shutdown()
      .then(() => {
        log("info", "stopped");
        process.exit(0);
      })
      .catch((error: unknown) => {
        log("error", "stopping realms failed", { error: (error as Error).message });
        process.exit(1);
      });
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  log("info", "listening", {
    url,
    agentId: identity.agentId,
    version: AGENT_VERSION,
    realms: supervisor.names(),
  });
}

function parseListen(value: string): [string, number] {
  const match = /^(.*):(\d+)$/.exec(value);
  if (!match) throw new EnrolError(`--listen ${value}: expected host:port`);
  return [match[1]!.replace(/^\[|\]$/g, ""), Number(match[2])];
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  log("error", "failed to start", { error: message });
  process.stderr.write(`conclave-agent: ${message}\n`);
  process.exit(1);
});
