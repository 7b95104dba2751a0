import { readFileSync } from "node:fs";
import { connect, type NatsConnection } from "nats";
import type { PubSubPair, Transport } from "./endpoint.js";
import type { RunningNats } from "./nats-server.js";

/** Core NATS (the peer): publish/subscribe with no persistence and no per-message acks. */
export function natsTransport(server: RunningNats, caFile?: string): Transport {
  return {
    name: caFile ? "nats-server TLS" : "nats-server",
    semantics: "core NATS: no persistence, no per-message acks",
    async open(): Promise<PubSubPair> {
      const options = {
        servers: `127.0.0.1:${server.port}`,
        ...(caFile ? { tls: { ca: readFileSync(caFile, "utf8") } } : {}),
      };
      const publisher: NatsConnection = await connect(options);
      const subscriber: NatsConnection = await connect(options);
      let published = 0;
      return {
        async subscribe(onMessage) {
          subscriber.subscribe("bench", { callback: (_error, message) => onMessage(message.data) });
          await subscriber.flush();
        },
        publish(payload) {
          publisher.publish("bench", payload);
          published++;
          return undefined;
        },
        // nats.js buffers without backpressure; a periodic flush bounds its buffer.
        backpressure: () => (published % 1024 === 0 ? publisher.flush() : undefined),
        flush: () => publisher.flush(),
        async close() {
          await publisher.close();
          await subscriber.close();
        },
      };
    },
    stop: () => server.stop(),
  };
}
