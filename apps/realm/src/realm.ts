import { createPublicKey } from "node:crypto";
import path from "node:path";
import {
  type ChangeApplied,
  type ClusterConfig,
  ClusterConfigSchema,
  ClusterMemberRequestSchema,
  type ClusterStatus,
  type Interface,
  type InterfaceDetail,
  InterfaceSchema,
  type InterfaceTls,
  REDACTED,
  type RealmConfig,
  type RealmStatus,
  redactInterface,
  redactRealmConfig,
  type TlsReloadResult,
} from "@conclave/protocol";
import { ChannelStore } from "./channels/channel-store.js";
import { ClusterNode } from "./cluster/cluster-node.js";
import { isEd25519PublicKey, publicKeyFingerprint } from "./cluster/handshake.js";
import { REALM_CONFIG_FILE } from "./config/data-dir.js";
import { formatZodError } from "./config/format-zod-error.js";
import { writeRealmConfigFile } from "./config/realm-config-file.js";
import { ConflictError, InputError, NotFoundError } from "./errors.js";
import type { RealmIdentity } from "./identity.js";
import { InterfaceRuntime } from "./interfaces/interface-runtime.js";
import type { Logger } from "./logger.js";
import { RealmMetrics } from "./realm-metrics.js";
import { REALM_VERSION } from "./version.js";

/** How to run a realm; see docs/realm.md. */
export interface RealmOptions {
  dataDir: string;
  config: RealmConfig;
  identity: RealmIdentity;
  logger: Logger;
  /** fdatasync each group commit before acknowledging it. */
  fsync: boolean;
  /** Recent event ids remembered per channel. */
  dedupWindow?: number;
}

const PASSWORD_FIELDS = ["keyStorePassword", "trustStorePassword", "privateKeyPassword"] as const;

/**
 * A running realm: its channel store and interfaces, and the operations of the admin endpoint.
 * Every configuration change is validated, applied live and saved to realm.json atomically;
 * changes run one at a time.
 */
export class Realm {
  private readonly runtimes: InterfaceRuntime[] = [];
  private readonly startedAt = new Date();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly metrics: RealmMetrics;
  private cluster: ClusterNode | undefined;

  private constructor(
    private readonly options: RealmOptions,
    private readonly store: ChannelStore,
  ) {
    this.metrics = new RealmMetrics(store);
  }

  /** Opens the channel store and starts every interface with Autostart Interface on. */
  static async start(options: RealmOptions): Promise<Realm> {
    const store = await ChannelStore.open({
      dir: path.join(options.dataDir, "channels"),
      fsync: options.fsync,
      dedupWindow: options.dedupWindow ?? 20_000,
      // A record holds an event frame, which is at most a publish frame plus a few fields.
      maxRecordBytes: options.config.limits.maxFrameBytes + 4096,
      maxBacklogBytes: 64 * 1024 * 1024,
      logger: options.logger,
    });
    const realm = new Realm(options, store);
    if (options.config.cluster) {
      realm.cluster = await realm.startCluster(options.config.cluster);
    }
    for (const iface of options.config.interfaces) {
      const runtime = realm.createRuntime(iface);
      realm.runtimes.push(runtime);
      if (iface.autostart) await runtime.start();
    }
    return realm;
  }

  get name(): string {
    return this.options.config.name;
  }

  /** realm.json as it is now, passwords redacted. */
  redactedConfig(): RealmConfig {
    return redactRealmConfig(this.currentConfig());
  }

  status(): RealmStatus {
    const interfaces = this.runtimes.map((r) => r.status());
    const memory = process.memoryUsage();
    return {
      realm: this.name,
      pid: process.pid,
      version: REALM_VERSION,
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 100) / 10,
      time: Date.now(),
      interfaces,
      channels: this.store.list().map((channel) => ({
        name: channel.name,
        lastSeq: channel.durableSeq,
        subscribers: channel.listeners.size,
      })),
      connections: interfaces.reduce((sum, i) => sum + i.connections, 0),
      events: {
        inPerSecond: this.metrics.inPerSecond,
        outPerSecond: this.metrics.outPerSecond,
        totalIn: this.store.totalIn,
        totalOut: this.store.totalOut,
      },
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      eventLoopDelayMs: this.metrics.eventLoopDelayMs(),
      cluster: this.cluster?.summary() ?? null,
    };
  }

  /** GET /cluster */
  clusterStatus(): ClusterStatus {
    if (!this.cluster) {
      throw new NotFoundError(
        `Realm ${this.name} is not in a cluster; PUT /cluster with the members to form or join one`,
      );
    }
    return this.cluster.status();
  }

  /**
   * PUT /cluster: sets (or replaces) the cluster membership and applies it live: a new cluster
   * name starts a new membership; the same name updates members, addresses, sites and trust.
   */
  setCluster(body: unknown): Promise<ClusterStatus> {
    return this.serialized(() => this.applyCluster(body));
  }

  /** PUT /cluster/members/:name: adds or replaces one member (e.g. moves its addresses). */
  changeClusterMember(name: string, body: unknown): Promise<ClusterStatus> {
    return this.serialized(async () => {
      const current = this.options.config.cluster;
      if (!current) {
        throw new NotFoundError(`Realm ${this.name} is not in a cluster; PUT /cluster first`);
      }
      const input =
        body && typeof body === "object" && !Array.isArray(body) ? { name, ...body } : body;
      const parsed = ClusterMemberRequestSchema.safeParse(input);
      if (!parsed.success) throw new InputError(formatZodError(parsed.error));
      if (parsed.data.name !== name) {
        throw new ConflictError(`Members cannot be renamed (${name} → ${parsed.data.name})`);
      }
      const member = { ...parsed.data, name };
      const members = current.members.some((m) => m.name === name)
        ? current.members.map((m) => (m.name === name ? member : m))
        : [...current.members, member];
      return this.applyCluster({ ...current, members });
    });
  }

  /** DELETE /cluster: leaves the cluster; the realm serves on its own again. */
  leaveCluster(): Promise<{ left: string | null }> {
    return this.serialized(async () => {
      const current = this.options.config.cluster;
      if (!current) return { left: null };
      const { cluster: _, ...rest } = this.options.config;
      await writeRealmConfigFile(path.join(this.options.dataDir, REALM_CONFIG_FILE), {
        ...rest,
        interfaces: this.runtimes.map((r) => r.config),
      });
      this.options.config = rest;
      const node = this.cluster;
      this.cluster = undefined;
      await node?.stop(`Realm ${this.name} left cluster ${current.name}`);
      this.options.logger.info("cluster.left", `Left cluster ${current.name}`, {
        cluster: current.name,
      });
      return { left: current.name };
    });
  }

  listInterfaces(): InterfaceDetail[] {
    return this.runtimes.map((r) => detail(r));
  }

  getInterface(name: string): InterfaceDetail {
    return detail(this.runtime(name));
  }

  /** Adds an interface, saves it, and starts it when Autostart Interface is on. */
  addInterface(body: unknown): Promise<InterfaceDetail> {
    return this.serialized(async () => {
      const iface = parseInterface(body);
      if (iface.tls) {
        for (const field of PASSWORD_FIELDS) {
          if (iface.tls[field] === REDACTED) {
            throw new InputError(
              `tls.${field}: send the password itself, not the redaction marker`,
            );
          }
        }
      }
      if (this.runtimes.some((r) => r.config.name === iface.name)) {
        throw new ConflictError(
          `Interface ${iface.name} already exists; change it with PUT /interfaces/${iface.name}`,
        );
      }
      const runtime = this.createRuntime(iface);
      await this.save([...this.runtimes.map((r) => r.config), iface]);
      this.runtimes.push(runtime);
      this.options.logger.info(
        "interface.added",
        `Interface ${iface.name} (${iface.protocol}) added`,
        {
          interface: iface.name,
        },
      );
      if (iface.autostart) await runtime.start();
      return detail(runtime);
    });
  }

  /**
   * Replaces an interface's definition and applies it live. Passwords sent as the redaction
   * marker keep their stored values.
   */
  changeInterface(
    name: string,
    body: unknown,
  ): Promise<InterfaceDetail & { applied: ChangeApplied }> {
    return this.serialized(async () => {
      const runtime = this.runtime(name);
      const input =
        body && typeof body === "object" && !Array.isArray(body) ? { name, ...body } : body;
      const next = parseInterface(input);
      if (next.name !== name) {
        throw new ConflictError(
          `Interfaces cannot be renamed (${name} → ${next.name}); add ${next.name} and delete ${name}`,
        );
      }
      if (next.tls) next.tls = keepRedactedPasswords(next.tls, runtime.config.tls);
      const applied = await runtime.apply(next, () =>
        this.save(this.runtimes.map((r) => (r === runtime ? next : r.config))),
      );
      if (applied !== "unchanged") {
        this.options.logger.info("interface.changed", `Interface ${name} changed (${applied})`, {
          interface: name,
          applied,
        });
      }
      return { ...detail(runtime), applied };
    });
  }

  /** Stops an interface (closing its connections) and removes it. */
  deleteInterface(name: string): Promise<{ deleted: string }> {
    return this.serialized(async () => {
      const runtime = this.runtime(name);
      await this.save(this.runtimes.filter((r) => r !== runtime).map((r) => r.config));
      this.runtimes.splice(this.runtimes.indexOf(runtime), 1);
      await runtime.stop(`Interface ${name} was deleted`);
      this.options.logger.info("interface.deleted", `Interface ${name} deleted`, {
        interface: name,
      });
      return { deleted: name };
    });
  }

  startInterface(name: string): Promise<InterfaceDetail> {
    return this.serialized(async () => {
      const runtime = this.runtime(name);
      if (!runtime.running) {
        // From state Error, start retries: the port may be free now or the key store fixed.
        await runtime.stop("restarting");
        await runtime.start();
      }
      return detail(runtime);
    });
  }

  stopInterface(name: string): Promise<InterfaceDetail> {
    return this.serialized(async () => {
      const runtime = this.runtime(name);
      await runtime.stop(`Interface ${name} was stopped by an operator`);
      return detail(runtime);
    });
  }

  reloadInterfaceTls(name: string): Promise<TlsReloadResult> {
    return this.serialized(() => this.runtime(name).reloadTls());
  }

  /** Reloads key material on every running nsps/nhps interface. */
  reloadAllTls(): Promise<{ results: TlsReloadResult[] }> {
    return this.serialized(async () => {
      const results: TlsReloadResult[] = [];
      for (const runtime of this.runtimes) {
        if (runtime.isTls && runtime.running) results.push(await runtime.reloadTls());
      }
      return { results };
    });
  }

  /** Stops every interface (SHUTTING_DOWN to each connection), then flushes and closes the logs. */
  async shutdown(): Promise<void> {
    await this.serialized(async () => {
      await this.cluster?.stop(`Realm ${this.name} is shutting down`);
      await Promise.all(
        this.runtimes.map((r) => r.stop(`Realm ${this.name} is shutting down; reconnect later`)),
      );
      await this.store.close();
      this.metrics.close();
    });
  }

  private createRuntime(iface: Interface): InterfaceRuntime {
    return new InterfaceRuntime(iface, {
      realmName: this.name,
      dataDir: this.options.dataDir,
      limits: this.options.config.limits,
      store: this.store,
      cluster: () => this.cluster,
      identity: this.options.identity,
      logger: this.options.logger,
    });
  }

  private runtime(name: string): InterfaceRuntime {
    const runtime = this.runtimes.find((r) => r.config.name === name);
    if (!runtime) {
      const names = this.runtimes.map((r) => r.config.name);
      throw new NotFoundError(
        `Realm ${this.name} has no interface ${name}${names.length ? ` (interfaces: ${names.join(", ")})` : ""}`,
      );
    }
    return runtime;
  }

  private currentConfig(): RealmConfig {
    return { ...this.options.config, interfaces: this.runtimes.map((r) => r.config) };
  }

  private async applyCluster(body: unknown): Promise<ClusterStatus> {
    const parsed = ClusterConfigSchema.safeParse(body);
    if (!parsed.success) throw new InputError(formatZodError(parsed.error));
    const config = parsed.data;
    const previous = this.options.config.cluster;
    if (config.trustStorePassword === REDACTED) {
      if (previous?.trustStorePassword === undefined) {
        throw new InputError("trustStorePassword: there is no stored password to keep");
      }
      config.trustStorePassword = previous.trustStorePassword;
    }
    this.checkMembers(config);
    const next = { ...this.currentConfig(), cluster: config };
    if (previous && previous.name === config.name && this.cluster) {
      await this.cluster.updateConfig(config).catch((error: Error) => {
        throw new InputError(error.message);
      });
      await writeRealmConfigFile(path.join(this.options.dataDir, REALM_CONFIG_FILE), next);
    } else {
      const started = await this.startCluster(config);
      await writeRealmConfigFile(path.join(this.options.dataDir, REALM_CONFIG_FILE), next).catch(
        async (error) => {
          await started.stop("realm.json could not be written");
          throw error;
        },
      );
      const old = this.cluster;
      this.cluster = started;
      await old?.stop(`Realm ${this.name} moved to cluster ${config.name}`);
    }
    this.options.config = { ...this.options.config, cluster: config };
    this.options.logger.info(
      "cluster.configured",
      `Cluster ${config.name}: ${config.members.map((m) => m.name).join(", ")}`,
      { cluster: config.name, members: config.members.length },
    );
    return this.cluster!.status();
  }

  /** This realm must be a member under its own key; every key must be an Ed25519 key. */
  private checkMembers(config: ClusterConfig): void {
    const self = config.members.find((m) => m.name === this.name);
    if (!self) {
      throw new InputError(`members: the members must include this realm (${this.name})`);
    }
    config.members.forEach((member, index) => {
      if (!isEd25519PublicKey(member.publicKey)) {
        throw new InputError(
          `members.${index}.publicKey: not an Ed25519 public key; use the member's identity.pub`,
        );
      }
    });
    const own = createPublicKey(this.options.identity.privateKey)
      .export({ type: "spki", format: "pem" })
      .toString();
    if (publicKeyFingerprint(self.publicKey) !== publicKeyFingerprint(own)) {
      throw new InputError(
        `members: the publicKey listed for ${this.name} (SHA-256 ${publicKeyFingerprint(self.publicKey)}) is not this realm's identity key (SHA-256 ${this.options.identity.fingerprintSha256})`,
      );
    }
  }

  private startCluster(config: ClusterConfig): Promise<ClusterNode> {
    return ClusterNode.start({
      realmName: this.name,
      dataDir: this.options.dataDir,
      config,
      identity: this.options.identity,
      logger: this.options.logger,
      store: this.store,
      fsync: this.options.fsync,
      maxFrameBytes: this.options.config.limits.maxFrameBytes,
    }).catch((error: Error) => {
      throw new InputError(`Cluster ${config.name} cannot start: ${error.message}`);
    });
  }

  private async save(interfaces: Interface[]): Promise<void> {
    const config = { ...this.options.config, interfaces };
    await writeRealmConfigFile(path.join(this.options.dataDir, REALM_CONFIG_FILE), config);
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => {});
    return result;
  }
}

function detail(runtime: InterfaceRuntime): InterfaceDetail {
  return { interface: redactInterface(runtime.config), status: runtime.status() };
}

function parseInterface(body: unknown): Interface {
  const parsed = InterfaceSchema.safeParse(body);
  if (!parsed.success) throw new InputError(formatZodError(parsed.error));
  return parsed.data;
}

function keepRedactedPasswords(
  next: InterfaceTls,
  previous: InterfaceTls | undefined,
): InterfaceTls {
  const out = { ...next };
  for (const field of PASSWORD_FIELDS) {
    if (out[field] === REDACTED) {
      if (previous?.[field] === undefined) {
        throw new InputError(
          `tls.${field}: there is no stored password to keep; send the password`,
        );
      }
      out[field] = previous[field] as string;
    }
  }
  return out;
}
