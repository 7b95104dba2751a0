import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import type { PublishOutcome } from "./channel.js";
import { ChannelStore, type ChannelStoreOptions } from "./channel-store.js";

let dir: string;
let options: ChannelStoreOptions;
const lines: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "channel-store-"));
  options = {
    dir,
    fsync: true,
    dedupWindow: 3,
    maxRecordBytes: 1024 * 1024,
    maxBacklogBytes: 1024 * 1024,
    logger: createLogger("test", (line) => lines.push(line)),
  };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function publish(store: ChannelStore, channel: string, data: string, eventId?: string) {
  return new Promise<PublishOutcome>((resolve, reject) =>
    store.publish(
      channel,
      eventId,
      Buffer.from(data).toString("base64"),
      undefined,
      (error, outcome) => (error ? reject(error) : resolve(outcome!)),
    ),
  );
}

describe("ChannelStore", () => {
  it("numbers events per channel and commits a tick's publishes together", async () => {
    const store = await ChannelStore.open(options);
    const seen: number[] = [];
    store.channel("a").listeners.add({
      onDurable: (firstSeq, records) => seen.push(...records.map((_, i) => firstSeq + i)),
    });
    const outcomes = await Promise.all([
      publish(store, "a", "1"),
      publish(store, "b", "1"),
      publish(store, "a", "2"),
    ]);
    expect(outcomes.map((o) => o.seq)).toEqual([1, 1, 2]);
    expect(seen).toEqual([1, 2]);
    expect(store.totalIn).toBe(3);
    await store.close();
  });

  it("stores a repeated eventId once, also while the first is still being written", async () => {
    const store = await ChannelStore.open(options);
    const [first, racing] = await Promise.all([
      publish(store, "a", "x", "id-1"),
      publish(store, "a", "x", "id-1"),
    ]);
    expect(first).toEqual({ seq: 1, eventId: "id-1", duplicate: false });
    expect(racing).toEqual({ seq: 1, eventId: "id-1", duplicate: true });
    expect(await publish(store, "a", "x", "id-1")).toMatchObject({ seq: 1, duplicate: true });
    expect(store.get("a")!.durableSeq).toBe(1);
    await store.close();
  });

  it("rebuilds the bounded de-duplication window from the log on open", async () => {
    const store = await ChannelStore.open(options);
    for (const id of ["e1", "e2", "e3", "e4"]) await publish(store, "orders/eu", id, id);
    await store.close();

    const reopened = await ChannelStore.open(options);
    expect(reopened.get("orders/eu")!.durableSeq).toBe(4);
    // The window holds 3 ids: e2..e4 are known, e1 has been forgotten.
    expect(await publish(reopened, "orders/eu", "e4", "e4")).toMatchObject({
      seq: 4,
      duplicate: true,
    });
    expect(await publish(reopened, "orders/eu", "e1", "e1")).toMatchObject({
      seq: 5,
      duplicate: false,
    });
    await reopened.close();
  });
});
