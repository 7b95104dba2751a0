import type { RealmEvent } from "./realm-client.js";
import type { RealmError } from "./realm-error.js";

/** A live subscription to one channel, returned by `RealmClient.subscribe`. */
export class Subscription {
  /** Sequence number of the first event the realm said it would deliver. */
  nextSeq = 0;
  /** Sequence number of the last event delivered; 0 before the first. */
  lastSeq = 0;
  private closedReason: RealmError | undefined;
  private closed = false;

  /** @internal */
  constructor(
    readonly channel: string,
    private readonly onEvent: (event: RealmEvent) => void,
    private readonly doUnsubscribe: (subscription: Subscription) => Promise<void>,
  ) {}

  /** Why the subscription ended with its connection, if it did. */
  get endedBy(): RealmError | undefined {
    return this.closedReason;
  }

  /** True once unsubscribed or once the connection is gone. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops delivery; resolves when the realm has confirmed. */
  async unsubscribe(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.doUnsubscribe(this);
  }

  /** @internal */
  deliver(event: RealmEvent): void {
    if (this.closed) return;
    this.lastSeq = event.seq;
    this.onEvent(event);
  }

  /** @internal */
  markClosed(reason: RealmError | undefined): void {
    this.closed = true;
    this.closedReason = reason;
  }
}
