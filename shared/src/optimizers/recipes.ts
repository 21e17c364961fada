/**
 * The named optimizers as one-line recipes (optax `_src/alias.py`), each a
 * chain over a live hyperparameter record `h` so that `retune` changes them
 * without resetting state. Torch's semantics (MATH.md) decide every order.
 *
 * A recipe is the optimizer's own chain (the learning rate of update k
 * injected) and a stepper that moves θ: first-order methods add their step
 * (`addUpdates`); Newton and L-BFGS need the objective, not just a gradient,
 * so they are steppers that take the processed gradient (clipped, noised,
 * with the weight-decay term) and query the landscape. The game's knobs that
 * are on are chained before it (`knobs`); SAM and minibatches act on the
 * gradient oracle before any of this (`oracles.ts`).
 */
import type { Landscape } from '../landscapes/Landscape';
import { fma } from '../linalg/fma';
import { type LbfgsState, lbfgsInit, lbfgsStepInPlace } from './lbfgs';
import { newtonStepInPlace } from './newton';
import type { KnobSpec, OptimizerSpec } from './optimizerSpec';
import {
  addDecayedWeights,
  addDecoupledWeightDecay,
  addNoise,
  applyUpdatesInPlace,
  chain,
  clipByGlobalNorm,
  type GradientTransformation,
  injectLearningRate,
  type StepContext,
  scaleByAdagrad,
  scaleByAdam,
  scaleByLearningRate,
  scaleByRms,
  traceRmsMomentum,
  traceTorchSgd,
} from './transforms';

/** What moves θ once the chain has processed the gradient. */
export interface Stepper<S = unknown> {
  init(dim: number): S;
  /**
   * Moves θ in place given the processed gradient `u` (and the context the
   * chain left: lr, stepScale, paramScale) and `loss` = f(θ) from the oracle.
   * Returns the gradient evaluations it used beyond the oracle's.
   */
  stepInPlace(theta: Float64Array, u: Float64Array, state: S, ctx: StepContext, landscape: Landscape, loss: number): number;
}

export interface Recipe {
  /** The optimizer's own chain, the learning rate of update k injected (stateful: a same-kind retune keeps its state). */
  transform: GradientTransformation<unknown>;
  stepper: Stepper;
}

/**
 * The game's knobs that are on, chained before any optimizer as optax chains
 * them (`noisy_sgd` is `chain(add_noise, sgd)`): torch's clip_grad_norm_, then
 * additive noise g ← g + σξ. Both are stateless, so the chain is rebuilt from
 * the record by every retune; a knob that is off is not in it, and costs
 * nothing.
 */
export function knobs(h: KnobSpec): GradientTransformation<unknown[]> {
  const on: GradientTransformation<null>[] = [];
  if (h.clipNorm !== null) on.push(clipByGlobalNorm(h));
  if (h.noise > 0) on.push(addNoise(h));
  return chain(...on);
}

/** A first-order method's step: θ ← θ − step (`applyUpdatesInPlace`). */
export const addUpdates: Stepper<null> = {
  init: () => null,
  stepInPlace(theta, u, _s, ctx) {
    applyUpdatesInPlace(theta, u, ctx);
    return 0;
  },
};

/** The weight-decay term (λ/2)‖θ‖² that Newton and L-BFGS add to the objective they model. */
function l2Term(theta: ArrayLike<number>, wd: number): number {
  let s = 0;
  for (let i = 0; i < theta.length; i++) s += theta[i] * theta[i];
  return 0.5 * wd * s;
}

/** Damped / Levenberg–Marquardt / Armijo Newton (`newton.ts`) on f + (λ/2)‖θ‖², from the processed gradient. */
function newtonStepper(h: Extract<OptimizerSpec, { kind: 'newton' }>): Stepper<null> {
  return {
    init: () => null,
    stepInPlace(theta, u, _s, ctx, landscape, loss) {
      const f = h.weightDecay === 0 ? loss : loss + l2Term(theta, h.weightDecay);
      // newtonStepInPlace counts the gradient it was handed: the oracle already has.
      return newtonStepInPlace(theta, landscape, { ...h, lr: ctx.lr }, u, f) - 1;
    },
  };
}

/** torch's L-BFGS (`lbfgs.ts`) on f + (λ/2)‖θ‖², from the processed gradient; its line search asks the full-batch objective. */
function lbfgsStepper(h: Extract<OptimizerSpec, { kind: 'lbfgs' }>): Stepper<LbfgsState> {
  return {
    init: () => lbfgsInit(),
    stepInPlace(theta, u, state, ctx, landscape, loss) {
      const wd = h.weightDecay;
      const f = wd === 0 ? loss : loss + l2Term(theta, wd);
      const objective = (x: ArrayLike<number>, out: Float64Array) => {
        let v = landscape.valueAndGradientInto(x, out);
        if (wd !== 0) {
          for (let i = 0; i < out.length; i++) out[i] = fma(wd, x[i], out[i]);
          v += l2Term(x, wd);
        }
        return v;
      };
      return lbfgsStepInPlace(theta, f, u, state, { ...h, lr: ctx.lr }, objective);
    },
  };
}

/** A first-order method: its chain with lr_k injected, then θ ← θ − step. */
function firstOrder(h: OptimizerSpec, ...transforms: GradientTransformation[]): Recipe {
  return { transform: injectLearningRate(h, chain(...transforms)), stepper: addUpdates };
}

/** Newton and L-BFGS: the L2 term's gradient λθ added and lr_k injected, then their stepper. */
function secondOrder(h: OptimizerSpec, stepper: Stepper): Recipe {
  return { transform: injectLearningRate(h, addDecayedWeights(h)), stepper };
}

/**
 * The recipe of `h.kind` over the live record `h`. Weight decay is coupled
 * (g + λθ before the statistics, torch's `weight_decay`) except for AdamW,
 * where it scales θ before the step; for Newton and L-BFGS it is the L2 term's
 * gradient λθ, and their steppers add (λ/2)‖θ‖² to f (and λI to Newton's H).
 */
export function recipe(h: OptimizerSpec): Recipe {
  switch (h.kind) {
    case 'sgd':
      return firstOrder(h, addDecayedWeights(h), traceTorchSgd(h), scaleByLearningRate());
    case 'adam':
      return firstOrder(h, addDecayedWeights(h), scaleByAdam(h));
    case 'adamw':
      return firstOrder(h, addDecoupledWeightDecay(h), scaleByAdam(h));
    case 'rmsprop':
      return firstOrder(h, addDecayedWeights(h), scaleByRms(h), traceRmsMomentum(h));
    case 'adagrad':
      return firstOrder(h, addDecayedWeights(h), scaleByAdagrad(h));
    case 'newton':
      return secondOrder(h, newtonStepper(h));
    case 'lbfgs':
      return secondOrder(h, lbfgsStepper(h));
  }
}
