import { randomUUID } from "node:crypto";
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../logger.js";
import { Channel, type PendingPublish, type PublishCallback } from "./channel.js";
import { ChannelLog } from "./channel-log.js";
import { encodeEventRecord, recordBody } from "./log-record.js";

/** How the channel store writes; see docs/realm.md "Durability". */
export interface ChannelStoreOptions {
  /** `<data>/channels`. */
  dir: string;
  /** fdatasync every group commit before acknowledging it (`--fsync always`). */
  fsync: boolean;
  /** Recent event ids remembered per channel for de-duplication. */
  dedupWindow: number;
  /** Largest record accepted when reading a log back (larger ones are treated as torn). */
  maxRecordBytes: number;
  /** Unwritten publish bytes above which sessions stop reading publishes until the disk catches up. */
  maxBacklogBytes: number;
  logger: Logger;
}

const LOG_SUFFIX = ".log";

/**
 * Every channel of the realm. Publishes are queued and written in one group commit per event
 * loop turn (one write, and with fsync one fdatasync, per channel per commit); each publish is
 * acknowledged after its commit completes and only then fanned out to subscribers.
 */
export class ChannelStore {
  private readonly channels = new Map<string, Channel>();
  private readonly dirty = new Set<Channel>();
  private flushScheduled = false;
  private flushing: Promise<void> | undefined;
  private backlog = 0;
  private drainWaiters: (() => void)[] = [];
  private closed = false;
  /** Events stored since start. */
  totalIn = 0;
  /** Events sent to subscribers since start. */
  totalOut = 0;

  private constructor(private readonly options: ChannelStoreOptions) {}

  /** Opens every channel log in `options.dir`, truncating torn tails and rebuilding de-duplication. */
  static async open(options: ChannelStoreOptions): Promise<ChannelStore> {
    const store = new ChannelStore(options);
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    for (const entry of await readdir(options.dir)) {
      if (!entry.endsWith(LOG_SUFFIX)) continue;
      const name = decodeURIComponent(entry.slice(0, -LOG_SUFFIX.length));
      const file = path.join(options.dir, entry);
      const { log, recovery } = await ChannelLog.open(file, options.maxRecordBytes);
      if (recovery.truncatedBytes > 0) {
        options.logger.warn(
          "channel.log-truncated",
          `Channel ${name}: cut ${recovery.truncatedBytes} bytes of an incomplete write from the end of its log`,
          { channel: name, truncatedBytes: recovery.truncatedBytes, lastSeq: log.count },
        );
      }
      const channel = new Channel(name, log, options.dedupWindow);
      await rebuildDedup(channel, log, options.dedupWindow);
      store.channels.set(name, channel);
    }
    return store;
  }

  get(name: string): Channel | undefined {
    return this.channels.get(name);
  }

  /** The channel of that name, created (in memory; its file on first publish) when new. */
  channel(name: string): Channel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = new Channel(name, undefined, this.options.dedupWindow);
      this.channels.set(name, channel);
    }
    return channel;
  }

  list(): Channel[] {
    return [...this.channels.values()];
  }

  /** Bytes of publishes waiting to be written. */
  get backlogBytes(): number {
    return this.backlog;
  }

  get overloaded(): boolean {
    return this.backlog > this.options.maxBacklogBytes;
  }

  /** Calls `callback` once the backlog is back under the limit. */
  whenBacklogDrained(callback: () => void): void {
    if (!this.overloaded) callback();
    else this.drainWaiters.push(callback);
  }

  /**
   * Queues a publish; `data` must be valid base64 (as the publish frame schema ensures).
   * `callback` runs after the event is in the log (with its sequence number)
   * or, for a repeated `eventId`, with the stored event's number and `duplicate: true`.
   * `time` (a cluster member applying the master's entry) replaces the time of the write.
   */
  publish(
    name: string,
    eventId: string | undefined,
    data: string,
    headers: Record<string, string> | undefined,
    callback: PublishCallback,
    time?: number,
  ): void {
    if (this.closed) {
      callback(new Error("The realm is shutting down"));
      return;
    }
    const channel = this.channel(name);
    if (eventId !== undefined) {
      const seq = channel.dedup.get(eventId);
      if (seq !== undefined) {
        callback(null, { seq, eventId, duplicate: true });
        return;
      }
      const queued = channel.pendingIds.get(eventId);
      if (queued) {
        queued.callbacks.push((error, outcome) =>
          callback(error, outcome && { ...outcome, duplicate: true }),
        );
        return;
      }
    }
    const bytes = data.length + 200;
    const pending: PendingPublish = {
      eventId: eventId ?? randomUUID(),
      data,
      headers,
      callbacks: [callback],
      bytes,
      time,
    };
    channel.pending.push(pending);
    if (eventId !== undefined) channel.pendingIds.set(eventId, pending);
    this.backlog += bytes;
    this.dirty.add(channel);
    this.scheduleFlush();
  }

  /** Writes what is queued, then closes every log. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.dirty.size > 0) {
      if (this.flushing) await this.flushing;
      else await this.flush();
    }
    for (const channel of this.channels.values()) await channel.log?.close();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    // setImmediate, not nextTick: every socket read of this loop turn joins the commit.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    const batch = [...this.dirty];
    this.dirty.clear();
    this.flushing = Promise.all(batch.map((channel) => this.commit(channel))).then(() => {
      this.flushing = undefined;
      if (this.dirty.size > 0) this.scheduleFlush();
    });
    return this.flushing;
  }

  private async commit(channel: Channel): Promise<void> {
    const batch = channel.pending;
    channel.pending = [];
    const time = Date.now();
    const firstSeq = channel.durableSeq + 1;
    // The event frame of docs/protocol.md, built around the payload (see encodeEventRecord).
    const head = `{"type":"event","channel":${JSON.stringify(channel.name)},"seq":`;
    const records = batch.map((pending, index) =>
      encodeEventRecord(
        `${head}${firstSeq + index},"eventId":${JSON.stringify(pending.eventId)},"time":${pending.time ?? time},"data":"`,
        pending.data,
        pending.headers ? `","headers":${JSON.stringify(pending.headers)}}` : `"}`,
      ),
    );
    let failure: Error | undefined;
    try {
      if (!channel.log) {
        const file = path.join(
          this.options.dir,
          `${encodeURIComponent(channel.name)}${LOG_SUFFIX}`,
        );
        channel.log = (await ChannelLog.open(file, this.options.maxRecordBytes)).log;
      }
      await channel.log.append(records, this.options.fsync);
    } catch (error) {
      failure = error as Error;
      this.options.logger.error(
        "channel.write-failed",
        `Channel ${channel.name}: could not write ${batch.length} events: ${failure.message}`,
        { channel: channel.name },
      );
    }
    let released = 0;
    for (const pending of batch) {
      released += pending.bytes;
      channel.pendingIds.delete(pending.eventId);
    }
    this.backlog -= released;
    if (failure) {
      const error = new Error(`The realm could not store the event: ${failure.message}`);
      for (const pending of batch) for (const callback of pending.callbacks) callback(error);
    } else {
      channel.durableSeq += batch.length;
      this.totalIn += batch.length;
      batch.forEach((pending, index) => {
        const seq = firstSeq + index;
        channel.dedup.add(pending.eventId, seq);
        const outcome = { seq, eventId: pending.eventId, duplicate: false };
        for (const callback of pending.callbacks) callback(null, outcome);
      });
      for (const listener of channel.listeners) listener.onDurable(firstSeq, records);
    }
    if (!this.overloaded && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }
}

/** Reads the ids of the newest `window` events back into the de-duplication index. */
async function rebuildDedup(channel: Channel, log: ChannelLog, window: number): Promise<void> {
  let seq = Math.max(1, log.count - window + 1);
  while (seq <= log.count) {
    for (const record of await log.readRecords(seq, log.count, 1024 * 1024)) {
      const event = JSON.parse(recordBody(record).toString("utf8")) as { eventId: string };
      channel.dedup.add(event.eventId, seq++);
    }
  }
}
