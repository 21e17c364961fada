import { formatNumber, type CriticalPointKind, type PointAnalysis } from '@gradient-rally/shared';
import type { DiagnosticsView } from './ArenaModel';

/**
 * What the diagnostics panel draws at a point of a 2-D landscape: the descent
 * arrow, the SAM ascent point w + ρ·g/‖g‖ (Foret et al. 2021) with its ball,
 * the curvature ellipse and the critical-point class.
 *
 * The eigen-decomposition and the class come from shared's `analyze` (the
 * same call, tolerance and words the results table uses), so the panel and
 * the "Class" column cannot disagree about a point. Only the drawing is
 * decided here: the ellipse's semi-axis along eigenvector k has length
 * 1/√|λ_k| (a level set of the local quadratic model), relative to the
 * sharpest direction and capped at 10× it, so a nearly flat direction does
 * not draw an endless ellipse.
 */
export interface PointDiagnostics {
  view: DiagnosticsView;
  eigenvalues: [number, number];
  kind: CriticalPointKind;
  gradientNorm: number;
  /** One line for a student, e.g. "Saddle: curvature −2 and 2; gradient size 1." */
  text: string;
}

const KIND_TEXT: Record<CriticalPointKind, string> = {
  minimum: 'Bowl (like a minimum)',
  maximum: 'Dome (like a maximum)',
  saddle: 'Saddle',
  degenerate: 'Flat direction (degenerate)',
};

/**
 * @param a shared's `analyze(landscape, point)` at a 2-D point
 * @param samRadius the SAM ball's radius ρ (0: no SAM point)
 */
export function pointDiagnostics(
  a: Pick<PointAnalysis, 'gradient' | 'eigenvalues' | 'eigenvectors' | 'kind'>,
  point: ArrayLike<number>,
  samRadius: number,
): PointDiagnostics {
  const [x, y] = [point[0], point[1]];
  const [gx, gy] = a.gradient;
  const gn = Math.hypot(gx, gy);
  const view: DiagnosticsView = { x, y, gradient: [gx, gy] };
  if (samRadius > 0 && gn > 0)
    view.sam = { x: x + (samRadius * gx) / (gn + 1e-12), y: y + (samRadius * gy) / (gn + 1e-12), radius: samRadius };
  const finite = a.eigenvalues.length === 2 && a.eigenvalues.every(Number.isFinite);
  const values: [number, number] = finite ? [a.eigenvalues[0], a.eigenvalues[1]] : [NaN, NaN];
  if (finite) {
    const maxAbs = Math.max(Math.abs(values[0]), Math.abs(values[1]), 1e-12);
    const len = (l: number) => Math.min(10, Math.sqrt(maxAbs / Math.max(Math.abs(l), maxAbs / 100)));
    const axes = a.eigenvectors.map((v) => [v[0], v[1]]) as [[number, number], [number, number]];
    view.ellipse = { axes, lengths: [len(values[0]), len(values[1])], negative: [values[0] < 0, values[1] < 0] };
  }
  const kind = finite ? a.kind : 'degenerate';
  const f = formatNumber;
  const text = finite
    ? `${KIND_TEXT[kind]}: curvature ${f(values[0])} and ${f(values[1])}; gradient size ${f(gn)}.`
    : `Gradient size ${f(gn)}.`;
  return { view, eigenvalues: values, kind, gradientNorm: gn, text };
}
