import { z } from "zod";

/** admin: everything · operator: changes realms and clusters, not users · viewer: reads only. */
export const RoleSchema = z.enum(["admin", "operator", "viewer"]);
export type Role = z.infer<typeof RoleSchema>;

/** Usernames are case-insensitive: stored and compared in lower case. */
export const UsernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "Username is required")
  .max(64, "Username is at most 64 characters")
  .regex(
    /^[a-z0-9][a-z0-9._@-]*$/,
    "Username may contain letters, digits, '.', '_', '@' and '-', and starts with a letter or digit",
  );

/** Password policy for new passwords (length only, as NIST SP 800-63B recommends). */
export const PasswordSchema = z
  .string()
  .min(12, "Password must have at least 12 characters")
  .max(1024, "Password is at most 1024 characters");

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: RoleSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type User = z.infer<typeof UserSchema>;

export const UserListSchema = z.object({ items: z.array(UserSchema) });
export type UserList = z.infer<typeof UserListSchema>;

export const CreateUserRequestSchema = z.strictObject({
  username: UsernameSchema,
  password: PasswordSchema,
  role: RoleSchema,
});
export type CreateUserRequest = z.input<typeof CreateUserRequestSchema>;

export const UpdateUserRequestSchema = z.strictObject({ role: RoleSchema });
export type UpdateUserRequest = z.input<typeof UpdateUserRequestSchema>;

export const ResetPasswordRequestSchema = z.strictObject({ password: PasswordSchema });
export type ResetPasswordRequest = z.input<typeof ResetPasswordRequestSchema>;

export const UserIdParamsSchema = z.object({ id: z.string().min(1) });
