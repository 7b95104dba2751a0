import { randomUUID } from "node:crypto";
import type { Role } from "@conclave/protocol";
import type { Db } from "./db.js";

/** A user as stored. `passwordHash` never leaves the manager. */
export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, username, role, password_hash AS "passwordHash",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Users table. Pass a transaction's `tx` to the constructor to work inside it. */
export class UsersRepo {
  constructor(private readonly db: Db) {}

  list(): Promise<UserRecord[]> {
    return this.db.query<UserRecord>(`SELECT ${COLUMNS} FROM users ORDER BY username`);
  }

  async count(): Promise<number> {
    const rows = await this.db.query<{ n: number }>("SELECT count(*)::int8 AS n FROM users");
    return rows[0]?.n ?? 0;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const rows = await this.db.query<UserRecord>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [
      id,
    ]);
    return rows[0] ?? null;
  }

  /** `username` must already be lower-cased (the protocol schemas do it). */
  async findByUsername(username: string): Promise<UserRecord | null> {
    const rows = await this.db.query<UserRecord>(
      `SELECT ${COLUMNS} FROM users WHERE username = $1`,
      [username],
    );
    return rows[0] ?? null;
  }

  /** Creates a user; null when the username is taken. */
  async create(input: {
    username: string;
    passwordHash: string;
    role: Role;
  }): Promise<UserRecord | null> {
    const rows = await this.db.query<UserRecord>(
      `INSERT INTO users (id, username, password_hash, role) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
      [randomUUID(), input.username, input.passwordHash, input.role],
    );
    return rows[0] ?? null;
  }

  async updateRole(id: string, role: Role): Promise<UserRecord | null> {
    const rows = await this.db.query<UserRecord>(
      `UPDATE users SET role = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, role],
    );
    return rows[0] ?? null;
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<UserRecord | null> {
    const rows = await this.db.query<UserRecord>(
      `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, passwordHash],
    );
    return rows[0] ?? null;
  }

  /** Deletes a user; their sessions and API tokens go with them (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    const rows = await this.db.query("DELETE FROM users WHERE id = $1 RETURNING id", [id]);
    return rows.length > 0;
  }

  /**
   * Ids of all admins, row-locked until the transaction ends: two admins demoting each other
   * at the same moment cannot both succeed and leave no admin.
   */
  async lockAdmins(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      "SELECT id FROM users WHERE role = 'admin' ORDER BY id FOR UPDATE",
    );
    return rows.map((row) => row.id);
  }
}
