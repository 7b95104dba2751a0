import { z } from "zod";
import { InterfaceProtocolSchema, TlsProtocolSchema } from "../realm/config.js";
import { InterfaceNameSchema, RealmNameSchema } from "../realm/names.js";
import { InterfaceStateSchema } from "../realm/status.js";

/**
 * The Certificates tab of an nsps/nhps interface as the REST API takes it: key material is
 * named by the manager's keystore ids, never by file paths or passwords. The manager delivers
 * the key store bytes to the realm's host, which writes them 0600 into the realm's data dir.
 */
export const InterfaceCertificatesSchema = z.strictObject({
  /** The keystore (Keystores page) holding the private key and certificate to serve. */
  keystoreId: z.string().min(1),
  /** Certificate alias: which private-key entry to serve; the only one when absent. */
  keyAlias: z.string().min(1).optional(),
  /** The truststore with the CAs trusted for client certificates. */
  truststoreId: z.string().min(1).optional(),
  /** Enable Client Cert Validation. */
  enableClientCertValidation: z.boolean().default(false),
  /** Protocols: TLSv1.2 and/or TLSv1.3. */
  protocols: z
    .array(TlsProtocolSchema)
    .min(1, "Choose at least one TLS protocol")
    .default(["TLSv1.2", "TLSv1.3"]),
  /**
   * Cipher suites: OpenSSL names (ECDHE-RSA-AES128-GCM-SHA256 for TLSv1.2,
   * TLS_AES_128_GCM_SHA256 for TLSv1.3), the whole allow-list; a chosen protocol with none of
   * its suites listed is switched off. Empty means the platform's secure defaults. The realm
   * refuses a name its TLS library does not know.
   *
   * Parsing fills in `[]`; the type stays optional because definitions stored before the field
   * existed are read back without it (and callers building a definition may leave it out).
   */
  cipherSuites: z
    .array(z.string().trim().min(1, "A cipher suite name cannot be empty"))
    .default([])
    .optional(),
});
export type InterfaceCertificates = z.infer<typeof InterfaceCertificatesSchema>;

const InterfaceDefinitionShape = {
  /** Adapter alias: the interface's name within its realm (the realm config's `name`). */
  alias: InterfaceNameSchema,
  protocol: InterfaceProtocolSchema,
  /** Bind address: an IPv4/IPv6 address, or 0.0.0.0 / :: for every adapter. */
  bindAddress: z.string().min(1),
  /** Port: 0 lets the host choose one. */
  port: z.number().int().min(0).max(65535),
  /** Autostart Interface. */
  autostart: z.boolean().default(true),
  /** Allow for InterRealm. */
  allowInterRealm: z.boolean().default(true),
  /** Allow Client Connections. */
  allowClientConnections: z.boolean().default(true),
  /** Certificates tab; required for nsps/nhps, refused for nsp/nhp. */
  certificates: InterfaceCertificatesSchema.optional(),
};

function checkCertificates(
  value: { protocol: string; certificates?: unknown },
  ctx: z.RefinementCtx,
): void {
  const secure = value.protocol === "nsps" || value.protocol === "nhps";
  if (secure && !value.certificates) {
    ctx.addIssue({
      code: "custom",
      path: ["certificates"],
      message: `A ${value.protocol} interface needs certificates (keystoreId)`,
    });
  }
  if (!secure && value.certificates) {
    ctx.addIssue({
      code: "custom",
      path: ["certificates"],
      message: `A ${value.protocol} interface is not encrypted and takes no certificates`,
    });
  }
}

/** POST /api/v1/realms/{realm}/interfaces, and the desired state the manager keeps. */
export const InterfaceDefinitionSchema = z
  .strictObject(InterfaceDefinitionShape)
  .superRefine(checkCertificates);
export type InterfaceDefinition = z.infer<typeof InterfaceDefinitionSchema>;
export type InterfaceDefinitionInput = z.input<typeof InterfaceDefinitionSchema>;

/** PUT /api/v1/realms/{realm}/interfaces/{alias}: the whole definition; alias may be left out. */
export const UpdateInterfaceRequestSchema = z
  .strictObject({ ...InterfaceDefinitionShape, alias: InterfaceNameSchema.optional() })
  .superRefine(checkCertificates);
export type UpdateInterfaceRequest = z.input<typeof UpdateInterfaceRequestSchema>;

/** An interface as the REST API shows it: its definition and its live state. */
export const RealmInterfaceSchema = z.object({
  alias: z.string(),
  protocol: InterfaceProtocolSchema,
  bindAddress: z.string(),
  port: z.number().int(),
  autostart: z.boolean(),
  allowInterRealm: z.boolean(),
  allowClientConnections: z.boolean(),
  certificates: InterfaceCertificatesSchema.optional(),
  /** Running: listening · Stopped: not listening · Error: see `error`. */
  status: InterfaceStateSchema,
  /** Why the interface is in state Error (e.g. the port is in use), or why the state is unknown. */
  error: z.string().optional(),
  /** The port actually listened on, when it differs from `port` (port 0). */
  boundPort: z.number().int().nullable().optional(),
  /** Open connections. */
  connections: z.number().int().optional(),
});
export type RealmInterface = z.infer<typeof RealmInterfaceSchema>;

export const RealmInterfaceListSchema = z.array(RealmInterfaceSchema);

export const RealmInterfaceParamsSchema = z.object({
  realm: RealmNameSchema,
  alias: InterfaceNameSchema,
});
