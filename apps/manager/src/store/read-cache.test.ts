import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "./db.js";
import { openPgliteDb } from "./pglite-db.js";
import { ReadCache } from "./read-cache.js";

describe("ReadCache on PGlite", () => {
  let db: Db;
  let reads = 0;
  const readAll = async (d: Db) => {
    reads++;
    return (await d.query<{ v: string }>("SELECT v FROM probe ORDER BY v")).map((r) => r.v);
  };

  beforeAll(async () => {
    db = await openPgliteDb(undefined);
    await db.exec("CREATE TABLE probe (v text)");
  });
  afterAll(async () => {
    await db.close();
  });

  it("reuses a read until the store changes, and shares one read in flight", async () => {
    const cache = new ReadCache(db, readAll);
    reads = 0;
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(a).toEqual([]);
    expect(b).toBe(a);
    expect(await cache.get()).toBe(a);
    expect(reads).toBe(1);

    // A plain read and an UPDATE that matches nothing change nothing.
    await db.query("SELECT 1");
    await db.query("UPDATE probe SET v = 'y' WHERE v = 'none'");
    expect(await cache.get()).toBe(a);
    expect(reads).toBe(1);

    await db.query("INSERT INTO probe VALUES ('x')");
    expect(await cache.get()).toEqual(["x"]);
    await db.transaction(async (tx) => {
      await tx.query("UPDATE probe SET v = 'z'");
    });
    expect(await cache.get()).toEqual(["z"]);
    expect(reads).toBe(3);
  });

  it("never reuses a read a write may have overtaken", async () => {
    const cache = new ReadCache(db, readAll);
    const before = cache.get();
    const write = db.query("INSERT INTO probe VALUES ('w')");
    await Promise.all([before, write]);
    expect(await cache.get()).toContain("w");
  });

  it("reads every time where other processes may write (no write generation)", async () => {
    const shared: Db = {
      dialect: "postgres",
      query: (sql, params) => db.query(sql, params),
      exec: (sql) => db.exec(sql),
      transaction: (fn) => db.transaction(fn),
      close: async () => {},
    };
    const cache = new ReadCache(shared, readAll);
    reads = 0;
    await cache.get();
    await cache.get();
    expect(reads).toBe(2);
  });
});
