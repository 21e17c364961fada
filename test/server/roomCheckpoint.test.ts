import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClientMessage } from '@gradient-rally/shared';
import { localRaceRunners } from '../../server/src/room/RaceRunner';
import { type FinishedRound, type RoomCheckpoint, RoomModel, type RoomPlayer } from '../../server/src/room/RoomModel';
import type { RoomRandom } from '../../server/src/room/RoomRandom';
import { RoundRecorder } from '../../server/src/RoundRecorder';
import { RoundStore } from '../../server/src/RoundStore';

/**
 * A room checkpointed to SQLite as it runs (state plus appended race
 * events), read back and restored: same code, secret, seats, tokens and
 * bans, its race replayed to the checkpoint's tick; driven on exactly as the
 * original, it finishes with bit-identical results.
 */

function counterRandom(): RoomRandom {
  let n = 0;
  return { secret: () => `secret-${String(++n).padStart(4, '0')}`, seed: () => 42, tag: () => 'tag' };
}

const SETTINGS = {
  landscape: { kind: 'himmelblau' },
  roundSeconds: 5,
  tickRate: 20,
  stepsPerTick: 2,
  countdownSeconds: 0,
  startRule: 'random',
};
const knobs = (optimizer: Record<string, unknown>): ClientMessage => ({ type: 'setKnobs', payload: { optimizer: optimizer as never } });

function seat(model: RoomModel, name: string, device?: string): RoomPlayer {
  const a = model.admit(device ? { name, device } : { name });
  if (!a.ok || a.value.role === 'host') throw new Error(a.ok ? 'host' : a.refusal.message);
  return model.seat(a.value)!;
}

function finish(model: RoomModel): FinishedRound {
  for (let i = 0; i < 10_000 && model.phase === 'racing'; i++) model.advanceTime(model.tickMs);
  const done = model.continueScoring(() => false);
  if (!done) throw new Error(`no results (phase ${model.phase})`);
  return done;
}

describe('room checkpoints', () => {
  it('restore the room from SQLite mid-race; the round finishes bit for bit as the uninterrupted one', () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'gr-checkpoint-')), 'rounds.sqlite');
    const store = new RoundStore(dbPath);
    const original = new RoomModel({ code: 'CKPT23', settings: SETTINGS, runners: localRaceRunners, random: counterRandom() });
    original.claimCreatorSeat();
    const recorder = new RoundRecorder(store, original.hostSecret);
    const ada = seat(original, 'Ada');
    const bob = seat(original, 'Bob');
    const zed = seat(original, 'Zed', 'device-of-zed-1');
    expect(original.receive({ role: 'player', playerId: bob.id }, knobs({ kind: 'adam', lr: 0.05 }), 0).ok).toBe(true);
    recorder.checkpoint(original); // lobby
    const host = { role: 'host' as const };
    expect(original.receive(host, { type: 'host:start', payload: { secret: original.hostSecret } }, 0).ok).toBe(true);
    const tick = () => original.advanceTime(original.tickMs);
    for (let i = 0; i < 12; i++) tick();
    recorder.checkpoint(original);
    expect(original.receive({ role: 'player', playerId: ada.id }, knobs({ kind: 'sgd', lr: 0.02, momentum: 0.9 }), 1000).ok).toBe(true);
    expect(
      original.receive(host, { type: 'host:kick', payload: { secret: original.hostSecret, playerId: zed.id, ban: true } }, 1000).ok,
    ).toBe(true);
    for (let i = 0; i < 7; i++) tick();
    const cara = seat(original, 'Cara'); // a late joiner
    for (let i = 0; i < 6; i++) tick();
    recorder.checkpoint(original); // what a crash now would leave
    const tickAtCrash = original.raceTick;

    // The process dies here. A new one reads the checkpoint back.
    store.close();
    const reopened = new RoundStore(dbPath);
    const [live] = reopened.liveRooms();
    reopened.close();
    expect(live.code).toBe('CKPT23');
    expect(live.record).toEqual(original.raceRecord()); // the appended events add up to the whole record
    const restored = RoomModel.restore(JSON.parse(JSON.stringify(live.checkpoint)) as RoomCheckpoint, live.record, {
      runners: localRaceRunners,
      random: counterRandom(),
    });

    expect(restored.code).toBe('CKPT23');
    expect(restored.hostSecret).toBe(original.hostSecret);
    expect(restored.phase).toBe('racing');
    expect(restored.raceTick).toBe(tickAtCrash);
    expect([...restored.players.values()].map((p) => [p.id, p.name, p.token, p.connected])).toEqual(
      [ada, bob, cara].map((p) => [p.id, p.name, p.token, false]),
    );
    // Seats come back with their tokens, the host with the secret; nobody takes the creator's seat; the ban holds.
    expect(restored.claimCreatorSeat()).toBe(false);
    expect(restored.admit({ playerToken: cara.token })).toEqual({ ok: true, value: { role: 'player', playerId: cara.id } });
    expect(restored.admit({ hostSecret: original.hostSecret })).toEqual({ ok: true, value: { role: 'host' } });
    expect(restored.admit({ name: 'zed' }).ok).toBe(false);
    expect(restored.admit({ name: 'Someone', device: 'device-of-zed-1' }).ok).toBe(false);

    // Both go on the same way: a knob change at the same tick, then to the end.
    for (const model of [original, restored]) {
      model.advanceTime(model.tickMs * 3);
      expect(model.receive({ role: 'player', playerId: cara.id }, knobs({ kind: 'rmsprop', lr: 0.01 }), 5000).ok).toBe(true);
    }
    const a = finish(original);
    const b = finish(restored);
    expect(JSON.stringify(b.message.rows)).toBe(JSON.stringify(a.message.rows));
    expect(JSON.stringify(b.record)).toBe(JSON.stringify(a.record));
    expect(b.message.ticks).toBe(a.message.ticks);
  });

  it('a room closed normally leaves no checkpoint; the next round replaces the stored record', () => {
    const store = new RoundStore(':memory:');
    const model = new RoomModel({ code: 'CKPT45', settings: SETTINGS, runners: localRaceRunners, random: counterRandom() });
    const recorder = new RoundRecorder(store, model.hostSecret);
    seat(model, 'Ada');
    const host = { role: 'host' as const };
    const secret = model.hostSecret;
    model.receive(host, { type: 'host:start', payload: { secret } }, 0);
    for (let i = 0; i < 5; i++) model.advanceTime(model.tickMs);
    recorder.checkpoint(model);
    finish(model);
    model.receive(host, { type: 'host:start', payload: { secret } }, 0);
    for (let i = 0; i < 3; i++) model.advanceTime(model.tickMs);
    recorder.checkpoint(model);
    const [live] = store.liveRooms();
    expect((live.checkpoint as RoomCheckpoint).round).toBe(2);
    expect(live.record).toEqual(model.raceRecord());
    expect(live.record!.endTick).toBe(3);
    recorder.forget('CKPT45');
    expect(store.liveRooms()).toEqual([]);
    store.close();
  });
});
