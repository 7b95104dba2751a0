import {
  type AgentReport,
  type ApplyRealmResponse,
  type RealmConfig,
  RealmConfigSchema,
  type RealmFile,
  type RealmState,
} from "@conclave/protocol";
import { ConflictError, HttpError, NotFoundError, UnavailableError } from "../../http/errors.js";
import type { Logger } from "../../logging/logger.js";
import { type AgentRecord, AgentsRepo } from "../../store/agents.repo.js";
import type { Db } from "../../store/db.js";
import { type RealmRecord, RealmsRepo } from "../../store/realms.repo.js";
import type { SecretBox } from "../../store/secrets.js";
import { type EventBus, InProcessEventBus } from "../events/event-bus.js";
import { toRealmInterface } from "../interfaces/interface-mapping.js";
import type { KeyMaterialSource } from "../interfaces/key-material-source.js";
import { AgentCallError, AgentClient } from "./agent-client.js";
import { computeDrift } from "./drift.js";
import { InternalPki } from "./internal-pki.js";

/** An agent that has not reported for this long is shown disconnected. */
export const AGENT_SILENCE_SECONDS = 3;

export interface FleetOptions {
  db: Db;
  secretBox: SecretBox;
  logger: Logger;
  /** In-process by default; a PgEventBus with several replicas on PostgreSQL. */
  bus?: EventBus;
  /** Resolves keystore ids for nsps/nhps interfaces (the keystores feature). */
  keyMaterial?: KeyMaterialSource;
  /** The agent gateway's URL, shown in enrolment commands. */
  gatewayUrl?: string;
}

/**
 * Everything the agents, realms, interfaces, events and health features share: the internal
 * CA, the way to call an agent, the event bus, and turning desired state into realm configs.
 */
export class Fleet {
  readonly db: Db;
  readonly logger: Logger;
  readonly pki: InternalPki;
  readonly bus: EventBus;
  keyMaterial: KeyMaterialSource | undefined;
  gatewayUrl: string;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly realmLocks = new Map<string, Promise<unknown>>();

  constructor(options: FleetOptions) {
    this.db = options.db;
    this.logger = options.logger;
    this.pki = new InternalPki(options.db, options.secretBox);
    this.bus = options.bus ?? new InProcessEventBus();
    this.keyMaterial = options.keyMaterial;
    this.gatewayUrl = options.gatewayUrl ?? "https://127.0.0.1:8443";
  }

  /** A client for `agent`'s API; 503 when the agent has not told us where it listens. */
  async clientFor(agent: AgentRecord): Promise<AgentClient> {
    if (!agent.url) {
      throw new UnavailableError(
        `Agent ${agent.hostname} (${agent.id}) has not reported yet; start it and retry`,
      );
    }
    return new AgentClient(agent.url, {
      client: await this.pki.managerClient(),
      caPem: await this.pki.caPem(),
    });
  }

  async agentOf(realm: RealmRecord): Promise<AgentRecord> {
    const agent = await new AgentsRepo(this.db).findById(realm.agentId);
    if (!agent) throw new NotFoundError(`Realm ${realm.name}'s agent ${realm.agentId} is gone`);
    return agent;
  }

  /** realm.json for a realm's desired state, with the key files its interfaces need. */
  async realmConfig(
    name: string,
    interfaces: RealmRecord["interfaces"],
  ): Promise<{ config: RealmConfig; files: RealmFile[] }> {
    const files: RealmFile[] = [];
    const ifaces = [];
    for (const definition of interfaces) {
      const mapped = await toRealmInterface(definition, this.keyMaterial);
      ifaces.push(mapped.iface);
      files.push(...mapped.files);
    }
    return { config: RealmConfigSchema.parse({ name, interfaces: ifaces }), files };
  }

  /** Makes the realm on its agent match `interfaces`; answers what the agent reports back. */
  async applyRealm(
    agent: AgentRecord,
    name: string,
    interfaces: RealmRecord["interfaces"],
  ): Promise<ApplyRealmResponse> {
    const body = await this.realmConfig(name, interfaces);
    const client = await this.clientFor(agent);
    return callAgent(agent, () => client.applyRealm(name, body));
  }

  /**
   * Runs `fn` after every earlier change to realm `name` on this replica has finished, so two
   * edits of one realm's interfaces never interleave their read-modify-write.
   */
  async withRealmLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.realmLocks.get(name) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(fn);
    this.realmLocks.set(name, run);
    try {
      return await run;
    } finally {
      if (this.realmLocks.get(name) === run) this.realmLocks.delete(name);
    }
  }

  /** Stores a report, works out what changed, and publishes it. */
  async ingestReport(agent: AgentRecord, report: AgentReport, receivedAt: number): Promise<void> {
    const clockSkewMs = Math.round(report.time - receivedAt + (report.lastRoundTripMs ?? 0) / 2);
    const desired = await new RealmsRepo(this.db).listForAgent(agent.id);
    const drift = computeDrift(desired, report);
    await new AgentsRepo(this.db).saveReport(agent.id, report, clockSkewMs, drift);
    const at = new Date(receivedAt).toISOString();
    if (!agent.connected) {
      await this.bus.publish({ type: "agent.connection", at, agent: agent.id, connected: true });
    }
    if (drift.length !== agent.drift.length) {
      await this.bus.publish({ type: "agent.drift", at, agent: agent.id, changes: drift.length });
    }
    const before = new Map((agent.lastReport?.realms ?? []).map((r) => [r.name, r]));
    for (const realm of report.realms) {
      const previous = before.get(realm.name);
      before.delete(realm.name);
      const was: RealmState | null = !agent.connected ? "unknown" : (previous?.state ?? null);
      if (was !== realm.state) {
        await this.bus.publish({
          type: "realm.state",
          at,
          realm: realm.name,
          agent: agent.id,
          state: realm.state,
          previous: was,
          pid: realm.pid,
        });
      }
      if (!realm.status) continue;
      const oldIfaces = new Map((previous?.status?.interfaces ?? []).map((i) => [i.name, i]));
      for (const iface of realm.status.interfaces) {
        const old = oldIfaces.get(iface.name);
        if (old?.state === iface.state && old.error === iface.error) continue;
        await this.bus.publish({
          type: "interface.state",
          at,
          realm: realm.name,
          alias: iface.name,
          status: iface.state,
          previous: old?.state ?? null,
          error: iface.error,
        });
      }
    }
    for (const gone of before.values()) {
      await this.bus.publish({
        type: "realm.state",
        at,
        realm: gone.name,
        agent: agent.id,
        state: "missing",
        previous: gone.state,
        pid: null,
      });
    }
  }

  /** Starts marking silent agents disconnected (once a second). */
  start(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      this.checkSilentAgents().catch((error: unknown) =>
        this.logger.warn("agent watchdog failed", { error }),
      );
    }, 1000);
    this.watchdog.unref();
  }

  async checkSilentAgents(): Promise<void> {
    const silent = await new AgentsRepo(this.db).markSilentDisconnected(AGENT_SILENCE_SECONDS);
    for (const id of silent) {
      this.logger.info("agent stopped reporting", { agent: id });
      await this.bus.publish({ type: "agent.connection", agent: id, connected: false });
    }
  }

  async stop(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    await this.bus.close();
  }
}

/**
 * Runs a call to an agent and turns its failures into HTTP answers: unreachable → 503, the
 * realm refused (validation, conflict) → 409/422 with the realm's reason.
 */
export async function callAgent<T>(agent: AgentRecord, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof AgentCallError)) throw error;
    const who = `Agent ${agent.hostname} (${agent.id})`;
    if (error.status === 0) {
      throw new UnavailableError(`${who} is not reachable: ${error.message}`);
    }
    if (error.status === 404) throw new NotFoundError(`${who}: ${error.message}`);
    if (error.status === 409) throw new ConflictError(`${who}: ${error.message}`);
    if (error.status === 400 || error.status === 422) {
      throw new HttpError(422, "invalid_input", `${who} refused: ${error.message}`);
    }
    throw new UnavailableError(`${who} failed: ${error.message}`);
  }
}
