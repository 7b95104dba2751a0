/**
 * The one interface every repository talks to. Both implementations speak the same
 * PostgreSQL dialect: PGlite (embedded, the default) and a real PostgreSQL server via `pg`.
 *
 * Conventions the implementations guarantee, so repositories never branch on the dialect:
 * `int8` comes back as a JS number, `timestamptz` as a Date, `json`/`jsonb` parsed. Pass JSON
 * parameters as strings (`JSON.stringify`) with an explicit `::jsonb` cast.
 */
export interface Db {
  readonly dialect: "pglite" | "postgres";
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when it
   * throws. Inside `fn` use only `tx`: on PGlite the outer handle waits for the transaction to
   * end. A nested call runs in the enclosing transaction.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Closes connections; the handle is unusable afterwards. */
  close(): Promise<void>;
  /**
   * Counts the statements that may have changed data, when every writer goes through this
   * handle (embedded PGlite: one process per store). While it stays the same, a read gives
   * the same rows, so {@link ReadCache} may reuse them. Undefined where other processes write
   * too (PostgreSQL server, replicas) and inside transactions: nothing is reused there.
   */
  readonly writeGeneration?: number;
}

/** Where the store lives: an embedded PGlite directory, or a PostgreSQL server's URL. */
export type DbLocation =
  | { kind: "pglite"; dataDir: string | undefined }
  | { kind: "postgres"; url: string };

/** Opens the store at `location`; the implementations load lazily so one never costs the other. */
export async function openDb(location: DbLocation): Promise<Db> {
  if (location.kind === "postgres") {
    const { openPostgresDb } = await import("./postgres-db.js");
    return openPostgresDb(location.url);
  }
  const { openPgliteDb } = await import("./pglite-db.js");
  return openPgliteDb(location.dataDir);
}
