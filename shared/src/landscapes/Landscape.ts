import type { Rng } from '../random/Rng';
import type { Activation, InitScheme } from '../mlp/Mlp';

/** A rectangle of the (x, y) plane: the default view of a 2-D landscape. */
export interface Bounds2D {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** A point of interest a landscape knows about (for markers, lessons and scoring). */
export interface KnownPoint {
  point: number[];
  value: number;
  kind: 'global-minimum' | 'local-minimum' | 'saddle' | 'maximum';
  /** Short caption, e.g. "flat floor" or "sharp pit". */
  label?: string;
  /**
   * For minima whose lesson is about flatness: whether this is the wide,
   * flat basin or the narrow, sharp one (result notes use it; never the label text).
   */
  basin?: 'flat' | 'sharp';
}

/** Metadata a player reads and a renderer needs. */
export interface LandscapeInfo {
  /** The spec's kind, e.g. `rosenbrock`. */
  kind: string;
  /** Human title, e.g. "Rosenbrock's banana valley". */
  title: string;
  /** Two or three sentences a student can read: what this terrain teaches. */
  lesson: string;
  /** Default view of the (x, y) plane (for dim > 2: of the projection plane). */
  bounds: Bounds2D;
  /** Known minima, maxima and saddles (empty when unknown). */
  points: KnownPoint[];
  /** True when the loss spans orders of magnitude over the view: draw it on a log scale. */
  wideRange: boolean;
  /** Formula as text for display, when there is one. */
  formula?: string;
}

/**
 * A loss surface: maps a parameter vector θ ∈ ℝ^dim to f(θ) with an exact
 * gradient, and (for 2-D terrains and small networks) an exact Hessian.
 *
 * Methods that write into caller-owned buffers say so (`…Into`): the optimizer
 * hot loop calls them thousands of times per tick and must not allocate.
 *
 * @example
 *   const L = createLandscape({ kind: 'rosenbrock' });
 *   const g = new Float64Array(L.dim);
 *   const f = L.valueAndGradientInto([-1, 1], g);
 */
export interface Landscape {
  /** The normalised spec (plain JSON, defaults filled in) that recreates this landscape. */
  readonly spec: LandscapeSpec;
  readonly dim: number;
  readonly info: LandscapeInfo;

  value(theta: ArrayLike<number>): number;
  /** Writes ∇f(θ) into `grad` (length dim) and returns f(θ). */
  valueAndGradientInto(theta: ArrayLike<number>, grad: Float64Array): number;
  /**
   * Writes the exact Hessian, dim×dim row-major, into `out`. Present on every
   * 2-D landscape; large landscapes may omit it and offer `hvpInto` instead.
   */
  hessianInto?(theta: ArrayLike<number>, out: Float64Array): void;
  /** Exact Hessian-vector product H(θ)·v into `out`. */
  hvpInto?(theta: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array): void;
  /**
   * Minibatch gradient (MLP terrains): the natural noise of SGD. Draws the
   * batch from `rng`; returns the minibatch loss.
   */
  stochasticGradientInto?(theta: ArrayLike<number>, grad: Float64Array, batchSize: number, rng: Rng): number;
  /** Number of data points behind a minibatch gradient, when there is one. */
  readonly dataSize?: number;
  /**
   * For dim > 2: the 2-D coordinates a racer at θ is drawn at, and the θ that a
   * point of the plane stands for (the inverse on the plane).
   */
  projectInto?(theta: ArrayLike<number>, out: Float64Array): void;
  liftInto?(a: number, b: number, out: Float64Array): void;
  /**
   * Optional fast path for `lossGrid`: fill `out` (n×n, row-major, row i is
   * y = yMin + i·(yMax−yMin)/(n−1)) with the loss. Landscapes without it are
   * evaluated point by point.
   */
  gridInto?(grid: GridSpec, out: Float64Array): void;
}

/** An n×n grid over a rectangle of a 2-D landscape (see `lossGrid`). */
export interface GridSpec extends Bounds2D {
  n: number;
}

/** Plain-JSON description of a landscape. See DESIGN.md for every kind. */
export type LandscapeSpec =
  | { kind: 'rosenbrock'; a?: number; b?: number }
  | { kind: 'rastrigin'; A?: number }
  | { kind: ClassicKind }
  | { kind: 'expression'; expr: string; bounds?: Bounds2D; title?: string }
  | { kind: DesignedKind; [param: string]: unknown }
  | MlpLandscapeSpec;

export type ClassicKind =
  | 'ackley'
  | 'himmelblau'
  | 'beale'
  | 'goldstein-price'
  | 'six-hump-camel'
  | 'styblinski-tang'
  | 'booth'
  | 'matyas'
  | 'levy'
  | 'saddle'
  | 'monkey-saddle';

/** Terrains designed for the game (see `landscapes/designed.ts`). */
export type DesignedKind = 'sharp-vs-flat' | 'saddle-maze' | 'saddle-valleys' | 'monkey-bowl';

/**
 * Small-MLP landscapes: either explicit data and weights, or generated from a
 * seed. With `directions` (or `slice: true` in the generated form) it is the 2-D
 * slice L(center + a·d1 + b·d2); without, the full parameter space.
 *
 * Generated form: `layers` is [2, hidden…, classes] with at most 8 hidden
 * layers of at most 32 units and 4096 parameters in all (`MLP_LIMITS`);
 * `init` defaults to 'he' for relu and 'xavier' otherwise, `initScale` to 1
 * (every initial weight is multiplied by it: below 1 gradients shrink layer by
 * layer toward the input, above 1 they grow or saturate).
 *
 * @example
 *   // 6 sigmoid layers of width 6, initialised ten times too small: its gradients vanish
 *   const spec: MlpLandscapeSpec = { kind: 'mlp', dataset: 'moons', samples: 200, noise: 0.1, seed: 1,
 *     layers: [2, 6, 6, 6, 6, 6, 6, 2], activation: 'sigmoid', init: 'xavier', initScale: 0.1 };
 */
export type MlpLandscapeSpec =
  | {
      kind: 'mlp';
      layers: number[];
      activation: Activation;
      data: { x: number[][]; y: number[] };
      center: number[];
      directions?: [number[], number[]];
      weightDecay?: number;
      testData?: { x: number[][]; y: number[] };
    }
  | {
      kind: 'mlp';
      dataset: 'moons' | 'spirals' | 'circles' | 'xor' | 'blobs';
      samples: number;
      noise: number;
      layers: number[];
      activation: Activation;
      seed: number | string;
      slice?: boolean;
      testSamples?: number;
      weightDecay?: number;
      /** Weight initialisation; default 'he' for relu, 'xavier' for tanh and sigmoid. */
      init?: InitScheme;
      /** Multiplier on every initial weight, in [0.001, 10]; default 1. */
      initScale?: number;
    };
