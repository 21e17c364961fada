import { type EigenvalueRow, formatNumber } from '@gradient-rally/shared';

/**
 * Where each of a spectrum's eigenvalues goes as a tick under its density,
 * drawing-free so Node tests can hold it to shared's numbers: a strip per
 * row on the density's own axis, and, when the negative eigenvalues sit so
 * close to 0 that the density's axis crushes them into its 0 line (a saddle
 * of a network with tiny weights: −0.013 beside a largest of 0.5), a second
 * strip zoomed to a symmetric range around 0 that spreads them out. The sign
 * of each tick is shared's (`EigenvalueRow.signs`), never decided here.
 */

export interface EigenTick {
  value: number;
  sign: -1 | 0 | 1;
  /** Position along the strip's axis, 0 at its low end, 1 at its high end. */
  at: number;
}

export interface EigenStripRow {
  label: string;
  /** The ticks inside the strip's range: the non-negative first, so the negative ones are drawn over them. */
  ticks: EigenTick[];
  negative: number;
  zero: number;
  positive: number;
  /** Eigenvalues left out of a zoomed strip: below its low end and above its high end. */
  below: number;
  above: number;
}

export interface EigenStrips {
  /** On the density's axis [lo, hi]: every eigenvalue. */
  main: EigenStripRow[];
  /**
   * Around 0, [−half, half]: when some row's negative eigenvalues all lie within 1/(2·MIN_ZOOM) of the main
   * axis's width of 0 (crushed into its 0 line), wide enough for the most negative of every such row; other
   * rows' ticks outside it are counted in `below` / `above`. Null when every row's negatives stand apart from 0.
   */
  zoom: { half: number; rows: EigenStripRow[] } | null;
}

/** Zoom only when it spreads the region at least this many times wider than the main axis does. */
export const MIN_ZOOM = 5;

/** The smallest 1, 2 or 5 × 10^k at or above x (> 0). */
function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 5, 10].map((m) => m * p).find((s) => s >= x * (1 - 1e-12)) ?? 10 * p) as number;
}

function stripRow(r: EigenvalueRow, lo: number, hi: number): EigenStripRow {
  const inside: EigenTick[] = [];
  let below = 0;
  let above = 0;
  r.values.forEach((value, i) => {
    if (value < lo) below++;
    else if (value > hi) above++;
    else inside.push({ value, sign: r.signs[i], at: (value - lo) / (hi - lo) });
  });
  const count = (s: -1 | 0 | 1) => r.signs.filter((x) => x === s).length;
  return {
    label: r.label,
    ticks: [...inside.filter((t) => t.sign >= 0), ...inside.filter((t) => t.sign < 0)],
    negative: count(-1),
    zero: count(0),
    positive: count(1),
    below,
    above,
  };
}

/** The strips for eigenvalue rows under a density drawn over the axis [lo, hi] (which must hold every eigenvalue). */
export function spectrumTicks(rows: readonly EigenvalueRow[], axis: { lo: number; hi: number }): EigenStrips {
  const main = rows.map((r) => stripRow(r, axis.lo, axis.hi));
  // Each row's zoom: a quarter more than its most negative, rounded up to 1, 2 or 5 × 10^k so the axis reads in round numbers.
  // A row needs it when that range is at least MIN_ZOOM times narrower than the main axis; the widest such range serves them all.
  let half = 0;
  for (const r of rows) {
    let lowest = 0;
    for (let i = 0; i < r.values.length; i++) if (r.signs[i] < 0) lowest = Math.min(lowest, r.values[i]);
    if (!(lowest < 0)) continue;
    const own = niceCeil(1.25 * -lowest);
    if (2 * own * MIN_ZOOM <= axis.hi - axis.lo) half = Math.max(half, own);
  }
  if (half === 0) return { main, zoom: null };
  return { main, zoom: { half, rows: rows.map((r) => stripRow(r, -half, half)) } };
}

/** The strips in words (the figure's text alternative gets the same numbers the ticks show). */
export function spectrumTicksDescription(rows: readonly EigenvalueRow[], strips: EigenStrips): string {
  const f = formatNumber;
  const parts = rows.map((r, k) => {
    const m = strips.main[k];
    const neg = r.values.filter((_, i) => r.signs[i] < 0);
    const pos = r.values.filter((_, i) => r.signs[i] > 0);
    const negText = neg.length ? `${neg.length} negative (${f(neg[0])} to ${f(neg[neg.length - 1])})` : 'none negative';
    const posText = pos.length ? `${pos.length} positive (${f(pos[0])} to ${f(pos[pos.length - 1])})` : 'none positive';
    return `${r.label}: ${negText}, ${m.zero} about 0 (within ${f(r.tolerance)}), ${posText}`;
  });
  const zoom = strips.zoom
    ? ` A second strip magnifies ${f(-strips.zoom.half)} to ${f(strips.zoom.half)} around 0, where the negative ones lie apart.`
    : '';
  return `Every eigenvalue as a tick under the curve. ${parts.join('. ')}.${zoom}`;
}
