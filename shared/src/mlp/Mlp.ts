import type { Rng } from '../random/Rng';
import { SpecError, describeValue } from '../spec/SpecError';
import type { Dataset } from './datasets';

/**
 * A small multi-layer perceptron with softmax cross-entropy loss, evaluated
 * exactly in float64 on a flat parameter vector.
 *
 * Architecture `layers = [d0, d1, …, dk]`: Linear(d0,d1), act, …, Linear(d_{k−1},dk),
 * no activation after the last Linear (its outputs are the logits).
 * Flat parameter order (MATH.md, as `torch.nn.Sequential.parameters()`): for each
 * Linear in order, the weight (out × in, row-major) then the bias (out).
 *
 * Loss: mean over the chosen samples of `logsumexp(z) − z_y` (the log-sum-exp
 * shifted by max z, so large logits never overflow).
 *
 * The class owns scratch buffers for one sample's activations, so the loss,
 * gradient and Hessian-vector product allocate nothing per call. It is therefore
 * not re-entrant: one `Mlp` instance must not be used by two computations at
 * once (JavaScript's single thread makes this automatic unless you interleave
 * generators).
 *
 * @example
 *   const net = new Mlp([2, 8, 2], 'tanh');
 *   const theta = new Float64Array(net.nParams);
 *   net.initInto(theta, new Rng(1));
 *   const g = new Float64Array(net.nParams);
 *   const loss = net.lossAndGradientInto(theta, data, g);
 */

/**
 * Hidden-layer activations: tanh, relu (max(z, 0)) and the logistic sigmoid
 * σ(z) = 1/(1 + e^(−z)) (torch.sigmoid; its slope is at most 1/4, which is why
 * deep sigmoid networks are the classic case of vanishing gradients).
 */
export const ACTIVATIONS = ['tanh', 'relu', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
/** Weight initialisation: Xavier/Glorot uniform or He/Kaiming normal (see `Mlp.initInto`). */
export const INIT_SCHEMES = ['xavier', 'he'] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

/** The initialisation a network gets unless told otherwise: He for relu, Xavier for tanh and sigmoid. */
export function defaultInitScheme(activation: Activation): InitScheme {
  return activation === 'relu' ? 'he' : 'xavier';
}

/** Where one Linear layer's parameters sit in the flat vector. */
export interface LinearLayout {
  inSize: number;
  outSize: number;
  /** Index of W[0][0]; W[o][i] is at weightOffset + o·inSize + i. */
  weightOffset: number;
  /** Index of b[0]. */
  biasOffset: number;
}

/**
 * What a network may be. Depth goes to 8 hidden layers so a deep, narrow
 * network can show vanishing and exploding gradients; the parameter cap keeps
 * the cost of one evaluation where the widest 4-layer network had it (every
 * architecture valid under the old 4 × 32 limit is still valid).
 */
export const MLP_LIMITS = { maxHiddenLayers: 8, maxHiddenUnits: 32, maxClasses: 10, maxInputs: 8, maxParams: 4096 } as const;

/** Initialisation scale (a multiplier on every initial weight): the range a spec may ask for. */
export const INIT_SCALE_RANGE = [0.001, 10] as const;

/** The flat parameter count Σ (d_{l−1}·d_l + d_l) of `[d0, …, dk]`. */
export function parameterCount(layers: readonly number[]): number {
  let n = 0;
  for (let l = 1; l < layers.length; l++) n += layers[l - 1] * layers[l] + layers[l];
  return n;
}

/**
 * Validates an architecture `[inputs, h1, …, classes]`: at most
 * `MLP_LIMITS.maxHiddenLayers` hidden layers of at most `maxHiddenUnits` units,
 * and at most `maxParams` parameters in all. Returns a copy.
 *
 * @example
 *   checkLayers([2, 6, 6, 6, 6, 6, 6, 2], 'landscape.layers', 2); // a deep narrow network: fine
 *   checkLayers([2, 32, 32, 32, 32, 32, 2], 'layers');             // SpecError: 4386 parameters, at most 4096
 */
export function checkLayers(v: unknown, path: string, inputs?: number): number[] {
  const n = MLP_LIMITS.maxHiddenLayers;
  if (!Array.isArray(v) || v.length < 2 || v.length > n + 2) {
    throw new SpecError(
      path,
      `must be an array [inputs, hidden…, classes] of 2..${n + 2} layer sizes (at most ${n} hidden layers), got ${describeValue(v)}`,
    );
  }
  const out: number[] = [];
  for (let l = 0; l < v.length; l++) {
    const d = v[l];
    const first = l === 0;
    const last = l === v.length - 1;
    const [lo, hi] = first
      ? inputs !== undefined
        ? [inputs, inputs]
        : [1, MLP_LIMITS.maxInputs]
      : last
        ? [2, MLP_LIMITS.maxClasses]
        : [1, MLP_LIMITS.maxHiddenUnits];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < lo || d > hi) {
      const what = first ? 'input size' : last ? 'number of classes' : 'hidden layer width';
      throw new SpecError(`${path}[${l}]`, `${what} must be an integer in [${lo}, ${hi}], got ${describeValue(d)}`);
    }
    out.push(d);
  }
  const params = parameterCount(out);
  if (params > MLP_LIMITS.maxParams) {
    throw new SpecError(
      path,
      `a network of layers [${out.join(', ')}] has ${params} parameters; at most ${MLP_LIMITS.maxParams} are allowed: use fewer or narrower hidden layers`,
    );
  }
  return out;
}

export class Mlp {
  readonly layers: readonly number[];
  readonly activation: Activation;
  readonly layout: readonly LinearLayout[];
  readonly nParams: number;
  readonly inputs: number;
  readonly classes: number;

  // Per-layer scratch for one sample: index l = 0..k (l = 0 is the input).
  // z[l]: pre-activation of layer l (l ≥ 1); a[l]: its output (a[k] holds softmax probabilities).
  private readonly z: Float64Array[];
  private readonly a: Float64Array[];
  private readonly delta: Float64Array[];
  // R-op (Pearlmutter 1994) companions: directional derivatives along v.
  private readonly rz: Float64Array[];
  private readonly ra: Float64Array[];
  private readonly rdelta: Float64Array[];

  constructor(layers: readonly number[], activation: Activation) {
    this.layers = Object.freeze(checkLayers([...layers], 'layers'));
    if (!ACTIVATIONS.includes(activation)) {
      throw new SpecError('activation', `must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${describeValue(activation)}`);
    }
    this.activation = activation;
    const layout: LinearLayout[] = [];
    let offset = 0;
    for (let l = 0; l + 1 < layers.length; l++) {
      const inSize = layers[l];
      const outSize = layers[l + 1];
      layout.push({ inSize, outSize, weightOffset: offset, biasOffset: offset + inSize * outSize });
      offset += inSize * outSize + outSize;
    }
    this.layout = Object.freeze(layout);
    this.nParams = offset;
    this.inputs = layers[0];
    this.classes = layers[layers.length - 1];
    const mk = () => layers.map((d) => new Float64Array(d));
    this.z = mk();
    this.a = mk();
    this.delta = mk();
    this.rz = mk();
    this.ra = mk();
    this.rdelta = mk();
  }

  /**
   * Random initial weights from `rng`, biases 0. Xavier/Glorot uniform
   * (U(±√(6/(in+out))), keeps the variance of tanh layers) or He/Kaiming
   * normal (N(0, 2/in), keeps the variance of relu layers), every weight
   * multiplied by `scale` (scale 1 draws exactly the unscaled weights). Weights
   * are drawn layer by layer in the flat order; the draws do not depend on
   * `scale`, so two scales of one seed are the same network, stretched.
   *
   * @example
   *   const net = new Mlp([2, 6, 6, 6, 6, 6, 6, 2], 'sigmoid');
   *   net.initInto(theta, new Rng(1).fork('init'), 'xavier', 0.1); // a network whose gradients vanish
   */
  initInto(params: Float64Array, rng: Rng, scheme: InitScheme = defaultInitScheme(this.activation), scale = 1): Float64Array {
    this.checkParams(params, 'params');
    if (!INIT_SCHEMES.includes(scheme)) {
      throw new SpecError('init', `must be one of ${INIT_SCHEMES.map((a) => `'${a}'`).join(', ')}, got ${describeValue(scheme)}`);
    }
    if (!(typeof scale === 'number' && scale > 0 && scale < Infinity)) {
      throw new SpecError('initScale', `must be a finite number > 0, got ${describeValue(scale)}`);
    }
    for (const L of this.layout) {
      const nw = L.inSize * L.outSize;
      if (scheme === 'xavier') {
        const bound = scale * Math.sqrt(6 / (L.inSize + L.outSize));
        for (let i = 0; i < nw; i++) params[L.weightOffset + i] = bound * (2 * rng.uniform() - 1);
      } else {
        const std = scale * Math.sqrt(2 / L.inSize);
        for (let i = 0; i < nw; i++) params[L.weightOffset + i] = std * rng.normal();
      }
      params.fill(0, L.biasOffset, L.biasOffset + L.outSize);
    }
    return params;
  }

  /**
   * Forward pass of the point x[xOffset … xOffset+inputs); leaves the logits in
   * z[k] and the probabilities in a[k]; returns the sample's loss for `label`
   * (0 when label < 0).
   */
  private forward(params: ArrayLike<number>, x: ArrayLike<number>, xOffset: number, label: number): number {
    const k = this.layout.length;
    const a0 = this.a[0];
    const d0 = this.inputs;
    for (let i = 0; i < d0; i++) a0[i] = x[xOffset + i];
    const act = this.activation;
    for (let l = 0; l < k; l++) {
      const L = this.layout[l];
      const inA = this.a[l];
      const z = this.z[l + 1];
      const out = this.a[l + 1];
      const nIn = L.inSize;
      for (let o = 0; o < L.outSize; o++) {
        let acc = params[L.biasOffset + o];
        const row = L.weightOffset + o * nIn;
        for (let i = 0; i < nIn; i++) acc += params[row + i] * inA[i];
        z[o] = acc;
      }
      if (l + 1 < k) {
        if (act === 'tanh') for (let o = 0; o < L.outSize; o++) out[o] = Math.tanh(z[o]);
        else if (act === 'relu') for (let o = 0; o < L.outSize; o++) out[o] = z[o] > 0 ? z[o] : 0;
        else for (let o = 0; o < L.outSize; o++) out[o] = 1 / (1 + Math.exp(-z[o]));
      }
    }
    // Softmax with the log-sum-exp shift.
    const z = this.z[k];
    const p = this.a[k];
    const c = this.classes;
    let m = z[0];
    for (let j = 1; j < c; j++) if (z[j] > m) m = z[j];
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const e = Math.exp(z[j] - m);
      p[j] = e;
      sum += e;
    }
    for (let j = 0; j < c; j++) p[j] /= sum;
    return label >= 0 ? m + Math.log(sum) - z[label] : 0;
  }

  /** Mean cross-entropy over the samples (all of `data`, or `indices[0..count)`). */
  loss(params: ArrayLike<number>, data: Dataset, indices?: Int32Array | null, count?: number): number {
    const n = indices ? (count ?? indices.length) : data.y.length;
    let total = 0;
    for (let t = 0; t < n; t++) {
      const s = indices ? indices[t] : t;
      total += this.forward(params, data.x, s * this.inputs, data.y[s]);
    }
    return total / n;
  }

  /**
   * Writes ∇loss into `grad` (overwriting it) and returns the loss; the loss is
   * the mean over all of `data`, or over `indices[0..count)` for a minibatch.
   * `grad` must not alias `params` (it is cleared first).
   */
  lossAndGradientInto(params: ArrayLike<number>, data: Dataset, grad: Float64Array, indices?: Int32Array | null, count?: number): number {
    const n = indices ? (count ?? indices.length) : data.y.length;
    grad.fill(0, 0, this.nParams);
    const k = this.layout.length;
    const c = this.classes;
    const scale = 1 / n;
    const act = this.activation;
    let total = 0;
    for (let t = 0; t < n; t++) {
      const s = indices ? indices[t] : t;
      const label = data.y[s];
      total += this.forward(params, data.x, s * this.inputs, label);
      // δ_k = ∂loss/∂z_k = (softmax − onehot)/n
      const dk = this.delta[k];
      const p = this.a[k];
      for (let j = 0; j < c; j++) dk[j] = (p[j] - (j === label ? 1 : 0)) * scale;
      for (let l = k - 1; l >= 0; l--) {
        const L = this.layout[l];
        const d = this.delta[l + 1];
        const inA = this.a[l];
        const nIn = L.inSize;
        if (l === 0) {
          for (let o = 0; o < L.outSize; o++) {
            const dv = d[o];
            grad[L.biasOffset + o] += dv;
            const row = L.weightOffset + o * nIn;
            for (let i = 0; i < nIn; i++) grad[row + i] += dv * inA[i];
          }
          continue;
        }
        // One contiguous pass over each weight row does both ∂/∂W += δ a_lᵀ and
        // e = W_lᵀ δ (accumulated in dPrev); then δ_l = act'(z_l) ⊙ e.
        const dPrev = this.delta[l];
        dPrev.fill(0);
        for (let o = 0; o < L.outSize; o++) {
          const dv = d[o];
          grad[L.biasOffset + o] += dv;
          const row = L.weightOffset + o * nIn;
          for (let i = 0; i < nIn; i++) {
            grad[row + i] += dv * inA[i];
            dPrev[i] += params[row + i] * dv;
          }
        }
        if (act === 'tanh') for (let i = 0; i < nIn; i++) dPrev[i] *= 1 - inA[i] * inA[i];
        else if (act === 'relu') {
          const zPrev = this.z[l];
          for (let i = 0; i < nIn; i++) if (!(zPrev[i] > 0)) dPrev[i] = 0;
        } else for (let i = 0; i < nIn; i++) dPrev[i] *= inA[i] * (1 - inA[i]); // σ' = σ(1 − σ)
      }
    }
    return total / n;
  }

  /**
   * Exact Hessian-vector product H(params)·v of the mean loss, written into
   * `out` (overwriting it), by forward-over-reverse differentiation: the R-op
   * of Pearlmutter (1994) pushed through the forward pass, then through the
   * backward pass. Costs about two gradients; no finite differences.
   * `out` must not alias `v` or `params` (it is cleared first).
   */
  hvpInto(
    params: ArrayLike<number>,
    data: Dataset,
    v: ArrayLike<number>,
    out: Float64Array,
    indices?: Int32Array | null,
    count?: number,
  ): void {
    const n = indices ? (count ?? indices.length) : data.y.length;
    out.fill(0, 0, this.nParams);
    const k = this.layout.length;
    const c = this.classes;
    const scale = 1 / n;
    const tanh = this.activation === 'tanh';
    const relu = this.activation === 'relu';
    for (let t = 0; t < n; t++) {
      const s = indices ? indices[t] : t;
      const label = data.y[s];
      this.forward(params, data.x, s * this.inputs, label);
      // Forward R pass: R(z_{l+1}) = V_l a_l + W_l R(a_l) + Vb_l, R(a) = act'(z) R(z), R(a_0) = 0.
      this.ra[0].fill(0);
      for (let l = 0; l < k; l++) {
        const L = this.layout[l];
        const inA = this.a[l];
        const inRa = this.ra[l];
        const rz = this.rz[l + 1];
        const nIn = L.inSize;
        for (let o = 0; o < L.outSize; o++) {
          let acc = v[L.biasOffset + o];
          const row = L.weightOffset + o * nIn;
          for (let i = 0; i < nIn; i++) acc += v[row + i] * inA[i] + params[row + i] * inRa[i];
          rz[o] = acc;
        }
        if (l + 1 < k) {
          const outA = this.a[l + 1];
          const outRa = this.ra[l + 1];
          const z = this.z[l + 1];
          if (tanh) for (let o = 0; o < L.outSize; o++) outRa[o] = (1 - outA[o] * outA[o]) * rz[o];
          else if (relu) for (let o = 0; o < L.outSize; o++) outRa[o] = z[o] > 0 ? rz[o] : 0;
          else for (let o = 0; o < L.outSize; o++) outRa[o] = outA[o] * (1 - outA[o]) * rz[o];
        }
      }
      // Output: δ = (p − e_y)/n, R(δ) = R(p)/n with R(p) = p ⊙ (R(z) − pᵀR(z)).
      const p = this.a[k];
      const rzk = this.rz[k];
      let pr = 0;
      for (let j = 0; j < c; j++) pr += p[j] * rzk[j];
      const dk = this.delta[k];
      const rdk = this.rdelta[k];
      for (let j = 0; j < c; j++) {
        dk[j] = (p[j] - (j === label ? 1 : 0)) * scale;
        rdk[j] = p[j] * (rzk[j] - pr) * scale;
      }
      // Backward R pass.
      for (let l = k - 1; l >= 0; l--) {
        const L = this.layout[l];
        const d = this.delta[l + 1];
        const rd = this.rdelta[l + 1];
        const inA = this.a[l];
        const inRa = this.ra[l];
        const nIn = L.inSize;
        const hasPrev = l > 0;
        const dPrev = this.delta[l];
        const rdPrev = this.rdelta[l];
        if (hasPrev) {
          dPrev.fill(0);
          rdPrev.fill(0);
        }
        // One contiguous pass over each weight row: R(∂/∂W) = R(δ) a_lᵀ + δ R(a_l)ᵀ,
        // and (for l > 0) e = W_lᵀ δ into dPrev, R(e) = V_lᵀ δ + W_lᵀ R(δ) into rdPrev.
        for (let o = 0; o < L.outSize; o++) {
          const dv = d[o];
          const rdv = rd[o];
          out[L.biasOffset + o] += rdv;
          const row = L.weightOffset + o * nIn;
          if (hasPrev) {
            for (let i = 0; i < nIn; i++) {
              const w = params[row + i];
              out[row + i] += rdv * inA[i] + dv * inRa[i];
              dPrev[i] += w * dv;
              rdPrev[i] += v[row + i] * dv + w * rdv;
            }
          } else {
            for (let i = 0; i < nIn; i++) out[row + i] += rdv * inA[i] + dv * inRa[i];
          }
        }
        if (!hasPrev) continue;
        const zPrev = this.z[l];
        const rzPrev = this.rz[l];
        for (let i = 0; i < nIn; i++) {
          const e = dPrev[i];
          const re = rdPrev[i];
          if (tanh) {
            // act' = 1 − a², act'' = −2a(1 − a²)
            const ai = inA[i];
            const d1 = 1 - ai * ai;
            dPrev[i] = d1 * e;
            rdPrev[i] = -2 * ai * d1 * rzPrev[i] * e + d1 * re;
          } else if (relu) {
            // act' = [z > 0], act'' = 0
            if (!(zPrev[i] > 0)) {
              dPrev[i] = 0;
              rdPrev[i] = 0;
            }
          } else {
            // sigmoid: act' = σ(1 − σ), act'' = σ(1 − σ)(1 − 2σ)
            const ai = inA[i];
            const d1 = ai * (1 - ai);
            dPrev[i] = d1 * e;
            rdPrev[i] = d1 * (1 - 2 * ai) * rzPrev[i] * e + d1 * re;
          }
        }
      }
    }
  }

  /** Class probabilities of the point x[xOffset … xOffset+inputs) into `out` (length `classes`). */
  predictProbaInto(params: ArrayLike<number>, x: ArrayLike<number>, out: Float64Array, xOffset = 0): Float64Array {
    this.forward(params, x, xOffset, -1);
    const p = this.a[this.layout.length];
    for (let j = 0; j < this.classes; j++) out[j] = p[j];
    return out;
  }

  /** Fraction of the points of `data` whose most probable class is the label. */
  accuracy(params: ArrayLike<number>, data: Dataset): number {
    const n = data.y.length;
    const p = this.a[this.layout.length];
    let correct = 0;
    for (let s = 0; s < n; s++) {
      this.forward(params, data.x, s * this.inputs, -1);
      let best = 0;
      for (let j = 1; j < this.classes; j++) if (p[j] > p[best]) best = j;
      if (best === data.y[s]) correct++;
    }
    return correct / n;
  }

  /** ‖w‖² over the weights only (biases excluded), the L2 penalty's norm. */
  weightNormSquared(params: ArrayLike<number>): number {
    let s = 0;
    for (const L of this.layout) {
      const end = L.weightOffset + L.inSize * L.outSize;
      for (let i = L.weightOffset; i < end; i++) s += params[i] * params[i];
    }
    return s;
  }

  /**
   * Adds λ·(weights of `src`) into `out` on the weight entries (biases untouched):
   * the gradient of (λ/2)‖w‖² when src = params, its Hessian-vector product when src = v.
   */
  addWeightDecayInto(lambda: number, src: ArrayLike<number>, out: Float64Array): void {
    if (lambda === 0) return;
    for (const L of this.layout) {
      const end = L.weightOffset + L.inSize * L.outSize;
      for (let i = L.weightOffset; i < end; i++) out[i] += lambda * src[i];
    }
  }

  /** True at the flat indices that are weights (false for biases). */
  isWeight(index: number): boolean {
    for (const L of this.layout) {
      if (index >= L.weightOffset && index < L.biasOffset) return true;
    }
    return false;
  }

  checkParams(params: ArrayLike<number>, path: string): void {
    if (params.length !== this.nParams) {
      throw new SpecError(path, `must have ${this.nParams} entries for layers [${this.layers.join(', ')}], got ${params.length}`);
    }
  }
}
