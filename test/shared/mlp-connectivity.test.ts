import { describe, expect, it } from 'vitest';
import {
  Rng,
  SpecError,
  createLandscape,
  createMlpLandscape,
  linearInterpolationLoss,
  simulate,
  trainBezierPath,
} from '@gradient-rally/shared';

describe('mode connectivity', () => {
  it('the straight line: losses at evenly spaced α, the barrier counted between the endpoints only', () => {
    const L = createLandscape({ kind: 'himmelblau' });
    // Two minima of Himmelblau with a ridge between them.
    const a = [3, 2];
    const b = [-2.805118, 3.131312];
    const r = linearInterpolationLoss(L, a, b, { n: 9 });
    expect(r.alphas).toEqual([-0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    expect(r.losses[2]).toBe(L.value(a));
    expect(r.losses[6]).toBe(L.value(b));
    const inside = r.losses.slice(2, 7);
    expect(r.barrier).toBeCloseTo(Math.max(...inside) - Math.max(r.losses[2], r.losses[6]), 12);
    expect(r.barrier).toBeGreaterThan(10);
    // The ends of the plot (α outside [0, 1]) are higher still, but are not a barrier between a and b.
    expect(Math.max(...r.losses)).toBeGreaterThan(Math.max(...inside));
    expect(() => linearInterpolationLoss(L, a, [1, 2, 3])).toThrow(SpecError);
    expect(() => linearInterpolationLoss(L, a, b, { n: 1 })).toThrow(SpecError);
  });

  it('a trained quadratic Bézier curve lowers the barrier between two independently trained networks', () => {
    const L = createMlpLandscape({
      kind: 'mlp',
      dataset: 'moons',
      samples: 100,
      noise: 0.1,
      layers: [2, 12, 12, 2],
      activation: 'tanh',
      seed: 1,
    });
    const starts = [L.center, L.network.initInto(new Float64Array(L.dim), new Rng('second start'))];
    const [w1, w2] = starts.map((s) => {
      const run = simulate({ landscape: L, optimizer: { kind: 'adam', lr: 0.02 }, start: s, steps: 800 });
      return Float64Array.from(run.path[run.path.length - 1]);
    });
    expect(L.value(w1)).toBeLessThan(0.01);
    expect(L.value(w2)).toBeLessThan(0.01);

    const line = linearInterpolationLoss(L, w1, w2, { n: 41, from: 0, to: 1 });
    expect(line.barrier).toBeGreaterThan(0.05); // two separate solutions: a real bump on the straight line

    const curve = trainBezierPath(L, w1, w2, { steps: 300, lr: 0.3, samples: 4, seed: 1 });
    // Untrained, the curve is the straight segment.
    expect(curve.initialBarrier).toBeCloseTo(line.barrier, 10);
    expect(curve.endpointLosses[0]).toBe(L.value(w1));
    expect(curve.endpointLosses[1]).toBe(L.value(w2));
    expect(curve.ts.length).toBe(41);
    expect(curve.barrier).toBeLessThan(0.5 * line.barrier);
    const early = curve.trainingLoss.slice(0, 30).reduce((s, v) => s + v, 0);
    const late = curve.trainingLoss.slice(-30).reduce((s, v) => s + v, 0);
    expect(late).toBeLessThan(early);
    // Deterministic for a seed.
    const again = trainBezierPath(L, w1, w2, { steps: 20, lr: 0.3, samples: 4, seed: 1 });
    const twice = trainBezierPath(L, w1, w2, { steps: 20, lr: 0.3, samples: 4, seed: 1 });
    expect(Array.from(twice.control)).toEqual(Array.from(again.control));
  });
});
