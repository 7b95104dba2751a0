import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { ManagerEvent } from "@conclave/protocol";
import pg from "pg";
import type { Logger } from "../../logging/logger.js";
import type { Db } from "../../store/db.js";

/** A live change for browsers; `at` is filled in by `publish` when absent. */
export type EventInput = ManagerEvent extends infer E
  ? E extends ManagerEvent
    ? Omit<E, "at"> & { at?: string }
    : never
  : never;

/**
 * Fans status changes out to every SSE stream. In-process with PGlite; across replicas with
 * PostgreSQL LISTEN/NOTIFY ({@link PgEventBus}).
 */
export interface EventBus {
  publish(event: EventInput): Promise<void>;
  /** Calls `listener` for every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: ManagerEvent) => void): () => void;
  /** Calls `listener` once when the bus closes (the manager is stopping); returns the unsubscribe. */
  onClose(listener: () => void): () => void;
  close(): Promise<void>;
}

function complete(event: EventInput): ManagerEvent {
  return { ...event, at: event.at ?? new Date().toISOString() } as ManagerEvent;
}

/** One process: events go straight to the local subscribers. */
export class InProcessEventBus implements EventBus {
  protected readonly emitter = new EventEmitter();

  constructor() {
    // Every open SSE stream is a listener; the default limit of 10 is a warning, not a need.
    this.emitter.setMaxListeners(0);
  }

  async publish(event: EventInput): Promise<void> {
    this.deliver(complete(event));
  }

  subscribe(listener: (event: ManagerEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }

  onClose(listener: () => void): () => void {
    this.emitter.once("close", listener);
    return () => this.emitter.off("close", listener);
  }

  async close(): Promise<void> {
    this.emitter.emit("close");
    this.emitter.removeAllListeners();
  }

  protected deliver(event: ManagerEvent): void {
    this.emitter.emit("event", event);
  }
}

/** The NOTIFY channel the replicas share. */
export const EVENTS_CHANNEL = "conclave_events";

/**
 * Largest NOTIFY payload sent as is. PostgreSQL refuses payloads of 8000 bytes or more; larger
 * events go out in chunks ({@link toNotifications}).
 */
export const NOTIFY_PAYLOAD_BYTES = 7900;

/** Base64 characters per chunk; with the `~id:index:count:` prefix it stays under the limit. */
const CHUNK_CHARS = 7800;

/** How long a partly received chunked event is kept before it is dropped. */
const CHUNK_TTL_MS = 30_000;

/**
 * The NOTIFY payloads carrying `json`: itself when small enough, else `~id:index:count:base64`
 * chunks (base64 so a chunk never splits a UTF-8 character). Sent in one statement, the chunks
 * commit together and reach every listener consecutively and in order.
 */
export function toNotifications(json: string): string[] {
  if (Buffer.byteLength(json) < NOTIFY_PAYLOAD_BYTES) return [json];
  const encoded = Buffer.from(json).toString("base64");
  const count = Math.ceil(encoded.length / CHUNK_CHARS);
  const id = randomUUID();
  return Array.from(
    { length: count },
    (_, i) => `~${id}:${i}:${count}:${encoded.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS)}`,
  );
}

/** Reassembles chunked notifications; `add` returns the JSON once the last chunk is in. */
export class ChunkAssembler {
  private readonly pending = new Map<string, { parts: string[]; received: number; at: number }>();

  add(payload: string, now = Date.now()): string | undefined {
    if (!payload.startsWith("~")) return payload;
    const match = /^~([^:]+):(\d+):(\d+):(.*)$/s.exec(payload);
    if (!match) throw new Error("malformed event chunk");
    const [, id, index, count, data] = match as unknown as [string, string, string, string, string];
    for (const [key, entry] of this.pending) {
      if (now - entry.at > CHUNK_TTL_MS) this.pending.delete(key);
    }
    const entry = this.pending.get(id) ?? { parts: [], received: 0, at: now };
    if (entry.parts[Number(index)] === undefined) entry.received += 1;
    entry.parts[Number(index)] = data;
    if (entry.received < Number(count)) {
      this.pending.set(id, entry);
      return undefined;
    }
    this.pending.delete(id);
    return Buffer.from(entry.parts.join(""), "base64").toString("utf8");
  }
}

/**
 * Several replicas on one PostgreSQL database: `publish` sends NOTIFY, and every replica
 * (this one included) delivers what its LISTEN connection receives, so an event reaches every
 * browser whichever replica it is connected to. Events over NOTIFY's 8000-byte limit travel
 * in chunks.
 */
export class PgEventBus extends InProcessEventBus {
  private constructor(
    private readonly db: Db,
    private readonly listener: pg.Client,
  ) {
    super();
  }

  /** Opens a dedicated LISTEN connection (pooled connections cannot hold a LISTEN). */
  static async connect(url: string, db: Db, logger: Logger): Promise<PgEventBus> {
    const client = new pg.Client({ connectionString: url });
    client.on("error", (error) => logger.warn("event listener connection failed", { error }));
    await client.connect();
    const bus = new PgEventBus(db, client);
    const chunks = new ChunkAssembler();
    client.on("notification", (message) => {
      if (message.channel !== EVENTS_CHANNEL || !message.payload) return;
      try {
        const json = chunks.add(message.payload);
        if (json !== undefined) bus.deliver(JSON.parse(json) as ManagerEvent);
      } catch (error) {
        logger.warn("unreadable event notification", { error });
      }
    });
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    return bus;
  }

  override async publish(event: EventInput): Promise<void> {
    await this.db.query("SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload", [
      EVENTS_CHANNEL,
      toNotifications(JSON.stringify(complete(event))),
    ]);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.listener.end().catch(() => {});
  }
}
