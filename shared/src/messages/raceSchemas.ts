/**
 * zod schemas of the race module's plain data as it travels between server
 * and client: race settings (as `parseRaceSettings` returns them), optimizer
 * specs (as `parseOptimizerSpec` normalises them), landscape info, trail
 * snapshots and result rows.
 *
 * These check the *shape* of data the server already validated: a client
 * parses each once on receipt and then reads typed values. The meaning
 * (ranges, a landscape that builds, knobs the host allows) is checked by the
 * race module's own parsers, never twice. Every schema is typed against the
 * race module's type (`satisfies z.ZodType<T>`), and `test/shared/messages.test.ts`
 * checks the inferred types are exactly those types, so a field added on one
 * side and not the other fails to compile.
 *
 * `z.number()` refuses NaN and ±Infinity (zod 4): a message that parses
 * carries finite numbers only.
 */
import { z } from 'zod';
import type { Bounds2D, KnownPoint, LandscapeInfo, LandscapeSpec } from '../landscapes/Landscape';
import { LANDSCAPE_KINDS } from '../landscapes/createLandscape';
import { OPTIMIZER_KINDS, type OptimizerSpec } from '../optimizers/optimizerSpec';
import type { ScheduleSpec } from '../optimizers/schedules';
import { KNOB_NAMES, type KnobRanges, type RaceSettings, type ScoringRule, type StartRule } from '../race/RaceSettings';
import type { TrailSnapshot } from '../race/TrailSnapshot';
import type { NoteKind, PointClass, RacerResult, RacerStatus } from '../race/types';
import { COUNTDOWN_SECONDS_RANGE } from './constants';

const num = z.number();
const int = z.number().int();
const seed = z.union([num, z.string()]);

export const boundsSchema = z.object({ xMin: num, xMax: num, yMin: num, yMax: num }) satisfies z.ZodType<Bounds2D>;

/**
 * A landscape spec: a plain object whose `kind` is a known landscape. Its
 * fields are checked by `createLandscape` where the landscape is built (an MLP
 * spec carries its whole dataset; describing it twice would drift).
 */
export const landscapeSpecSchema = z.custom<LandscapeSpec>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    (LANDSCAPE_KINDS as readonly unknown[]).includes((v as { kind?: unknown }).kind),
  { message: `must be a landscape spec with a kind among ${LANDSCAPE_KINDS.join(', ')}` },
);

// ───────────────────────────── optimizer specs ─────────────────────────────

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('step'), stepSize: int, gamma: num }),
  z.object({ kind: z.literal('cosine'), tMax: int, etaMin: num }),
  z.object({ kind: z.literal('cosine-restarts'), t0: int, tMult: int, etaMin: num }),
  z.object({
    kind: z.literal('one-cycle'),
    maxLr: num,
    totalSteps: int,
    pctStart: num,
    divFactor: num,
    finalDivFactor: num,
    anneal: z.enum(['cos', 'linear']),
  }),
]) satisfies z.ZodType<ScheduleSpec>;

/** The knobs every optimizer kind carries (`KnobSpec`). */
const knobFields = {
  lr: num,
  weightDecay: num,
  noise: num,
  samRadius: num,
  samAdaptive: z.boolean(),
  clipNorm: num.nullable(),
  schedule: scheduleSchema.nullable(),
  batchSize: int.nullable(),
};

/** A normalised optimizer spec, as `parseOptimizerSpec` returns it (every field present). */
export const optimizerSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sgd'), ...knobFields, momentum: num, dampening: num, nesterov: z.boolean() }),
  z.object({ kind: z.literal('adam'), ...knobFields, betas: z.tuple([num, num]), eps: num, amsgrad: z.boolean() }),
  z.object({ kind: z.literal('adamw'), ...knobFields, betas: z.tuple([num, num]), eps: num, amsgrad: z.boolean() }),
  z.object({ kind: z.literal('rmsprop'), ...knobFields, alpha: num, eps: num, momentum: num, centered: z.boolean() }),
  z.object({ kind: z.literal('adagrad'), ...knobFields, lrDecay: num, initialAccumulatorValue: num, eps: num }),
  z.object({ kind: z.literal('newton'), ...knobFields, damping: num, levenbergMarquardt: z.boolean(), lineSearch: z.boolean() }),
  z.object({ kind: z.literal('lbfgs'), ...knobFields, historySize: int, lineSearch: z.enum(['strong-wolfe', 'none']) }),
]) satisfies z.ZodType<OptimizerSpec>;

// ───────────────────────────── settings ─────────────────────────────

const range = z.tuple([num, num]);

export const knobRangesSchema = z.object({
  lr: range,
  momentum: range,
  beta2: range,
  noise: range,
  samRadius: range,
  weightDecay: range,
  batchSize: range,
}) satisfies z.ZodType<KnobRanges>;

export const startRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('shared'), point: z.array(num) }),
  z.object({ kind: z.literal('random') }),
  z.object({ kind: z.literal('choose') }),
]) satisfies z.ZodType<StartRule>;

export const scoringRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('robust-loss'), radius: num, samples: int, decimals: int }),
  z.object({ kind: z.literal('lowest-loss'), decimals: int }),
  z.object({ kind: z.literal('time-to-target'), target: num, decimals: int }),
  z.object({ kind: z.literal('test-loss'), decimals: int }),
]) satisfies z.ZodType<ScoringRule>;

/** Race settings as `parseRaceSettings` returns them: every field filled in. */
export const raceSettingsSchema = z.object({
  landscape: landscapeSpecSchema,
  allowedOptimizers: z.array(z.enum(OPTIMIZER_KINDS)),
  knobRanges: knobRangesSchema,
  lockedKnobs: z.array(z.enum(KNOB_NAMES)),
  defaultOptimizer: optimizerSpecSchema,
  startRule: startRuleSchema,
  roundSeconds: num.nullable(),
  budget: int.nullable(),
  tickRate: int,
  stepsPerTick: int,
  scoring: scoringRuleSchema,
  lateJoin: z.boolean(),
  maxPlayers: int,
  seed,
}) satisfies z.ZodType<RaceSettings>;

/** What the room plays with: the race settings plus the countdown (`parseRoomSettings`). */
export const roomSettingsSchema = raceSettingsSchema.extend({
  countdownSeconds: num.min(COUNTDOWN_SECONDS_RANGE[0]).max(COUNTDOWN_SECONDS_RANGE[1]),
  /** The challenge this round runs (its id; `challengeRoomSettings`), or null. */
  challenge: z.string().max(80).nullable().default(null),
});
export type RoomSettings = z.infer<typeof roomSettingsSchema>;

// ───────────────────────────── landscape info ─────────────────────────────

const knownPointSchema = z.object({
  point: z.array(num),
  value: num,
  kind: z.enum(['global-minimum', 'local-minimum', 'saddle', 'maximum']),
  label: z.string().optional(),
  basin: z.enum(['flat', 'sharp']).optional(),
}) satisfies z.ZodType<KnownPoint>;

export const landscapeInfoSchema = z.object({
  kind: z.string(),
  title: z.string(),
  lesson: z.string(),
  bounds: boundsSchema,
  points: z.array(knownPointSchema),
  wideRange: z.boolean(),
  formula: z.string().optional(),
}) satisfies z.ZodType<LandscapeInfo>;

/** The room's `landscapeInfoJson`: the landscape's info plus its parameter count. */
export const roomLandscapeInfoSchema = landscapeInfoSchema.extend({ dim: int.min(1) });
export type RoomLandscapeInfo = z.infer<typeof roomLandscapeInfoSchema>;

// ───────────────────────────── trail snapshots ─────────────────────────────

export const trailSnapshotSchema = z.object({
  format: z.literal('trails-v1'),
  tick: int,
  box: boundsSchema,
  racers: z.array(z.object({ id: z.string(), joinTick: int, length: int, stride: int.min(1), data: z.string() })),
}) satisfies z.ZodType<TrailSnapshot>;

// ───────────────────────────── results ─────────────────────────────

const RACER_STATUSES = ['waiting', 'racing', 'diverged', 'finished', 'budget-spent'] as const satisfies readonly RacerStatus[];
const POINT_CLASSES = ['minimum', 'maximum', 'saddle', 'degenerate'] as const satisfies readonly PointClass[];
const NOTE_KINDS = [
  'diverged',
  'unbounded',
  'global-minimum',
  'local-minimum',
  'saddle',
  'maximum',
  'reached-target',
  'still-moving',
  'bouncing',
  'jittering',
  'minimum',
  'stopped',
  'not-started',
] as const satisfies readonly NoteKind[];

export const racerResultSchema = z.object({
  id: z.string(),
  rank: int.min(1),
  score: num.nullable(),
  settledSeconds: num.nullable(),
  status: z.enum(RACER_STATUSES),
  endPoint: z.array(num),
  drawnEndPoint: z.tuple([num, num]),
  finalLoss: num.nullable(),
  robustLoss: num.nullable(),
  lambdaMax: num.nullable(),
  eigenvalues: z.array(num),
  pointClass: z.enum(POINT_CLASSES).nullable(),
  basin: z.enum(['flat', 'sharp']).nullable(),
  gradientNorm: num.nullable(),
  gradientEvaluations: int,
  updates: int,
  joinTick: int,
  optimizer: optimizerSpecSchema,
  note: z.string(),
  noteKind: z.enum(NOTE_KINDS),
  advice: z.object({ change: z.record(z.string(), z.unknown()), score: num.nullable() }).nullable(),
}) satisfies z.ZodType<RacerResult>;

/** One ranked row: the race module's `RacerResult` plus the room's own columns. */
export const resultRowSchema = racerResultSchema.extend({
  name: z.string(),
  /** Knob changes this player made during the round. */
  knobChanges: int.min(0),
  /** In a challenge round: the row judged against the challenge's goal (`judgeClassRound`). */
  verdict: z
    .object({
      pass: z.boolean(),
      stars: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
      value: num.nullable(),
      valueText: z.string(),
      summary: z.string(),
    })
    .optional(),
});
export type ResultRow = z.infer<typeof resultRowSchema>;
