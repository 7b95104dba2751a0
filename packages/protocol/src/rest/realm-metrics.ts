import { z } from "zod";

/** How far back realm metrics history reaches (minutes). */
export const REALM_METRICS_MAX_MINUTES = 60;

/** GET /api/v1/realms/{realm}/metrics */
export const RealmMetricsQuerySchema = z.object({
  minutes: z.coerce.number().int().min(1).max(REALM_METRICS_MAX_MINUTES).default(60),
});
export type RealmMetricsQuery = z.input<typeof RealmMetricsQuerySchema>;

/** One point of a realm's history, taken from its agent's report. */
export const RealmMetricsSampleSchema = z.object({
  /** When the manager received the report (manager clock, ms since the epoch). */
  at: z.number().int(),
  connections: z.number().int(),
  /** Average over the time since the previous sample (the reported rate for the first one). */
  eventsInPerSecond: z.number(),
  eventsOutPerSecond: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  eventLoopDelayMeanMs: z.number(),
  eventLoopDelayP99Ms: z.number(),
});
export type RealmMetricsSample = z.infer<typeof RealmMetricsSampleSchema>;

/**
 * A realm's recent figures, oldest first. Kept in memory by the manager replica that answers:
 * it starts empty when that replica starts, and has gaps while the realm or its agent was down.
 */
export const RealmMetricsSchema = z.object({
  realm: z.string(),
  /** The sampling period; two samples further apart than about twice this mark a gap. */
  intervalSeconds: z.number().int(),
  samples: z.array(RealmMetricsSampleSchema),
});
export type RealmMetrics = z.infer<typeof RealmMetricsSchema>;
