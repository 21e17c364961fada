/**
 * How a built-in terrain is meant to be played. Every catalogue entry carries
 * one: the host dashboard applies it when the terrain is picked (every field
 * stays editable), solo play and challenges start from it, and the claim
 * tests run each lesson under exactly these rules.
 *
 * Plain JSON only (this file imports nothing): `settings` uses the field names
 * of `parseRaceSettings` and must parse with it as
 * `parseRaceSettings({ landscape: entry.spec, ...preset.settings })`
 * (test/shared/presets.test.ts checks every entry).
 */

/** Optimizer spec JSON (`createOptimizer` fields). */
export type PresetOptimizer = { kind: string } & Record<string, unknown>;

/** The fields of `PresetSettings`: what a preset (a terrain's, an entry's, a challenge's) may set in a round's settings. */
export const PRESET_SETTING_FIELDS = [
  'startRule',
  'roundSeconds',
  'budget',
  'tickRate',
  'stepsPerTick',
  'scoring',
  'knobRanges',
  'defaultOptimizer',
] as const;

export interface PresetSettings {
  startRule?: { kind: 'shared'; point: [number, number] } | { kind: 'random' } | { kind: 'choose' };
  roundSeconds?: number | null;
  budget?: number | null;
  tickRate?: number;
  stepsPerTick?: number;
  /** A scoring rule of `parseRaceSettings` (its parameters scaled to this terrain's features). */
  scoring?: { kind: string } & Record<string, unknown>;
  knobRanges?: Partial<Record<'lr' | 'momentum' | 'beta2' | 'noise' | 'samRadius' | 'weightDecay' | 'batchSize', [number, number]>>;
  defaultOptimizer?: PresetOptimizer;
}

/** One side of the comparison a lesson is about ("SGD lr 0.01", then "SAM ρ 0.3"). */
export interface PresetContrast {
  /** Short label a student reads, e.g. "Plain SGD, lr 0.01". */
  label: string;
  optimizer: PresetOptimizer;
  /** Where to start it, for lessons about starts (under a 'choose' start rule); else the round's start rule decides. */
  start?: [number, number];
}

export interface TerrainPreset {
  settings: PresetSettings;
  /** The settings the lesson contrasts, in the order to try them (may be empty). */
  contrast: PresetContrast[];
}

/** The preset of a terrain that has no tuned one yet: the room's defaults. */
export const DEFAULT_PRESET: TerrainPreset = Object.freeze({ settings: {}, contrast: [] }) as TerrainPreset;
