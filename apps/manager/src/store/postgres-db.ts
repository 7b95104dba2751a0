import pg from "pg";
import type { Db } from "./db.js";

/** PostgreSQL type OID of int8. */
const INT8 = 20;

/** Parsers for this pool only: changing pg's global parsers would surprise other pg users. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8 && format !== "binary"
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/**
 * Connects to a PostgreSQL server. Several manager replicas may share one database; they
 * coordinate through transactions and advisory locks, never through process memory.
 */
export async function openPostgresDb(url: string, options: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  // An idle connection that the server drops emits 'error' on the pool; without a listener
  // that would crash the process. The next query opens a fresh connection.
  pool.on("error", () => {});
  // Fail at start, with the server's reason, rather than at the first request.
  const client = await pool.connect();
  client.release();
  return new PostgresDb(pool);
}

class PostgresDb implements Db {
  readonly dialect = "postgres" as const;

  constructor(private readonly pool: pg.Pool) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await fn(new PostgresClientDb(client));
      await client.query("COMMIT");
      client.release();
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
        client.release();
      } catch (rollbackError) {
        // A connection that cannot roll back must not go back to the pool.
        client.release(rollbackError as Error);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

class PostgresClientDb implements Db {
  readonly dialect = "postgres" as const;

  constructor(private readonly client: pg.PoolClient) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.client.query(sql, params as unknown[]);
    return result.rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    throw new Error("close() the store, not a transaction");
  }
}
