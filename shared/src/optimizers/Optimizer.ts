import type { Landscape } from '../landscapes/Landscape';
import type { Rng } from '../random/Rng';
import { BatchOracle, type GradientOracle, SharpnessAwareOracle } from './oracles';
import { type OptimizerSpec, parseOptimizerSpec } from './optimizerSpec';
import { knobs, type Recipe, recipe } from './recipes';
import type { GradientTransformation, StepContext } from './transforms';
import { NEWTON_MAX_DIM } from './newton';
import { SpecError } from '../spec/SpecError';

/** What one update cost. */
export interface StepInfo {
  /** Gradient evaluations used (SAM: 2; Newton: 1 + dim; L-BFGS: 1 + line-search trials). */
  gradientEvaluations: number;
  /** f(θ) before the update (minibatch loss when a batch size is set). */
  loss: number;
}

/**
 * An optimizer's whole state, as optax's `InjectHyperparamsState(count,
 * hyperparams, inner_state)`: plain records, nothing hidden in closures.
 */
export interface OptimizerState {
  /** Updates applied so far: k of the next update, which drives the schedule (kept across every retune). */
  count: number;
  /** The live hyperparameter record every transform, oracle and stepper reads; `retune` rewrites it. */
  readonly hyperparams: OptimizerSpec;
  /** The optimizer's own chain's state (moments, momentum buffers, Adagrad's sums, in chain order). */
  readonly transform: unknown;
  /** The stepper's state (L-BFGS's curvature pairs; null for the others). */
  readonly stepper: unknown;
}

/**
 * A stateful optimizer for one racer: hyperparameters, optimizer state and
 * scratch buffers. One `stepInPlace` is one update of θ:
 *  1. the gradient oracle: g = ∇f(θ), or ∇f_B(θ) on a minibatch B drawn for this step (`BatchOracle`),
 *     wrapped by SAM/ASAM (`SharpnessAwareOracle`): g ← ∇f(θ+ε) on the same B;
 *  2. the knobs that are on (`knobs` in `recipes.ts`): torch's clip_grad_norm_, then g ← g + σξ (ξ from this step's stream);
 *  3. the optimizer's own chain (`recipe`), the learning rate of update k injected from the schedule;
 *  4. the recipe's stepper: θ ← θ − step (first-order), or Newton / L-BFGS from the processed gradient.
 *
 * @example
 *   const L = createLandscape('himmelblau');
 *   const opt = createOptimizer({ kind: 'adam', lr: 0.05 }, L.dim);
 *   const theta = Float64Array.of(0, 0);
 *   opt.stepInPlace(theta, L, new Rng(1));
 *   opt.retune({ kind: 'adam', lr: 0.01 }); // keeps Adam's moments
 *   opt.spec.lr; // 0.01 (a frozen copy: change it with retune)
 */
export class Optimizer {
  private _spec: Readonly<OptimizerSpec>;
  private _state: OptimizerState;
  /** The optimizer's own chain and stepper: stateful, rebuilt only when the kind changes. */
  private recipe: Recipe;
  /** The knobs that are on, as the step's oracle (SAM around the batch) and a chain: stateless, rebuilt by every retune. */
  private oracle!: GradientOracle;
  private knobs!: GradientTransformation<unknown[]>;
  private knobState!: unknown[];
  private readonly batch = new BatchOracle();
  private readonly g: Float64Array;
  private readonly ctx: StepContext;

  /** Validates `spec` (throws `SpecError` naming the field under `path`); `createOptimizer` is the usual way in. */
  constructor(
    spec: unknown,
    readonly dim: number,
    path = 'optimizer',
  ) {
    this._spec = freezeSpec(checkFitsDimension(parseOptimizerSpec(spec, path), dim, path));
    const hyperparams = liveRecord(this._spec);
    this.recipe = recipe(hyperparams);
    this.bindKnobs(hyperparams);
    this._state = { count: 0, hyperparams, transform: this.recipe.transform.init(dim), stepper: this.recipe.stepper.init(dim) };
    this.g = new Float64Array(dim);
    // One context per optimizer, every field rewritten at the start of each step: no allocation per step.
    this.ctx = { step: 0, params: this.g, lr: Number.NaN, rng: null as unknown as Rng, stepScale: 1, paramScale: 1 };
  }

  /** The normalised spec now in force: frozen (deeply), replaced by `retune`, so callers may keep it. */
  get spec(): Readonly<OptimizerSpec> {
    return this._spec;
  }

  /** Updates applied so far (k of the next update). */
  get updates(): number {
    return this._state.count;
  }

  /** The state (read it, do not write it): hyperparameters, step count, the chain's and the stepper's states. */
  get state(): Readonly<OptimizerState> {
    return this._state;
  }

  /**
   * Changes hyperparameters live. The same kind keeps the optimizer state
   * (moments, momentum buffers, L-BFGS memory); a different kind starts its
   * state fresh. The step count that drives schedules always carries on.
   * Throws `SpecError` and changes nothing when the spec is invalid.
   */
  retune(spec: unknown, path = 'optimizer'): void {
    const next = freezeSpec(checkFitsDimension(parseOptimizerSpec(spec, path), this.dim, path));
    const { count, hyperparams } = this._state;
    this._spec = next;
    let h = hyperparams;
    if (next.kind === hyperparams.kind) {
      // The same kind has the same fields: rewrite the live record its transforms read, keeping their state.
      Object.assign(hyperparams, liveRecord(next));
    } else {
      h = liveRecord(next);
      this.recipe = recipe(h);
      this._state = { count, hyperparams: h, transform: this.recipe.transform.init(this.dim), stepper: this.recipe.stepper.init(this.dim) };
    }
    this.bindKnobs(h);
  }

  /** A knob that is off is not in the step at all (the transforms still read the live record). */
  private bindKnobs(h: OptimizerSpec): void {
    this.oracle = h.samRadius > 0 ? new SharpnessAwareOracle(this.batch, h, this.dim) : this.batch;
    this.knobs = knobs(h);
    this.knobState = this.knobs.init(this.dim);
  }

  /** One update of θ, in place. */
  stepInPlace(theta: Float64Array, landscape: Landscape, rng: Rng): StepInfo {
    const state = this._state;
    const g = this.g;
    this.batch.beginStep(landscape, state.hyperparams.batchSize, rng);
    const loss = this.oracle.valueAndGradientInto(theta, g);
    const ctx = this.ctx;
    ctx.step = state.count;
    ctx.params = theta;
    ctx.lr = Number.NaN;
    ctx.rng = rng;
    ctx.stepScale = 1;
    ctx.paramScale = 1;
    this.knobs.updateInPlace(g, this.knobState, ctx);
    this.recipe.transform.updateInPlace(g, state.transform, ctx);
    const more = this.recipe.stepper.stepInPlace(theta, g, state.stepper, ctx, landscape, loss);
    state.count += 1;
    return { gradientEvaluations: this.batch.evaluations + more, loss };
  }
}

/**
 * The optimizer's own record of a spec, read by its transforms on every step.
 * Nested values (betas, schedule) are copies, never the frozen spec's: the
 * record is rewritten by retune, and V8 reads frozen arrays on slower paths
 * (destructuring `const [b1, b2] = h.betas` cost Adam 15%).
 */
function liveRecord(spec: Readonly<OptimizerSpec>): OptimizerSpec {
  const h: Record<string, unknown> = { ...spec };
  for (const [k, v] of Object.entries(h)) {
    if (Array.isArray(v)) h[k] = [...v];
    else if (typeof v === 'object' && v !== null) h[k] = { ...v };
  }
  return h as unknown as OptimizerSpec;
}

/** Freezes a freshly parsed spec and its nested records (betas, schedule). */
function freezeSpec(spec: OptimizerSpec): Readonly<OptimizerSpec> {
  for (const v of Object.values(spec)) if (typeof v === 'object' && v !== null) Object.freeze(v);
  return Object.freeze(spec);
}

/**
 * Validates `spec` and returns a fresh optimizer for a `dim`-dimensional
 * landscape. Throws `SpecError` on bad specs.
 */
/**
 * Refuses, when the optimizer is made or retuned, a kind that cannot run on a
 * landscape of this dimension (Newton forms a dense Hessian): otherwise the
 * refusal would only come at the first step, in the middle of a race.
 */
function checkFitsDimension(spec: OptimizerSpec, dim: number, path: string): OptimizerSpec {
  if (spec.kind === 'newton' && dim > NEWTON_MAX_DIM) {
    throw new SpecError(
      `${path}.kind`,
      `newton needs a dense Hessian and is limited to ${NEWTON_MAX_DIM} parameters; this landscape has ${dim}: pick another optimizer`,
    );
  }
  return spec;
}

export function createOptimizer(spec: unknown, dim: number, path = 'optimizer'): Optimizer {
  return new Optimizer(spec, dim, path);
}
