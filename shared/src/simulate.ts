import { createLandscape } from './landscapes/createLandscape';
import type { Landscape, LandscapeSpec } from './landscapes/Landscape';
import { createOptimizer } from './optimizers/Optimizer';
import type { OptimizerSpec } from './optimizers/optimizerSpec';
import { Rng, type Seed } from './random/Rng';
import { SpecError } from './spec/SpecError';
import { checkNumber, pointField } from './spec/fields';

export interface SimulateOptions {
  /** A landscape spec (plain JSON, validated here) or an already-built landscape. */
  landscape: LandscapeSpec | Landscape | string | { kind: string; [field: string]: unknown };
  /** An optimizer spec (plain JSON, validated here; see `OptimizerSpec`). */
  optimizer: Partial<OptimizerSpec> | { kind: string; [field: string]: unknown };
  start: ArrayLike<number>;
  /** Number of optimizer updates (0 … 1 000 000). */
  steps: number;
  /** Seed of the noise / minibatch stream (default 0). */
  seed?: Seed;
}

export interface SimulateResult {
  /** path[0] is start; path[i] is the iterate after i updates. */
  path: number[][];
  /** loss[i] = f(path[i]). */
  loss: number[];
  /** True when the run stopped before the first iterate whose coordinates or loss were not finite. */
  diverged: boolean;
  gradientEvaluations: number;
}

function isLandscape(v: unknown): v is Landscape {
  return typeof v === 'object' && v !== null && typeof (v as Landscape).valueAndGradientInto === 'function';
}

/**
 * Runs one optimizer from `start` for `steps` updates. A run is a pure
 * function of its options: the same options and seed give the same path, in
 * Node and in the browser. Divergence is a result, not a crash: the run stops
 * before the first non-finite iterate and reports `diverged: true`.
 *
 * @example
 *   simulate({ landscape: { kind: 'rosenbrock' }, optimizer: { kind: 'adam', lr: 0.05 }, start: [-1.5, 2], steps: 500 })
 */
export function simulate(opts: SimulateOptions): SimulateResult {
  if (typeof opts !== 'object' || opts === null) throw new SpecError('', 'simulate needs { landscape, optimizer, start, steps }');
  const L = isLandscape(opts.landscape) ? opts.landscape : createLandscape(opts.landscape, 'landscape');
  const steps = checkNumber(opts.steps, 'steps', { min: 0, max: 1e6, integer: true });
  const theta = pointField(opts.start as unknown, 'start', L.dim);
  const opt = createOptimizer(opts.optimizer, L.dim, 'optimizer');
  const rng = new Rng(opts.seed ?? 0);
  const path: number[][] = [Array.from(theta)];
  const f0 = L.value(theta);
  const loss: number[] = [f0];
  if (!Number.isFinite(f0)) return { path, loss, diverged: true, gradientEvaluations: 0 };
  let evals = 0;
  const next = new Float64Array(L.dim);
  for (let s = 0; s < steps; s++) {
    next.set(theta);
    evals += opt.stepInPlace(next, L, rng).gradientEvaluations;
    let finite = true;
    for (let i = 0; i < next.length; i++) if (!Number.isFinite(next[i])) finite = false;
    const f = finite ? L.value(next) : NaN;
    if (!Number.isFinite(f)) return { path, loss, diverged: true, gradientEvaluations: evals };
    theta.set(next);
    path.push(Array.from(theta));
    loss.push(f);
  }
  return { path, loss, diverged: false, gradientEvaluations: evals };
}
