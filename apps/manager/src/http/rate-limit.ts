import type { LoginThrottlePolicy, LoginThrottleRepo } from "../store/login-throttle.repo.js";
import { RateLimitError } from "./errors.js";

/**
 * Limits password guessing per username and client address. Counts live in the store, not
 * in memory: replicas behind a load balancer share them (an in-memory count would multiply
 * the allowance by the number of replicas) and a restart does not reset them. Keying on the
 * pair, not the username alone, stops a stranger from locking a real user out.
 */
export class LoginRateLimiter {
  constructor(
    private readonly throttle: LoginThrottleRepo,
    readonly policy: LoginThrottlePolicy,
  ) {}

  /** Throws RateLimitError while the pair is locked out; call before checking the password. */
  async check(username: string, ip: string): Promise<void> {
    const seconds = await this.throttle.lockedForSeconds(username, ip);
    if (seconds > 0) {
      throw new RateLimitError(
        `Too many failed sign-in attempts; try again in ${seconds} seconds`,
        seconds,
      );
    }
  }

  /** Counts a failed attempt. */
  async failed(username: string, ip: string): Promise<void> {
    await this.throttle.recordFailure(username, ip, this.policy);
  }

  /** Forgets the failures of a pair that has just signed in. */
  async succeeded(username: string, ip: string): Promise<void> {
    await this.throttle.clear(username, ip);
  }
}
