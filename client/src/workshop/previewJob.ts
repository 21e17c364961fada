import {
  decisionBoundaryGrid,
  entryOptimizerFits,
  estimateRoomCost,
  parseSettingsWithLandscape,
  LIBRARY_CLASS_SIZE,
  lossGrid,
  parseLibraryEntryWithLandscape,
  presetSettingsPatch,
  SpecError,
  SUGGESTED_ROOM_BUDGET,
  type Bounds2D,
  type Landscape,
  type LibraryEntry,
  type MlpLandscape,
  type OptimizerFit,
} from '@gradient-rally/shared';
import { lossScaleFor, minimaInView, viridisTable, type LossScale } from '../terrain/colorScale';
import { terrainPixels } from '../terrain/terrainImage';
import { CLASS_RGB, isMlpLandscape } from '../ui/DecisionBoundary';

/**
 * What the builder's preview computes from an entry being edited, off the
 * main thread (`preview.worker.ts`), before anyone joins: shared's
 * `parseLibraryEntryWithLandscape` (the very check the server runs: shape,
 * terrain, preset, the cost of a class of 40), then the terrain as the arena
 * will draw it, and on a network the decision boundary of its initial
 * weights (where every racer starts) over the training data, the optimizers
 * the terrain can carry, and what the class costs. Pure: no DOM, so it is
 * tested in Node.
 */
export interface PreviewJob {
  id: number;
  /** The entry JSON as the form builds it (not yet validated). */
  entry: unknown;
}

export interface PreviewPicture {
  n: number;
  /** n×n RGBA, rows top-down (largest y first). */
  rgba: Uint8ClampedArray;
  bounds: Bounds2D;
}

export interface BoundaryPreview extends PreviewPicture {
  /** Training points x0, y0, x1, y1, … and their classes. */
  points: Float32Array;
  labels: Uint8Array;
  classes: number;
  trainAccuracy: number;
  testAccuracy: number | null;
}

export type PreviewResult =
  | {
      id: number;
      ok: true;
      /** The entry as the server will store it (terrain normalised). */
      entry: LibraryEntry;
      /** Parameters of the network (null for a formula). */
      params: number | null;
      /** 2 on a formula or a network slice; the network's parameter count in full space. */
      dim: number;
      title: string;
      terrain: PreviewPicture & { scale: LossScale };
      boundary: BoundaryPreview | null;
      /** ms of computing per second of race for a class of `LIBRARY_CLASS_SIZE` on the default optimizer, and the limit. */
      classMsPerSecond: number;
      budgetMsPerSecond: number;
      fits: OptimizerFit[];
      timings: { check: number; terrain: number; boundary: number };
    }
  | { id: number; ok: false; field: string; message: string };

/** Multiply-adds the terrain preview may spend (a network's loss grid is n² full passes over its data). */
const TERRAIN_WORK = 4e8;
const BOUNDARY_N = 64;

let table: Uint8Array | undefined;

export function computePreview(job: PreviewJob, now: () => number = () => 0): PreviewResult {
  const t0 = now();
  let entry: LibraryEntry;
  let landscape: Landscape;
  try {
    ({ entry, landscape } = parseLibraryEntryWithLandscape(job.entry));
  } catch (e) {
    if (e instanceof SpecError) return { id: job.id, ok: false, field: e.path, message: e.message };
    throw e;
  }
  const fits = entryOptimizerFits(entry, { landscape });
  // The cost model takes parsed settings beside a landscape already built: parsed against this one.
  const { settings } = parseSettingsWithLandscape(
    presetSettingsPatch({ spec: entry.terrain, preset: entry.preset }),
    'settings',
    landscape,
  );
  const classCost = estimateRoomCost(settings, LIBRARY_CLASS_SIZE, { assume: 'default', landscape });
  const t1 = now();

  const mlp = isMlpLandscape(landscape) ? landscape : null;
  const bounds = landscape.info.bounds;
  const n = mlp ? gridSize(mlp) : 96;
  const grid = lossGrid(landscape, { ...bounds, n });
  const scale = lossScaleFor(grid, landscape.info.wideRange, minimaInView(landscape.info.points, bounds));
  const rgba = terrainPixels(grid, n, scale, (table ??= viridisTable()), true);
  const t2 = now();
  const boundary = mlp ? boundaryPreview(mlp) : null;
  const t3 = now();
  return {
    id: job.id,
    ok: true,
    entry,
    params: mlp ? mlp.network.nParams : null,
    dim: landscape.dim,
    title: landscape.info.title,
    terrain: { n, rgba, bounds, scale },
    boundary,
    classMsPerSecond: classCost.msPerSecond,
    budgetMsPerSecond: SUGGESTED_ROOM_BUDGET.msPerSecond,
    fits,
    timings: { check: t1 - t0, terrain: t2 - t1, boundary: t3 - t2 },
  };
}

/** The grid side for a network's preview: as fine as `TERRAIN_WORK` allows, 24 to 96. */
function gridSize(L: MlpLandscape): number {
  const layers = L.network.layers;
  let macs = 0;
  for (let l = 1; l < layers.length; l++) macs += layers[l - 1] * layers[l];
  const side = Math.floor(Math.sqrt(TERRAIN_WORK / Math.max(1, L.dataSize * macs)));
  return Math.max(24, Math.min(96, side));
}

/** The network at its initial weights (where every racer starts) over the training data. */
function boundaryPreview(L: MlpLandscape): BoundaryPreview {
  const start = L.dim === 2 ? new Float64Array(2) : L.center;
  const params = L.paramsInto(start, new Float64Array(L.network.nParams));
  const x = L.train.x;
  const y = L.train.y;
  const count = y.length;
  let xMin = Infinity,
    xMax = -Infinity,
    yMin = Infinity,
    yMax = -Infinity;
  for (let i = 0; i < count; i++) {
    xMin = Math.min(xMin, x[2 * i]);
    xMax = Math.max(xMax, x[2 * i]);
    yMin = Math.min(yMin, x[2 * i + 1]);
    yMax = Math.max(yMax, x[2 * i + 1]);
  }
  const padX = 0.1 * (xMax - xMin || 1);
  const padY = 0.1 * (yMax - yMin || 1);
  const bounds = { xMin: xMin - padX, xMax: xMax + padX, yMin: yMin - padY, yMax: yMax + padY };
  const classes = L.network.classes;
  const probs = decisionBoundaryGrid(L.network, params, bounds, BOUNDARY_N);
  const n = BOUNDARY_N;
  const rgba = new Uint8ClampedArray(n * n * 4);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const base = (i * n + j) * classes;
      let best = 0;
      for (let q = 1; q < classes; q++) if (probs[base + q] > probs[base + best]) best = q;
      // As the students' panel draws it: a coin toss is white, certainty the class colour at 70 %.
      const conf = (probs[base + best] - 1 / classes) / (1 - 1 / classes);
      const o = ((n - 1 - i) * n + j) * 4;
      const rgb = CLASS_RGB[best % CLASS_RGB.length];
      for (let k = 0; k < 3; k++) rgba[o + k] = 255 - (255 - rgb[k]) * 0.7 * conf;
      rgba[o + 3] = 255;
    }
  const report = L.evaluate(start);
  return {
    n,
    rgba,
    bounds,
    points: Float32Array.from(x.subarray(0, 2 * count)),
    labels: Uint8Array.from(y.subarray(0, count)),
    classes,
    trainAccuracy: report.trainAccuracy,
    testAccuracy: report.testAccuracy,
  };
}
