import { describe, expect, it } from 'vitest';
import { formatLoss, legendTicks, lossAt, lossScaleFor, normaliseLoss, viridisTable } from '../../client/src/terrain/colorScale';

describe('loss colour scale', () => {
  it('linear scale maps min to 0 and max to 1, ignoring non-finite values', () => {
    const s = lossScaleFor([3, NaN, 1, Infinity, 2], false);
    expect(s).toMatchObject({ kind: 'linear', min: 1, max: 3 });
    expect(normaliseLoss(s, 1)).toBe(0);
    expect(normaliseLoss(s, 2)).toBe(0.5);
    expect(normaliseLoss(s, 3)).toBe(1);
    expect(normaliseLoss(s, 10)).toBe(1); // clamped
    expect(normaliseLoss(s, NaN)).toBeNaN();
  });

  it('log scale spreads orders of magnitude evenly and inverts exactly', () => {
    const s = lossScaleFor([0, 1e6], true);
    expect(s.kind).toBe('log');
    const t100 = normaliseLoss(s, 100),
      t1000 = normaliseLoss(s, 1000),
      t1e4 = normaliseLoss(s, 1e4);
    // Equal ratios → (nearly) equal steps on the bar.
    expect(t1000 - t100).toBeCloseTo(t1e4 - t1000, 2);
    for (const v of [0, 0.5, 42, 1e5, 1e6]) expect(lossAt(s, normaliseLoss(s, v))).toBeCloseTo(v, 6);
    // On a linear scale 1000 would be at 0.001: the log scale keeps low losses visible.
    expect(t1000).toBeGreaterThan(0.45);
  });

  it('handles negative losses (Styblinski–Tang) and constant grids', () => {
    const s = lossScaleFor([-78, 250], true);
    expect(normaliseLoss(s, -78)).toBe(0);
    expect(normaliseLoss(s, 250)).toBeCloseTo(1, 12);
    const flat = lossScaleFor([5, 5, 5], false);
    expect(flat.max).toBeGreaterThan(flat.min);
    expect(lossScaleFor([NaN], true)).toMatchObject({ kind: 'linear', min: 0, max: 1 });
  });

  it('viridis table runs from dark purple to yellow, perceptually brighter along the way', () => {
    const t = viridisTable();
    expect(t.length).toBe(768);
    expect([t[0], t[1], t[2]]).toEqual([0x44, 0x01, 0x54]);
    expect([t[765], t[766], t[767]]).toEqual([0xfd, 0xe7, 0x25]);
    const lum = (i: number) => 0.2126 * t[3 * i] + 0.7152 * t[3 * i + 1] + 0.0722 * t[3 * i + 2];
    for (let i = 8; i < 256; i += 8) expect(lum(i)).toBeGreaterThan(lum(i - 8));
  });

  it('legend ticks cover the scale from min to max', () => {
    const s = lossScaleFor([0.01, 100], true);
    const ticks = legendTicks(s, 5);
    expect(ticks).toHaveLength(5);
    expect(ticks[0].value).toBeCloseTo(0.01, 10);
    expect(ticks[4].value).toBeCloseTo(100, 8);
    expect(ticks.map((t) => t.t)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('formats losses readably', () => {
    expect(formatLoss(0.123456)).toBe('0.123');
    expect(formatLoss(1234567)).toBe('1.23e6');
    expect(formatLoss(0)).toBe('0');
    expect(formatLoss(NaN)).toBe('NaN');
    expect(formatLoss(-Infinity)).toBe('−∞');
  });
});
