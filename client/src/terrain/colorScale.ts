import { type Bounds2D, formatNumber, type KnownPoint } from '@gradient-rally/shared';
import { interpolateViridis } from 'd3-scale-chromatic';

/**
 * How a loss value becomes a colour: a perceptual colour map (viridis) over a
 * linear or logarithmic normalisation of the loss. Pure functions over typed
 * arrays, so they run in the terrain worker and in Node tests alike.
 *
 * The log scale is `t = log(v − min + δ) / log(max − min + δ)` rescaled to
 * [0, 1], with δ a millionth of the range: it keeps the structure of
 * landscapes whose loss spans orders of magnitude (Rosenbrock, Goldstein–Price)
 * without needing the loss to be positive.
 */
export interface LossScale {
  readonly kind: 'linear' | 'log';
  readonly min: number;
  readonly max: number;
  /** Offset added before the logarithm (log scale only). */
  readonly delta: number;
}

/**
 * Builds the scale for a grid of losses; non-finite entries are ignored.
 * `floor`: losses the picture must reach although no grid sample hits them
 * (a terrain's known minima in view — a sharp pit narrower than a sample
 * spacing), so that the legend's lowest value is never above a racer resting
 * at the bottom of a minimum.
 */
export function lossScaleFor(values: ArrayLike<number>, wideRange: boolean, floor: readonly number[] = []): LossScale {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  for (const v of floor) if (Number.isFinite(v) && v < min && min !== Infinity) min = v;
  if (min === Infinity) return { kind: 'linear', min: 0, max: 1, delta: 0 };
  if (max === min) max = min + 1;
  if (!wideRange) return { kind: 'linear', min, max, delta: 0 };
  // δ = 1e-6 of the range: six decades of structure above the lowest loss, the
  // deepest well visible without turning one pixel into the whole dark end.
  return { kind: 'log', min, max, delta: (max - min) * 1e-6 };
}

/** The loss values of a landscape's known minima inside `bounds` (what `lossScaleFor`'s `floor` takes). */
export function minimaInView(points: readonly KnownPoint[], bounds: Bounds2D): number[] {
  return points
    .filter(
      (p) =>
        (p.kind === 'global-minimum' || p.kind === 'local-minimum') &&
        p.point.length === 2 &&
        p.point[0] >= bounds.xMin &&
        p.point[0] <= bounds.xMax &&
        p.point[1] >= bounds.yMin &&
        p.point[1] <= bounds.yMax,
    )
    .map((p) => p.value);
}

/** Maps a loss to [0, 1] (clamped); NaN for non-finite input. */
export function normaliseLoss(scale: LossScale, v: number): number {
  if (!Number.isFinite(v)) return NaN;
  let t: number;
  if (scale.kind === 'linear') {
    t = (v - scale.min) / (scale.max - scale.min);
  } else {
    const lo = Math.log(scale.delta);
    const hi = Math.log(scale.max - scale.min + scale.delta);
    t = (Math.log(Math.max(v - scale.min, 0) + scale.delta) - lo) / (hi - lo);
  }
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** Inverse of `normaliseLoss` (for legend ticks and contour levels). */
export function lossAt(scale: LossScale, t: number): number {
  // The ends are the scale's own numbers: exp(log δ) − δ is not exactly 0, and a legend read "-3.25e-19" for a minimum of 0.
  if (t <= 0) return scale.min;
  if (t >= 1) return scale.max;
  if (scale.kind === 'linear') return scale.min + t * (scale.max - scale.min);
  const lo = Math.log(scale.delta);
  const hi = Math.log(scale.max - scale.min + scale.delta);
  return scale.min + Math.exp(lo + t * (hi - lo)) - scale.delta;
}

/** 256 RGB triples of viridis, from d3-scale-chromatic. */
export function viridisTable(): Uint8Array {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const hex = interpolateViridis(i / 255); // "#rrggbb"
    out[i * 3] = parseInt(hex.slice(1, 3), 16);
    out[i * 3 + 1] = parseInt(hex.slice(3, 5), 16);
    out[i * 3 + 2] = parseInt(hex.slice(5, 7), 16);
  }
  return out;
}

/** Colour for non-finite loss (overflow regions): neutral grey, not on the map. */
export const NON_FINITE_RGB = [128, 128, 128] as const;

/** One legend entry: a loss value and where it sits on the [0, 1] bar. */
export interface LegendTick {
  value: number;
  t: number;
  text: string;
}

/** Evenly spaced ticks in the normalised domain, labelled with the loss. */
export function legendTicks(scale: LossScale, count = 5): LegendTick[] {
  const ticks: LegendTick[] = [];
  for (let k = 0; k < count; k++) {
    const t = k / (count - 1);
    const value = lossAt(scale, t);
    ticks.push({ value, t, text: formatNumber(value) });
  }
  return ticks;
}

/** Loss text is shared's `formatNumber` (the notes and tables use it too); this name stays for existing importers. */
export function formatLoss(v: number): string {
  return formatNumber(v);
}
