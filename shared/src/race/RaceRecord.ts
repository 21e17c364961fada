import { SpecError, describeValue } from '../spec/SpecError';
import { asObject, checkNumber } from '../spec/fields';
import type { Seed } from '../random/Rng';
import type { OptimizerSpec } from './deps';
import type { RaceSettings } from './RaceSettings';
import { Race } from './Race';
import type { RaceRecord, RacerResult } from './types';

export interface ReplayOutcome {
  race: Race;
  /** Final θ of every racer still in the race, by id. */
  positions: Record<string, number[]>;
  results: RacerResult[];
}

const TICK_MAX = 100_000_000;

/** Checks the shape of a stored record (the meaning is checked again as it replays). */
export function parseRaceRecord(json: unknown, path = 'record'): RaceRecord {
  const obj = asObject(json, path);
  if (obj.format !== 'gradient-rally/race-record')
    throw new SpecError(`${path}.format`, `must be 'gradient-rally/race-record', got ${describeValue(obj.format)}`);
  if (obj.version !== 1) throw new SpecError(`${path}.version`, `must be 1, got ${describeValue(obj.version)}`);
  const endTick = checkNumber(obj.endTick, `${path}.endTick`, { min: 0, max: TICK_MAX, integer: true });
  const tickOf = (v: unknown, p: string) => checkNumber(v, p, { min: 0, max: endTick, integer: true });
  const idOf = (v: unknown, p: string) => {
    if (typeof v !== 'string' || v.length === 0) throw new SpecError(p, `must be a non-empty string, got ${describeValue(v)}`);
    return v;
  };
  const list = (v: unknown, p: string) => {
    if (!Array.isArray(v)) throw new SpecError(p, `must be an array, got ${describeValue(v)}`);
    return v;
  };
  const seqOf = (v: unknown, p: string) => checkNumber(v, p, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  const racers = list(obj.racers, `${path}.racers`).map((r, i) => {
    const p = `${path}.racers[${i}]`;
    const o = asObject(r, p);
    const start = list(o.start, `${p}.start`).map((c, j) => checkNumber(c, `${p}.start[${j}]`));
    const tick = tickOf(o.tick, `${p}.tick`);
    const joinTick = checkNumber(o.joinTick, `${p}.joinTick`, { min: tick, max: TICK_MAX, integer: true });
    return {
      seq: seqOf(o.seq, `${p}.seq`),
      tick,
      id: idOf(o.id, `${p}.id`),
      optimizer: asObject(o.optimizer, `${p}.optimizer`) as unknown as OptimizerSpec,
      start,
      joinTick,
    };
  });
  const changes = list(obj.changes, `${path}.changes`).map((c, i) => {
    const p = `${path}.changes[${i}]`;
    const o = asObject(c, p);
    return {
      seq: seqOf(o.seq, `${p}.seq`),
      tick: tickOf(o.tick, `${p}.tick`),
      id: idOf(o.id, `${p}.id`),
      spec: asObject(o.spec, `${p}.spec`) as unknown as OptimizerSpec,
    };
  });
  const removals = list(obj.removals, `${path}.removals`).map((c, i) => {
    const p = `${path}.removals[${i}]`;
    const o = asObject(c, p);
    return { seq: seqOf(o.seq, `${p}.seq`), tick: tickOf(o.tick, `${p}.tick`), id: idOf(o.id, `${p}.id`) };
  });
  if (obj.seed === undefined) throw new SpecError(`${path}.seed`, 'is required');
  return {
    format: 'gradient-rally/race-record',
    version: 1,
    settings: asObject(obj.settings, `${path}.settings`) as unknown as RaceSettings,
    seed: obj.seed as Seed,
    racers,
    changes,
    removals,
    endTick,
  };
}

/**
 * Re-runs a recorded round through a fresh `Race`: the events (joins, knob
 * changes, removals) in the order the live race saw them (`seq`), each once
 * the race has reached its tick, then ticks up to `endTick`. Final positions
 * equal the live run's bit for bit.
 *
 * @example
 *   const { positions } = replayRace(JSON.parse(storedJson));
 */
export function replayRace(record: RaceRecord | unknown): ReplayOutcome {
  const race = resumeRace(record);
  const positions: Record<string, number[]> = {};
  for (const r of race.racers()) positions[r.id] = Array.from(r.position);
  return { race, positions, results: race.results() };
}

/**
 * The race a record describes, at its `endTick`, ready to go on (a
 * checkpoint): `replayRace` without the results analysis.
 */
export function resumeRace(record: RaceRecord | unknown): Race {
  const steps = resumeRaceStepwise(record);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `resumeRace` in slices: each `next()` applies the events due and takes one
 * tick, yielding the tick reached; the generator returns the race at
 * `endTick`. Lets a server replay a long round without holding up the other
 * rounds it runs. Throws `SpecError` for a record that does not replay.
 *
 * @example
 *   const steps = resumeRaceStepwise(record);
 *   let r = steps.next();
 *   while (!r.done) r = steps.next(); // or pause between slices
 *   const race = r.value;
 */
export function* resumeRaceStepwise(record: RaceRecord | unknown): Generator<number, Race, void> {
  const rec = parseRaceRecord(record);
  const race = new Race(rec.settings, rec.seed);
  type Event = { seq: number; tick: number; apply: () => void };
  const events: Event[] = [
    ...rec.racers.map((j) => ({ seq: j.seq, tick: j.tick, apply: () => void race.join(j.id, j.optimizer, j.start, j.joinTick) })),
    ...rec.changes.map((c) => ({ seq: c.seq, tick: c.tick, apply: () => void race.retune(c.id, c.spec) })),
    ...rec.removals.map((r) => ({ seq: r.seq, tick: r.tick, apply: () => race.removeRacer(r.id) })),
  ].sort((a, b) => a.seq - b.seq);
  const tickOnce = () => {
    if (!race.tick()) throw new SpecError('record.endTick', `is past the round's time limit (${race.maxTicks} ticks)`);
  };
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (i > 0 && e.seq === events[i - 1].seq) throw new SpecError('record', `two events share seq ${e.seq}`);
    if (e.tick < race.tickCount)
      throw new SpecError('record', `event seq ${e.seq} at tick ${e.tick} comes after tick ${race.tickCount}: events are out of order`);
    while (race.tickCount < e.tick) {
      tickOnce();
      yield race.tickCount;
    }
    e.apply();
  }
  while (race.tickCount < rec.endTick) {
    tickOnce();
    yield race.tickCount;
  }
  return race;
}
