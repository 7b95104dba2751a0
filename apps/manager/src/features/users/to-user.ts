import type { User } from "@conclave/protocol";
import type { AuthUser } from "../../http/auth.js";

/** The API view of a user: never the password hash. */
export function toUser(user: AuthUser): User {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
