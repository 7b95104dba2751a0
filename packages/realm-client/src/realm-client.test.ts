import net from "node:net";
import { encodeFrame, FrameDecoder } from "@conclave/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { RealmClient } from "./realm-client.js";

/** A stand-in realm that answers each frame with `answer(frame)`. */
async function fakeRealm(answer: (frame: Record<string, unknown>) => unknown[]) {
  const server = net.createServer((socket) => {
    const decoder = new FrameDecoder(1024 * 1024);
    socket.on("data", (chunk) => {
      for (const frame of decoder.push(chunk)) {
        for (const reply of answer(frame as Record<string, unknown>)) {
          if (reply === "close") socket.end();
          else socket.write(encodeFrame(reply));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return `nsp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

const welcome = {
  type: "welcome",
  realm: "fake",
  session: "s1",
  protocolVersion: 1,
  serverTime: 0,
};

describe("RealmClient", () => {
  it("rejects connect with the refusal's code and message", async () => {
    const url = await fakeRealm(() => [
      { type: "error", code: "CLIENT_CONNECTIONS_NOT_ALLOWED", message: "not here", fatal: true },
      "close",
    ]);
    await expect(RealmClient.connect(url)).rejects.toMatchObject({
      name: "RealmError",
      code: "CLIENT_CONNECTIONS_NOT_ALLOWED",
      message: "not here",
    });
  });

  it("resolves publishes with their ack and rejects one answered by an error frame", async () => {
    const url = await fakeRealm((frame) => {
      if (frame.type === "hello") return [welcome];
      if (frame.channel === "bad") {
        return [
          { type: "error", ref: frame.ref, code: "INVALID_REQUEST", message: "no", fatal: false },
        ];
      }
      return [
        {
          type: "ack",
          ref: frame.ref,
          channel: frame.channel,
          seq: 7,
          eventId: "e",
          duplicate: false,
        },
      ];
    });
    const client = await RealmClient.connect(url);
    expect(await client.publish("good", "x")).toEqual({ seq: 7, eventId: "e", duplicate: false });
    await expect(client.publish("bad", "x")).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await client.close();
  });

  it("times out when the realm never welcomes", async () => {
    const url = await fakeRealm(() => []);
    await expect(RealmClient.connect(url, { timeoutMs: 200 })).rejects.toMatchObject({
      code: "TIMEOUT",
    });
  });

  it("fails pending requests when the connection drops", async () => {
    const url = await fakeRealm((frame) => (frame.type === "hello" ? [welcome] : ["close"]));
    const client = await RealmClient.connect(url);
    await expect(client.publish("c", "x")).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
    expect(await client.closed).toMatchObject({ code: "CONNECTION_CLOSED" });
  });
});
