import { mkdir } from "node:fs/promises";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import type { Db } from "./db.js";

/** PostgreSQL type OID of int8. */
const INT8 = 20;

/**
 * Opens (creating on first use) an embedded PGlite store in `dataDir`, or in memory when
 * `dataDir` is undefined. PGlite is single-connection: it serialises queries, and a transaction
 * holds the connection until it ends.
 */
export async function openPgliteDb(dataDir: string | undefined): Promise<Db> {
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir, { parsers: { [INT8]: (value: string) => Number(value) } });
  await pglite.waitReady;
  return new PgliteDb(pglite);
}

/** True unless `sql` is a plain read (conservative: anything but SELECT counts as a write). */
function mayWrite(sql: string): boolean {
  return !/^\s*SELECT\b/i.test(sql);
}

/** A plain UPDATE or DELETE, whose affected-row count tells whether it changed anything. */
function isUpdateOrDelete(sql: string): boolean {
  return /^\s*(UPDATE|DELETE)\b/i.test(sql);
}

class PgliteDb implements Db {
  readonly dialect = "pglite" as const;
  private writes = 0;

  constructor(private readonly pglite: PGlite) {}

  /**
   * This process is the store's only writer, so counting its writes tells when rows change.
   * A write counts once it has been applied (a read cached under the old count is stale from
   * then on); an UPDATE or DELETE that matched no row (the once-a-second agent watchdog,
   * usually) changes nothing and does not count.
   */
  get writeGeneration(): number {
    return this.writes;
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    if (!mayWrite(sql)) return (await this.pglite.query<T>(sql, params as unknown[])).rows;
    let changed = true;
    try {
      const result = await this.pglite.query<T>(sql, params as unknown[]);
      changed = !isUpdateOrDelete(sql) || result.affectedRows !== 0;
      return result.rows;
    } finally {
      if (changed) this.writes++;
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.pglite.exec(sql);
    } finally {
      this.writes++;
    }
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    try {
      return await this.pglite.transaction((tx) => fn(new PgliteTransactionDb(tx)));
    } finally {
      this.writes++;
    }
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

class PgliteTransactionDb implements Db {
  readonly dialect = "pglite" as const;

  constructor(private readonly tx: Transaction) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.tx.query<T>(sql, params as unknown[]);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.tx.exec(sql);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    throw new Error("close() the store, not a transaction");
  }
}
