import {
  type CreateUserRequest,
  CreateUserRequestSchema,
  ResetPasswordRequestSchema,
  type Role,
} from "@conclave/protocol";

export interface NewUserValues {
  username: string;
  password: string;
  role: Role;
}

export const EMPTY_NEW_USER: NewUserValues = { username: "", password: "", role: "viewer" };

export type NewUserErrors = Partial<Record<keyof NewUserValues, string>>;

/** First message per field from a zod error, keyed by the field's name. */
function firstMessages<K extends string>(
  issues: { path: PropertyKey[]; message: string }[],
  fields: readonly K[],
): Partial<Record<K, string>> {
  const errors: Partial<Record<K, string>> = {};
  for (const issue of issues) {
    const field = issue.path[0];
    if (typeof field === "string" && (fields as readonly string[]).includes(field)) {
      errors[field as K] ??= issue.message;
    }
  }
  return errors;
}

/**
 * Checks a new user with the shared CreateUserRequestSchema, so the form says exactly what the
 * manager would refuse; answers the REST body (username trimmed, lower case) or the messages.
 */
export function validateNewUser(
  values: NewUserValues,
): { body: CreateUserRequest; errors?: undefined } | { body?: undefined; errors: NewUserErrors } {
  const parsed = CreateUserRequestSchema.safeParse(values);
  if (parsed.success) return { body: parsed.data };
  return { errors: firstMessages(parsed.error.issues, ["username", "password", "role"] as const) };
}

/** Checks a new password with the shared ResetPasswordRequestSchema; the message or undefined. */
export function validateNewPassword(password: string): string | undefined {
  const parsed = ResetPasswordRequestSchema.safeParse({ password });
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}
