import type { RateLimit } from '@gradient-rally/shared';

/**
 * The server's one rate limiter: a token bucket holding at most
 * `limit.burst` tokens, refilled at `limit.perSecond`. Messages per client
 * (`RATE_LIMIT`) and knob changes per racer (`RETUNE_LIMIT`) are two buckets
 * of this kind. Time is passed in (milliseconds), so callers use their own
 * clock and tests need no fake timers.
 *
 * @example
 *   const bucket = new RateLimiter(RATE_LIMIT, now);
 *   if (!bucket.take(now)) refuse(`too many messages: wait ${Math.ceil(bucket.waitMs(now) / 1000)} s`);
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Takes one token if there is one; false (taking nothing) when over the rate. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until `take` would succeed (0 when it would now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.limit.perSecond);
  }

  private refill(now: number): void {
    // A clock that steps back (NTP) must not mint tokens or stall the bucket.
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.perSecond) / 1000);
  }
}
