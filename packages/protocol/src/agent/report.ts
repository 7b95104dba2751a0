import { z } from "zod";
import { ClusterStatusSchema } from "../realm/cluster.js";
import { RealmConfigSchema } from "../realm/config.js";
import { SupervisedRealmSchema } from "./realm-process.js";

/** One realm in an agent's report: process and status, and its configuration (redacted). */
export const ReportedRealmSchema = SupervisedRealmSchema.extend({
  /** Whether the agent keeps the realm running. */
  wanted: z.boolean(),
  /** realm.json with passwords redacted; null when it cannot be read. */
  config: RealmConfigSchema.nullable(),
  /**
   * The realm's GET /cluster (links, members, quorum) when it is clustered; null or absent
   * otherwise (and from older agents).
   */
  cluster: ClusterStatusSchema.nullable().optional(),
});
export type ReportedRealm = z.infer<typeof ReportedRealmSchema>;

/** POST /agent/v1/report, once a second and at once after a realm changes state. */
export const AgentReportSchema = z.object({
  hostname: z.string(),
  addresses: z.array(z.string()),
  /** The agent API's URL (it may move when the agent restarts on port 0). */
  url: z.string(),
  version: z.string(),
  /** The agent's clock when it sent the report (ms since the epoch). */
  time: z.number(),
  /** Round trip of the previous report, so the manager can correct for transit time. */
  lastRoundTripMs: z.number().nullable(),
  realms: z.array(ReportedRealmSchema),
});
export type AgentReport = z.infer<typeof AgentReportSchema>;

/** The manager's answer to a report. */
export const AgentReportAckSchema = z.object({
  /** The manager's clock when it received the report. */
  time: z.number(),
});
export type AgentReportAck = z.infer<typeof AgentReportAckSchema>;
