import { describe, expect, it } from 'vitest';
import {
  dequantize,
  optimizerSpecSchema,
  parseJsonText,
  RacerStatusByte,
  roomLandscapeInfoSchema,
  roomSettingsSchema,
} from '@gradient-rally/shared';
import { RaceState } from '../../server/src/RaceState';
import { localRaceRunners } from '../../server/src/room/RaceRunner';
import { RoomModel } from '../../server/src/room/RoomModel';
import { StateMirror } from '../../server/src/StateMirror';

/** The mirror, model → schema, without sockets: what clients would be sent in each phase. */
describe('StateMirror', () => {
  function setUp() {
    const model = new RoomModel({
      code: 'ABC234',
      settings: {
        landscape: { kind: 'sharp-vs-flat' },
        roundSeconds: 5,
        countdownSeconds: 0.5,
        startRule: { kind: 'shared', point: [0.5, -1] },
      },
      runners: localRaceRunners,
      random: { secret: () => 'secret-secret', seed: () => 9, tag: () => 't' },
    });
    model.claimCreatorSeat();
    const seat = (name: string) => {
      const a = model.admit({ name });
      if (!a.ok || a.value.role !== 'player') throw new Error('refused');
      return model.seat(a.value as { role: 'player'; name: string })!;
    };
    const state = new RaceState();
    const mirror = new StateMirror(state);
    const host = (type: 'host:start' | 'host:pause' | 'host:end' | 'host:nextRound') =>
      model.receive({ role: 'host' }, { type, payload: { secret: model.hostSecret } }, 0);
    return { model, state, mirror, seat, host };
  }

  it('lobby: the JSON fields parse with their schemas; racers stand at the shared start', () => {
    const { model, state, mirror, seat } = setUp();
    const ada = seat('Ada');
    mirror.sync(model);
    expect(state.code).toBe('ABC234');
    expect(state.phase).toBe('lobby');
    const settings = parseJsonText(roomSettingsSchema, state.settingsJson);
    expect(settings.ok && settings.value).toEqual(JSON.parse(JSON.stringify(model.settings)));
    const info = parseJsonText(roomLandscapeInfoSchema, state.landscapeInfoJson);
    expect(info.ok && info.value.dim).toBe(2);
    expect(state.raceTicks).toBe(100);
    const view = state.players.get(ada.id)!;
    expect(view.name).toBe('Ada');
    expect(view.status).toBe(RacerStatusByte.lobby);
    expect(dequantize(view.qx, state.qxMin, state.qxMax)).toBeCloseTo(0.5, 3);
    expect(dequantize(view.qy, state.qyMin, state.qyMax)).toBeCloseTo(-1, 3);
    const spec = parseJsonText(optimizerSpecSchema, view.optimizerJson);
    expect(spec.ok && spec.value).toEqual(model.settings.defaultOptimizer);
    expect(view.optimizerKind).toBe(model.settings.defaultOptimizer.kind);
  });

  it('countdown, race, pause, scoring, results: the wire phase, statuses, positions and final ranks', () => {
    const { model, state, mirror, seat, host } = setUp();
    const ada = seat('Ada');
    const bob = seat('Bob');
    host('host:start');
    mirror.sync(model);
    expect([state.phase, state.players.get(ada.id)!.status, state.countdownTicks]).toEqual(['countdown', RacerStatusByte.waiting, 10]);
    for (let i = 0; i < 10 + 25; i++) model.tick();
    mirror.sync(model);
    expect([state.phase, state.paused, state.tick]).toEqual(['race', false, 25]);
    for (const p of [ada, bob]) {
      const v = state.players.get(p.id)!;
      const r = model.frame!.racers.find((x) => x.id === p.id)!;
      expect(v.status).toBe(RacerStatusByte.racing);
      expect(Math.abs(dequantize(v.qx, state.qxMin, state.qxMax) - r.x)).toBeLessThan((state.qxMax - state.qxMin) / 65535);
      expect(v.gradientEvaluations).toBe(25 * 2); // slow fields refreshed: a slow tick (every 20) passed since the last sync
    }
    // Slow fields (loss, evaluations, rank) wait for the next slow tick; positions do not.
    const qx = state.players.get(ada.id)!.qx;
    model.tick();
    mirror.sync(model);
    expect(state.players.get(ada.id)!.gradientEvaluations).toBe(50);
    expect(state.players.get(ada.id)!.qx).not.toBe(qx);
    host('host:pause');
    mirror.sync(model);
    expect([state.phase, state.paused]).toEqual(['race', true]);
    host('host:end');
    mirror.sync(model);
    expect([state.phase, state.paused]).toEqual(['results', false]); // results being computed already show
    const finished = model.continueScoring(() => false)!;
    mirror.sync(model);
    for (const row of finished.message.rows) {
      expect(state.players.get(row.id)!.rank).toBe(row.rank);
      expect(state.players.get(row.id)!.score).toBe(row.score);
    }
    host('host:nextRound');
    mirror.sync(model);
    expect(state.phase).toBe('lobby');
    expect([...state.players.values()].map((v) => [v.status, v.rank, v.gradientEvaluations])).toEqual([
      [RacerStatusByte.lobby, 0, 0],
      [RacerStatusByte.lobby, 0, 0],
    ]);
  });

  it('players who leave the model leave the schema; knob changes show as the new spec', () => {
    const { model, state, mirror, seat } = setUp();
    const ada = seat('Ada');
    const bob = seat('Bob');
    mirror.sync(model);
    model.receive({ role: 'player', playerId: ada.id }, { type: 'setKnobs', payload: { optimizer: { kind: 'adam', lr: 0.05 } } }, 0);
    model.disconnect(bob.id, true);
    mirror.sync(model);
    expect([...state.players.keys()]).toEqual([ada.id]);
    expect(state.players.get(ada.id)!.optimizerKind).toBe('adam');
    expect(JSON.parse(state.players.get(ada.id)!.optimizerJson)).toMatchObject({ kind: 'adam', lr: 0.05 });
  });
});
