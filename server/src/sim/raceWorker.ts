/**
 * A race worker (`worker_threads`): hosts the races the pool gives it and
 * runs their commands in the order they were posted, answering each tick
 * with a frame. Long work — replaying a record, computing results — goes in
 * slices of a few milliseconds, so the other races of this worker keep
 * their tick rate meanwhile. Started by `RacePool`; never imported by the
 * main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { judgeRaceResults, parseRoomSettings, Race, resumeRaceStepwise, SpecError, type RecordCounts } from '@gradient-rally/shared';
import { frameOf, judged } from '../room/RaceRunner';
import { BUSY_COUNT, BUSY_RACE, type RaceWorkerData, type WorkerCommand, type WorkerReport } from './racePoolProtocol';

/** Longest piece of sliced work (replay, results) before the worker looks at its other races. */
const SLICE_MS = 8;

interface Hosted {
  race: Race | null;
  counts: RecordCounts;
  /** A replay or results job in progress: commands for this race wait in `queue` until it is done. */
  job: { next(): boolean } | null;
  queue: WorkerCommand[];
}

const port = parentPort;
if (!port) throw new Error('raceWorker.ts runs as a worker thread (RacePool starts it)');
const busy = new Int32Array((workerData as RaceWorkerData).busy);
const races = new Map<number, Hosted>();

function post(report: WorkerReport): void {
  port!.postMessage(report);
}

function working(race: number): void {
  Atomics.store(busy, BUSY_RACE, race);
  Atomics.add(busy, BUSY_COUNT, 1);
}

function idle(): void {
  Atomics.store(busy, BUSY_RACE, 0);
}

function tailOf(h: Hosted, race: Race) {
  const tail = race.recordTail(h.counts);
  h.counts = {
    racers: h.counts.racers + tail.racers.length,
    changes: h.counts.changes + tail.changes.length,
    removals: h.counts.removals + tail.removals.length,
  };
  return tail;
}

function ready(id: number, h: Hosted, race: Race): void {
  h.race = race;
  const head = race.record();
  h.counts = { racers: 0, changes: 0, removals: 0 };
  post({ op: 'ready', race: id, settings: head.settings, seed: head.seed, frame: frameOf(race, true), tail: tailOf(h, race) });
}

/** Runs `step` in slices of SLICE_MS until it returns true, yielding to other messages between slices. */
function sliced(id: number, h: Hosted, step: () => boolean): void {
  h.job = {
    next: () => {
      const until = performance.now() + SLICE_MS;
      while (performance.now() < until) if (step()) return true;
      return false;
    },
  };
  const run = () => {
    if (races.get(id) !== h || !h.job) return; // dropped meanwhile
    working(id);
    let done: boolean;
    try {
      done = h.job.next();
    } catch (e) {
      h.job = null;
      idle();
      fail(id, e);
      return;
    }
    idle();
    if (!done) return void setImmediate(run);
    h.job = null;
    const queued = h.queue.splice(0);
    for (const c of queued) handle(c);
  };
  setImmediate(run);
}

function fail(id: number, e: unknown): void {
  races.delete(id);
  post({ op: 'failed', race: id, message: e instanceof Error ? e.message : String(e) });
}

/** Parses room settings (building the landscape: for a network, training its center) and reports its shape. */
function parseSettings(ask: number, input: Record<string, unknown>): void {
  working(-ask);
  const t0 = performance.now();
  try {
    const { settings, landscape } = parseRoomSettings(input, 'settings');
    const shape = { dim: landscape.dim, info: landscape.info, dataSize: landscape.dataSize };
    post({ op: 'settings', race: 0, ask, ms: performance.now() - t0, result: { ok: true, settings, landscape: shape } });
  } catch (e) {
    const result =
      e instanceof SpecError
        ? { ok: false as const, path: e.path, message: e.message }
        : { ok: false as const, path: 'settings.landscape', message: `this landscape could not be built: ${(e as Error)?.message ?? e}` };
    post({ op: 'settings', race: 0, ask, ms: performance.now() - t0, result });
  } finally {
    idle();
  }
}

function handle(cmd: WorkerCommand): void {
  if (cmd.op === 'settings') return parseSettings(cmd.ask, cmd.input);
  const id = cmd.race;
  if (cmd.op === 'start' || cmd.op === 'resume') {
    const h: Hosted = { race: null, counts: { racers: 0, changes: 0, removals: 0 }, job: null, queue: [] };
    races.set(id, h);
    if (cmd.op === 'start') {
      working(id);
      try {
        ready(id, h, new Race({ ...cmd.settings, seed: cmd.seed }, cmd.seed));
      } catch (e) {
        fail(id, e);
      } finally {
        idle();
      }
      return;
    }
    const steps = resumeRaceStepwise(cmd.record);
    sliced(id, h, () => {
      const r = steps.next();
      if (r.done) ready(id, h, r.value);
      return r.done === true;
    });
    return;
  }
  const h = races.get(id);
  if (!h) return; // dropped or failed: later commands for it are moot
  if (cmd.op === 'drop') {
    races.delete(id);
    return;
  }
  if (h.job || !h.race) {
    h.queue.push(cmd);
    return;
  }
  const race = h.race;
  working(id);
  try {
    switch (cmd.op) {
      case 'join':
        race.addRacer(cmd.id, cmd.start ? { optimizer: cmd.optimizer, start: cmd.start } : { optimizer: cmd.optimizer });
        return;
      case 'retune':
        race.retune(cmd.id, cmd.optimizer);
        return;
      case 'remove':
        if (race.racer(cmd.id)) race.removeRacer(cmd.id);
        return;
      case 'tick':
        race.tick();
        post({ op: 'frame', race: id, ticked: true, frame: frameOf(race, cmd.ranks), tail: tailOf(h, race) });
        return;
      case 'frame':
        post({ op: 'frame', race: id, ticked: false, frame: frameOf(race, true), tail: tailOf(h, race) });
        return;
      case 'trails':
        post({ op: 'trails', race: id, ask: cmd.ask, snapshot: race.trailSnapshot() });
        return;
      case 'score': {
        const steps = race.resultsStepwise();
        sliced(id, h, () => {
          const r = steps.next();
          if (!r.done) return false;
          const results = judged(r.value, judgeRaceResults(cmd.challenge, race, r.value));
          post({ op: 'results', race: id, results, frame: frameOf(race, true), tail: tailOf(h, race) });
          return true;
        });
        return;
      }
    }
  } catch (e) {
    // The rules refused a command (as they would in the main thread): the race goes on without it.
    if (e instanceof SpecError) post({ op: 'refused', race: id, command: cmd.op, message: e.message });
    else fail(id, e);
  } finally {
    idle();
  }
}

port.on('message', (cmd: WorkerCommand) => handle(cmd));
post({ op: 'hello', race: 0 });
