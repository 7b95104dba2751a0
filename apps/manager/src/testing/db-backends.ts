import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Db } from "../store/db.js";
import { openPgliteDb } from "../store/pglite-db.js";
import { openPostgresDb } from "../store/postgres-db.js";
import { startTestPostgres, type TestPostgres } from "../store/test-postgres.js";
import { freshPgliteDir } from "./pglite-template.js";

/** Names of the store implementations every store test runs against. */
export const DB_BACKENDS = ["pglite", "postgres"] as const;
export type DbBackendName = (typeof DB_BACKENDS)[number];

/** Hands out empty stores of one kind; `stop` removes all of them. */
export interface DbBackend {
  name: DbBackendName;
  /** An empty store and where it is, so `reopen` can open a second handle to it. */
  fresh(): Promise<{ db: Db; location: string }>;
  /** Another handle on the same store (a restart, or a second replica on PostgreSQL). */
  reopen(location: string): Promise<Db>;
  stop(): Promise<void>;
}

/** Starts a backend: PGlite from the template, or a throwaway PostgreSQL cluster. */
export async function startDbBackend(name: DbBackendName): Promise<DbBackend> {
  const opened: Db[] = [];
  const track = (db: Db) => {
    opened.push(db);
    return db;
  };
  const closeAll = async () => {
    await Promise.all(opened.map((db) => db.close().catch(() => {})));
  };
  if (name === "pglite") {
    const dirs: string[] = [];
    return {
      name,
      async fresh() {
        const dir = await freshPgliteDir();
        dirs.push(dir);
        return { db: track(await openPgliteDb(dir)), location: dir };
      },
      reopen: async (dir) => track(await openPgliteDb(dir)),
      async stop() {
        await closeAll();
        await Promise.all(dirs.map((dir) => rm(dirname(dir), { recursive: true, force: true })));
      },
    };
  }
  const server: TestPostgres = await startTestPostgres();
  return {
    name,
    async fresh() {
      const url = await server.createDatabase();
      return { db: track(await openPostgresDb(url)), location: url };
    },
    reopen: async (url) => track(await openPostgresDb(url)),
    async stop() {
      await closeAll();
      await server.stop();
    },
  };
}
