import { z } from "zod";

/** POST /api/v1/agents/enrolment-tokens */
export const CreateEnrolmentTokenRequestSchema = z.strictObject({
  /** How long the token may be used; 15 minutes by default, at most a day. */
  ttlSeconds: z
    .number()
    .int()
    .min(30)
    .max(24 * 3600)
    .default(15 * 60),
  /** A note for the operator ("rack 4, host b"). */
  note: z.string().max(200).optional(),
});
export type CreateEnrolmentTokenRequest = z.input<typeof CreateEnrolmentTokenRequestSchema>;

/** A one-time enrolment token, shown once. It also pins the manager's internal CA. */
export const EnrolmentTokenSchema = z.object({
  id: z.string(),
  /** Pass to `conclave-agent --token`; works once, until `expiresAt`. */
  token: z.string(),
  expiresAt: z.iso.datetime(),
  /** Where agents enrol and report (the manager's agent gateway). */
  managerUrl: z.string(),
  /** A command line that enrols a host. */
  command: z.string(),
});
export type EnrolmentToken = z.infer<typeof EnrolmentTokenSchema>;

/** Where an enrolment token stands: it works only while `unused`. */
export const EnrolmentTokenStateSchema = z.enum(["unused", "used", "expired"]);
export type EnrolmentTokenState = z.infer<typeof EnrolmentTokenStateSchema>;

/** GET /api/v1/agents/enrolment-tokens: one token as listed — never its secret. */
export const EnrolmentTokenSummarySchema = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** Username of whoever created it. */
  createdBy: z.string().nullable(),
  note: z.string().nullable(),
  state: EnrolmentTokenStateSchema,
  usedAt: z.iso.datetime().nullable(),
  /** The agent it enrolled, once used. */
  agentId: z.string().nullable(),
});
export type EnrolmentTokenSummary = z.infer<typeof EnrolmentTokenSummarySchema>;

export const EnrolmentTokenListSchema = z.array(EnrolmentTokenSummarySchema);
export type EnrolmentTokenList = z.infer<typeof EnrolmentTokenListSchema>;

/** DELETE /api/v1/agents/enrolment-tokens/{id} */
export const EnrolmentTokenParamsSchema = z.object({ id: z.string().min(1) });

/** An enrolled node agent. */
export const AgentSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  addresses: z.array(z.string()),
  /** Where the manager reaches the agent's API (HTTPS, mutual TLS). */
  url: z.string().nullable(),
  version: z.string().nullable(),
  /** True while reports arrive (one a second). */
  connected: z.boolean(),
  lastSeenAt: z.iso.datetime().nullable(),
  /** The agent's clock minus the manager's, in ms (positive: the agent is ahead). */
  clockSkewMs: z.number().nullable(),
  enrolledAt: z.iso.datetime(),
  certificate: z.object({
    serialNumber: z.string(),
    notAfter: z.string(),
    fingerprintSha256: z.string(),
  }),
  /** Names of the realms the manager placed on this agent. */
  realms: z.array(z.string()),
  /** Differences between the manager's desired state and what the agent reported. */
  driftCount: z.number().int(),
});
export type Agent = z.infer<typeof AgentSchema>;

export const AgentListSchema = z.array(AgentSchema);

export const AgentParamsSchema = z.object({ id: z.string().min(1) });

/** One difference found by "synchronise node". */
export const SyncChangeSchema = z.object({
  realm: z.string(),
  /** The interface alias; absent for whole-realm changes. */
  alias: z.string().optional(),
  /**
   * create: the manager wants it, the host lacks it · delete: the host has it, the manager does
   * not · update: both have it, with different fields.
   */
  action: z.enum(["create", "delete", "update"]),
  /** Field → {desired, actual} for updates. */
  fields: z.record(z.string(), z.object({ desired: z.unknown(), actual: z.unknown() })).optional(),
});
export type SyncChange = z.infer<typeof SyncChangeSchema>;

/** GET /api/v1/agents/{id}/sync: what "synchronise node" would change on the host. */
export const SyncPlanSchema = z.object({
  agent: z.string(),
  connected: z.boolean(),
  /** When the compared report arrived. */
  reportedAt: z.iso.datetime().nullable(),
  inSync: z.boolean(),
  changes: z.array(SyncChangeSchema),
});
export type SyncPlan = z.infer<typeof SyncPlanSchema>;

/** POST /api/v1/agents/{id}/sync: what was applied. */
export const SyncResultSchema = z.object({
  agent: z.string(),
  applied: z.array(SyncChangeSchema),
});
export type SyncResult = z.infer<typeof SyncResultSchema>;
