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
  rank: number;
  /** Lower is better; null for diverged racers and, under time-to-target, for those still on their way. */
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
  | 'still-moving'
  | 'minimum'
  | 'stopped'
  | 'not-started';

export interface RacerResult {
  id: string;
  /** 1-based; every racer has a distinct rank. */
  rank: number;
  /** Under the scoring rule, lower is better; null when the rule gives none (diverged, target never reached). */
  score: number | null;
  status: RacerStatus;
  endPoint: number[];
  drawnEndPoint: [number, number];
  finalLoss: number | null;
  robustLoss: number | null;
  lambdaMax: number | null;
  /** Ascending: both eigenvalues in 2-D; [λ_min, λ_max] from Lanczos when dim > 2; empty when not finite. */
  eigenvalues: number[];
  pointClass: PointClass | null;
  gradientNorm: number | null;
  gradientEvaluations: number;
  updates: number;
  joinTick: number;
  optimizer: OptimizerSpec;
  note: string;
  noteKind: NoteKind;
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
}
