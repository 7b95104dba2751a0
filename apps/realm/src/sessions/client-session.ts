import {
  ClientRequestFrameSchema,
  type PublishFrame,
  type SubscribeFrame,
  type UnsubscribeFrame,
} from "@conclave/protocol";
import type { PublishOutcome } from "../channels/channel.js";
import { ChannelSubscription } from "../channels/channel-subscription.js";
import { PublishRefusedError } from "../cluster/cluster-node.js";
import { formatZodError } from "../config/format-zod-error.js";
import type { Connection } from "./connection.js";
import type { SessionHost } from "./session-host.js";

const CATCH_UP_READ_BYTES = 256 * 1024;

/** A welcomed client session: publish, subscribe, unsubscribe, ping. */
export class ClientSession {
  private readonly subscriptions = new Map<string, ChannelSubscription>();
  private waitingForStore = false;
  private waitingForDrain = false;

  constructor(
    private readonly connection: Connection,
    private readonly host: SessionHost,
  ) {}

  /** Called for every frame after the welcome. */
  handle(raw: unknown): void {
    const parsed = ClientRequestFrameSchema.safeParse(raw);
    if (!parsed.success) {
      const ref = (raw as { ref?: unknown } | null)?.ref;
      const type = (raw as { type?: unknown } | null)?.type;
      this.connection.sendFrame({
        type: "error",
        ref: typeof ref === "number" && Number.isInteger(ref) && ref >= 0 ? ref : undefined,
        code: "INVALID_REQUEST",
        message:
          type === "hello"
            ? "This session has already been welcomed; send hello only once"
            : `Invalid ${typeof type === "string" ? `${type} ` : ""}frame: ${formatZodError(parsed.error)}`,
        fatal: false,
      });
      return;
    }
    const frame = parsed.data;
    switch (frame.type) {
      case "publish":
        this.publish(frame);
        return;
      case "subscribe":
        this.subscribe(frame);
        return;
      case "unsubscribe":
        this.unsubscribe(frame);
        return;
      case "ping":
        this.connection.sendFrame({ type: "pong", ref: frame.ref, serverTime: Date.now() });
        return;
    }
  }

  /** Stops every subscription; called when the connection closes. */
  end(): void {
    for (const subscription of this.subscriptions.values()) subscription.close();
    this.subscriptions.clear();
  }

  private publish(frame: PublishFrame): void {
    const { store, cluster } = this.host;
    const callback = (error: Error | null, outcome?: PublishOutcome) =>
      this.acknowledge(frame, error, outcome);
    // Clustered: the master orders the event and the ack waits for a quorum (cluster-node.ts).
    if (cluster) cluster.publish(frame.channel, frame.eventId, frame.data, frame.headers, callback);
    else store.publish(frame.channel, frame.eventId, frame.data, frame.headers, callback);
    // Backpressure: stop reading publishes while the disk or this client's acks lag behind.
    if (store.overloaded && !this.waitingForStore) {
      this.waitingForStore = true;
      this.connection.pauseReading();
      store.whenBacklogDrained(() => {
        this.waitingForStore = false;
        if (!this.waitingForDrain) this.connection.resumeReading();
      });
    }
    if (this.connection.queuedBytes > this.host.limits.maxQueuedBytesPerConnection / 4) {
      if (!this.waitingForDrain) {
        this.waitingForDrain = true;
        this.connection.pauseReading();
        this.connection.whenDrained(() => {
          this.waitingForDrain = false;
          if (!this.waitingForStore) this.connection.resumeReading();
        });
      }
    }
  }

  private acknowledge(
    frame: PublishFrame,
    error: Error | null,
    outcome: PublishOutcome | undefined,
  ): void {
    if (error || !outcome) {
      this.connection.sendFrame({
        type: "error",
        ref: frame.ref,
        code: error instanceof PublishRefusedError ? error.code : "INTERNAL",
        message: error?.message ?? "The event was not stored",
        fatal: false,
      });
      return;
    }
    this.connection.sendFrame({
      type: "ack",
      ref: frame.ref,
      channel: frame.channel,
      seq: outcome.seq,
      eventId: outcome.eventId,
      duplicate: outcome.duplicate,
    });
  }

  private subscribe(frame: SubscribeFrame): void {
    if (this.subscriptions.has(frame.channel)) {
      this.connection.sendFrame({
        type: "error",
        ref: frame.ref,
        code: "INVALID_REQUEST",
        message: `This session is already subscribed to channel ${frame.channel}; unsubscribe first`,
        fatal: false,
      });
      return;
    }
    const { store, limits, logger } = this.host;
    const channel = store.channel(frame.channel);
    const nextSeq =
      frame.from === "latest" ? channel.durableSeq + 1 : frame.from === "earliest" ? 1 : frame.from;
    const subscription = new ChannelSubscription(
      channel,
      store,
      nextSeq,
      this.connection,
      {
        catchUpHighWaterBytes: Math.min(1024 * 1024, limits.maxQueuedBytesPerConnection / 4),
        maxQueuedBytes: limits.maxQueuedBytesPerConnection,
        readChunkBytes: CATCH_UP_READ_BYTES,
      },
      (queuedBytes) => {
        logger.warn(
          "session.slow-consumer",
          `Dropping ${this.connection.remoteAddress}: ${queuedBytes} bytes queued for it (limit ${limits.maxQueuedBytesPerConnection})`,
          { session: this.connection.id, channel: frame.channel, queuedBytes },
        );
        this.connection.fail(
          "SLOW_CONSUMER",
          `The connection fell ${queuedBytes} bytes behind channel ${frame.channel} (limit ${limits.maxQueuedBytesPerConnection} bytes); reconnect and subscribe from the sequence number after the last event you processed`,
        );
      },
      (error) => {
        logger.error(
          "channel.read-failed",
          `Channel ${frame.channel}: catch-up read failed: ${error.message}`,
          { channel: frame.channel, session: this.connection.id },
        );
        this.connection.fail("INTERNAL", `The realm could not read channel ${frame.channel}`);
      },
    );
    this.subscriptions.set(frame.channel, subscription);
    this.connection.sendFrame({
      type: "subscribed",
      ref: frame.ref,
      channel: frame.channel,
      nextSeq,
    });
    subscription.start();
  }

  private unsubscribe(frame: UnsubscribeFrame): void {
    const subscription = this.subscriptions.get(frame.channel);
    if (!subscription) {
      this.connection.sendFrame({
        type: "error",
        ref: frame.ref,
        code: "NOT_SUBSCRIBED",
        message: `This session is not subscribed to channel ${frame.channel}`,
        fatal: false,
      });
      return;
    }
    subscription.close();
    this.subscriptions.delete(frame.channel);
    this.connection.sendFrame({ type: "unsubscribed", ref: frame.ref, channel: frame.channel });
  }
}
