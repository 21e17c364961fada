import { SpecError, describeValue } from '../spec/SpecError';
import { Rng, type Seed } from '../random/Rng';
import type { Landscape } from '../landscapes/Landscape';
import { createOptimizer, scheduledLearningRate, type Optimizer, type OptimizerSpec } from './deps';
import {
  checkRacerOptimizer,
  checkStartPoint,
  parseSettingsWithLandscape,
  randomViewPoint,
  roundScore,
  type RaceSettings,
} from './RaceSettings';
import { encodeTrail, quantBox, quantize, type TrailSnapshot } from './TrailSnapshot';
import type { Bounds2D } from '../landscapes/Landscape';
import { computeResults, computeResultsStepwise, isAnalytic2D, scoreOf, type Rerun } from './results';
import {
  SETTLE_FRACTION,
  STOPPED_STATUSES,
  type RaceRecord,
  type RacerResult,
  type RacerStatus,
  type RacerView,
  type ResultInput,
  type Standing,
} from './types';

export interface AddRacerOptions {
  /** Optimizer spec JSON; defaults to the settings' `defaultOptimizer`. */
  optimizer?: unknown;
  /** Start point, only under the 'choose' start rule (else the rule decides). */
  start?: unknown;
  /** Defaults to the current tickCount; a later tick makes the racer wait. */
  joinTick?: number;
}

/** Internal per-racer state; `view` is what callers see. */
interface RacerState {
  view: {
    id: string;
    status: RacerStatus;
    position: Float64Array;
    drawn: Float64Array;
    loss: number;
    gradientEvaluations: number;
    updates: number;
    joinTick: number;
    optimizer: OptimizerSpec;
    finishUpdates: number | null;
  };
  order: number;
  optimizer: Optimizer;
  rng: Rng;
  /** The candidate iterate: θ is only overwritten once the step is known finite. */
  scratch: Float64Array;
  initialSpec: OptimizerSpec;
  start: number[];
  startLoss: number;
  /**
   * Drawn x, y per tick taken part in (index 0: the start), already on the
   * snapshot's 16-bit grid: 4 bytes a tick, 5.8 MB for 40 racers over 30 minutes at 20 Hz.
   */
  trail: Uint16Array;
  trailLength: number;
  /** Drawn distance moved during the racer's last tick. */
  lastMove: number;
  /**
   * Settling: the drawn point the racer has stayed within half the settle distance of
   * since trail index `anchorIndex` (reset whenever it strays further).
   */
  anchor: Float64Array;
  anchorIndex: number;
  /** The lowest loss at a tick's end so far, and the trail index where it came (the "still going downhill" test). */
  bestLoss: number;
  bestIndex: number;
  /** Update count at which the racer diverged (the step that was refused is this + 1). */
  divergedAfter: number | null;
  /** The learning rate of the refused step (the schedule applied), for the note. */
  divergedLr: number | null;
  /** Data-backed terrains: this tick's iterates and the evaluation count after each (see advanceCheckingLossPerTick). */
  iterates: Float64Array | null;
  iterateEvaluations: Float64Array | null;
}

const ID_MAX_LENGTH = 64;

/** How many events of each kind a copy of a record already holds (see `Race.recordTail`). */
export interface RecordCounts {
  racers: number;
  changes: number;
  removals: number;
}

/** The events of a record after some `RecordCounts`, and its tick now. */
export type RecordTail = Pick<RaceRecord, 'racers' | 'changes' | 'removals' | 'endTick'>;

/**
 * One round: N racers on one landscape, each stepped by its own optimizer from
 * its own seeded random stream. A round is a pure function of its settings,
 * its seed and the timed events (joins, retunes, removals), which `record()`
 * captures and `replayRace` re-runs bitwise.
 *
 * @example
 *   const race = new Race(parseRaceSettings({ landscape: 'himmelblau', roundSeconds: 30 }));
 *   race.addRacer('ada', { optimizer: { kind: 'adam', lr: 0.05 } });
 *   race.addRacer('bob', { optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.9 } });
 *   while (!race.isOver()) race.tick();
 *   race.results()[0].note;
 */
export class Race {
  readonly settings: RaceSettings;
  readonly seed: Seed;
  readonly landscape: Landscape;
  readonly dim: number;
  /** round(roundSeconds · tickRate), or null without a time limit. */
  readonly maxTicks: number | null;
  private _tickCount = 0;
  private readonly racersById = new Map<string, RacerState>();
  /** Order of every recorded event (joins, retunes, removals), so a replay applies them in the same order. */
  private seq = 0;
  private readonly root: Rng;
  /** Trails are kept quantised over this box (the view widened by half on every side). */
  private readonly trailBox: Bounds2D;
  /** Half the settle distance (SETTLE_FRACTION of the view's diagonal): straying further restarts the settling clock. */
  private readonly settleHalf: number;
  private joinCount = 0;
  /**
   * Evaluate the loss after every update (exact `simulate` semantics, and the
   * update at which a target is reached), or once per tick on data-backed
   * terrains where a full-data loss costs more than a minibatch step.
   */
  private readonly lossEveryUpdate: boolean;
  private readonly log: {
    racers: RaceRecord['racers'];
    changes: RaceRecord['changes'];
    removals: RaceRecord['removals'];
  } = { racers: [], changes: [], removals: [] };

  /** `settings` may be raw JSON or already parsed; it is validated either way. */
  constructor(settings: RaceSettings | unknown, seed?: Seed) {
    const parsed = parseSettingsWithLandscape(settings);
    this.settings = parsed.settings;
    this.landscape = parsed.landscape;
    this.dim = this.landscape.dim;
    if (seed !== undefined && !(typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed)))) {
      throw new SpecError('seed', `must be a finite number or a string, got ${describeValue(seed)}`);
    }
    this.seed = seed ?? this.settings.seed;
    this.root = new Rng(this.seed);
    this.trailBox = quantBox(this.landscape.info.bounds);
    const b = this.landscape.info.bounds;
    this.settleHalf = (SETTLE_FRACTION / 2) * Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);
    this.lossEveryUpdate = this.landscape.dataSize === undefined || this.settings.scoring.kind === 'time-to-target';
    const { roundSeconds, tickRate } = this.settings;
    this.maxTicks = roundSeconds === null ? null : Math.max(1, Math.round(roundSeconds * tickRate));
  }

  /** Number of `tick()` calls that advanced the race. */
  get tickCount(): number {
    return this._tickCount;
  }

  /**
   * Adds a racer. Throws `SpecError` for a bad optimizer spec, a start point
   * outside the rules, an id already racing, a full race, or a
   * late join when the settings forbid it.
   */
  addRacer(id: string, options: AddRacerOptions = {}): RacerView {
    this.checkNewId(id);
    const joinTick = options.joinTick ?? this._tickCount;
    if (typeof joinTick !== 'number' || !Number.isInteger(joinTick) || joinTick < this._tickCount) {
      throw new SpecError('joinTick', `must be an integer ≥ the current tick ${this._tickCount}, got ${describeValue(joinTick)}`);
    }
    if (joinTick > 0 && !this.settings.lateJoin)
      throw new SpecError('lateJoin', 'is off for this round: racers can only join before the first tick');
    if (this.racersById.size >= this.settings.maxPlayers) {
      throw new SpecError('maxPlayers', `the race is full (${this.settings.maxPlayers} racers)`);
    }
    const spec = checkRacerOptimizer(this.settings, options.optimizer ?? this.settings.defaultOptimizer, this.dim);
    const start = this.resolveStart(id, options.start);
    return this.join(id, spec, start, joinTick);
  }

  /**
   * Adds a racer with an already validated spec and a resolved start (replay).
   * @internal
   */
  join(id: string, spec: OptimizerSpec, start: number[], joinTick: number): RacerView {
    this.checkNewId(id);
    if (start.length !== this.dim) throw new SpecError('start', `must have ${this.dim} coordinates, got ${start.length}`);
    const optimizer = createOptimizer(spec, this.dim);
    const position = Float64Array.from(start);
    const drawn = new Float64Array(2);
    this.drawInto(position, drawn);
    const loss = this.landscape.value(position);
    if (!Number.isFinite(loss)) throw new SpecError('start', `the loss at the start point is not finite (${loss})`);
    const trail = new Uint16Array(64);
    const state: RacerState = {
      view: {
        id,
        status: joinTick <= this._tickCount ? 'racing' : 'waiting',
        position,
        drawn,
        loss,
        gradientEvaluations: 0,
        updates: 0,
        joinTick,
        optimizer: optimizer.spec,
        finishUpdates: null,
      },
      order: this.joinCount++,
      optimizer,
      rng: this.racerStream(id, 'steps'),
      scratch: new Float64Array(this.dim),
      initialSpec: optimizer.spec,
      start: Array.from(position),
      startLoss: loss,
      trail,
      trailLength: 0,
      lastMove: 0,
      anchor: Float64Array.from(drawn),
      anchorIndex: 0,
      bestLoss: loss,
      bestIndex: 0,
      divergedAfter: null,
      divergedLr: null,
      iterates: null,
      iterateEvaluations: null,
    };
    pushTrail(state, drawn, this.trailBox);
    this.racersById.set(id, state);
    this.log.racers.push({ seq: this.seq++, tick: this._tickCount, id, optimizer: state.initialSpec, start: state.start, joinTick });
    return state.view;
  }

  /**
   * Changes a racer's optimizer from the next tick. Validated like `addRacer`;
   * recorded as `{ tick, id, spec }`. The same kind keeps its state (momentum,
   * Adam moments, step count); another kind starts fresh.
   */
  retune(id: string, spec: unknown): OptimizerSpec {
    const r = this.mustGet(id);
    const normalised = checkRacerOptimizer(this.settings, spec, this.dim);
    r.optimizer.retune(normalised);
    // Optimizer.spec is frozen and replaced (not rewritten) by retune: it can be kept as it is.
    r.view.optimizer = r.optimizer.spec;
    this.log.changes.push({ seq: this.seq++, tick: this._tickCount, id, spec: r.optimizer.spec });
    return r.view.optimizer;
  }

  /**
   * Takes a racer out of the race (recorded). The id may join again later as
   * a fresh racer (same seeded stream, new optimizer state); whether a player
   * may come back is the server's policy.
   */
  removeRacer(id: string): void {
    this.mustGet(id);
    this.racersById.delete(id);
    this.log.removals.push({ seq: this.seq++, tick: this._tickCount, id });
  }

  racer(id: string): RacerView | undefined {
    return this.racersById.get(id)?.view;
  }

  /** Every racer still in the race, in join order. */
  racers(): RacerView[] {
    return [...this.racersById.values()].map((r) => r.view);
  }

  /** True once the time limit is reached. */
  isTimeUp(): boolean {
    return this.maxTicks !== null && this._tickCount >= this.maxTicks;
  }

  /** Time is up, or there are racers and every one of them has stopped. */
  isOver(): boolean {
    if (this.isTimeUp()) return true;
    if (this.racersById.size === 0) return false;
    for (const r of this.racersById.values()) if (!STOPPED_STATUSES.includes(r.view.status)) return false;
    return true;
  }

  /**
   * Advances every racing racer by `stepsPerTick` optimizer updates. Returns
   * false, changing nothing, once time is up.
   *
   * A step is taken on a scratch copy and kept only if every coordinate and
   * the loss are finite; otherwise the racer stops at its last finite point
   * with status 'diverged', exactly as `simulate` stops. (On data-backed
   * terrains the loss is evaluated once per tick and the tick's iterates
   * searched only when it is not finite: see `advanceCheckingLossPerTick`.) With a budget, a step
   * is only started if its cost fits (2 evaluations with SAM, else 1), so a
   * SAM racer gets half the updates of a plain one.
   */
  tick(): boolean {
    if (this.isTimeUp()) return false;
    const t = this._tickCount;
    for (const r of this.racersById.values()) {
      const v = r.view;
      if (v.status === 'waiting' && v.joinTick <= t) v.status = 'racing';
      if (v.status !== 'racing') continue;
      const x0 = v.drawn[0];
      const y0 = v.drawn[1];
      if (this.lossEveryUpdate) this.advanceCheckingEveryLoss(r);
      else this.advanceCheckingLossPerTick(r);
      this.drawInto(v.position, v.drawn);
      r.lastMove = Math.hypot(v.drawn[0] - x0, v.drawn[1] - y0);
      pushTrail(r, v.drawn, this.trailBox);
      // 2-D terrains stepped update by update were checked at every iterate (a 2-cycle hides at tick ends).
      if (!(this.lossEveryUpdate && this.dim === 2)) this.checkSettledInPlace(r, v.drawn[0], v.drawn[1], r.trailLength - 1);
      if (v.loss < r.bestLoss) {
        r.bestLoss = v.loss;
        r.bestIndex = r.trailLength - 1;
      }
    }
    this._tickCount += 1;
    return true;
  }

  /** Restarts the racer's settling clock at trail index `index` if (x, y) strays from its anchor. */
  private checkSettledInPlace(r: RacerState, x: number, y: number, index: number): void {
    if (!(Math.hypot(x - r.anchor[0], y - r.anchor[1]) <= this.settleHalf)) {
      r.anchor[0] = x;
      r.anchor[1] = y;
      r.anchorIndex = index;
    }
  }

  /** With a budget, whether the racer can pay for its next update; marks it 'budget-spent' if not. */
  private canAfford(r: RacerState): boolean {
    const budget = this.settings.budget;
    if (budget === null || r.view.gradientEvaluations + stepCost(r.view.optimizer, this.dim) <= budget) return true;
    r.view.status = 'budget-spent';
    return false;
  }

  private markDiverged(r: RacerState, scheduleStep: number): void {
    r.view.status = 'diverged';
    r.divergedAfter = r.view.updates;
    const h = r.optimizer.spec;
    r.divergedLr = scheduledLearningRate(h.schedule, h.lr, scheduleStep);
  }

  /** One tick of `stepsPerTick` updates, the loss evaluated after every one (as `simulate` does). */
  private advanceCheckingEveryLoss(r: RacerState): void {
    const { stepsPerTick, budget, scoring } = this.settings;
    const target = scoring.kind === 'time-to-target' ? scoring.target : null;
    const L = this.landscape;
    const v = r.view;
    const theta = v.position;
    const scratch = r.scratch;
    for (let s = 0; s < stepsPerTick; s++) {
      if (!this.canAfford(r)) return;
      scratch.set(theta);
      v.gradientEvaluations += r.optimizer.stepInPlace(scratch, L, r.rng).gradientEvaluations;
      const loss = allFinite(scratch) ? L.value(scratch) : NaN;
      if (!Number.isFinite(loss)) return this.markDiverged(r, r.optimizer.updates - 1);
      theta.set(scratch);
      v.loss = loss;
      v.updates += 1;
      if (this.dim === 2) this.checkSettledInPlace(r, theta[0], theta[1], r.trailLength);
      if (target !== null && loss <= target) {
        v.status = 'finished';
        v.finishUpdates = v.updates;
        return;
      }
      if (budget !== null && v.gradientEvaluations >= budget) {
        v.status = 'budget-spent';
        return;
      }
    }
  }

  /**
   * The same tick for data-backed terrains (MLP), where one full-data loss
   * costs several minibatch steps: coordinates are checked after every
   * update, the loss once at the end of the tick. Only if that loss is not
   * finite are the tick's iterates (kept in `r.iterates`) evaluated in order
   * to find the first bad one, so the racer still stops where `simulate`
   * would — unless a loss went non-finite and came back within one tick,
   * which an overflowing network does not do.
   */
  private advanceCheckingLossPerTick(r: RacerState): void {
    const { stepsPerTick, budget } = this.settings;
    const L = this.landscape;
    const v = r.view;
    const n = this.dim;
    if (!r.iterates) {
      r.iterates = new Float64Array(stepsPerTick * n);
      r.iterateEvaluations = new Float64Array(stepsPerTick);
    }
    const its = r.iterates;
    const evs = r.iterateEvaluations!;
    const scratch = r.scratch;
    const k0 = r.optimizer.updates;
    let m = 0; // iterates with finite coordinates
    let coordinatesFailed = false;
    scratch.set(v.position);
    for (let s = 0; s < stepsPerTick; s++) {
      if (!this.canAfford(r)) break;
      v.gradientEvaluations += r.optimizer.stepInPlace(scratch, L, r.rng).gradientEvaluations;
      evs[s] = v.gradientEvaluations;
      if (!allFinite(scratch)) {
        coordinatesFailed = true;
        break;
      }
      its.set(scratch, m * n);
      m += 1;
      if (budget !== null && v.gradientEvaluations >= budget) {
        v.status = 'budget-spent';
        break;
      }
    }
    if (m === 0) {
      if (coordinatesFailed) this.markDiverged(r, k0);
      return;
    }
    let accepted = m;
    let loss = L.value(its.subarray((m - 1) * n, m * n));
    if (!Number.isFinite(loss)) {
      // Find the first iterate of this tick whose loss is not finite.
      accepted = 0;
      loss = v.loss;
      for (let j = 0; j < m; j++) {
        const f = L.value(its.subarray(j * n, (j + 1) * n));
        if (!Number.isFinite(f)) break;
        accepted = j + 1;
        loss = f;
      }
    }
    if (accepted > 0) v.position.set(its.subarray((accepted - 1) * n, accepted * n));
    v.loss = loss;
    v.updates += accepted;
    if (accepted < m || coordinatesFailed) {
      // simulate counts the evaluations of the refused step too, and none after it.
      if (accepted < m) v.gradientEvaluations = evs[accepted];
      this.markDiverged(r, k0 + accepted);
    }
  }

  /**
   * A live leaderboard, cheap enough for every few ticks. `score` follows
   * the round's rule where that is cheap — robust loss on analytic terrains
   * (the same fixed perturbations as the results), time to target — and is
   * the current loss otherwise (MLP terrains, where robust and test loss cost
   * dozens of full-data passes; `scoredBy` says which), rounded to the rule's
   * decimals. Equal scores share a rank; diverged racers last. Final ranks
   * (with settling times as tie-breaks) come from `results()`.
   */
  standings(): Standing[] {
    const scoring = this.settings.scoring;
    const robust = scoring.kind === 'robust-loss' && this.landscape.dataSize === undefined;
    const timed = scoring.kind === 'time-to-target';
    const scoredBy: Standing['scoredBy'] = robust ? 'robust-loss' : timed ? 'time-to-target' : 'loss';
    const rows = [...this.racersById.values()].map((r) => {
      const v = r.view;
      const score = robust || timed ? scoreOf(this, v) : v.status === 'diverged' ? null : roundScore(v.loss, scoring);
      return { r, score };
    });
    // As in results(): scored racers by score, every racer without one level last (diverged listed last).
    const group = (x: { score: number | null }) => (x.score === null ? 1 : 0);
    const cmp = (a: (typeof rows)[number], b: (typeof rows)[number]) => group(a) - group(b) || (group(a) === 0 ? a.score! - b.score! : 0);
    const diverged = (x: (typeof rows)[number]) => (x.r.view.status === 'diverged' ? 1 : 0);
    rows.sort((a, b) => cmp(a, b) || diverged(a) - diverged(b) || a.r.view.loss - b.r.view.loss || a.r.order - b.r.order);
    const out: Standing[] = [];
    rows.forEach((x, i) => {
      const rank = i > 0 && cmp(rows[i - 1], x) === 0 ? out[i - 1].rank : i + 1;
      out.push({ id: x.r.view.id, rank, score: x.score, scoredBy, loss: x.r.view.loss, status: x.r.view.status });
    });
    return out;
  }

  /** Every racer's drawn trail so far, compact (see `TrailSnapshot`). */
  trailSnapshot(options: { maxPoints?: number } = {}): TrailSnapshot {
    const maxPoints = Math.max(2, Math.floor(options.maxPoints ?? 512));
    return {
      format: 'trails-v1',
      tick: this._tickCount,
      box: { ...this.trailBox },
      racers: [...this.racersById.values()].map((r) => encodeTrail(r.view.id, r.view.joinTick, r.trail, r.trailLength, maxPoints)),
    };
  }

  /** Ranked results with robust loss, curvature and a "what happened" note per racer. */
  results(): RacerResult[] {
    return computeResults(this, this.resultInputs(), this.rerunner());
  }

  /**
   * `results()` in slices: each `next()` analyses one racer or writes one
   * racer's note (re-running it when advice is to be checked) and yields how
   * many of those 2·n steps are done; the generator returns the ranked
   * results. Lets a server keep ticking other rooms meanwhile.
   *
   * @example
   *   const steps = race.resultsStepwise();
   *   let r = steps.next();
   *   while (!r.done) { await new Promise((ok) => setImmediate(ok)); r = steps.next(); }
   *   const results = r.value;
   */
  resultsStepwise(): Generator<number, RacerResult[], void> {
    return computeResultsStepwise(this, this.resultInputs(), this.rerunner());
  }

  /**
   * Re-runs behind the notes' advice, on terrains cheap enough (2-D analytic
   * ones: a whole round of one racer takes about a millisecond).
   */
  private rerunner(): Rerun | undefined {
    return isAnalytic2D(this.landscape) ? (input, change) => this.rerunWith(input.view.id, change) : undefined;
  }

  /**
   * The racer `id` as it would have run with `change` applied to its optimizer
   * spec and every retune: same start, join tick, retune ticks and random
   * stream, same rules, as many ticks as this race has had. Null when the
   * changed spec is outside the host's rules.
   */
  rerunWith(id: string, change: Record<string, unknown>): { score: number | null; diverged: boolean } | null {
    const joins = this.log.racers.filter((j) => j.id === id);
    const join = joins[joins.length - 1];
    if (!join || !this.racersById.has(id)) return null;
    const changes = this.log.changes.filter((c) => c.id === id && c.seq > join.seq);
    const apply = (spec: OptimizerSpec) => ({ ...(spec as unknown as Record<string, unknown>), ...change });
    const twin = new Race(this.settings, this.seed);
    try {
      twin.join(id, checkRacerOptimizer(this.settings, apply(join.optimizer), this.dim), join.start, join.joinTick);
      let next = 0;
      for (let t = 0; t < this._tickCount; t++) {
        while (next < changes.length && changes[next].tick <= t) twin.retune(id, apply(changes[next++].spec));
        twin.tick();
      }
    } catch (e) {
      if (e instanceof SpecError) return null;
      throw e;
    }
    const v = twin.racer(id)!;
    return { score: scoreOf(twin, v), diverged: v.status === 'diverged' };
  }

  private resultInputs(): ResultInput[] {
    return [...this.racersById.values()].map((r) => ({
      view: r.view,
      order: r.order,
      lastMove: r.lastMove,
      divergedAfter: r.divergedAfter,
      divergedLr: r.divergedLr,
      start: r.start,
      startLoss: r.startLoss,
      ticksRun: r.trailLength - 1,
      settledTick: this.settledIndex(r),
      improvedRecently: r.trailLength - 1 - r.bestIndex < finalStretch(r.trailLength - 1),
      bestLoss: r.bestLoss,
      bestTick: r.bestIndex,
    }));
  }

  /**
   * The trail index from which the racer has stayed put (within half the settle
   * distance of where it was then), if it did so for the final stretch of its
   * ticks (at least 2, and 5 % of them); else null: still moving.
   */
  private settledIndex(r: RacerState): number | null {
    const ticks = r.trailLength - 1;
    if (ticks <= 0) return null;
    return ticks - r.anchorIndex >= finalStretch(ticks) ? r.anchorIndex : null;
  }

  /** The round as plain JSON: enough for `replayRace` to reproduce it bitwise. */
  record(): RaceRecord {
    return JSON.parse(
      JSON.stringify({
        format: 'gradient-rally/race-record',
        version: 1,
        settings: this.settings,
        seed: this.seed,
        racers: this.log.racers,
        changes: this.log.changes,
        removals: this.log.removals,
        endTick: this._tickCount,
      }),
    ) as RaceRecord;
  }

  /**
   * The events recorded after the first `from.racers` joins, `from.changes`
   * knob changes and `from.removals` removals, as plain JSON, and the tick
   * now: what a checkpoint appends to the part of `record()` it already
   * holds, without copying the whole record each time.
   */
  recordTail(from: RecordCounts): RecordTail {
    return JSON.parse(
      JSON.stringify({
        racers: this.log.racers.slice(from.racers),
        changes: this.log.changes.slice(from.changes),
        removals: this.log.removals.slice(from.removals),
        endTick: this._tickCount,
      }),
    ) as RecordTail;
  }

  // ───────────────────────── internals ─────────────────────────

  /** A racer's own stream, forked from the race seed and its id (and a purpose label). */
  private racerStream(id: string, purpose: string): Rng {
    return this.root.fork(`racer:${id}`).fork(purpose);
  }

  private drawInto(theta: Float64Array, out: Float64Array): void {
    if (this.dim === 2) {
      out[0] = theta[0];
      out[1] = theta[1];
    } else if (this.landscape.projectInto) {
      this.landscape.projectInto(theta, out);
    } else {
      out[0] = theta[0];
      out[1] = theta[1];
    }
  }

  private toParameters(p: number[]): number[] {
    if (p.length === this.dim) return p;
    if (this.dim > 2 && p.length === 2 && this.landscape.liftInto) {
      const out = new Float64Array(this.dim);
      this.landscape.liftInto(p[0], p[1], out);
      return Array.from(out);
    }
    throw new SpecError('start', `must have ${this.dim} coordinates, got ${p.length}`);
  }

  private resolveStart(id: string, start: unknown): number[] {
    const rule = this.settings.startRule;
    if (start !== undefined && start !== null) {
      if (rule.kind !== 'choose')
        throw new SpecError('start', `cannot be chosen under the '${rule.kind}' start rule (only 'choose' lets players pick)`);
      return this.toParameters(checkStartPoint(start, 'start', this.landscape));
    }
    if (rule.kind === 'shared') return this.toParameters(rule.point);
    // 'random', and 'choose' when the player did not click: seeded by race seed and id.
    return this.toParameters(randomViewPoint(this.landscape.info.bounds, this.racerStream(id, 'start')));
  }

  private checkNewId(id: string): void {
    if (typeof id !== 'string' || id.length === 0 || id.length > ID_MAX_LENGTH) {
      throw new SpecError('id', `must be a string of 1 to ${ID_MAX_LENGTH} characters, got ${describeValue(id)}`);
    }
    if (this.racersById.has(id)) throw new SpecError('id', `'${id}' is already racing`);
  }

  private mustGet(id: string): RacerState {
    const r = this.racersById.get(id);
    if (!r) throw new SpecError('id', `no racer '${String(id).slice(0, ID_MAX_LENGTH)}' in this race`);
    return r;
  }
}

/**
 * Gradient evaluations one update is expected to cost: SAM needs a second
 * one, damped Newton `dim` more for its Hessian. (L-BFGS line-search trials
 * are not known in advance: its last update may overshoot the budget.)
 */
export function stepCost(spec: OptimizerSpec, dim: number): number {
  return (spec.samRadius > 0 ? 2 : 1) + (spec.kind === 'newton' ? dim : 0);
}

/** The final stretch of a racer's ticks that "at rest" and "still going lower" look at: 5 %, at least 2. */
function finalStretch(ticks: number): number {
  return Math.max(2, Math.ceil(0.05 * ticks));
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

function pushTrail(r: RacerState, drawn: Float64Array, box: Bounds2D): void {
  const need = 2 * (r.trailLength + 1);
  if (need > r.trail.length) {
    const bigger = new Uint16Array(Math.max(need, 2 * r.trail.length));
    bigger.set(r.trail);
    r.trail = bigger;
  }
  r.trail[2 * r.trailLength] = quantize(drawn[0], box.xMin, box.xMax);
  r.trail[2 * r.trailLength + 1] = quantize(drawn[1], box.yMin, box.yMax);
  r.trailLength += 1;
}
