import { z } from "zod";
import { RealmConfigSchema } from "../realm/config.js";
import { RealmNameSchema } from "../realm/names.js";
import { RealmStatusSchema } from "../realm/status.js";

/**
 * A realm process as its node agent sees it.
 * starting: spawned, admin endpoint not answering yet · running: admin endpoint answers ·
 * stopping: asked to exit · stopped: not running, not wanted · backoff: crashed, restart
 * scheduled · failed: crashed and will not be restarted (deleted or the agent is stopping).
 */
export const RealmProcessStateSchema = z.enum([
  "starting",
  "running",
  "stopping",
  "stopped",
  "backoff",
]);
export type RealmProcessState = z.infer<typeof RealmProcessStateSchema>;

export const RealmExitSchema = z.object({
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  at: z.string(),
  /** The realm's last stderr lines before it exited, for the operator. */
  lastLines: z.array(z.string()),
});
export type RealmExit = z.infer<typeof RealmExitSchema>;

export const RealmProcessInfoSchema = z.object({
  name: RealmNameSchema,
  state: RealmProcessStateSchema,
  pid: z.number().int().nullable(),
  dataDir: z.string(),
  startedAt: z.string().nullable(),
  /** Restarts after crashes since the agent started supervising this realm. */
  restarts: z.number().int(),
  lastExit: RealmExitSchema.nullable(),
  /** When a crashed realm will be started again (state backoff). */
  nextRestartAt: z.string().nullable(),
});
export type RealmProcessInfo = z.infer<typeof RealmProcessInfoSchema>;

/** A realm an agent should host: its name and the configuration to write as realm.json. */
export const RealmSpecSchema = z.object({
  name: RealmNameSchema,
  config: RealmConfigSchema,
});
export type RealmSpec = z.infer<typeof RealmSpecSchema>;

/** One realm in an agent's report: process view plus the realm's own status when it answers. */
export const SupervisedRealmSchema = RealmProcessInfoSchema.extend({
  status: RealmStatusSchema.nullable(),
});
export type SupervisedRealm = z.infer<typeof SupervisedRealmSchema>;
