/**
 * Eigen-decomposition of small symmetric matrices.
 *
 * 2×2 uses the closed form of MATH.md: λ± = (a+c)/2 ± √(((a−c)/2)² + b²),
 * eigenvector (b, λ−a) (the axes when b = 0). Larger matrices use cyclic
 * Jacobi rotations, which are accurate to machine precision for the sizes the
 * game analyses densely (a few hundred).
 */
export interface SymmetricEigen {
  /** Ascending. */
  values: number[];
  /** `vectors[i]` is the unit eigenvector of `values[i]`. */
  vectors: number[][];
}

export function symmetricEigen2(a: number, b: number, c: number): SymmetricEigen {
  const mean = (a + c) / 2;
  const r = Math.hypot((a - c) / 2, b);
  const lo = mean - r;
  const hi = mean + r;
  if (b === 0) {
    // Already diagonal: eigenvectors are the axes.
    return a <= c
      ? {
          values: [a, c],
          vectors: [
            [1, 0],
            [0, 1],
          ],
        }
      : {
          values: [c, a],
          vectors: [
            [0, 1],
            [1, 0],
          ],
        };
  }
  const vec = (l: number) => {
    // (b, λ − a) and (λ − c, b) are both eigenvectors; use the larger for accuracy.
    let x = b,
      y = l - a;
    const x2 = l - c,
      y2 = b;
    if (Math.hypot(x2, y2) > Math.hypot(x, y)) {
      x = x2;
      y = y2;
    }
    const n = Math.hypot(x, y);
    return [x / n, y / n];
  };
  const vLo = vec(lo);
  const vHi = vec(hi);
  // With a ≈ c and a tiny b (an almost isotropic point) both formulas cancel to the same axis: the
  // eigenvalues are then equal to rounding and any orthonormal pair is right, so keep them orthogonal.
  if (Math.abs(vLo[0] * vHi[0] + vLo[1] * vHi[1]) > 0.5) return { values: [lo, hi], vectors: [[-vHi[1], vHi[0]], vHi] };
  return { values: [lo, hi], vectors: [vLo, vHi] };
}

/** Eigen-decomposition of a symmetric n×n matrix given row-major. */
export function symmetricEigen(m: ArrayLike<number>, n: number): SymmetricEigen {
  if (n === 1) return { values: [m[0]], vectors: [[1]] };
  if (n === 2) return symmetricEigen2(m[0], (m[1] + m[2]) / 2, m[3]);
  const a = Float64Array.from(m as ArrayLike<number>);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  // Stop when the off-diagonal mass is rounding noise relative to the whole
  // matrix (an absolute threshold never triggers on real Hessians, whose
  // off-diagonal sum levels off around 1e-30, and costs 100 full sweeps).
  let fro = 0;
  for (let i = 0; i < n * n; i++) fro += a[i] * a[i];
  const stop = 1e-30 * fro;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (!(off > stop) || !(off > 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        if (apq === 0 || Math.abs(apq) < 1e-17 * Math.sqrt(Math.abs(app * aqq))) continue;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  return {
    values: order.map((i) => a[i * n + i]),
    vectors: order.map((i) => Array.from({ length: n }, (_, k) => v[k * n + i])),
  };
}
