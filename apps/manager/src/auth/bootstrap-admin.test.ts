import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditRepo } from "../store/audit.repo.js";
import { migrate } from "../store/migrate.js";
import { UsersRepo } from "../store/users.repo.js";
import { DB_BACKENDS, type DbBackend, startDbBackend } from "../testing/db-backends.js";
import { TEST_CONFIG } from "../testing/test-app.js";
import { bootstrapAdmin } from "./bootstrap-admin.js";
import { PasswordHasher } from "./password-hasher.js";

const hasher = new PasswordHasher(TEST_CONFIG.passwordHashing);

describe.each(DB_BACKENDS)("first admin on %s", (backendName) => {
  let backend: DbBackend;
  beforeAll(async () => {
    backend = await startDbBackend(backendName);
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it("is created once with a generated password, even when replicas start together", async () => {
    const { db, location } = await backend.fresh();
    await migrate(db);
    const handles =
      backendName === "postgres"
        ? [db, await backend.reopen(location), await backend.reopen(location)]
        : [db, db, db];
    const results = await Promise.all(handles.map((h) => bootstrapAdmin(h, hasher, undefined)));
    const created = results.filter((r) => r.created);
    expect(created).toHaveLength(1);
    const password = created[0]!.generatedPassword!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    const admin = await new UsersRepo(db).findByUsername("admin");
    expect(admin?.role).toBe("admin");
    expect(await hasher.verify(admin!.passwordHash, password)).toBe(true);
    const audit = await new AuditRepo(db).list({ limit: 10 });
    expect(audit.items).toEqual([
      expect.objectContaining({ username: "system", action: "user.create", target: "user:admin" }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(password);
    expect(await bootstrapAdmin(db, hasher, undefined)).toEqual({ created: false });
  });

  it("uses CONCLAVE_ADMIN_PASSWORD and refuses one that breaks the policy", async () => {
    const { db } = await backend.fresh();
    await migrate(db);
    await expect(bootstrapAdmin(db, hasher, "short")).rejects.toThrow(/CONCLAVE_ADMIN_PASSWORD/);
    expect(await bootstrapAdmin(db, hasher, "a long enough admin password")).toEqual({
      created: true,
    });
    const admin = await new UsersRepo(db).findByUsername("admin");
    expect(await hasher.verify(admin!.passwordHash, "a long enough admin password")).toBe(true);
  });
});
