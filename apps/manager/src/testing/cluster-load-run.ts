import { Collector, LoadPublisher } from "@conclave/realm/test-support";
import { until } from "./boot-demo.js";

/**
 * Bounded client load on every realm of a cluster, for manager process tests (the realm's own
 * LoadPublisher and Collector): a subscriber from the first event and a publisher on each
 * realm's client interface, all on one channel, so every event a publisher gets acknowledged
 * must reach every subscriber. Event ids are `<marker>-<realm>-<n>`: they travel in clear on a
 * plaintext link, which makes `marker` what a packet capture must not show once links use TLS.
 */
export interface ClusterLoadOptions {
  /** Each realm's client URL, e.g. nsp://127.0.0.1:9000. */
  realms: { name: string; url: string }[];
  channel: string;
  /** A string that appears nowhere else (in every event id). */
  marker: string;
  /** Events per second per publisher. */
  rate: number;
  maxEvents: number;
  maxSeconds: number;
}

export class ClusterLoad {
  private constructor(
    readonly options: ClusterLoadOptions,
    readonly collectors: Map<string, Collector>,
    readonly publishers: Map<string, LoadPublisher>,
  ) {}

  /** Subscribers first (from the first event), then the publishers. */
  static async start(options: ClusterLoadOptions): Promise<ClusterLoad> {
    const collectors = new Map<string, Collector>();
    for (const realm of options.realms) {
      collectors.set(realm.name, await Collector.start(realm.url, options.channel));
    }
    const publishers = new Map(
      options.realms.map((realm) => [
        realm.name,
        new LoadPublisher(() => realm.url, options.channel, `${options.marker}-${realm.name}`, {
          rate: options.rate,
          maxEvents: options.maxEvents,
          maxSeconds: options.maxSeconds,
          window: 200,
          connectFirst: true,
        }),
      ]),
    );
    return new ClusterLoad(options, collectors, publishers);
  }

  /** Events acknowledged so far, all publishers together. */
  get acked(): number {
    let sum = 0;
    for (const p of this.publishers.values()) sum += p.acked.size;
    return sum;
  }

  /** Resolves once `count` more events have been acknowledged (or `ms` pass: rejects). */
  async ackedMore(count: number, ms = 30_000): Promise<void> {
    const target = this.acked + count;
    const deadline = Date.now() + ms;
    while (this.acked < target) {
      if (Date.now() > deadline) {
        throw new Error(`only ${this.acked} of ${target} events acknowledged within ${ms} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops the publishers (each waits for its events in flight to be answered). */
  async stopPublishing(): Promise<void> {
    await Promise.all([...this.publishers.values()].map((p) => p.stop(30_000)));
  }

  /**
   * Everything that broke the guarantees, as readable lines (empty when all hold):
   * - every event sent was acknowledged;
   * - every subscriber got every acknowledged event, once, in one gap-free sequence, and
   *   each publisher's events in the order it sent them;
   * - no publisher or subscriber session was dropped (except on `dropped` realms, killed on
   *   purpose: there a fresh subscriber from the first event checks the realm's copy instead).
   */
  async verify(options: { dropped?: string[]; deliverWithinMs?: number } = {}): Promise<string[]> {
    const dropped = new Set(options.dropped ?? []);
    const problems: string[] = [];
    const acked = new Set<string>();
    for (const [realm, p] of this.publishers) {
      for (const id of p.acked) acked.add(id);
      // A killed realm may leave events unacknowledged: no promise was made for those.
      if (p.acked.size !== p.sent && !dropped.has(realm)) {
        problems.push(
          `publisher on ${realm}: ${p.sent - p.acked.size} of ${p.sent} not acknowledged (${p.errors.slice(-3).join("; ")})`,
        );
      }
      if (!dropped.has(realm) && (p.disconnects.length > 0 || p.connects > 1)) {
        problems.push(
          `publisher on ${realm} lost its session (${p.connects} sessions): ${p.disconnects.join("; ")}`,
        );
      }
    }
    const check = async (where: string, collector: Collector, orderedPublishers: Set<string>) => {
      const deadline = Date.now() + (options.deliverWithinMs ?? 30_000);
      while (collector.has(acked).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const missing = collector.has(acked);
      if (missing.length > 0) problems.push(`${where} never got ${missing.join(", ")}…`);
      for (const p of collector.problems()) problems.push(`${where}: ${p}`);
      const unpromised = [...dropped].map((realm) => `${this.publishers.get(realm)?.prefix}-`);
      const extra = collector.events.filter(
        (e) => !acked.has(e.eventId) && !unpromised.some((p) => e.eventId.startsWith(p)),
      );
      if (extra.length > 0) {
        problems.push(
          `${where} got events never acknowledged: ${extra
            .slice(0, 5)
            .map((e) => e.eventId)
            .join(", ")}`,
        );
      }
      const last = new Map<string, number>();
      for (const { eventId } of collector.events) {
        const cut = eventId.lastIndexOf("-");
        const prefix = eventId.slice(0, cut);
        if (!orderedPublishers.has(prefix)) continue;
        const n = Number(eventId.slice(cut + 1));
        if (n <= (last.get(prefix) ?? -1)) {
          // A publish the realm answered with an error is re-sent on the same session: say so.
          const errors = [...this.publishers.values()].find((p) => p.prefix === prefix)?.errors;
          const retried = errors?.length
            ? ` (its publisher re-sent after ${errors.length} errors, last: ${errors.at(-1)})`
            : "";
          problems.push(`${where} got ${eventId} after ${prefix}-${last.get(prefix)}${retried}`);
          break;
        }
        last.set(prefix, n);
      }
    };
    // A publisher that had to re-send after a dropped session may store its retries in any
    // order; the order of the others must hold everywhere.
    const ordered = new Set(
      [...this.publishers].filter(([, p]) => p.connects === 1).map(([, p]) => p.prefix),
    );
    for (const [realm, collector] of this.collectors) {
      if (dropped.has(realm)) continue;
      await check(`subscriber on ${realm}`, collector, ordered);
      if (collector.disconnects.length > 0) {
        problems.push(
          `subscriber on ${realm} lost its session: ${collector.disconnects.join("; ")}`,
        );
      }
    }
    for (const realm of dropped) {
      const url = this.options.realms.find((r) => r.name === realm)!.url;
      // The realm may still be coming back from its crash (the agent restarts it with a
      // growing back-off): connect once it accepts clients again (a timeout names the last refusal).
      const fresh = await until(
        `${realm} to accept a new subscriber`,
        () => Collector.start(url, this.options.channel),
        60_000,
      );
      try {
        await check(`a new subscriber on ${realm}`, fresh, ordered);
      } finally {
        await fresh.close();
      }
    }
    return problems;
  }

  /** How many events each subscriber got (for the test's log). */
  summary(): string {
    const sent = [...this.publishers].map(([realm, p]) => `${realm} ${p.acked.size}/${p.sent}`);
    const got = [...this.collectors].map(([realm, c]) => `${realm} ${c.events.length}`);
    return `acknowledged ${sent.join(", ")}; delivered ${got.join(", ")}`;
  }

  async close(): Promise<void> {
    await this.stopPublishing().catch(() => {});
    for (const collector of this.collectors.values()) await collector.close();
  }
}
