import { randomUUID } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import {
  type ClusterConfig,
  type ClusterLinkStatus,
  type ClusterMember,
  type ClusterRefusal,
  type ErrorCode,
  type InterRealmHello,
  type LinkAuthFrame,
  LinkAuthFrameSchema,
  PROTOCOL_VERSION,
} from "@conclave/protocol";
import { parseRealmUrl } from "@conclave/realm-client";
import WebSocket from "ws";
import type { RealmIdentity } from "../identity.js";
import type { Logger } from "../logger.js";
import type { Connection } from "../sessions/connection.js";
import { StreamConnection } from "../sessions/stream-connection.js";
import { WsConnection } from "../sessions/ws-connection.js";
import { afterPendingInput } from "./after-pending-input.js";
import { newNonce, publicKeyFingerprint, signLink, verifyLink } from "./handshake.js";
import { isCertificateError, untrustedReason } from "./peer-certificate.js";

/** How often each link is pinged (liveness and round-trip time). */
const PING_INTERVAL_MS = 500;
/** A link that has heard nothing for this long is considered dead and closed. */
const LINK_SILENCE_MS = 3_000;
/** Time allowed from opening the transport to an established link. */
const HANDSHAKE_TIMEOUT_MS = 5_000;
/**
 * A clustered realm sends its identity proof in the same turn as its welcome, so a realm that
 * welcomes a link and sends nothing more runs no cluster yet (it is being configured, as when
 * the members are clustered one after the other): dial it again soon instead of waiting out
 * {@link HANDSHAKE_TIMEOUT_MS}, which delayed a fresh cluster's first master by 5 s.
 */
const PROOF_AFTER_WELCOME_MS = 1_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2_000;
const MAX_REFUSALS = 20;
/** How long a moved link keeps delivering what was in flight before it is closed. */
const MOVE_GRACE_MS = 1_000;

/** One inter-realm link (either direction), from hello to close. */
export class PeerLink {
  state: "handshaking" | "established" | "closing" = "handshaking";
  /** The peer's per-process instance id, once authenticated. */
  peerInstance: string | undefined;
  connectedSince = new Date();
  roundTripMs: number | null = null;
  lastHeard = performance.now();
  lastPingAt = 0;
  /** Set once the identity handshake succeeded (stays set while the link closes). */
  wasEstablished = false;
  private pingId = 0;
  private pingSentAt = new Map<number, number>();

  constructor(
    readonly peer: string,
    readonly direction: "outbound" | "inbound",
    readonly connection: Connection,
    /** The address dialled (outbound links). */
    readonly address: string | null,
  ) {}

  get isUp(): boolean {
    return this.state === "established" && this.connection.isOpen;
  }

  /** Sends a link-ping; the pong gives the round-trip time. */
  ping(): void {
    const id = ++this.pingId;
    this.pingSentAt.set(id, performance.now());
    if (this.pingSentAt.size > 8) this.pingSentAt.delete(id - 8);
    this.connection.sendFrame({ type: "link-ping", id });
  }

  pong(id: number): void {
    const sent = this.pingSentAt.get(id);
    if (sent === undefined) return;
    this.pingSentAt.delete(id);
    this.roundTripMs = Math.round((performance.now() - sent) * 1000) / 1000;
  }

  status(active: boolean): ClusterLinkStatus {
    const tlsInfo = this.connection.tlsInfo();
    return {
      peer: this.peer,
      direction: this.direction,
      state: this.state,
      active,
      address: this.address,
      localAddress: this.connection.localAddress,
      remoteAddress: this.connection.remoteAddress,
      protocol: this.connection.protocol,
      encrypted: tlsInfo !== null,
      tlsVersion: tlsInfo?.version ?? null,
      cipher: tlsInfo?.cipher ?? null,
      peerCertificateFingerprintSha256: tlsInfo?.peerCertificateFingerprintSha256 ?? null,
      roundTripMs: this.roundTripMs,
      connectedSince: this.connectedSince.toISOString(),
    };
  }
}

/** What the link layer tells the cluster node. */
export interface LinkEvents {
  /** A link finished its identity handshake (it may replace an older link to the same peer). */
  linkUp(link: PeerLink): void;
  /** A link closed; `stillLinked` is true when another established link to the peer remains. */
  linkDown(link: PeerLink, stillLinked: boolean): void;
  /** A frame on an established link (pings are handled here). */
  frame(link: PeerLink, frame: { type: string }): void;
}

/** What the link layer needs to know about this realm. */
export interface LinkManagerOptions {
  realmName: string;
  identity: RealmIdentity;
  logger: Logger;
  maxFrameBytes: number;
  /** CA certificates (PEM) that peers' TLS certificates must chain to; none: not verified. */
  trustedCas: () => string[] | undefined;
  events: LinkEvents;
}

/** Why a handshake failed: sent to the peer as a fatal error frame and kept in status. */
class LinkRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface DialState {
  dialing: boolean;
  retryAt: number;
  backoffMs: number;
}

/**
 * Inter-realm links of one cluster member: dials the members whose name sorts after this
 * realm's (so a pair of realms needs one link), answers the others' dials, runs the identity
 * handshake on both sides, pings, and moves a link when the member's addresses change (the
 * new link is established before the old one is closed).
 */
export class LinkManager {
  private config: ClusterConfig;
  private readonly links = new Set<PeerLink>();
  private readonly dials = new Map<string, DialState>();
  private readonly refusals: ClusterRefusal[] = [];
  private readonly timer: NodeJS.Timeout;
  private stopped = false;
  /** Random per process start; tells a reconnect from a second realm using our name. */
  readonly instance = randomUUID();

  constructor(
    config: ClusterConfig,
    private readonly options: LinkManagerOptions,
  ) {
    this.config = config;
    this.timer = setInterval(() => this.tick(), 100);
    this.timer.unref();
  }

  /** Applies a new membership: links to removed members or with a changed key are closed. */
  setConfig(config: ClusterConfig): void {
    const previous = this.config;
    this.config = config;
    for (const link of this.links) {
      const before = previous.members.find((m) => m.name === link.peer);
      const now = config.members.find((m) => m.name === link.peer);
      if (!now || before?.publicKey !== now.publicKey) {
        this.close(link, `realm ${link.peer} is no longer a member with this identity key`);
      }
    }
    this.tick();
  }

  /** The link replication uses for `peer`: its newest established link. */
  active(peer: string): PeerLink | undefined {
    let best: PeerLink | undefined;
    for (const link of this.links) {
      if (
        link.peer === peer &&
        link.isUp &&
        (!best || link.connectedSince >= best.connectedSince)
      ) {
        best = link;
      }
    }
    return best;
  }

  /** Peers with at least one established link. */
  linkedPeers(): Set<string> {
    const out = new Set<string>();
    for (const link of this.links) if (link.isUp) out.add(link.peer);
    return out;
  }

  status(): ClusterLinkStatus[] {
    return [...this.links].map((link) => link.status(this.active(link.peer) === link));
  }

  refusalList(): ClusterRefusal[] {
    return [...this.refusals];
  }

  /** Closes every link (SHUTTING_DOWN to the peers). */
  stop(reason: string): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const link of this.links) this.close(link, reason);
  }

  /**
   * Takes over a connection whose inter-realm hello was welcomed on one of our interfaces and
   * runs the answering side of the handshake. Returns the session object the interface keeps.
   */
  accept(connection: Connection, hello: InterRealmHello): { end(): void } {
    const link = new PeerLink(hello.realm, "inbound", connection, null);
    this.links.add(link);
    const nonce = newNonce();
    const timer = setTimeout(
      () => this.refuse(link, new LinkRefusal("HELLO_TIMEOUT", "identity handshake timed out")),
      HANDSHAKE_TIMEOUT_MS,
    );
    const binding = {
      cluster: this.config.name,
      dialer: hello.realm,
      acceptor: this.options.realmName,
      dialerNonce: hello.nonce,
      acceptorNonce: nonce,
    };
    connection.onClose = () => {
      clearTimeout(timer);
      this.closed(link);
    };
    try {
      this.checkHello(hello);
    } catch (error) {
      clearTimeout(timer);
      this.refuse(link, error as Error);
      return { end: () => {} };
    }
    connection.sendFrame(this.authFrame(binding, nonce));
    connection.onFrame = (raw) => {
      if (link.state !== "handshaking") {
        this.receive(link, raw);
        return;
      }
      clearTimeout(timer);
      try {
        const proof = this.readProof(raw, hello.realm);
        this.checkProof(proof, hello.realm, binding);
        this.checkDuplicate(proof, connection);
        link.peerInstance = proof.instance;
        connection.sendFrame({ type: "link-ready" });
        this.established(link);
      } catch (error) {
        this.refuse(link, error as Error);
      }
    };
    return { end: () => {} };
  }

  private tick(): void {
    if (this.stopped) return;
    const now = performance.now();
    for (const link of this.links) {
      if (!link.isUp) continue;
      if (now - link.lastHeard > LINK_SILENCE_MS) {
        afterPendingInput(() => {
          if (link.isUp && performance.now() - link.lastHeard > LINK_SILENCE_MS) {
            this.close(link, `nothing heard from realm ${link.peer} for ${LINK_SILENCE_MS} ms`);
          }
        });
        continue;
      }
      if (now - link.lastPingAt >= PING_INTERVAL_MS) {
        link.lastPingAt = now;
        link.ping();
      }
    }
    for (const member of this.config.members) {
      if (member.name <= this.options.realmName) continue;
      this.maintain(member, now);
    }
  }

  /** Dials `member` when it has no link, or a link to an address no longer listed (a move). */
  private maintain(member: ClusterMember, now: number): void {
    const dial = this.dials.get(member.name) ?? { dialing: false, retryAt: 0, backoffMs: 0 };
    this.dials.set(member.name, dial);
    if (dial.dialing || now < dial.retryAt || member.addresses.length === 0) return;
    const current = [...this.links].filter(
      (l) => l.peer === member.name && l.direction === "outbound" && l.state !== "closing",
    );
    const inPlace = current.some(
      (l) => l.state === "established" && l.address && member.addresses.includes(l.address),
    );
    if (inPlace || current.some((l) => l.state === "handshaking")) return;
    dial.dialing = true;
    void this.dialMember(member).then((ok) => {
      dial.dialing = false;
      if (ok) {
        dial.backoffMs = 0;
        dial.retryAt = 0;
      } else {
        dial.backoffMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, dial.backoffMs * 2));
        dial.retryAt = performance.now() + dial.backoffMs * (0.75 + Math.random() / 2);
      }
    });
  }

  private async dialMember(member: ClusterMember): Promise<boolean> {
    for (const address of member.addresses) {
      if (this.stopped) return false;
      try {
        await this.dial(member, address);
        return true;
      } catch (error) {
        if (error instanceof LinkRefusal) return false;
        if (isCertificateError(error)) {
          // The peer answered but the trust store rejects it: a refusal operators must see,
          // not a network hiccup. The next address is tried all the same.
          this.refuseCertificate(member.name, address, null, `${error.code}: ${error.message}`);
          continue;
        }
        this.options.logger.warn(
          "cluster.dial-failed",
          `Could not link to realm ${member.name} at ${address}: ${(error as Error).message}`,
          { peer: member.name, address },
        );
      }
    }
    return false;
  }

  /** Dials one address and runs the calling side of the handshake. */
  private async dial(member: ClusterMember, address: string): Promise<void> {
    const connection = await this.open(address);
    const link = new PeerLink(member.name, "outbound", connection, address);
    this.links.add(link);
    const nonce = newNonce();
    await new Promise<void>((resolve, reject) => {
      let acceptorNonce: string | undefined;
      let welcomed = false;
      let proofTimer: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        clearTimeout(proofTimer);
        const error = new LinkRefusal("HELLO_TIMEOUT", `no identity handshake from ${address}`);
        this.refuse(link, error);
        reject(error);
      }, HANDSHAKE_TIMEOUT_MS);
      const noProof = () => {
        if (acceptorNonce !== undefined || link.state !== "handshaking") return;
        clearTimeout(timer);
        const message = `realm ${member.name} at ${address} welcomed the link but sent no identity proof within ${PROOF_AFTER_WELCOME_MS} ms: it is not (yet) configured with cluster ${this.config.name}`;
        link.state = "closing";
        link.connection.fail("HELLO_TIMEOUT", message);
        // Not a refusal: the peer has not decided anything yet. dialMember logs it and retries.
        reject(new Error(message));
      };
      connection.onClose = () => {
        clearTimeout(timer);
        clearTimeout(proofTimer);
        this.closed(link);
        if (link.state === "handshaking" || link.state === "closing") {
          reject(new Error("the connection closed during the identity handshake"));
        }
      };
      connection.onFrame = (raw) => {
        // Once established, every frame is the peer's, also while the link closes after a move
        // (its grace period): treating those as handshake frames would drop a forwarded publish.
        if (link.wasEstablished) {
          this.receive(link, raw);
          return;
        }
        const frame = raw as { type?: string; realm?: string; message?: string; code?: string };
        try {
          if (frame.type === "error") {
            throw new LinkRefusal(
              "INTERNAL",
              `refused by ${member.name}: ${frame.message ?? frame.code}`,
            );
          }
          if (!welcomed) {
            if (frame.type !== "welcome") throw new Error(`expected welcome, got ${frame.type}`);
            if (frame.realm !== member.name) {
              throw new LinkRefusal(
                "NOT_A_MEMBER",
                `${address} answered as realm ${frame.realm}, not ${member.name}; check the member's addresses`,
              );
            }
            welcomed = true;
            // Decided after the input already received is read (see afterPendingInput).
            proofTimer = setTimeout(() => afterPendingInput(noProof), PROOF_AFTER_WELCOME_MS);
            return;
          }
          if (acceptorNonce === undefined) {
            clearTimeout(proofTimer);
            const proof = this.readProof(raw, member.name);
            if (!proof.nonce) throw new LinkRefusal("INVALID_REQUEST", "link-auth without nonce");
            acceptorNonce = proof.nonce;
            const binding = {
              cluster: this.config.name,
              dialer: this.options.realmName,
              acceptor: member.name,
              dialerNonce: nonce,
              acceptorNonce,
            };
            this.checkProof(proof, member.name, binding);
            link.peerInstance = proof.instance;
            connection.sendFrame(this.authFrame(binding, undefined));
            return;
          }
          if (frame.type !== "link-ready")
            throw new Error(`expected link-ready, got ${frame.type}`);
          clearTimeout(timer);
          this.established(link);
          resolve();
        } catch (error) {
          clearTimeout(timer);
          clearTimeout(proofTimer);
          this.refuse(link, error as Error);
          reject(error);
        }
      };
      connection.sendFrame({
        type: "hello",
        role: "inter-realm",
        protocolVersion: PROTOCOL_VERSION,
        realm: this.options.realmName,
        nonce,
        cluster: this.config.name,
        instance: this.instance,
      } as never);
    });
  }

  /** Opens the transport of an inter-realm address as a {@link Connection}. */
  private open(address: string): Promise<Connection> {
    const url = parseRealmUrl(address);
    const cas = this.options.trustedCas();
    const tlsOptions: tls.ConnectionOptions = {
      ca: cas,
      // Without a trust store the link is encrypted but the certificate unchecked; the identity
      // handshake authenticates the peer either way (docs/adr/0003-cluster-protocol.md).
      rejectUnauthorized: cas !== undefined,
      servername: net.isIP(url.host) ? undefined : url.host,
    };
    const { maxFrameBytes } = this.options;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no connection within ${HANDSHAKE_TIMEOUT_MS} ms`));
      }, HANDSHAKE_TIMEOUT_MS);
      let cleanup = () => {};
      if (url.protocol === "nsp" || url.protocol === "nsps") {
        const secure = url.protocol === "nsps";
        const socket = secure
          ? tls.connect({ host: url.host, port: url.port, ...tlsOptions })
          : net.connect({ host: url.host, port: url.port });
        cleanup = () => socket.destroy();
        socket.once("error", (error) => {
          clearTimeout(timer);
          reject(error);
        });
        socket.once(secure ? "secureConnect" : "connect", () => {
          clearTimeout(timer);
          socket.removeAllListeners("error");
          resolve(new StreamConnection(socket, url.protocol, maxFrameBytes));
        });
        return;
      }
      const secure = url.protocol === "nhps";
      const host = net.isIPv6(url.host) ? `[${url.host}]` : url.host;
      let socket: net.Socket | undefined;
      const ws = new WebSocket(`${secure ? "wss" : "ws"}://${host}:${url.port}${url.path}`, {
        perMessageDeflate: false,
        maxPayload: maxFrameBytes,
        ...(secure ? tlsOptions : {}),
      });
      cleanup = () => ws.terminate();
      ws.on("upgrade", (response) => {
        socket = response.socket as net.Socket;
      });
      ws.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.once("open", () => {
        clearTimeout(timer);
        ws.removeAllListeners("error");
        resolve(new WsConnection(ws, socket!, url.protocol));
      });
    });
  }

  private authFrame(
    binding: Parameters<typeof signLink>[0],
    nonce: string | undefined,
  ): LinkAuthFrame {
    return {
      type: "link-auth",
      cluster: this.config.name,
      realm: this.options.realmName,
      instance: this.instance,
      ...(nonce ? { nonce } : {}),
      publicKey: this.options.identity.publicKeyPem,
      signature: signLink(binding, this.options.realmName, this.options.identity.privateKey),
    };
  }

  /** The answering side's checks on a hello, before anything is signed. */
  private checkHello(hello: InterRealmHello): void {
    const cluster = this.config.name;
    if (hello.cluster !== cluster) {
      throw new LinkRefusal(
        "NOT_A_MEMBER",
        `refused: realm ${hello.realm} is ${hello.cluster ? `in cluster ${hello.cluster}` : "not clustered"}; realm ${this.options.realmName} is in cluster ${cluster}`,
      );
    }
    if (hello.realm === this.options.realmName) {
      throw new LinkRefusal(
        "DUPLICATE_REALM",
        `refused: duplicate realm name ${hello.realm}: a peer uses this realm's own name`,
      );
    }
    if (!this.config.members.some((m) => m.name === hello.realm)) {
      throw new LinkRefusal(
        "NOT_A_MEMBER",
        `refused: realm ${hello.realm} is not a member of cluster ${cluster}`,
      );
    }
  }

  private readProof(raw: unknown, peer: string): LinkAuthFrame {
    const frame = raw as { type?: string; message?: string; code?: string };
    if (frame?.type === "error") {
      throw new LinkRefusal("INTERNAL", `refused by ${peer}: ${frame.message ?? frame.code}`);
    }
    const parsed = LinkAuthFrameSchema.safeParse(raw);
    if (!parsed.success) {
      throw new LinkRefusal(
        "INVALID_REQUEST",
        `realm ${peer} sent ${frame?.type ?? "a frame"} instead of its identity proof (link-auth)`,
      );
    }
    return parsed.data;
  }

  /** The peer's key must be its member entry's key, and its signature must verify. */
  private checkProof(
    proof: LinkAuthFrame,
    peer: string,
    binding: Parameters<typeof verifyLink>[0],
  ): void {
    const member = this.config.members.find((m) => m.name === peer);
    if (proof.realm !== peer || proof.cluster !== this.config.name) {
      throw new LinkRefusal(
        "NOT_A_MEMBER",
        `refused: realm ${peer} answered as ${proof.realm} of cluster ${proof.cluster}`,
      );
    }
    if (!member || normalizeKey(member.publicKey) !== normalizeKey(proof.publicKey)) {
      const fingerprint = publicKeyFingerprint(proof.publicKey) ?? "unreadable";
      throw new LinkRefusal(
        "UNKNOWN_IDENTITY",
        `refused: realm ${peer} presented an unknown identity key (SHA-256 ${fingerprint}); distribute its identity.pub to the cluster's members`,
      );
    }
    if (!verifyLink(binding, peer, member.publicKey, proof.signature)) {
      throw new LinkRefusal(
        "UNKNOWN_IDENTITY",
        `refused: realm ${peer}'s identity signature does not verify with its registered key`,
      );
    }
  }

  /** A second process with a member's name (e.g. a copied data directory) is refused. */
  private checkDuplicate(proof: LinkAuthFrame, connection: Connection): void {
    const now = performance.now();
    for (const other of this.links) {
      if (
        other.peer === proof.realm &&
        other.isUp &&
        other.peerInstance !== proof.instance &&
        now - other.lastHeard < LINK_SILENCE_MS
      ) {
        throw new LinkRefusal(
          "DUPLICATE_REALM",
          `refused: duplicate realm name ${proof.realm}: another process of realm ${proof.realm} is already linked (from ${other.connection.remoteAddress}); this one connected from ${connection.remoteAddress}`,
        );
      }
    }
  }

  private established(link: PeerLink): void {
    link.state = "established";
    link.wasEstablished = true;
    link.connectedSince = new Date();
    link.lastHeard = performance.now();
    const tlsInfo = link.connection.tlsInfo();
    this.options.logger.info(
      "cluster.link-up",
      `Linked with realm ${link.peer} (${link.direction}, ${link.connection.protocol}${tlsInfo ? ` ${tlsInfo.version}` : ""}, ${link.connection.remoteAddress})`,
      { peer: link.peer, direction: link.direction, protocol: link.connection.protocol },
    );
    this.options.events.linkUp(link);
    // A moved link: once the new one is up, the dialling side closes the older ones. They keep
    // delivering what is in flight for a grace period, so nothing sent on them is lost.
    if (link.direction !== "outbound") return;
    for (const other of this.links) {
      if (
        other !== link &&
        other.peer === link.peer &&
        other.direction === "outbound" &&
        other.state === "established"
      ) {
        this.close(
          other,
          `link to realm ${link.peer} moved to ${link.address ?? link.connection.remoteAddress}`,
          MOVE_GRACE_MS,
        );
      }
    }
  }

  private receive(link: PeerLink, raw: unknown): void {
    link.lastHeard = performance.now();
    const frame = raw as { type: string; id?: number; message?: string };
    switch (frame.type) {
      case "link-ping":
        link.connection.sendFrame({ type: "link-pong", id: frame.id ?? 0 });
        return;
      case "link-pong":
        link.pong(frame.id ?? 0);
        return;
      case "error":
        this.options.logger.warn(
          "cluster.link-error",
          `Realm ${link.peer}: ${frame.message ?? "error"}`,
          { peer: link.peer },
        );
        return;
      default:
        if (link.wasEstablished) this.options.events.frame(link, frame);
    }
  }

  /**
   * Re-checks the certificate of every outbound TLS link against the (new) trust store: links
   * whose peer it still accepts stay up untouched; the others are closed and refused, and the
   * next dial reports why.
   */
  recheckCertificates(): void {
    const cas = this.options.trustedCas();
    if (!cas) return;
    for (const link of this.links) {
      if (link.direction !== "outbound" || link.state === "closing") continue;
      if (!link.connection.tlsInfo()) continue;
      const reason = untrustedReason(link.connection.peerChain(), cas);
      if (!reason) continue;
      const address = link.address ?? link.connection.remoteAddress;
      const message = this.refuseCertificate(
        link.peer,
        address,
        link.connection.remoteAddress,
        reason,
      );
      this.close(link, message);
    }
  }

  /** Records and logs a peer certificate the cluster trust store does not accept. */
  private refuseCertificate(
    peer: string,
    address: string,
    remoteAddress: string | null,
    reason: string,
  ): string {
    const message = `refused: the certificate realm ${peer} serves at ${address} is not trusted by the cluster trust store (${reason}); give ${peer} a certificate from a CA in the trust store, or add its CA to the trust store`;
    this.remember(peer, remoteAddress ?? address, message);
    this.options.logger.warn("cluster.link-refused", message, {
      peer,
      address,
      code: "PEER_CERTIFICATE_UNTRUSTED",
    });
    return message;
  }

  private refuse(link: PeerLink, error: Error): void {
    const code = error instanceof LinkRefusal ? error.code : "INVALID_REQUEST";
    const message = error.message;
    this.remember(link.peer, link.connection.remoteAddress, message);
    // A refusal by the peer has already closed the link; ours is told to the peer first.
    if (message.startsWith("refused by")) link.connection.destroy();
    else link.connection.fail(code, message);
    this.options.logger.warn("cluster.link-refused", message, {
      peer: link.peer,
      remote: link.connection.remoteAddress,
      code,
    });
    link.state = "closing";
  }

  private remember(peer: string | null, remoteAddress: string | null, reason: string): void {
    const existing = this.refusals.findIndex((r) => r.reason === reason);
    if (existing >= 0) this.refusals.splice(existing, 1);
    this.refusals.push({ at: new Date().toISOString(), peer, remoteAddress, reason });
    if (this.refusals.length > MAX_REFUSALS) this.refusals.shift();
  }

  private close(link: PeerLink, reason: string, graceMs = 0): void {
    if (link.state === "closing") return;
    link.state = "closing";
    if (link.wasEstablished) {
      this.options.events.linkDown(
        link,
        [...this.links].some((l) => l.peer === link.peer && l.isUp),
      );
    }
    const fail = () => link.connection.fail("SHUTTING_DOWN", reason);
    if (graceMs > 0) setTimeout(fail, graceMs).unref();
    else fail();
  }

  private closed(link: PeerLink): void {
    if (!this.links.delete(link)) return;
    // Links closed by us told the node already (in close()).
    const wasUp = link.wasEstablished && link.state !== "closing";
    link.state = "closing";
    const stillLinked = [...this.links].some((l) => l.peer === link.peer && l.isUp);
    if (wasUp) {
      this.options.logger.info(
        "cluster.link-down",
        `Link with realm ${link.peer} (${link.connection.remoteAddress}) closed`,
        { peer: link.peer, stillLinked },
      );
      this.options.events.linkDown(link, stillLinked);
    }
  }
}

function normalizeKey(pem: string): string {
  return pem.replace(/\s+/g, "");
}
