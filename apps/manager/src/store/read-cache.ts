import type { Db } from "./db.js";

/**
 * Reuses the result of a read while the store has not been written since it started
 * ({@link Db.writeGeneration}), and lets concurrent callers share one read in flight. Where
 * the handle has no write generation (PostgreSQL server, transactions) every `get` reads.
 * Callers must treat the value as read-only: it is shared.
 */
export class ReadCache<T> {
  private cached: { generation: number; value: Promise<T> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly load: (db: Db) => Promise<T>,
  ) {}

  get(): Promise<T> {
    const generation = this.db.writeGeneration;
    if (generation === undefined) return this.load(this.db);
    if (this.cached?.generation === generation) return this.cached.value;
    const value = this.load(this.db);
    const entry = { generation, value };
    this.cached = entry;
    // A failed read is never reused.
    value.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return value;
  }
}

const perDb = new WeakMap<Db, Map<(db: Db) => Promise<unknown>, ReadCache<unknown>>>();

/** `load(db)`, reused while `db` is unchanged; one cache per (db, load) pair. */
export function cachedRead<T>(db: Db, load: (db: Db) => Promise<T>): Promise<T> {
  let caches = perDb.get(db);
  if (!caches) {
    caches = new Map();
    perDb.set(db, caches);
  }
  let cache = caches.get(load) as ReadCache<T> | undefined;
  if (!cache) {
    cache = new ReadCache(db, load);
    caches.set(load, cache as ReadCache<unknown>);
  }
  return cache.get();
}
