import type { Landscape } from '../landscapes/Landscape';
import { Rng, type Seed } from '../random/Rng';
import { SpecError, describeValue } from '../spec/SpecError';
import { tridiagonalEigen } from './tridiagonalEigen';

/**
 * Curvature of a landscape of any dimension from Hessian-vector products
 * (Ghorbani et al. 2019; Yao et al. 2020, PyHessian): extreme eigenvalues by
 * Lanczos with full reorthogonalisation, the trace by Hutchinson's estimator
 * (or exactly, Σ e_iᵀ H e_i), and the spectral density as Lanczos nodes and
 * weights.
 *
 * H·v comes from `landscape.hvpInto` when present (exact, e.g. MLP
 * landscapes), else from `hessianInto` (computed once), else from central
 * differences of the gradient, (∇f(θ+hv) − ∇f(θ−hv))/2h.
 */

export type HvpOperator = (v: Float64Array, out: Float64Array) => void;

/** The map v ↦ H(point)·v for a landscape (see the module note for which method is used). */
export function hessianOperator(landscape: Landscape, point: ArrayLike<number>): HvpOperator {
  const n = landscape.dim;
  if (point.length !== n) throw new SpecError('point', `must have ${n} coordinates, got ${point.length}`);
  const theta = Float64Array.from(point);
  if (landscape.hvpInto) {
    const hvp = landscape.hvpInto.bind(landscape);
    return (v, out) => hvp(theta, v, out);
  }
  if (landscape.hessianInto) {
    const H = new Float64Array(n * n);
    landscape.hessianInto(theta, H);
    return (v, out) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += H[i * n + j] * v[j];
        out[i] = s;
      }
    };
  }
  let norm = 0;
  for (let i = 0; i < n; i++) norm += theta[i] * theta[i];
  const h = 1e-5 * Math.max(1, Math.sqrt(norm));
  const xp = new Float64Array(n);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  return (v, out) => {
    for (let i = 0; i < n; i++) xp[i] = theta[i] + h * v[i];
    landscape.valueAndGradientInto(xp, gp);
    for (let i = 0; i < n; i++) xp[i] = theta[i] - h * v[i];
    landscape.valueAndGradientInto(xp, gm);
    for (let i = 0; i < n; i++) out[i] = (gp[i] - gm[i]) / (2 * h);
  };
}

export interface LanczosOptions {
  /** Which end of the spectrum: the k largest (default) or the k smallest eigenvalues. */
  which?: 'largest' | 'smallest';
  /** Cap on Lanczos iterations (each one H·v product); default min(dim, max(300, 6k + 40)); it stops as soon as the wanted values converge. */
  maxIterations?: number;
  /** Stop when every wanted Ritz pair has residual ‖Hy − θy‖ ≤ tol·‖T‖; default 1e-10. */
  tol?: number;
  /** Seed of the start vector (a Gaussian draw), default 0. */
  seed?: Seed;
}

export interface LanczosResult {
  /** The k eigenvalues: descending for 'largest', ascending for 'smallest'. */
  values: number[];
  /** Residual norm bound ‖Hy − θy‖ of each value (same order). */
  residuals: number[];
  /** Number of Lanczos iterations (= Hessian-vector products). */
  iterations: number;
  converged: boolean;
}

/**
 * The k largest (or smallest) Hessian eigenvalues by Lanczos with full
 * reorthogonalisation (two passes of classical Gram–Schmidt per step). When the
 * Krylov space closes early (an invariant subspace, e.g. repeated
 * eigenvalues), it restarts with a fresh vector orthogonal to the basis, so
 * multiplicities are found too. With maxIterations = dim it is exact up to
 * rounding.
 */
export function hessianEigenvaluesLanczos(
  landscape: Landscape,
  point: ArrayLike<number>,
  k: number,
  opts: LanczosOptions = {},
): LanczosResult {
  const n = landscape.dim;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new SpecError('k', `must be an integer in [1, ${n}], got ${describeValue(k)}`);
  const which = opts.which ?? 'largest';
  const maxIt = Math.min(n, opts.maxIterations ?? Math.max(300, 6 * k + 40));
  if (!Number.isInteger(maxIt) || maxIt < k)
    throw new SpecError('maxIterations', `must be an integer ≥ k = ${k}, got ${describeValue(opts.maxIterations)}`);
  const tol = opts.tol ?? 1e-10;
  const op = hessianOperator(landscape, point);
  const wanted = (vals: Float64Array): number[] => {
    const idx: number[] = [];
    for (let i = 0; i < k; i++) idx.push(which === 'largest' ? vals.length - 1 - i : i);
    return idx;
  };
  let result: LanczosResult | null = null;
  lanczos(op, n, maxIt, new Rng(opts.seed ?? 0), (alpha, beta, m, lastBeta, done, breakdown) => {
    // After a breakdown every Ritz value is exact but multiplicities may be missing: restart first.
    if ((m < k || breakdown) && !done) return false;
    const { values, rowValues } = tridiagonalEigen(alpha.subarray(0, m), beta.subarray(0, m - 1), [m - 1]);
    const scale = Math.max(Math.abs(values[0]), Math.abs(values[m - 1]), 1e-300);
    const idx = wanted(values);
    const residuals = idx.map((i) => Math.abs(lastBeta * rowValues[0][i]));
    const converged = residuals.every((r) => r <= tol * scale);
    if (converged || done) {
      result = { values: idx.map((i) => values[i]), residuals, iterations: m, converged: converged || m === n };
      return true;
    }
    return false;
  });
  return result!;
}

/**
 * The k largest Hessian eigenvalues at `point`, descending (DESIGN.md contract).
 * Use `hessianEigenvaluesLanczos` for residuals, iteration count or the smallest end.
 *
 * @example
 *   topHessianEigenvalues(L, L.center, 3); // [λ1, λ2, λ3]
 */
export function topHessianEigenvalues(
  landscape: Landscape,
  point: ArrayLike<number>,
  k: number,
  opts: Omit<LanczosOptions, 'which'> = {},
): number[] {
  return hessianEigenvaluesLanczos(landscape, point, k, { ...opts, which: 'largest' }).values;
}

/**
 * Lanczos iteration with full reorthogonalisation. Calls `check(alpha, beta,
 * m, β_m, done)` after step m (the tridiagonal T_m is alpha[0..m), beta[0..m−1));
 * stops when it returns true or after maxIt steps (then done = true).
 */
function lanczos(
  op: HvpOperator,
  n: number,
  maxIt: number,
  rng: Rng,
  check: (alpha: Float64Array, beta: Float64Array, m: number, lastBeta: number, done: boolean, breakdown: boolean) => boolean,
): void {
  const Q: Float64Array[] = [];
  const alpha = new Float64Array(maxIt);
  const beta = new Float64Array(maxIt);
  const w = new Float64Array(n);
  let q = startVector(n, rng, Q);
  if (!q) return;
  let scale = 0;
  for (let j = 0; j < maxIt; j++) {
    Q.push(q);
    op(q, w);
    let a = 0;
    for (let i = 0; i < n; i++) a += q[i] * w[i];
    alpha[j] = a;
    for (let i = 0; i < n; i++) w[i] -= a * q[i];
    if (j > 0) {
      const prev = Q[j - 1];
      const b = beta[j - 1];
      for (let i = 0; i < n; i++) w[i] -= b * prev[i];
    }
    orthogonaliseAgainst(w, Q);
    orthogonaliseAgainst(w, Q);
    let b = 0;
    for (let i = 0; i < n; i++) b += w[i] * w[i];
    b = Math.sqrt(b);
    scale = Math.max(scale, Math.abs(a) + b);
    const m = j + 1;
    const last = m === maxIt || m === n;
    // Breakdown: the Krylov space is invariant. Its Ritz values are exact (residual 0).
    const breakdown = b <= 1e-13 * Math.max(scale, 1e-300);
    if (check(alpha, beta, m, breakdown ? 0 : b, last, breakdown)) return;
    if (last) return;
    if (breakdown) {
      const fresh = startVector(n, rng, Q);
      if (!fresh) {
        check(alpha, beta, m, 0, true, true);
        return;
      }
      beta[j] = 0;
      q = fresh;
    } else {
      beta[j] = b;
      q = new Float64Array(n);
      for (let i = 0; i < n; i++) q[i] = w[i] / b;
    }
  }
}

/** A Gaussian vector orthogonal to Q, normalised; null when Q already spans the space. */
function startVector(n: number, rng: Rng, Q: Float64Array[]): Float64Array | null {
  const v = new Float64Array(n);
  rng.normalsInto(v);
  orthogonaliseAgainst(v, Q);
  orthogonaliseAgainst(v, Q);
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i] * v[i];
  s = Math.sqrt(s);
  if (!(s > 1e-8 * Math.sqrt(n))) return null;
  for (let i = 0; i < n; i++) v[i] /= s;
  return v;
}

function orthogonaliseAgainst(w: Float64Array, Q: Float64Array[]): void {
  const n = w.length;
  for (const qi of Q) {
    let c = 0;
    for (let i = 0; i < n; i++) c += qi[i] * w[i];
    for (let i = 0; i < n; i++) w[i] -= c * qi[i];
  }
}

export interface TraceOptions {
  /** Σ e_iᵀ H e_i with dim HVPs (default when dim ≤ 256); else Hutchinson. */
  exact?: boolean;
  /** Rademacher probes for Hutchinson's estimator, default 100. */
  samples?: number;
  seed?: Seed;
}

/**
 * tr H(point): exactly as Σᵢ e_iᵀ H e_i, or by Hutchinson's estimator
 * E[zᵀHz] with Rademacher z (each entry ±1), averaged over `samples` probes.
 */
export function hessianTrace(landscape: Landscape, point: ArrayLike<number>, opts: TraceOptions = {}): number {
  const n = landscape.dim;
  const op = hessianOperator(landscape, point);
  const exact = opts.exact ?? n <= 256;
  const v = new Float64Array(n);
  const hv = new Float64Array(n);
  if (exact) {
    let tr = 0;
    for (let i = 0; i < n; i++) {
      v[i] = 1;
      op(v, hv);
      v[i] = 0;
      tr += hv[i];
    }
    return tr;
  }
  const samples = opts.samples ?? 100;
  if (!Number.isInteger(samples) || samples < 1) throw new SpecError('samples', `must be an integer ≥ 1, got ${describeValue(samples)}`);
  const rng = new Rng(opts.seed ?? 0);
  let total = 0;
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < n; i++) v[i] = rng.nextUint32() & 1 ? 1 : -1;
    op(v, hv);
    for (let i = 0; i < n; i++) total += v[i] * hv[i];
  }
  return total / samples;
}

export interface SpectralDensity {
  /** Ritz values (ascending): the support points of the density. */
  nodes: number[];
  /** Squared first components of the Ritz vectors: weights, summing to 1. */
  weights: number[];
  iterations: number;
}

/**
 * Stochastic Lanczos quadrature (Ghorbani et al. 2019; PyHessian): `steps`
 * Lanczos iterations from a seeded random unit vector v give nodes θᵢ and
 * weights τᵢ with Σ τᵢ g(θᵢ) ≈ vᵀ g(H) v ≈ (1/n) Σ g(λ). Smooth it for
 * display with `smoothSpectralDensity`.
 */
export function spectralDensity(
  landscape: Landscape,
  point: ArrayLike<number>,
  opts: { steps?: number; seed?: Seed } = {},
): SpectralDensity {
  const n = landscape.dim;
  const steps = Math.min(n, opts.steps ?? 80);
  if (!Number.isInteger(steps) || steps < 1) throw new SpecError('steps', `must be an integer ≥ 1, got ${describeValue(opts.steps)}`);
  const op = hessianOperator(landscape, point);
  let out: SpectralDensity = { nodes: [], weights: [], iterations: 0 };
  lanczos(op, n, steps, new Rng(opts.seed ?? 0), (alpha, beta, m, _b, done) => {
    if (!done) return false;
    const { values, rowValues } = tridiagonalEigen(alpha.subarray(0, m), beta.subarray(0, m - 1), [0]);
    out = { nodes: Array.from(values), weights: Array.from(rowValues[0], (c) => c * c), iterations: m };
    return true;
  });
  return out;
}

/** The density Σ τᵢ N(x; θᵢ, σ²) of a `spectralDensity` result at each x. */
export function smoothSpectralDensity(d: SpectralDensity, xs: ArrayLike<number>, sigma: number): Float64Array {
  const out = new Float64Array(xs.length);
  const c = 1 / (sigma * Math.sqrt(2 * Math.PI));
  for (let j = 0; j < xs.length; j++) {
    let s = 0;
    for (let i = 0; i < d.nodes.length; i++) {
      const z = (xs[j] - d.nodes[i]) / sigma;
      s += d.weights[i] * Math.exp(-0.5 * z * z);
    }
    out[j] = c * s;
  }
  return out;
}
