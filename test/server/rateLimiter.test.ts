import { describe, expect, it } from 'vitest';
import { RATE_LIMIT, RETUNE_LIMIT } from '@gradient-rally/shared';
import { RateLimiter } from '../../server/src/room/RateLimiter';

describe('RateLimiter (token bucket)', () => {
  it('lets a burst through at once, then refuses', () => {
    const bucket = new RateLimiter(RATE_LIMIT, 0);
    for (let i = 0; i < RATE_LIMIT.burst; i++) expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(0)).toBe(false);
  });

  it('refills at the rate: one token per 1000 / perSecond ms, never above the burst', () => {
    const bucket = new RateLimiter({ burst: 4, perSecond: 4 }, 1000);
    for (let i = 0; i < 4; i++) bucket.take(1000);
    expect(bucket.take(1249)).toBe(false);
    expect(bucket.take(1250)).toBe(true);
    expect(bucket.take(1250)).toBe(false);
    // A long quiet spell fills the bucket to the burst, not beyond.
    let taken = 0;
    while (bucket.take(60_000)) taken++;
    expect(taken).toBe(4);
  });

  it('over a long run, lets through burst + perSecond × seconds', () => {
    const bucket = new RateLimiter(RETUNE_LIMIT, 0);
    let taken = 0;
    for (let t = 0; t <= 10_000; t += 10) if (bucket.take(t)) taken++;
    expect(taken).toBe(RETUNE_LIMIT.burst + RETUNE_LIMIT.perSecond * 10);
  });

  it('says how long to wait, and a refused take costs nothing', () => {
    const bucket = new RateLimiter({ burst: 1, perSecond: 2 }, 0);
    expect(bucket.waitMs(0)).toBe(0);
    expect(bucket.take(0)).toBe(true);
    expect(bucket.waitMs(0)).toBe(500);
    expect(bucket.take(100)).toBe(false);
    expect(bucket.waitMs(100)).toBe(400);
    expect(bucket.take(500)).toBe(true);
  });

  it('a clock that steps backwards neither mints tokens nor stalls the bucket', () => {
    const bucket = new RateLimiter({ burst: 1, perSecond: 1 }, 10_000);
    expect(bucket.take(10_000)).toBe(true);
    expect(bucket.take(5_000)).toBe(false);
    expect(bucket.take(11_000)).toBe(true);
  });
});
