import type { ChannelLog } from "./channel-log.js";
import { DedupIndex } from "./dedup-index.js";

/** The realm's answer to one publish. */
export interface PublishOutcome {
  seq: number;
  eventId: string;
  duplicate: boolean;
}

export type PublishCallback = (error: Error | null, outcome?: PublishOutcome) => void;

/** A publish waiting for the next group commit. */
export interface PendingPublish {
  eventId: string;
  /** Base64 payload, as it came in the publish frame. */
  data: string;
  headers: Record<string, string> | undefined;
  callbacks: PublishCallback[];
  bytes: number;
  /** Store time decided elsewhere (the cluster master); the write's time when absent. */
  time?: number | undefined;
}

/** Receives a channel's events once they are durable, in sequence order. */
export interface ChannelListener {
  /** `records[i]` holds sequence number `firstSeq + i`. */
  onDurable(firstSeq: number, records: Buffer[]): void;
}

/** One channel: its log, its de-duplication window, its listeners and unwritten publishes. */
export class Channel {
  /** Highest sequence number written to the log (and to disk, with fsync on). */
  durableSeq: number;
  readonly dedup: DedupIndex;
  readonly listeners = new Set<ChannelListener>();
  pending: PendingPublish[] = [];
  /** Event ids of `pending` publishes, so a repeat arriving before the write is caught too. */
  readonly pendingIds = new Map<string, PendingPublish>();

  constructor(
    readonly name: string,
    public log: ChannelLog | undefined,
    dedupWindow: number,
  ) {
    this.durableSeq = log?.count ?? 0;
    this.dedup = new DedupIndex(dedupWindow);
  }
}
