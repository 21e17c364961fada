import {
  formatNumber,
  formatScore,
  KNOBS,
  knobApplies,
  NUMERIC_KNOBS,
  OPTIMIZER_LABELS,
  optimizerSpecToKnobs,
  scoringRuleName,
  type Bounds2D,
  type NumericKnob,
  type ResultRow,
  type ScoringRule,
} from '@gradient-rally/shared';

/**
 * The class view's data, drawing-free (issue 10: "after any round a class view
 * shows what no single player can see"): which knobs the class varied, one
 * point per student of a knob against a measure, the students who cannot be
 * placed on that plot and why, the axes (log for the learning rate, and for a
 * measure spanning decades), a shade per score for the end points, and the
 * box the paths are drawn in. `ClassView` draws it; Node tests check it.
 */

/** What a dot's height can be: the round's score, or the sharpness λmax at the end point. */
export const CLASS_MEASURES = ['score', 'lambdaMax'] as const;
export type ClassMeasure = (typeof CLASS_MEASURES)[number];

/** The fields of a results row the class view reads. */
export type ClassRow = Pick<ResultRow, 'id' | 'name' | 'rank' | 'status' | 'score' | 'lambdaMax' | 'optimizer' | 'knobChanges'>;

/** The value of `knob` in the spec a row ended with, or null when its optimizer has no such knob (Adagrad has no momentum). */
export function knobValueOf(row: Pick<ClassRow, 'optimizer'>, knob: NumericKnob): number | null {
  const values = optimizerSpecToKnobs(row.optimizer);
  if (!knobApplies(values.kind, knob)) return null;
  const v = values[knob];
  return Number.isFinite(v) ? v : null;
}

/**
 * The knobs that took at least two values across the class (shared's knob
 * order, so the learning rate comes first): the ones worth plotting. When the
 * whole class used the same settings, the learning rate alone, so the plot
 * still has an axis.
 */
export function variedKnobs(rows: readonly Pick<ClassRow, 'optimizer'>[]): NumericKnob[] {
  const varied = NUMERIC_KNOBS.filter((k) => new Set(rows.map((r) => knobValueOf(r, k)).filter((v) => v !== null)).size >= 2);
  return varied.length ? varied : ['lr'];
}

export interface AxisTick {
  value: number;
  text: string;
}

export interface PlotAxis {
  label: string;
  log: boolean;
  /** The drawn range (padded around the data); on a log axis both are > 0. */
  min: number;
  max: number;
  ticks: AxisTick[];
}

/** Where `v` sits along the axis, 0 at `min` and 1 at `max`. */
export function axisFraction(axis: Pick<PlotAxis, 'log' | 'min' | 'max'>, v: number): number {
  if (axis.log) return (Math.log10(v) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
  return (v - axis.min) / (axis.max - axis.min);
}

/**
 * An axis around `values` (finite ones): padded by 6 % of the span on each side (of the decades on a log
 * axis), a single value widened so it sits in the middle; ticks at 1, 2 or 5 × 10ⁿ (linear) or at powers of
 * ten, with 2 and 5 between when the range spans under two decades (log).
 */
export function axisFor(values: readonly number[], log: boolean, label: string): PlotAxis {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (log && finite.length) {
    let lo = Math.log10(Math.min(...finite));
    let hi = Math.log10(Math.max(...finite));
    if (hi - lo < 1e-9) {
      lo -= 0.5;
      hi += 0.5;
    } else {
      const pad = (hi - lo) * 0.06;
      lo -= pad;
      hi += pad;
    }
    const min = 10 ** lo;
    const max = 10 ** hi;
    return { label, log, min, max, ticks: logTicks(min, max) };
  }
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (hi - lo <= Math.abs(hi) * 1e-12) {
    const half = Math.abs(lo) * 0.1 || 1;
    lo -= half;
    hi += half;
  } else {
    const pad = (hi - lo) * 0.06;
    lo -= pad;
    hi += pad;
  }
  return { label, log: false, min: lo, max: hi, ticks: linearTicks(lo, hi) };
}

function linearTicks(lo: number, hi: number, want = 5): AxisTick[] {
  const raw = (hi - lo) / want;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: AxisTick[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) {
    const v = Number((k * step).toPrecision(12));
    ticks.push({ value: v, text: formatNumber(v === 0 ? 0 : v) });
  }
  return ticks;
}

function logTicks(min: number, max: number): AxisTick[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const multiples = hi - lo <= 2 ? [1, 2, 5] : [1];
  const ticks: AxisTick[] = [];
  for (let e = lo; e <= hi; e++)
    for (const m of multiples) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push({ value: v, text: formatNumber(v) });
    }
  return ticks;
}

/** One student on the plot. */
export interface ScatterPoint {
  id: string;
  name: string;
  rank: number;
  x: number;
  y: number;
  xText: string;
  yText: string;
}

/** A student the plot cannot place (drawn apart, in a row of crosses above it, and listed), with the reason in words. */
export interface ApartPoint {
  id: string;
  name: string;
  /** Their knob value, when they have one (a diverged racer still had a learning rate). */
  x: number | null;
  xText: string;
  reason: string;
}

export interface ClassScatter {
  knob: NumericKnob;
  measure: ClassMeasure;
  x: PlotAxis;
  y: PlotAxis;
  /** Best first (by rank). */
  points: ScatterPoint[];
  apart: ApartPoint[];
  /** How many students changed their knobs during the round: the plot shows the settings they ended with. */
  changedKnobs: number;
}

/** The measure's name on the y-axis and in the table header. */
export function measureLabel(measure: ClassMeasure, scoring: Pick<ScoringRule, 'kind'> | undefined): string {
  if (measure === 'lambdaMax') return 'Sharpness λmax';
  return `Score (${scoringRuleName(scoring)})`;
}

/** Which way is better on the measure's axis, said under the plot. */
export function measureDirection(measure: ClassMeasure): string {
  return measure === 'lambdaMax'
    ? 'Lower is flatter: λmax is the steepest curvature where the racer ended.'
    : 'Lower is better: the lowest score wins the round.';
}

/**
 * For each row, the ranks of every row that ended at the same place on the
 * picture (within `radius`, in its units), best first: tied racers share an
 * end point, and the one disc drawn there must name them all ("1·2").
 */
export function sharedEndRanks(
  rows: readonly Pick<ClassRow, 'id' | 'rank'>[],
  at: (id: string) => [number, number] | undefined,
  radius: number,
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const p = at(r.id);
    if (!p) continue;
    const ranks = rows
      .filter((o) => {
        const q = at(o.id);
        return q !== undefined && Math.hypot(q[0] - p[0], q[1] - p[1]) <= radius;
      })
      .map((o) => o.rank)
      .sort((a, b) => a - b);
    out.set(r.id, ranks);
  }
  return out;
}

/** The knob's name on the x-axis (shared's label and, for a kind whose knob has its own name, that too). */
export function knobAxisLabel(knob: NumericKnob): string {
  return KNOBS[knob].label;
}

/** A diverged racer's values belong to its last finite point, not to where its optimizer took it: never plotted. */
function measureOf(row: ClassRow, measure: ClassMeasure): number | null {
  if (row.status === 'diverged') return null;
  const v = measure === 'score' ? row.score : row.lambdaMax;
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Why a row has no value of the measure, in the words the results table uses. */
function missingReason(row: ClassRow, measure: ClassMeasure, scoring: Pick<ScoringRule, 'kind'> | undefined): string {
  if (row.status === 'diverged') return 'diverged';
  if (measure === 'score' && scoring?.kind === 'time-to-target') return 'never reached the target';
  return measure === 'score' ? 'no score' : 'no λmax';
}

/**
 * Rows → the scatter of `knob` (x) against `measure` (y): one point per
 * student with both values; every other student apart with the reason
 * (diverged, no score, their optimizer has no such knob) — none dropped. The
 * learning rate is on a log axis (shared's knob scale); a measure is on a log
 * axis when every value is positive and they span two decades or more.
 */
export function classScatter(
  rows: readonly ClassRow[],
  knob: NumericKnob,
  measure: ClassMeasure,
  scoring: Pick<ScoringRule, 'kind' | 'decimals'> | undefined,
): ClassScatter {
  const points: ScatterPoint[] = [];
  const apart: ApartPoint[] = [];
  const yText = (v: number) => (measure === 'score' ? formatScore(scoring, v) : formatNumber(v));
  for (const row of [...rows].sort((a, b) => a.rank - b.rank)) {
    const x = knobValueOf(row, knob);
    const y = measureOf(row, measure);
    const xText = x === null ? '—' : formatNumber(x);
    if (x === null)
      apart.push({ id: row.id, name: row.name, x, xText, reason: `${optimizerName(row)} has no ${KNOBS[knob].label.toLowerCase()}` });
    else if (y === null) apart.push({ id: row.id, name: row.name, x, xText, reason: missingReason(row, measure, scoring) });
    else points.push({ id: row.id, name: row.name, rank: row.rank, x, y, xText, yText: yText(y) });
  }
  const xs = [...points.map((p) => p.x), ...apart.flatMap((a) => (a.x === null ? [] : [a.x]))];
  const ys = points.map((p) => p.y);
  const xLog = KNOBS[knob].scale === 'log' && xs.every((v) => v > 0);
  const yLog = ys.length >= 2 && ys.every((v) => v > 0) && Math.max(...ys) / Math.min(...ys) >= 100;
  return {
    knob,
    measure,
    x: axisFor(xs, xLog, knobAxisLabel(knob)),
    y: axisFor(ys, yLog, measureLabel(measure, scoring)),
    points,
    apart,
    changedKnobs: rows.filter((r) => r.knobChanges > 0).length,
  };
}

/** "Adagrad", "SGD": shared's label without its parenthesis. */
function optimizerName(row: Pick<ClassRow, 'optimizer'>): string {
  return OPTIMIZER_LABELS[optimizerSpecToKnobs(row.optimizer).kind].replace(/ \(.*\)$/, '');
}

/**
 * Each row's shade for its end point: 0 for the best score of the round, 1
 * for the worst, in proportion between (scores, not ranks: two close scores
 * get close shades); null for a row with no score (drawn as a cross). All
 * equal scores → 0.
 */
export function scoreShades(rows: readonly Pick<ClassRow, 'id' | 'score'>[]): Map<string, number | null> {
  const scored = rows.map((r) => r.score).filter((s): s is number => s !== null && Number.isFinite(s));
  const best = Math.min(...scored);
  const worst = Math.max(...scored);
  const shades = new Map<string, number | null>();
  for (const r of rows) {
    const s = r.score;
    shades.set(r.id, s === null || !Number.isFinite(s) ? null : worst > best ? (s - best) / (worst - best) : 0);
  }
  return shades;
}

/**
 * At most `max` points of a flat [x0, y0, x1, y1, …] path, evenly spread and
 * always keeping the first and the last (the start and the end point), so a
 * path of thousands of steps draws quickly and keeps its shape.
 */
export function thinPath(points: ArrayLike<number>, max = 600): number[] {
  const n = Math.floor(points.length / 2);
  if (n <= max) return Array.from({ length: 2 * n }, (_, i) => points[i]);
  const out: number[] = [];
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (n - 1)) / (max - 1));
    out.push(points[2 * i], points[2 * i + 1]);
  }
  return out;
}

/**
 * The box the paths are drawn in: the terrain picture's box when there is
 * one (the arena's view follows the racers, so it holds every racer that did
 * not diverge), else the box around every finite path point and end point,
 * padded by 5 %; a diverged racer's path may leave it and is cut at its edge.
 */
export function pathsBounds(picture: Bounds2D | undefined, paths: readonly ArrayLike<number>[]): Bounds2D {
  if (picture) return picture;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const p of paths)
    for (let i = 0; i + 1 < p.length; i += 2) {
      const x = p[i];
      const y = p[i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, y);
      yMax = Math.max(yMax, y);
    }
  if (!(xMax >= xMin && yMax >= yMin)) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const side = Math.max(xMax - xMin, yMax - yMin, 1e-6) * 1.1;
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  return { xMin: cx - side / 2, xMax: cx + side / 2, yMin: cy - side / 2, yMax: cy + side / 2 };
}
