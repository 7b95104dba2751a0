import { z } from "zod";
import { ClusterHealthSchema } from "./clusters.js";

/** Clock skew of one agent, measured from its reports. */
export const AgentClockSkewSchema = z.object({
  agent: z.string(),
  hostname: z.string(),
  connected: z.boolean(),
  /** Agent clock minus manager clock in ms; null before the first report. */
  skewMs: z.number().nullable(),
  measuredAt: z.iso.datetime().nullable(),
});
export type AgentClockSkew = z.infer<typeof AgentClockSkewSchema>;

export const ClockSkewListSchema = z.array(AgentClockSkewSchema);

/** A certificate's expiry, for the health page. */
export const CertificateExpirySchema = z.object({
  /** keystore: an entry of a stored keystore · interface: what a running nsps/nhps serves. */
  source: z.enum(["keystore", "interface"]),
  /** "keystore <name> / <alias>" or "realm <realm> / <alias>". */
  where: z.string(),
  subject: z.string(),
  notAfter: z.iso.datetime(),
  /** Whole days left (negative once expired). */
  daysLeft: z.number().int(),
  status: z.enum(["valid", "expiringSoon", "expired"]),
});
export type CertificateExpiry = z.infer<typeof CertificateExpirySchema>;

/**
 * Why credentials count as default or demo ones: knownPassword (a well-known keystore password
 * such as "changeit" or Universal Messaging's "nirvana") · selfSigned (the leaf is not issued
 * by a CA) · localhostOnly (the leaf covers only loopback names while the interface binds
 * another address) · sampleSubject (subject or issuer reads like a sample: "demo", "example").
 */
export const DefaultCredentialReasonSchema = z.enum([
  "knownPassword",
  "selfSigned",
  "localhostOnly",
  "sampleSubject",
]);
export type DefaultCredentialReason = z.infer<typeof DefaultCredentialReasonSchema>;

/** A keystore holding default or demo credentials, and where it is used. Never the password. */
export const DefaultCredentialsSchema = z.object({
  /** The realm and interface serving it (or trusting it); both null for a stored keystore in no use. */
  realm: z.string().nullable(),
  interface: z.string().nullable(),
  /** The realm's cluster, where the "Rotate credentials" wizard starts; null when it stands alone. */
  cluster: z.string().nullable(),
  keystoreId: z.string(),
  /** The keystore's name. */
  keystore: z.string(),
  reasons: z.array(DefaultCredentialReasonSchema).min(1),
  /** What to do, in operator words. */
  fix: z.string(),
});
export type DefaultCredentials = z.infer<typeof DefaultCredentialsSchema>;

/** GET /api/v1/health/summary: counts for the overview page. */
export const HealthSummarySchema = z.object({
  status: z.enum(["ok", "degraded"]),
  agents: z.object({ total: z.number().int(), connected: z.number().int() }),
  realms: z.object({
    total: z.number().int(),
    running: z.number().int(),
    notRunning: z.number().int(),
  }),
  interfaces: z.object({
    total: z.number().int(),
    running: z.number().int(),
    stopped: z.number().int(),
    error: z.number().int(),
  }),
  /** Largest absolute clock skew among connected agents, in ms. */
  maxClockSkewMs: z.number().nullable(),
  clockSkew: ClockSkewListSchema,
  /** Every cluster with its status (see GET /api/v1/clusters/{name}/status). */
  clusters: z.array(
    z.object({ name: z.string(), status: ClusterHealthSchema, master: z.string().nullable() }),
  ),
  /** Certificates by expiry, soonest first: stored in keystores and served by interfaces. */
  certificates: z.array(CertificateExpirySchema),
  /** Default or demo credentials, a flag rather than an outage: `status` does not count them. */
  defaultCredentials: z.array(DefaultCredentialsSchema),
});
export type HealthSummary = z.infer<typeof HealthSummarySchema>;
