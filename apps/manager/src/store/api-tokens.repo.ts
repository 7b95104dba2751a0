import { randomUUID } from "node:crypto";
import { randomToken, sha256Hex } from "../auth/random-token.js";
import type { Db } from "./db.js";
import type { UserRecord } from "./users.repo.js";

/** Every token starts with this, so a leaked one is easy to recognise (and to scan for). */
export const API_TOKEN_PREFIX = "cnclv_";

/** An API token as stored, with its owner's name. Never the token or its hash. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  username: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

const COLUMNS = `t.id, t.name, t.prefix, t.user_id AS "userId", u.username,
  t.created_at AS "createdAt", t.last_used_at AS "lastUsedAt", t.expires_at AS "expiresAt"`;

/** API tokens table. Only SHA-256 hashes of tokens are stored. */
export class ApiTokensRepo {
  constructor(private readonly db: Db) {}

  /** Creates a token for a user; the returned `token` is the only copy there will ever be. */
  async create(input: {
    userId: string;
    name: string;
    expiresInDays?: number | undefined;
  }): Promise<{ record: ApiTokenRecord; token: string }> {
    const token = `${API_TOKEN_PREFIX}${randomToken()}`;
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, expires_at)
       VALUES ($1, $2, $3, $4, $5,
               CASE WHEN $6::int IS NULL THEN NULL ELSE now() + $6::int * interval '1 day' END)`,
      [
        id,
        input.userId,
        input.name,
        sha256Hex(token),
        token.slice(0, API_TOKEN_PREFIX.length + 6),
        input.expiresInDays ?? null,
      ],
    );
    const record = await this.findById(id);
    return { record: record!, token };
  }

  async findById(id: string): Promise<ApiTokenRecord | null> {
    const rows = await this.db.query<ApiTokenRecord>(
      `SELECT ${COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Tokens of one user, or of everyone when `userId` is undefined; newest first. */
  list(userId?: string): Promise<ApiTokenRecord[]> {
    return userId === undefined
      ? this.db.query<ApiTokenRecord>(
          `SELECT ${COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
            ORDER BY t.created_at DESC, t.id`,
        )
      : this.db.query<ApiTokenRecord>(
          `SELECT ${COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.id`,
          [userId],
        );
  }

  /** The token's record and owner, if the token exists and has not expired. */
  async findValid(token: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    const rows = await this.db.query<
      ApiTokenRecord & {
        role: UserRecord["role"];
        passwordHash: string;
        userCreatedAt: Date;
        userUpdatedAt: Date;
      }
    >(
      `SELECT ${COLUMNS}, u.role, u.password_hash AS "passwordHash",
              u.created_at AS "userCreatedAt", u.updated_at AS "userUpdatedAt"
         FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [sha256Hex(token)],
    );
    const row = rows[0];
    if (!row) return null;
    const { role, passwordHash, userCreatedAt, userUpdatedAt, ...record } = row;
    return {
      token: record,
      user: {
        id: record.userId,
        username: record.username,
        role,
        passwordHash,
        createdAt: userCreatedAt,
        updatedAt: userUpdatedAt,
      },
    };
  }

  /** Records use; at most one write a minute per token. */
  async touch(id: string): Promise<void> {
    await this.db.query(
      `UPDATE api_tokens SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`,
      [id],
    );
  }

  /** Revokes (deletes) a token. */
  async delete(id: string): Promise<boolean> {
    const rows = await this.db.query("DELETE FROM api_tokens WHERE id = $1 RETURNING id", [id]);
    return rows.length > 0;
  }
}
