import { describe, expect, it } from 'vitest';
import {
  estimateRoomCost,
  landscapeCatalogue,
  MOONS_NETWORK_SPEC,
  parseOptimizerSpec,
  parseRaceSettings,
  parseRoomSettings,
  presetSettingsPatch,
  SUGGESTED_ROOM_BUDGET,
  type OptimizerSpec,
  type RaceSettings,
} from '@gradient-rally/shared';
import { localRaceRunners } from '../../server/src/room/RaceRunner';
import { RoomModel } from '../../server/src/room/RoomModel';
import { cryptoRoomRandom } from '../../server/src/room/RoomRandom';
import { ComputeLedger, type ComputeLimits } from '../../server/src/sim/ComputeLedger';

/**
 * The compute budget on shared's cost model: what it refuses and in which
 * words, where rooms run, and how the process's total admits rooms, players
 * and knob changes. (Whether the model's milliseconds match real rooms is
 * `npm run bench -- cost`'s business; here the rules built on it.)
 */

const LIMITS: ComputeLimits = {
  room: SUGGESTED_ROOM_BUDGET,
  mainMsPerSecond: 600,
  poolMsPerSecond: 600,
  heavy: { msPerSecond: 50, tickMs: 5 },
};
const NET_354 = { kind: 'mlp', dataset: 'spirals', samples: 200, noise: 0.1, layers: [2, 16, 16, 2], activation: 'tanh', seed: 3 };
const LARGEST = { ...NET_354, samples: 2000, layers: [2, 32, 32, 32, 32, 2] };
const spec = (json: Record<string, unknown>) => parseOptimizerSpec(json);

describe('ComputeLedger', () => {
  it("prices a room as the sum of its racers' prices: the cost model is linear in racers", () => {
    const ledger = new ComputeLedger(LIMITS);
    const mixes: [RaceSettings, OptimizerSpec[]][] = [
      [
        parseRaceSettings({ landscape: MOONS_NETWORK_SPEC }),
        [spec({ kind: 'sgd', lr: 0.1 }), spec({ kind: 'newton', lr: 1 }), spec({ kind: 'adam', lr: 0.01, samRadius: 0.05 })],
      ],
      [
        parseRaceSettings({ landscape: { kind: 'himmelblau' }, stepsPerTick: 7 }),
        [spec({ kind: 'lbfgs', lr: 1 }), spec({ kind: 'sgd', lr: 0.01, noise: 0.2 })],
      ],
    ];
    for (const [settings, racers] of mixes) {
      const whole = estimateRoomCost(settings, racers.length, { racers });
      ledger.charge('R1', settings, racers);
      expect(ledger.chargeOf('R1')).toBeCloseTo(whole.msPerSecond, 9);
    }
  });

  it('refuses, in plain words with the setting to lower, what one player or a full class could not run', () => {
    const ledger = new ComputeLedger(LIMITS);
    const check = (json: Record<string, unknown>) => {
      const { settings, landscape } = parseRoomSettings(json, 'settings');
      return ledger.checkSettings('R1', settings, [], landscape);
    };
    // Newton on a 354-parameter network: one update takes seconds, whatever the player count.
    const newton = check({ landscape: NET_354, allowedOptimizers: ['sgd', 'newton'], tickRate: 1, stepsPerTick: 1 });
    expect(newton?.path).toBe('settings.allowedOptimizers');
    expect(newton?.message).toMatch(
      /^this round would need ~\d+ ms of computing per second for 1 player, .*pick another optimizer than Newton/,
    );
    // The largest network, full space, 60 Hz × 50 steps; and even as a 2-D slice at the default rate, SGD only.
    expect(check({ landscape: LARGEST, tickRate: 60, stepsPerTick: 50 })?.path).toMatch(/^settings\./);
    const largest = check({
      landscape: { ...LARGEST, slice: true },
      allowedOptimizers: ['sgd'],
      lockedKnobs: ['samRadius'],
      maxPlayers: 10,
    });
    expect(largest?.message).toMatch(/^this round would need ~\d+ ms of computing per second for 1 player/);
    // A 354-parameter slice: one player fits, a class of 100 does not.
    const slice = check({
      landscape: { ...NET_354, slice: true },
      allowedOptimizers: ['sgd', 'adam'],
      lockedKnobs: ['samRadius'],
      maxPlayers: 100,
    });
    expect(slice?.path).toBe('settings.maxPlayers');
    expect(slice?.message).toMatch(/^with a full room on the default optimizer, this round would need ~\d+ ms .*lower the players/);
    expect(slice?.message).not.toMatch(/settings\./); // words for a person, the field is in `path`
    // Every catalogue terrain under its preset, with 40 players, fits.
    for (const entry of landscapeCatalogue()) expect(check({ ...presetSettingsPatch(entry), maxPlayers: 40 }), entry.title).toBeNull();
  });

  it('keeps light rooms on the event loop and sends networks and big classes to the pool', () => {
    const ledger = new ComputeLedger(LIMITS);
    expect(ledger.laneFor(parseRaceSettings({}))).toBe('main');
    expect(ledger.laneFor(parseRaceSettings({ landscape: MOONS_NETWORK_SPEC }))).toBe('pool');
    expect(ledger.laneFor(parseRaceSettings({ maxPlayers: 100, stepsPerTick: 50, tickRate: 60 }))).toBe('pool');
    expect(new ComputeLedger({ ...LIMITS, poolMsPerSecond: 0 }).laneFor(parseRaceSettings({ landscape: MOONS_NETWORK_SPEC }))).toBe('main');
  });

  it("admits rooms, players and knob changes only while the lane's total fits; less work always fits; a closed room frees its share", () => {
    const ledger = new ComputeLedger({ ...LIMITS, poolMsPerSecond: 100 });
    const settings = parseRaceSettings({ landscape: MOONS_NETWORK_SPEC, maxPlayers: 40 });
    const sgd = settings.defaultOptimizer;
    const newton = spec({ kind: 'newton', lr: 1 });
    const perSgd = estimateRoomCost(settings, 1, { racers: [sgd] }).msPerSecond;
    const perNewton = estimateRoomCost(settings, 1, { racers: [newton] }).msPerSecond;
    // Room A takes most of the lane with a class on SGD.
    const classA = Array.from({ length: Math.floor(80 / perSgd) }, () => sgd);
    expect(ledger.refuseRacers('A', settings, classA)).toBeNull();
    ledger.charge('A', settings, classA);
    // Room B fits a few players, then the lane is full: refused as the server's limit, not the room's.
    const classB: OptimizerSpec[] = [];
    while (ledger.refuseRacers('B', settings, [...classB, sgd]) === null) {
      classB.push(sgd);
      ledger.charge('B', settings, classB);
    }
    expect(ledger.refuseRacers('B', settings, [...classB, sgd])).toMatchObject({ scope: 'server' });
    expect(ledger.used('pool')).toBeLessThanOrEqual(100);
    // A knob change to Newton in B is refused now; a change back to less work always fits.
    const toNewton = [...classB.slice(1), newton];
    expect(perNewton).toBeGreaterThan(perSgd);
    expect(ledger.refuseRacers('B', settings, toNewton)).toMatchObject({ scope: 'server' });
    expect(ledger.refuseRacers('B', settings, classB.slice(1))).toBeNull();
    // Room A closes: B's Newton player fits.
    ledger.release('A');
    expect(ledger.refuseRacers('B', settings, toNewton)).toBeNull();
    // A room's own limit: 150 ms per second, whatever the lane has free.
    const ownLimit = new ComputeLedger({ ...LIMITS, poolMsPerSecond: 100_000 });
    const newtons = Array.from({ length: Math.ceil(151 / perNewton) }, () => newton);
    expect(ownLimit.refuseRacers('C', settings, newtons)).toMatchObject({ scope: 'room', limitMs: 150 });
  });

  it('a room model asks the ledger on settings, joins and knob changes, and says so in words', () => {
    const ledger = new ComputeLedger({ ...LIMITS, room: { ...SUGGESTED_ROOM_BUDGET, msPerSecond: 10 } });
    const model = new RoomModel({
      code: 'LEDGER',
      settings: { landscape: MOONS_NETWORK_SPEC, maxPlayers: 5, countdownSeconds: 0 },
      runners: localRaceRunners,
      random: cryptoRoomRandom,
      compute: ledger,
    });
    model.claimCreatorSeat();
    const seat = (name: string) => {
      const a = model.admit({ name });
      if (!a.ok || a.value.role === 'host') throw new Error(a.ok ? 'host' : a.refusal.message);
      return model.seat(a.value)!;
    };
    const ada = seat('Ada');
    const bob = seat('Bob');
    expect(ledger.chargeOf('LEDGER')).toBeGreaterThan(0);
    const newton = { type: 'setKnobs' as const, payload: { optimizer: { kind: 'newton', lr: 1 } } };
    // One Newton racer fits the room's (here 10 ms) limit; a second would not: refused at the knob, in words.
    expect(model.receive({ role: 'player', playerId: ada.id }, newton, 0).ok).toBe(true);
    const out = model.receive({ role: 'player', playerId: bob.id }, newton, 0);
    expect(out.ok ? null : out.refusal).toMatchObject({
      path: 'optimizer',
      message: expect.stringMatching(/computing limit .*lighter one/),
    });
    expect(model.players.get(bob.id)!.optimizer.kind).toBe('sgd');
    // Settings whose full class could not run are refused beside the field, and nothing changes.
    const before = model.settings;
    const refused = model.receive(
      { role: 'host' },
      { type: 'host:settings', payload: { secret: model.hostSecret, settings: { maxPlayers: 100 } } },
      0,
    );
    expect(refused.ok ? null : refused.refusal).toMatchObject({ code: 'out-of-range', path: 'settings.maxPlayers' });
    expect(model.settings).toBe(before);
    model.close();
    expect(ledger.chargeOf('LEDGER')).toBe(0);
  });
});
