/**
 * The race module's plain data types, in one file that imports no race code:
 * `Race`, `results` and `RaceRecord` all use them, so keeping them here keeps
 * the three free of import cycles.
 */
import type { Seed } from '../random/Rng';
import type { CriticalPointKind, OptimizerSpec } from './deps';
import type { RaceSettings } from './RaceSettings';

export type RacerStatus = 'waiting' | 'racing' | 'diverged' | 'finished' | 'budget-spent';

/** One row of the live leaderboard (see `Race.standings`). */
export interface Standing {
  id: string;
  /** 1-based; racers with equal (displayed) scores share a rank. */
  rank: number;
  /**
   * Lower is better, rounded to the rule's decimals; null for diverged racers and, under
   * time-to-target, for those still on their way.
   */
  score: number | null;
  scoredBy: 'robust-loss' | 'time-to-target' | 'loss';
  loss: number;
  status: RacerStatus;
}

/** Statuses after which a racer never moves again. */
export const STOPPED_STATUSES: readonly RacerStatus[] = ['diverged', 'finished', 'budget-spent'];

/**
 * What the server mirrors and the client draws for one racer. Live: the race
 * updates these objects in place on every tick, so copy what you keep.
 */
export interface RacerView {
  readonly id: string;
  readonly status: RacerStatus;
  /** θ, length dim. After divergence: the last finite point. */
  readonly position: Float64Array;
  /** Where θ is drawn: θ itself in 2-D, `projectInto(θ)` when dim > 2. */
  readonly drawn: Float64Array;
  readonly loss: number;
  readonly gradientEvaluations: number;
  readonly updates: number;
  readonly joinTick: number;
  /** The optimizer spec in force (normalised). */
  readonly optimizer: OptimizerSpec;
  /** Updates taken when the target loss was first reached (time-to-target), else null. */
  readonly finishUpdates: number | null;
}

/**
 * A finished (or running) round as plain JSON: what the server stores and
 * exports, and what `replayRace` re-runs. Start points are the resolved
 * parameter vectors, specs the normalised ones; JSON keeps every float64
 * exactly (shortest round-trip printing), so a replay is bitwise.
 */
export interface RaceRecord {
  format: 'gradient-rally/race-record';
  version: 1;
  settings: RaceSettings;
  seed: Seed;
  /**
   * Every event carries `seq`, its place in the order the race saw them, and
   * `tick`, the tickCount when it happened (before that tick's step).
   * Joins in join order (an id removed and added again appears twice).
   */
  racers: { seq: number; tick: number; id: string; optimizer: OptimizerSpec; start: number[]; joinTick: number }[];
  /** Every knob change, in the order it was made. */
  changes: { seq: number; tick: number; id: string; spec: OptimizerSpec }[];
  removals: { seq: number; tick: number; id: string }[];
  /** The race's tickCount when the record was taken. */
  endTick: number;
}

/** The critical-point class of an end point (shared's `CriticalPointKind`). */
export type PointClass = CriticalPointKind;

/** What the note is about, for icons and filters; the note itself is the text. */
export type NoteKind =
  | 'diverged'
  | 'unbounded'
  | 'global-minimum'
  | 'local-minimum'
  | 'saddle'
  | 'maximum'
  | 'reached-target'
  | 'still-moving'
  | 'bouncing'
  | 'jittering'
  | 'minimum'
  | 'stopped'
  | 'not-started';

/** A change a note suggests, and the score the racer got when re-run with it (see `RacerResult.advice`). */
export interface Advice {
  /** The optimizer fields changed, e.g. `{ lr: 0.03 }` or `{ noise: 8 }`; applied to every spec the racer used. */
  change: Record<string, unknown>;
  /** The score of the re-run (rounded like every score); better than the racer's own. */
  score: number | null;
}

export interface RacerResult {
  id: string;
  /**
   * 1-based competition rank ("1, 1, 3"): racers whose displayed score and settling time are
   * equal share a rank; rows with a shared rank are listed by final loss, then join order.
   */
  rank: number;
  /**
   * Under the scoring rule, lower is better, rounded to the rule's decimals (what the table
   * shows); null when the rule gives none (diverged, target never reached).
   */
  score: number | null;
  /**
   * Seconds after joining at which the racer came to rest for good (within 0.2 % of the view's
   * diagonal of its end point), to 0.1 s; null when it was still moving at the end (or diverged).
   * Breaks ties between equal scores: who settled first.
   */
  settledSeconds: number | null;
  status: RacerStatus;
  endPoint: number[];
  drawnEndPoint: [number, number];
  finalLoss: number | null;
  robustLoss: number | null;
  lambdaMax: number | null;
  /** Ascending: both eigenvalues in 2-D; [λ_min, λ_max] from Lanczos when dim > 2; empty when not finite. */
  eigenvalues: number[];
  /**
   * The critical-point class of where the racer came to rest, when it came to rest at one (what
   * the results table's "Class" column shows); null when it is still moving, resting on a slope,
   * or diverged. It always agrees with the note.
   */
  pointClass: PointClass | null;
  /** On terrains whose lesson is about flatness: the typed basin (flat or sharp) the end point drains into. */
  basin: 'flat' | 'sharp' | null;
  gradientNorm: number | null;
  gradientEvaluations: number;
  updates: number;
  joinTick: number;
  optimizer: OptimizerSpec;
  note: string;
  noteKind: NoteKind;
  /**
   * When the note suggests a change: the change and the score a re-run with it got (same start,
   * same random draws, same rules, same length). Only given when that score is better.
   */
  advice: Advice | null;
}

/** What the race hands over per racer (internal). */
export interface ResultInput {
  view: RacerView;
  order: number;
  lastMove: number;
  divergedAfter: number | null;
  /** Learning rate of the refused step (schedule applied). */
  divergedLr: number | null;
  start: number[];
  startLoss: number;
  /** Ticks the racer took part in (its trail has this many + 1 points). */
  ticksRun: number;
  /** Index of the trail point from which the racer stayed within the settle distance of its end, or null if it kept moving at the end. */
  settledTick: number | null;
  /** Whether its loss reached a new low during the final stretch of its ticks. */
  improvedRecently: boolean;
  /** Its lowest loss at a tick's end, and the tick (since joining) when it came. */
  bestLoss: number;
  bestTick: number;
}

/** The settle distance, as a fraction of the view's diagonal. */
export const SETTLE_FRACTION = 0.002;
