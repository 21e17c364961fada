import { randomBytes } from 'node:crypto';
import type { Redis, Cluster } from 'ioredis';

/** A window rule: at most `limit` attempts in any `seconds`-long stretch of time. */
export interface WindowRule {
  limit: number;
  seconds: number;
}

export type Admission = { ok: true; receipt: string } | { ok: false; retryAfterSeconds: number };

/**
 * Sliding-window attempt counting (a sliding log): each admitted attempt is
 * kept with its time, and a new one is admitted while fewer than `limit` lie
 * within the last `seconds`. Unlike fixed windows, there is no boundary where
 * twice the limit gets through, and a refusal says exactly when the oldest
 * attempt leaves the window. `refund` takes an attempt back (a join that found
 * its room does not count as a wrong code).
 *
 * Two stores: in this process (`MemoryAttemptLog`), or in Redis
 * (`RedisAttemptLog`), so that several processes behind one balancer share one
 * budget per address.
 */
export interface AttemptLog {
  take(key: string, rule: WindowRule, now?: number): Promise<Admission>;
  refund(key: string, receipt: string): Promise<void>;
}

/** Keeps at most this many keys; past it the longest-idle keys are forgotten (memory stays bounded under address churn). */
const MAX_KEYS = 100_000;

export class MemoryAttemptLog implements AttemptLog {
  /** key → admitted attempt times (ms, ascending) with their receipts. */
  private readonly logs = new Map<string, { times: number[]; receipts: string[]; windowMs: number }>();
  private counter = 0;

  async take(key: string, rule: WindowRule, now = Date.now()): Promise<Admission> {
    return this.takeNow(key, rule, now);
  }

  /** Synchronous form of `take` (the in-process store needs no I/O). */
  takeNow(key: string, rule: WindowRule, now = Date.now()): Admission {
    const windowMs = rule.seconds * 1000;
    let log = this.logs.get(key);
    if (log) {
      // Re-insert so Map order is least-recently-used first.
      this.logs.delete(key);
      this.logs.set(key, log);
    } else {
      log = { times: [], receipts: [], windowMs };
      this.logs.set(key, log);
      if (this.logs.size > MAX_KEYS) this.sweep(now);
    }
    log.windowMs = windowMs;
    let expired = 0;
    while (expired < log.times.length && log.times[expired] <= now - windowMs) expired++;
    if (expired) {
      log.times.splice(0, expired);
      log.receipts.splice(0, expired);
    }
    if (log.times.length >= rule.limit) {
      const oldest = log.times[log.times.length - rule.limit] ?? now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    const receipt = String(++this.counter);
    log.times.push(now);
    log.receipts.push(receipt);
    return { ok: true, receipt };
  }

  async refund(key: string, receipt: string): Promise<void> {
    const log = this.logs.get(key);
    if (!log) return;
    const i = log.receipts.indexOf(receipt);
    if (i >= 0) {
      log.times.splice(i, 1);
      log.receipts.splice(i, 1);
    }
  }

  /** Drops keys with nothing left in their window, then the least recently used ones while over `MAX_KEYS`. */
  private sweep(now: number): void {
    for (const [key, log] of this.logs) {
      const last = log.times[log.times.length - 1];
      if (last === undefined || last <= now - log.windowMs) this.logs.delete(key);
    }
    for (const key of this.logs.keys()) {
      if (this.logs.size <= MAX_KEYS * 0.9) break;
      this.logs.delete(key);
    }
  }

  /** Keys currently kept (tests check memory stays bounded). */
  get size(): number {
    return this.logs.size;
  }
}

/**
 * One sorted set per key, scored by time; the check, the trim and the insert
 * run as one script, so concurrent processes cannot both take the last slot.
 * Returns -1 when admitted, else milliseconds until a slot frees up.
 */
const TAKE_SCRIPT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return -1
end
local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

export class RedisAttemptLog implements AttemptLog {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly prefix = 'gradient-rally:attempts:',
  ) {}

  async take(key: string, rule: WindowRule, now = Date.now()): Promise<Admission> {
    const receipt = `${now}-${randomBytes(6).toString('base64url')}`;
    const waitMs = Number(await this.redis.eval(TAKE_SCRIPT, 1, this.prefix + key, now, rule.seconds * 1000, rule.limit, receipt));
    if (waitMs < 0) return { ok: true, receipt };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  async refund(key: string, receipt: string): Promise<void> {
    await this.redis.zrem(this.prefix + key, receipt);
  }
}
