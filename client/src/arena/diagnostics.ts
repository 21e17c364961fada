import type { DiagnosticsView } from './ArenaModel';

/**
 * Diagnostics at a point of a 2-D landscape, from its value, gradient and
 * Hessian: the descent arrow, the SAM ascent point w + ρ·g/‖g‖ (Foret et al.
 * 2021) with its ball, the curvature ellipse and the critical-point class.
 *
 * Eigen-decomposition of H = [[a, b], [b, c]] in closed form:
 * λ± = (a+c)/2 ± √(((a−c)/2)² + b²), eigenvector for λ is (b, λ−a), or the
 * axes when b = 0. The ellipse's semi-axis along eigenvector k has length
 * 1/√|λ_k| (a level set of the local quadratic model), capped so a nearly
 * flat direction does not draw an endless ellipse.
 */
export interface PointDiagnostics {
  view: DiagnosticsView;
  eigenvalues: [number, number];
  kind: 'minimum' | 'maximum' | 'saddle' | 'degenerate';
  gradientNorm: number;
  /** One line for a student, e.g. "Saddle: curvature −2 along one direction, 2 along the other". */
  text: string;
}

export function eigen2(a: number, b: number, c: number): { values: [number, number]; vectors: [[number, number], [number, number]] } {
  const mean = (a + c) / 2;
  const r = Math.hypot((a - c) / 2, b);
  const lo = mean - r,
    hi = mean + r;
  const vec = (l: number): [number, number] => {
    if (Math.abs(b) < 1e-300) return Math.abs(l - a) <= Math.abs(l - c) ? [1, 0] : [0, 1];
    const n = Math.hypot(b, l - a);
    return [b / n, (l - a) / n];
  };
  return { values: [lo, hi], vectors: [vec(lo), vec(hi)] };
}

/** Relative tolerance below which an eigenvalue counts as zero (degenerate point). */
const ZERO_TOL = 1e-6;

export function classify(values: [number, number]): PointDiagnostics['kind'] {
  const scale = Math.max(Math.abs(values[0]), Math.abs(values[1]), 1e-12);
  if (values.some((l) => Math.abs(l) <= ZERO_TOL * Math.max(1, scale))) return 'degenerate';
  if (values[0] > 0) return 'minimum';
  if (values[1] < 0) return 'maximum';
  return 'saddle';
}

export function pointDiagnostics(
  x: number,
  y: number,
  gradient: ArrayLike<number>,
  hessian: ArrayLike<number> | undefined,
  samRadius: number,
): PointDiagnostics {
  const gx = gradient[0],
    gy = gradient[1];
  const gn = Math.hypot(gx, gy);
  const view: DiagnosticsView = { x, y, gradient: [gx, gy] };
  if (samRadius > 0 && gn > 0)
    view.sam = { x: x + (samRadius * gx) / (gn + 1e-12), y: y + (samRadius * gy) / (gn + 1e-12), radius: samRadius };
  let values: [number, number] = [NaN, NaN];
  let kind: PointDiagnostics['kind'] = 'degenerate';
  if (hessian && hessian.length >= 4) {
    const e = eigen2(hessian[0], (hessian[1] + hessian[2]) / 2, hessian[3]);
    values = e.values;
    kind = classify(values);
    const maxAbs = Math.max(Math.abs(values[0]), Math.abs(values[1]), 1e-12);
    // Lengths relative to the sharpest direction; a flat direction is capped at 10× the sharp one.
    const len = (l: number) => Math.min(10, Math.sqrt(maxAbs / Math.max(Math.abs(l), maxAbs / 100)));
    view.ellipse = { axes: e.vectors, lengths: [len(values[0]), len(values[1])], negative: [values[0] < 0, values[1] < 0] };
  }
  const f = (v: number) =>
    Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
  const name = {
    minimum: 'Bowl (like a minimum)',
    maximum: 'Dome (like a maximum)',
    saddle: 'Saddle',
    degenerate: 'Flat direction (degenerate)',
  }[kind];
  const text = Number.isFinite(values[0])
    ? `${name}: curvature ${f(values[0])} and ${f(values[1])}; gradient size ${f(gn)}.`
    : `Gradient size ${f(gn)}.`;
  return { view, eigenvalues: values, kind, gradientNorm: gn, text };
}
