import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { afterPendingInput } from "./after-pending-input.js";

const open: net.Socket[] = [];
const servers: net.Server[] = [];
afterEach(() => {
  for (const socket of open.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) server.close();
});

/** A connected pair of sockets on 127.0.0.1. */
async function socketPair(): Promise<{ sender: net.Socket; receiver: net.Socket }> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((resolve) => server.once("connection", resolve));
  const receiver = net.connect(port, "127.0.0.1");
  await new Promise((resolve) => receiver.once("connect", resolve));
  const sender = await accepted;
  open.push(sender, receiver);
  return { sender, receiver };
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // The process is "starved": nothing else of it runs.
  }
}

describe("afterPendingInput", () => {
  it("decides after a stall with the input that arrived during the stall read, unlike the timer itself", async () => {
    const { sender, receiver } = await socketPair();
    let heartbeatRead = false;
    receiver.on("data", () => {
      heartbeatRead = true;
    });
    const seen = await new Promise<{ byTimer: boolean; afterInput: boolean }>((resolve) => {
      setImmediate(() => {
        // A deadline falls due while the process stalls; the peer's heartbeat arrives meanwhile.
        setTimeout(() => {
          const byTimer = heartbeatRead;
          afterPendingInput(() => resolve({ byTimer, afterInput: heartbeatRead }));
        }, 20);
        sender.write("heartbeat");
        busyWait(200);
      });
    });
    // The timer runs first, with the heartbeat still unread: deciding there would be wrong.
    expect(seen.byTimer).toBe(false);
    expect(seen.afterInput).toBe(true);
  });
});
