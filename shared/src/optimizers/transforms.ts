/**
 * Optimizers as compositions of small pure gradient transforms, in the style of
 * optax (google-deepmind/optax `_src/base.py`, `_src/transform.py`).
 *
 * A transform is an `init`/`updateInPlace` pair over `Float64Array`s: `init`
 * makes its state (a plain record, never hidden), `updateInPlace` rewrites the
 * update vector `u` (which starts as the gradient) and advances the state.
 * `chain(...)` folds transforms left to right; the order of the chain *is* the
 * semantics (coupled vs decoupled weight decay is only where it sits; clipping
 * before noise). Every transform works in the gradient's own sign: the last
 * ones scale the direction into a step (`scaleByLearningRate`, or the learning
 * rate folded into Adam, RMSProp and Adagrad where torch folds it), and
 * `applyUpdatesInPlace` alone flips the sign, θ ← θ − step. Negation is exact
 * in IEEE-754, so where the flip happens does not change a single bit.
 *
 * Hyperparameters are read from a live record `h` on every step instead of
 * being captured at construction, so a player can retune a slider mid-race
 * without resetting the optimizer state (optax's `inject_hyperparams`): the
 * record belongs to the optimizer's state (`Optimizer.ts`), and the learning
 * rate of update k comes from `injectLearningRate`. Randomness (gradient
 * noise) comes from the step context's generator, never a captured one.
 *
 * Everything here works in place and allocates only in `init`: the server
 * steps thousands of racers per second.
 *
 * Rounding follows torch's CPU kernels, which are compiled with fused
 * multiply-add: wherever torch computes `a + α·b` in one kernel we use
 * `fma(α, b, a)`. That is what keeps trajectories bit-identical to the
 * PyTorch reference even on runs that amplify a 1-ulp difference 10⁴-fold.
 */
import { fma } from '../linalg/fma';
import type { Rng } from '../random/Rng';
import { type ScheduleSpec, scheduledLearningRate } from './schedules';

export interface StepContext {
  /** 0-based index of this update (k in the schedule formulas). */
  step: number;
  /** Parameters before the update (read-only for transforms). */
  params: Float64Array;
  /** Learning rate of this update, set by `injectLearningRate` (the schedule applied). */
  lr: number;
  /** This update's random stream (gradient noise draws from it, in coordinate order). */
  rng: Rng;
  /**
   * How the final update is applied: θᵢ ← fma(−stepScale, uᵢ, θᵢ·paramScale)
   * (`applyUpdatesInPlace`). Transforms set these instead of pre-multiplying
   * so that the rounding is torch's: `param.add_(d, alpha=−lr)` is one fused
   * multiply-add there, and AdamW's `param.mul_(1 − lr·λ)` comes before the
   * Adam step. Both start at 1.
   */
  stepScale: number;
  paramScale: number;
}

export interface GradientTransformation<S = unknown> {
  init(dim: number): S;
  /** Rewrites `u` in place and advances `state`. */
  updateInPlace(u: Float64Array, state: S, ctx: StepContext): void;
}

/** optax.chain: applies transforms in order; its state is the tuple of theirs. */
// biome-ignore lint/suspicious/noExplicitAny: each transform has its own state type; chain keeps them as a tuple
export function chain(...transforms: GradientTransformation<any>[]): GradientTransformation<unknown[]> {
  return {
    init: (dim) => transforms.map((t) => t.init(dim)),
    updateInPlace(u, state, ctx) {
      for (let i = 0; i < transforms.length; i++) transforms[i].updateInPlace(u, state[i], ctx);
    },
  };
}

/** Coupled L2 weight decay, torch style: g ← g + λθ (before the optimizer's own statistics). */
export function addDecayedWeights(h: { weightDecay: number }): GradientTransformation<null> {
  return {
    init: () => null,
    updateInPlace(u, _s, { params }) {
      const wd = h.weightDecay;
      if (wd === 0) return;
      for (let i = 0; i < u.length; i++) u[i] = fma(wd, params[i], u[i]);
    },
  };
}

/**
 * Decoupled weight decay (Loshchilov & Hutter 2019, AdamW): θ ← θ(1 − lr·λ)
 * before the step is added, independent of the gradient statistics.
 */
export function addDecoupledWeightDecay(h: { weightDecay: number }): GradientTransformation<null> {
  return {
    init: () => null,
    updateInPlace(_u, _s, ctx) {
      if (h.weightDecay !== 0) ctx.paramScale = 1 - ctx.lr * h.weightDecay;
    },
  };
}

export interface TorchMomentumState {
  buf: Float64Array;
  started: boolean;
}

/**
 * torch.optim.SGD momentum: the first step sets b ← g (no dampening), later
 * b ← μb + (1−τ)g; the direction is g + μb (Nesterov) or b.
 * Nesterov (Sutskever et al. 2013, torch's formulation).
 */
export function traceTorchSgd(h: { momentum: number; dampening: number; nesterov: boolean }): GradientTransformation<TorchMomentumState> {
  return {
    init: (dim) => ({ buf: new Float64Array(dim), started: false }),
    updateInPlace(u, s, _ctx) {
      const mu = h.momentum;
      if (mu === 0) return;
      const b = s.buf;
      if (!s.started) {
        b.set(u);
        s.started = true;
      } else {
        const keep = 1 - h.dampening;
        for (let i = 0; i < u.length; i++) b[i] = fma(keep, u[i], b[i] * mu);
      }
      if (h.nesterov) for (let i = 0; i < u.length; i++) u[i] = fma(mu, b[i], u[i]);
      else u.set(b);
    },
  };
}

/**
 * torch RMSprop's momentum: b ← μb + u (zero initial buffer), then the step
 * lr·b (θ ← θ − lr·b, one fused multiply-add). Without momentum `scaleByRms`
 * has already made the step.
 */
export function traceRmsMomentum(h: { momentum: number }): GradientTransformation<Float64Array> {
  return {
    init: (dim) => new Float64Array(dim),
    updateInPlace(u, b, ctx) {
      const mu = h.momentum;
      if (mu === 0) return;
      for (let i = 0; i < u.length; i++) {
        b[i] = b[i] * mu + u[i];
        u[i] = b[i];
      }
      ctx.stepScale = ctx.lr;
    },
  };
}

export interface AdamState {
  count: number;
  mu: Float64Array;
  nu: Float64Array;
  nuMax: Float64Array;
}

/**
 * Adam (Kingma & Ba 2015) with torch's conventions: m ← β1m + (1−β1)g,
 * v ← β2v + (1−β2)g², step u = (lr/bc1)·m / (√v/√bc2 + eps) — eps added after
 * the bias correction. AMSGrad (Reddi et al. 2018) keeps the running max of
 * the raw v. The learning rate is folded in here, as torch's
 * `addcdiv_(m, denom, value=−lr/bc1)` does, to keep its rounding (the sign is
 * flipped by `applyUpdatesInPlace`; (−a)·m/d is exactly −(a·m/d)).
 */
export function scaleByAdam(h: { betas: [number, number]; eps: number; amsgrad: boolean }): GradientTransformation<AdamState> {
  return {
    init: (dim) => ({ count: 0, mu: new Float64Array(dim), nu: new Float64Array(dim), nuMax: new Float64Array(dim) }),
    updateInPlace(u, s, ctx) {
      const b1 = h.betas[0];
      const b2 = h.betas[1];
      const eps = h.eps;
      s.count += 1;
      const bc1 = 1 - b1 ** s.count;
      const bc2sqrt = Math.sqrt(1 - b2 ** s.count);
      const stepSize = ctx.lr / bc1;
      const { mu, nu, nuMax } = s;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        mu[i] = fma(1 - b1, g, mu[i] * b1);
        nu[i] = fma((1 - b2) * g, g, nu[i] * b2);
        let v = nu[i];
        if (h.amsgrad) {
          if (v > nuMax[i]) nuMax[i] = v;
          v = nuMax[i];
        }
        u[i] = (stepSize * mu[i]) / (Math.sqrt(v) / bc2sqrt + eps);
      }
    },
  };
}

export interface RmsState {
  nu: Float64Array;
  mean: Float64Array;
}

/**
 * RMSProp (Tieleman & Hinton 2012) as torch: v ← αv + (1−α)g²; centered keeps
 * ḡ ← αḡ + (1−α)g and divides by √(v − ḡ²) + eps (Graves 2013); no bias
 * correction. Without momentum this is the step u = lr·g/a (torch's
 * `addcdiv_(g, a, value=−lr)`); with momentum it yields g/a for `traceRmsMomentum`.
 */
export function scaleByRms(h: { alpha: number; eps: number; centered: boolean; momentum: number }): GradientTransformation<RmsState> {
  return {
    init: (dim) => ({ nu: new Float64Array(dim), mean: new Float64Array(dim) }),
    updateInPlace(u, s, ctx) {
      const a = h.alpha;
      const num = h.momentum === 0 ? ctx.lr : 1;
      const { nu, mean } = s;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        nu[i] = fma((1 - a) * g, g, nu[i] * a);
        let avg: number;
        if (h.centered) {
          mean[i] = fma(1 - a, g, mean[i] * a);
          avg = Math.sqrt(fma(-mean[i], mean[i], nu[i]));
        } else {
          avg = Math.sqrt(nu[i]);
        }
        u[i] = (num * g) / (avg + h.eps);
      }
    },
  };
}

export interface AdagradState {
  /** Adagrad's own step count (its lr decay counts from when Adagrad started, not from the racer's first update). */
  count: number;
  sum: Float64Array;
  /** Whether `sum` has been seeded with initialAccumulatorValue. */
  seeded: boolean;
}

/**
 * Adagrad (Duchi et al. 2011) as torch: s₀ = initialAccumulatorValue,
 * s ← s + g², γ = lr/(1 + k·lrDecay), step u = γ·g/(√s + eps).
 */
export function scaleByAdagrad(h: { eps: number; initialAccumulatorValue: number; lrDecay: number }): GradientTransformation<AdagradState> {
  return {
    init: (dim) => ({ count: 0, sum: new Float64Array(dim), seeded: false }),
    updateInPlace(u, s, ctx) {
      if (!s.seeded) {
        s.sum.fill(h.initialAccumulatorValue);
        s.seeded = true;
      }
      const clr = ctx.lr / (1 + s.count * h.lrDecay);
      s.count += 1;
      const sum = s.sum;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        sum[i] = fma(g, g, sum[i]);
        u[i] = (clr * g) / (Math.sqrt(sum[i]) + h.eps);
      }
    },
  };
}

/**
 * The step lr·u (θ ← θ − lr·u). It sets the context's `stepScale` rather than
 * scaling u, so the update is applied as one fused multiply-add, exactly like
 * torch's `param.add_(d, alpha=−lr)`.
 */
export function scaleByLearningRate(): GradientTransformation<null> {
  return {
    init: () => null,
    updateInPlace(_u, _s, ctx) {
      ctx.stepScale = ctx.lr;
    },
  };
}

/**
 * optax.apply_updates, and the one place the step's sign is flipped:
 * θᵢ ← fma(−stepScale, uᵢ, θᵢ·paramScale). Transforms hand over a step along
 * the gradient; −stepScale is exact, so this rounds exactly as torch's
 * `param.add_(d, alpha=−lr)` and `addcdiv_(m, denom, value=−lr/bc1)`.
 */
export function applyUpdatesInPlace(theta: Float64Array, u: Float64Array, ctx: StepContext): void {
  const n = theta.length;
  const { paramScale } = ctx;
  const scale = -ctx.stepScale;
  if (paramScale !== 1) for (let i = 0; i < n; i++) theta[i] = theta[i] * paramScale;
  for (let i = 0; i < n; i++) theta[i] = fma(scale, u[i], theta[i]);
}

/**
 * optax.inject_hyperparams for the learning rate: a wrapper that gives update
 * k = ctx.step the rate lr_k = schedule(k) (the constant lr without a
 * schedule; `scheduledLearningRate`, torch's lr_scheduler formulas) in ctx.lr,
 * then runs `inner`, whose transforms (and Newton's and L-BFGS's steppers
 * after it) read it. The record is live: a retuned lr or schedule applies
 * from the next update. Its state is the inner state.
 */
export function injectLearningRate<S>(
  h: { lr: number; schedule: ScheduleSpec | null },
  inner: GradientTransformation<S>,
): GradientTransformation<S> {
  return {
    init: (dim) => inner.init(dim),
    updateInPlace(u, s, ctx) {
      ctx.lr = scheduledLearningRate(h.schedule, h.lr, ctx.step);
      inner.updateInPlace(u, s, ctx);
    },
  };
}

/**
 * Additive Gaussian gradient noise: g ← g + σξ with ξ ~ N(0, I), one draw of
 * the step's stream (`ctx.rng.normal()`) per coordinate in order; σ = 0 draws
 * nothing (optax.add_noise with a constant variance; Neelakantan et al. 2015).
 */
export function addNoise(h: { noise: number }): GradientTransformation<null> {
  return {
    init: () => null,
    updateInPlace(u, _s, ctx) {
      const sigma = h.noise;
      if (sigma === 0) return;
      const rng = ctx.rng;
      for (let i = 0; i < u.length; i++) u[i] = u[i] + sigma * rng.normal();
    },
  };
}

/** Euclidean norm of a vector. */
export function l2norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/**
 * Gradient-norm clipping exactly as torch.nn.utils.clip_grad_norm_:
 * g ← g·min(1, c/(‖g‖ + 1e-6)).
 */
export function clipGradNormInPlace(u: Float64Array, clipNorm: number): void {
  // torch evaluates `max_norm / (total_norm + 1e-6)` as a tensor's __rtruediv__,
  // i.e. reciprocal() * max_norm; the same rounding keeps paths bit-identical.
  const coef = Math.min((1 / (l2norm(u) + 1e-6)) * clipNorm, 1);
  for (let i = 0; i < u.length; i++) u[i] = u[i] * coef;
}

/**
 * optax.clip_by_global_norm with torch's rounding (`clipGradNormInPlace`):
 * g ← g·min(1, c/(‖g‖ + 1e-6)) for c = clipNorm; no clipping when it is null.
 */
export function clipByGlobalNorm(h: { clipNorm: number | null }): GradientTransformation<null> {
  return {
    init: () => null,
    updateInPlace(u, _s, _ctx) {
      if (h.clipNorm !== null) clipGradNormInPlace(u, h.clipNorm);
    },
  };
}
