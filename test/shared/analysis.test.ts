import { describe, expect, it } from 'vitest';
import { analyze, createLandscape, lineLoss, robustLoss, sharpness, SpecError } from '@gradient-rally/shared';

// f = 0.5·(a x² + c y²) + b x y, a quadratic whose answers are known in closed form.
const quad = (a: number, b: number, c: number) => createLandscape({ kind: 'expression', expr: `0.5*(${a}*x^2 + ${c}*y^2) + ${b}*x*y` });

describe('sharpness', () => {
  it('on a quadratic: λ_max, trace, SAM sharpness ½λ_max r², ε-sharpness over the box', () => {
    const L = quad(4, 1, 2);
    const lmax = analyze(L, [0, 0]).eigenvalues[1];
    expect(lmax).toBeCloseTo(3 + Math.sqrt(2), 12);
    const s = sharpness(L, [0, 0], { radius: 0.1 });
    expect(s.lambdaMax).toBeCloseTo(lmax, 12);
    expect(s.trace).toBeCloseTo(6, 12);
    expect(s.samSharpness).toBeCloseTo(0.5 * lmax * 0.01, 6);
    // Box |y_i| ≤ 0.1 at x = 0: the max of the quadratic over the box is at a corner (same signs): 0.5(4+2)·0.01 + 0.01.
    expect(s.epsilonSharpness).toBeCloseTo((100 * (0.5 * 6 * 0.01 + 0.01)) / 1, 6);
  });
  it('flat beats sharp on the sharp-vs-flat terrain by every measure', () => {
    const L = createLandscape('sharp-vs-flat');
    const sharp = L.info.points.find((p) => p.basin === 'sharp')!.point;
    const flat = L.info.points.find((p) => p.basin === 'flat')!.point;
    const ss = sharpness(L, sharp, { radius: 0.3 });
    const sf = sharpness(L, flat, { radius: 0.3 });
    expect(ss.lambdaMax).toBeGreaterThan(10 * sf.lambdaMax);
    expect(ss.samSharpness).toBeGreaterThan(5 * sf.samSharpness);
    expect(ss.epsilonSharpness).toBeGreaterThan(sf.epsilonSharpness);
    expect(robustLoss(L, sharp, { radius: 0.3 })).toBeGreaterThan(robustLoss(L, flat, { radius: 0.3 }));
    expect(L.value(sharp)).toBeLessThan(L.value(flat));
  });
});

describe('robust loss', () => {
  it('on a quadratic minimum equals f + ¼ r² tr(H) for evenly spread directions', () => {
    const L = quad(4, 1, 2);
    expect(robustLoss(L, [0, 0], { radius: 0.2, samples: 64, seed: 3 })).toBeCloseTo(0.25 * 0.04 * 6, 12);
  });
  it('is a fixed function of its seed', () => {
    const L = createLandscape('himmelblau');
    expect(robustLoss(L, [3, 2], { radius: 0.5, seed: 1 })).toBe(robustLoss(L, [3, 2], { radius: 0.5, seed: 1 }));
    // (With many evenly spread directions the mean is rotation-invariant on a polynomial; with three it is not.)
    expect(robustLoss(L, [3, 2], { radius: 0.5, samples: 3, seed: 1 })).not.toBe(
      robustLoss(L, [3, 2], { radius: 0.5, samples: 3, seed: 2 }),
    );
  });
  it('rejects bad options with SpecError', () => {
    const L = createLandscape('booth');
    expect(() => robustLoss(L, [0, 0], { radius: -1 })).toThrow(SpecError);
    expect(() => robustLoss(L, [0, Number.NaN], { radius: 1 })).toThrow(/point\[1\]/);
    expect(() => robustLoss(L, [0], { radius: 1 })).toThrow(/point: must have 2 coordinates/);
  });
});

describe('loss along a line', () => {
  it('between two Himmelblau minima there is a barrier; a segment inside one bowl has none', () => {
    const L = createLandscape('himmelblau');
    const [m1, m2] = L.info.points.filter((p) => p.kind === 'global-minimum');
    const r = lineLoss(L, m1.point, m2.point, { n: 101 });
    expect(r.barrier).toBeGreaterThan(10);
    expect(r.losses[0]).toBeCloseTo(0, 10);
    expect(r.alphas[100]).toBe(1);
    expect(lineLoss(createLandscape('booth'), [0, 0], [1, 3]).barrier).toBe(0);
  });
  it('extends beyond the endpoints when asked (α ∈ [−0.5, 1.5])', () => {
    const r = lineLoss(createLandscape('booth'), [0, 0], [1, 3], { n: 5, from: -0.5, to: 1.5 });
    expect(r.alphas).toEqual([-0.5, 0, 0.5, 1, 1.5]);
  });
});
