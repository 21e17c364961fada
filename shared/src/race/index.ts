/**
 * Races: N racers on one landscape, stepped at a fixed rate from seeded
 * streams. A round is a pure function of its settings, its seed and the
 * players' timed knob changes, so replays, ghosts and server/client agreement
 * all follow from that. The server (classroom rooms) and the browser (solo
 * mode) both step races with this module.
 *
 * ## API (stable; the server and client code against it)
 *
 * Settings — plain JSON in, validated once, defaults filled in:
 *   parseRaceSettings(json: unknown, path = 'settings'): RaceSettings   // throws SpecError naming field + range
 *   parseSettingsWithLandscape(json, path?, built?): { settings, landscape } // the same, plus the Landscape it built (or `built`, not rebuilt)
 *   KNOB_NAMES: readonly KnobName[]        // 'lr' | 'momentum' | 'beta2' | 'noise' | 'samRadius' | 'weightDecay' | 'batchSize' | 'schedule'
 *   KNOB_HARD_LIMITS: Record<NumericKnob, [min, max]>   // the widest range a host may allow
 *   DEFAULT_KNOB_RANGES: KnobRanges
 *   RaceSettings = {
 *     landscape: LandscapeSpec (normalised by createLandscape),
 *     allowedOptimizers: OptimizerKind[],            // default: every kind
 *     knobRanges: { lr, momentum, beta2, noise, samRadius, weightDecay, batchSize: [min, max] },
 *                                                    // momentum = sgd/rmsprop momentum or Adam β1; beta2 = Adam β2 or
 *                                                    // rmsprop alpha; 0 (off) is always allowed for momentum, noise,
 *                                                    // samRadius, weightDecay; a schedule's maxLr/etaMin ≤ lr max
 *     lockedKnobs: KnobName[],                       // players cannot change these: the defaultOptimizer's value applies
 *     defaultOptimizer: OptimizerSpec (normalised),  // default { kind: 'sgd', lr: 0.01 } (or the first allowed kind)
 *     startRule: { kind: 'shared', point: number[] } | { kind: 'random' } | { kind: 'choose' },
 *     roundSeconds: number | null,                   // 5..1800; at least one of roundSeconds / budget
 *     budget: number | null,                         // gradient evaluations per racer (SAM costs 2 per step)
 *     tickRate: number,                              // Hz, 1..60, default 20
 *     stepsPerTick: number,                          // optimizer updates per tick, 1..50
 *     scoring: { kind: 'robust-loss', radius, samples, decimals } | { kind: 'lowest-loss', decimals }
 *            | { kind: 'time-to-target', target, decimals } | { kind: 'test-loss', decimals },
 *            // lower score is better; scores are rounded to `decimals` (default 3; 2 for time-to-target,
 *            // whose score is seconds): what the table shows is what ranks compare
 *     lateJoin: boolean, maxPlayers: number (1..100), seed: number | string,
 *   }
 *   checkRacerOptimizer(settings, spec: unknown, dim, path = 'optimizer'): OptimizerSpec
 *       // the same check addRacer / retune apply: allowed kind, knobs in range, locked knobs unchanged
 *   roundUpdates(settings, evaluationsPerUpdate = 1): number   // updates in a whole round (what schedules are sized to)
 *   presetSettingsPatch({ spec, preset }, { allowedOptimizers? }): settings JSON   // what picking a terrain applies
 *
 * Knobs (knobs.ts; the client's panels and the checks above read the same table):
 *   KNOBS[name]: { label, kindLabels, unit, scale, step, offAtZero, dataOnly }   OPTIMIZER_LABELS[kind]
 *   knobSlot(kind, knob): { field, index? } | null     knobApplies(kind, knob)     knobLabel(kind, knob)
 *   knobsToOptimizerSpec(values, { dataBacked?, totalUpdates? }) / optimizerSpecToKnobs(spec)   // KnobValues ⇄ spec
 *   knobsForKind(values, kind)   clampKnob(ranges, knob, x)   scheduleForChoice(choice, totalUpdates, lr?)
 *       // choices: none, step, cosine, restarts (RESTART_CYCLES cosine cycles), one-cycle (peaks at lr)
 *   describeOptimizer(spec): "SGD, lr 0.01, momentum 0.9"
 *   scoringRuleName(rule), formatScore(rule, score), scoringExplanation(settings)   (scoringText.ts)
 *
 * The race:
 *   new Race(settings: RaceSettings | unknown (raw JSON is parsed), seed = settings.seed)
 *   race.landscape: Landscape            race.settings: RaceSettings        race.dim: number
 *   race.tickCount: number               // tick() calls so far
 *   race.maxTicks: number | null         // round(roundSeconds · tickRate), null without a time limit
 *   race.addRacer(id: string, { optimizer?: unknown, start?: number[], joinTick?: number }): RacerView
 *       // optimizer defaults to settings.defaultOptimizer; start only under startRule 'choose'
 *       // (a point of the view plane, or of ℝ^dim); otherwise by the start rule; joinTick defaults
 *       // to tickCount (the racer moves from the next tick). Throws SpecError on bad input, an id
 *       // already racing, a full race, or a late join when lateJoin is off. (A removed id may join
 *       // again as a fresh racer; refusing kicked players is the server's policy.)
 *   race.retune(id, spec: unknown): OptimizerSpec   // validated like addRacer; recorded as {tick, id, spec};
 *       // applies from the next tick; same kind keeps the optimizer state
 *   race.removeRacer(id): void           // recorded; the racer leaves racers(), results and snapshots
 *   race.tick(): boolean                 // stepsPerTick updates for every racing racer; false (no-op) once time is up
 *   race.isOver(): boolean               // time is up, or every racer has stopped (diverged / finished / budget-spent)
 *   race.racer(id): RacerView | undefined    race.racers(): RacerView[]   (join order, removed ones left out)
 *   RacerView (read-only, live — copy what you keep) = {
 *     id, status: 'waiting' | 'racing' | 'diverged' | 'finished' | 'budget-spent',
 *     position: Float64Array (dim), drawn: Float64Array (2; projectInto when dim > 2),
 *     loss, gradientEvaluations, updates, joinTick, optimizer: OptimizerSpec,
 *     finishUpdates: number | null     // updates taken when the target was first reached (time-to-target)
 *   }
 *   race.standings(): { id, rank, score: number | null, scoredBy: 'robust-loss' | 'time-to-target' | 'loss', loss, status }[]
 *       // live leaderboard: the round's rule where cheap (robust loss on analytic terrains, ~0.2 ms for 40
 *       // racers; time to target), the current loss on MLP terrains, rounded like final scores; equal scores
 *       // share a rank; racers without a score level last (diverged listed last). Final ranks: results()
 *   race.trailSnapshot({ maxPoints = 512 }?): TrailSnapshot   // all racers' drawn trails, one point per
 *       // tick (every stride-th kept, plus the last), 16-bit over quantBox(view bounds) = the view widened
 *       // by half on each side, delta-varint, base64: ~50 KB for 40 racers; send once to a late joiner
 *   decodeTrailSnapshot(s: TrailSnapshot): { id, joinTick, ticks: number[], points: Float32Array (x0, y0, x1, y1, …) }[]
 *   quantize(v, lo, hi): 0..QUANT_MAX   dequantize(q, lo, hi)   quantBox(bounds)
 *       // the protocol's one quantiser: trail snapshots and the room's synchronised positions
 *
 * Results and replay:
 *   race.results(): RacerResult[]        // sorted by rank
 *   race.resultsStepwise(): Generator<number, RacerResult[]>   // the same in 2·n slices: one racer's analysis,
 *       // then one racer's note (with its advice re-runs), per next(); yields the count done, returns the results
 *   RacerResult = { id, rank, score: number | null (rounded to the rule's decimals), settledSeconds: number | null,
 *     status, endPoint: number[], drawnEndPoint: [x, y], finalLoss, robustLoss, lambdaMax (number | null; null = not
 *     finite), eigenvalues: number[] (ascending; 2-D: both; dim > 2: [λ_min, λ_max] by Lanczos), pointClass:
 *     'minimum' | 'maximum' | 'saddle' | 'degenerate' | null (the "Class" column: only for a racer at rest at a
 *     critical point; it always agrees with the note), basin: 'flat' | 'sharp' | null (typed, from KnownPoint.basin),
 *     gradientNorm, gradientEvaluations, updates, joinTick, optimizer: OptimizerSpec, note: string,
 *     noteKind: 'diverged' | 'unbounded' | 'global-minimum' | 'local-minimum' | 'saddle' | 'maximum' | 'reached-target'
 *     | 'still-moving' | 'bouncing' | 'jittering' | 'minimum' | 'stopped' | 'not-started',
 *     advice: { change: {…optimizer fields}, score } | null }
 *   settledSeconds: seconds after joining from which the racer stayed within SETTLE_FRACTION (0.2 %) of the view's
 *     diagonal of where it came to rest, when it did so for the final 5 % of its ticks; null = still moving.
 *   Ranks ("1, 1, 3"): scored racers by score, equal scores by settledSeconds (sooner wins; never settled last;
 *   not under time-to-target), then every racer without a score level on the last rank; rows sharing a rank are
 *   listed by final loss (diverged last), then join order. Plain JSON: no NaN or Infinity.
 *   Notes say what happened from numbers at the end point; one suggests a change only when race.rerunWith(id, change)
 *   (same start, join, retunes, random stream and length; 2-D analytic terrains only) scored better, and quotes it.
 *   formatScore(rule, score) / formatSettledSeconds(s) (scoringText.ts): the table's texts ("0.545", "14.20 s",
 *   "3.2 s", "moving"); scoringExplanation(settings): the sentences under it. scoreOf(race, view): a live racer's score.
 *   Robust loss uses one perturbation set for everyone (seed `robust:<race seed>`); under other scoring
 *   rules it is still reported, with radius defaultRobustRadius(bounds) and 64 samples.
 *   race.record(): RaceRecord            // plain JSON: settings, seed, racers [{seq, tick, id, optimizer, start, joinTick}],
 *                                        // changes [{seq, tick, id, spec}], removals [{seq, tick, id}], endTick
 *                                        // (seq: the order the race saw the events in)
 *   race.recordTail({ racers, changes, removals }) // the events after those counts, and endTick: what a checkpoint appends
 *   parseRaceRecord(json: unknown): RaceRecord       // validates a stored record (SpecError)
 *   replayRace(record: RaceRecord | unknown): { race: Race, positions: Record<id, number[]>, results: RacerResult[] }
 *   resumeRace(record): Race                         // replayRace without the results (a checkpoint to go on from)
 *   resumeRaceStepwise(record): Generator<tick, Race> // the same a tick per next(), so a server can pause between slices
 *       // bitwise the same final positions as the live run
 *
 * Compute cost (cost.ts; for a server's admission and settings checks, issue 12):
 *   estimateRoomCost(settings: RaceSettings | unknown, players, { assume?: 'worst' | 'default', racers?: OptimizerSpec[],
 *       standingsPerSecond? = 1 }?): RoomCost
 *       // { msPerSecond (ms of one core per second of race), tickMs (longest tick), resultsMs, resultsMsPerRacer,
 *       //   parts: { id, label, msPerSecond }[] largest first, updateMs, assumed: the optimizer priced, terrain: words }
 *       // 'worst' (default): every unknown racer at the costliest optimizer the rules allow; racers: known specs
 *   checkRoomCost(settings, players, budget: ComputeBudget, options?, path = 'settings'): RoomCost
 *       // throws SpecError at the setting to lower first, e.g. settings.allowedOptimizers: "this round would need
 *       // ~1992 ms of computing per second for 1 player, 89 % of it for Newton's eigen-decomposition …; the limit is 150 ms: …"
 *   roomCostRefusal(cost, budget): { field, message } | null
 *   assumedFrom(spec): AssumedOptimizer  // what the model reads of a spec: equal values cost the same
 *   SUGGESTED_ROOM_BUDGET = { msPerSecond: 150, tickMs: 25, resultsMsPerRacer: 100 }; SUGGESTED_PROCESS_MS_PER_SECOND = 600
 *   COST_CONSTANTS: the measured µs behind it (npm run bench -- cost: predicted vs measured rooms; --calibrate)
 *
 * Event timing: an event "at tick t" (join, retune, removal) happened while
 * `tickCount === t`, i.e. before the (t+1)-th `tick()`; replay applies the
 * events in `seq` order, ticking in between as their ticks require.
 *
 * Status of a racer over a round: 'waiting' (joinTick in the future) →
 * 'racing' → one of 'diverged' (a step produced a non-finite coordinate or
 * loss: it stays at its last finite point, as `simulate` stops), 'finished'
 * (time-to-target reached), 'budget-spent' (the next step would exceed the
 * budget). Still 'racing' when time runs out.
 */
export {
  parseRaceSettings,
  parseSettingsWithLandscape,
  checkRacerOptimizer,
  checkStartPoint,
  defaultRobustRadius,
  hasTestLoss,
  roundUpdates,
  ROUND_DEFAULTS,
  defaultOptimizerFor,
  knobSlot,
  KNOB_NAMES,
  NUMERIC_KNOBS,
  KNOB_HARD_LIMITS,
  DEFAULT_KNOB_RANGES,
  SCORING_KINDS,
  START_RULE_KINDS,
  SETTINGS_FIELDS,
  ROUND_SECONDS_RANGE,
  BUDGET_RANGE,
  TICK_RATE_RANGE,
  STEPS_PER_TICK_RANGE,
  MAX_PLAYERS_RANGE,
  ROBUST_SAMPLES_RANGE,
  SCORE_DECIMALS_RANGE,
  roundScore,
  roundSettledSeconds,
  type RaceSettings,
  type KnobName,
  type NumericKnob,
  type KnobRange,
  type KnobRanges,
  type StartRule,
  type ScoringRule,
} from './RaceSettings';
export {
  KNOBS,
  knobApplies,
  nesterovApplies,
  knobLabel,
  knobDefault,
  knobsForKind,
  clampKnob,
  knobsToOptimizerSpec,
  optimizerSpecToKnobs,
  DEFAULT_KNOBS,
  OPTIMIZER_LABELS,
  SCHEDULE_CHOICES,
  SCHEDULE_LABELS,
  scheduleForChoice,
  scheduleChoiceOf,
  RESTART_CYCLES,
  describeOptimizer,
  type KnobDefinition,
  type KnobSlot,
  type KnobValues,
  type ScheduleChoice,
} from './knobs';
export { presetSettingsPatch } from './presetSettings';
export {
  scoringRuleName,
  formatScore,
  formatSettledSeconds,
  resultClassText,
  scoringExplanation,
  SCORING_CHOICE_LABELS,
} from './scoringText';
export { Race, stepCost, type AddRacerOptions, type RecordCounts, type RecordTail } from './Race';
export {
  STOPPED_STATUSES,
  type RacerView,
  type RacerStatus,
  type Standing,
  type RacerResult,
  type NoteKind,
  type PointClass,
  type RaceRecord,
  type Advice,
  SETTLE_FRACTION,
} from './types';
export { formatNumber } from './deps';
export { scoreOf, drainToKnownMinimum } from './results';
export { replayRace, resumeRace, resumeRaceStepwise, parseRaceRecord, type ReplayOutcome } from './RaceRecord';
export {
  decodeTrailSnapshot,
  quantBox,
  quantize,
  dequantize,
  QUANT_MAX,
  type TrailSnapshot,
  type TrailSnapshotRacer,
  type DecodedTrail,
} from './TrailSnapshot';
export {
  estimateRoomCost,
  checkRoomCost,
  roomCostRefusal,
  assumedFrom,
  COST_CONSTANTS,
  SUGGESTED_ROOM_BUDGET,
  SUGGESTED_PROCESS_MS_PER_SECOND,
  type RoomCost,
  type RoomCostOptions,
  type CostPart,
  type CostPartId,
  type ComputeBudget,
  type AssumedOptimizer,
  type LandscapeShape,
} from './cost';
