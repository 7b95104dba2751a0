import { writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { makeCa, makeLeaf, makePkcs12 } from "@conclave/pki/test-support";
import { PROTOCOL_VERSION } from "@conclave/protocol";
import { type RealmAdminError, RealmClient } from "@conclave/realm-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { RawNspConnection } from "./test-support/raw-frames.js";
import { cleanUp, type RealmProcess, startRealm, tempDir } from "./test-support/realm-process.js";

const hello = { type: "hello", role: "client", protocolVersion: PROTOCOL_VERSION };

describe("a realm faced with refused roles, bad input and bad configuration", () => {
  let realm: RealmProcess;
  let dir: string;
  let keyStore: string;

  beforeAll(async () => {
    dir = await tempDir("realm-robust-");
    const ca = await makeCa(dir, "ca");
    const leaf = await makeLeaf(dir, ca, "server");
    keyStore = await makePkcs12(dir, leaf, ca, "server.p12", "right-password", "server");
    realm = await startRealm({
      config: {
        name: "robust",
        interfaces: [
          { name: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: 0, authTime: 400 },
          {
            name: "nsp-peers",
            protocol: "nsp",
            bindAddress: "127.0.0.1",
            port: 0,
            allowClientConnections: false,
          },
          {
            name: "nhp-clients",
            protocol: "nhp",
            bindAddress: "127.0.0.1",
            port: 0,
            allowForInterRealm: false,
          },
        ],
        limits: { maxFrameBytes: 64 * 1024, maxQueuedBytesPerConnection: 64 * 1024 },
      },
    });
  });

  afterAll(cleanUp);

  describe("Allow Client Connections and Allow for InterRealm", () => {
    it("refuses a client hello on an interface with Allow Client Connections off", async () => {
      const error = await RealmClient.connect(await realm.url("nsp-peers")).catch((e) => e);
      expect(error).toMatchObject({ code: "CLIENT_CONNECTIONS_NOT_ALLOWED", fatal: true });
      expect(error.message).toBe(
        "Interface nsp-peers does not allow client connections; connect to an interface with Allow Client Connections enabled",
      );
    });

    it("refuses an inter-realm hello on an interface with Allow for InterRealm off", async () => {
      const error = await RealmClient.connect(await realm.url("nhp-clients"), {
        hello: { role: "inter-realm", realm: "peer-realm" },
      }).catch((e) => e);
      expect(error).toMatchObject({ code: "INTER_REALM_NOT_ALLOWED", fatal: true });
      expect(error.message).toContain(
        "Interface nhp-clients does not allow inter-realm connections",
      );
    });

    it("welcomes an inter-realm link where allowed, keeps it open and counts it", async () => {
      const link = await RealmClient.connect(await realm.url("nsp-peers"), {
        hello: { role: "inter-realm", realm: "peer-realm" },
      });
      expect(link.welcome.realm).toBe("robust");
      expect(await link.ping()).toBeGreaterThanOrEqual(0);
      const status = await realm.admin.status();
      expect(status.interfaces.find((i) => i.name === "nsp-peers")).toMatchObject({
        interRealmLinks: 1,
        clientSessions: 0,
      });
      await link.close();
    });
  });

  describe("the hello", () => {
    it("answers a non-hello first frame with HELLO_REQUIRED and closes", async () => {
      const raw = await RawNspConnection.connect(await realm.port("nsp0"));
      raw.sendFrame({ type: "ping", ref: 1 });
      expect(await raw.next("error")).toMatchObject({ code: "HELLO_REQUIRED", fatal: true });
      await raw.closed;
    });

    it("drops a client that stalls past the Auth Time with HELLO_TIMEOUT", async () => {
      const raw = await RawNspConnection.connect(await realm.port("nsp0"));
      const started = Date.now();
      expect(await raw.next("error")).toMatchObject({ code: "HELLO_TIMEOUT", fatal: true });
      await raw.closed;
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it("refuses a hello with another protocol version", async () => {
      const raw = await RawNspConnection.connect(await realm.port("nsp0"));
      raw.sendFrame({ ...hello, protocolVersion: 99 });
      expect(await raw.next("error")).toMatchObject({ code: "PROTOCOL_VERSION", fatal: true });
      await raw.closed;
    });
  });

  describe("malformed input", () => {
    it("answers a frame that is not JSON with MALFORMED_FRAME and closes", async () => {
      const raw = await RawNspConnection.connect(await realm.port("nsp0"));
      raw.sendBytes(Buffer.from([0, 0, 0, 5, 0x68, 0x65, 0x6c, 0x6c, 0x6f])); // "hello"
      expect(await raw.next("error")).toMatchObject({ code: "MALFORMED_FRAME", fatal: true });
      await raw.closed;
    });

    it("answers garbage bytes (an HTTP request on nsp) with an error frame and closes", async () => {
      const raw = await RawNspConnection.connect(await realm.port("nsp0"));
      raw.sendBytes(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
      // "GET " read as a length is about 1.2 GB: refused from the header alone.
      expect(await raw.next("error")).toMatchObject({ code: "FRAME_TOO_LARGE", fatal: true });
      await raw.closed;
    });

    it("refuses an oversized frame from its header, before the body is sent", async () => {
      const raw = await RawNspConnection.connect(await realm.port("nsp0"));
      raw.sendFrame(hello);
      await raw.next("welcome");
      const header = Buffer.alloc(4);
      header.writeUInt32BE(10 * 1024 * 1024);
      raw.sendBytes(header);
      const error = await raw.next("error");
      expect(error).toMatchObject({ code: "FRAME_TOO_LARGE", fatal: true });
      expect(error.message).toContain("exceeds the limit of 65536 bytes");
      await raw.closed;
    });

    it("answers an invalid request with a non-fatal INVALID_REQUEST naming the field", async () => {
      const raw = await RawNspConnection.connect(await realm.port("nsp0"));
      raw.sendFrame(hello);
      await raw.next("welcome");
      raw.sendFrame({ type: "publish", ref: 7, channel: "../etc", data: "!!" });
      const error = await raw.next("error");
      expect(error).toMatchObject({ code: "INVALID_REQUEST", ref: 7, fatal: false });
      expect(error.message).toMatch(/channel/);
      raw.sendFrame({ type: "ping", ref: 8 });
      expect(await raw.next("pong")).toMatchObject({ ref: 8 });
      raw.destroy();
    });

    it("answers a WebSocket message that is not JSON with MALFORMED_FRAME and closes", async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${await realm.port("nhp-clients")}/`);
      await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
      const frame = new Promise<Record<string, unknown>>((resolve) =>
        ws.once("message", (data) => resolve(JSON.parse(data.toString()))),
      );
      const closed = new Promise<number>((resolve) => ws.once("close", resolve));
      ws.send("{not json");
      expect(await frame).toMatchObject({ code: "MALFORMED_FRAME", fatal: true });
      expect(await closed).toBe(1008);
    });

    it("drops a subscriber that does not read with SLOW_CONSUMER", async () => {
      const port = await realm.port("nsp0");
      const raw = await RawNspConnection.connect(port);
      raw.sendFrame(hello);
      await raw.next("welcome");
      raw.sendFrame({ type: "subscribe", ref: 1, channel: "firehose", from: "latest" });
      await raw.next("subscribed");
      raw.socket.pause(); // stop reading: the kernel buffers fill, then the realm's queue
      const publisher = await RealmClient.connect(`nsp://127.0.0.1:${port}`);
      const payload = Buffer.alloc(40 * 1024, 7);
      // At most 1000 × 40 KiB; loopback buffers hold a few MB, so this is plenty.
      for (let i = 0; i < 1000; i++) {
        await publisher.publish("firehose", payload);
        if (realm.events("session.slow-consumer").length > 0) break;
      }
      await realm.waitForEvent("session.slow-consumer");
      // Read again: what was queued, then the error frame, then the close.
      raw.socket.resume();
      await raw.closed;
      expect(raw.frames.at(-1)).toMatchObject({
        type: "error",
        code: "SLOW_CONSUMER",
        fatal: true,
      });
      expect(raw.frames.filter((f) => f.type === "event").length).toBeGreaterThan(10);
      await publisher.close();
    });
  });

  describe("interfaces that cannot start", () => {
    it("reports a port in use as state Error with the reason", async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const added = await realm.admin.addInterface({
          name: "nsp-busy",
          protocol: "nsp",
          bindAddress: "127.0.0.1",
          port,
        });
        expect(added.status).toMatchObject({
          state: "Error",
          error: `Port ${port} on 127.0.0.1 is already in use`,
        });
      } finally {
        blocker.close();
      }
      // Once the port is free, start succeeds.
      const started = await realm.admin.startInterface("nsp-busy");
      expect(started.status).toMatchObject({ state: "Running", boundPort: port, error: null });
      await realm.admin.deleteInterface("nsp-busy");
    });

    it("reports a wrong key store password clearly, without the password", async () => {
      const added = await realm.admin.addInterface({
        name: "nsps-badpass",
        protocol: "nsps",
        bindAddress: "127.0.0.1",
        port: 0,
        tls: { keyStorePath: keyStore, keyStorePassword: "wrong-password-123" },
      });
      expect(added.status.state).toBe("Error");
      expect(added.status.error).toMatch(/Key Store Passwd is wrong/);
      expect(added.status.error).toContain(keyStore);
      const everything = JSON.stringify([
        await realm.admin.status(),
        await realm.admin.config(),
        realm.lines,
      ]);
      expect(everything).not.toContain("wrong-password-123");
      expect(everything).not.toContain("right-password");
    });

    it("reports a missing key store file", async () => {
      const missing = path.join(dir, "nowhere.p12");
      const added = await realm.admin.addInterface({
        name: "nsps-missing",
        protocol: "nsps",
        bindAddress: "127.0.0.1",
        port: 0,
        tls: { keyStorePath: missing, keyStorePassword: "right-password" },
      });
      expect(added.status).toMatchObject({
        state: "Error",
        error: `Interface nsps-missing: Key store ${missing} does not exist`,
      });
    });

    it("names the aliases that exist when the Certificate alias is not found", async () => {
      const added = await realm.admin.addInterface({
        name: "nsps-alias",
        protocol: "nsps",
        bindAddress: "127.0.0.1",
        port: 0,
        tls: {
          keyStorePath: keyStore,
          keyStorePassword: "right-password",
          certificateAlias: "nope",
        },
      });
      expect(added.status.state).toBe("Error");
      expect(added.status.error).toMatch(
        /no entry with Certificate alias "nope"; aliases present: "server"/,
      );
    });

    it("reports a file that is not a key store", async () => {
      const junk = path.join(dir, "junk.p12");
      await writeFile(junk, "this is not a keystore");
      const added = await realm.admin.addInterface({
        name: "nsps-junk",
        protocol: "nsps",
        bindAddress: "127.0.0.1",
        port: 0,
        tls: { keyStorePath: junk, keyStorePassword: "right-password" },
      });
      expect(added.status.state).toBe("Error");
      expect(added.status.error).toMatch(/not a keystore/);
    });

    it("answers an invalid interface with 400 naming the field", async () => {
      const error = await realm.admin
        .addInterface({ name: "bad", protocol: "nsp", port: 70_000 })
        .catch((e: RealmAdminError) => e);
      expect(error).toMatchObject({ status: 400, code: "VALIDATION" });
      expect((error as Error).message).toMatch(/^port: /);
    });
  });

  it("survives all of it: status answers and clients are served", async () => {
    const status = await realm.admin.status();
    expect(status.realm).toBe("robust");
    expect(realm.child.exitCode).toBeNull();
    const client = await RealmClient.connect(await realm.url("nsp0"));
    expect((await client.publish("after/all", "still here")).seq).toBe(1);
    await client.close();
  });
});
