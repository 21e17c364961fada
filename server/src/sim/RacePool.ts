import { Worker } from 'node:worker_threads';
import type {
  LandscapeShape,
  OptimizerSpec,
  RaceRecord,
  RaceSettings,
  RecordCounts,
  RecordTail,
  RoomSettings,
  Seed,
  TrailSnapshot,
} from '@gradient-rally/shared';
import type { Logger } from '../logger';
import type { RaceFrame, RaceRunner, RaceRunnerFactory, ScoredResult, ScoringJob } from '../room/RaceRunner';
import { BUSY_COUNT, BUSY_RACE, BUSY_SLOTS, type WorkerCommand, type WorkerReport } from './racePoolProtocol';

export interface RacePoolOptions {
  /** Worker threads (at least 1). */
  size: number;
  logger: Logger;
  /**
   * A worker that spends this long on one piece of work (a tick, a slice of
   * results) is stopped: the race that held it fails, the worker's other
   * races go on in a fresh worker from their records.
   */
  watchdogMs?: number;
  /** Heap limit of a worker (MB): a race that would exhaust memory fails instead of the process. */
  maxHeapMb?: number;
}

/** Room settings parsed in a worker, or why not; `ms` is the worker time it took. */
export type SettingsCheck = {
  ms: number;
  result: { ok: true; settings: RoomSettings; landscape: LandscapeShape } | { ok: false; path: string; message: string };
};

/** Ticks a room may have asked for and not yet seen answered; more are dropped (that room's race slows down, no other). */
const MAX_TICKS_IN_FLIGHT = 4;
/** A race whose worker was lost this many times fails instead of being resumed again. */
const MAX_RESUMES = 2;
const WORKER_URL = new URL('./raceWorker.ts', import.meta.url).href;

/**
 * Heavy races (networks, Newton) stepped in `worker_threads`, so that one
 * room's simulation never holds up the event loop that ticks every other
 * room and serves every socket. A `RaceRunnerFactory`: `start` and `resume`
 * place the race on the worker with the fewest races; the runner posts every
 * command in call order and answers with the newest frame the worker sent.
 *
 * Why not piscina: its tasks are stateless and go to any free thread, while
 * a race is a long-lived object that must stay on one thread and see its
 * commands in order; what is needed here is that placement, backpressure
 * and a watchdog, which fit in this file.
 *
 * @example
 *   const pool = new RacePool({ size: 1, logger });
 *   await pool.ready();
 *   const runner = pool.start(settings, seed); // a RaceRunner
 *   await pool.close();
 */
export class RacePool implements RaceRunnerFactory {
  private readonly slots: PoolWorker[] = [];
  private readonly watchdog: ReturnType<typeof setInterval>;
  private nextRace = 1;
  private nextAsk = 1;
  private closed = false;

  constructor(readonly options: RacePoolOptions) {
    if (!(Number.isInteger(options.size) && options.size >= 1)) throw new Error(`pool size must be an integer ≥ 1, got ${options.size}`);
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn(i));
    const limit = options.watchdogMs ?? 5_000;
    this.watchdog = setInterval(() => this.checkWorkers(limit), Math.min(500, limit / 4));
    this.watchdog.unref();
  }

  /** Resolves once every worker has loaded (a worker that cannot load rejects). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.loaded));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Races per worker (for diagnostics and tests). */
  get load(): number[] {
    return this.slots.map((s) => s.runners.size);
  }

  start(settings: RaceSettings, seed: Seed): RaceRunner {
    return this.place((race) => new WorkerRaceRunner(race, { settings, seed }));
  }

  resume(record: RaceRecord): RaceRunner {
    return this.place((race) => new WorkerRaceRunner(race, { record }));
  }

  /**
   * Parses room settings in a worker (a network's landscape is built there,
   * its center trained: up to seconds, which the event loop must not wait
   * through). A check that holds its worker past the watchdog fails with
   * words to use a smaller network.
   */
  checkSettings(input: Record<string, unknown>): Promise<SettingsCheck> {
    const slot = this.slots.reduce((best, s) => (s.checks.size < best.checks.size ? s : best));
    const ask = this.nextAsk++;
    return new Promise((ok, no) => {
      slot.checks.set(ask, { ok, no });
      slot.worker.postMessage({ op: 'settings', race: 0, ask, input } satisfies WorkerCommand);
    });
  }

  /** Stops every worker (their races are gone: call after the rooms are disposed). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private place(make: (race: number) => WorkerRaceRunner): WorkerRaceRunner {
    const slot = this.slots.reduce((best, s) => (s.runners.size < best.runners.size ? s : best));
    const runner = make(this.nextRace++);
    runner.attach(slot);
    return runner;
  }

  private spawn(index: number): PoolWorker {
    const busy = new SharedArrayBuffer(BUSY_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    // A worker does not inherit tsx's loader (Node 20 applies `--import` hooks after a worker's
    // entry is resolved), so it boots from plain JS that registers tsx, then imports the worker.
    const api = import.meta.resolve('tsx/esm/api');
    const boot = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(WORKER_URL)});`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
      workerData: { busy },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 1024 },
    });
    let loaded!: () => void;
    let failedToLoad!: (e: Error) => void;
    const slot: PoolWorker = {
      index,
      worker,
      busy: new Int32Array(busy),
      runners: new Map(),
      checks: new Map(),
      loaded: new Promise<void>((ok, no) => {
        loaded = ok;
        failedToLoad = no;
      }),
      seen: { count: -1, since: performance.now() },
      lost: false,
    };
    slot.loaded.catch(() => undefined); // also reported through `ready()`
    worker.on('message', (report: WorkerReport) => {
      if (report.op === 'hello') return loaded();
      if (report.op === 'settings') {
        const check = slot.checks.get(report.ask);
        slot.checks.delete(report.ask);
        check?.ok({ ms: report.ms, result: report.result });
        return;
      }
      slot.runners.get(report.race)?.receive(report);
    });
    worker.on('error', (err) => {
      failedToLoad(err);
      this.lose(slot, `the simulation worker failed: ${err.message}`);
    });
    worker.on('exit', (code) => this.lose(slot, `the simulation worker stopped (exit code ${code})`));
    return slot;
  }

  /** A worker stuck on one piece of work for `limit` ms is stopped; the race it was on fails. */
  private checkWorkers(limit: number): void {
    const now = performance.now();
    for (const slot of this.slots) {
      const race = Atomics.load(slot.busy, BUSY_RACE);
      const count = Atomics.load(slot.busy, BUSY_COUNT);
      if (race === 0 || count !== slot.seen.count) {
        slot.seen = { count, since: now };
        continue;
      }
      if (now - slot.seen.since < limit) continue;
      const culprit = slot.runners.get(race);
      this.options.logger.warn(
        { event: 'race-worker-stuck', worker: slot.index, race, ms: Math.round(now - slot.seen.since) },
        'a race held its simulation worker too long: stopping that race',
      );
      culprit?.fail(
        `this round needed more computing than the server allows (over ${Math.round(limit / 1000)} s for one step): it was stopped`,
      );
      void slot.worker.terminate();
    }
  }

  /** A worker is gone: a fresh one takes its place and resumes its races from their records. */
  private lose(slot: PoolWorker, why: string): void {
    if (slot.lost) return;
    slot.lost = true;
    if (this.closed) return;
    const culprit = slot.runners.get(Atomics.load(slot.busy, BUSY_RACE));
    this.options.logger.error({ event: 'race-worker-lost', worker: slot.index, races: slot.runners.size }, why);
    const fresh = this.spawn(slot.index);
    this.slots[this.slots.indexOf(slot)] = fresh;
    for (const runner of slot.runners.values()) {
      if (runner === culprit && !runner.failure) runner.fail(`${why} while computing this round`);
      if (!runner.failure) runner.moveTo(fresh);
    }
    slot.runners.clear();
    for (const check of slot.checks.values()) check.no(new Error(why));
    slot.checks.clear();
  }
}

interface PoolWorker {
  index: number;
  worker: Worker;
  busy: Int32Array;
  runners: Map<number, WorkerRaceRunner>;
  checks: Map<number, { ok: (c: SettingsCheck) => void; no: (e: Error) => void }>;
  loaded: Promise<void>;
  seen: { count: number; since: number };
  lost: boolean;
}

/**
 * The main thread's side of a race in a worker: posts commands in order,
 * keeps the newest frame and a copy of the record (the worker sends the new
 * events with each frame), so `record()` is at hand for checkpoints and for
 * resuming the race in a fresh worker if this one is lost.
 */
class WorkerRaceRunner implements RaceRunner {
  failure: string | null = null;
  private slot: PoolWorker | null = null;
  private latest: RaceFrame;
  private asked: number;
  private ticksInFlight = 0;
  private head: { settings: RaceSettings; seed: Seed };
  private readonly events: Pick<RaceRecord, 'racers' | 'changes' | 'removals'>;
  /** Posted commands not yet answered (a report answers the first answerable one and everything before it). */
  private unanswered: WorkerCommand[] = [];
  private results: ScoredResult[] | null = null;
  private readonly trailAsks = new Map<number, { ok: (s: TrailSnapshot) => void; no: (e: Error) => void }>();
  private nextAsk = 1;
  private resumes = 0;
  private disposed = false;

  constructor(
    readonly id: number,
    private readonly origin: { settings: RaceSettings; seed: Seed } | { record: RaceRecord },
  ) {
    if ('record' in origin) {
      const r = origin.record;
      this.head = { settings: r.settings, seed: r.seed };
      this.events = { racers: [...r.racers], changes: [...r.changes], removals: [...r.removals] };
      this.asked = r.endTick;
    } else {
      this.head = { settings: origin.settings, seed: origin.seed };
      this.events = { racers: [], changes: [], removals: [] };
      this.asked = 0;
    }
    this.latest = { tick: this.asked, over: false, racers: [], ranks: null };
  }

  get tickCount(): number {
    return this.asked;
  }

  attach(slot: PoolWorker): void {
    this.slot = slot;
    slot.runners.set(this.id, this);
    this.post(
      'record' in this.origin
        ? { op: 'resume', race: this.id, record: this.origin.record }
        : { op: 'start', race: this.id, settings: this.origin.settings, seed: this.origin.seed },
    );
  }

  /** Goes on in a fresh worker: replays the record as far as this thread has it, then the commands not yet answered. */
  moveTo(slot: PoolWorker): void {
    if (++this.resumes > MAX_RESUMES) return this.fail('the simulation worker failed repeatedly on this round');
    const again = this.unanswered.filter((c) => c.op !== 'start' && c.op !== 'resume');
    this.unanswered = [];
    this.ticksInFlight = 0;
    this.slot = slot;
    slot.runners.set(this.id, this);
    this.post({ op: 'resume', race: this.id, record: this.record() });
    for (const c of again) {
      if (c.op === 'tick') this.ticksInFlight++;
      this.post(c);
    }
  }

  fail(message: string): void {
    if (this.failure) return;
    this.failure = message;
    this.latest = { ...this.latest, over: true };
    for (const ask of this.trailAsks.values()) ask.no(new Error(message));
    this.trailAsks.clear();
    this.slot?.runners.delete(this.id);
  }

  join(id: string, optimizer: OptimizerSpec, start: number[] | undefined): OptimizerSpec {
    // The room passes specs it has normalised (checkRacerOptimizer); a start the rules refuse comes back as 'refused'.
    this.post({ op: 'join', race: this.id, id, optimizer, start });
    return optimizer;
  }

  retune(id: string, optimizer: OptimizerSpec): OptimizerSpec {
    this.post({ op: 'retune', race: this.id, id, optimizer });
    return optimizer;
  }

  remove(id: string): void {
    this.post({ op: 'remove', race: this.id, id });
  }

  advance(withRanks: boolean): RaceFrame {
    if (!this.failure && this.ticksInFlight < MAX_TICKS_IN_FLIGHT) {
      this.ticksInFlight++;
      this.asked++;
      this.post({ op: 'tick', race: this.id, ranks: withRanks });
    }
    return this.latest;
  }

  frame(withRanks: boolean): RaceFrame {
    if (withRanks) this.post({ op: 'frame', race: this.id });
    return this.latest;
  }

  trailSnapshot(): Promise<TrailSnapshot> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    const ask = this.nextAsk++;
    return new Promise((ok, no) => {
      this.trailAsks.set(ask, { ok, no });
      this.post({ op: 'trails', race: this.id, ask });
    });
  }

  record(): RaceRecord {
    return {
      format: 'gradient-rally/race-record',
      version: 1,
      settings: this.head.settings,
      seed: this.head.seed,
      racers: this.events.racers,
      changes: this.events.changes,
      removals: this.events.removals,
      endTick: this.latest.tick,
    };
  }

  recordTail(from: RecordCounts): RecordTail {
    return {
      racers: this.events.racers.slice(from.racers),
      changes: this.events.changes.slice(from.changes),
      removals: this.events.removals.slice(from.removals),
      endTick: this.latest.tick,
    };
  }

  score(challenge: string | null): ScoringJob {
    this.post({ op: 'score', race: this.id, challenge });
    return {
      // Results arrive from the worker; a failed race ends with none.
      continue: () => this.results ?? (this.failure ? [] : null),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.post({ op: 'drop', race: this.id });
    this.slot?.runners.delete(this.id);
    for (const ask of this.trailAsks.values()) ask.no(new Error('the race was closed'));
    this.trailAsks.clear();
  }

  /** A report from the worker about this race. */
  receive(report: WorkerReport): void {
    switch (report.op) {
      case 'ready':
        this.answered('ready');
        this.head = { settings: report.settings, seed: report.seed };
        this.events.racers = [];
        this.events.changes = [];
        this.events.removals = [];
        this.adopt(report.frame, report.tail);
        return;
      case 'frame':
        this.answered(report.ticked ? 'tick' : 'frame');
        if (report.ticked) this.ticksInFlight = Math.max(0, this.ticksInFlight - 1);
        this.adopt(report.frame, report.tail);
        return;
      case 'results':
        this.answered('score');
        this.adopt(report.frame, report.tail);
        this.results = report.results;
        return;
      case 'trails': {
        this.answered('trails');
        const ask = this.trailAsks.get(report.ask);
        this.trailAsks.delete(report.ask);
        ask?.ok(report.snapshot);
        return;
      }
      case 'refused':
        return; // the rules refused a join or retune there as they would here; the room already moved on
      case 'failed':
        return this.fail(`the simulation of this round failed: ${report.message}`);
    }
  }

  private adopt(frame: RaceFrame, tail: RecordTail): void {
    // A frame without ranks keeps the last ranks known: the room refreshes ranks only from frames that carry them.
    this.latest = frame;
    this.events.racers.push(...tail.racers);
    this.events.changes.push(...tail.changes);
    this.events.removals.push(...tail.removals);
  }

  /** Drops the commands a report of this kind answers (it and everything posted before it). */
  private answered(kind: 'ready' | 'tick' | 'frame' | 'score' | 'trails'): void {
    const ops: Record<typeof kind, WorkerCommand['op'][]> = {
      ready: ['start', 'resume'],
      tick: ['tick'],
      frame: ['frame'],
      score: ['score'],
      trails: ['trails'],
    };
    const i = this.unanswered.findIndex((c) => ops[kind].includes(c.op));
    if (i >= 0) this.unanswered.splice(0, i + 1);
  }

  private post(cmd: WorkerCommand): void {
    if (this.failure || !this.slot) return;
    if (cmd.op !== 'drop') this.unanswered.push(cmd);
    this.slot.worker.postMessage(cmd);
  }
}
