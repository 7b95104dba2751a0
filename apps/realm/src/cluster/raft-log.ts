import { ChannelLog } from "../channels/channel-log.js";
import { encodeRecord, recordBody } from "../channels/log-record.js";

/** Recent entry bodies kept in memory, so replication rarely reads the file. */
const CACHE_ENTRIES = 16_384;

type Operation = { kind: "append"; records: Buffer[] } | { kind: "truncate"; fromIndex: number };

/**
 * The replicated log of a cluster member: one record per entry (the entry's JSON, see
 * `LogEntrySchema`), index n in record n, in `<data>/cluster/log` with the channel logs'
 * record format (length, CRC32, body), so a torn tail is cut on open the same way.
 *
 * The in-memory view (last index, each entry's term, recent bodies) changes at once; file
 * writes are queued, grouped and run one at a time in order, and {@link flushed} tells when
 * everything asked so far is on disk. Unlike channel logs, the tail can be truncated: a
 * follower drops uncommitted entries that conflict with a new master's log.
 */
export class RaftLog {
  private readonly terms: number[];
  private bodies: string[] = [];
  private cacheStart: number;
  private operations: Operation[] = [];
  private running: Promise<void> | undefined;
  private waiters: { target: number; done: () => void }[] = [];
  /** Operations asked for, and operations finished (counters, for {@link flushed}). */
  private requested = 0;
  private completed = 0;
  private failure: Error | undefined;
  /** Highest index written (and, with fsync, synced) to the file. */
  durableIndex: number;

  private constructor(
    private readonly file: ChannelLog,
    terms: number[],
    private readonly fsync: boolean,
  ) {
    this.terms = terms;
    this.durableIndex = terms.length;
    this.cacheStart = terms.length + 1;
  }

  /** Opens (or creates) the log, cutting a torn tail, and reads every entry's term. */
  static async open(
    path: string,
    options: { maxRecordBytes: number; fsync: boolean },
  ): Promise<{ log: RaftLog; truncatedBytes: number }> {
    const { log, recovery } = await ChannelLog.open(path, options.maxRecordBytes);
    const terms: number[] = [];
    let seq = 1;
    while (seq <= log.count) {
      for (const record of await log.readRecords(seq, log.count, 4 * 1024 * 1024)) {
        terms.push(termOf(recordBody(record).toString("utf8")));
        seq++;
      }
    }
    return {
      log: new RaftLog(log, terms, options.fsync),
      truncatedBytes: recovery.truncatedBytes,
    };
  }

  get lastIndex(): number {
    return this.terms.length;
  }

  get lastTerm(): number {
    return this.terms.length === 0 ? 0 : this.terms[this.terms.length - 1]!;
  }

  /** The term of entry `index` (0 for index 0), or undefined past the end. */
  termAt(index: number): number | undefined {
    if (index === 0) return 0;
    return this.terms[index - 1];
  }

  /** Appends entries (their JSON bodies and terms) after the last one. */
  append(bodies: string[], terms: number[]): void {
    if (bodies.length === 0) return;
    for (const term of terms) this.terms.push(term);
    for (const body of bodies) this.bodies.push(body);
    this.trimCache();
    this.enqueue({ kind: "append", records: bodies.map((body) => encodeRecord(body)) });
  }

  /** Drops entries `fromIndex` and after (uncommitted entries of an older term). */
  truncateFrom(fromIndex: number): void {
    if (fromIndex > this.terms.length) return;
    this.terms.length = fromIndex - 1;
    if (fromIndex >= this.cacheStart) this.bodies.length = fromIndex - this.cacheStart;
    else {
      this.bodies = [];
      this.cacheStart = fromIndex;
    }
    this.enqueue({ kind: "truncate", fromIndex });
  }

  /** Resolves when every append and truncation asked for so far is in the file. */
  flushed(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.completed >= this.requested) return Promise.resolve();
    const target = this.requested;
    return new Promise((resolve, reject) =>
      this.waiters.push({
        target,
        done: () => (this.failure ? reject(this.failure) : resolve()),
      }),
    );
  }

  /** Entry bodies `from`..`to` (inclusive), about `maxBytes` of them (at least one). */
  async read(from: number, to: number, maxBytes: number): Promise<string[]> {
    const last = Math.min(to, this.terms.length);
    if (from > last) return [];
    const out: string[] = [];
    let bytes = 0;
    let index = from;
    if (index < this.cacheStart) {
      // Only entries older than the cache are read back, and those are always in the file.
      const records = await this.file.readRecords(
        index,
        Math.min(last, this.cacheStart - 1),
        maxBytes,
      );
      for (const record of records) {
        out.push(recordBody(record).toString("utf8"));
        bytes += record.length;
        index++;
      }
      if (bytes >= maxBytes || index < this.cacheStart) return out;
    }
    while (index <= last && (bytes < maxBytes || out.length === 0)) {
      const body = this.bodies[index - this.cacheStart];
      if (body === undefined) break;
      out.push(body);
      bytes += body.length + 16;
      index++;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.flushed().catch(() => {});
    await this.file.close();
  }

  private trimCache(): void {
    const excess = this.bodies.length - CACHE_ENTRIES;
    // Drop in chunks (splice is linear), and never an entry not yet in the file.
    if (excess < 1024) return;
    const drop = Math.min(excess, this.durableIndex - this.cacheStart + 1);
    if (drop <= 0) return;
    this.bodies.splice(0, drop);
    this.cacheStart += drop;
  }

  private enqueue(operation: Operation): void {
    this.operations.push(operation);
    this.requested++;
    if (!this.running) this.running = this.run();
  }

  private async run(): Promise<void> {
    // setImmediate: appends of this event-loop turn join one write (group commit).
    await new Promise((resolve) => setImmediate(resolve));
    while (this.operations.length > 0) {
      const batch = this.operations;
      this.operations = [];
      const upTo = this.completed + batch.length;
      try {
        let records: Buffer[] = [];
        for (const operation of batch) {
          if (operation.kind === "append") {
            records = records.length === 0 ? operation.records : records.concat(operation.records);
            continue;
          }
          if (records.length > 0) await this.file.append(records, this.fsync);
          records = [];
          await this.file.truncateFrom(operation.fromIndex, this.fsync);
        }
        if (records.length > 0) await this.file.append(records, this.fsync);
        this.durableIndex = this.file.count;
      } catch (error) {
        this.failure = error as Error;
      }
      this.completed = upTo;
      this.trimCache();
      if (this.waiters.length > 0) {
        const ready = this.waiters.filter((w) => this.failure || w.target <= this.completed);
        this.waiters = this.waiters.filter((w) => !ready.includes(w));
        for (const waiter of ready) waiter.done();
      }
    }
    this.running = undefined;
  }
}

/** Reads `t` from an entry body, which always starts with `{"t":<term>`. */
function termOf(body: string): number {
  const match = /^\{"t":(\d+)/.exec(body);
  if (match) return Number(match[1]);
  return (JSON.parse(body) as { t: number }).t;
}
