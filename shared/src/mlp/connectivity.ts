import type { Landscape } from '../landscapes/Landscape';
import { Rng, type Seed } from '../random/Rng';
import { SpecError, describeValue } from '../spec/SpecError';

/**
 * Mode connectivity: are two solutions joined by a path of low loss?
 * (Goodfellow et al. 2015 for the straight line; Garipov et al. 2018 for the
 * trained quadratic Bézier curve.) Both work on any landscape whose points
 * are the parameter vectors themselves (e.g. the full MLP form).
 *
 * The **loss barrier** of a path is max over the path of the loss minus the
 * larger of the two endpoint losses: ≤ 0 means the two are connected with no
 * bump between them.
 */

export interface PathLoss {
  /** The path parameter of each sample (α for the line, t for the curve). */
  ts: number[];
  losses: number[];
  /** max loss over the part of the path between the endpoints, minus max(L(θ0), L(θ1)). */
  barrier: number;
  endpointLosses: [number, number];
}

function checkPair(landscape: Landscape, a: ArrayLike<number>, b: ArrayLike<number>): void {
  const n = landscape.dim;
  if (a.length !== n) throw new SpecError('theta0', `must have ${n} coordinates, got ${a.length}`);
  if (b.length !== n) throw new SpecError('theta1', `must have ${n} coordinates, got ${b.length}`);
}

/**
 * Loss along θ(α) = (1−α)θ0 + αθ1 at n evenly spaced α in [from, to]
 * (default [−0.5, 1.5], as Goodfellow et al. plot it). The barrier only counts
 * α ∈ [0, 1], the segment between the two solutions.
 */
export function linearInterpolationLoss(
  landscape: Landscape,
  theta0: ArrayLike<number>,
  theta1: ArrayLike<number>,
  opts: { n?: number; from?: number; to?: number } = {},
): PathLoss & { alphas: number[] } {
  checkPair(landscape, theta0, theta1);
  const n = opts.n ?? 41;
  const from = opts.from ?? -0.5;
  const to = opts.to ?? 1.5;
  if (!Number.isInteger(n) || n < 2 || n > 10000) throw new SpecError('n', `must be an integer in [2, 10000], got ${describeValue(n)}`);
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from)) {
    throw new SpecError('to', `must be finite and greater than from (${describeValue(from)}), got ${describeValue(to)}`);
  }
  const dim = landscape.dim;
  const p = new Float64Array(dim);
  const at = (alpha: number): number => {
    for (let i = 0; i < dim; i++) p[i] = (1 - alpha) * theta0[i] + alpha * theta1[i];
    return landscape.value(p);
  };
  const l0 = landscape.value(theta0);
  const l1 = landscape.value(theta1);
  const alphas: number[] = [];
  const losses: number[] = [];
  let peak = Math.max(l0, l1);
  for (let s = 0; s < n; s++) {
    const alpha = from + (s * (to - from)) / (n - 1);
    const f = at(alpha);
    alphas.push(alpha);
    losses.push(f);
    if (alpha >= 0 && alpha <= 1 && f > peak) peak = f;
  }
  return { alphas, ts: alphas, losses, barrier: peak - Math.max(l0, l1), endpointLosses: [l0, l1] };
}

export interface BezierOptions {
  /** Training steps, default 200. */
  steps?: number;
  /** Learning rate of the SGD on the control point, default 0.05. */
  lr?: number;
  /** Heavy-ball momentum (torch form), default 0. */
  momentum?: number;
  /** Values of t ~ U[0,1] averaged per step, default 4. */
  samples?: number;
  /** Minibatch size for the gradient at φ(t) (when the landscape offers minibatches); default: full batch. */
  batchSize?: number;
  seed?: Seed;
  /** Points of the returned loss curve, t evenly spaced in [0, 1], default 41. */
  n?: number;
  /** Called after each training step with the steps done so far (a worker reports its progress with it). */
  onStep?: (done: number) => void;
}

export interface BezierPath extends PathLoss {
  /** The trained control point θ of φ(t) = (1−t)²θ0 + 2t(1−t)θ + t²θ1. */
  control: Float64Array;
  /** Barrier of the untrained curve (control at the midpoint, i.e. the straight line). */
  initialBarrier: number;
  /** Mean sampled loss E_t L(φ(t)) at each training step. */
  trainingLoss: number[];
}

/**
 * Trains a quadratic Bézier curve between θ0 and θ1 (Garipov et al. 2018):
 * endpoints fixed, control θ initialised at the midpoint (so the first curve
 * is the straight segment), then SGD on E_{t~U[0,1]} L(φ(t)) with
 * ∇_θ L(φ(t)) = 2t(1−t)·∇L(φ(t)). Deterministic for a given seed.
 */
export function trainBezierPath(
  landscape: Landscape,
  theta0: ArrayLike<number>,
  theta1: ArrayLike<number>,
  opts: BezierOptions = {},
): BezierPath {
  checkPair(landscape, theta0, theta1);
  const steps = opts.steps ?? 200;
  const lr = opts.lr ?? 0.05;
  const momentum = opts.momentum ?? 0;
  const samples = opts.samples ?? 4;
  const n = opts.n ?? 41;
  if (!Number.isInteger(steps) || steps < 0 || steps > 1e6)
    throw new SpecError('steps', `must be an integer in [0, 1000000], got ${describeValue(steps)}`);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new SpecError('lr', `must be a finite number > 0, got ${describeValue(lr)}`);
  if (!(momentum >= 0 && momentum < 1)) throw new SpecError('momentum', `must be a number in [0, 1), got ${describeValue(momentum)}`);
  if (!Number.isInteger(samples) || samples < 1) throw new SpecError('samples', `must be an integer ≥ 1, got ${describeValue(samples)}`);
  if (!Number.isInteger(n) || n < 2) throw new SpecError('n', `must be an integer ≥ 2, got ${describeValue(n)}`);
  const batch = opts.batchSize;
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1))
    throw new SpecError('batchSize', `must be an integer ≥ 1, got ${describeValue(batch)}`);
  const useMinibatch = batch !== undefined && landscape.stochasticGradientInto !== undefined;

  const dim = landscape.dim;
  const control = new Float64Array(dim);
  for (let i = 0; i < dim; i++) control[i] = 0.5 * (theta0[i] + theta1[i]);
  const phi = new Float64Array(dim);
  const g = new Float64Array(dim);
  const step = new Float64Array(dim);
  const buf = new Float64Array(dim);
  const rng = new Rng(opts.seed ?? 0);
  const setPhi = (t: number): void => {
    const a = (1 - t) * (1 - t);
    const b = 2 * t * (1 - t);
    const c = t * t;
    for (let i = 0; i < dim; i++) phi[i] = a * theta0[i] + b * control[i] + c * theta1[i];
  };
  const curve = (): PathLoss => {
    const ts: number[] = [];
    const losses: number[] = [];
    for (let s = 0; s < n; s++) {
      const t = s / (n - 1);
      setPhi(t);
      ts.push(t);
      losses.push(landscape.value(phi));
    }
    const l0 = losses[0];
    const l1 = losses[n - 1];
    return { ts, losses, barrier: Math.max(...losses) - Math.max(l0, l1), endpointLosses: [l0, l1] };
  };
  const initialBarrier = curve().barrier;
  const trainingLoss: number[] = [];
  for (let k = 0; k < steps; k++) {
    step.fill(0);
    let mean = 0;
    for (let s = 0; s < samples; s++) {
      const t = rng.uniform();
      setPhi(t);
      const f = useMinibatch ? landscape.stochasticGradientInto!(phi, g, batch!, rng) : landscape.valueAndGradientInto(phi, g);
      mean += f / samples;
      const w = (2 * t * (1 - t)) / samples;
      for (let i = 0; i < dim; i++) step[i] += w * g[i];
    }
    trainingLoss.push(mean);
    if (momentum > 0) {
      for (let i = 0; i < dim; i++) buf[i] = k === 0 ? step[i] : momentum * buf[i] + step[i];
      for (let i = 0; i < dim; i++) control[i] -= lr * buf[i];
    } else {
      for (let i = 0; i < dim; i++) control[i] -= lr * step[i];
    }
    opts.onStep?.(k + 1);
  }
  return { ...curve(), control, initialBarrier, trainingLoss };
}
