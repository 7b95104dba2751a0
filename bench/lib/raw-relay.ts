/**
 * The physical limit for one publisher and one subscriber: a relay process that copies bytes
 * from publishers to subscribers with no parsing, persistence or acknowledgement. Run as its
 * own process (like a realm) so both pay the same loopback and scheduling costs.
 *
 * A connection's first byte says what it is: "P" publisher, "S" subscriber.
 */
import { createServer, type Socket } from "node:net";

const subscribers = new Set<Socket>();
const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.once("data", (first) => {
    const role = String.fromCharCode(first[0]!);
    const rest = first.subarray(1);
    if (role === "S") {
      subscribers.add(socket);
      socket.on("close", () => subscribers.delete(socket));
      return;
    }
    const relay = (chunk: Buffer) => {
      for (const sub of subscribers) {
        // Backpressure: pause the publisher until the subscriber drains.
        if (!sub.write(chunk)) {
          socket.pause();
          sub.once("drain", () => socket.resume());
        }
      }
    };
    if (rest.length > 0) relay(rest);
    socket.on("data", relay);
  });
  socket.on("error", () => socket.destroy());
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address && typeof address === "object") process.stdout.write(`${address.port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
