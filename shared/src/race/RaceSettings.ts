import { SpecError, describeValue } from '../spec/SpecError';
import { asObject, booleanField, checkNumber, enumField, numberField, rejectUnknownKeys, type Json } from '../spec/fields';
import { Rng, type Seed } from '../random/Rng';
import type { Bounds2D, Landscape, LandscapeSpec } from '../landscapes/Landscape';
import type { MlpLandscape } from '../mlp/MlpLandscape';
import { createLandscape, createOptimizer, OPTIMIZER_KINDS, type OptimizerKind, type OptimizerSpec } from './deps';
import {
  DEFAULT_KNOB_RANGES,
  KNOB_HARD_LIMITS,
  KNOB_NAMES,
  KNOBS,
  knobSlot,
  nesterovApplies,
  NUMERIC_KNOBS,
  type KnobName,
  type KnobRange,
  type KnobRanges,
  type KnobSlot,
} from './knobs';

/**
 * Race settings: what a host chooses for a round, as plain JSON validated once
 * here (the server on `host:settings`, the client before sending, solo mode
 * before a run). Every field has a default; every bad value throws a
 * `SpecError` naming the field and the allowed range.
 */

// The knob table (names, ranges, where each knob sits in a spec) lives in knobs.ts; re-exported for existing importers.
export { NUMERIC_KNOBS, KNOB_NAMES, KNOB_HARD_LIMITS, DEFAULT_KNOB_RANGES, knobSlot } from './knobs';
export type { NumericKnob, KnobName, KnobRange, KnobRanges } from './knobs';

export type StartRule = { kind: 'shared'; point: number[] } | { kind: 'random' } | { kind: 'choose' };

/**
 * Every scoring rule ranks lower scores first. A score is rounded to the
 * rule's `decimals` (what the results table shows), so equal displayed scores
 * are equal scores and share a rank; `settledSeconds` (when a racer last moved
 * more than a hair) breaks ties between them, and is shown beside the score.
 */
export type ScoringRule =
  | { kind: 'robust-loss'; radius: number; samples: number; decimals: number }
  | { kind: 'lowest-loss'; decimals: number }
  | { kind: 'time-to-target'; target: number; decimals: number }
  | { kind: 'test-loss'; decimals: number };

export const SCORING_KINDS = ['robust-loss', 'lowest-loss', 'time-to-target', 'test-loss'] as const;
export const SCORE_DECIMALS_RANGE = [0, 9] as const;
export const START_RULE_KINDS = ['shared', 'random', 'choose'] as const;

export interface RaceSettings {
  landscape: LandscapeSpec;
  allowedOptimizers: OptimizerKind[];
  knobRanges: KnobRanges;
  lockedKnobs: KnobName[];
  defaultOptimizer: OptimizerSpec;
  startRule: StartRule;
  /** Round length in seconds (5..1800), or null for a budget-only round. */
  roundSeconds: number | null;
  /** Gradient evaluations per racer (SAM costs 2 per step), or null. */
  budget: number | null;
  tickRate: number;
  stepsPerTick: number;
  scoring: ScoringRule;
  lateJoin: boolean;
  maxPlayers: number;
  seed: Seed;
}

export const SETTINGS_FIELDS = [
  'landscape',
  'allowedOptimizers',
  'knobRanges',
  'lockedKnobs',
  'defaultOptimizer',
  'startRule',
  'roundSeconds',
  'budget',
  'tickRate',
  'stepsPerTick',
  'scoring',
  'lateJoin',
  'maxPlayers',
  'seed',
] as const;

export const ROUND_SECONDS_RANGE = [5, 1800] as const;
export const BUDGET_RANGE = [1, 10_000_000] as const;
export const TICK_RATE_RANGE = [1, 60] as const;
export const STEPS_PER_TICK_RANGE = [1, 50] as const;
export const MAX_PLAYERS_RANGE = [1, 100] as const;
export const ROBUST_SAMPLES_RANGE = [1, 1024] as const;
/** A round's length when the settings say nothing: 60 s at 20 ticks a second, 2 updates a tick (2,400 updates). */
export const ROUND_DEFAULTS = Object.freeze({ roundSeconds: 60, tickRate: 20, stepsPerTick: 2 });

/**
 * Updates a racer takes in a whole round (what a schedule is sized to):
 * roundSeconds × tickRate × stepsPerTick, capped by the budget at
 * `evaluationsPerUpdate` gradient evaluations an update (2 with SAM). Accepts
 * parsed settings or the raw JSON a client holds (defaults for what is missing).
 */
export function roundUpdates(
  s: { roundSeconds?: unknown; budget?: unknown; tickRate?: unknown; stepsPerTick?: unknown },
  evaluationsPerUpdate = 1,
): number {
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d);
  const perSecond = num(s.tickRate, ROUND_DEFAULTS.tickRate) * num(s.stepsPerTick, ROUND_DEFAULTS.stepsPerTick);
  const timed = s.roundSeconds === null ? Infinity : num(s.roundSeconds, ROUND_DEFAULTS.roundSeconds) * perSecond;
  const budgeted = typeof s.budget === 'number' && s.budget > 0 ? Math.floor(s.budget / Math.max(1, evaluationsPerUpdate)) : Infinity;
  const n = Math.min(timed, budgeted);
  return Number.isFinite(n) ? Math.max(1, Math.round(n)) : ROUND_DEFAULTS.roundSeconds * perSecond;
}

/** Random starts keep this fraction of the view's width and height away from each edge. */
export const START_MARGIN = 0.1;

/**
 * Default perturbation radius for the robust-loss score: 5% of the shorter
 * side of the view, two significant digits (0.3 on the 6×6 sharp-vs-flat view,
 * the radius its flat basin is designed to win at).
 */
export function defaultRobustRadius(bounds: Bounds2D): number {
  const side = Math.min(bounds.xMax - bounds.xMin, bounds.yMax - bounds.yMin);
  return Number((0.05 * side).toPrecision(2));
}

/**
 * Validates race settings JSON and fills in defaults. The landscape spec is
 * checked (and normalised) by `createLandscape`, the default optimizer by
 * `createOptimizer` and the knob rules.
 *
 * @example
 *   const s = parseRaceSettings({ landscape: { kind: 'himmelblau' }, roundSeconds: 60 });
 *   s.scoring; // { kind: 'robust-loss', radius: 0.5, samples: 64 }
 */
export function parseRaceSettings(json: unknown, path = 'settings'): RaceSettings {
  return parseSettingsWithLandscape(json, path).settings;
}

/**
 * As `parseRaceSettings`, also returning the landscape it built (a Race needs it; building twice is wasted work).
 * `built`, when given, is the landscape the caller already made from `json.landscape` (its normalised spec): it is
 * used as is, not built again (a network terrain costs up to ~150 ms to build and describe).
 */
export function parseSettingsWithLandscape(
  json: unknown,
  path = 'settings',
  built?: Landscape,
): { settings: RaceSettings; landscape: Landscape } {
  const obj = asObject(json === undefined ? {} : json, path);
  rejectUnknownKeys(obj, path, SETTINGS_FIELDS);

  const landscape = built ?? createLandscape(obj.landscape ?? { kind: 'sharp-vs-flat' }, `${path}.landscape`);
  checkSomewhereFinite(landscape, `${path}.landscape`);
  const seed = parseSeed(obj.seed, `${path}.seed`);

  const allowedOptimizers = parseAllowedOptimizers(obj.allowedOptimizers, `${path}.allowedOptimizers`);
  const knobRanges = parseKnobRanges(obj.knobRanges, `${path}.knobRanges`);
  const lockedKnobs = parseLockedKnobs(obj.lockedKnobs, `${path}.lockedKnobs`);

  const roundSeconds = nullableNumber(obj, 'roundSeconds', path, ROUND_DEFAULTS.roundSeconds, {
    min: ROUND_SECONDS_RANGE[0],
    max: ROUND_SECONDS_RANGE[1],
  });
  const budget = nullableNumber(obj, 'budget', path, null, { min: BUDGET_RANGE[0], max: BUDGET_RANGE[1], integer: true });
  if (roundSeconds === null && budget === null) {
    throw new SpecError(
      `${path}.roundSeconds`,
      `and ${path}.budget cannot both be null: a round needs a time limit (seconds in [${ROUND_SECONDS_RANGE.join(', ')}]), a budget of gradient evaluations, or both`,
    );
  }
  const tickRate = numberField(obj, 'tickRate', path, ROUND_DEFAULTS.tickRate, {
    min: TICK_RATE_RANGE[0],
    max: TICK_RATE_RANGE[1],
    integer: true,
  });
  const stepsPerTick = numberField(obj, 'stepsPerTick', path, ROUND_DEFAULTS.stepsPerTick, {
    min: STEPS_PER_TICK_RANGE[0],
    max: STEPS_PER_TICK_RANGE[1],
    integer: true,
  });
  const scoring = parseScoring(obj.scoring, `${path}.scoring`, landscape);
  const startRule = parseStartRule(obj.startRule, `${path}.startRule`, landscape, seed);
  const lateJoin = booleanField(obj, 'lateJoin', path, true);
  const maxPlayers = numberField(obj, 'maxPlayers', path, 40, { min: MAX_PLAYERS_RANGE[0], max: MAX_PLAYERS_RANGE[1], integer: true });

  const partial = { allowedOptimizers, knobRanges, lockedKnobs };
  const defaultOptimizer = parseDefaultOptimizer(obj.defaultOptimizer, `${path}.defaultOptimizer`, partial, landscape.dim);

  const settings: RaceSettings = {
    landscape: landscape.spec,
    allowedOptimizers,
    knobRanges,
    lockedKnobs,
    defaultOptimizer,
    startRule,
    roundSeconds,
    budget,
    tickRate,
    stepsPerTick,
    scoring,
    lateJoin,
    maxPlayers,
    seed,
  };
  return { settings, landscape };
}

function parseSeed(v: unknown, path: string): Seed {
  if (v === undefined) return 1;
  if (typeof v === 'string') {
    if (v.length < 1 || v.length > 100)
      throw new SpecError(path, `must be a finite number or a string of 1 to 100 characters, got ${describeValue(v)}`);
    return v;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new SpecError(path, `must be a finite number or a string of 1 to 100 characters, got ${describeValue(v)}`);
  }
  return v;
}

function nullableNumber(
  obj: Json,
  key: string,
  path: string,
  fallback: number | null,
  r: Parameters<typeof checkNumber>[2],
): number | null {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (v === null) return null;
  return checkNumber(v, `${path}.${key}`, r);
}

function stringList<T extends string>(v: unknown, path: string, allowed: readonly T[], what: string): T[] {
  if (!Array.isArray(v))
    throw new SpecError(path, `must be an array of ${what} (${allowed.map((a) => `'${a}'`).join(', ')}), got ${describeValue(v)}`);
  const out: T[] = [];
  v.forEach((item, i) => {
    if (typeof item !== 'string' || !(allowed as readonly string[]).includes(item)) {
      throw new SpecError(`${path}[${i}]`, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(item)}`);
    }
    if (out.includes(item as T)) throw new SpecError(`${path}[${i}]`, `repeats '${item}'; list each ${what.replace(/s$/, '')} once`);
    out.push(item as T);
  });
  return out;
}

function parseAllowedOptimizers(v: unknown, path: string): OptimizerKind[] {
  if (v === undefined) return [...OPTIMIZER_KINDS];
  const list = stringList(v, path, OPTIMIZER_KINDS, 'optimizer kinds');
  if (list.length === 0) throw new SpecError(path, `must allow at least one of ${OPTIMIZER_KINDS.map((a) => `'${a}'`).join(', ')}`);
  return list;
}

function parseLockedKnobs(v: unknown, path: string): KnobName[] {
  if (v === undefined) return [];
  return stringList(v, path, KNOB_NAMES, 'knob names');
}

function parseKnobRanges(v: unknown, path: string): KnobRanges {
  const out = {} as KnobRanges;
  const obj = v === undefined ? {} : asObject(v, path);
  rejectUnknownKeys(obj, path, NUMERIC_KNOBS);
  for (const knob of NUMERIC_KNOBS) {
    const [lo, hi] = KNOB_HARD_LIMITS[knob];
    const raw = obj[knob];
    if (raw === undefined) {
      out[knob] = [...DEFAULT_KNOB_RANGES[knob]] as KnobRange;
      continue;
    }
    const p = `${path}.${knob}`;
    if (!Array.isArray(raw) || raw.length !== 2)
      throw new SpecError(p, `must be [min, max] within [${lo}, ${hi}], got ${describeValue(raw)}`);
    const integer = knob === 'batchSize';
    const min = checkNumber(raw[0], `${p}[0]`, { min: lo, max: hi, integer });
    const max = checkNumber(raw[1], `${p}[1]`, { min: lo, max: hi, integer });
    if (min > max) throw new SpecError(p, `must have min ≤ max, got [${min}, ${max}]`);
    out[knob] = [min, max];
  }
  return out;
}

function parseScoring(v: unknown, path: string, landscape: Landscape): ScoringRule {
  if (v === undefined) v = { kind: 'robust-loss' };
  if (typeof v === 'string') v = { kind: v };
  const obj = asObject(v, path);
  const kind = enumField(obj, 'kind', path, SCORING_KINDS);
  const decimals = (fallback: number) =>
    numberField(obj, 'decimals', path, fallback, { min: SCORE_DECIMALS_RANGE[0], max: SCORE_DECIMALS_RANGE[1], integer: true });
  switch (kind) {
    case 'robust-loss': {
      rejectUnknownKeys(obj, path, ['kind', 'radius', 'samples', 'decimals']);
      const radius = numberField(obj, 'radius', path, defaultRobustRadius(landscape.info.bounds), {
        min: 0,
        max: 1000,
        minExclusive: true,
      });
      const samples = numberField(obj, 'samples', path, 64, { min: ROBUST_SAMPLES_RANGE[0], max: ROBUST_SAMPLES_RANGE[1], integer: true });
      return { kind, radius, samples, decimals: decimals(3) };
    }
    case 'time-to-target': {
      rejectUnknownKeys(obj, path, ['kind', 'target', 'decimals']);
      return { kind, target: numberField(obj, 'target', path, undefined, { min: -1e12, max: 1e12 }), decimals: decimals(2) };
    }
    case 'test-loss':
      rejectUnknownKeys(obj, path, ['kind', 'decimals']);
      if (!hasTestLoss(landscape)) {
        throw new SpecError(
          `${path}.kind`,
          `'test-loss' needs an MLP terrain with held-out test data (landscape kind 'mlp', generated or with testData); this landscape is '${landscape.info.kind}'${landscape.info.kind === 'mlp' ? ' without test data' : ''}`,
        );
      }
      return { kind, decimals: decimals(3) };
    default:
      rejectUnknownKeys(obj, path, ['kind', 'decimals']);
      return { kind, decimals: decimals(3) };
  }
}

/** A raw score rounded to the rule's decimals: the value ranks compare and the table shows. */
export function roundScore(raw: number | null, scoring: Pick<ScoringRule, 'decimals'>): number | null {
  if (raw === null || !Number.isFinite(raw)) return null;
  const r = Number(raw.toFixed(scoring.decimals));
  // −0 would print as "0" but compare equal anyway; keep it plain.
  return r === 0 ? 0 : r;
}

/** Settling times are shown, and compared, to a tenth of a second. */
export function roundSettledSeconds(seconds: number | null): number | null {
  return seconds === null || !Number.isFinite(seconds) ? null : Math.round(seconds * 10) / 10;
}

/**
 * A landscape that can report the loss on held-out data: an MLP terrain with a
 * test set (the generated form always has one; the explicit form with `testData`).
 */
export function hasTestLoss(l: Landscape): l is MlpLandscape {
  const m = l as Partial<MlpLandscape>;
  return typeof m.evaluate === 'function' && m.test !== null && m.test !== undefined;
}

function parseStartRule(v: unknown, path: string, landscape: Landscape, seed: Seed): StartRule {
  if (v === undefined) v = { kind: 'shared' };
  if (typeof v === 'string') v = { kind: v };
  const obj = asObject(v, path);
  const kind = enumField(obj, 'kind', path, START_RULE_KINDS);
  if (kind !== 'shared') {
    rejectUnknownKeys(obj, path, ['kind']);
    return { kind };
  }
  rejectUnknownKeys(obj, path, ['kind', 'point']);
  if (obj.point === undefined) {
    // One seeded point for everyone: fair, and works on any terrain. On a formula with holes
    // (log(x), sqrt(x)) the stream's next points are tried until one has a finite loss.
    const rng = new Rng(seed).fork('shared-start');
    for (let tries = 0; tries < SHARED_START_TRIES; tries++) {
      const p = randomViewPoint(landscape.info.bounds, rng);
      if (landscape.dim > 2 || Number.isFinite(landscape.value(Float64Array.from(p)))) return { kind, point: [p[0], p[1]] };
    }
    throw new SpecError(
      `${path}.point`,
      `the landscape has no finite value at any of ${SHARED_START_TRIES} shared starts tried: give a start point where it has one`,
    );
  }
  const point = checkStartPoint(obj.point, `${path}.point`, landscape);
  if (landscape.dim === 2 && !Number.isFinite(landscape.value(Float64Array.from(point)))) {
    throw new SpecError(
      `${path}.point`,
      `the landscape has no value at (${point.join(', ')}) (the loss there is not finite): pick another start point`,
    );
  }
  return { kind, point };
}

/** Seeded points tried for a shared start on a formula with holes. */
const SHARED_START_TRIES = 64;
/** Points per side of the grid a formula is tried on (`checkSomewhereFinite`). */
const FINITE_PROBE_SIDE = 16;

/**
 * Refuses a formula that is infinite or NaN all over its view (`1/(x*0)`,
 * `log(-1-x^2)`): no racer could start on it. Tried on a 16 × 16 grid over
 * the view; built-in terrains and networks are finite by construction.
 */
function checkSomewhereFinite(landscape: Landscape, path: string): void {
  if (landscape.spec.kind !== 'expression' || landscape.dim !== 2) return;
  const b = landscape.info.bounds;
  const p = new Float64Array(2);
  for (let i = 0; i < FINITE_PROBE_SIDE; i++) {
    for (let j = 0; j < FINITE_PROBE_SIDE; j++) {
      p[0] = b.xMin + ((i + 0.5) * (b.xMax - b.xMin)) / FINITE_PROBE_SIDE;
      p[1] = b.yMin + ((j + 0.5) * (b.yMax - b.yMin)) / FINITE_PROBE_SIDE;
      if (Number.isFinite(landscape.value(p))) return;
    }
  }
  throw new SpecError(
    path,
    `this formula is infinite or not a number at every one of ${FINITE_PROBE_SIDE * FINITE_PROBE_SIDE} points tried across its view (x from ${b.xMin} to ${b.xMax}, y from ${b.yMin} to ${b.yMax}), so no racer could start on it: change the formula or its view`,
  );
}

/** A point of the view plane away from the edges (START_MARGIN of each side). */
export function randomViewPoint(b: Bounds2D, rng: Rng): [number, number] {
  const mx = START_MARGIN * (b.xMax - b.xMin);
  const my = START_MARGIN * (b.yMax - b.yMin);
  const x = rng.uniformIn(b.xMin + mx, b.xMax - mx);
  const y = rng.uniformIn(b.yMin + my, b.yMax - my);
  return [x, y];
}

/**
 * A start point: two coordinates of the view plane (inside the view bounds),
 * or, on a landscape of dim > 2, a full parameter vector of length dim.
 */
export function checkStartPoint(v: unknown, path: string, landscape: Landscape): number[] {
  if (!Array.isArray(v))
    throw new SpecError(
      path,
      `must be an array of 2${landscape.dim > 2 ? ` or ${landscape.dim}` : ''} finite numbers, got ${describeValue(v)}`,
    );
  if (landscape.dim > 2 && v.length === landscape.dim) return v.map((c, i) => checkNumber(c, `${path}[${i}]`, { min: -1e6, max: 1e6 }));
  if (v.length !== 2)
    throw new SpecError(path, `must have 2${landscape.dim > 2 ? ` or ${landscape.dim}` : ''} coordinates, got ${v.length}`);
  const b = landscape.info.bounds;
  const x = checkNumber(v[0], `${path}[0]`, { min: b.xMin, max: b.xMax });
  const y = checkNumber(v[1], `${path}[1]`, { min: b.yMin, max: b.yMax });
  return [x, y];
}

/**
 * The default optimizer a round gets when its settings name none: SGD at
 * lr 0.01 if allowed, else the first allowed kind (Newton and L-BFGS at lr 1),
 * the rate clamped into the allowed range.
 */
export function defaultOptimizerFor(allowed: readonly OptimizerKind[], lrRange: Readonly<KnobRange>): { kind: OptimizerKind; lr: number } {
  const kind: OptimizerKind = allowed.includes('sgd') ? 'sgd' : allowed[0];
  const [lo, hi] = lrRange;
  const lr = Math.min(hi, Math.max(lo, kind === 'lbfgs' || kind === 'newton' ? 1 : 0.01));
  return { kind, lr };
}

function parseDefaultOptimizer(
  v: unknown,
  path: string,
  rules: Pick<RaceSettings, 'allowedOptimizers' | 'knobRanges' | 'lockedKnobs'>,
  dim: number,
): OptimizerSpec {
  if (v === undefined) v = defaultOptimizerFor(rules.allowedOptimizers, rules.knobRanges.lr);
  const obj = asObject(v, path);
  if (obj.kind === undefined || !(rules.allowedOptimizers as readonly unknown[]).includes(obj.kind)) {
    enumField(obj, 'kind', path, rules.allowedOptimizers);
  }
  const spec = createOptimizer(obj, dim, path).spec as OptimizerSpec;
  checkKnobRanges(spec, rules.knobRanges, [], path);
  return spec;
}

// ───────────────────────── knobs inside an optimizer spec ─────────────────────────

function readSlot(spec: Record<string, unknown>, slot: KnobSlot): unknown {
  const v = spec[slot.field];
  if (slot.index === undefined) return v;
  return Array.isArray(v) ? v[slot.index] : undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function slotPath(path: string, slot: KnobSlot): string {
  return slot.index === undefined ? `${path}.${slot.field}` : `${path}.${slot.field}[${slot.index}]`;
}

function checkKnobRanges(spec: OptimizerSpec, ranges: KnobRanges, locked: readonly KnobName[], path: string): void {
  const s = spec as unknown as Record<string, unknown>;
  for (const knob of NUMERIC_KNOBS) {
    if (locked.includes(knob)) continue;
    const slot = knobSlot(s.kind as string, knob);
    if (!slot) continue;
    const v = readSlot(s, slot);
    if (typeof v !== 'number') continue;
    // A knob left at zero is "off" (no momentum, no noise, no SAM), allowed even when the range starts above 0.
    if (v === 0 && KNOBS[knob].offAtZero) continue;
    const [lo, hi] = ranges[knob];
    if (!(v >= lo && v <= hi))
      throw new SpecError(slotPath(path, slot), `must be in [${lo}, ${hi}] (the range the host allows), got ${describeValue(v)}`);
  }
  // A schedule must not smuggle a learning rate above the allowed range.
  const sched = s.schedule as Record<string, unknown> | undefined | null;
  if (sched && typeof sched === 'object' && !locked.includes('lr')) {
    const hi = ranges.lr[1];
    for (const f of ['maxLr', 'etaMin'] as const) {
      const v = sched[f];
      if (typeof v === 'number' && v > hi)
        throw new SpecError(`${path}.schedule.${f}`, `must be at most ${hi} (the host's learning-rate range), got ${v}`);
    }
  }
}

/**
 * The check `Race.addRacer` and `Race.retune` apply to a player's optimizer
 * spec: its kind is allowed, unlocked knobs are inside the host's ranges, and
 * locked knobs keep the host's value (filled in when absent, refused when
 * different). Returns the normalised spec.
 *
 * A locked knob's value comes from `defaultOptimizer` when the knob sits in the
 * same field for both kinds (lr everywhere; momentum for sgd and rmsprop; β1/β2
 * for adam and adamw), otherwise it is the kind's own default.
 */
export function checkRacerOptimizer(
  settings: Pick<RaceSettings, 'allowedOptimizers' | 'knobRanges' | 'lockedKnobs' | 'defaultOptimizer'>,
  spec: unknown,
  dim: number,
  path = 'optimizer',
): OptimizerSpec {
  if (typeof spec === 'string') spec = { kind: spec };
  const obj = asObject(spec, path);
  const kind = enumField(obj, 'kind', path, settings.allowedOptimizers);
  const input: Record<string, unknown> = { ...obj };
  if (Array.isArray(input.betas)) input.betas = [...(input.betas as unknown[])];

  if (settings.lockedKnobs.length > 0) {
    const def = settings.defaultOptimizer as unknown as Record<string, unknown>;
    // The kind's own defaults, for knobs the host's default optimizer does not share.
    const own = createOptimizer({ kind, lr: def.lr ?? 0.01 }, dim, path).spec as unknown as Record<string, unknown>;
    for (const knob of settings.lockedKnobs) {
      const slot = knobSlot(kind, knob);
      if (!slot) continue;
      const defSlot = knobSlot(def.kind as string, knob);
      const shared = defSlot && defSlot.field === slot.field && defSlot.index === slot.index;
      const lockedValue = shared ? readSlot(def, defSlot) : readSlot(own, slot);
      const given = readSlot(input, slot);
      if (given !== undefined && !sameValue(given, lockedValue)) {
        throw new SpecError(
          slotPath(path, slot),
          `is locked by the host at ${JSON.stringify(lockedValue ?? null)}, got ${describeValue(given)}`,
        );
      }
      if (slot.index === undefined) {
        if (lockedValue === undefined) delete input[slot.field];
        else input[slot.field] = lockedValue;
      } else {
        const betas = Array.isArray(input.betas) ? (input.betas as unknown[]) : [...((own.betas as number[]) ?? [0.9, 0.999])];
        betas[slot.index] = lockedValue;
        input.betas = betas;
      }
    }
    // Nesterov's look-ahead is a form of SGD's momentum: locking momentum locks it too.
    if (settings.lockedKnobs.includes('momentum') && nesterovApplies(kind)) {
      const lockedNesterov = def.kind === kind && def.nesterov === true;
      if (input.nesterov !== undefined && input.nesterov !== lockedNesterov)
        throw new SpecError(
          `${path}.nesterov`,
          `is locked by the host at ${lockedNesterov} (with momentum), got ${describeValue(input.nesterov)}`,
        );
      input.nesterov = lockedNesterov;
    }
  }
  const normalised = createOptimizer(input, dim, path).spec as OptimizerSpec;
  checkKnobRanges(normalised, settings.knobRanges, settings.lockedKnobs, path);
  return normalised;
}
