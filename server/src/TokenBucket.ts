/**
 * Per-client rate limit: a token bucket holding at most `burst` tokens,
 * refilled at `perSecond`. Time is passed in (milliseconds) so the room uses
 * its own clock and tests need no fake timers.
 *
 * @example
 *   const b = new TokenBucket(30, 15, now);
 *   if (!b.take(now)) refuse('rate-limited');
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly burst: number,
    readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one; false when the client is over its rate. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
