/** One publisher and one subscriber on some transport, as a benchmark drives them. */
export interface PubSubPair {
  /** Starts delivering every message published from now on to `onMessage`. */
  subscribe(onMessage: (payload: Uint8Array) => void): Promise<void>;
  /**
   * Publishes one message. Transports with acknowledgements return a promise that settles on
   * the ack; fire-and-forget transports return nothing.
   */
  publish(payload: Uint8Array): Promise<unknown> | undefined;
  /** For fire-and-forget transports: a promise to await before publishing more, when full. */
  backpressure?(): Promise<unknown> | undefined;
  /** Waits until everything published so far has left the publisher. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface Transport {
  name: string;
  /** What the figure means (e.g. "persisted and acknowledged", "no persistence, no acks"). */
  semantics: string;
  open(): Promise<PubSubPair>;
  stop(): Promise<void>;
}
