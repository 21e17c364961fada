import {
  formatScore,
  parseRaceSettings,
  presetSettingsPatch,
  Race,
  scoringRuleName,
  type RaceSettings,
  type RacerResult,
  type RacerView,
  type TerrainPreset,
} from '@gradient-rally/shared';

/**
 * Solo play as a one-racer round: the same `Race` a classroom runs (so
 * divergence stops at the last finite point, the "what happened" note and the
 * score are the ones a class would see), under the terrain's preset. Plain
 * logic over shared, tested in Node; `SoloView` draws it.
 */
export const SOLO_RACER = 'you';

/** A terrain to play: a catalogue entry, or the player's own formula with the default preset. */
export interface SoloTerrain {
  spec: unknown;
  preset: TerrainPreset;
}

/**
 * The round's settings: the preset's rules, one racer, and the player's
 * clicked start (a point of the view) in place of the preset's start rule.
 * Throws `SpecError` (naming the field) for a start outside the view.
 */
export function soloSettings(terrain: SoloTerrain, start?: readonly [number, number]): RaceSettings {
  const patch = presetSettingsPatch(terrain);
  if (start) patch.startRule = { kind: 'shared', point: [start[0], start[1]] };
  return parseRaceSettings({ ...patch, maxPlayers: 1 });
}

/** How one run ended, in the words a round's results use. */
export interface SoloOutcome {
  result: RacerResult;
  /** "robust loss", "lowest loss", … */
  ruleName: string;
  /** The score with its unit, or "no score". */
  scoreText: string;
}

export class SoloRound {
  readonly race: Race;
  private outcomeCache: SoloOutcome | undefined;

  /** Throws `SpecError` when the optimizer is outside the round's rules (kind, ranges, locks). */
  constructor(
    readonly settings: RaceSettings,
    optimizer: unknown,
  ) {
    this.race = new Race(settings);
    this.race.addRacer(SOLO_RACER, { optimizer });
  }

  get racer(): RacerView {
    return this.race.racer(SOLO_RACER)!;
  }

  get started(): boolean {
    return this.race.tickCount > 0;
  }

  isOver(): boolean {
    return this.race.isOver();
  }

  /** One tick of the round (stepsPerTick updates); false once the round is over. */
  tick(): boolean {
    if (this.race.isOver()) return false;
    this.race.tick();
    return !this.race.isOver();
  }

  /** Changes the knobs mid-run, as a player in a class does (validated the same way). */
  retune(optimizer: unknown): void {
    this.race.retune(SOLO_RACER, optimizer);
  }

  /** The result, score and note once the round is over (computed once). */
  outcome(): SoloOutcome {
    if (!this.race.isOver()) throw new Error('the round is still running');
    if (!this.outcomeCache) {
      const result = this.race.results()[0];
      const rule = this.settings.scoring;
      this.outcomeCache = { result, ruleName: scoringRuleName(rule), scoreText: formatScore(rule, result.score) };
    }
    return this.outcomeCache;
  }
}

// ───────────────────────── best score per terrain ─────────────────────────

/** The browser storage key of the best-scores table. */
export const BEST_SCORES_KEY = 'gradient-rally:solo-best';
/** Oldest entries are dropped past this many terrains (own formulas each count as one). */
export const BEST_SCORES_MAX = 50;

export interface SoloBest {
  score: number;
  /** The rule it was scored by ("robust loss"). */
  rule: string;
  /** The optimizer that made it, in a few words. */
  optimizer: string;
}

/**
 * Scores are comparable only under the same rules: the key is the terrain
 * and everything that decides a score (rule and its parameters, round length,
 * budget, tick rate, updates per tick, start rule).
 */
export function bestKey(s: RaceSettings): string {
  const { landscape, scoring, roundSeconds, budget, tickRate, stepsPerTick, startRule } = s;
  return JSON.stringify({ landscape, scoring, roundSeconds, budget, tickRate, stepsPerTick, startRule });
}

/** Reads the stored table, dropping anything malformed (it is the browser's, not ours). */
export function parseBestTable(text: string | null): Record<string, SoloBest> {
  const out: Record<string, SoloBest> = {};
  if (!text) return out;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const b = v as Partial<SoloBest> | null;
    if (b && typeof b.score === 'number' && Number.isFinite(b.score) && typeof b.rule === 'string' && typeof b.optimizer === 'string')
      out[k] = { score: b.score, rule: b.rule, optimizer: b.optimizer };
  }
  return out;
}

/**
 * Records a finished run: a score beats the stored one when it is lower (as
 * in a round's ranking). Returns the new table (the newest key last, at most
 * `BEST_SCORES_MAX` keys), the previous best and whether this run improved it.
 */
export function recordBest(
  table: Readonly<Record<string, SoloBest>>,
  key: string,
  run: SoloBest,
): { table: Record<string, SoloBest>; previous: SoloBest | undefined; improved: boolean } {
  const previous = table[key];
  const improved = !previous || run.score < previous.score;
  if (!improved) return { table: { ...table }, previous, improved };
  const next: Record<string, SoloBest> = {};
  for (const [k, v] of Object.entries(table)) if (k !== key) next[k] = v;
  next[key] = run;
  const keys = Object.keys(next);
  for (const k of keys.slice(0, Math.max(0, keys.length - BEST_SCORES_MAX))) delete next[k];
  return { table: next, previous, improved };
}
