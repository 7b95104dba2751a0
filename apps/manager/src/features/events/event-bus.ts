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
 * Several replicas on one PostgreSQL database: `publish` sends NOTIFY, and every replica
 * (this one included) delivers what its LISTEN connection receives, so an event reaches every
 * browser whichever replica it is connected to.
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
    client.on("notification", (message) => {
      if (message.channel !== EVENTS_CHANNEL || !message.payload) return;
      try {
        bus.deliver(JSON.parse(message.payload) as ManagerEvent);
      } catch (error) {
        logger.warn("unreadable event notification", { error });
      }
    });
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    return bus;
  }

  override async publish(event: EventInput): Promise<void> {
    await this.db.query("SELECT pg_notify($1, $2)", [
      EVENTS_CHANNEL,
      JSON.stringify(complete(event)),
    ]);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.listener.end().catch(() => {});
  }
}
