import { createLandscape, lossGrid, type Bounds2D } from '@gradient-rally/shared';
import { lossScaleFor, minimaInView, viridisTable, type LossScale } from './colorScale';
import { contourLines, type ContourLine } from './contours';
import { terrainPixels } from './terrainImage';

/**
 * The whole terrain computation, from a landscape spec and a view rectangle
 * to pixels and contour lines: `lossGrid` from shared, the colour scale, hill
 * shading and marching squares. Pure (no DOM), so it runs in the Web Worker,
 * in Node tests and in the bench.
 */
export interface TerrainJob {
  id: number;
  spec: unknown;
  bounds: Bounds2D;
  /** Grid resolution: n×n samples, one pixel each. */
  n: number;
  hillShade: boolean;
  levels: number;
}

export interface TerrainResult {
  id: number;
  bounds: Bounds2D;
  n: number;
  /** n×n RGBA, rows top-down (largest y first). */
  rgba: Uint8ClampedArray;
  scale: LossScale;
  contours: ContourLine[];
  /** Milliseconds spent: grid, colouring, contours. */
  timings: { grid: number; colour: number; contours: number };
}

let table: Uint8Array | undefined;

export function computeTerrain(job: TerrainJob, now: () => number = () => 0): TerrainResult {
  const landscape = createLandscape(job.spec);
  const t0 = now();
  const grid = lossGrid(landscape, { ...job.bounds, n: job.n });
  const t1 = now();
  const scale = lossScaleFor(grid, landscape.info.wideRange, minimaInView(landscape.info.points, job.bounds));
  const rgba = terrainPixels(grid, job.n, scale, (table ??= viridisTable()), job.hillShade);
  const t2 = now();
  const contours = job.levels > 0 ? contoursAtMost(grid, job.n, job.bounds, scale, job.levels, 256) : [];
  const t3 = now();
  return {
    id: job.id,
    bounds: job.bounds,
    n: job.n,
    rgba,
    scale,
    contours,
    timings: { grid: t1 - t0, colour: t2 - t1, contours: t3 - t2 },
  };
}

/**
 * Contour lines from every k-th sample so the grid is at most `maxN` per
 * side: marching squares dominates the terrain time at 512², and lines drawn
 * over a 512-pixel picture gain nothing visible from the full grid.
 */
function contoursAtMost(grid: Float64Array, n: number, bounds: Bounds2D, scale: LossScale, levels: number, maxN: number): ContourLine[] {
  const k = Math.ceil(n / maxN);
  if (k <= 1) return contourLines(grid, n, bounds, scale, levels);
  const m = Math.floor((n - 1) / k) + 1;
  const sub = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) sub[i * m + j] = grid[i * k * n + j * k];
  const dx = (bounds.xMax - bounds.xMin) / (n - 1),
    dy = (bounds.yMax - bounds.yMin) / (n - 1);
  const subBounds = { xMin: bounds.xMin, xMax: bounds.xMin + (m - 1) * k * dx, yMin: bounds.yMin, yMax: bounds.yMin + (m - 1) * k * dy };
  return contourLines(sub, m, subBounds, scale, levels);
}
