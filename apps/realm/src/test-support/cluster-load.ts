import { RealmClient, type RealmEvent } from "@conclave/realm-client";

/**
 * Publishes `prefix-0`, `prefix-1`, … (as event ids) at a fixed rate through one realm,
 * re-sending a publish that fails (no quorum, connection lost) with the same event id, as a
 * careful client does. Bounded in count and time.
 */
export class LoadPublisher {
  readonly acked = new Set<string>();
  readonly errors: string[] = [];
  sent = 0;
  lastAckAt = 0;
  /** Sessions opened (1 when the connection was never lost). */
  connects = 0;
  /** Why a session ended without this publisher closing it (the realm dropped it). */
  readonly disconnects: string[] = [];
  private stopping = false;
  private client: RealmClient | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly url: () => string,
    private readonly channel: string,
    readonly prefix: string,
    private readonly options: {
      rate: number;
      maxEvents: number;
      maxSeconds: number;
      window?: number;
      /**
       * Open the session before the first publish, so every event goes over one session
       * (otherwise the first publishes may each open one) and a reconnect shows in `connects`.
       */
      connectFirst?: boolean;
    },
  ) {
    this.done = this.run();
  }

  /** Waits until the run ends by itself (count or time) and every sent event is answered. */
  async finished(): Promise<void> {
    await this.done;
    await this.client?.close().catch(() => {});
  }

  /** Stops sending new events and waits until every sent one is acknowledged (or gives up). */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.stopping = true;
    await Promise.race([this.done, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    await this.client?.close().catch(() => {});
  }

  private async connect(): Promise<RealmClient> {
    for (;;) {
      try {
        if (this.client && !(await isClosed(this.client))) return this.client;
        this.client = await RealmClient.connect(this.url(), { timeoutMs: 2_000 });
        this.connects++;
        void this.client.closed.then((reason) => {
          if (reason) this.disconnects.push(`${reason.code}: ${reason.message}`);
        });
        return this.client;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private async publishOne(n: number): Promise<void> {
    const eventId = `${this.prefix}-${n}`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        const client = await this.connect();
        await client.publish(this.channel, `payload ${eventId}`, { eventId });
        this.acked.add(eventId);
        this.lastAckAt = Date.now();
        return;
      } catch (error) {
        this.errors.push(`${(error as { code?: string }).code}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  private async run(): Promise<void> {
    const { rate, maxEvents, maxSeconds, window = 500 } = this.options;
    if (this.options.connectFirst) await this.connect();
    const started = Date.now();
    const inFlight = new Set<Promise<void>>();
    while (!this.stopping && this.sent < maxEvents && Date.now() - started < maxSeconds * 1000) {
      const due = started + (this.sent / rate) * 1000;
      const wait = due - Date.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const promise = this.publishOne(this.sent++);
      inFlight.add(promise);
      void promise.finally(() => inFlight.delete(promise));
      if (inFlight.size >= window) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }
}

async function isClosed(client: RealmClient): Promise<boolean> {
  const marker = Symbol();
  const result = await Promise.race([client.closed, Promise.resolve(marker)]);
  return result !== marker;
}

/** A subscriber from the first event; records (seq, eventId) as delivered. */
export class Collector {
  readonly events: { seq: number; eventId: string }[] = [];
  /** Why the session ended without {@link close} (the realm dropped it). */
  readonly disconnects: string[] = [];
  private client: RealmClient | undefined;

  static async start(url: string, channel: string): Promise<Collector> {
    const collector = new Collector();
    collector.client = await RealmClient.connect(url, { timeoutMs: 5_000 });
    void collector.client.closed.then((reason) => {
      if (reason) collector.disconnects.push(`${reason.code}: ${reason.message}`);
    });
    await collector.client.subscribe(channel, { from: "earliest" }, (event: RealmEvent) =>
      collector.events.push({ seq: event.seq, eventId: event.eventId }),
    );
    return collector;
  }

  /** Problems with the delivered stream: gaps, repeats, reordering. */
  problems(): string[] {
    const out: string[] = [];
    const ids = new Set<string>();
    this.events.forEach((event, index) => {
      if (event.seq !== index + 1) out.push(`event #${index + 1} has seq ${event.seq}`);
      if (ids.has(event.eventId)) out.push(`${event.eventId} delivered twice`);
      ids.add(event.eventId);
    });
    return out.slice(0, 10);
  }

  has(eventIds: Iterable<string>): string[] {
    const seen = new Set(this.events.map((e) => e.eventId));
    return [...eventIds].filter((id) => !seen.has(id)).slice(0, 10);
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => {});
  }
}
