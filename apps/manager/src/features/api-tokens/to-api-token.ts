import type { ApiToken } from "@conclave/protocol";
import type { ApiTokenRecord } from "../../store/api-tokens.repo.js";

/** The API view of a token: its prefix, never the token. */
export function toApiToken(record: ApiTokenRecord): ApiToken {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    userId: record.userId,
    username: record.username,
    createdAt: record.createdAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    expiresAt: record.expiresAt?.toISOString() ?? null,
  };
}
