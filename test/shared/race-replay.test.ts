import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRaceRecord, parseRaceSettings, Race, replayRace, SpecError, type RaceRecord } from '@gradient-rally/shared';

/** Bitwise equality of two coordinate lists (Object.is also tells -0 from 0). */
function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function expectSamePositions(live: Race, replayed: Record<string, number[]>): void {
  const ids = live.racers().map((r) => r.id);
  expect(Object.keys(replayed).sort()).toEqual([...ids].sort());
  for (const r of live.racers()) {
    expect(sameBits(r.position, replayed[r.id]), `racer ${r.id}`).toBe(true);
  }
}

const OPTIMIZERS = [
  { kind: 'sgd', lr: 0.004, noise: 1.5 },
  { kind: 'sgd', lr: 0.002, momentum: 0.9, nesterov: true },
  { kind: 'adam', lr: 0.05, noise: 0.5, samRadius: 0.1 },
  { kind: 'adamw', lr: 0.03, weightDecay: 0.05 },
  { kind: 'rmsprop', lr: 0.01, momentum: 0.5, centered: true, noise: 0.3 },
  { kind: 'adagrad', lr: 0.3, samRadius: 0.05, samAdaptive: true },
  { kind: 'lbfgs', lr: 1 },
  { kind: 'newton', lr: 0.5 },
  { kind: 'sgd', lr: 0.01, schedule: { kind: 'cosine-restarts', t0: 10, tMult: 2 }, clipNorm: 5 },
  { kind: 'sgd', lr: 1.9 }, // diverges on himmelblau from most starts
];

describe('record and replay', () => {
  it('reproduces a busy round bitwise: retunes, kind switches, late joins, removals, budget', () => {
    const settings = parseRaceSettings({
      landscape: 'himmelblau',
      startRule: 'random',
      roundSeconds: 30,
      budget: 900,
      stepsPerTick: 3,
      seed: 'lesson-4',
    });
    const race = new Race(settings);
    for (let i = 0; i < 6; i++) race.addRacer(`p${i}`, { optimizer: OPTIMIZERS[i] });
    for (let t = 0; t < 400; t++) {
      if (t % 7 === 3 && race.racer(`p${t % 6}`)) race.retune(`p${t % 6}`, OPTIMIZERS[(t * 5) % OPTIMIZERS.length]);
      if (t % 11 === 0) race.retune('p1', { kind: 'sgd', lr: 0.001 * (1 + (t % 5)), momentum: 0.8, noise: 0.2 });
      if (t === 40) race.addRacer('late1', { optimizer: OPTIMIZERS[6] });
      if (t === 90) race.addRacer('late2', { optimizer: OPTIMIZERS[2] });
      if (t === 120) race.removeRacer('p4');
      if (t === 150) race.retune('late1', OPTIMIZERS[0]);
      if (t === 150) race.removeRacer('late1');
      // Leaves and comes back within the same tick: the replay must keep that order.
      if (t === 200) race.removeRacer('p2');
      if (t === 200) race.addRacer('p2', { optimizer: OPTIMIZERS[3] });
      if (t === 200) race.retune('p2', OPTIMIZERS[4]);
      race.tick();
    }
    const record = race.record();
    expect(record.changes.length).toBeGreaterThan(50);
    expect(record.removals.map((r) => [r.tick, r.id])).toEqual([
      [120, 'p4'],
      [150, 'late1'],
      [200, 'p2'],
    ]);
    expect(record.racers.map((r) => [r.id, r.joinTick])).toEqual([
      ['p0', 0],
      ['p1', 0],
      ['p2', 0],
      ['p3', 0],
      ['p4', 0],
      ['p5', 0],
      ['late1', 40],
      ['late2', 90],
      ['p2', 200],
    ]);

    // Through JSON, as storage would keep it.
    const stored = JSON.parse(JSON.stringify(record));
    const replay = replayRace(stored);
    expectSamePositions(race, replay.positions);
    expect(replay.race.tickCount).toBe(race.tickCount);
    expect(replay.results).toEqual(race.results());
    expect(replay.race.record()).toEqual(record);
    for (const r of race.racers()) {
      const again = replay.race.racer(r.id)!;
      expect([again.status, again.updates, again.gradientEvaluations, again.loss]).toEqual([
        r.status,
        r.updates,
        r.gradientEvaluations,
        r.loss,
      ]);
    }
    // The round really exercised the hard cases.
    const statuses = new Set(race.racers().map((r) => r.status));
    expect(statuses.has('budget-spent') || statuses.has('diverged')).toBe(true);
  });

  it('replays a chosen-start round and a full-space MLP round', () => {
    const choose = new Race(parseRaceSettings({ landscape: 'sharp-vs-flat', startRule: 'choose', seed: 5 }));
    choose.addRacer('a', { start: [-1, 0.4], optimizer: { kind: 'sgd', lr: 0.05, noise: 0.4 } });
    choose.addRacer('b', { optimizer: { kind: 'adam', lr: 0.02, samRadius: 0.2 } });
    for (let t = 0; t < 50; t++) choose.tick();
    expectSamePositions(choose, replayRace(JSON.parse(JSON.stringify(choose.record()))).positions);

    const mlp = { kind: 'mlp', dataset: 'xor', samples: 40, noise: 0.1, layers: [2, 4, 2], activation: 'relu', seed: 2 };
    const race = new Race(parseRaceSettings({ landscape: mlp, startRule: 'random', scoring: 'lowest-loss' }));
    race.addRacer('a', { optimizer: { kind: 'sgd', lr: 0.1, batchSize: 8, momentum: 0.9 } });
    race.addRacer('b', { optimizer: { kind: 'adam', lr: 0.02, batchSize: 4, samRadius: 0.05 } });
    for (let t = 0; t < 30; t++) {
      if (t === 10) race.retune('a', { kind: 'sgd', lr: 0.05, batchSize: 16 });
      race.tick();
    }
    expectSamePositions(race, replayRace(JSON.parse(JSON.stringify(race.record()))).positions);
  });

  it('holds for random event sequences (property)', () => {
    const settings = parseRaceSettings({ landscape: 'saddle-maze', startRule: 'random', roundSeconds: 5, stepsPerTick: 2 });
    const event = fc.oneof(
      fc.record({ type: fc.constant('join' as const), opt: fc.nat(OPTIMIZERS.length - 1) }),
      fc.record({ type: fc.constant('rejoin' as const), who: fc.nat(20), opt: fc.nat(OPTIMIZERS.length - 1) }),
      fc.record({
        type: fc.constant('retune' as const),
        who: fc.nat(20),
        opt: fc.nat(OPTIMIZERS.length - 1),
        lr: fc.double({ min: 1e-4, max: 1, noNaN: true }),
      }),
      fc.record({ type: fc.constant('remove' as const), who: fc.nat(20) }),
      fc.record({ type: fc.constant('tick' as const), n: fc.integer({ min: 1, max: 8 }) }),
    );
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 40 }), fc.integer(), (events, seed) => {
        const race = new Race(settings, seed);
        let joined = 0;
        for (const e of events) {
          const active = race.racers().map((r) => r.id);
          if (e.type === 'join') race.addRacer(`r${joined++}`, { optimizer: OPTIMIZERS[e.opt] });
          else if (e.type === 'rejoin' && joined > 0 && !race.racer(`r${e.who % joined}`))
            race.addRacer(`r${e.who % joined}`, { optimizer: OPTIMIZERS[e.opt] });
          else if (e.type === 'retune' && active.length > 0) race.retune(active[e.who % active.length], { ...OPTIMIZERS[e.opt], lr: e.lr });
          else if (e.type === 'remove' && active.length > 0) race.removeRacer(active[e.who % active.length]);
          else if (e.type === 'tick') for (let i = 0; i < e.n; i++) race.tick();
        }
        const replay = replayRace(JSON.parse(JSON.stringify(race.record())));
        for (const r of race.racers()) if (!sameBits(r.position, replay.positions[r.id])) return false;
        return Object.keys(replay.positions).length === race.racers().length;
      }),
      { numRuns: 60 },
    );
  });

  it('refuses malformed records with a SpecError naming the field', () => {
    const race = new Race(parseRaceSettings({ landscape: 'himmelblau' }));
    race.addRacer('a');
    race.tick();
    const good = race.record();
    const broken = (patch: (r: Record<string, unknown>) => void) => {
      const r = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
      patch(r);
      try {
        parseRaceRecord(r);
      } catch (e) {
        expect(e).toBeInstanceOf(SpecError);
        return (e as SpecError).path;
      }
      return 'accepted';
    };
    expect(broken(() => {})).toBe('accepted');
    expect(broken((r) => (r.format = 'csv'))).toBe('record.format');
    expect(broken((r) => (r.endTick = -1))).toBe('record.endTick');
    expect(broken((r) => ((r.racers as RaceRecord['racers'])[0].start = [0, NaN as unknown as number]))).toBe('record.racers[0].start[1]');
    expect(broken((r) => (r.changes = [{ seq: 9, tick: 5, id: 'a', spec: {} }]))).toBe('record.changes[0].tick');
    expect(broken((r) => (r.changes = [{ tick: 0, id: 'a', spec: {} }]))).toBe('record.changes[0].seq');
    expect(broken((r) => (r.removals = 'none'))).toBe('record.removals');
    expect(() => replayRace({ ...good, settings: { ...good.settings, tickRate: 0 } })).toThrowError(/settings\.tickRate/);
  });
});
