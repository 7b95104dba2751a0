import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelLog } from "./channel-log.js";
import { encodeRecord, recordBody } from "./log-record.js";

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "channel-log-"));
  file = path.join(dir, "orders.log");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const records = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => encodeRecord(JSON.stringify({ seq: from + i })));

describe("ChannelLog", () => {
  it("appends records and reads them back from any sequence number", async () => {
    const { log } = await ChannelLog.open(file, 1024);
    await log.append(records(1, 3), true);
    await log.append(records(4, 2), false);
    expect(log.count).toBe(5);
    const read = await log.readRecords(3, 5, 1024);
    expect(read.map((r) => JSON.parse(recordBody(r).toString()).seq)).toEqual([3, 4, 5]);
    // A small read budget still returns at least one whole record.
    expect(await log.readRecords(2, 5, 1)).toHaveLength(1);
    expect(await log.readRecords(6, 5, 1024)).toEqual([]);
    await log.close();
    const reopened = await ChannelLog.open(file, 1024);
    expect(reopened.log.count).toBe(5);
    expect(reopened.recovery.truncatedBytes).toBe(0);
    await reopened.log.close();
  });

  it("truncates a torn tail: a record cut short by a crash", async () => {
    const { log } = await ChannelLog.open(file, 1024);
    await log.append(records(1, 4), true);
    const intact = log.size;
    await log.close();
    const next = encodeRecord(JSON.stringify({ seq: 5 }));
    await appendFile(file, next.subarray(0, next.length - 3));
    const { log: reopened, recovery } = await ChannelLog.open(file, 1024);
    expect(reopened.count).toBe(4);
    expect(recovery.truncatedBytes).toBe(next.length - 3);
    expect((await stat(file)).size).toBe(intact);
    // Appends continue right after the last intact record.
    await reopened.append(records(5, 1), true);
    const read = await reopened.readRecords(1, 5, 4096);
    expect(read.map((r) => JSON.parse(recordBody(r).toString()).seq)).toEqual([1, 2, 3, 4, 5]);
    await reopened.close();
  });

  it("truncates at a record whose CRC does not match", async () => {
    const { log } = await ChannelLog.open(file, 1024);
    await log.append(records(1, 3), true);
    await log.close();
    const bytes = await readFile(file);
    bytes[bytes.length - 2]! ^= 0xff; // flip a byte in the last record's body
    await writeFile(file, bytes);
    const { log: reopened, recovery } = await ChannelLog.open(file, 1024);
    expect(reopened.count).toBe(2);
    expect(recovery.truncatedBytes).toBeGreaterThan(0);
    await reopened.close();
  });

  it("treats an impossible length as the end of the log", async () => {
    const { log } = await ChannelLog.open(file, 1024);
    await log.append(records(1, 2), true);
    await log.close();
    await appendFile(file, Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    const { log: reopened } = await ChannelLog.open(file, 1024);
    expect(reopened.count).toBe(2);
    await reopened.close();
  });
});
