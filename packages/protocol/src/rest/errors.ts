import { z } from "zod";

/**
 * Machine-readable error codes of the REST API. The HTTP status says the class of failure; the
 * code says which one, so scripts can branch without parsing messages.
 */
export const ApiErrorCodeSchema = z.enum([
  "invalid_input",
  "unsupported_media_type",
  "unauthenticated",
  "forbidden",
  "csrf_failed",
  "not_found",
  "conflict",
  "payload_too_large",
  "rate_limited",
  "internal",
  "unavailable",
  // Keystores and PKI (422 unless noted): what is wrong with an uploaded file or certificate.
  "keystore_password",
  "not_a_keystore",
  "truncated_keystore",
  "malformed_keystore",
  "invalid_certificate",
  "unsupported_algorithm",
  "key_mismatch",
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

/** One problem found in a request: where (path into body, query or params) and what is wrong. */
export const InputIssueSchema = z.object({
  /** "body", "query" or "params" followed by the path inside it, e.g. ["body", "role"]. */
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
  code: z.string(),
});
export type InputIssue = z.infer<typeof InputIssueSchema>;

/** Body of every non-2xx answer. Never carries a stack trace or a secret. */
export const ApiErrorResponseSchema = z.object({
  error: z.object({
    code: ApiErrorCodeSchema,
    /** Tells the operator what went wrong and what to do next. */
    message: z.string(),
    details: z
      .object({
        issues: z.array(InputIssueSchema).optional(),
        retryAfterSeconds: z.number().int().optional(),
        requestId: z.string().optional(),
      })
      .optional(),
  }),
});
export type ApiErrorResponse = z.infer<typeof ApiErrorResponseSchema>;
