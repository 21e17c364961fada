import type { Bounds2D, GridSpec, Landscape, LandscapeInfo, MlpLandscapeSpec } from '../landscapes/Landscape';
import { Rng } from '../random/Rng';
import { SpecError, describeValue } from '../spec/SpecError';
import { asObject, booleanField, checkNumber, enumField, numberField, rejectUnknownKeys, type Json } from '../spec/fields';
import { DATASET_KINDS, DATASET_LIMITS, datasetFromJson, makeTrainTestSplit, seedField, type Dataset } from './datasets';
import { randomFilterNormalizedDirection } from './filterNormalize';
import { ACTIVATIONS, INIT_SCALE_RANGE, INIT_SCHEMES, Mlp, checkLayers, defaultInitScheme } from './Mlp';
import { PlaneProjection, dot } from './PlaneProjection';
import { sliceLossGridInto } from './sliceGrid';
import { createMlpGridEvaluator, createMlpTrainer, type MlpGridEvaluator, type MlpTrainer } from './fast/index';

/**
 * Small-MLP loss landscapes (Li et al. 2018), in two forms:
 *
 * - **slice** (dim 2): f(a, b) = L(center + a·d1 + b·d2), a terrain like any
 *   other, with exact gradient (d1·∇L, d2·∇L) and exact 2×2 Hessian
 *   (dᵢᵀ H dⱼ from two Hessian-vector products).
 * - **full** (dim = nParams): f(θ) = L(θ); racers optimise every weight and are
 *   drawn at the least-squares coordinates of θ − center in the plane spanned
 *   by d1, d2 (`projectInto`), and `gridInto` renders the loss on that plane.
 *
 * `value`, `valueAndGradientInto` and `stochasticGradientInto` run on the
 * fused WebAssembly SIMD forward+backward kernel of `mlp/fast` (trainer.ts)
 * when it can be compiled synchronously (Node, Web Workers), and on the plain
 * float64 loops of `Mlp` otherwise (a browser page's main thread refuses
 * synchronous compilation; `kernel: 'plain'` forces them). The two agree to
 * ~1e-14 relative (test/shared/mlp-speed.test.ts holds them to 1e-12); the
 * kernel gives the same bits in every engine, the plain loops use Math.tanh
 * and Math.exp, whose last bit may differ between engines.
 * Hessian-vector products and `evaluate` always use the plain loops.
 *
 * L is the mean softmax cross-entropy over the training data plus, when
 * `weightDecay` λ > 0, the penalty (λ/2)‖w‖² over the **weights only** (biases
 * are not decayed, as filter normalisation also leaves them out; the
 * reference data uses λ = 0).
 *
 * Two spec forms (see `MlpLandscapeSpec`): explicit data, center and optional
 * directions; or generated from a seed, where independent sub-streams of the
 * seed make the training set (`fork('train')`), the test set (`fork('test')`),
 * the initial weights used as center (`fork('init')`: `init` Xavier or He,
 * by default He for relu and Xavier otherwise, times `initScale`) and the two filter-normalised Gaussian directions
 * (`fork('directions')`). The generated form is the full space unless
 * `slice: true`.
 *
 * @example
 *   const L = createMlpLandscape({ kind: 'mlp', dataset: 'moons', samples: 200, noise: 0.1,
 *                                  layers: [2, 8, 2], activation: 'tanh', seed: 1, slice: true });
 *   L.value([0.2, -0.3]);           // loss of the network center + 0.2·d1 − 0.3·d2
 *   L.paramsInto([0.2, -0.3], buf); // that network's parameters
 */
export interface MlpLandscape extends Landscape {
  readonly spec: MlpLandscapeSpec;
  readonly form: 'slice' | 'full';
  /** The network (architecture, activation, flat layout, forward/backward/HVP). */
  readonly network: Mlp;
  readonly train: Dataset;
  /** Held-out data from the same distribution (generated form, or explicit `testData`), else null. */
  readonly test: Dataset | null;
  /** θ* of the slice, and the origin of the projection plane. */
  readonly center: Float64Array;
  readonly directions: readonly [Float64Array, Float64Array];
  /** The plane center + a·d1 + b·d2 (the slice itself, or the drawing plane of the full form). */
  readonly plane: PlaneProjection;
  readonly weightDecay: number;
  readonly dataSize: number;
  hvpInto(theta: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array): void;
  stochasticGradientInto(theta: ArrayLike<number>, grad: Float64Array, batchSize: number, rng: Rng): number;
  gridInto(grid: GridSpec, out: Float64Array): void;
  /** `gridInto` by the plain float64 loops (the reference the fast kernel is checked against). */
  plainGridInto(grid: GridSpec, out: Float64Array): void;
  /** The network's parameter vector (length nParams) for a point of this landscape. */
  paramsInto(theta: ArrayLike<number>, out: Float64Array): Float64Array;
  /** Train (and test) cross-entropy, without the weight-decay penalty, and accuracy. */
  evaluate(theta: ArrayLike<number>): GeneralisationReport;
  /**
   * Which code computes `value` and the gradients: 'wasm' (the SIMD kernel)
   * or 'plain' (the float64 loops of `Mlp`). Asking compiles the kernel if needed.
   */
  readonly gradientKernel: 'wasm' | 'plain';
}

/** How `createMlpLandscape` evaluates loss and gradient. */
export interface MlpLandscapeOptions {
  /**
   * 'auto' (default): the WebAssembly SIMD kernel when the runtime can compile
   * it synchronously, else the plain float64 loops; 'plain': always the loops.
   */
  kernel?: 'auto' | 'plain';
}

export interface GeneralisationReport {
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number | null;
  testAccuracy: number | null;
}

const EXPLICIT_KEYS = ['kind', 'layers', 'activation', 'data', 'center', 'directions', 'weightDecay', 'testData'] as const;
const GENERATED_KEYS = [
  'kind',
  'dataset',
  'samples',
  'noise',
  'layers',
  'activation',
  'seed',
  'slice',
  'testSamples',
  'weightDecay',
  'init',
  'initScale',
] as const;

/** Builds an MLP landscape from either spec form; throws `SpecError` naming the bad field. */
export function createMlpLandscape(spec: unknown, path = 'landscape', options: MlpLandscapeOptions = {}): MlpLandscape {
  const o = asObject(spec, path);
  if (o.kind !== 'mlp') throw new SpecError(`${path}.kind`, `must be 'mlp', got ${describeValue(o.kind)}`);
  const kernel = options.kernel ?? 'auto';
  if (kernel !== 'auto' && kernel !== 'plain')
    throw new SpecError('options.kernel', `must be 'auto' or 'plain', got ${describeValue(kernel)}`);
  const impl = 'dataset' in o ? fromGenerated(o, path) : fromExplicit(o, path);
  if (kernel === 'plain') impl.usePlainKernel();
  return impl;
}

function fromExplicit(o: Json, path: string): MlpLandscapeImpl {
  rejectUnknownKeys(o, path, EXPLICIT_KEYS);
  const layers = checkLayers(o.layers, `${path}.layers`, 2);
  const activation = enumField(o, 'activation', path, ACTIVATIONS);
  const network = new Mlp(layers, activation);
  const classes = network.classes;
  const train = datasetFromJson(o.data, network.inputs, classes, `${path}.data`);
  const test = o.testData === undefined ? null : datasetFromJson(o.testData, network.inputs, classes, `${path}.testData`);
  const center = vectorField(o.center, `${path}.center`, network.nParams);
  const weightDecay = numberField(o, 'weightDecay', path, 0, { min: 0, max: 10 });
  let directions: [Float64Array, Float64Array];
  let slice: boolean;
  if (o.directions === undefined) {
    // No plane given: a fixed, spec-independent seed keeps the projection reproducible.
    const rng = new Rng('mlp-projection-plane');
    directions = [randomFilterNormalizedDirection(center, layers, rng), randomFilterNormalizedDirection(center, layers, rng)];
    if (!independent(directions)) {
      // Filter normalisation of all-zero weights gives zero directions: fall back to unit Gaussian ones.
      directions = [rng.normalsInto(new Float64Array(network.nParams)), rng.normalsInto(new Float64Array(network.nParams))];
      for (const d of directions) {
        const norm = Math.sqrt(dot(d, d));
        for (let q = 0; q < d.length; q++) d[q] /= norm;
      }
    }
    slice = false;
  } else {
    if (!Array.isArray(o.directions) || o.directions.length !== 2) {
      throw new SpecError(
        `${path}.directions`,
        `must be two direction vectors of ${network.nParams} numbers, got ${describeValue(o.directions)}`,
      );
    }
    directions = [
      vectorField(o.directions[0], `${path}.directions[0]`, network.nParams),
      vectorField(o.directions[1], `${path}.directions[1]`, network.nParams),
    ];
    slice = true;
  }
  checkIndependent(directions, `${path}.directions`);
  const normalised: MlpLandscapeSpec = {
    kind: 'mlp',
    layers,
    activation,
    data: JSON.parse(JSON.stringify(o.data)) as { x: number[][]; y: number[] },
    center: Array.from(center),
    ...(slice ? { directions: [Array.from(directions[0]), Array.from(directions[1])] as [number[], number[]] } : {}),
    weightDecay,
    ...(o.testData !== undefined ? { testData: JSON.parse(JSON.stringify(o.testData)) as { x: number[][]; y: number[] } } : {}),
  };
  const title = `MLP [${layers.join('-')}] ${activation}`;
  return new MlpLandscapeImpl(normalised, slice, network, train, test, center, directions, weightDecay, title);
}

function fromGenerated(o: Json, path: string): MlpLandscapeImpl {
  rejectUnknownKeys(o, path, GENERATED_KEYS);
  const dataset = enumField(o, 'dataset', path, DATASET_KINDS);
  const samples = numberField(o, 'samples', path, undefined, {
    min: DATASET_LIMITS.minSamples,
    max: DATASET_LIMITS.maxSamples,
    integer: true,
  });
  const testSamples = numberField(o, 'testSamples', path, samples, {
    min: DATASET_LIMITS.minSamples,
    max: DATASET_LIMITS.maxSamples,
    integer: true,
  });
  const noise = numberField(o, 'noise', path, 0.1, { min: 0, max: 1 });
  const layers = checkLayers(o.layers, `${path}.layers`, 2);
  const classes = layers[layers.length - 1];
  if (dataset !== 'blobs' && classes !== 2) {
    throw new SpecError(
      `${path}.layers[${layers.length - 1}]`,
      `the ${dataset} dataset has 2 classes, so the last layer must be 2, got ${classes}`,
    );
  }
  if (dataset === 'blobs' && classes > DATASET_LIMITS.maxBlobClasses) {
    throw new SpecError(`${path}.layers[${layers.length - 1}]`, `blobs have 2..${DATASET_LIMITS.maxBlobClasses} classes, got ${classes}`);
  }
  const activation = enumField(o, 'activation', path, ACTIVATIONS);
  const seed = seedField(o.seed, `${path}.seed`);
  const slice = booleanField(o, 'slice', path, false);
  const weightDecay = numberField(o, 'weightDecay', path, 0, { min: 0, max: 10 });
  const init = enumField(o, 'init', path, INIT_SCHEMES, defaultInitScheme(activation));
  const initScale = numberField(o, 'initScale', path, 1, { min: INIT_SCALE_RANGE[0], max: INIT_SCALE_RANGE[1] });

  const { train, test } = makeTrainTestSplit({ kind: dataset, samples, testSamples, noise, seed, classes }, path);
  const network = new Mlp(layers, activation);
  const root = new Rng(seed);
  const center = network.initInto(new Float64Array(network.nParams), root.fork('init'), init, initScale);
  const dirRng = root.fork('directions');
  const d1 = randomFilterNormalizedDirection(center, layers, dirRng);
  const d2 = randomFilterNormalizedDirection(center, layers, dirRng);
  const normalised: MlpLandscapeSpec = {
    kind: 'mlp',
    dataset,
    samples,
    noise,
    layers,
    activation,
    seed,
    slice,
    testSamples,
    weightDecay,
    init,
    initScale,
  };
  const title = `MLP [${layers.join('-')}] ${activation} on ${dataset}`;
  return new MlpLandscapeImpl(normalised, slice, network, train, test, center, [d1, d2], weightDecay, title);
}

function vectorField(v: unknown, path: string, n: number): Float64Array {
  if (!Array.isArray(v) && !(v instanceof Float64Array)) {
    throw new SpecError(path, `must be an array of ${n} finite numbers, got ${describeValue(v)}`);
  }
  const arr = v as ArrayLike<unknown>;
  if (arr.length !== n) throw new SpecError(path, `must have ${n} entries (the network's parameter count), got ${arr.length}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = checkNumber(arr[i], `${path}[${i}]`);
  return out;
}

function independent([d1, d2]: readonly [Float64Array, Float64Array]): boolean {
  return PlaneProjection.independent(d1, d2);
}

function checkIndependent(directions: readonly [Float64Array, Float64Array], path: string): void {
  if (!independent(directions)) throw new SpecError(path, 'must be two non-zero, linearly independent vectors');
}

/** Measured on the catalogue's moons network by test/shared/claims/network.claims.test.ts. */
const SLICE_LESSON =
  'A real neural network’s loss, sliced along two random filter-normalised directions through its starting weights (Li et al. 2018): every point of this map is a whole network, and (0, 0) is the one you start from. ' +
  'The view is drawn around the starting network and the valley that gradient descent reaches from it. ' +
  'Minibatch gradients make the descent jitter: on small batches a racer keeps moving where the same racer on full batches comes to rest.';
const FULL_LESSON =
  'You are optimising every weight of a real neural network, not just two numbers. ' +
  'The map is one 2-D slice through the starting weights; racers are drawn where they project onto it, so a racer can feel a loss lower than the ground under it. ' +
  'In this many dimensions most flat-looking stops are saddles, not minima.';

class MlpLandscapeImpl implements MlpLandscape {
  readonly dim: number;
  readonly dataSize: number;
  private infoCache: LandscapeInfo | null = null;

  // Scratch buffers: the hot paths allocate nothing.
  private readonly params: Float64Array;
  private readonly gradFull: Float64Array;
  private readonly vFull: Float64Array;
  private readonly hvFull: Float64Array;
  private readonly perm: Int32Array;
  /** The plane (center, d1, d2) with its least-squares projection. */
  readonly plane: PlaneProjection;

  constructor(
    readonly spec: MlpLandscapeSpec,
    slice: boolean,
    readonly network: Mlp,
    readonly train: Dataset,
    readonly test: Dataset | null,
    readonly center: Float64Array,
    readonly directions: readonly [Float64Array, Float64Array],
    readonly weightDecay: number,
    private readonly title: string,
  ) {
    this.form = slice ? 'slice' : 'full';
    const P = network.nParams;
    this.dim = slice ? 2 : P;
    this.dataSize = train.y.length;
    this.params = new Float64Array(P);
    this.gradFull = new Float64Array(P);
    this.vFull = new Float64Array(P);
    this.hvFull = new Float64Array(P);
    this.perm = new Int32Array(this.dataSize);
    this.plane = new PlaneProjection(center, directions[0], directions[1]);
    if (!slice) {
      this.projectInto = this.projectIntoImpl;
      this.liftInto = this.liftIntoImpl;
      // A dense Hessian of a big network is nParams HVPs and nParams² numbers: only offered when small.
      if (P > 256) this.hessianInto = undefined;
    }
  }

  readonly form: 'slice' | 'full';
  projectInto?: (theta: ArrayLike<number>, out: Float64Array) => void;
  liftInto?: (a: number, b: number, out: Float64Array) => void;

  get info(): LandscapeInfo {
    if (!this.infoCache) {
      const slice = this.form === 'slice';
      const bounds = slice ? this.sliceViewBounds() : { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
      // Cross-entropy near a trained center can span decades over the view: sample a coarse grid to decide.
      const coarse = new Float64Array(25);
      this.gridInto({ ...bounds, n: 5 }, coarse);
      let lo = Infinity;
      let hi = -Infinity;
      for (const f of coarse) {
        lo = Math.min(lo, f);
        hi = Math.max(hi, f);
      }
      this.infoCache = {
        kind: 'mlp',
        title: `${this.title} — ${slice ? '2-D slice' : `all ${this.network.nParams} weights`}`,
        lesson: slice ? SLICE_LESSON : FULL_LESSON,
        bounds,
        points: [],
        wideRange: lo > 0 && hi / lo > 100,
        formula: slice ? 'L(θ* + a·d₁ + b·d₂)' : 'L(θ), drawn on the plane θ* + a·d₁ + b·d₂',
      };
    }
    return this.infoCache;
  }

  /**
   * The view of a slice: a square that holds the starting network (0, 0) and
   * the minimum gradient descent reaches from it, with a margin of 0.75 on
   * each side (at least [−1, 1]²), on a 0.25 grid so that the last bits of the
   * descent, which may differ between JavaScript engines, do not move it.
   * Racers started at (0, 0) stay in view (test/shared/claims/network.claims.test.ts).
   */
  private sliceViewBounds(): Bounds2D {
    const x = new Float64Array(2);
    const g = new Float64Array(2);
    const trial = new Float64Array(2);
    let f = this.valueAndGradientInto(x, g);
    let t = 1;
    for (let it = 0; it < 300 && Number.isFinite(f); it++) {
      const gg = g[0] * g[0] + g[1] * g[1];
      // Close enough: the view is on a 0.25 grid.
      if (!(gg > 1e-6)) break;
      let ft = Infinity;
      for (let k = 0; k < 40; k++) {
        trial[0] = x[0] - t * g[0];
        trial[1] = x[1] - t * g[1];
        ft = this.value(trial);
        if (ft <= f - 0.5 * t * gg) break;
        t /= 2;
      }
      if (!(ft <= f - 0.5 * t * gg)) break;
      x.set(trial);
      f = this.valueAndGradientInto(x, g);
      t *= 2;
    }
    const q = (v: number) => Math.round(v * 4) / 4;
    const cx = Number.isFinite(x[0]) ? q(x[0] / 2) : 0;
    const cy = Number.isFinite(x[1]) ? q(x[1] / 2) : 0;
    const reach = Number.isFinite(x[0] + x[1]) ? Math.max(Math.abs(x[0] - cx), Math.abs(x[1] - cy), Math.abs(cx), Math.abs(cy)) : 0;
    const half = Math.max(1, Math.ceil((reach + 0.75) * 4) / 4);
    return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
  }

  paramsInto(theta: ArrayLike<number>, out: Float64Array): Float64Array {
    this.checkPoint(theta);
    if (this.form === 'full') {
      for (let q = 0; q < out.length; q++) out[q] = theta[q];
    } else {
      const [d1, d2] = this.directions;
      const a = theta[0];
      const b = theta[1];
      const c = this.center;
      for (let q = 0; q < c.length; q++) out[q] = c[q] + a * d1[q] + b * d2[q];
    }
    return out;
  }

  value(theta: ArrayLike<number>): number {
    const p = this.paramsInto(theta, this.params);
    const n = this.dataSize;
    const fast = this.batchKernel(n);
    // The kernel's fused pass (gradient discarded) still beats the plain forward-only loop several times over.
    let f = fast ? fast.lossAndGradientInto(p, this.train, null, n, this.gradFull) : this.network.loss(p, this.train);
    if (this.weightDecay > 0) f += 0.5 * this.weightDecay * this.network.weightNormSquared(p);
    return f;
  }

  valueAndGradientInto(theta: ArrayLike<number>, grad: Float64Array): number {
    return this.gradientOn(theta, grad, null, this.dataSize);
  }

  stochasticGradientInto(theta: ArrayLike<number>, grad: Float64Array, batchSize: number, rng: Rng): number {
    const n = this.dataSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new SpecError('batchSize', `must be an integer ≥ 1, got ${describeValue(batchSize)}`);
    }
    // A batch of the whole data set is the full gradient, in data order, and draws no random numbers.
    if (batchSize >= n) return this.gradientOn(theta, grad, null, n);
    // Sampling without replacement: a partial Fisher–Yates shuffle of a fresh
    // identity permutation, so the batch depends only on `rng` (not on earlier calls).
    const perm = this.perm;
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = 0; i < batchSize; i++) {
      const j = i + rng.int(n - i);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return this.gradientOn(theta, grad, perm, batchSize);
  }

  private gradientOn(theta: ArrayLike<number>, grad: Float64Array, indices: Int32Array | null, count: number): number {
    const p = this.paramsInto(theta, this.params);
    const net = this.network;
    const g = this.form === 'full' ? grad : this.gradFull;
    const fast = this.batchKernel(count);
    let f = fast ? fast.lossAndGradientInto(p, this.train, indices, count, g) : net.lossAndGradientInto(p, this.train, g, indices, count);
    if (this.weightDecay > 0) {
      f += 0.5 * this.weightDecay * net.weightNormSquared(p);
      net.addWeightDecayInto(this.weightDecay, p, g);
    }
    if (this.form === 'slice') {
      grad[0] = dot(this.directions[0], g);
      grad[1] = dot(this.directions[1], g);
    }
    return f;
  }

  /** H·v on the full parameter vector `p` (already in this.params) into `out`. */
  private fullHvp(p: Float64Array, v: ArrayLike<number>, out: Float64Array): void {
    this.network.hvpInto(p, this.train, v, out);
    this.network.addWeightDecayInto(this.weightDecay, v, out);
  }

  hvpInto(theta: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array): void {
    const p = this.paramsInto(theta, this.params);
    if (this.form === 'full') {
      if ((v as unknown) === out) {
        // The kernel clears `out` before reading `v`: give it its own copy when they alias.
        this.vFull.set(out);
        v = this.vFull;
      }
      this.fullHvp(p, v, out);
      return;
    }
    const [d1, d2] = this.directions;
    const u = this.vFull;
    for (let q = 0; q < u.length; q++) u[q] = v[0] * d1[q] + v[1] * d2[q];
    this.fullHvp(p, u, this.hvFull);
    out[0] = dot(d1, this.hvFull);
    out[1] = dot(d2, this.hvFull);
  }

  hessianInto? = (theta: ArrayLike<number>, out: Float64Array): void => {
    const p = this.paramsInto(theta, this.params);
    if (this.form === 'slice') {
      // dᵢᵀ H dⱼ from two exact HVPs; the off-diagonal averaged so the 2×2 is exactly symmetric.
      const [d1, d2] = this.directions;
      this.fullHvp(p, d1, this.hvFull);
      const h11 = dot(d1, this.hvFull);
      const h21 = dot(d2, this.hvFull);
      this.fullHvp(p, d2, this.hvFull);
      const h12 = dot(d1, this.hvFull);
      const h22 = dot(d2, this.hvFull);
      out[0] = h11;
      out[1] = out[2] = 0.5 * (h12 + h21);
      out[3] = h22;
      return;
    }
    const P = this.dim;
    const e = this.vFull;
    e.fill(0);
    for (let j = 0; j < P; j++) {
      e[j] = 1;
      this.fullHvp(p, e, this.hvFull);
      e[j] = 0;
      for (let i = 0; i < P; i++) out[i * P + j] = this.hvFull[i];
    }
    for (let i = 0; i < P; i++) {
      for (let j = i + 1; j < P; j++) {
        const s = 0.5 * (out[i * P + j] + out[j * P + i]);
        out[i * P + j] = out[j * P + i] = s;
      }
    }
  };

  /**
   * The loss on an n×n grid of the plane. Uses the WebAssembly SIMD kernel of
   * `mlp/fast` when the runtime offers it (agrees with the plain loops to
   * ~1e-14 relative, checked in test/shared/mlp-core.test.ts), else the plain
   * exact loops of `sliceLossGridInto`.
   */
  gridInto(grid: GridSpec, out: Float64Array): void {
    const fast = this.fastGrid();
    if (fast) {
      fast.rowsInto(grid, 0, grid.n, out);
      if (this.weightDecay > 0) this.addPenaltyOnGrid(grid, out);
      return;
    }
    this.plainGridInto(grid, out);
  }

  /** The plain float64 loops, one forward pass per grid point (the reference for the fast kernel). */
  plainGridInto(grid: GridSpec, out: Float64Array): void {
    const [d1, d2] = this.directions;
    sliceLossGridInto(this.network, this.train, this.center, d1, d2, this.weightDecay, grid, out, this.params);
  }

  /** null once the kernel is known to be unavailable here (or 'plain' was asked for). */
  private batchKernels: Map<number, BatchKernel> | null = new Map();

  get gradientKernel(): 'wasm' | 'plain' {
    return this.batchKernel(this.dataSize) ? 'wasm' : 'plain';
  }

  /** Forces the plain float64 loops for `value` and the gradients (`kernel: 'plain'`). */
  usePlainKernel(): void {
    this.batchKernels = null;
  }

  /**
   * The fused kernel for batches of `count` samples, or null when the runtime
   * cannot compile it synchronously. A kernel costs the same for every batch
   * up to its size, so sizes are rounded up to a power of two (at most the
   * data size): at most ~12 kernels per landscape however many batch sizes
   * the racers pick, each at most twice the work of an exact fit.
   */
  private batchKernel(count: number): BatchKernel | null {
    const kernels = this.batchKernels;
    if (!kernels) return null;
    const n = this.dataSize;
    let size = 1;
    while (size < count) size *= 2;
    if (size > n) size = n;
    let k = kernels.get(size);
    if (!k) {
      try {
        if (typeof WebAssembly !== 'object') throw new Error('no WebAssembly');
        k = new BatchKernel(
          createMlpTrainer({ layers: this.network.layers, activation: this.network.activation, batchSize: size }),
          this.network.inputs,
        );
      } catch {
        // No SIMD WebAssembly, or a browser main thread refusing synchronous compilation: the plain loops, slower.
        this.batchKernels = null;
        return null;
      }
      kernels.set(size, k);
    }
    return k;
  }

  private fastGridState: MlpGridEvaluator | null | undefined = undefined;
  private fastGrid(): MlpGridEvaluator | null {
    if (this.fastGridState === undefined) {
      try {
        this.fastGridState =
          typeof WebAssembly === 'object'
            ? createMlpGridEvaluator({
                layers: this.network.layers,
                activation: this.network.activation,
                center: this.center,
                d1: this.directions[0],
                d2: this.directions[1],
                x: this.train.x,
                y: this.train.y,
              })
            : null;
      } catch {
        // No SIMD WebAssembly here (old browser, locked-down worker): the plain loops give the same numbers, slower.
        this.fastGridState = null;
      }
    }
    return this.fastGridState;
  }

  /** Adds (λ/2)‖w(a,b)‖², a quadratic in (a, b) over the weight entries, to every grid value. */
  private addPenaltyOnGrid(grid: GridSpec, out: Float64Array): void {
    const [d1, d2] = this.directions;
    const c = this.center;
    let cc = 0,
      c1 = 0,
      c2 = 0,
      s11 = 0,
      s12 = 0,
      s22 = 0;
    for (const L of this.network.layout) {
      for (let q = L.weightOffset; q < L.biasOffset; q++) {
        cc += c[q] * c[q];
        c1 += c[q] * d1[q];
        c2 += c[q] * d2[q];
        s11 += d1[q] * d1[q];
        s12 += d1[q] * d2[q];
        s22 += d2[q] * d2[q];
      }
    }
    const { n, xMin, xMax, yMin, yMax } = grid;
    const half = 0.5 * this.weightDecay;
    for (let i = 0; i < n; i++) {
      const b = n > 1 ? yMin + (i * (yMax - yMin)) / (n - 1) : yMin;
      for (let j = 0; j < n; j++) {
        const a = n > 1 ? xMin + (j * (xMax - xMin)) / (n - 1) : xMin;
        out[i * n + j] += half * (cc + 2 * a * c1 + 2 * b * c2 + a * a * s11 + 2 * a * b * s12 + b * b * s22);
      }
    }
  }

  private projectIntoImpl(theta: ArrayLike<number>, out: Float64Array): void {
    this.checkPoint(theta);
    this.plane.projectInto(theta, out);
  }

  private liftIntoImpl(a: number, b: number, out: Float64Array): void {
    this.plane.liftInto(a, b, out);
  }

  evaluate(theta: ArrayLike<number>): GeneralisationReport {
    const p = this.paramsInto(theta, this.params);
    const net = this.network;
    return {
      trainLoss: net.loss(p, this.train),
      trainAccuracy: net.accuracy(p, this.train),
      testLoss: this.test ? net.loss(p, this.test) : null,
      testAccuracy: this.test ? net.accuracy(p, this.test) : null,
    };
  }

  private checkPoint(theta: ArrayLike<number>): void {
    if (theta.length !== this.dim) {
      throw new SpecError(
        'theta',
        `must have ${this.dim} coordinates for this ${this.form === 'slice' ? '2-D slice' : 'MLP'} landscape, got ${theta.length}`,
      );
    }
  }
}

/**
 * One `MlpTrainer` (fused forward+backward) with its gather buffers: a
 * minibatch `indices[0..count)` is copied into contiguous x and y rows; the
 * whole data set in order is passed as it is.
 */
class BatchKernel {
  private readonly xBuf: Float64Array;
  private readonly yBuf: Int32Array;
  // Exact-length views of the buffers for the last batch size (the trainer takes the batch size from their lengths).
  private viewCount = -1;
  private xView: Float64Array;
  private yView: Int32Array;

  constructor(
    private readonly trainer: MlpTrainer,
    private readonly inputs: number,
  ) {
    this.xBuf = new Float64Array(trainer.batchSize * inputs);
    this.yBuf = new Int32Array(trainer.batchSize);
    this.xView = this.xBuf;
    this.yView = this.yBuf;
  }

  /** Mean cross-entropy over the samples (all of `data` when `indices` is null) and its gradient into `grad`. */
  lossAndGradientInto(params: Float64Array, data: Dataset, indices: Int32Array | null, count: number, grad: Float64Array): number {
    if (!indices) return this.trainer.lossAndGradientInto(params, data.x, data.y, grad);
    const d0 = this.inputs;
    const x = this.xBuf;
    const y = this.yBuf;
    for (let t = 0; t < count; t++) {
      const s = indices[t];
      y[t] = data.y[s];
      for (let i = 0; i < d0; i++) x[t * d0 + i] = data.x[s * d0 + i];
    }
    if (count !== this.viewCount) {
      this.xView = x.subarray(0, count * d0);
      this.yView = y.subarray(0, count);
      this.viewCount = count;
    }
    return this.trainer.lossAndGradientInto(params, this.xView, this.yView, grad);
  }
}
