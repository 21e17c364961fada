import { contours } from 'd3-contour';
import type { Bounds2D } from '@gradient-rally/shared';
import { lossAt, normaliseLoss, type LossScale } from './colorScale';

/**
 * Contour lines of a loss grid, as polylines in landscape coordinates.
 *
 * Levels are evenly spaced on the colour scale (so on a log scale they are
 * geometric in the loss), which puts one line at every visible colour step.
 * d3-contour runs marching squares on the normalised grid; its output
 * coordinates are in cell units with grid value k at k + 0.5, which we map
 * back to the grid's x/y.
 */
export interface ContourLine {
  /** Loss on this line. */
  value: number;
  /** Position on the colour scale, [0, 1]. */
  t: number;
  /** Rings as flat [x0, y0, x1, y1, …] arrays in landscape coordinates. */
  rings: Float32Array[];
}

export function contourLines(grid: Float64Array, n: number, bounds: Bounds2D, scale: LossScale, levels = 12): ContourLine[] {
  if (grid.length !== n * n) throw new RangeError(`grid has ${grid.length} values, expected ${n}×${n}`);
  if (n < 2) return [];
  // Non-finite cells become the top of the scale: overflow reads as "very high".
  const t = new Float64Array(n * n);
  for (let i = 0; i < t.length; i++) {
    const v = normaliseLoss(scale, grid[i]);
    t[i] = Number.isNaN(v) ? 1 : v;
  }
  const thresholds: number[] = [];
  for (let k = 1; k <= levels; k++) thresholds.push(k / (levels + 1));
  const dx = (bounds.xMax - bounds.xMin) / (n - 1);
  const dy = (bounds.yMax - bounds.yMin) / (n - 1);
  const gen = contours().size([n, n]).thresholds(thresholds).smooth(true);
  const out: ContourLine[] = [];
  for (const mp of gen(t as unknown as number[])) {
    const rings: Float32Array[] = [];
    for (const polygon of mp.coordinates) {
      for (const ring of polygon) {
        const flat = new Float32Array(ring.length * 2);
        for (let p = 0; p < ring.length; p++) {
          // Cell coordinates → grid index (value k sits at k + 0.5), clamped to the grid.
          const gx = Math.min(n - 1, Math.max(0, ring[p][0] - 0.5));
          const gy = Math.min(n - 1, Math.max(0, ring[p][1] - 0.5));
          flat[2 * p] = bounds.xMin + gx * dx;
          flat[2 * p + 1] = bounds.yMin + gy * dy;
        }
        rings.push(flat);
      }
    }
    if (rings.length) out.push({ value: lossAt(scale, mp.value), t: mp.value, rings });
  }
  return out;
}
