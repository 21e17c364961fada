import { SpecError, describeValue } from '../spec/SpecError';
import { asObject, numberField, rejectUnknownKeys } from '../spec/fields';
import { analyticLandscape, type Analytic2D } from './analytic';
import * as classic from './classic';
import { SHARP_VS_FLAT_DEFAULTS, monkeyBowl, saddleMaze, saddleValleys, sharpVsFlat } from './designed';
import { createExpressionLandscape } from './expression/index';
import { createMlpLandscape } from '../mlp/index';
import type { Bounds2D, Landscape, LandscapeSpec } from './Landscape';
import { DEFAULT_PRESET, type TerrainPreset } from './preset';
import { TERRAIN_PRESETS } from './presets';

const FIXED: Record<string, Analytic2D> = {
  ackley: classic.ackley,
  himmelblau: classic.himmelblau,
  beale: classic.beale,
  'goldstein-price': classic.goldsteinPrice,
  'six-hump-camel': classic.sixHumpCamel,
  'styblinski-tang': classic.styblinskiTang,
  booth: classic.booth,
  matyas: classic.matyas,
  levy: classic.levy,
  eggholder: classic.eggholder,
  saddle: classic.saddle,
  'monkey-saddle': classic.monkeySaddle,
};

/** Every landscape kind `createLandscape` accepts. */
export const LANDSCAPE_KINDS = [
  'rosenbrock',
  'rastrigin',
  ...Object.keys(FIXED),
  'sharp-vs-flat',
  'saddle-maze',
  'saddle-valleys',
  'monkey-bowl',
  'expression',
  'mlp',
] as const;

// Parameterised analytic terrains are cached by their normalised spec: they are
// immutable, and a race builds one per racer.
const cache = new Map<string, Landscape>();

function cached(spec: LandscapeSpec, build: () => Analytic2D): Landscape {
  const key = JSON.stringify(spec);
  let l = cache.get(key);
  if (!l) {
    l = analyticLandscape(spec, build());
    if (cache.size > 64) cache.clear();
    cache.set(key, l);
  }
  return l;
}

/**
 * Builds a landscape from its plain-JSON spec (see DESIGN.md). A bare string
 * is accepted as shorthand for `{ kind }`. Throws `SpecError` naming the
 * field and the allowed range on bad input.
 *
 * @example
 *   createLandscape({ kind: 'rosenbrock', b: 10 })
 *   createLandscape('himmelblau')
 *   createLandscape({ kind: 'expression', expr: 'x^2 - y^2' })
 */
export function createLandscape(spec: unknown, path = 'landscape'): Landscape {
  if (typeof spec === 'string') spec = { kind: spec };
  const obj = asObject(spec, path);
  const kind = obj.kind;
  if (typeof kind !== 'string' || !(LANDSCAPE_KINDS as readonly string[]).includes(kind)) {
    throw new SpecError(`${path}.kind`, `must be one of ${LANDSCAPE_KINDS.join(', ')}; got ${describeValue(kind)}`);
  }
  switch (kind) {
    case 'rosenbrock': {
      rejectUnknownKeys(obj, path, ['kind', 'a', 'b']);
      const a = numberField(obj, 'a', path, 1, { min: -10, max: 10 });
      const b = numberField(obj, 'b', path, 100, { min: 0, max: 1000 });
      return cached({ kind, a, b }, () => classic.rosenbrock(a, b));
    }
    case 'rastrigin': {
      rejectUnknownKeys(obj, path, ['kind', 'A']);
      const A = numberField(obj, 'A', path, 10, { min: 0, max: 100 });
      return cached({ kind, A }, () => classic.rastrigin(A));
    }
    case 'sharp-vs-flat': {
      rejectUnknownKeys(obj, path, ['kind', 'sharpWidth', 'flatWidth', 'depthGap']);
      const d = SHARP_VS_FLAT_DEFAULTS;
      const sharpWidth = numberField(obj, 'sharpWidth', path, d.sharpWidth, { min: 0.05, max: 0.5 });
      const flatWidth = numberField(obj, 'flatWidth', path, d.flatWidth, { min: 0.3, max: 1.5 });
      const depthGap = numberField(obj, 'depthGap', path, d.depthGap, { min: 0, max: 1 });
      return cached({ kind, sharpWidth, flatWidth, depthGap }, () => sharpVsFlat({ sharpWidth, flatWidth, depthGap }));
    }
    case 'saddle-maze':
      rejectUnknownKeys(obj, path, ['kind']);
      return cached({ kind }, saddleMaze);
    case 'saddle-valleys':
      rejectUnknownKeys(obj, path, ['kind']);
      return cached({ kind }, saddleValleys);
    case 'monkey-bowl':
      rejectUnknownKeys(obj, path, ['kind']);
      return cached({ kind }, monkeyBowl);
    case 'expression':
      return createExpressionLandscape(obj, path);
    case 'mlp':
      return createMlpLandscape(obj, path);
    default:
      rejectUnknownKeys(obj, path, ['kind']);
      return cached({ kind } as LandscapeSpec, () => FIXED[kind]);
  }
}

/** One entry of the built-in terrain catalogue (what a host picks from). */
export interface CatalogueEntry {
  spec: LandscapeSpec;
  title: string;
  lesson: string;
  formula?: string;
  bounds: Bounds2D;
  wideRange: boolean;
  /** How the terrain is meant to be played (round rules, scoring, the contrast its lesson is about). */
  preset: TerrainPreset;
}

/**
 * The small network offered beside the analytic terrains: a 2-D slice of a
 * [2, 8, 2] tanh network's loss on two moons, through its initial weights.
 */
export const MOONS_NETWORK_SPEC = Object.freeze({
  kind: 'mlp',
  dataset: 'moons',
  samples: 160,
  noise: 0.15,
  layers: [2, 8, 2],
  activation: 'tanh',
  seed: 7,
  slice: true,
} as const);

const CATALOGUE_SPECS: readonly unknown[] = [
  'sharp-vs-flat',
  'saddle-maze',
  'rosenbrock',
  'himmelblau',
  'rastrigin',
  'ackley',
  'beale',
  'goldstein-price',
  'six-hump-camel',
  'styblinski-tang',
  'booth',
  'matyas',
  'levy',
  // The bounded forms of x² − y² and x³ − 3xy² (those have no minimum, so no honest score);
  // Eggholder is left out: its minimum sits on the domain's edge and it is unbounded beyond
  // it, so lowest loss rewards leaving the map and any in-map rule's best point is a slope.
  'saddle-valleys',
  'monkey-bowl',
  MOONS_NETWORK_SPEC,
];

/** The built-in terrains (the 2-D test functions and one small network), in teaching order, each with its preset. */
export function landscapeCatalogue(): CatalogueEntry[] {
  return CATALOGUE_SPECS.map((spec) => {
    const l = createLandscape(spec);
    const { title, lesson, formula, bounds, wideRange } = l.info;
    return { spec: l.spec, title, lesson, formula, bounds, wideRange, preset: presetOf(l.spec) };
  });
}

/** The preset of a catalogue terrain (tuned per terrain in `presets.ts`; the room defaults otherwise). */
function presetOf(spec: LandscapeSpec): TerrainPreset {
  // A copy: callers may edit their settings; the catalogue stays as tuned.
  return JSON.parse(JSON.stringify(TERRAIN_PRESETS[spec.kind] ?? DEFAULT_PRESET)) as TerrainPreset;
}
