/**
 * The machinery every claim test shares: catalogue terrains under their
 * presets, a "typical class field" of racers, and rounds run with the real
 * round rules (`Race`, `results()`), cached so that several claims about
 * the same rounds pay for them once.
 */
import {
  drainToKnownMinimum,
  formatScore,
  formatSettledSeconds,
  landscapeCatalogue,
  parseRaceSettings,
  Race,
  Rng,
  scoreOf,
  type CatalogueEntry,
  type KnownPoint,
  type PresetOptimizer,
  type RaceSettings,
  type RacerResult,
  type Seed,
} from '@gradient-rally/shared';

export const CATALOGUE: CatalogueEntry[] = landscapeCatalogue();

/** A catalogue entry by its spec's kind (the moons network is 'mlp'). */
export function entry(kind: string): CatalogueEntry {
  const e = CATALOGUE.find((c) => c.spec.kind === kind);
  if (!e) throw new Error(`no catalogue terrain '${kind}'`);
  return e;
}

/** The round settings a host gets by picking this terrain (its preset applied), with `overrides`. */
export function presetSettings(e: CatalogueEntry, overrides: Record<string, unknown> = {}): RaceSettings {
  return parseRaceSettings({ landscape: e.spec, ...e.preset.settings, ...overrides });
}

export interface FieldRacer {
  id: string;
  optimizer: PresetOptimizer;
  start?: number[];
  /** What the racer stands for in the summaries ('idle', 'max-lr', 'contrast:<label>', 'typical'). */
  role: string;
}

const roundTo = (x: number, digits = 3) => Number(x.toPrecision(digits));

/**
 * A typical class field, seeded: every racer of the preset's contrast (the
 * settings the lesson tells students to try), eight students who move the
 * knobs the way a class does — SGD 60 %, Adam 30 %, RMSProp 10 %; the
 * learning rate within a factor 10 either side of the preset's default;
 * momentum 0.9 for a third of the SGD racers; noise for a quarter and SAM
 * for a fifth of everyone, up to half the preset's range; a cosine
 * schedule for one in seven — and the two extremes the acceptance criteria
 * name: an idle racer (the smallest learning rate allowed) and one at the
 * largest.
 */
export function typicalField(e: CatalogueEntry, settings: RaceSettings, seed: Seed, totalUpdates: number): FieldRacer[] {
  const rng = new Rng(seed).fork('typical-field');
  const ranges = settings.knobRanges;
  const def = settings.defaultOptimizer as unknown as { lr: number };
  const clampLr = (lr: number) => roundTo(Math.min(ranges.lr[1], Math.max(ranges.lr[0], lr)));
  const out: FieldRacer[] = e.preset.contrast.map((c, i) => ({
    id: `contrast-${i}`,
    optimizer: c.optimizer,
    start: c.start,
    role: `contrast:${c.label}`,
  }));
  for (let i = 0; i < 8; i++) {
    const u = rng.uniform();
    const kind = u < 0.6 ? 'sgd' : u < 0.9 ? 'adam' : 'rmsprop';
    const lr = clampLr(def.lr * 10 ** rng.uniformIn(-1, 1));
    const o: PresetOptimizer = { kind, lr };
    if (kind === 'sgd' && rng.uniform() < 1 / 3) o.momentum = 0.9;
    if (rng.uniform() < 0.25) o.noise = roundTo(rng.uniformIn(0, ranges.noise[1] / 2), 2);
    if (rng.uniform() < 0.2) o.samRadius = roundTo(rng.uniformIn(0.05, Math.max(0.05, ranges.samRadius[1] / 2)), 2);
    if (rng.uniform() < 1 / 7) o.schedule = { kind: 'cosine', tMax: Math.max(2, totalUpdates), etaMin: 0 };
    out.push({ id: `student-${i}`, optimizer: o, role: 'typical' });
  }
  out.push({ id: 'idle', optimizer: { kind: 'sgd', lr: ranges.lr[0] }, role: 'idle' });
  out.push({ id: 'max-lr', optimizer: { kind: 'sgd', lr: ranges.lr[1] }, role: 'max-lr' });
  return out;
}

/** Updates a racer takes in a full round of these settings (time or budget, whichever ends it). */
export function roundUpdates(s: RaceSettings): number {
  const byTime = s.roundSeconds === null ? Infinity : Math.round(s.roundSeconds * s.tickRate) * s.stepsPerTick;
  return Math.min(byTime, s.budget ?? Infinity);
}

export interface RoundOutcome {
  seed: Seed;
  results: RacerResult[];
  race: Race;
}

/** Runs one round to its end with the given racers (each from the start rule's point, or `start`). */
export function runRound(
  settings: RaceSettings,
  racers: { id: string; optimizer: PresetOptimizer; start?: number[] }[],
  seed: Seed,
  opts: { endAtTick?: number } = {},
): RoundOutcome {
  const race = new Race({ ...settings, seed }, seed);
  for (const r of racers) race.addRacer(r.id, { optimizer: r.optimizer, start: r.start });
  while (!race.isOver() && (opts.endAtTick === undefined || race.tickCount < opts.endAtTick)) race.tick();
  return { seed, results: race.results(), race };
}

const cache = new Map<string, unknown>();
/** Memoises an expensive measurement shared by several claims. */
export function once<T>(key: string, compute: () => T): T {
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key) as T;
}

/** Typical-field rounds of a terrain under its preset, 50 seeds (cached). */
export function fieldRounds(kind: string, n = 50): { settings: RaceSettings; rounds: (RoundOutcome & { field: FieldRacer[] })[] } {
  return once(`field:${kind}:${n}`, () => {
    const e = entry(kind);
    const settings = presetSettings(e);
    const total = roundUpdates(settings);
    const rounds = [];
    for (let k = 0; k < n; k++) {
      const seed = `claims:${kind}:${k}`;
      const field = typicalField(e, settings, seed, total);
      rounds.push({ ...runRound(settings, field, seed), field });
    }
    return { settings, rounds };
  });
}

/** What the results table shows for a row's score: the score text and the settling time. */
export function displayed(r: RacerResult, settings: RaceSettings): string {
  const settle = settings.scoring.kind === 'time-to-target' ? '' : ` ${formatSettledSeconds(r.settledSeconds)}`;
  return `${formatScore(settings.scoring, r.score)}${settle}`;
}

/** Fraction, to two decimals, for summaries. */
export const pct = (k: number, n: number) => `${k}/${n} (${Math.round((100 * k) / n)} %)`;

export interface RacerOutcome {
  position: number[];
  drawn: [number, number];
  status: string;
  loss: number;
  /** Rounded score under the round's rule (null: diverged or none). */
  score: number | null;
  /** Where gradient flow from the end point goes: the typed basin, or the known minimum's label. */
  basin: 'flat' | 'sharp' | null;
  drainsTo: KnownPoint | null;
  finishUpdates: number | null;
  /** The full result row (note, settling time, advice), when asked for. */
  result?: RacerResult;
}

/**
 * One racer alone for a whole round under `settings` (its start given, so
 * the settings' start rule must be 'choose'), without the cost of `results()`:
 * for claims about where racers end.
 */
export function runRacer(
  settings: RaceSettings,
  optimizer: PresetOptimizer,
  start: number[] | undefined,
  seed: Seed,
  opts: { results?: boolean } = {},
): RacerOutcome {
  const race = new Race({ ...settings, seed }, seed);
  const v = race.addRacer('r', { optimizer, start });
  while (!race.isOver()) race.tick();
  const result = opts.results ? race.results()[0] : undefined;
  const L = race.landscape;
  const drainsTo = v.status === 'diverged' || L.dim !== 2 || L.info.points.length === 0 ? null : drainToKnownMinimum(L, v.position);
  return {
    position: Array.from(v.position),
    drawn: [v.drawn[0], v.drawn[1]],
    status: v.status,
    loss: v.loss,
    score: scoreOf(race, v),
    basin: drainsTo?.basin ?? null,
    drainsTo,
    finishUpdates: v.finishUpdates,
    result,
  };
}

/** `n` starts spread uniformly over a square of half-width `half` around `center` (seeded). */
export function startsAround(center: readonly number[], half: number, n: number, seed: Seed): number[][] {
  const rng = new Rng(seed).fork('starts');
  return Array.from({ length: n }, () => [center[0] + rng.uniformIn(-half, half), center[1] + rng.uniformIn(-half, half)]);
}

/** `n` starts spread uniformly over the view, away from its edges as random starts are (seeded). */
export function startsInView(e: CatalogueEntry, n: number, seed: Seed): number[][] {
  const rng = new Rng(seed).fork('view-starts');
  const b = e.bounds;
  const mx = 0.1 * (b.xMax - b.xMin);
  const my = 0.1 * (b.yMax - b.yMin);
  return Array.from({ length: n }, () => [rng.uniformIn(b.xMin + mx, b.xMax - mx), rng.uniformIn(b.yMin + my, b.yMax - my)]);
}

/** `n` values log-uniform in [lo, hi], 3 significant digits (seeded). */
export function logUniform(lo: number, hi: number, n: number, seed: Seed): number[] {
  const rng = new Rng(seed).fork('log-uniform');
  return Array.from({ length: n }, () => roundTo(lo * (hi / lo) ** rng.uniform()));
}
