import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createMlpLandscape,
  filterNormalize,
  hessianEigenvaluesLanczos,
  hessianTrace,
  simulate,
  topHessianEigenvalues,
} from '@gradient-rally/shared';
import { REFERENCE_DIR } from './referenceData';

// Replays every problem of the PyTorch float64 reference (shared/reference/mlp.json,
// beside the work tree). MLP_REFERENCE=path1,path2 replays other files of the same
// structure (e.g. the hidden set) through the same code.
const files = (process.env.MLP_REFERENCE ?? resolve(REFERENCE_DIR, 'mlp.json')).split(',');

interface Problem {
  landscape: {
    kind: 'mlp';
    layers: number[];
    activation: 'tanh' | 'relu';
    data: { x: number[][]; y: number[] };
    center: number[];
    directions: [number[], number[]];
  };
  nParams: number;
  filterNormalize: { theta: number[]; direction: number[]; normalized: number[] };
  slicePoints: { point: number[]; value: number; gradient: number[]; eigenvalues: number[] }[];
  sliceRuns: { optimizer: OptimizerSpec; start: number[]; steps: number; path: number[][]; loss: number[] }[];
  fullRuns: { optimizer: OptimizerSpec; steps: number; final: number[]; loss: number[] }[];
  fullHessian: { point: 'center' | number[]; top3: number[]; trace: number; min: number };
}
/** torch.optim constructor arguments in camelCase, as the project's optimizer specs. */
type OptimizerSpec = Parameters<typeof simulate>[0]['optimizer'];

/** Max over entries of |a − b| / max(|b|, 1e-3): relative, with an absolute floor for entries near 0. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let e = 0;
  for (let i = 0; i < b.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3));
  return e;
}

for (const file of files) {
  const ref = JSON.parse(readFileSync(file, 'utf8')) as { problems: Problem[] };
  describe(`MLP reference replay: ${file}`, () => {
    it('has problems to replay', () => {
      expect(ref.problems.length).toBeGreaterThan(0);
    });
    ref.problems.forEach((p, index) => {
      const name = `problem ${index}: [${p.landscape.layers.join(',')}] ${p.landscape.activation}`;
      describe(name, () => {
        const slice = createMlpLandscape(p.landscape);
        const { directions: _unused, ...fullSpec } = p.landscape;
        const full = createMlpLandscape(fullSpec);

        it('has the reference parameter count and forms', () => {
          expect(slice.network.nParams).toBe(p.nParams);
          expect(slice.dim).toBe(2);
          expect(slice.form).toBe('slice');
          expect(full.dim).toBe(p.nParams);
          expect(full.form).toBe('full');
        });

        it('filter-normalises like the reference', () => {
          const { theta, direction, normalized } = p.filterNormalize;
          expect(relErr(filterNormalize(direction, theta, p.landscape.layers), normalized)).toBeLessThan(1e-8);
        });

        it('matches slice values, gradients and 2×2 Hessian eigenvalues', () => {
          const g = new Float64Array(2);
          const H = new Float64Array(4);
          for (const sp of p.slicePoints) {
            const f = slice.valueAndGradientInto(sp.point, g);
            expect(relErr([f], [sp.value])).toBeLessThan(1e-8);
            expect(relErr([slice.value(sp.point)], [sp.value])).toBeLessThan(1e-8);
            expect(relErr(g, sp.gradient)).toBeLessThan(1e-8);
            slice.hessianInto!(sp.point, H);
            const [a, b, , c] = H;
            const mid = (a + c) / 2;
            const rad = Math.hypot((a - c) / 2, b);
            expect(relErr([mid - rad, mid + rad], sp.eigenvalues)).toBeLessThan(1e-8);
          }
        });

        p.sliceRuns.forEach((r, i) => {
          it(`replays slice run ${i} (${r.optimizer.kind}, lr ${r.optimizer.lr}): every point and loss`, () => {
            const got = simulate({ landscape: slice, optimizer: r.optimizer, start: r.start, steps: r.steps });
            expect(got.diverged).toBe(false);
            expect(got.path.length).toBe(r.path.length);
            for (let k = 0; k < r.path.length; k++) expect(relErr(got.path[k], r.path[k])).toBeLessThan(1e-8);
            expect(relErr(got.loss, r.loss)).toBeLessThan(1e-8);
          });
        });

        p.fullRuns.forEach((r, i) => {
          it(`replays full-space run ${i} (${r.optimizer.kind}, lr ${r.optimizer.lr}) from the center: final weights and every loss`, () => {
            const got = simulate({ landscape: full, optimizer: r.optimizer, start: p.landscape.center, steps: r.steps });
            expect(got.diverged).toBe(false);
            expect(relErr(got.path[got.path.length - 1], r.final)).toBeLessThan(1e-8);
            expect(relErr(got.loss, r.loss)).toBeLessThan(1e-8);
          });
        });

        it('finds the top-3 Hessian eigenvalues, the smallest one and the trace at the center', () => {
          const c = p.fullHessian.point === 'center' ? p.landscape.center : p.fullHessian.point;
          expect(relErr(topHessianEigenvalues(full, c, 3), p.fullHessian.top3)).toBeLessThan(1e-4);
          const low = hessianEigenvaluesLanczos(full, c, 1, { which: 'smallest' });
          expect(low.converged).toBe(true);
          expect(relErr(low.values, [p.fullHessian.min])).toBeLessThan(1e-4);
          expect(relErr([hessianTrace(full, c, { exact: true })], [p.fullHessian.trace])).toBeLessThan(1e-8);
          // Hutchinson is an estimate: it agrees with the exact trace within its own noise.
          const est = hessianTrace(full, c, { exact: false, samples: 400, seed: 3 });
          expect(Math.abs(est - p.fullHessian.trace)).toBeLessThan(0.35 * Math.abs(p.fullHessian.trace) + 0.2);
        });
      });
    });
  });
}
