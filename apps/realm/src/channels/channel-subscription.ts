import type { Channel, ChannelListener } from "./channel.js";
import type { ChannelStore } from "./channel-store.js";

/** The side of a connection a subscription writes to. */
export interface EventSink {
  readonly isOpen: boolean;
  readonly queuedBytes: number;
  sendRecord(record: Buffer): void;
  whenDrained(callback: () => void): void;
}

export interface SubscriptionLimits {
  /** Catch-up pauses reading the log while the connection has more than this queued. */
  catchUpHighWaterBytes: number;
  /** A live subscriber whose connection queues more than this is a slow consumer. */
  maxQueuedBytes: number;
  /** Bytes read from the log per catch-up step. */
  readChunkBytes: number;
}

/**
 * Delivers a channel to one connection from `nextSeq` on: first catch-up, reading the log at
 * the pace the connection drains, then live, straight from each group commit. The switch
 * happens synchronously when catch-up reaches the channel's durable end, and commits fan out
 * only after they are durable, so no event is skipped or sent twice at the boundary.
 */
export class ChannelSubscription implements ChannelListener {
  private live = false;
  private closed = false;

  constructor(
    private readonly channel: Channel,
    private readonly store: ChannelStore,
    /** Sequence number of the next event to send. */
    public nextSeq: number,
    private readonly sink: EventSink,
    private readonly limits: SubscriptionLimits,
    private readonly onSlowConsumer: (queuedBytes: number) => void,
    private readonly onReadError: (error: Error) => void,
  ) {}

  start(): void {
    this.channel.listeners.add(this);
    void this.catchUp();
  }

  close(): void {
    this.closed = true;
    this.channel.listeners.delete(this);
  }

  onDurable(firstSeq: number, records: Buffer[]): void {
    if (!this.live || this.closed) return;
    const from = this.nextSeq - firstSeq;
    if (from >= records.length) return;
    for (let i = Math.max(0, from); i < records.length; i++) this.sink.sendRecord(records[i]!);
    this.store.totalOut += records.length - Math.max(0, from);
    this.nextSeq = firstSeq + records.length;
    if (this.sink.queuedBytes > this.limits.maxQueuedBytes) {
      this.close();
      this.onSlowConsumer(this.sink.queuedBytes);
    }
  }

  private async catchUp(): Promise<void> {
    try {
      while (!this.closed && this.sink.isOpen) {
        if (this.nextSeq > this.channel.durableSeq) {
          this.live = true;
          return;
        }
        if (this.sink.queuedBytes > this.limits.catchUpHighWaterBytes) {
          await new Promise<void>((resolve) => this.sink.whenDrained(resolve));
          continue;
        }
        const records = await this.channel.log!.readRecords(
          this.nextSeq,
          this.channel.durableSeq,
          this.limits.readChunkBytes,
        );
        if (this.closed || !this.sink.isOpen) return;
        if (records.length === 0) throw new Error(`log of ${this.channel.name} ended early`);
        for (const record of records) this.sink.sendRecord(record);
        this.store.totalOut += records.length;
        this.nextSeq += records.length;
      }
    } catch (error) {
      this.close();
      this.onReadError(error as Error);
    }
  }
}
