import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_BACKENDS, type DbBackend, startDbBackend } from "../testing/db-backends.js";
import { ApiTokensRepo } from "./api-tokens.repo.js";
import { AuditRepo } from "./audit.repo.js";
import type { Db } from "./db.js";
import { LoginThrottleRepo } from "./login-throttle.repo.js";
import { checkMasterKey } from "./master-key-check.js";
import { loadMigrations, migrate } from "./migrate.js";
import { SecretBox } from "./secrets.js";
import { SessionsRepo } from "./sessions.repo.js";
import { UsersRepo } from "./users.repo.js";

// One suite, two implementations: whatever passes on PGlite must pass on PostgreSQL.
describe.each(DB_BACKENDS)("store on %s", (backendName) => {
  let backend: DbBackend;
  let db: Db;
  let location: string;

  beforeAll(async () => {
    backend = await startDbBackend(backendName);
    ({ db, location } = await backend.fresh());
    await migrate(db);
  });
  afterAll(async () => {
    await backend?.stop();
  });

  describe("db", () => {
    it("returns int8 as number, timestamptz as Date, jsonb parsed", async () => {
      const [row] = await db.query<{ n: number; at: Date; j: unknown }>(
        "SELECT 42::int8 AS n, now() AS at, $1::jsonb AS j",
        [JSON.stringify({ a: [1, "x"] })],
      );
      expect(row).toEqual({ n: 42, at: expect.any(Date), j: { a: [1, "x"] } });
    });

    it("commits a transaction and rolls back a failed one", async () => {
      await db.exec("CREATE TABLE tx_probe (v text)");
      await db.transaction(async (tx) => {
        await tx.query("INSERT INTO tx_probe VALUES ('kept')");
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO tx_probe VALUES ('lost')");
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await db.query("SELECT v FROM tx_probe")).toEqual([{ v: "kept" }]);
    });
  });

  describe("migrations", () => {
    it("are recorded and idempotent", async () => {
      const again = await migrate(db);
      expect(again.applied).toEqual([]);
      const rows = await db.query<{ version: number }>("SELECT version FROM schema_migrations");
      expect(rows.map((r) => r.version)).toEqual((await loadMigrations()).map((m) => m.version));
    });

    it("refuse a migration file edited after it was applied", async () => {
      const migrations = await loadMigrations();
      const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: "changed" } : m));
      await expect(migrate(db, edited)).rejects.toThrow(/was changed after it was applied/);
    });

    it("apply once when several replicas start at the same moment", async () => {
      const fresh = await backend.fresh();
      // On PostgreSQL these are separate connection pools racing for the advisory lock; PGlite
      // has one connection, so they queue.
      const handles =
        backendName === "postgres"
          ? [fresh.db, await backend.reopen(fresh.location), await backend.reopen(fresh.location)]
          : [fresh.db, fresh.db, fresh.db];
      const results = await Promise.all(handles.map((h) => migrate(h)));
      const applied = results.flatMap((r) => r.applied);
      expect(applied).toEqual((await loadMigrations()).map((m) => m.version));
    });

    it("survive a restart of the store", async () => {
      if (backendName === "pglite") {
        // One PGlite per directory at a time: close before reopening.
        await db.close();
        db = await backend.reopen(location);
      } else {
        db = await backend.reopen(location);
      }
      expect((await migrate(db)).applied).toEqual([]);
    });
  });

  describe("users", () => {
    it("creates, finds, changes and deletes users; usernames are unique", async () => {
      const users = new UsersRepo(db);
      const alice = await users.create({ username: "alice", passwordHash: "h", role: "operator" });
      expect(alice).toMatchObject({
        username: "alice",
        role: "operator",
        createdAt: expect.any(Date),
      });
      expect(
        await users.create({ username: "alice", passwordHash: "h2", role: "viewer" }),
      ).toBeNull();
      expect((await users.findByUsername("alice"))?.id).toBe(alice!.id);
      expect((await users.updateRole(alice!.id, "viewer"))?.role).toBe("viewer");
      expect(await users.delete(alice!.id)).toBe(true);
      expect(await users.findById(alice!.id)).toBeNull();
    });

    it("deleting a user ends their sessions and tokens", async () => {
      const users = new UsersRepo(db);
      const bob = (await users.create({ username: "bob", passwordHash: "h", role: "admin" }))!;
      const session = await new SessionsRepo(db).create({
        userId: bob.id,
        ttlSeconds: 600,
        ip: null,
      });
      const { token } = await new ApiTokensRepo(db).create({ userId: bob.id, name: "ci" });
      await users.delete(bob.id);
      expect(await new SessionsRepo(db).findValid(session.sessionId, 600)).toBeNull();
      expect(await new ApiTokensRepo(db).findValid(token)).toBeNull();
    });
  });

  describe("sessions", () => {
    it("stores only a hash of the session id and honours expiry and idle time", async () => {
      const user = (await new UsersRepo(db).create({
        username: "carol",
        passwordHash: "h",
        role: "viewer",
      }))!;
      const sessions = new SessionsRepo(db);
      const live = await sessions.create({ userId: user.id, ttlSeconds: 600, ip: "127.0.0.1" });
      const found = await sessions.findValid(live.sessionId, 600);
      expect(found?.user.username).toBe("carol");
      expect(found?.csrfToken).toBe(live.csrfToken);
      const stored = await db.query<{ id_hash: string }>("SELECT id_hash FROM sessions");
      expect(stored.map((r) => r.id_hash)).not.toContain(live.sessionId);

      const expired = await sessions.create({ userId: user.id, ttlSeconds: -1, ip: null });
      expect(await sessions.findValid(expired.sessionId, 600)).toBeNull();
      await db.query("UPDATE sessions SET last_seen_at = now() - interval '2 hours'");
      expect(await sessions.findValid(live.sessionId, 3600)).toBeNull();
      expect(await sessions.prune(3600)).toBeGreaterThanOrEqual(2);
    });
  });

  describe("api tokens", () => {
    it("finds a token by value, never stores it, and ignores expired ones", async () => {
      const user = (await new UsersRepo(db).create({
        username: "dave",
        passwordHash: "h",
        role: "operator",
      }))!;
      const tokens = new ApiTokensRepo(db);
      const { record, token } = await tokens.create({
        userId: user.id,
        name: "backup",
        expiresInDays: 30,
      });
      expect(token).toMatch(/^cnclv_/);
      expect(record).toMatchObject({
        name: "backup",
        username: "dave",
        expiresAt: expect.any(Date),
      });
      expect((await tokens.findValid(token))?.user.username).toBe("dave");
      expect(await tokens.findValid(`${token}x`)).toBeNull();
      const raw = await db.query("SELECT * FROM api_tokens");
      expect(JSON.stringify(raw)).not.toContain(token);
      await db.query(
        "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1",
        [record.id],
      );
      expect(await tokens.findValid(token)).toBeNull();
      expect((await tokens.list(user.id)).map((t) => t.id)).toEqual([record.id]);
      expect(await tokens.delete(record.id)).toBe(true);
    });
  });

  describe("audit", () => {
    it("redacts secrets and filters, pages newest first", async () => {
      const audit = new AuditRepo(db);
      const actor = { userId: "u1", username: "erin" };
      await audit.record({
        actor,
        action: "user.create",
        target: "user:x",
        after: { password: "hunter2hunter2" },
      });
      await audit.record({ actor, action: "user.delete", target: "user:x" });
      await audit.record({
        actor: null,
        action: "keystore.upload",
        target: "keystore:1",
        after: { privateKey: "k" },
      });
      const all = await audit.list({ limit: 10 });
      expect(all.items.map((e) => e.action)).toEqual([
        "keystore.upload",
        "user.delete",
        "user.create",
      ]);
      expect(JSON.stringify(all)).not.toMatch(/hunter2/);
      expect(all.items[0]).toMatchObject({
        username: "system",
        after: { privateKey: "[REDACTED]" },
      });
      expect((await audit.list({ limit: 10, action: "user.*" })).items).toHaveLength(2);
      expect(
        (await audit.list({ limit: 10, user: "erin", action: "user.delete" })).items,
      ).toHaveLength(1);
      expect(
        (await audit.list({ limit: 10, since: new Date(Date.now() + 60_000) })).items,
      ).toHaveLength(0);
      const first = await audit.list({ limit: 2 });
      expect(first.items).toHaveLength(2);
      const second = await audit.list({ limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((e) => e.action)).toEqual(["user.create"]);
      expect(second.nextCursor).toBeNull();
    });
  });

  describe("login throttle", () => {
    it("locks a username+address pair after the limit and forgets on success", async () => {
      const throttle = new LoginThrottleRepo(db);
      const policy = { maxFailures: 2, windowSeconds: 60, lockoutSeconds: 30 };
      expect(await throttle.recordFailure("frank", "10.0.0.1", policy)).toEqual({
        failures: 1,
        locked: false,
      });
      expect(await throttle.lockedForSeconds("frank", "10.0.0.1")).toBe(0);
      expect(await throttle.recordFailure("frank", "10.0.0.1", policy)).toEqual({
        failures: 2,
        locked: true,
      });
      expect(await throttle.lockedForSeconds("frank", "10.0.0.1")).toBeGreaterThan(25);
      expect(await throttle.lockedForSeconds("frank", "10.0.0.2")).toBe(0);
      await throttle.clear("frank", "10.0.0.1");
      expect(await throttle.lockedForSeconds("frank", "10.0.0.1")).toBe(0);
    });
  });

  describe("master key check", () => {
    it("accepts the key that sealed the store and refuses another", async () => {
      const key = Buffer.alloc(32, 1);
      await checkMasterKey(db, new SecretBox(key));
      await checkMasterKey(db, new SecretBox(key));
      await expect(checkMasterKey(db, new SecretBox(Buffer.alloc(32, 2)))).rejects.toThrow(
        /does not match/,
      );
    });
  });
});
