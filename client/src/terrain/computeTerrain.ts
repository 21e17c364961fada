import { createLandscape, lossGrid, type Bounds2D } from '@gradient-rally/shared';
import { lossScaleFor, viridisTable, type LossScale } from './colorScale';
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
  const scale = lossScaleFor(grid, landscape.info.wideRange);
  const rgba = terrainPixels(grid, job.n, scale, (table ??= viridisTable()), job.hillShade);
  const t2 = now();
  const contours = job.levels > 0 ? contourLines(grid, job.n, job.bounds, scale, job.levels) : [];
  const t3 = now();
  return { id: job.id, bounds: job.bounds, n: job.n, rgba, scale, contours, timings: { grid: t1 - t0, colour: t2 - t1, contours: t3 - t2 } };
}
