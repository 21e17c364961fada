import { SpecError, describeValue } from '../spec/SpecError';
import { asObject, checkNumber } from '../spec/fields';
import type { Seed } from '../random/Rng';
import type { OptimizerSpec } from './deps';
import type { RaceSettings } from './RaceSettings';
import { Race } from './Race';
import type { RacerResult } from './results';

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
  /** In join order. */
  racers: { id: string; optimizer: OptimizerSpec; start: number[]; joinTick: number }[];
  /** Every knob change, in the order it was made. */
  changes: { tick: number; id: string; spec: OptimizerSpec }[];
  removals: { tick: number; id: string }[];
  /** The race's tickCount when the record was taken. */
  endTick: number;
}

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
  if (obj.format !== 'gradient-rally/race-record') throw new SpecError(`${path}.format`, `must be 'gradient-rally/race-record', got ${describeValue(obj.format)}`);
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
  const racers = list(obj.racers, `${path}.racers`).map((r, i) => {
    const p = `${path}.racers[${i}]`;
    const o = asObject(r, p);
    const start = list(o.start, `${p}.start`).map((c, j) => checkNumber(c, `${p}.start[${j}]`));
    return { id: idOf(o.id, `${p}.id`), optimizer: asObject(o.optimizer, `${p}.optimizer`) as unknown as OptimizerSpec, start, joinTick: tickOf(o.joinTick, `${p}.joinTick`) };
  });
  const changes = list(obj.changes, `${path}.changes`).map((c, i) => {
    const p = `${path}.changes[${i}]`;
    const o = asObject(c, p);
    return { tick: tickOf(o.tick, `${p}.tick`), id: idOf(o.id, `${p}.id`), spec: asObject(o.spec, `${p}.spec`) as unknown as OptimizerSpec };
  });
  const removals = list(obj.removals, `${path}.removals`).map((c, i) => {
    const p = `${path}.removals[${i}]`;
    const o = asObject(c, p);
    return { tick: tickOf(o.tick, `${p}.tick`), id: idOf(o.id, `${p}.id`) };
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
 * Re-runs a recorded round through a fresh `Race`: at each tick t it applies
 * the joins, then the knob changes (in recorded order), then the removals
 * recorded at t, then ticks — the order in which a live race can produce
 * them. Final positions equal the live run's bit for bit.
 *
 * @example
 *   const { positions } = replayRace(JSON.parse(storedJson));
 */
export function replayRace(record: RaceRecord | unknown): ReplayOutcome {
  const rec = parseRaceRecord(record);
  const race = new Race(rec.settings, rec.seed);
  const byTick = <T extends { tick: number }>(items: T[]) => {
    const m = new Map<number, T[]>();
    for (const it of items) {
      const arr = m.get(it.tick);
      if (arr) arr.push(it);
      else m.set(it.tick, [it]);
    }
    return m;
  };
  const joins = byTick(rec.racers.map((r) => ({ ...r, tick: r.joinTick })));
  const changes = byTick(rec.changes);
  const removals = byTick(rec.removals);
  for (let t = 0; t <= rec.endTick; t++) {
    for (const j of joins.get(t) ?? []) race.join(j.id, j.optimizer, j.start, j.joinTick);
    for (const c of changes.get(t) ?? []) race.retune(c.id, c.spec);
    for (const r of removals.get(t) ?? []) race.removeRacer(r.id);
    if (t < rec.endTick && !race.tick()) {
      throw new SpecError('record.endTick', `is past the round's time limit (${race.maxTicks} ticks)`);
    }
  }
  const positions: Record<string, number[]> = {};
  for (const r of race.racers()) positions[r.id] = Array.from(r.position);
  return { race, positions, results: race.results() };
}
