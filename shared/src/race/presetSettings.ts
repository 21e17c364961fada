import type { OptimizerKind, TerrainPreset } from './deps';
import { DEFAULT_KNOB_RANGES, type KnobRanges } from './knobs';
import { defaultOptimizerFor, ROUND_DEFAULTS } from './RaceSettings';

/**
 * What picking a terrain does to a round: its preset's rules (start, length,
 * scoring, knob ranges, default optimizer) replace the previous terrain's,
 * and a rule the preset leaves out goes back to the room default, so nothing
 * tuned for the last terrain (a robust radius, a start point, an lr range)
 * carries over to this one. The host dashboard sends this patch when a tile
 * is picked (every field stays editable after); solo builds its round from it.
 *
 * Fields a preset never sets (player limit, late join, locks, seed) are left
 * alone; the preset's default optimizer kind is added to the allowed list if
 * the host had left it out.
 *
 * @example
 *   const entry = landscapeCatalogue()[0];
 *   parseRaceSettings({ ...presetSettingsPatch(entry), seed: 1 });
 */
export function presetSettingsPatch(
  entry: { spec: unknown; preset: TerrainPreset },
  current: { allowedOptimizers?: readonly string[] } = {},
): Record<string, unknown> {
  const p = entry.preset.settings;
  const knobRanges: Partial<KnobRanges> = { ...(p.knobRanges ?? {}) };
  const patch: Record<string, unknown> = {
    landscape: entry.spec,
    startRule: p.startRule ?? { kind: 'shared' },
    roundSeconds: p.roundSeconds === undefined ? ROUND_DEFAULTS.roundSeconds : p.roundSeconds,
    budget: p.budget === undefined ? null : p.budget,
    tickRate: p.tickRate ?? ROUND_DEFAULTS.tickRate,
    stepsPerTick: p.stepsPerTick ?? ROUND_DEFAULTS.stepsPerTick,
    scoring: p.scoring ?? { kind: 'robust-loss' },
    knobRanges,
  };
  const allowed = (current.allowedOptimizers ?? []) as OptimizerKind[];
  const lrRange = knobRanges.lr ?? DEFAULT_KNOB_RANGES.lr;
  const optimizer = p.defaultOptimizer ?? (allowed.length > 0 ? defaultOptimizerFor(allowed, lrRange) : undefined);
  if (optimizer) patch.defaultOptimizer = optimizer;
  if (optimizer && allowed.length > 0 && !allowed.includes(optimizer.kind as OptimizerKind))
    patch.allowedOptimizers = [...allowed, optimizer.kind];
  return patch;
}
