import { RealmClient, RealmError } from "@conclave/realm-client";
import { percentile, round } from "./stats.js";

/** Where the load connects: one publisher and one subscriber per realm. */
export interface LoadEndpoint {
  realm: string;
  url: string;
}

export interface ClusterLoadOptions {
  endpoints: LoadEndpoint[];
  channel: string;
  /** Events per second of each publisher. */
  ratePerPublisher: number;
  /** Upper bound on publishing time; publishing also stops at {@link ClusterLoad.stop}. */
  maxSeconds: number;
  payloadBytes: number;
  /**
   * Reconnect dropped sessions (what a client does through a restart); a subscriber resumes
   * after the last channel sequence number it saw. Each drop is counted either way.
   */
  reconnect: boolean;
  /** Publishes awaiting an acknowledgement per publisher before the publisher waits. */
  window?: number;
}

/** A time window of the run, in performance.now() milliseconds. */
export interface LoadWindow {
  from: number;
  to: number;
}

export interface WindowFigures {
  seconds: number;
  /** Longest time any subscriber went without any event. */
  maxGapMs: number;
  /** Longest time any subscriber went without an event from one given publisher. */
  maxPairGapMs: number;
  /** The pair (publisher realm → subscriber realm) that saw it. */
  maxPairGap: string;
  /** Publish-to-delivery latency of events published in the window. */
  deliveryMs: { p50: number; p99: number; max: number };
  /** Publish-to-acknowledgement latency of events published in the window. */
  ackMs: { p99: number; max: number };
  publishesFailed: number;
}

export interface LoadFigures {
  publishers: number;
  subscribers: number;
  ratePerPublisher: number;
  payloadBytes: number;
  published: number;
  acknowledged: number;
  publishesFailed: number;
  /** Publishes neither acknowledged nor refused when the load stopped. */
  unanswered: number;
  /**
   * Deliveries of acknowledged events still missing after the drain, summed over subscribers
   * (the guarantee: 0).
   */
  lost: number;
  duplicates: number;
  outOfOrder: number;
  /** The first out-of-order and duplicate deliveries, to tell where they come from. */
  outOfOrderSamples: DeliverySample[];
  duplicateSamples: DeliverySample[];
  /** Why publishes failed: "CODE: message" (numbers stripped) → count. */
  failureReasons: Record<string, number>;
  /** Events some subscriber received though their publish was refused or never answered. */
  deliveredUnacknowledged: number;
  /** Client sessions that ended without the client closing them (the guarantee: 0). */
  sessionsDropped: number;
  reconnects: number;
  drained: boolean;
}

// Status of each publisher sequence number; 0 is not sent yet.
const PENDING = 1;
const MAX_SAMPLES = 20;

export interface DeliverySample {
  /** Publisher realm → subscriber realm. */
  pair: string;
  /** The publisher's sequence number that arrived again or late. */
  publisherSeq: number;
  /** Out of order: the highest publisher sequence number already delivered. */
  highestBefore?: number;
  /** Duplicate: the channel sequence number of its first delivery. */
  firstChannelSeq?: number;
  /** The channel sequence number of this delivery and of the delivery before it. */
  channelSeq: number;
  previousChannelSeq: number;
  /** When it arrived, in ms from the origin given to {@link ClusterLoad.figures}. */
  atMs: number;
}
const ACKED = 2;
const FAILED = 3;

/** Payload header: send time (f64), publisher index (u16), publisher sequence (u32). */
const HEADER_BYTES = 14;

interface Publisher {
  index: number;
  endpoint: LoadEndpoint;
  client: RealmClient | undefined;
  sent: number;
  status: Uint8Array;
  sentAt: Float64Array;
  ackedAt: Float64Array;
  inFlight: Set<Promise<unknown>>;
}

interface Subscriber {
  endpoint: LoadEndpoint;
  client: RealmClient | undefined;
  /** Next channel sequence number to ask for after a reconnect. */
  resumeFrom: number | undefined;
  /** Per publisher: how often each publisher sequence number arrived. */
  counts: Uint8Array[];
  /** Per publisher: the channel sequence number of each event's first delivery. */
  channelSeqs: Uint32Array[];
  maxSeen: number[];
  /** Per publisher: arrival times and publish-to-delivery latencies, in arrival order. */
  arrivals: number[][];
  latencies: number[][];
  duplicates: number;
  outOfOrder: number;
  lastChannelSeq: number;
}

/**
 * Bounded continuous load on a cluster: a paced publisher and a subscriber on every realm,
 * all on one channel, with enough bookkeeping to prove exactly-once in-order delivery of every
 * acknowledged event to every subscriber and to find the longest delivery gap in any window.
 */
export class ClusterLoad {
  private readonly publishers: Publisher[];
  private readonly subscribers: Subscriber[];
  private stopping = false;
  private resolveStopping: () => void = () => {};
  /** Resolves at stop: a publisher waiting for acknowledgements that never come stops too. */
  private readonly stopped = new Promise<void>((resolve) => {
    this.resolveStopping = resolve;
  });
  private closing = false;
  private publishing: Promise<void>[] = [];
  private sessionsDropped = 0;
  private reconnects = 0;
  private failedAt: number[] = [];
  private readonly outOfOrderSamples: (Omit<DeliverySample, "atMs"> & { at: number })[] = [];
  private readonly duplicateSamples: (Omit<DeliverySample, "atMs"> & { at: number })[] = [];
  private readonly failureReasons: Record<string, number> = {};
  private readonly capacity: number;
  private drained = false;

  constructor(private readonly options: ClusterLoadOptions) {
    this.capacity = Math.ceil(options.ratePerPublisher * options.maxSeconds) + 1;
    const n = options.endpoints.length;
    this.publishers = options.endpoints.map((endpoint, index) => ({
      index,
      endpoint,
      client: undefined,
      sent: 0,
      status: new Uint8Array(this.capacity),
      sentAt: new Float64Array(this.capacity),
      ackedAt: new Float64Array(this.capacity),
      inFlight: new Set(),
    }));
    this.subscribers = options.endpoints.map((endpoint) => ({
      endpoint,
      client: undefined,
      resumeFrom: undefined,
      counts: Array.from({ length: n }, () => new Uint8Array(this.capacity)),
      channelSeqs: Array.from({ length: n }, () => new Uint32Array(this.capacity)),
      maxSeen: Array.from({ length: n }, () => -1),
      arrivals: Array.from({ length: n }, () => []),
      latencies: Array.from({ length: n }, () => []),
      duplicates: 0,
      outOfOrder: 0,
      lastChannelSeq: 0,
    }));
  }

  /** Connects every subscriber, then every publisher, and starts publishing. */
  async start(): Promise<void> {
    await Promise.all(this.subscribers.map((s) => this.connectSubscriber(s)));
    await Promise.all(this.publishers.map((p) => this.connectPublisher(p)));
    this.publishing = this.publishers.map((p) => this.publish(p));
  }

  /** Stops publishing, waits (bounded) for every acknowledged event to reach every subscriber. */
  async stop(drainMs = 30_000): Promise<void> {
    this.stopping = true;
    this.resolveStopping();
    await Promise.all(this.publishing);
    const deadline = Date.now() + drainMs;
    await Promise.race([
      Promise.all(this.publishers.map((p) => Promise.allSettled([...p.inFlight]))),
      new Promise((resolve) => setTimeout(resolve, drainMs)),
    ]);
    while (Date.now() < deadline && this.undelivered() > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.drained = this.undelivered() === 0;
    this.closing = true;
    await Promise.all(
      [...this.publishers, ...this.subscribers].map((c) => c.client?.close().catch(() => {})),
    );
  }

  /** Acknowledged events still missing at some subscriber. */
  private undelivered(): number {
    let missing = 0;
    for (const p of this.publishers) {
      for (let seq = 0; seq < p.sent; seq++) {
        if (p.status[seq] !== ACKED) continue;
        for (const s of this.subscribers) if (s.counts[p.index]![seq] === 0) missing++;
      }
    }
    return missing;
  }

  /** Totals of the run; sample times are in ms from `origin` (a performance.now() value). */
  figures(origin = 0): LoadFigures {
    let published = 0;
    let acknowledged = 0;
    let failed = 0;
    let deliveredUnacknowledged = 0;
    for (const p of this.publishers) {
      published += p.sent;
      for (let seq = 0; seq < p.sent; seq++) {
        if (p.status[seq] === ACKED) acknowledged++;
        else if (p.status[seq] === FAILED) failed++;
        if (p.status[seq] !== ACKED && this.subscribers.some((s) => s.counts[p.index]![seq]! > 0)) {
          deliveredUnacknowledged++;
        }
      }
    }
    return {
      publishers: this.publishers.length,
      subscribers: this.subscribers.length,
      ratePerPublisher: this.options.ratePerPublisher,
      payloadBytes: this.options.payloadBytes,
      published,
      acknowledged,
      publishesFailed: failed,
      unanswered: published - acknowledged - failed,
      lost: this.undelivered(),
      duplicates: this.subscribers.reduce((sum, s) => sum + s.duplicates, 0),
      outOfOrder: this.subscribers.reduce((sum, s) => sum + s.outOfOrder, 0),
      outOfOrderSamples: this.outOfOrderSamples.map(({ at, ...sample }) => ({
        ...sample,
        atMs: round(at - origin, 1),
      })),
      duplicateSamples: this.duplicateSamples.map(({ at, ...sample }) => ({
        ...sample,
        atMs: round(at - origin, 1),
      })),
      failureReasons: { ...this.failureReasons },
      deliveredUnacknowledged,
      sessionsDropped: this.sessionsDropped,
      reconnects: this.reconnects,
      drained: this.drained,
    };
  }

  /** True once every subscriber has had an event from every publisher after `since`. */
  allPairsDeliveredSince(since: number): boolean {
    return this.subscribers.every((s) => s.arrivals.every((a) => (a.at(-1) ?? 0) > since));
  }

  /** Gaps and latencies of one window of the run. */
  window({ from, to }: LoadWindow): WindowFigures {
    let maxGapMs = 0;
    let maxPairGapMs = 0;
    let maxPairGap = "";
    for (const s of this.subscribers) {
      const all = s.arrivals.flat().sort((a, b) => a - b);
      maxGapMs = Math.max(maxGapMs, longestGap(all, from, to));
      for (const p of this.publishers) {
        const gap = longestGap(s.arrivals[p.index]!, from, to);
        if (gap > maxPairGapMs) {
          maxPairGapMs = gap;
          maxPairGap = `${p.endpoint.realm} → ${s.endpoint.realm}`;
        }
      }
    }
    const delivery: number[] = [];
    for (const s of this.subscribers) {
      for (const p of this.publishers) {
        const arrivals = s.arrivals[p.index]!;
        const latencies = s.latencies[p.index]!;
        for (let i = 0; i < arrivals.length; i++) {
          const sentAt = arrivals[i]! - latencies[i]!;
          if (sentAt >= from && sentAt <= to) delivery.push(latencies[i]!);
        }
      }
    }
    const acks: number[] = [];
    for (const p of this.publishers) {
      for (let seq = 0; seq < p.sent; seq++) {
        const sentAt = p.sentAt[seq]!;
        if (p.status[seq] === ACKED && sentAt >= from && sentAt <= to) {
          acks.push(p.ackedAt[seq]! - sentAt);
        }
      }
    }
    delivery.sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    return {
      seconds: round((to - from) / 1000, 2),
      maxGapMs: round(maxGapMs, 1),
      maxPairGapMs: round(maxPairGapMs, 1),
      maxPairGap,
      deliveryMs: {
        p50: round(percentile(delivery, 50), 1),
        p99: round(percentile(delivery, 99), 1),
        max: round(delivery.at(-1) ?? Number.NaN, 1),
      },
      ackMs: { p99: round(percentile(acks, 99), 1), max: round(acks.at(-1) ?? Number.NaN, 1) },
      publishesFailed: this.failedAt.filter((t) => t >= from && t <= to).length,
    };
  }

  private async connectPublisher(p: Publisher): Promise<void> {
    p.client = await RealmClient.connect(p.endpoint.url, {
      client: `bench publisher ${p.endpoint.realm}`,
      timeoutMs: 5_000,
    });
    this.watch(p.client, () => {
      p.client = undefined;
      if (this.options.reconnect) void this.reconnect(() => this.connectPublisher(p));
    });
  }

  private async connectSubscriber(s: Subscriber): Promise<void> {
    const client = await RealmClient.connect(s.endpoint.url, {
      client: `bench subscriber ${s.endpoint.realm}`,
      timeoutMs: 5_000,
    });
    try {
      const subscription = await client.subscribe(
        this.options.channel,
        { from: s.resumeFrom ?? "latest" },
        (event) => {
          s.resumeFrom = event.seq + 1;
          this.deliver(s, event.data, event.seq);
        },
      );
      s.resumeFrom ??= subscription.nextSeq;
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
    s.client = client;
    this.watch(client, () => {
      s.client = undefined;
      if (this.options.reconnect) void this.reconnect(() => this.connectSubscriber(s));
    });
  }

  /** Counts a session that ends while the load still runs, and calls `onDrop`. */
  private watch(client: RealmClient, onDrop: () => void): void {
    void client.closed.then(() => {
      if (this.closing) return;
      this.sessionsDropped++;
      onDrop();
    });
  }

  /** Retries `connect` every 100 ms until it works or the load is closing. */
  private async reconnect(connect: () => Promise<void>): Promise<void> {
    while (!this.closing) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      try {
        await connect();
        this.reconnects++;
        return;
      } catch {
        // The realm is not back yet.
      }
    }
  }

  private deliver(s: Subscriber, data: Buffer, channelSeq: number): void {
    const now = performance.now();
    if (data.byteLength < HEADER_BYTES) return;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const sentAt = view.getFloat64(0);
    const index = view.getUint16(8);
    const seq = view.getUint32(10);
    const counts = s.counts[index];
    if (!counts || seq >= counts.length) return;
    const pair = `${this.publishers[index]!.endpoint.realm} → ${s.endpoint.realm}`;
    if (counts[seq]! > 0) {
      s.duplicates++;
      if (this.duplicateSamples.length < MAX_SAMPLES) {
        this.duplicateSamples.push({
          pair,
          publisherSeq: seq,
          firstChannelSeq: s.channelSeqs[index]![seq]!,
          channelSeq,
          previousChannelSeq: s.lastChannelSeq,
          at: now,
        });
      }
    } else {
      s.channelSeqs[index]![seq] = channelSeq;
      if (seq < s.maxSeen[index]!) {
        s.outOfOrder++;
        if (this.outOfOrderSamples.length < MAX_SAMPLES) {
          this.outOfOrderSamples.push({
            pair,
            publisherSeq: seq,
            highestBefore: s.maxSeen[index]!,
            channelSeq,
            previousChannelSeq: s.lastChannelSeq,
            at: now,
          });
        }
      }
    }
    s.lastChannelSeq = channelSeq;
    counts[seq] = Math.min(255, counts[seq]! + 1);
    s.maxSeen[index] = Math.max(s.maxSeen[index]!, seq);
    s.arrivals[index]!.push(now);
    s.latencies[index]!.push(now - sentAt);
  }

  private countFailure(reason: string): void {
    this.failureReasons[reason] = (this.failureReasons[reason] ?? 0) + 1;
  }

  /** Publishes at the configured rate until stopped or out of time or count. */
  private async publish(p: Publisher): Promise<void> {
    const window = this.options.window ?? 2_000;
    const template = new Uint8Array(Math.max(HEADER_BYTES, this.options.payloadBytes)).fill(120);
    const started = performance.now();
    const deadline = started + this.options.maxSeconds * 1000;
    while (!this.stopping && p.sent < this.capacity - 1 && performance.now() < deadline) {
      const due = started + (p.sent / this.options.ratePerPublisher) * 1000;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.stopping) break;
      const seq = p.sent++;
      const sentAt = performance.now();
      p.sentAt[seq] = sentAt;
      const payload = new Uint8Array(template);
      const view = new DataView(payload.buffer);
      view.setFloat64(0, sentAt);
      view.setUint16(8, p.index);
      view.setUint32(10, seq);
      const client = p.client;
      if (!client) {
        p.status[seq] = FAILED;
        this.failedAt.push(sentAt);
        this.countFailure("not connected");
        continue;
      }
      p.status[seq] = PENDING;
      const pending = client.publish(this.options.channel, payload).then(
        () => {
          p.status[seq] = ACKED;
          p.ackedAt[seq] = performance.now();
        },
        (error: unknown) => {
          p.status[seq] = FAILED;
          this.failedAt.push(sentAt);
          this.countFailure(
            error instanceof RealmError
              ? `${error.code}: ${error.message.replace(/\d+/g, "N")}`
              : String(error),
          );
        },
      );
      p.inFlight.add(pending);
      void pending.finally(() => p.inFlight.delete(pending));
      if (p.inFlight.size >= window) await Promise.race([...p.inFlight, this.stopped]);
    }
  }
}

/**
 * Longest interval between consecutive arrivals that overlaps [from, to], counting the time
 * from the last arrival to `to` when nothing arrived after it.
 */
export function longestGap(sortedArrivals: number[], from: number, to: number): number {
  let longest = 0;
  let previous: number | undefined;
  for (const at of sortedArrivals) {
    if (previous !== undefined && at >= from && previous <= to) {
      longest = Math.max(longest, at - previous);
    }
    previous = at;
    if (at > to) return longest;
  }
  if (previous !== undefined && previous < to) longest = Math.max(longest, to - previous);
  return longest;
}
