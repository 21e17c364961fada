import type { Analytic2D } from './analytic';
import { polishPoints } from './classic';
import type { KnownPoint } from './Landscape';

/**
 * Terrains designed for the game, each built to make one lesson visible.
 */

interface Well {
  cx: number;
  cy: number;
  depth: number;
  width: number;
}

/** Adds −depth·exp(−‖p−c‖²/(2w²)) and its derivatives into o. */
function addWell(o: Float64Array, x: number, y: number, w: Well): void {
  const dx = x - w.cx;
  const dy = y - w.cy;
  const s2 = w.width * w.width;
  const g = w.depth * Math.exp(-(dx * dx + dy * dy) / (2 * s2));
  o[0] -= g;
  o[1] += (g * dx) / s2;
  o[2] += (g * dy) / s2;
  o[3] += g * (1 / s2 - (dx * dx) / (s2 * s2));
  o[4] += g * (-(dx * dy) / (s2 * s2));
  o[5] += g * (1 / s2 - (dy * dy) / (s2 * s2));
}

function wellValue(x: number, y: number, w: Well): number {
  const dx = x - w.cx;
  const dy = y - w.cy;
  return -w.depth * Math.exp(-(dx * dx + dy * dy) / (2 * w.width * w.width));
}

export interface SharpVsFlatParams {
  /** Width (σ) of the deep, narrow well. */
  sharpWidth: number;
  /** Width (σ) of the wide, shallower well. */
  flatWidth: number;
  /** How much deeper the sharp well's bottom is than the flat one's. */
  depthGap: number;
}

export const SHARP_VS_FLAT_DEFAULTS: SharpVsFlatParams = { sharpWidth: 0.15, flatWidth: 0.8, depthGap: 0.2 };

/**
 * Sharp vs flat: a deep, narrow Gaussian well beside a wide one whose bottom
 * is a little higher, on a gentle bowl. The sharp well has the lower loss, but
 * averaged over perturbations of radius ~0.3 (the robust-loss score), the flat
 * one wins by far — the flat-minima story (Hochreiter & Schmidhuber 1997;
 * Keskar et al. 2017) in two dimensions.
 */
export function sharpVsFlat(p: SharpVsFlatParams): Analytic2D {
  const flat: Well = { cx: 1.4, cy: -0.6, depth: 1, width: p.flatWidth };
  const sharp: Well = { cx: -1.4, cy: 0.6, depth: 1 + p.depthGap, width: p.sharpWidth };
  const bowl = 0.03;
  const value = (x: number, y: number) => 1.2 + bowl * (x * x + y * y) + wellValue(x, y, flat) + wellValue(x, y, sharp);
  const def = {
    value,
    derivativesInto(x: number, y: number, o: Float64Array) {
      o[0] = 1.2 + bowl * (x * x + y * y);
      o[1] = 2 * bowl * x;
      o[2] = 2 * bowl * y;
      o[3] = 2 * bowl;
      o[4] = 0;
      o[5] = 2 * bowl;
      addWell(o, x, y, flat);
      addWell(o, x, y, sharp);
    },
  };
  return {
    ...def,
    title: 'Sharp vs flat',
    lesson:
      'Two valleys: a deep, narrow well on the left and a wide, slightly shallower basin on the right. ' +
      'The narrow one has the lowest loss, but nudge its bottom a little and the loss shoots up; the wide one barely notices. ' +
      'Scored by robust loss, as in this game, flat wins — the reason flat minima tend to generalise.',
    formula: `1.2 + 0.03(x²+y²) − ${1 + p.depthGap}·exp(−‖p − (−1.4, 0.6)‖²/(2·${p.sharpWidth}²)) − exp(−‖p − (1.4, −0.6)‖²/(2·${p.flatWidth}²))`,
    bounds: { xMin: -3, xMax: 3, yMin: -3, yMax: 3 },
    wideRange: false,
    points: polishPoints(
      def,
      [
        [sharp.cx, sharp.cy, 'global-minimum', 'sharp well'],
        [flat.cx, flat.cy, 'local-minimum', 'flat basin'],
      ],
      0.5,
    ),
  };
}

/** Labels the lowest of the listed minima as global (ties within 1e-9 included). */
function markDeepestMinima(points: KnownPoint[]): KnownPoint[] {
  const minima = points.filter((p) => p.kind.endsWith('minimum'));
  const best = Math.min(...minima.map((p) => p.value));
  for (const p of minima) p.kind = p.value <= best + 1e-9 ? 'global-minimum' : 'local-minimum';
  return points;
}

/**
 * Saddle maze: an egg crate cos x + cos y on a slight bowl with a tilt, so the
 * plane is a lattice of maxima, minima and strict saddles. Gradient descent
 * that starts on a ridge slides into a saddle and sits there (exactly on a
 * ridge line it never leaves); momentum shoots through the nearly flat
 * neighbourhood and noise kicks it off the ridge (Dauphin et al. 2014; Jin et
 * al. 2017 on escaping saddles).
 */
export function saddleMaze(): Analytic2D {
  const bowl = 0.015;
  const tilt = 0.12;
  const value = (x: number, y: number) => Math.cos(x) + Math.cos(y) + bowl * (x * x + y * y) - tilt * x;
  const def = {
    value,
    derivativesInto(x: number, y: number, o: Float64Array) {
      const cx = Math.cos(x);
      const cy = Math.cos(y);
      o[0] = cx + cy + bowl * (x * x + y * y) - tilt * x;
      o[1] = -Math.sin(x) + 2 * bowl * x - tilt;
      o[2] = -Math.sin(y) + 2 * bowl * y;
      o[3] = -cx + 2 * bowl;
      o[4] = 0;
      o[5] = -cy + 2 * bowl;
    },
  };
  const P = Math.PI;
  return {
    ...def,
    title: 'Saddle maze',
    lesson:
      'A lattice of hills, pits and saddles, tilted gently to the right. Plain gradient descent started on a ridge slides into the next saddle and stalls there, ' +
      'because the way down is exactly sideways. Momentum coasts through the flat middle of a saddle and noise knocks you off the ridge: watch who escapes first.',
    formula: 'cos x + cos y + 0.015(x² + y²) − 0.12x',
    bounds: { xMin: -2 * P - 1, xMax: 2 * P + 1, yMin: -2 * P - 1, yMax: 2 * P + 1 },
    wideRange: false,
    points: markDeepestMinima(
      polishPoints(
        def,
        [
          [P + 0.25, P, 'local-minimum'],
          [P + 0.25, -P, 'local-minimum'],
          [-P + 0.05, P, 'local-minimum'],
          [-P + 0.05, -P, 'local-minimum'],
          [P + 0.25, 0, 'saddle'],
          [-P + 0.05, 0, 'saddle'],
          [0.15, P, 'saddle'],
          [0.15, -P, 'saddle'],
          [0.15, 0, 'maximum'],
        ],
        0.6,
      ),
    ),
  };
}
