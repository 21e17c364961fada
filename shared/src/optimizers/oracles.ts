/**
 * Gradient oracles: where a step's gradient comes from. An oracle answers
 * "f and ∇f at θ" for one fixed objective; which objective a step sees (the
 * full loss or one minibatch's) is decided once per step, before any
 * transform runs. SAM is a wrapper around an oracle (as optax's `sam` in
 * opaque mode calls a `grad_fn`), not a flag inside the update.
 *
 * Everything here writes into caller buffers and allocates only when built:
 * the server steps thousands of racers per second.
 */
import type { Landscape } from '../landscapes/Landscape';
import { Rng } from '../random/Rng';
import { l2norm } from './transforms';

/** One fixed objective: writes ∇f(θ) into `grad` and returns f(θ). */
export interface GradientOracle {
  valueAndGradientInto(theta: ArrayLike<number>, grad: Float64Array): number;
}

/**
 * The objective of one step: the full loss, or — with a batch size below the
 * data size on a data-backed landscape — the loss f_B of one minibatch B,
 * drawn from the step's stream the first time the step asks for a gradient.
 * Every later question in the same step (SAM's gradient at θ+ε) is answered
 * on the same B: the batch is identified by the stream position it was drawn
 * from, and redrawn from a private copy of that position, so the caller's
 * stream advances by exactly one draw and is never rewound.
 * Counts the gradients it computes (`evaluations`).
 *
 * @example
 *   const batch = new BatchOracle();
 *   batch.beginStep(mlp, 16, rng);
 *   const f = batch.valueAndGradientInto(theta, g); // draws B
 *   batch.valueAndGradientInto(probe, g);           // same B at another θ
 */
export class BatchOracle implements GradientOracle {
  /** Gradients computed since `beginStep`. */
  evaluations = 0;
  private landscape: Landscape | null = null;
  private batchSize = 0;
  private rng: Rng | null = null;
  private drawn = false;
  /** Where this step's batch was drawn from in the caller's stream. */
  private readonly drawStart: [number, number, number, number] = [0, 0, 0, 0];
  private drawSpare: number | null = null;
  /** Redraws this step's batch (made on the first replay: most steps never need one). */
  private replay: Rng | null = null;

  /** Starts a step on `landscape`: a minibatch of `batchSize` (null: the full batch) drawn from `rng` when first asked. */
  beginStep(landscape: Landscape, batchSize: number | null, rng: Rng): this {
    const minibatch =
      batchSize !== null &&
      landscape.stochasticGradientInto !== undefined &&
      landscape.dataSize !== undefined &&
      batchSize < landscape.dataSize;
    this.landscape = landscape;
    this.batchSize = minibatch ? batchSize : 0;
    this.rng = rng;
    this.drawn = false;
    this.evaluations = 0;
    return this;
  }

  valueAndGradientInto(theta: ArrayLike<number>, grad: Float64Array): number {
    const L = this.landscape!;
    this.evaluations += 1;
    if (this.batchSize === 0) return L.valueAndGradientInto(theta, grad);
    if (!this.drawn) {
      const { s, spare } = this.rng!.state;
      for (let i = 0; i < 4; i++) this.drawStart[i] = s[i];
      this.drawSpare = spare;
      this.drawn = true;
      return L.stochasticGradientInto!(theta, grad, this.batchSize, this.rng!);
    }
    this.replay ??= new Rng(0);
    const r = this.replay.state;
    for (let i = 0; i < 4; i++) r.s[i] = this.drawStart[i];
    r.spare = this.drawSpare;
    return L.stochasticGradientInto!(theta, grad, this.batchSize, this.replay);
  }
}

/**
 * Sharpness-aware minimisation around an oracle (Foret et al. 2021): the
 * gradient handed on is ∇f(θ+ε), with g = ∇f(θ) and ε = ρ·g/(‖g‖ + 1e-12); ASAM
 * (Kwon et al. 2021, `samAdaptive`) uses ε = ρ·T²g/(‖Tg‖ + 1e-12), T = diag|θ|.
 * Both gradients come from the wrapped oracle, so a minibatch step sees the
 * same batch at θ and at θ+ε. Returns f(θ), not f(θ+ε). ρ = 0 passes the
 * oracle through (one evaluation). Reads the live hyperparameter record.
 */
export class SharpnessAwareOracle implements GradientOracle {
  private readonly probe: Float64Array;

  constructor(
    readonly inner: GradientOracle,
    private readonly h: { samRadius: number; samAdaptive: boolean },
    dim: number,
  ) {
    this.probe = new Float64Array(dim);
  }

  valueAndGradientInto(theta: ArrayLike<number>, grad: Float64Array): number {
    const rho = this.h.samRadius;
    const loss = this.inner.valueAndGradientInto(theta, grad);
    if (rho === 0) return loss;
    const n = grad.length;
    const p = this.probe;
    if (this.h.samAdaptive) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (Math.abs(theta[i]) * grad[i]) ** 2;
      const scale = rho / (Math.sqrt(s) + 1e-12);
      for (let i = 0; i < n; i++) p[i] = theta[i] + scale * theta[i] * theta[i] * grad[i];
    } else {
      const scale = rho / (l2norm(grad) + 1e-12);
      for (let i = 0; i < n; i++) p[i] = theta[i] + scale * grad[i];
    }
    this.inner.valueAndGradientInto(p, grad);
    return loss;
  }
}
