import { z } from "zod";
import { UserSchema } from "./users.js";

/**
 * Login. No password policy here: a login only has to match what is stored, and a policy
 * message would tell a guesser something.
 */
export const LoginRequestSchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1, "Username is required").max(256),
  password: z.string().min(1, "Password is required").max(1024),
});
export type LoginRequest = z.input<typeof LoginRequestSchema>;

/** Answer to a login: the session cookie is set; send csrfToken back as `x-csrf-token`. */
export const LoginResponseSchema = z.object({
  user: UserSchema,
  csrfToken: z.string().describe("Send back as x-csrf-token on changes made with the cookie"),
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

/** The caller: csrfToken is null when the request was authenticated with an API token. */
export const SessionInfoSchema = z.object({
  user: UserSchema,
  csrfToken: z.string().nullable().describe("null when authenticated with an API token"),
  authenticatedBy: z.enum(["session", "token"]),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;
