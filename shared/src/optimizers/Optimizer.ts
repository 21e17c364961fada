import type { Landscape } from '../landscapes/Landscape';
import type { Rng } from '../random/Rng';
import { fma } from '../linalg/fma';
import { lbfgsInit, lbfgsStepInPlace, type LbfgsState } from './lbfgs';
import { newtonStepInPlace } from './newton';
import { parseOptimizerSpec, type OptimizerSpec } from './optimizerSpec';
import { scheduledLearningRate } from './schedules';
import {
  addDecayedWeights,
  addDecoupledWeightDecay,
  chain,
  clipGradNormInPlace,
  l2norm,
  scaleByAdagrad,
  scaleByAdam,
  scaleByLearningRate,
  scaleByRms,
  traceRmsMomentum,
  traceTorchSgd,
  type GradientTransformation,
} from './transforms';

/** What one update cost. */
export interface StepInfo {
  /** Gradient evaluations used (SAM: 2; Newton: 1 + dim; L-BFGS: 1 + line-search trials). */
  gradientEvaluations: number;
  /** f(θ) before the update (minibatch loss when a batch size is set). */
  loss: number;
}

/**
 * The named optimizers as one-line recipes (optax `_src/alias.py`), each a
 * chain over a live hyperparameter record `h` so that `retune` changes them
 * without resetting state. Torch's semantics (MATH.md) decide every order.
 */
function recipe(h: OptimizerSpec): GradientTransformation<unknown> | null {
  switch (h.kind) {
    case 'sgd':
      return chain(addDecayedWeights(h), traceTorchSgd(h), scaleByLearningRate());
    case 'adam':
      return chain(addDecayedWeights(h), scaleByAdam(h));
    case 'adamw':
      return chain(addDecoupledWeightDecay(h), scaleByAdam(h));
    case 'rmsprop':
      return chain(addDecayedWeights(h), scaleByRms(h), traceRmsMomentum(h));
    case 'adagrad':
      return chain(addDecayedWeights(h), scaleByAdagrad(h));
    case 'newton':
    case 'lbfgs':
      return null; // second-order and quasi-Newton methods need the objective, not just a gradient
  }
}

/**
 * A stateful optimizer for one racer: validated spec, optimizer state and
 * scratch buffers. One `stepInPlace` is one update of θ:
 *  1. g = ∇f(θ) (a minibatch gradient when `batchSize` is set on a data-backed landscape);
 *  2. SAM: ε = ρ·g/(‖g‖+1e-12) (ASAM: ρ·θ²⊙g/(‖|θ|⊙g‖+1e-12)), g ← ∇f(θ+ε) on the same minibatch;
 *  3. clipping as torch's clip_grad_norm_; 4. additive noise g ← g + σξ;
 *  5. the optimizer's own update with the scheduled learning rate of this step.
 *
 * @example
 *   const L = createLandscape('himmelblau');
 *   const opt = createOptimizer({ kind: 'adam', lr: 0.05 }, L.dim);
 *   const theta = Float64Array.of(0, 0);
 *   opt.stepInPlace(theta, L, new Rng(1));
 *   opt.retune({ kind: 'adam', lr: 0.01 }); // keeps Adam's moments
 */
export class Optimizer {
  /** Normalised spec; also the live hyperparameter record the transforms read. */
  readonly spec: OptimizerSpec;
  /** Updates applied so far (k of the next update). */
  updates = 0;
  private transform: GradientTransformation<unknown> | null;
  private state: unknown;
  private lbfgs: LbfgsState = lbfgsInit();
  private readonly g: Float64Array;
  private readonly probe: Float64Array;

  constructor(
    spec: OptimizerSpec,
    readonly dim: number,
  ) {
    this.spec = spec;
    this.transform = recipe(spec);
    this.state = this.transform?.init(dim);
    this.g = new Float64Array(dim);
    this.probe = new Float64Array(dim);
  }

  /**
   * Changes hyperparameters live. The same kind keeps the optimizer state
   * (moments, momentum buffers, L-BFGS memory, the step count that drives
   * schedules); a different kind starts fresh. Throws `SpecError` and changes
   * nothing when the spec is invalid.
   */
  retune(spec: unknown, path = 'optimizer'): void {
    const next = parseOptimizerSpec(spec, path);
    const sameKind = next.kind === this.spec.kind;
    for (const k of Object.keys(this.spec)) delete (this.spec as unknown as Record<string, unknown>)[k];
    Object.assign(this.spec, next);
    if (!sameKind) {
      this.transform = recipe(this.spec);
      this.state = this.transform?.init(this.dim);
      this.lbfgs = lbfgsInit();
    }
  }

  private gradientInto(theta: ArrayLike<number>, out: Float64Array, landscape: Landscape, rng: Rng): number {
    const b = this.spec.batchSize;
    if (b !== null && landscape.stochasticGradientInto && landscape.dataSize !== undefined && b < landscape.dataSize) {
      return landscape.stochasticGradientInto(theta, out, b, rng);
    }
    return landscape.valueAndGradientInto(theta, out);
  }

  /** One update of θ, in place. */
  stepInPlace(theta: Float64Array, landscape: Landscape, rng: Rng): StepInfo {
    const h = this.spec;
    const g = this.g;
    const n = this.dim;
    const k = this.updates;
    const rngBefore = h.samRadius > 0 ? { s: [...rng.state.s] as [number, number, number, number], spare: rng.state.spare } : null;
    const loss = this.gradientInto(theta, g, landscape, rng);
    let evals = 1;
    if (h.samRadius > 0) {
      const p = this.probe;
      if (h.samAdaptive) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (Math.abs(theta[i]) * g[i]) ** 2;
        const scale = h.samRadius / (Math.sqrt(s) + 1e-12);
        for (let i = 0; i < n; i++) p[i] = theta[i] + scale * theta[i] * theta[i] * g[i];
      } else {
        const scale = h.samRadius / (l2norm(g) + 1e-12);
        for (let i = 0; i < n; i++) p[i] = theta[i] + scale * g[i];
      }
      // Same minibatch at θ+ε: replay the generator from where the first draw started.
      rng.state = rngBefore!;
      this.gradientInto(p, g, landscape, rng);
      evals += 1;
    }
    if (h.clipNorm !== null) clipGradNormInPlace(g, h.clipNorm);
    if (h.noise > 0) for (let i = 0; i < n; i++) g[i] = g[i] + h.noise * rng.normal();

    const lr = scheduledLearningRate(h.schedule, h.lr, k);
    if (this.transform) {
      const ctx = { step: k, params: theta, lr, stepScale: 1, paramScale: 1 };
      this.transform.updateInPlace(g, this.state, ctx);
      const { stepScale, paramScale } = ctx;
      if (paramScale !== 1) for (let i = 0; i < n; i++) theta[i] = theta[i] * paramScale;
      for (let i = 0; i < n; i++) theta[i] = fma(stepScale, g[i], theta[i]);
    } else {
      // Newton and L-BFGS see weight decay as the L2 term (λ/2)‖θ‖² of the objective they model.
      const wd = h.weightDecay;
      let f = loss;
      if (wd !== 0) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          g[i] = fma(wd, theta[i], g[i]);
          s += theta[i] * theta[i];
        }
        f += 0.5 * wd * s;
      }
      if (h.kind === 'newton') {
        evals += newtonStepInPlace(theta, landscape, { ...h, lr }, g, f) - 1;
      } else if (h.kind === 'lbfgs') {
        const objective = (x: ArrayLike<number>, out: Float64Array) => {
          let v = landscape.valueAndGradientInto(x, out);
          if (wd !== 0) {
            let s = 0;
            for (let i = 0; i < n; i++) {
              out[i] = fma(wd, x[i], out[i]);
              s += x[i] * x[i];
            }
            v += 0.5 * wd * s;
          }
          return v;
        };
        evals += lbfgsStepInPlace(theta, f, g, this.lbfgs, { ...h, lr }, objective);
      }
    }
    this.updates += 1;
    return { gradientEvaluations: evals, loss };
  }
}

/**
 * Validates `spec` and returns a fresh optimizer for a `dim`-dimensional
 * landscape. Throws `SpecError` on bad specs.
 */
export function createOptimizer(spec: unknown, dim: number, path = 'optimizer'): Optimizer {
  return new Optimizer(parseOptimizerSpec(spec, path), dim);
}
