import { analyze, ZERO_EIGENVALUE_SHARE } from '../analysis/analyze';
import { NEWTON_MAX_DIM } from '../optimizers/newton';
import { lossGrid } from '../analysis/sharpness';
import type { Bounds2D, Landscape } from '../landscapes/Landscape';
import type { PresetOptimizer } from '../landscapes/preset';
import { hessianEigenvaluesLanczos, smoothSpectralDensity, spectralDensity } from '../mlp/curvature';
import { layerGradientNorms } from '../mlp/layerGradients';
import type { MlpLandscape } from '../mlp/MlpLandscape';
import { planeShareOfPath, trajectoryPlane } from '../mlp/trajectoryPlane';
import { createOptimizer } from '../optimizers/Optimizer';
import { Rng } from '../random/Rng';
import type { PictureKind } from './Challenge';
import type { ChallengeAttempt } from './ChallengeAttempt';
import { bezierBetween, lineBetween } from './goals';

/**
 * The pictures shown beside a challenge's explanation, as plain data the
 * client draws (a terrain with paths and marks; curves; bars). Computed
 * here, from the finished attempt, with shared's own math: what the picture
 * shows is what the goal measured.
 */

export interface TerrainPicture {
  kind: 'terrain';
  title: string;
  caption: string;
  bounds: Bounds2D;
  /** n×n loss values, row i at y = yMin + i·(yMax − yMin)/(n − 1). */
  n: number;
  values: number[];
  /** Draw the colours on a log scale (the loss spans decades). */
  log: boolean;
  paths: { label: string; points: number[] }[];
  marks: { x: number; y: number; label: string }[];
  /** Eigen-directions: half-length is drawn as given; the label carries λ. */
  arrows: { x: number; y: number; dx: number; dy: number; label: string }[];
  /** Per step of a second-order method: the points its search tried, the accepted one, and the trusted radius. */
  trials: { from: [number, number]; tried: [number, number][]; to: [number, number]; radius: number | null }[];
}

export interface CurvesPicture {
  kind: 'curves';
  title: string;
  caption: string;
  xLabel: string;
  yLabel: string;
  log: boolean;
  series: { label: string; xs: number[]; ys: number[] }[];
  /** Vertical marks (checkpoints) and horizontal ones (a target). */
  marks: { axis: 'x' | 'y'; at: number; label: string }[];
  /**
   * A spectrum's individual eigenvalues, one row per series (same label), drawn as ticks
   * under the density: the density's kernel is far wider than a small negative eigenvalue.
   */
  eigenvalues?: EigenvalueRow[];
}

/** Every eigenvalue of the Hessian at one point, computed exactly, and the sign each one counts as. */
export interface EigenvalueRow {
  label: string;
  /** Ascending: the dense Hessian's eigenvalues (Jacobi, exact to rounding). */
  values: number[];
  /** Parallel to `values`: −1 below −tolerance (a way down), 0 within it, +1 above. */
  signs: (-1 | 0 | 1)[];
  /** |λ| at or below this counts as zero: 1e-4 of the largest |λ|, as the race results classify a point. */
  tolerance: number;
}

export interface BarsPicture {
  kind: 'bars';
  title: string;
  caption: string;
  yLabel: string;
  log: boolean;
  bars: { label: string; value: number }[];
}

export type PictureData = TerrainPicture | CurvesPicture | BarsPicture;

const GRID_2D = 96;
const GRID_NETWORK = 40;

function pairs(trail: readonly number[]): number[] {
  return Array.from(trail);
}

function spansDecades(values: ArrayLike<number>): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of Array.from(values)) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo > 0 && hi / lo > 100;
}

function terrainBase(a: ChallengeAttempt, title: string, caption: string): TerrainPicture {
  const L = a.landscape;
  const bounds = L.info.bounds;
  const n = L.dim === 2 ? GRID_2D : GRID_NETWORK;
  const values = Array.from(lossGrid(L, { ...bounds, n }));
  const paths = [...a.trails.entries()].map(([id, t]) => ({ label: id === 'you' ? 'Your racer' : 'The twin', points: pairs(t) }));
  const you = a.trails.get('you')!;
  const marks = [
    { x: you[0], y: you[1], label: 'start' },
    { x: you[you.length - 2], y: you[you.length - 1], label: 'end' },
  ];
  return { kind: 'terrain', title, caption, bounds, n, values, log: L.info.wideRange, paths, marks, arrows: [], trials: [] };
}

/** The Hessian's eigen-directions at a 2-D point, drawn with a common length and labelled with their curvature. */
function eigenArrows(L: Landscape, p: readonly number[]): TerrainPicture['arrows'] {
  if (L.dim !== 2) return [];
  const { eigenvalues, eigenvectors } = analyze(L, p);
  const b = L.info.bounds;
  const len = 0.08 * Math.min(b.xMax - b.xMin, b.yMax - b.yMin);
  return eigenvalues.map((lam, i) => ({
    x: p[0],
    y: p[1],
    dx: len * eigenvectors[i][0],
    dy: len * eigenvectors[i][1],
    label: `λ ${Number(lam.toPrecision(3))}`,
  }));
}

/**
 * Replays a second-order optimizer (Newton, L-BFGS) from `start`, recording
 * every point its line search evaluated besides the current one, the point
 * it accepted, and for damped Newton the radius ‖∇f‖/λ its step is bounded
 * by where the terrain curves upward. Deterministic: these optimizers use no
 * random draws.
 */
export function lineSearchTrace(
  L: Landscape,
  optimizer: PresetOptimizer,
  start: readonly number[],
  steps: number,
): { from: number[]; tried: number[][]; to: number[]; evaluations: number; gradientNorm: number }[] {
  const tried: number[][] = [];
  const recording: Landscape = {
    spec: L.spec,
    dim: L.dim,
    info: L.info,
    value: (t) => {
      tried.push(Array.from(t));
      return L.value(t);
    },
    valueAndGradientInto: (t, g) => {
      tried.push(Array.from(t));
      return L.valueAndGradientInto(t, g);
    },
    hessianInto: L.hessianInto ? (t, out) => L.hessianInto!(t, out) : undefined,
    hvpInto: L.hvpInto ? (t, v, out) => L.hvpInto!(t, v, out) : undefined,
  };
  const opt = createOptimizer(optimizer, L.dim);
  const theta = Float64Array.from(start);
  const rng = new Rng('line-search-trace');
  const g = new Float64Array(L.dim);
  const out = [];
  for (let s = 0; s < steps; s++) {
    const from = Array.from(theta);
    L.valueAndGradientInto(theta, g);
    tried.length = 0;
    const { gradientEvaluations } = opt.stepInPlace(theta, recording, rng);
    if (!theta.every(Number.isFinite)) break;
    const others = tried.filter((p) => p.some((v, i) => v !== from[i]));
    out.push({ from, tried: others, to: Array.from(theta), evaluations: gradientEvaluations, gradientNorm: Math.hypot(...g) });
    if (from.every((v, i) => v === theta[i])) break;
  }
  return out;
}

function trialsOf(a: ChallengeAttempt): TerrainPicture['trials'] {
  const spec = a.you.optimizer as unknown as PresetOptimizer & { damping?: number };
  if (spec.kind !== 'newton' && spec.kind !== 'lbfgs') return [];
  const updates = Math.min(a.you.updates, 60);
  return lineSearchTrace(a.landscape, spec, a.start, updates).map((s) => ({
    from: [s.from[0], s.from[1]],
    tried: s.tried.map((p) => [p[0], p[1]] as [number, number]),
    to: [s.to[0], s.to[1]],
    radius: spec.kind === 'newton' && (spec.damping ?? 0) > 0 ? s.gradientNorm / (spec.damping as number) : null,
  }));
}

function lossCurve(a: ChallengeAttempt): CurvesPicture {
  const s = a.settings;
  const xs = a.lossByTick.map((_, i) => (i + 1) / s.tickRate);
  const marks: CurvesPicture['marks'] = [];
  if (s.scoring.kind === 'time-to-target') marks.push({ axis: 'y', at: s.scoring.target, label: 'target' });
  if (a.challenge.id === 'any-time-now' && s.roundSeconds !== null)
    for (const f of [1 / 3, 2 / 3, 1]) marks.push({ axis: 'x', at: f * s.roundSeconds, label: `${Math.round(f * s.roundSeconds)} s` });
  const ys = a.lossByTick.slice();
  const positive = ys.every((v) => v > 0);
  return {
    kind: 'curves',
    title: 'Your loss over the round',
    caption: 'The loss after every tick of the round.',
    xLabel: 'seconds',
    yLabel: 'loss',
    log: positive && spansDecades(ys),
    series: [{ label: 'your loss', xs, ys }],
    marks,
  };
}

/**
 * Every Hessian eigenvalue at `p` with the sign it counts as: exact (the dense Hessian from H·v
 * products, Jacobi), for networks up to Newton's size limit; null above it (Lanczos estimates
 * of every eigenvalue would cost as much as the dense Hessian and be less sure).
 */
export function eigenvalueRow(L: Landscape, p: ArrayLike<number>, label: string): EigenvalueRow | null {
  if (L.dim > NEWTON_MAX_DIM) return null;
  const values = analyze(L, p).eigenvalues;
  const tolerance = ZERO_EIGENVALUE_SHARE * Math.max(Math.abs(values[0]), Math.abs(values[values.length - 1]));
  const signs = values.map((v) => (v < -tolerance ? -1 : v > tolerance ? 1 : 0));
  return { label, values, signs, tolerance };
}

function spectrumPicture(a: ChallengeAttempt, withEnd = true): CurvesPicture {
  const L = a.landscape;
  const at = [{ label: 'at the start', p: a.start }];
  if (withEnd) at.push({ label: 'at the end', p: Array.from(a.you.position) });
  const dens = at.map(({ p }) => spectralDensity(L, p, { steps: Math.min(L.dim, 60), seed: 1 }));
  const lo = Math.min(...dens.map((d) => d.nodes[0]));
  const hi = Math.max(...dens.map((d) => d.nodes[d.nodes.length - 1]));
  const pad = 0.05 * (hi - lo || 1);
  const xs = Array.from({ length: 121 }, (_, i) => lo - pad + ((hi - lo + 2 * pad) * i) / 120);
  const sigma = (hi - lo || 1) / 60;
  const rows = at.map(({ p, label }) => eigenvalueRow(L, p, label));
  const exact = rows.every((r): r is EigenvalueRow => r !== null);
  // The smallest the caption names is the leftmost tick when the ticks are drawn (the same number).
  const mins = exact
    ? rows.map((r) => r.values[0])
    : at.map(({ p }) => hessianEigenvaluesLanczos(L, p, 1, { which: 'smallest' }).values[0]);
  return {
    kind: 'curves',
    title: 'The Hessian’s eigenvalues',
    caption: `Density of the Hessian’s ${L.dim} eigenvalues (Lanczos quadrature)${exact ? '; under it every eigenvalue as a tick, computed exactly' : ''}. Smallest: ${mins.map((m, i) => `${Number(m.toPrecision(3))} ${at[i].label}`).join(', ')}; a negative one means a way down.`,
    xLabel: 'eigenvalue',
    yLabel: 'density',
    log: false,
    series: dens.map((d, i) => ({ label: at[i].label, xs, ys: Array.from(smoothSpectralDensity(d, xs, sigma)) })),
    marks: [{ axis: 'x', at: 0, label: '0' }],
    ...(exact ? { eigenvalues: rows as EigenvalueRow[] } : {}),
  };
}

/**
 * The Hessian's eigenvalue density at the attempt's start alone: what a student can look at
 * before running (the start's negative eigenvalues are the way off a saddle).
 */
export function startSpectrumPicture(a: ChallengeAttempt): CurvesPicture {
  return { ...spectrumPicture(a, false), title: 'The Hessian’s eigenvalues at the start' };
}

function layerNormsPicture(a: ChallengeAttempt): BarsPicture {
  const norms = layerGradientNorms(a.landscape as MlpLandscape, a.start);
  return {
    kind: 'bars',
    title: 'Gradient size per layer, at the start',
    caption: '‖∂L/∂W‖ of each layer, the input layer first, on a log scale.',
    yLabel: '‖∂L/∂W‖',
    log: true,
    bars: norms.map((r) => ({ label: `layer ${r.layer}`, value: r.weightGradientNorm })),
  };
}

/** "2 %", or "under 1 %" where rounding would say 0. */
function percentText(share: number): string {
  return share < 0.005 ? 'under 1 %' : `${Math.round(100 * share)} %`;
}

function pcaPicture(a: ChallengeAttempt): TerrainPicture {
  const L = a.landscape;
  const { plane, explained } = trajectoryPlane(a.pathByTick);
  const ab = new Float64Array(2);
  const points: number[] = [];
  for (const p of a.pathByTick) {
    plane.projectInto(p, ab);
    points.push(ab[0], ab[1]);
  }
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    xMin = Math.min(xMin, points[i]);
    xMax = Math.max(xMax, points[i]);
    yMin = Math.min(yMin, points[i + 1]);
    yMax = Math.max(yMax, points[i + 1]);
  }
  const span = Math.max(xMax - xMin, yMax - yMin, 1e-6);
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  const bounds = { xMin: cx - 0.65 * span, xMax: cx + 0.65 * span, yMin: cy - 0.65 * span, yMax: cy + 0.65 * span };
  const n = GRID_NETWORK;
  const theta = new Float64Array(L.dim);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      plane.liftInto(
        bounds.xMin + ((bounds.xMax - bounds.xMin) * j) / (n - 1),
        bounds.yMin + ((bounds.yMax - bounds.yMin) * i) / (n - 1),
        theta,
      );
      values.push(L.value(theta));
    }
  }
  const pct = Math.round(100 * (explained[0] + explained[1]));
  // The map's random plane, measured the same way: what the arena could show of this path.
  const onMap = (L as MlpLandscape).plane ? planeShareOfPath((L as MlpLandscape).plane, a.pathByTick) : null;
  const mapText = onMap === null ? '' : ` The map’s random plane holds ${percentText(onMap)}.`;
  return {
    kind: 'terrain',
    title: 'Your path on its own principal plane',
    caption: `The loss on the plane of the path’s two principal directions, which hold ${pct} % of its spread (${Math.round(100 * explained[0])} % and ${Math.round(100 * explained[1])} %).${mapText}`,
    bounds,
    n,
    values,
    log: spansDecades(values),
    paths: [{ label: 'Your racer', points }],
    marks: [
      { x: points[0], y: points[1], label: 'start' },
      { x: points[points.length - 2], y: points[points.length - 1], label: 'end' },
    ],
    arrows: [],
    trials: [],
  };
}

function barrierPicture(a: ChallengeAttempt): CurvesPicture {
  const ev = a.finish().evidence;
  const line = lineBetween(ev);
  const curve = bezierBetween(ev);
  const ends = Math.max(...line.endpointLosses);
  const f = (v: number) => Number(v.toPrecision(3));
  const lineBarrier = Math.max(0, line.barrier);
  const curveBarrier = Math.max(0, curve.barrier);
  const allowed = a.challenge.goal.stars[0];
  return {
    kind: 'curves',
    title: 'Loss along the paths between the two networks',
    caption:
      `The ends: your network at loss ${f(line.endpointLosses[0])}, the twin at ${f(line.endpointLosses[1])}. ` +
      `The straight line climbs ${f(lineBarrier)} above the higher end; the trained curve ${f(curveBarrier)}, ${curveBarrier <= allowed ? 'within' : 'more than'} the allowed ${f(allowed)}.`,
    xLabel: 'position along the path (0 = you, 1 = the twin)',
    yLabel: 'loss',
    log: spansDecades([...line.losses, ...curve.losses]),
    series: [
      { label: 'straight line', xs: line.ts, ys: line.losses },
      { label: 'trained curve', xs: curve.ts, ys: curve.losses },
    ],
    marks: [
      { axis: 'y', at: ends, label: 'the ends' },
      { axis: 'y', at: ends + allowed, label: `ends + ${f(allowed)}` },
      { axis: 'y', at: ends + lineBarrier, label: `the straight line’s highest, +${f(lineBarrier)}` },
    ],
  };
}

/**
 * One picture of a finished attempt.
 *
 * @example
 *   const a = runChallenge(challengeById('booth-edge')!, { optimizer: { kind: 'sgd', lr: 0.108 } }, 1);
 *   challengePicture('eigen', a); // { kind: 'terrain', arrows: [λ 2, λ 18], … }
 */
export function challengePicture(kind: PictureKind, a: ChallengeAttempt): PictureData {
  switch (kind) {
    case 'path':
      return terrainBase(
        a,
        a.landscape.dim === 2 ? 'Your path over the terrain' : 'Your path on the map’s plane',
        a.landscape.dim === 2
          ? 'The loss, dark low and bright high, with your racer’s path from its start.'
          : 'The loss on the map’s plane through the starting network, with your racer drawn where it projects onto it.',
      );
    case 'eigen': {
      const p = terrainBase(
        a,
        'The curvature where your racer ended',
        'The Hessian’s eigen-directions at the end point, labelled with their curvature λ.',
      );
      p.arrows = eigenArrows(a.landscape, Array.from(a.you.position));
      return p;
    }
    case 'trials': {
      const p = terrainBase(
        a,
        'Every point the optimizer tried',
        'Each step of a second-order method: the points its line search evaluated (small dots) and the point it accepted; for damped Newton, the radius it trusted.',
      );
      p.trials = trialsOf(a);
      return p;
    }
    case 'loss-curve':
      return lossCurve(a);
    case 'spectrum':
      return spectrumPicture(a);
    case 'layer-norms':
      return layerNormsPicture(a);
    case 'pca-plane':
      return pcaPicture(a);
    case 'barrier':
      return barrierPicture(a);
  }
}
