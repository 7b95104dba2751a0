import { z } from "zod";
import { InterfaceSchema } from "./config.js";
import { InterfaceNameSchema } from "./names.js";
import { InterfaceStatusSchema, ServedCertificateSchema } from "./status.js";

/**
 * Requests and answers of a realm's local admin endpoint (HTTP over `<data>/admin.sock`).
 * Every non-2xx answer carries an {@link AdminErrorSchema} body. See docs/realm.md.
 */

/** Codes in the `error.code` field of a non-2xx admin answer. */
export const AdminErrorCodeSchema = z.enum([
  /** 400: the body is not JSON. */
  "INVALID_JSON",
  /** 400: the body does not match the schema; the message names the field. */
  "VALIDATION",
  /** 404: no such interface or route. */
  "NOT_FOUND",
  /** 405: the route exists but not with this method. */
  "METHOD_NOT_ALLOWED",
  /** 409: an interface with that name exists, or a rename was attempted. */
  "CONFLICT",
  /** 409: the interface is not an nsps/nhps interface. */
  "NOT_TLS",
  /** 422: key material could not be loaded; the interface keeps what it served before. */
  "TLS_MATERIAL",
  /** 500: the realm could not write realm.json or failed unexpectedly. */
  "INTERNAL",
]);
export type AdminErrorCode = z.infer<typeof AdminErrorCodeSchema>;

/**
 * Body of POST /interfaces and PUT /interfaces/:name: an interface definition. On PUT the name
 * may be left out (it comes from the path); a password equal to `REDACTED` keeps the stored one,
 * so a definition read from GET /config can be edited and sent back.
 */
export const InterfaceRequestSchema = InterfaceSchema;

/** An interface's definition (passwords redacted) with its live status. */
export const InterfaceDetailSchema = z.object({
  interface: InterfaceSchema,
  status: InterfaceStatusSchema,
});
export type InterfaceDetail = z.infer<typeof InterfaceDetailSchema>;

/** GET /interfaces */
export const InterfaceListResponseSchema = z.object({
  interfaces: z.array(InterfaceDetailSchema),
});
export type InterfaceListResponse = z.infer<typeof InterfaceListResponseSchema>;

/**
 * How a change reached a running interface:
 * - `restarted`: listener fields changed; the listener was closed and reopened;
 * - `tls-reloaded`: only Certificates fields changed; new key material serves new handshakes;
 * - `live`: fields that need no listener change (Auth Time, Allow flags, …) took effect at once;
 * - `unchanged`: the definition was identical;
 * - `saved`: the interface is not running; the change applies when it starts.
 */
export const ChangeAppliedSchema = z.enum([
  "restarted",
  "tls-reloaded",
  "live",
  "unchanged",
  "saved",
]);
export type ChangeApplied = z.infer<typeof ChangeAppliedSchema>;

/** PUT /interfaces/:name */
export const InterfaceChangeResponseSchema = z.object({
  interface: InterfaceSchema,
  status: InterfaceStatusSchema,
  applied: ChangeAppliedSchema,
});
export type InterfaceChangeResponse = z.infer<typeof InterfaceChangeResponseSchema>;

/** DELETE /interfaces/:name */
export const InterfaceDeletedResponseSchema = z.object({ deleted: InterfaceNameSchema });
export type InterfaceDeletedResponse = z.infer<typeof InterfaceDeletedResponseSchema>;

/** One interface's outcome of a TLS reload. */
export const TlsReloadResultSchema = z.object({
  name: InterfaceNameSchema,
  /** False when the key material could not be loaded; the previous material keeps serving. */
  reloaded: z.boolean(),
  /** Why the reload failed, in words an operator can act on; never a password. */
  error: z.string().nullable(),
  /** The certificate served to new handshakes after the reload. */
  certificate: ServedCertificateSchema.nullable(),
});
export type TlsReloadResult = z.infer<typeof TlsReloadResultSchema>;

/** POST /reload-tls: every running nsps/nhps interface. */
export const ReloadTlsResponseSchema = z.object({ results: z.array(TlsReloadResultSchema) });
export type ReloadTlsResponse = z.infer<typeof ReloadTlsResponseSchema>;
