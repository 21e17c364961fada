import { Rng, type Seed } from '../random/Rng';
import { SpecError, describeValue } from '../spec/SpecError';
import { asObject, enumField, numberField, rejectUnknownKeys } from '../spec/fields';
import { portableCos, portableSin } from './portableTrig';

/**
 * Toy 2-D classification datasets made from a seed, shaped like TensorFlow
 * Playground's (moons after scikit-learn's `make_moons`), scaled to lie
 * roughly in [-1.5, 1.5]².
 *
 * Determinism: every number comes from `Rng` (32-bit integer arithmetic;
 * its Gaussians use `Math.log/sqrt`) and basic float arithmetic; sines and
 * cosines use `portableSin/portableCos` (basic arithmetic only) rather than
 * `Math.sin/cos`, whose last bit differs between engines. So the same spec
 * gives the same bytes in Node and in browsers. The training set and the held-out test set are two different
 * sub-streams (`fork('train')`, `fork('test')`) of the same seed: the same
 * distribution, independent draws.
 *
 * Classes are balanced: point i has label `i % classes`.
 *
 * @example
 *   const { train, test } = makeTrainTestSplit({ kind: 'moons', samples: 200, noise: 0.1, seed: 7 });
 *   train.x; // Float64Array, 200×2 row-major
 *   train.y; // Int32Array of 0/1
 */

export const DATASET_KINDS = ['moons', 'spirals', 'circles', 'xor', 'blobs'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** n points of a classification problem: `x` is n×dim row-major, `y` holds class indices. */
export interface Dataset {
  x: Float64Array;
  y: Int32Array;
  classes: number;
}

export interface DatasetSpec {
  kind: DatasetKind;
  /** Number of points, 4..2000. */
  samples: number;
  /** 0 (clean) .. 1 (heavily overlapping classes). */
  noise: number;
  seed: Seed;
  /** Number of classes: 2, except blobs which allows 2..6. */
  classes?: number;
  /** Which sub-stream of the seed: the training set or the held-out test set. */
  split?: 'train' | 'test';
}

export const DATASET_LIMITS = { minSamples: 4, maxSamples: 2000, maxBlobClasses: 6 } as const;

/** Validates a dataset spec (plain JSON) and fills in defaults. */
export function parseDatasetSpec(spec: unknown, path = 'dataset'): Required<DatasetSpec> {
  const o = asObject(spec, path);
  rejectUnknownKeys(o, path, ['kind', 'samples', 'noise', 'seed', 'classes', 'split']);
  const kind = enumField(o, 'kind', path, DATASET_KINDS);
  const samples = numberField(o, 'samples', path, undefined, {
    min: DATASET_LIMITS.minSamples,
    max: DATASET_LIMITS.maxSamples,
    integer: true,
  });
  const noise = numberField(o, 'noise', path, 0, { min: 0, max: 1 });
  const seed = seedField(o.seed, `${path}.seed`);
  const classes =
    kind === 'blobs'
      ? numberField(o, 'classes', path, 2, { min: 2, max: DATASET_LIMITS.maxBlobClasses, integer: true })
      : numberField(o, 'classes', path, 2, { min: 2, max: 2, integer: true });
  const split = enumField(o, 'split', path, ['train', 'test'] as const, 'train');
  return { kind, samples, noise, seed, classes, split };
}

export function seedField(v: unknown, path: string): Seed {
  if ((typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 200)) return v;
  throw new SpecError(path, `must be a finite number or a string of at most 200 characters, got ${describeValue(v)}`);
}

/** One dataset (the `split` sub-stream of the seed; the training set by default). */
export function makeDataset(spec: unknown, path = 'dataset'): Dataset {
  const s = parseDatasetSpec(spec, path);
  return generate(s.kind, s.samples, s.noise, s.classes, new Rng(s.seed).fork(s.split));
}

/** The training set and a held-out test set (`testSamples`, default = samples) from the same distribution. */
export function makeTrainTestSplit(
  spec: Omit<DatasetSpec, 'split'> & { testSamples?: number },
  path = 'dataset',
): { train: Dataset; test: Dataset } {
  const o = asObject(spec, path);
  const { testSamples, ...rest } = o;
  const s = parseDatasetSpec(rest, path);
  const nTest =
    testSamples === undefined
      ? s.samples
      : numberField(o, 'testSamples', path, undefined, {
          min: DATASET_LIMITS.minSamples,
          max: DATASET_LIMITS.maxSamples,
          integer: true,
        });
  const root = new Rng(s.seed);
  return {
    train: generate(s.kind, s.samples, s.noise, s.classes, root.fork('train')),
    test: generate(s.kind, nTest, s.noise, s.classes, root.fork('test')),
  };
}

function generate(kind: DatasetKind, n: number, noise: number, classes: number, rng: Rng): Dataset {
  const x = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % classes;
    y[i] = label;
    let px: number;
    let py: number;
    switch (kind) {
      case 'moons': {
        // scikit-learn make_moons with the angle drawn uniformly: upper moon
        // (cos t, sin t), lower moon (1 − cos t, 0.5 − sin t); centred on the
        // origin and scaled by 1.2; Gaussian noise of σ = 0.5·noise (before scaling).
        const t = Math.PI * rng.uniform();
        const mx = label === 0 ? portableCos(t) : 1 - portableCos(t);
        const my = label === 0 ? portableSin(t) : 0.5 - portableSin(t);
        px = 1.2 * (mx - 0.5 + 0.5 * noise * rng.normal());
        py = 1.2 * (my - 0.25 + 0.5 * noise * rng.normal());
        break;
      }
      case 'spirals': {
        // TF Playground: r = 5·u, angle 1.75·2π·u (+π for the second arm), u
        // uniform; noise uniform in ±noise (in units of 5); scaled 5 → 1.5.
        const u = rng.uniform();
        const r = 5 * u;
        const t = 1.75 * 2 * Math.PI * u + (2 * Math.PI * label) / classes;
        px = 0.3 * (r * portableSin(t) + noise * 2 * (2 * rng.uniform() - 1));
        py = 0.3 * (r * portableCos(t) + noise * 2 * (2 * rng.uniform() - 1));
        break;
      }
      case 'circles': {
        // TF Playground: inner disc r ∈ [0, 0.5R], outer ring r ∈ [0.7R, R];
        // noise uniform in ±noise·R/2. R = 1.4.
        const R = 1.4;
        const r = label === 0 ? 0.5 * R * rng.uniform() : R * (0.7 + 0.3 * rng.uniform());
        const t = 2 * Math.PI * rng.uniform();
        px = r * portableSin(t) + 0.5 * R * noise * (2 * rng.uniform() - 1);
        py = r * portableCos(t) + 0.5 * R * noise * (2 * rng.uniform() - 1);
        break;
      }
      case 'xor': {
        // TF Playground: uniform in the square, kept a small margin away from
        // the axes; label by the quadrant sign (same sign → class 0), noise
        // uniform in ±noise·0.75 after the label is fixed.
        const sx = rng.uniform() < 0.5 ? 1 : -1;
        const sy = label === 0 ? sx : -sx;
        px = sx * (0.05 + 1.35 * rng.uniform()) + 0.75 * noise * (2 * rng.uniform() - 1);
        py = sy * (0.05 + 1.35 * rng.uniform()) + 0.75 * noise * (2 * rng.uniform() - 1);
        break;
      }
      case 'blobs': {
        // Gaussian blobs with centres evenly spaced on a circle of radius 0.9
        // (two classes: (0.64, 0.64) and (−0.64, −0.64)); σ = 0.1 + 0.6·noise.
        const angle = Math.PI / 4 + (2 * Math.PI * label) / classes;
        const sigma = 0.1 + 0.6 * noise;
        px = 0.9 * portableCos(angle) + sigma * rng.normal();
        py = 0.9 * portableSin(angle) + sigma * rng.normal();
        break;
      }
    }
    x[2 * i] = px;
    x[2 * i + 1] = py;
  }
  return { x, y, classes };
}

/**
 * Reads a dataset given as plain JSON (`{ x: number[][], y: number[] }`),
 * checking shapes, finiteness and labels in [0, classes).
 */
export function datasetFromJson(v: unknown, inputs: number, classes: number, path: string): Dataset {
  const o = asObject(v, path);
  rejectUnknownKeys(o, path, ['x', 'y']);
  const xs = o.x;
  const ys = o.y;
  if (!Array.isArray(xs) || xs.length < 1 || xs.length > 10000) {
    throw new SpecError(`${path}.x`, `must be an array of 1..10000 points, got ${describeValue(xs)}`);
  }
  if (!Array.isArray(ys) || ys.length !== xs.length) {
    throw new SpecError(`${path}.y`, `must be an array of ${xs.length} class labels (one per point), got ${describeValue(ys)}`);
  }
  const n = xs.length;
  const x = new Float64Array(n * inputs);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = xs[i];
    if (!Array.isArray(row) || row.length !== inputs) {
      throw new SpecError(`${path}.x[${i}]`, `must be an array of ${inputs} finite numbers, got ${describeValue(row)}`);
    }
    for (let j = 0; j < inputs; j++) {
      const c = row[j];
      if (typeof c !== 'number' || !Number.isFinite(c)) {
        throw new SpecError(`${path}.x[${i}][${j}]`, `must be a finite number, got ${describeValue(c)}`);
      }
      x[i * inputs + j] = c;
    }
    const label = ys[i];
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= classes) {
      throw new SpecError(`${path}.y[${i}]`, `must be an integer class label in [0, ${classes - 1}], got ${describeValue(label)}`);
    }
    y[i] = label;
  }
  return { x, y, classes };
}

/** Number of points in a dataset. */
export function datasetSize(d: Dataset): number {
  return d.y.length;
}
