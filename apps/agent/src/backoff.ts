/** Restart delays for a crashing realm: doubling from `initialMs` up to `maxMs`. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A realm that ran this long before crashing starts again from `initialMs`. */
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 1_000,
  maxMs: 30_000,
  stableAfterMs: 60_000,
};

/** Delay before restart number `attempt` (0 for the first restart after a stable run). */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
}
