import { z } from "zod";

/** An API token as listed: never the token itself, only its first characters. */
export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("The token's first characters, to recognise it"),
  userId: z.string(),
  username: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

export const ApiTokenListSchema = z.object({ items: z.array(ApiTokenSchema) });
export type ApiTokenList = z.infer<typeof ApiTokenListSchema>;

export const CreateApiTokenRequestSchema = z.strictObject({
  name: z.string().trim().min(1, "Name is required").max(100),
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe("Days until the token stops working; no expiry when absent"),
});
export type CreateApiTokenRequest = z.input<typeof CreateApiTokenRequestSchema>;

/** Answer to creating a token: the only time `token` is ever shown. */
export const CreatedApiTokenSchema = ApiTokenSchema.extend({
  token: z
    .string()
    .describe("Send as `Authorization: Bearer <token>`. Shown once; only a hash is kept"),
});
export type CreatedApiToken = z.infer<typeof CreatedApiTokenSchema>;

export const ApiTokenIdParamsSchema = z.object({ id: z.string().min(1) });
