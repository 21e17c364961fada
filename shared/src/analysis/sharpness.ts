import type { GridSpec, Landscape } from '../landscapes/Landscape';
import { symmetricEigen } from '../linalg/symmetricEigen';
import { denseHessianInto, NEWTON_MAX_DIM } from '../optimizers/newton';
import { Rng, type Seed } from '../random/Rng';
import { SpecError } from '../spec/SpecError';
import { checkNumber, pointField } from '../spec/fields';

export interface Sharpness {
  /** Largest Hessian eigenvalue. */
  lambdaMax: number;
  /** Trace of the Hessian. */
  trace: number;
  /** SAM-style: max over ‖δ‖ ≤ radius of f(x+δ) − f(x) (Foret et al. 2021). */
  samSharpness: number;
  /** Keskar et al. 2017: 100·(max over |yᵢ| ≤ ε(|xᵢ|+1) of f(x+y) − f(x)) / (1 + f(x)), ε = radius. */
  epsilonSharpness: number;
}

function finiteOr(v: number, fallback: number): number {
  return Number.isFinite(v) ? v : fallback;
}

/**
 * Maximises f over a convex set around x by projected gradient ascent from a
 * deterministic set of starts (gradient direction, curvature directions, and
 * evenly spread directions), keeping the best point seen. The sets here are
 * small (a ball or box of the perturbation radius), so a few dozen starts of
 * 60 ascent steps each find the maximum to plotting accuracy.
 */
function maximizeInSet(
  L: Landscape,
  x: Float64Array,
  starts: Float64Array[],
  project: (d: Float64Array) => void,
  stepSize: number,
): number {
  const n = L.dim;
  const probe = new Float64Array(n);
  const g = new Float64Array(n);
  let best = -Infinity;
  for (const s of starts) {
    const d = s.slice();
    project(d);
    let step = stepSize;
    let prev = -Infinity;
    for (let it = 0; it < 60; it++) {
      for (let i = 0; i < n; i++) probe[i] = x[i] + d[i];
      const f = L.valueAndGradientInto(probe, g);
      if (Number.isFinite(f) && f > best) best = f;
      if (!(f >= prev)) step /= 2; // overshoot: shrink
      prev = f;
      let gn = 0;
      for (let i = 0; i < n; i++) gn += g[i] * g[i];
      gn = Math.sqrt(gn);
      if (!(gn > 0)) break;
      for (let i = 0; i < n; i++) d[i] += (step * g[i]) / gn;
      project(d);
    }
  }
  return best;
}

function directionSet(L: Landscape, x: Float64Array, radius: number, seed: Seed, count: number, evecs: number[][]): Float64Array[] {
  const n = L.dim;
  const out: Float64Array[] = [];
  const g = new Float64Array(n);
  L.valueAndGradientInto(x, g);
  const push = (v: ArrayLike<number>, sign = 1) => {
    let nv = 0;
    for (let i = 0; i < n; i++) nv += v[i] * v[i];
    nv = Math.sqrt(nv);
    if (!(nv > 0) || !Number.isFinite(nv)) return;
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = (sign * radius * v[i]) / nv;
    out.push(d);
  };
  push(g);
  for (const v of evecs.slice(-3)) {
    push(v, 1);
    push(v, -1);
  }
  if (n === 2) {
    for (let k = 0; k < count; k++) {
      const a = (2 * Math.PI * k) / count;
      push([Math.cos(a), Math.sin(a)]);
    }
  } else {
    const rng = new Rng(seed);
    const v = new Float64Array(n);
    for (let k = 0; k < count; k++) push(rng.normalsInto(v));
  }
  return out;
}

/**
 * Sharpness of the point x: λ_max and tr(H) of the exact Hessian, the
 * SAM-style worst-case increase within an L2 ball of `radius`, and Keskar's
 * ε-sharpness with ε = radius (MATH.md "Hessian analysis").
 */
export function sharpness(landscape: Landscape, point: ArrayLike<number>, opts: { radius?: number; seed?: Seed } = {}): Sharpness {
  const n = landscape.dim;
  const radius = checkNumber(opts.radius ?? 0.1, 'radius', { min: 0, max: 1e6 });
  const x = pointField(Array.from(point), 'point', n);
  if (n > NEWTON_MAX_DIM)
    throw new SpecError(
      'point',
      `sharpness is limited to ${NEWTON_MAX_DIM} parameters here (got ${n}); use topHessianEigenvalues and hessianTrace`,
    );
  const H = new Float64Array(n * n);
  denseHessianInto(landscape, x, H);
  const eig = symmetricEigen(H, n);
  const lambdaMax = eig.values[n - 1];
  let trace = 0;
  for (let i = 0; i < n; i++) trace += H[i * n + i];
  const f0 = landscape.value(x);
  if (radius === 0) return { lambdaMax, trace, samSharpness: 0, epsilonSharpness: 0 };
  const starts = directionSet(landscape, x, radius, opts.seed ?? 0, n === 2 ? 24 : 8, eig.vectors);
  const ball = (d: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[i] * d[i];
    const nd = Math.sqrt(s);
    if (nd > radius) for (let i = 0; i < n; i++) d[i] *= radius / nd;
  };
  const samMax = maximizeInSet(landscape, x, starts, ball, radius / 4);
  const half = Array.from(x, (xi) => radius * (Math.abs(xi) + 1));
  const box = (d: Float64Array) => {
    for (let i = 0; i < n; i++) d[i] = Math.min(half[i], Math.max(-half[i], d[i]));
  };
  const boxStarts = starts.map((s) => s.map((v, i) => Math.sign(v) * half[i]));
  const boxMax = maximizeInSet(landscape, x, [...starts, ...boxStarts], box, Math.min(...half) / 4);
  return {
    lambdaMax,
    trace,
    samSharpness: Math.max(0, finiteOr(samMax - f0, Infinity)),
    epsilonSharpness: Math.max(0, finiteOr((100 * (boxMax - f0)) / (1 + f0), Infinity)),
  };
}

/**
 * Robust loss: the mean of f(x + δ) over a fixed, seeded set of perturbations
 * δ of norm exactly `radius` (uniform directions). It rewards wide basins:
 * the game's default "flat minimum" score. Same seed → same set, so every
 * racer is judged on identical perturbations.
 */
export function robustLoss(
  landscape: Landscape,
  point: ArrayLike<number>,
  opts: { radius: number; samples?: number; seed?: Seed },
): number {
  const n = landscape.dim;
  const radius = checkNumber(opts.radius, 'radius', { min: 0, max: 1e6 });
  const samples = checkNumber(opts.samples ?? 64, 'samples', { min: 1, max: 100000, integer: true });
  const x = pointField(Array.from(point), 'point', n);
  const dirs = perturbationDirections(n, samples, opts.seed ?? 0);
  const probe = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < samples; k++) {
    for (let i = 0; i < n; i++) probe[i] = x[i] + radius * dirs[k * n + i];
    sum += landscape.value(probe);
  }
  return sum / samples;
}

const directionCache = new Map<string, Float64Array>();

/** `samples` unit vectors in ℝⁿ, row-major; evenly spaced (with a seeded rotation) in 2-D, seeded Gaussian directions otherwise. */
export function perturbationDirections(n: number, samples: number, seed: Seed): Float64Array {
  const key = `${n}/${samples}/${typeof seed}:${seed}`;
  const hit = directionCache.get(key);
  if (hit) return hit;
  const rng = new Rng(seed);
  const out = new Float64Array(n * samples);
  if (n === 2) {
    const offset = rng.uniform() * 2 * Math.PI;
    for (let k = 0; k < samples; k++) {
      const a = offset + (2 * Math.PI * k) / samples;
      out[2 * k] = Math.cos(a);
      out[2 * k + 1] = Math.sin(a);
    }
  } else {
    const v = new Float64Array(n);
    for (let k = 0; k < samples; k++) {
      let s = 0;
      do {
        rng.normalsInto(v);
        s = 0;
        for (let i = 0; i < n; i++) s += v[i] * v[i];
      } while (!(s > 0));
      const inv = 1 / Math.sqrt(s);
      for (let i = 0; i < n; i++) out[k * n + i] = v[i] * inv;
    }
  }
  if (directionCache.size > 32) directionCache.clear();
  directionCache.set(key, out);
  return out;
}

export interface LineLoss {
  alphas: number[];
  losses: number[];
  /** max over α ∈ [0, 1] of the loss minus the larger endpoint loss: 0 when the segment never rises above its ends. */
  barrier: number;
}

/**
 * Loss along the straight line θ(α) = (1−α)a + αb (Goodfellow et al. 2015),
 * sampled at n points of [from, to] (default [0, 1]).
 */
export function lineLoss(
  landscape: Landscape,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: { n?: number; from?: number; to?: number } = {},
): LineLoss {
  const dim = landscape.dim;
  const pa = pointField(Array.from(a), 'a', dim);
  const pb = pointField(Array.from(b), 'b', dim);
  const n = checkNumber(opts.n ?? 51, 'n', { min: 2, max: 100000, integer: true });
  const from = checkNumber(opts.from ?? 0, 'from', { min: -100, max: 100 });
  const to = checkNumber(opts.to ?? 1, 'to', { min: -100, max: 100 });
  if (!(to > from)) throw new SpecError('to', `must be greater than from (${from}), got ${to}`);
  const probe = new Float64Array(dim);
  const alphas: number[] = [];
  const losses: number[] = [];
  let inside = -Infinity;
  for (let k = 0; k < n; k++) {
    const al = from + ((to - from) * k) / (n - 1);
    for (let i = 0; i < dim; i++) probe[i] = (1 - al) * pa[i] + al * pb[i];
    const f = landscape.value(probe);
    alphas.push(al);
    losses.push(f);
    if (al >= 0 && al <= 1 && f > inside) inside = f;
  }
  const ends = Math.max(landscape.value(pa), landscape.value(pb));
  return { alphas, losses, barrier: Math.max(inside, ends) - ends };
}

/**
 * The loss at the n×n points of a grid over the (x, y) plane, row-major, row i
 * at y = yMin + i·(yMax−yMin)/(n−1), column j likewise in x. For landscapes of
 * more than two dimensions, the plane is the landscape's projection plane.
 * Landscapes with a fast path (`gridInto`) use it.
 */
export function lossGrid(landscape: Landscape, grid: GridSpec): Float64Array {
  const n = checkNumber(grid?.n, 'grid.n', { min: 2, max: 4096, integer: true });
  const xMin = checkNumber(grid.xMin, 'grid.xMin');
  const xMax = checkNumber(grid.xMax, 'grid.xMax');
  const yMin = checkNumber(grid.yMin, 'grid.yMin');
  const yMax = checkNumber(grid.yMax, 'grid.yMax');
  if (!(xMax > xMin)) throw new SpecError('grid.xMax', `must be greater than xMin (${xMin}), got ${xMax}`);
  if (!(yMax > yMin)) throw new SpecError('grid.yMax', `must be greater than yMin (${yMin}), got ${yMax}`);
  if (!Number.isFinite(xMax - xMin) || !Number.isFinite(yMax - yMin))
    throw new SpecError('grid', 'the grid spans more than the largest finite number');
  const out = new Float64Array(n * n);
  const spec = { n, xMin, xMax, yMin, yMax };
  if (landscape.gridInto) {
    landscape.gridInto(spec, out);
    return out;
  }
  // Coordinates as min + i·(max−min)/(n−1), the one formula every grid path uses.
  const gx = (j: number) => xMin + (j * (xMax - xMin)) / (n - 1);
  const gy = (i: number) => yMin + (i * (yMax - yMin)) / (n - 1);
  if (landscape.dim === 2) {
    const p = new Float64Array(2);
    for (let i = 0; i < n; i++) {
      p[1] = gy(i);
      for (let j = 0; j < n; j++) {
        p[0] = gx(j);
        out[i * n + j] = landscape.value(p);
      }
    }
    return out;
  }
  if (!landscape.liftInto)
    throw new SpecError('landscape', `${landscape.info.kind} has ${landscape.dim} dimensions and no 2-D projection to draw`);
  const theta = new Float64Array(landscape.dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      landscape.liftInto(gx(j), gy(i), theta);
      out[i * n + j] = landscape.value(theta);
    }
  }
  return out;
}
