import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '@gradient-rally/shared';
import { ieeeLog } from '../../shared/src/random/ieeeLog';

describe('Rng', () => {
  it('same seed, same stream; different seeds, different streams', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string()), (seed) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        const xs = Array.from({ length: 50 }, () => [a.uniform(), a.normal()]);
        expect(Array.from({ length: 50 }, () => [b.uniform(), b.normal()])).toEqual(xs);
      }),
      { seed: 1 },
    );
    expect(new Rng(1).uniform()).not.toBe(new Rng(2).uniform());
    expect(new Rng('1').uniform()).not.toBe(new Rng(1).uniform());
  });
  it('uniform is in [0, 1) and normal has mean 0 and variance 1', () => {
    const r = new Rng(123);
    let s = 0,
      s2 = 0,
      lo = 1,
      hi = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
  });
  it('a saved state resumes the stream exactly (including the spare Gaussian)', () => {
    const r = new Rng('save');
    r.normal();
    const saved = JSON.parse(JSON.stringify(r.state));
    const next = [r.normal(), r.uniform(), r.normal()];
    const s = Rng.fromState(saved);
    expect([s.normal(), s.uniform(), s.normal()]).toEqual(next);
  });
  it('forks are reproducible and independent of the parent draws that follow', () => {
    const a = new Rng(9).fork('racer-1');
    const b = new Rng(9).fork('racer-1');
    expect(a.uniform()).toBe(b.uniform());
    expect(new Rng(9).fork('racer-2').uniform()).not.toBe(new Rng(9).fork('racer-1').uniform());
  });
  it('the portable logarithm matches fdlibm (Node’s Math.log) bit for bit', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, noNaN: true, noDefaultInfinity: false }), (x) => {
        expect(Object.is(ieeeLog(x), Math.log(x))).toBe(true);
      }),
      { numRuns: 20000, seed: 5 },
    );
    for (const x of [0, -0, -1, Infinity, Number.MIN_VALUE, 1, 2, Math.E]) expect(Object.is(ieeeLog(x), Math.log(x))).toBe(true);
  });
});
