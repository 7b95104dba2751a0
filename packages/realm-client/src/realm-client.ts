import {
  type AckFrame,
  type ErrorFrame,
  type EventFrame,
  type PongFrame,
  PROTOCOL_VERSION,
  type SubscribedFrame,
  type SubscribeFrom,
  type WelcomeFrame,
} from "@conclave/protocol";
import type { ClientTlsOptions, FrameTransport, TlsSessionInfo } from "./frame-transport.js";
import { RealmError } from "./realm-error.js";
import { parseRealmUrl } from "./realm-url.js";
import { openStreamTransport } from "./stream-transport.js";
import { Subscription } from "./subscription.js";
import { openWsTransport } from "./ws-transport.js";

/** Options of {@link RealmClient.connect}. */
export interface RealmClientOptions {
  tls?: ClientTlsOptions;
  /** Shown to operators next to the session. */
  client?: string;
  /** Time allowed for connecting and being welcomed, and for ping/subscribe answers (ms). */
  timeoutMs?: number;
  /**
   * Open the connection as an inter-realm link instead of a client session (tests of the
   * Allow for InterRealm flag). The nonce is random unless given.
   */
  hello?: { role: "inter-realm"; realm: string; nonce?: string };
  /** Largest frame accepted from the realm (bytes). */
  maxFrameBytes?: number;
  /** Called with error frames that answer no request and do not close the connection. */
  onError?: (error: RealmError) => void;
}

/** Options of {@link RealmClient.publish}. */
export interface PublishOptions {
  /** De-duplication key: a repeated publish with the same id is stored once. */
  eventId?: string;
  headers?: Record<string, string>;
}

/** The realm's answer to a publish, sent once the event is in the channel's log. */
export interface PublishResult {
  seq: number;
  eventId: string;
  /** True when an event with this eventId was already stored and this publish was dropped. */
  duplicate: boolean;
}

/** An event delivered to a subscription. */
export interface RealmEvent {
  channel: string;
  seq: number;
  eventId: string;
  /** When the realm stored the event (ms since the epoch). */
  time: number;
  data: Buffer;
  headers?: Record<string, string>;
}

interface Pending {
  resolve(frame: unknown): void;
  reject(error: RealmError): void;
  timer?: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * A session with a realm over nsp, nsps, nhp or nhps. Requests may be pipelined: `publish`
 * many events without awaiting each, and the realm acknowledges them in order.
 */
export class RealmClient {
  private nextRef = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Map<string, Subscription>();
  private closeError: RealmError | undefined;
  private isClosed = false;
  private readonly closedPromise: Promise<RealmError | undefined>;
  private resolveClosed!: (error: RealmError | undefined) => void;

  private constructor(
    private readonly transport: FrameTransport,
    /** The realm's welcome: its name, the session id and its clock. */
    readonly welcome: WelcomeFrame,
    private readonly options: RealmClientOptions,
  ) {
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    transport.onFrame = (frame) => this.handleFrame(frame as { type: string });
    transport.onClose = (error) => this.handleClose(error);
  }

  /**
   * Connects, sends the hello and waits for the welcome. Rejects with a {@link RealmError}:
   * the realm's refusal (e.g. CLIENT_CONNECTIONS_NOT_ALLOWED), CONNECT_FAILED or TIMEOUT.
   */
  static async connect(url: string, options: RealmClientOptions = {}): Promise<RealmClient> {
    const target = parseRealmUrl(url);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    const open =
      target.protocol === "nsp" || target.protocol === "nsps"
        ? openStreamTransport(target, options.tls, maxFrameBytes)
        : openWsTransport(target, options.tls, maxFrameBytes);

    let timer: NodeJS.Timeout | undefined;
    let transport: FrameTransport | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        transport?.destroy();
        reject(new RealmError("TIMEOUT", `No welcome from ${url} within ${timeoutMs} ms`, true));
      }, timeoutMs);
    });
    try {
      transport = await Promise.race([
        open.catch((error: Error) => {
          throw new RealmError(
            "CONNECT_FAILED",
            `Could not connect to ${url}: ${error.message}`,
            true,
          );
        }),
        timeout,
      ]);
      const welcome = await Promise.race([handshake(transport, options), timeout]);
      return new RealmClient(transport, welcome, options);
    } catch (error) {
      transport?.destroy();
      // A connection that opens after the timeout fired must not linger.
      open.then((late) => late.destroy()).catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** What was negotiated, on nsps and nhps connections. */
  get tls(): TlsSessionInfo | undefined {
    return this.transport.tls;
  }

  /** Resolves when the connection is gone: with the reason, or undefined after {@link close}. */
  get closed(): Promise<RealmError | undefined> {
    return this.closedPromise;
  }

  /** Publishes one event; resolves once the realm has written it to the channel's log. */
  publish(
    channel: string,
    data: Uint8Array | string,
    options: PublishOptions = {},
  ): Promise<PublishResult> {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
    // Built by hand: base64 needs no escaping, and JSON.stringify would scan every byte of it.
    const tail = `${options.eventId === undefined ? "" : `,"eventId":${JSON.stringify(options.eventId)}`}${
      options.headers === undefined ? "" : `,"headers":${JSON.stringify(options.headers)}`
    }}`;
    const head = `,"channel":${JSON.stringify(channel)},"data":"`;
    return this.request<PublishResult>(
      (ref) => `{"type":"publish","ref":${ref}${head}${base64}"${tail}`,
      "publish",
      false,
      (frame) => {
        const ack = frame as AckFrame;
        return { seq: ack.seq, eventId: ack.eventId, duplicate: ack.duplicate ?? false };
      },
    );
  }

  /**
   * Subscribes to a channel from "latest" (the next new event), "earliest" or a sequence
   * number. Events arrive in sequence order through `onEvent`, catch-up first, then live.
   */
  async subscribe(
    channel: string,
    options: { from?: SubscribeFrom },
    onEvent: (event: RealmEvent) => void,
  ): Promise<Subscription> {
    if (this.subscriptions.has(channel)) {
      throw new RealmError("INVALID_REQUEST", `Already subscribed to channel ${channel}`);
    }
    const subscription = new Subscription(channel, onEvent, (sub) => this.unsubscribe(sub));
    // Registered before the request so events right behind the answer are not lost.
    this.subscriptions.set(channel, subscription);
    try {
      const answer = await this.request<SubscribedFrame>(
        (ref) =>
          JSON.stringify({ type: "subscribe", ref, channel, from: options.from ?? "latest" }),
        "subscribe",
        true,
      );
      subscription.nextSeq = answer.nextSeq;
      return subscription;
    } catch (error) {
      this.subscriptions.delete(channel);
      throw error;
    }
  }

  /** Round trip to the realm; resolves with the time it took (ms). */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.request<PongFrame>((ref) => JSON.stringify({ type: "ping", ref }), "ping", true);
    return performance.now() - started;
  }

  /** Ends the session; pending requests are rejected with CONNECTION_CLOSED. */
  async close(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      this.transport.end();
      const timer = setTimeout(() => this.transport.destroy(), 2_000);
      await this.closedPromise;
      clearTimeout(timer);
    }
  }

  private async unsubscribe(subscription: Subscription): Promise<void> {
    if (this.subscriptions.get(subscription.channel) !== subscription) return;
    await this.request(
      (ref) => JSON.stringify({ type: "unsubscribe", ref, channel: subscription.channel }),
      "unsubscribe",
      true,
    );
    this.subscriptions.delete(subscription.channel);
  }

  /**
   * Sends a request built by `build(ref)` and resolves with the answer (through `map`), or
   * rejects with the error frame that answers it.
   */
  private request<T>(
    build: (ref: number) => string,
    type: string,
    timed: boolean,
    map?: (frame: unknown) => T,
  ): Promise<T> {
    if (this.closeError) return Promise.reject(this.closeError);
    if (this.isClosed) {
      return Promise.reject(new RealmError("CONNECTION_CLOSED", "The client was closed", true));
    }
    const ref = this.nextRef++;
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        resolve: map ? (frame) => resolve(map(frame)) : (resolve as (frame: unknown) => void),
        reject,
      };
      if (timed) {
        const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        pending.timer = setTimeout(() => {
          this.pending.delete(ref);
          reject(new RealmError("TIMEOUT", `No answer to ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.pending.set(ref, pending);
      this.transport.sendJson(build(ref));
    });
  }

  private settle(ref: number | undefined): Pending | undefined {
    if (ref === undefined) return undefined;
    const pending = this.pending.get(ref);
    if (pending) {
      this.pending.delete(ref);
      if (pending.timer) clearTimeout(pending.timer);
    }
    return pending;
  }

  private handleFrame(frame: { type: string; ref?: number }): void {
    switch (frame.type) {
      case "event": {
        const event = frame as EventFrame;
        this.subscriptions.get(event.channel)?.deliver({
          channel: event.channel,
          seq: event.seq,
          eventId: event.eventId,
          time: event.time,
          data: Buffer.from(event.data, "base64"),
          headers: event.headers,
        });
        return;
      }
      case "error": {
        const error = frame as ErrorFrame;
        const realmError = new RealmError(error.code, error.message, error.fatal);
        const pending = this.settle(error.ref);
        if (error.fatal) this.closeError = realmError;
        if (pending) pending.reject(realmError);
        else if (!error.fatal) this.options.onError?.(realmError);
        return;
      }
      default:
        this.settle(frame.ref)?.resolve(frame);
    }
  }

  private handleClose(error: Error | undefined): void {
    const reason =
      this.closeError ??
      (this.isClosed
        ? undefined
        : new RealmError(
            "CONNECTION_CLOSED",
            `The realm closed the connection${error ? `: ${error.message}` : ""}`,
            true,
          ));
    this.isClosed = true;
    const rejection = reason ?? new RealmError("CONNECTION_CLOSED", "The client was closed", true);
    for (const [ref, pending] of this.pending) {
      this.settle(ref);
      pending.reject(rejection);
    }
    for (const subscription of this.subscriptions.values()) subscription.markClosed(reason);
    this.subscriptions.clear();
    this.resolveClosed(reason);
  }
}

/** Sends the hello and waits for the first frame, which must be the welcome. */
function handshake(transport: FrameTransport, options: RealmClientOptions): Promise<WelcomeFrame> {
  return new Promise((resolve, reject) => {
    transport.onFrame = (frame) => {
      const typed = frame as { type: string };
      if (typed.type === "welcome") resolve(typed as WelcomeFrame);
      else if (typed.type === "error") {
        const error = typed as ErrorFrame;
        reject(new RealmError(error.code, error.message, error.fatal));
      } else {
        reject(new RealmError("INTERNAL", `Expected a welcome frame, got ${typed.type}`, true));
      }
    };
    transport.onClose = (error) =>
      reject(
        new RealmError(
          "CONNECTION_CLOSED",
          `The realm closed the connection before welcoming it${error ? `: ${error.message}` : ""}`,
          true,
        ),
      );
    const hello = options.hello
      ? {
          type: "hello",
          role: "inter-realm",
          protocolVersion: PROTOCOL_VERSION,
          realm: options.hello.realm,
          nonce: options.hello.nonce ?? randomNonce(),
        }
      : {
          type: "hello",
          role: "client",
          protocolVersion: PROTOCOL_VERSION,
          client: options.client,
        };
    transport.sendJson(JSON.stringify(hello));
  });
}

function randomNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
}
