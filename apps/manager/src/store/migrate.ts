import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { AdvisoryLock, advisoryXactLockSql } from "./advisory-locks.js";
import type { Db } from "./db.js";

/** One versioned schema change, read from `migrations/NNNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/**
 * The SQL files live in src/store/migrations. Resolved from the package root so the same path
 * works from src/store (tests, tsx) and dist/store (compiled): both sit two levels below it.
 */
export const MIGRATIONS_DIR = fileURLToPath(
  new URL("../../src/store/migrations/", import.meta.url),
);

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads and orders the migration files; rejects gaps and duplicate versions. */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".sql")).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new Error(`Migration file ${file} is not named NNNN_name.sql`);
    const sql = await readFile(`${dir}/${file}`, "utf8");
    const version = Number(match[1]);
    if (version !== migrations.length + 1) {
      throw new Error(`Migration ${file} should have version ${migrations.length + 1}`);
    }
    migrations.push({
      version,
      name: match[2]!,
      sql,
      checksum: createHash("sha256").update(sql).digest("hex"),
    });
  }
  return migrations;
}

/** What `migrate` did. */
export interface MigrateResult {
  applied: number[];
  current: number;
}

/**
 * Brings the schema up to date in one transaction: all pending migrations apply, or none.
 * A transaction-scoped advisory lock (`pg_advisory_xact_lock`) makes replicas that start at the
 * same moment take turns; the later ones then find nothing to do. The transaction-scoped form
 * is released by COMMIT/ROLLBACK, so a pooled connection can never keep it by accident.
 * An applied migration whose file has changed since is an error: edit the schema with a new
 * migration, never by rewriting an old one.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<MigrateResult> {
  const all = migrations ?? (await loadMigrations());
  return db.transaction(async (tx) => {
    await tx.query(advisoryXactLockSql(AdvisoryLock.migrations));
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
    );
    const done = new Map(rows.map((row) => [row.version, row]));
    for (const migration of all) {
      const row = done.get(migration.version);
      if (row && row.checksum !== migration.checksum) {
        throw new Error(
          `Migration ${migration.version}_${migration.name} was changed after it was applied; ` +
            "restore the original file and put the change in a new migration",
        );
      }
    }
    const applied: number[] = [];
    for (const migration of all) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query(
        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
        [migration.version, migration.name, migration.checksum],
      );
      applied.push(migration.version);
    }
    const current = Math.max(0, ...all.map((m) => m.version), ...rows.map((r) => r.version));
    return { applied, current };
  });
}
