import type { Landscape } from '../landscapes/Landscape';
import { symmetricEigen } from '../linalg/symmetricEigen';
import { denseHessianInto, NEWTON_MAX_DIM } from '../optimizers/newton';
import { SpecError } from '../spec/SpecError';
import { pointField } from '../spec/fields';

export type CriticalPointKind = 'minimum' | 'maximum' | 'saddle' | 'degenerate';

export interface PointAnalysis {
  value: number;
  gradient: number[];
  /** dim×dim, rows. */
  hessian: number[][];
  /** Ascending. */
  eigenvalues: number[];
  /** `eigenvectors[i]` belongs to `eigenvalues[i]`. */
  eigenvectors: number[][];
  /** Curvature class by eigenvalue signs (any |λ| ≤ 1e-9 makes it degenerate). */
  kind: CriticalPointKind;
  /** Number of negative eigenvalues (the Morse index of a saddle). */
  index: number;
  gradientNorm: number;
}

/** Eigenvalues within this of zero count as zero (optimizers.json: "tolerance 1e-9"). */
export const EIGENVALUE_TOLERANCE = 1e-9;

/**
 * Eigenvalues smaller than this share of the largest |λ| count as zero where they come from iterative
 * estimates or are compared across a whole spectrum (the race results' class of an end point, the
 * spectrum picture's negative ticks): Lanczos ends are good to ~1e-6 relative.
 */
export const ZERO_EIGENVALUE_SHARE = 1e-4;

/** Curvature class of a point from its Hessian's eigenvalues. */
export function classifyEigenvalues(eigenvalues: readonly number[], tol = EIGENVALUE_TOLERANCE): CriticalPointKind {
  if (eigenvalues.some((l) => !(Math.abs(l) > tol))) return 'degenerate';
  if (eigenvalues.every((l) => l > 0)) return 'minimum';
  if (eigenvalues.every((l) => l < 0)) return 'maximum';
  return 'saddle';
}

/**
 * Value, gradient, exact Hessian and its eigen-decomposition at a point, and
 * the critical-point class the Hessian implies (MATH.md "Hessian analysis").
 * Works on every 2-D landscape and on networks up to a few hundred parameters
 * (the Hessian is assembled from exact Hessian-vector products).
 *
 * @example
 *   analyze(createLandscape('himmelblau'), [-0.270845, -0.923039]).kind // 'maximum'
 */
export function analyze(landscape: Landscape, point: ArrayLike<number>): PointAnalysis {
  const n = landscape.dim;
  if (n > NEWTON_MAX_DIM) {
    throw new SpecError(
      'point',
      `dense analysis is limited to ${NEWTON_MAX_DIM} parameters (this landscape has ${n}); use topHessianEigenvalues`,
    );
  }
  const p = pointField(Array.from(point), 'point', n);
  const g = new Float64Array(n);
  const value = landscape.valueAndGradientInto(p, g);
  const H = new Float64Array(n * n);
  denseHessianInto(landscape, p, H);
  const { values, vectors } = symmetricEigen(H, n);
  const hessian: number[][] = [];
  for (let i = 0; i < n; i++) hessian.push(Array.from(H.subarray(i * n, (i + 1) * n)));
  return {
    value,
    gradient: Array.from(g),
    hessian,
    eigenvalues: values,
    eigenvectors: vectors,
    kind: classifyEigenvalues(values),
    index: values.filter((l) => l < -EIGENVALUE_TOLERANCE).length,
    gradientNorm: Math.hypot(...g),
  };
}
