import { writeFile } from "node:fs/promises";
import path from "node:path";
import { makeCa, makeLeaf } from "@conclave/pki/test-support";
import { type InterfaceStatus, MAX_LISTED_SESSIONS, PROTOCOL_VERSION } from "@conclave/protocol";
import { RealmClient } from "@conclave/realm-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./test-support/cluster-fixture.js";
import { RawNspConnection } from "./test-support/raw-frames.js";
import { cleanUp, type RealmProcess, startRealm, tempDir } from "./test-support/realm-process.js";

afterAll(cleanUp);

describe("client sessions per interface in GET /status", () => {
  let realm: RealmProcess;
  let caPem: string;

  beforeAll(async () => {
    const dir = await tempDir("realm-sessions-");
    const ca = await makeCa(dir, "sessions-ca");
    const leaf = await makeLeaf(dir, ca, "sessions-realm");
    caPem = ca.certPem;
    const keyStorePath = path.join(dir, "server.pem");
    await writeFile(keyStorePath, leaf.keyPem + leaf.certPem);
    realm = await startRealm({
      config: {
        name: "sessions",
        interfaces: [
          { name: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: 0 },
          {
            name: "nsps0",
            protocol: "nsps",
            bindAddress: "127.0.0.1",
            port: 0,
            tls: { keyStorePath },
          },
        ],
      },
    });
  });

  const iface = async (name: string): Promise<InterfaceStatus> =>
    (await realm.admin.status()).interfaces.find((i) => i.name === name)!;

  it("lists each client with its address, hello name, connect time and TLS; a disconnected one is gone", async () => {
    const before = new Date().toISOString();
    const orders = await RealmClient.connect(await realm.url("nsp0"), { client: "orders-svc" });
    const billing = await RealmClient.connect(await realm.url("nsp0"), { client: "billing-svc" });
    const secure = await RealmClient.connect(await realm.url("nsps0"), {
      client: "secure-svc",
      tls: { ca: caPem },
    });
    // Neither a peer realm's link nor a connection still without its hello is a client session.
    const peer = await RealmClient.connect(await realm.url("nsp0"), {
      hello: { role: "inter-realm", realm: "peer-realm" },
    });
    const silent = await RawNspConnection.connect(await realm.port("nsp0"));

    // The silent connection is open on our side before the realm has accepted it.
    const plain = await waitFor("the realm has accepted all four connections", async () => {
      const status = await iface("nsp0");
      return status.connections === 4 ? status : undefined;
    });
    expect(plain.clientSessions).toBe(2);
    expect(plain.sessions).toEqual([
      {
        id: expect.any(String),
        remoteAddress: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        clientName: "orders-svc",
        connectedAt: expect.any(String),
        tls: false,
        tlsVersion: null,
      },
      expect.objectContaining({ clientName: "billing-svc", tls: false }),
    ]);
    expect(plain.sessions![0]!.connectedAt >= before).toBe(true);
    expect(plain.sessions![0]!.id).not.toBe(plain.sessions![1]!.id);
    expect((await iface("nsps0")).sessions).toEqual([
      expect.objectContaining({ clientName: "secure-svc", tls: true, tlsVersion: "TLSv1.3" }),
    ]);

    await orders.close();
    await waitFor("the closed session leaves the list", async () => {
      const now = await iface("nsp0");
      return now.sessions?.map((s) => s.clientName).join() === "billing-svc" && now;
    });
    expect((await iface("nsp0")).clientSessions).toBe(1);
    await Promise.all([billing.close(), secure.close(), peer.close()]);
    silent.destroy();
    await waitFor("every session gone", async () => (await iface("nsp0")).connections === 0);
    expect((await iface("nsp0")).sessions).toEqual([]);
  });

  it(`lists at most ${MAX_LISTED_SESSIONS} sessions (the oldest), while clientSessions counts them all`, async () => {
    const port = await realm.port("nsp0");
    const raw: RawNspConnection[] = [];
    for (let i = 0; i < MAX_LISTED_SESSIONS + 5; i++) {
      const connection = await RawNspConnection.connect(port);
      connection.sendFrame({
        type: "hello",
        role: "client",
        protocolVersion: PROTOCOL_VERSION,
        ...(i % 2 === 0 ? { client: `bulk-${i}` } : {}),
      });
      await connection.next("welcome");
      raw.push(connection);
    }
    try {
      const status = await iface("nsp0");
      expect(status.clientSessions).toBe(MAX_LISTED_SESSIONS + 5);
      expect(status.sessions).toHaveLength(MAX_LISTED_SESSIONS);
      expect(status.sessions![0]!.clientName).toBe("bulk-0");
      expect(status.sessions![1]!.clientName).toBeNull();
    } finally {
      for (const connection of raw) connection.destroy();
    }
  });
});
