import type { Landscape } from '../landscapes/Landscape';
import { symmetricEigen } from '../linalg/symmetricEigen';
import { SpecError } from '../spec/SpecError';

/** Largest dimension for which the dense Hessian is formed and decomposed. */
export const NEWTON_MAX_DIM = 400;

/** Writes the dense Hessian (row-major) using `hessianInto`, or column by column from exact HVPs. */
export function denseHessianInto(landscape: Landscape, theta: ArrayLike<number>, out: Float64Array): void {
  const n = landscape.dim;
  if (landscape.hessianInto) {
    landscape.hessianInto(theta, out);
    return;
  }
  if (!landscape.hvpInto) throw new SpecError('landscape', `${landscape.info.kind} offers neither a Hessian nor Hessian-vector products`);
  const e = new Float64Array(n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    landscape.hvpInto(theta, e, col);
    for (let i = 0; i < n; i++) out[i * n + j] = col[i];
  }
  // Symmetrise away rounding differences between H·e_j columns.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = (out[i * n + j] + out[j * n + i]) / 2;
      out[i * n + j] = m;
      out[j * n + i] = m;
    }
  }
}

/**
 * Damped Newton: p = −(H + λI)⁻¹g, solved through the eigen-decomposition so a
 * singular H cannot blow up silently (directions with |λᵢ + λ| ≤ 1e-12·max|λ|
 * are left out: a pseudo-inverse). Plain Newton (λ = 0) is attracted to
 * saddles and maxima too — the lesson, not a bug. Levenberg–Marquardt mode
 * shifts by max(0, −λ_min) on top of `damping`, which makes p a descent
 * direction. The Armijo search starts at α = lr and halves until
 * f(θ+αp) ≤ f(θ) + 1e-4·α·gᵀp (at most 30 halvings).
 *
 * Returns evaluations used: 1 gradient, `dim` for the Hessian (its cost in
 * Hessian-vector products), one per line-search trial.
 */
export function newtonStepInPlace(
  theta: Float64Array,
  landscape: Landscape,
  h: { lr: number; damping: number; levenbergMarquardt: boolean; lineSearch: boolean; weightDecay: number },
  grad: Float64Array,
  f: number,
): number {
  const n = theta.length;
  if (n > NEWTON_MAX_DIM) {
    throw new SpecError(
      'optimizer.kind',
      `newton needs a dense Hessian and is limited to ${NEWTON_MAX_DIM} parameters; this landscape has ${n}`,
    );
  }
  const H = new Float64Array(n * n);
  denseHessianInto(landscape, theta, H);
  const { values, vectors } = symmetricEigen(H, n);
  let scale = 0;
  for (const v of values) scale = Math.max(scale, Math.abs(v));
  // Weight decay is an L2 term (λ/2)‖θ‖² in the objective: +λθ in g (done by the caller), +λI in H.
  let shift = h.damping + h.weightDecay;
  // Levenberg–Marquardt: strictly more than −λ_min, or the most negative direction would be
  // dropped by the pseudo-inverse and the step would stall on the saddle's escape route.
  if (h.levenbergMarquardt && values[0] + shift <= 0) shift += -(values[0] + shift) + 1e-3 * Math.max(1, scale);
  const p = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const denom = values[k] + shift;
    if (!(Math.abs(denom) > 1e-12 * Math.max(scale, 1e-300))) continue;
    const vk = vectors[k];
    let c = 0;
    for (let i = 0; i < n; i++) c += vk[i] * grad[i];
    c /= denom;
    for (let i = 0; i < n; i++) p[i] -= c * vk[i];
  }
  let evals = 1 + n;
  let alpha = h.lr;
  if (h.lineSearch) {
    let gtp = 0;
    for (let i = 0; i < n; i++) gtp += grad[i] * p[i];
    if (!(gtp < 0)) {
      // Not a descent direction (H not positive definite): fall back to steepest descent.
      for (let i = 0; i < n; i++) p[i] = -grad[i];
      gtp = 0;
      for (let i = 0; i < n; i++) gtp -= grad[i] * grad[i];
    }
    const trial = new Float64Array(n);
    for (let it = 0; it < 30; it++) {
      for (let i = 0; i < n; i++) trial[i] = theta[i] + alpha * p[i];
      evals += 1;
      let ft = landscape.value(trial);
      if (h.weightDecay !== 0) {
        let s = 0;
        for (let i = 0; i < n; i++) s += trial[i] * trial[i];
        ft += 0.5 * h.weightDecay * s;
      }
      if (ft <= f + 1e-4 * alpha * gtp) break;
      alpha /= 2;
    }
  }
  for (let i = 0; i < n; i++) theta[i] = theta[i] + alpha * p[i];
  return evals;
}
