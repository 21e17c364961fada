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
  /** Width (σ) of the narrow pit. */
  sharpWidth: number;
  /** Width of the wide bowl: its curvature is 1/flatWidth². */
  flatWidth: number;
  /** How far the pit's bottom lies below the bowl's floor. */
  depthGap: number;
}

export const SHARP_VS_FLAT_DEFAULTS: SharpVsFlatParams = { sharpWidth: 0.08, flatWidth: 1, depthGap: 0.2 };

/** Where the bowl's floor is, and where the pit sits: 1.1 up the bowl's wall toward the top-left corner. */
export const SHARP_VS_FLAT_GEOMETRY = Object.freeze({
  floor: [0.8, -0.6] as const,
  pit: [-0.08, 0.06] as const,
  /** The preset's shared start: further up the same wall, so the way down passes through the pit. */
  start: [-2, 1.5] as const,
  /** The bowl's floor height. */
  floorLoss: 0.5,
});

/**
 * Sharp vs flat: a wide quadratic bowl with a narrow Gaussian pit in its wall,
 * on the way down from the top-left. The pit's bottom is `depthGap` lower than
 * the bowl's floor, but it is `sharpWidth` wide: averaged over nudges of a few
 * pit widths (the robust-loss score), the bowl's floor wins by far — the
 * flat-minima story (Hochreiter & Schmidhuber 1997; Keskar et al. 2017) in two
 * dimensions, built so the three ways out of a sharp minimum each work:
 * a learning rate above ~2/λ_pit cannot settle in it (Wu, Ma & E 2018), SAM's
 * look-ahead of radius ρ > pit width lands on the bowl's wall beyond it (Foret
 * et al. 2021), and gradient noise kicks a racer out of a pit narrower than its
 * kicks while the wide bowl keeps it (the basin's share of time grows with its
 * volume). `test/shared/claims/` measures every one of these.
 */
export function sharpVsFlat(p: SharpVsFlatParams): Analytic2D {
  const [fx, fy] = SHARP_VS_FLAT_GEOMETRY.floor;
  const [px, py] = SHARP_VS_FLAT_GEOMETRY.pit;
  const c0 = SHARP_VS_FLAT_GEOMETRY.floorLoss;
  const k = 1 / (p.flatWidth * p.flatWidth);
  // The pit's depth puts its centre depthGap below the floor: the bowl is k·D²/2 high there.
  const D2 = (px - fx) ** 2 + (py - fy) ** 2;
  const pit: Well = { cx: px, cy: py, depth: 0.5 * k * D2 + p.depthGap, width: p.sharpWidth };
  const value = (x: number, y: number) => c0 + 0.5 * k * ((x - fx) ** 2 + (y - fy) ** 2) + wellValue(x, y, pit);
  const def = {
    value,
    derivativesInto(x: number, y: number, o: Float64Array) {
      o[0] = c0 + 0.5 * k * ((x - fx) ** 2 + (y - fy) ** 2);
      o[1] = k * (x - fx);
      o[2] = k * (y - fy);
      o[3] = k;
      o[4] = 0;
      o[5] = k;
      addWell(o, x, y, pit);
    },
  };
  // The pit's rim toward the floor is a saddle: the highest point of the straight way from the pit to the floor.
  let rim: [number, number] = [px, py];
  let rimValue = -Infinity;
  for (let i = 1; i < 400; i++) {
    const t = i / 400;
    const x = px + t * (fx - px);
    const y = py + t * (fy - py);
    const v = value(x, y);
    if (v > rimValue) {
      rimValue = v;
      rim = [x, y];
    }
  }
  const g = (v: number) => Number(v.toPrecision(3));
  const points = [
    ...polishPoints(
      def,
      [
        [px, py, 'global-minimum', 'sharp pit'],
        [fx, fy, 'local-minimum', 'flat floor'],
      ],
      0.5,
    ),
    ...polishPoints(def, [[rim[0], rim[1], 'saddle', "the pit's rim"]], 0.1),
  ];
  points[0].basin = 'sharp';
  points[1].basin = 'flat';
  return {
    ...def,
    title: 'Sharp vs flat',
    lesson: SHARP_VS_FLAT_LESSON,
    formula: `${c0} + ½‖p − (${fx}, ${fy})‖²/${g(p.flatWidth)}² − ${g(pit.depth)}·exp(−‖p − (${px}, ${py})‖²/(2·${g(p.sharpWidth)}²))`,
    bounds: { xMin: -3, xMax: 3, yMin: -3, yMax: 3 },
    wideRange: false,
    points: markDeepestMinima(points),
  };
}

/** Every sentence here is measured by test/shared/claims/sharpVsFlat.claims.test.ts under the terrain's preset. */
export const SHARP_VS_FLAT_LESSON =
  'A wide bowl with a narrow pit in its wall. ' +
  'The pit goes lower than the bowl’s floor, but the score averages the loss over nudges of 0.3, about four pit widths, and there the pit scores far worse than the floor. ' +
  'Plain SGD at a small learning rate slides down the wall into the pit and stays. ' +
  'Three things get a racer out instead. ' +
  'A learning rate of 0.05 or more cannot settle in the pit: gradient descent cannot settle where the curvature exceeds 2/lr, and the pit’s is about 125, the bowl’s 1. ' +
  'SAM with ρ between 0.3 and 0.7 takes each step with the gradient ρ uphill of where it stands, beyond the pit’s rim, so the pit cannot hold it. ' +
  'Gradient noise of σ 10 at lr 0.01 kicks a racer out of the pit, and the wide bowl keeps it. ' +
  'Started on the wall with the cosine schedule lowering its learning rate, such a noisy racer ends in the bowl.';

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
 * ridge line it never leaves, with or without momentum); noise kicks it off
 * the ridge (Dauphin et al. 2014; Jin et al. 2017 on escaping saddles).
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
      'A lattice of hills, pits and saddles, tilted gently to the right. ' +
      'Started exactly on a ridge (y = 0), plain gradient descent, momentum and Adam all slide into the next saddle and stall there: the way down is exactly sideways, and the gradient has no sideways part. ' +
      'Gradient noise as small as σ 0.1 knocks a racer off the ridge into a pit.',
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

/**
 * A saddle between two valleys: x² − 2y² + y⁴. The classic x² − y² teaches
 * the same stall, but it has no bottom, so no score on it can reward
 * reaching a minimum; the quartic term closes it with two valleys at
 * y = ±1 (loss −1), the saddle (loss 0) between them.
 */
export function saddleValleys(): Analytic2D {
  const value = (x: number, y: number) => x * x - 2 * y * y + y * y * y * y;
  const def = {
    value,
    derivativesInto(x: number, y: number, o: Float64Array) {
      o[0] = value(x, y);
      o[1] = 2 * x;
      o[2] = -4 * y + 4 * y * y * y;
      o[3] = 2;
      o[4] = 0;
      o[5] = -4 + 12 * y * y;
    },
  };
  return {
    ...def,
    title: 'The saddle',
    lesson: SADDLE_VALLEYS_LESSON,
    formula: 'x² − 2y² + y⁴',
    bounds: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
    wideRange: false,
    points: polishPoints(def, [
      [0, 1, 'global-minimum', 'upper valley'],
      [0, -1, 'global-minimum', 'lower valley'],
      [0, 0, 'saddle', 'the saddle'],
    ]),
  };
}

/** Measured by test/shared/claims/saddles.claims.test.ts. */
export const SADDLE_VALLEYS_LESSON =
  'x² − 2y² + y⁴: a saddle at the centre, a minimum along x and a maximum along y, between two valleys at y = ±1. ' +
  'Started exactly on the x axis, gradient descent slides into the saddle and stops there, with or without momentum: the slope has no y part to follow. ' +
  'The slightest gradient noise nudges it off the axis and it rolls into a valley. ' +
  'Newton’s method is attracted to the saddle: it seeks any point where the gradient vanishes.';

/**
 * The monkey saddle x³ − 3xy² in a bowl ½(x² + y²)²: three valleys (two legs
 * and a tail) and three ridges meet at a centre where the gradient and the
 * whole Hessian vanish; the bowl gives each valley a bottom (loss −27/32 at
 * distance 1.5), so the round has minima to reach.
 */
export function monkeyBowl(): Analytic2D {
  const value = (x: number, y: number) => {
    const r2 = x * x + y * y;
    return x * x * x - 3 * x * y * y + 0.5 * r2 * r2;
  };
  const def = {
    value,
    derivativesInto(x: number, y: number, o: Float64Array) {
      const r2 = x * x + y * y;
      o[0] = value(x, y);
      o[1] = 3 * x * x - 3 * y * y + 2 * r2 * x;
      o[2] = -6 * x * y + 2 * r2 * y;
      o[3] = 6 * x + 2 * r2 + 4 * x * x;
      o[4] = -6 * y + 4 * x * y;
      o[5] = -6 * x + 2 * r2 + 4 * y * y;
    },
  };
  const c = Math.cos(Math.PI / 3) * 1.5;
  const s = Math.sin(Math.PI / 3) * 1.5;
  return {
    ...def,
    title: 'Monkey saddle',
    lesson: MONKEY_BOWL_LESSON,
    formula: 'x³ − 3xy² + ½(x² + y²)²',
    bounds: { xMin: -2.5, xMax: 2.5, yMin: -2.5, yMax: 2.5 },
    wideRange: false,
    points: [
      ...polishPoints(def, [
        [-1.5, 0, 'global-minimum', 'left valley'],
        [c, s, 'global-minimum', 'upper valley'],
        [c, -s, 'global-minimum', 'lower valley'],
      ]),
      // The centre is exact: g = 0 and H = 0 there (Newton polishing would not move it).
      { point: [0, 0], value: 0, kind: 'saddle', label: 'degenerate (H = 0)' },
    ],
  };
}

/** Measured by test/shared/claims/saddles.claims.test.ts. */
export const MONKEY_BOWL_LESSON =
  'x³ − 3xy² in a bowl: three valleys going down from the centre (room for two legs and a tail) and three ridges going up. ' +
  'At the centre the slope and the whole curvature vanish: a degenerate critical point, which curvature cannot classify. ' +
  'Newton’s method, steering by curvature, is pulled into it, halving its distance to the centre at every step, while gradient descent rolls down a valley.';
