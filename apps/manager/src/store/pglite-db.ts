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

class PgliteDb implements Db {
  readonly dialect = "pglite" as const;

  constructor(private readonly pglite: PGlite) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.pglite.query<T>(sql, params as unknown[]);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.pglite.exec(sql);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.pglite.transaction((tx) => fn(new PgliteTransactionDb(tx)));
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
