import { makeCa, makeLeaf, makePkcs12 } from "@conclave/pki/test-support";
import type { RealmConfigInput } from "@conclave/protocol";
import { RealmClient, type RealmEvent } from "@conclave/realm-client";
import { afterAll, describe, expect, it } from "vitest";
import { cleanUp, startRealm, tempDir } from "./test-support/realm-process.js";

const EVENTS = 10_000;
const WINDOW = 500;

afterAll(cleanUp);

describe("channel events survive a realm crash and restart", () => {
  it("delivers 10,000 events published on nsp to an nhps subscriber once each, in order, across a SIGKILL restart", async () => {
    const dir = await tempDir("realm-persist-");
    const ca = await makeCa(dir, "ca");
    const leaf = await makeLeaf(dir, ca, "server");
    const keyStore = await makePkcs12(dir, leaf, ca, "server.p12", "pw-1234", "server");
    const config: RealmConfigInput = {
      name: "durable",
      interfaces: [
        { name: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: 0 },
        {
          name: "nhps0",
          protocol: "nhps",
          bindAddress: "127.0.0.1",
          port: 0,
          tls: { keyStorePath: keyStore, keyStorePassword: "pw-1234" },
        },
      ],
    };
    const tls = { ca: ca.certPem };
    let realm = await startRealm({ config });
    const dataDir = realm.dataDir;

    const received: RealmEvent[] = [];
    const onEvent = (event: RealmEvent) => received.push(event);
    const subscriber = await RealmClient.connect(await realm.url("nhps0"), { tls });
    await subscriber.subscribe("orders", { from: "earliest" }, onEvent);

    // Publish with event ids, in windows, and crash the realm while a window is in flight.
    const acked = new Set<number>();
    const publishRange = async (client: RealmClient, from: number, to: number) => {
      for (let start = from; start < to; start += WINDOW) {
        const window: Promise<void>[] = [];
        for (let i = start; i < Math.min(to, start + WINDOW); i++) {
          window.push(
            client
              .publish("orders", `event-${i}`, { eventId: `e-${i}` })
              .then(() => void acked.add(i)),
          );
        }
        await Promise.all(window);
      }
    };
    const publisher = await RealmClient.connect(await realm.url("nsp0"));
    await publishRange(publisher, 0, 4_000);
    const inFlight = publishRange(publisher, 4_000, EVENTS).catch((error) => error);
    while (acked.size < 4_200) await new Promise((resolve) => setTimeout(resolve, 1));
    await realm.stop("SIGKILL");
    expect(await inFlight).toMatchObject({ code: "CONNECTION_CLOSED" });
    await subscriber.closed;
    expect(acked.size).toBeLessThan(EVENTS);

    realm = await startRealm({ dataDir });
    const resumeFrom = received.at(-1)!.seq + 1;
    const resumed = await RealmClient.connect(await realm.url("nhps0"), { tls });
    const subscription = await resumed.subscribe("orders", { from: resumeFrom }, onEvent);
    expect(subscription.nextSeq).toBe(resumeFrom);

    // Republish everything not acknowledged; the ones stored before the crash are duplicates.
    const firstUnacked = [...Array(EVENTS).keys()].find((i) => !acked.has(i))!;
    const publisher2 = await RealmClient.connect(await realm.url("nsp0"));
    const storedAtRestart = (await realm.admin.status()).channels.find(
      (c) => c.name === "orders",
    )!.lastSeq;
    expect(storedAtRestart).toBeGreaterThanOrEqual(firstUnacked);
    let duplicates = 0;
    for (let i = firstUnacked; i < EVENTS; i += WINDOW) {
      const results = await Promise.all(
        Array.from({ length: Math.min(WINDOW, EVENTS - i) }, (_, k) =>
          publisher2.publish("orders", `event-${i + k}`, { eventId: `e-${i + k}` }),
        ),
      );
      duplicates += results.filter((r) => r.duplicate).length;
    }
    const deadline = Date.now() + 30_000;
    while (received.length < EVENTS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(received.map((e) => e.seq)).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    expect(received.map((e) => e.data.toString())).toEqual(
      Array.from({ length: EVENTS }, (_, i) => `event-${i}`),
    );
    expect(received.map((e) => e.eventId)).toEqual(
      Array.from({ length: EVENTS }, (_, i) => `e-${i}`),
    );
    // Exactly the events stored before the crash but never acknowledged came back as duplicates.
    expect(duplicates).toBe(storedAtRestart - firstUnacked);
    const status = await realm.admin.status();
    expect(status.channels.find((c) => c.name === "orders")?.lastSeq).toBe(EVENTS);

    // A newcomer reads the whole log back from the start.
    const late: number[] = [];
    const newcomer = await RealmClient.connect(await realm.url("nhps0"), { tls });
    await newcomer.subscribe("orders", { from: "earliest" }, (event) => late.push(event.seq));
    while (late.length < EVENTS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(late).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));

    await Promise.all([resumed.close(), publisher2.close(), newcomer.close()]);
    expect(await realm.stop("SIGTERM")).toBe(0);
  });
});
