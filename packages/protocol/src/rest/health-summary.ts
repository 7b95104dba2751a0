import { z } from "zod";

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
});
export type HealthSummary = z.infer<typeof HealthSummarySchema>;
