import { z } from "zod";

/** Liveness and store reachability; answers without authentication, so it says nothing more. */
export const HealthSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  checks: z.object({ store: z.enum(["ok", "unreachable"]) }),
});
export type Health = z.infer<typeof HealthSchema>;
