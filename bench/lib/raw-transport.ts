import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import type { PubSubPair, Transport } from "./endpoint.js";

const relayScript = fileURLToPath(new URL("./raw-relay.ts", import.meta.url));

async function dial(port: number, role: "P" | "S"): Promise<Socket> {
  const socket = connect({ host: "127.0.0.1", port, noDelay: true });
  await once(socket, "connect");
  socket.write(role);
  return socket;
}

/** Raw TCP through a byte-copying relay process: the ceiling for any framed protocol. */
export async function rawTcpTransport(): Promise<Transport> {
  const relay = spawn(process.execPath, ["--import", "tsx", relayScript], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [portLine] = (await once(relay.stdout!, "data")) as [Buffer];
  const port = Number(portLine.toString().trim());
  return {
    name: "raw TCP relay",
    semantics: "bytes copied, no framing checks, no persistence, no acks (the ceiling)",
    async open(): Promise<PubSubPair> {
      const publisher = await dial(port, "P");
      const subscriber = await dial(port, "S");
      // One promise for the publisher's next "drain", shared by every write that waits for it.
      let drained: Promise<unknown> | null = null;
      return {
        async subscribe(onMessage) {
          let buffer: Buffer = Buffer.alloc(0);
          subscriber.on("data", (chunk: Buffer) => {
            buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
            while (buffer.length >= 4) {
              const length = buffer.readUInt32BE(0);
              if (buffer.length < 4 + length) break;
              onMessage(buffer.subarray(4, 4 + length));
              buffer = buffer.subarray(4 + length);
            }
          });
          // Give the relay a moment to register the subscriber before publishing starts.
          await new Promise((resolve) => setTimeout(resolve, 50));
        },
        publish(payload) {
          const frame = Buffer.allocUnsafe(4 + payload.length);
          frame.writeUInt32BE(payload.length, 0);
          frame.set(payload, 4);
          // Batch the writes of one tick into one syscall, as a tuned client would.
          if (publisher.writableCorked === 0) {
            publisher.cork();
            process.nextTick(() => publisher.uncork());
          }
          publisher.write(frame);
          return undefined;
        },
        backpressure() {
          if (!publisher.writableNeedDrain) return undefined;
          drained ??= once(publisher, "drain").finally(() => {
            drained = null;
          });
          return drained;
        },
        flush() {
          // The callback of an empty write runs once everything written before it is out.
          return new Promise<void>((resolve) => publisher.write(Buffer.alloc(0), () => resolve()));
        },
        async close() {
          publisher.destroy();
          subscriber.destroy();
        },
      };
    },
    async stop() {
      relay.kill("SIGTERM");
      await once(relay, "exit");
    },
  };
}
