import { z } from "zod";
import { RealmProcessInfoSchema } from "../agent/realm-process.js";
import { RealmNameSchema } from "../realm/names.js";
import { RealmStatusSchema } from "../realm/status.js";
import { InterfaceDefinitionSchema, RealmInterfaceSchema } from "./interfaces.js";

/**
 * A realm's state as the manager knows it: its process state on the agent, or `unknown`
 * while the agent is not reporting.
 */
export const RealmStateSchema = z.enum([
  "starting",
  "running",
  "stopping",
  "stopped",
  "backoff",
  "missing",
  "unknown",
]);
export type RealmState = z.infer<typeof RealmStateSchema>;

/** One realm in GET /api/v1/realms. */
export const RealmSummarySchema = z.object({
  name: z.string(),
  /** Host name of the agent's machine. */
  host: z.string(),
  /** The agent's id. */
  agent: z.string(),
  state: RealmStateSchema,
  pid: z.number().int().nullable(),
  interfaces: z.array(RealmInterfaceSchema),
  /** The cluster the realm belongs to; null when it stands alone. */
  cluster: z.string().nullable(),
});
export type RealmSummary = z.infer<typeof RealmSummarySchema>;

export const RealmSummaryListSchema = z.array(RealmSummarySchema);

/** GET /api/v1/realms/{realm}: the summary plus the process details the agent reported. */
export const RealmDetailSchema = RealmSummarySchema.extend({
  process: RealmProcessInfoSchema.omit({ dataDir: true }).nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type RealmDetail = z.infer<typeof RealmDetailSchema>;

/** POST /api/v1/realms: creates a realm on an agent's host and starts it. */
export const CreateRealmRequestSchema = z.strictObject({
  name: RealmNameSchema,
  /** The agent (GET /api/v1/agents) whose host runs the realm. */
  agentId: z.string().min(1),
  interfaces: z.array(InterfaceDefinitionSchema).default([]),
});
export type CreateRealmRequest = z.input<typeof CreateRealmRequestSchema>;

export const RealmParamsSchema = z.object({ realm: RealmNameSchema });

/** GET /api/v1/realms/{realm}/status: the realm's own status, read live through its agent. */
export const RealmLiveStatusSchema = z.object({
  realm: z.string(),
  state: RealmStateSchema,
  status: RealmStatusSchema.nullable(),
});
export type RealmLiveStatus = z.infer<typeof RealmLiveStatusSchema>;

/** GET /api/v1/realms/{realm}/logs */
export const RealmLogsQuerySchema = z.object({
  lines: z.coerce.number().int().min(1).max(500).default(100),
});
export const RealmLogsSchema = z.object({ realm: z.string(), lines: z.array(z.string()) });
export type RealmLogs = z.infer<typeof RealmLogsSchema>;
