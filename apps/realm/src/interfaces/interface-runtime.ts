import { isDeepStrictEqual } from "node:util";
import {
  type ChangeApplied,
  type ClientSessionInfo,
  type Interface,
  type InterfaceState,
  type InterfaceStatus,
  isTlsProtocol,
  MAX_LISTED_SESSIONS,
  type RealmLimits,
  type TlsReloadResult,
} from "@conclave/protocol";
import type { ChannelStore } from "../channels/channel-store.js";
import type { ClusterNode } from "../cluster/cluster-node.js";
import { ConflictError, RealmServerError } from "../errors.js";
import type { RealmIdentity } from "../identity.js";
import type { Logger } from "../logger.js";
import { acceptConnection } from "../sessions/accept-connection.js";
import { CLOSE_GRACE_MS, type Connection } from "../sessions/connection.js";
import type { SessionHost, SessionKind } from "../sessions/session-host.js";
import { describeListenError } from "./listen-error.js";
import type { Listener } from "./listener.js";
import { createNhpListener } from "./nhp.js";
import { createNspListener } from "./nsp.js";
import { loadTlsMaterial, type TlsMaterial } from "./tls-context.js";

/** What every interface of a realm shares. */
export interface InterfaceRuntimeDeps {
  realmName: string;
  dataDir: string;
  limits: RealmLimits;
  store: ChannelStore;
  /** The realm's current cluster membership (changes live). */
  cluster: () => ClusterNode | undefined;
  identity: RealmIdentity;
  logger: Logger;
}

/** Fields whose change needs a new listening socket. */
const LISTENER_FIELDS = ["protocol", "bindAddress", "port", "backlog"] as const;

/**
 * One configured interface: its listener, its connections and its state (Running, Stopped, or
 * Error with the reason). Operations on one interface are serialized by the realm.
 */
export class InterfaceRuntime implements SessionHost {
  private state: InterfaceState = "Stopped";
  private error: string | null = null;
  private listener: Listener | undefined;
  private material: TlsMaterial | undefined;
  private boundPort: number | null = null;
  private readonly connections = new Map<Connection, SessionKind | undefined>();
  /** When each connection was accepted and the client name its hello gave (status lists them). */
  private readonly accepted = new Map<Connection, { at: string; clientName: string | null }>();

  constructor(
    public config: Interface,
    private readonly deps: InterfaceRuntimeDeps,
  ) {}

  get realmName(): string {
    return this.deps.realmName;
  }
  get limits(): RealmLimits {
    return this.deps.limits;
  }
  get store(): ChannelStore {
    return this.deps.store;
  }
  get cluster(): ClusterNode | undefined {
    return this.deps.cluster();
  }
  get identity(): RealmIdentity {
    return this.deps.identity;
  }
  get logger(): Logger {
    return this.deps.logger;
  }

  get running(): boolean {
    return this.state === "Running";
  }

  get isTls(): boolean {
    return isTlsProtocol(this.config.protocol);
  }

  /** Loads key material and listens. Failures leave the interface in state Error with the reason. */
  async start(): Promise<void> {
    if (this.state === "Running") return;
    const { name, protocol, bindAddress, port, backlog } = this.config;
    let material: TlsMaterial | undefined;
    if (this.config.tls) {
      try {
        material = await loadTlsMaterial(name, this.config.tls, this.deps.dataDir);
      } catch (error) {
        this.setError(error instanceof RealmServerError ? error.message : String(error));
        return;
      }
    }
    const options = {
      maxFrameBytes: this.limits.maxFrameBytes,
      handshakeTimeoutMs: this.config.authTime,
      onConnection: (connection: Connection) => this.accept(connection),
      onTlsError: (error: Error, remote: string) =>
        this.logger.warn(
          "tls.handshake-failed",
          `TLS handshake from ${remote} on ${name} failed: ${error.message.trim()}`,
          { interface: name, remote, code: (error as NodeJS.ErrnoException).code },
        ),
    };
    const listener =
      protocol === "nsp" || protocol === "nsps"
        ? createNspListener(material, options)
        : createNhpListener(material, options);
    try {
      await new Promise<void>((resolve, reject) => {
        listener.server.once("error", reject);
        listener.server.listen({ host: bindAddress, port, backlog }, () => {
          listener.server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      listener.server.close();
      this.setError(describeListenError(error as NodeJS.ErrnoException, bindAddress, port));
      return;
    }
    listener.server.on("error", (error) =>
      this.logger.error("interface.error", `Interface ${name}: ${error.message}`, {
        interface: name,
      }),
    );
    const address = listener.server.address();
    this.boundPort = typeof address === "object" && address ? address.port : null;
    this.listener = listener;
    this.material = material;
    this.state = "Running";
    this.error = null;
    this.logger.info(
      "interface.started",
      `Interface ${name} (${protocol}) listening on ${bindAddress}:${this.boundPort}`,
      {
        interface: name,
        protocol,
        bindAddress,
        port: this.boundPort,
        certificate: material?.certificate.subject,
      },
    );
  }

  /**
   * Stops listening and closes the interface's connections with a SHUTTING_DOWN error frame
   * carrying `reason`; waits (briefly) until they are gone.
   */
  async stop(reason: string): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    this.material = undefined;
    this.boundPort = null;
    const wasRunning = this.state === "Running";
    this.state = "Stopped";
    this.error = null;
    if (!listener) return;
    listener.server.close();
    if ("closeAllConnections" in listener.server) {
      (listener.server as { closeAllConnections(): void }).closeAllConnections();
    }
    for (const connection of this.connections.keys()) connection.fail("SHUTTING_DOWN", reason);
    const deadline = Date.now() + CLOSE_GRACE_MS + 500;
    while (this.connections.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (wasRunning) {
      this.logger.info("interface.stopped", `Interface ${this.config.name} stopped: ${reason}`, {
        interface: this.config.name,
      });
    }
  }

  /**
   * Re-reads key store, trust store and CRL and serves them to new handshakes; established
   * sessions keep their keys. On failure the previous material keeps serving.
   */
  async reloadTls(): Promise<TlsReloadResult> {
    const { name } = this.config;
    if (!this.config.tls) {
      throw new ConflictError(
        `Interface ${name} is ${this.config.protocol}, which has no TLS to reload`,
        "NOT_TLS",
      );
    }
    if (!this.listener) {
      throw new ConflictError(
        `Interface ${name} is not running; start it to load its key material`,
      );
    }
    try {
      const material = await loadTlsMaterial(name, this.config.tls, this.deps.dataDir);
      this.listener.setTls(material);
      this.material = material;
      this.logger.info("tls.reloaded", `Interface ${name} serves ${material.certificate.subject}`, {
        interface: name,
        fingerprintSha256: material.certificate.fingerprintSha256,
      });
      return { name, reloaded: true, error: null, certificate: material.certificate };
    } catch (error) {
      const message = error instanceof RealmServerError ? error.message : String(error);
      this.logger.warn("tls.reload-failed", `${message}; the previous key material stays in use`, {
        interface: name,
      });
      return {
        name,
        reloaded: false,
        error: message,
        certificate: this.material?.certificate ?? null,
      };
    }
  }

  /**
   * Applies a new definition (same name) live. `persist` runs once the change is known to be
   * applicable (key material loads) and before anything is torn down; if it throws, nothing
   * changed. See docs/realm.md "Changing a running interface".
   */
  async apply(next: Interface, persist: () => Promise<void>): Promise<ChangeApplied> {
    const previous = this.config;
    if (isDeepStrictEqual(previous, next)) return "unchanged";
    if (this.state !== "Running") {
      await persist();
      this.config = next;
      if (this.state === "Error") {
        // It was meant to run; try again with the corrected definition.
        await this.start();
        return "restarted";
      }
      return "saved";
    }
    const listenerChanged = LISTENER_FIELDS.some((field) => previous[field] !== next[field]);
    const tlsChanged = !isDeepStrictEqual(previous.tls, next.tls);
    let material: TlsMaterial | undefined;
    if (next.tls && (tlsChanged || listenerChanged)) {
      // Throws TlsMaterialError before anything changes, so a bad key store never takes a
      // working interface down.
      material = await loadTlsMaterial(next.name, next.tls, this.deps.dataDir);
    }
    await persist();
    this.config = next;
    if (listenerChanged) {
      await this.stop(
        `Interface ${next.name} is restarting to apply a configuration change; reconnect`,
      );
      await this.start();
      return "restarted";
    }
    this.enforceAllowFlags(previous, next);
    if (material && this.listener) {
      this.listener.setTls(material);
      this.material = material;
      this.logger.info(
        "tls.reloaded",
        `Interface ${next.name} serves ${material.certificate.subject}`,
        {
          interface: next.name,
        },
      );
      return "tls-reloaded";
    }
    return "live";
  }

  status(): InterfaceStatus {
    let clientSessions = 0;
    let interRealmLinks = 0;
    const sessions: ClientSessionInfo[] = [];
    // Map order is accept order, so the list holds the oldest sessions and stays stable.
    for (const [connection, kind] of this.connections) {
      if (kind === "client") {
        clientSessions++;
        if (sessions.length < MAX_LISTED_SESSIONS) sessions.push(this.describe(connection));
      } else if (kind === "inter-realm") interRealmLinks++;
    }
    return {
      name: this.config.name,
      protocol: this.config.protocol,
      bindAddress: this.config.bindAddress,
      port: this.config.port,
      boundPort: this.boundPort,
      state: this.state,
      error: this.error,
      connections: this.connections.size,
      clientSessions,
      sessions,
      interRealmLinks,
      allowForInterRealm: this.config.allowForInterRealm,
      allowClientConnections: this.config.allowClientConnections,
      certificate: this.material?.certificate ?? null,
    };
  }

  sessionOpened(kind: SessionKind, connection: Connection, clientName?: string): void {
    this.connections.set(connection, kind);
    const accepted = this.accepted.get(connection);
    if (accepted) accepted.clientName = clientName ?? null;
  }

  sessionClosed(): void {}

  private accept(connection: Connection): void {
    this.connections.set(connection, undefined);
    this.accepted.set(connection, { at: new Date().toISOString(), clientName: null });
    acceptConnection(connection, this);
    const sessionOnClose = connection.onClose;
    connection.onClose = () => {
      this.connections.delete(connection);
      this.accepted.delete(connection);
      sessionOnClose();
    };
  }

  private describe(connection: Connection): ClientSessionInfo {
    const accepted = this.accepted.get(connection);
    const tlsInfo = connection.tlsInfo();
    return {
      id: connection.id,
      remoteAddress: connection.remoteAddress,
      clientName: accepted?.clientName ?? null,
      connectedAt: accepted?.at ?? "",
      tls: tlsInfo !== null,
      tlsVersion: tlsInfo?.version ?? null,
    };
  }

  /** Sessions of a kind the interface no longer allows are closed with the refusal. */
  private enforceAllowFlags(previous: Interface, next: Interface): void {
    for (const [connection, kind] of this.connections) {
      if (kind === "client" && previous.allowClientConnections && !next.allowClientConnections) {
        connection.fail(
          "CLIENT_CONNECTIONS_NOT_ALLOWED",
          `Interface ${next.name} no longer allows client connections; connect to an interface with Allow Client Connections enabled`,
        );
      }
      if (kind === "inter-realm" && previous.allowForInterRealm && !next.allowForInterRealm) {
        connection.fail(
          "INTER_REALM_NOT_ALLOWED",
          `Interface ${next.name} no longer allows inter-realm connections; link realms through an interface with Allow for InterRealm enabled`,
        );
      }
    }
  }

  private setError(reason: string): void {
    this.state = "Error";
    this.error = reason;
    this.logger.error("interface.failed", `Interface ${this.config.name}: ${reason}`, {
      interface: this.config.name,
    });
  }
}
