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
});
export type HealthSummary = z.infer<typeof HealthSummarySchema>;
