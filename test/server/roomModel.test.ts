import { readdirSync, readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RETUNE_LIMIT, type ClientMessage, type JoinOptions } from '@gradient-rally/shared';
import { localRaceRunners } from '../../server/src/room/RaceRunner';
import { nextPhase, PHASE_EVENTS, ROOM_PHASES, TRANSITIONS, type RoomPhase } from '../../server/src/room/phases';
import { type Actor, RoomModel, type RoomPlayer } from '../../server/src/room/RoomModel';
import type { RoomRandom } from '../../server/src/room/RoomRandom';

/**
 * The room's rules without sockets: every phase transition (allowed and
 * refused), host rights, bans, the lock, late join, retune limits and the
 * settings merge. Races are tiny (sharp-vs-flat, a few ticks), so the whole
 * file runs in well under a second.
 */

function counterRandom(): RoomRandom {
  let n = 0;
  return { secret: () => `secret-${String(++n).padStart(4, '0')}`, seed: () => 42, tag: () => 'tag' };
}

function room(settings: Record<string, unknown> = {}): RoomModel {
  const model = new RoomModel({
    code: 'ABC234',
    settings: { landscape: { kind: 'sharp-vs-flat' }, roundSeconds: 5, tickRate: 20, stepsPerTick: 1, countdownSeconds: 0, ...settings },
    runners: localRaceRunners,
    random: counterRandom(),
  });
  expect(model.claimCreatorSeat()).toBe(true);
  return model;
}

function join(model: RoomModel, options: JoinOptions): RoomPlayer {
  const admission = model.admit(options);
  if (!admission.ok) throw new Error(admission.refusal.message);
  if (admission.value.role === 'host') throw new Error('admitted as host');
  const player = model.seat(admission.value);
  if (!player) throw new Error('not seated');
  return player;
}

const HOST: Actor = { role: 'host' };
const as = (p: RoomPlayer): Actor => ({ role: 'player', playerId: p.id });

function send(model: RoomModel, actor: Actor, message: ClientMessage, now = 0) {
  return model.receive(actor, message, now);
}

function host(model: RoomModel, type: 'host:start' | 'host:pause' | 'host:resume' | 'host:end' | 'host:nextRound') {
  return send(model, HOST, { type, payload: { secret: model.hostSecret } });
}

function settings(model: RoomModel, patch: Record<string, unknown>) {
  return send(model, HOST, { type: 'host:settings', payload: { secret: model.hostSecret, settings: patch as never } });
}

function ticks(model: RoomModel, n: number): void {
  for (let i = 0; i < n; i++) model.advanceTime(model.tickMs);
}

/** A room with one player and a one-second countdown, brought to `phase` through the public calls only. */
function roomIn(phase: RoomPhase, extra: Record<string, unknown> = {}): { model: RoomModel; ada: RoomPlayer } {
  const model = room({ countdownSeconds: 1, ...extra });
  const ada = join(model, { name: 'Ada' });
  if (phase === 'lobby') return { model, ada };
  expect(host(model, 'host:start').ok).toBe(true);
  if (phase === 'countdown') return { model, ada };
  ticks(model, model.countdownTicks);
  if (phase === 'racing') return { model, ada };
  if (phase === 'paused') {
    expect(host(model, 'host:pause').ok).toBe(true);
    return { model, ada };
  }
  expect(host(model, 'host:end').ok).toBe(true);
  if (phase === 'results') expect(model.continueScoring(() => false)).not.toBeNull();
  return { model, ada };
}

describe('phases: the transition table', () => {
  it('every room phase is reachable and is what roomIn claims', () => {
    for (const phase of ROOM_PHASES) expect(roomIn(phase).model.phase).toBe(phase);
  });

  // Where each host command leads from each phase; null: refused as wrong-phase.
  const expected: Record<RoomPhase, Record<'start' | 'pause' | 'resume' | 'end' | 'nextRound' | 'settings', RoomPhase | null>> = {
    lobby: { start: 'countdown', pause: null, resume: null, end: null, nextRound: null, settings: 'lobby' },
    countdown: { start: null, pause: null, resume: null, end: 'lobby', nextRound: null, settings: null },
    racing: { start: null, pause: 'paused', resume: null, end: 'scoring', nextRound: null, settings: null },
    paused: { start: null, pause: null, resume: 'racing', end: 'scoring', nextRound: null, settings: null },
    scoring: { start: null, pause: null, resume: null, end: null, nextRound: null, settings: null },
    results: { start: 'countdown', pause: null, resume: null, end: null, nextRound: 'lobby', settings: 'lobby' },
  };

  for (const from of ROOM_PHASES) {
    for (const [command, to] of Object.entries(expected[from])) {
      it(`${command} in ${from} → ${to ?? 'refused'}`, () => {
        const { model } = roomIn(from);
        const before = model.phase;
        const out =
          command === 'settings'
            ? settings(model, { roundSeconds: 7 })
            : host(model, `host:${command}` as 'host:start' | 'host:pause' | 'host:resume' | 'host:end' | 'host:nextRound');
        if (to === null) {
          expect(out.ok).toBe(false);
          if (!out.ok) {
            expect(out.refusal.code).toBe('wrong-phase');
            if (from === 'scoring' && command !== 'pause' && command !== 'resume' && command !== 'end') {
              expect(out.refusal.message).toMatch(/still being computed/);
            }
          }
          expect(model.phase).toBe(before);
        } else {
          expect(out.ok).toBe(true);
          expect(model.phase).toBe(to);
        }
      });
    }
  }

  it('the clock moves countdown → racing → scoring, the analysis scoring → results', () => {
    const model = room({ countdownSeconds: 1, roundSeconds: 5, tickRate: 20 });
    join(model, { name: 'Ada' });
    host(model, 'host:start');
    expect(model.countdownTicks).toBe(20);
    ticks(model, 19);
    expect(model.phase).toBe('countdown');
    ticks(model, 1);
    expect(model.phase).toBe('racing');
    expect(model.raceTick).toBe(0);
    ticks(model, 99);
    expect(model.phase).toBe('racing');
    ticks(model, 1);
    expect(model.phase).toBe('scoring');
    expect(model.raceTick).toBe(100);
    // Results in slices: a stop that always says "stop" still advances by one racer per call.
    let finished = model.continueScoring(() => true);
    while (!finished) finished = model.continueScoring(() => true);
    expect(model.phase).toBe('results');
    expect(finished.message.ticks).toBe(100);
    expect(model.continueScoring(() => false)).toBeNull();
  });

  it('a paused race takes no ticks; time during the pause is not made up afterwards', () => {
    const { model } = roomIn('racing');
    ticks(model, 10);
    host(model, 'host:pause');
    model.advanceTime(10_000);
    expect(model.raceTick).toBe(10);
    host(model, 'host:resume');
    model.advanceTime(model.tickMs);
    expect(model.raceTick).toBe(11);
  });

  it('a late timer catches up at most four ticks at once', () => {
    const { model } = roomIn('racing');
    model.advanceTime(model.tickMs * 10);
    expect(model.raceTick).toBe(4);
    model.advanceTime(model.tickMs * 0.5);
    expect(model.raceTick).toBe(4); // the lag beyond four ticks was dropped
  });

  it('shutdown finishes a running round (countdown, racing, paused, scoring) and nothing else', () => {
    for (const phase of ROOM_PHASES) {
      const { model } = roomIn(phase);
      const finished = model.shutdown();
      if (phase === 'lobby' || phase === 'results') expect(finished).toBeNull();
      else {
        expect(finished?.reason).toBe(phase === 'scoring' ? 'the host ended the round' : 'the server shut down');
        expect(model.phase).toBe('results');
      }
    }
  });

  it('the table is the only source: nextPhase reads it, and no phase is a dead end', () => {
    for (const phase of ROOM_PHASES) {
      for (const event of PHASE_EVENTS) expect(nextPhase(phase, event)).toBe(TRANSITIONS[phase][event] ?? null);
      expect(Object.keys(TRANSITIONS[phase]).length).toBeGreaterThan(0);
    }
  });
});

describe('host rights', () => {
  it('host messages need the host seat and the secret; a refusal changes nothing', () => {
    const { model, ada } = roomIn('lobby');
    const player = send(model, as(ada), { type: 'host:start', payload: { secret: model.hostSecret } });
    expect(player.ok ? null : player.refusal.code).toBe('forbidden');
    const wrong = send(model, HOST, { type: 'host:lock', payload: { secret: 'not-the-secret', locked: true } });
    expect(wrong.ok ? null : wrong.refusal.message).toMatch(/only the host/);
    expect(model.locked).toBe(false);
    expect(model.phase).toBe('lobby');
    expect(send(model, HOST, { type: 'host:lock', payload: { secret: model.hostSecret, locked: true } }).ok).toBe(true);
    expect(model.locked).toBe(true);
  });

  it('the creator seat is claimed once; the host rejoins with the secret only', () => {
    const model = room();
    expect(model.claimCreatorSeat()).toBe(false);
    expect(model.admit({ hostSecret: model.hostSecret })).toEqual({ ok: true, value: { role: 'host' } });
    const wrong = model.admit({ hostSecret: 'guessed-secret-1' });
    expect(wrong.ok ? null : wrong.refusal).toEqual({ status: 403, message: 'wrong host secret' });
  });

  it('start needs a player; players have knobs and starts, the host has neither', () => {
    const model = room();
    const out = host(model, 'host:start');
    expect(out.ok ? null : out.refusal.message).toMatch(/no players/);
    const knobs = send(model, HOST, { type: 'setKnobs', payload: { optimizer: { kind: 'sgd', lr: 0.1 } } });
    expect(knobs.ok ? null : knobs.refusal.code).toBe('forbidden');
  });
});

describe('bans, the lock, a full room, late join', () => {
  it('a kicked player leaves the race and the room, and their token is refused from then on', () => {
    const { model, ada } = roomIn('racing');
    const bob = join(model, { name: 'Bob' });
    ticks(model, 3);
    const out = send(model, HOST, { type: 'host:kick', payload: { secret: model.hostSecret, playerId: ada.id } });
    expect(out).toEqual({ ok: true, value: { kind: 'kicked', playerId: ada.id, banned: false } });
    expect(model.players.has(ada.id)).toBe(false);
    ticks(model, 1);
    expect(model.frame?.racers.map((r) => r.id)).toEqual([bob.id]);
    const back = model.admit({ playerToken: ada.token });
    expect(back.ok ? null : back.refusal).toEqual({
      status: 403,
      message: 'the host removed you from this room: join again with a nickname',
    });
    // A kick is not a ban: the student may come back as a new player.
    expect(model.admit({ playerToken: ada.token, name: 'Ada' })).toMatchObject({ ok: true, value: { role: 'player', name: 'Ada' } });
    const unknown = send(model, HOST, { type: 'host:kick', payload: { secret: model.hostSecret, playerId: 'p999' } });
    expect(unknown.ok ? null : unknown.refusal).toMatchObject({ code: 'not-found', path: 'playerId' });
  });

  it('a ban refuses the nickname (any case or spacing) and the device for the rest of the room, across rounds', () => {
    const { model } = roomIn('lobby');
    const zed = join(model, { name: 'Zed Rude', device: 'device-zed-0001' });
    const out = send(model, HOST, { type: 'host:kick', payload: { secret: model.hostSecret, playerId: zed.id, ban: true } });
    expect(out).toEqual({ ok: true, value: { kind: 'kicked', playerId: zed.id, banned: true } });
    const banned = { status: 403, message: 'the host has removed you from this room' };
    for (const options of [
      { name: 'Zed Rude' },
      { name: 'zedrude' },
      { name: ' ZED  rude ' },
      { name: 'Someone', device: 'device-zed-0001' },
    ]) {
      const again = model.admit(options);
      expect(again.ok ? null : again.refusal, JSON.stringify(options)).toEqual(banned);
    }
    host(model, 'host:start');
    ticks(model, model.countdownTicks + 2);
    host(model, 'host:end');
    model.continueScoring(() => false);
    host(model, 'host:nextRound');
    expect(model.admit({ name: 'zed rude' }).ok).toBe(false);
    expect(model.admit({ name: 'Zoe', device: 'device-zoe-0001' }).ok).toBe(true);
  });

  it('a locked room refuses new students but lets a student back with their token', () => {
    const { model, ada } = roomIn('lobby');
    send(model, HOST, { type: 'host:lock', payload: { secret: model.hostSecret, locked: true } });
    const bob = model.admit({ name: 'Bob' });
    expect(bob.ok ? null : bob.refusal).toEqual({ status: 423, message: 'this room is locked by the host' });
    model.disconnect(ada.id, false);
    expect(model.admit({ playerToken: ada.token })).toEqual({ ok: true, value: { role: 'player', playerId: ada.id } });
    send(model, HOST, { type: 'host:lock', payload: { secret: model.hostSecret, locked: false } });
    expect(model.admit({ name: 'Bob' }).ok).toBe(true);
  });

  it('a full room says how many it holds; an unknown token is a fresh join', () => {
    const model = room({ maxPlayers: 2 });
    join(model, { name: 'A' });
    expect(model.admit({ playerToken: 'from-another-room' })).toMatchObject({ ok: true, value: { role: 'player' } });
    join(model, { name: 'B' });
    const third = model.admit({ name: 'C' });
    expect(third.ok ? null : third.refusal).toEqual({ status: 409, message: 'this room is full (2 players)' });
  });

  it('late join on: a student joining a running (or paused) race races from the next tick', () => {
    const { model } = roomIn('racing');
    ticks(model, 5);
    host(model, 'host:pause');
    const late = join(model, { name: 'Late' });
    expect(late.inRace).toBe(true);
    expect(model.frame?.racers.map((r) => r.id)).toContain(late.id);
    host(model, 'host:resume');
    ticks(model, 200);
    const finished = model.continueScoring(() => false)!;
    expect(finished.message.rows.find((r) => r.name === 'Late')?.joinTick).toBe(5);
  });

  it('late join off: refused during the countdown and the race, allowed once the results show', () => {
    for (const phase of ['countdown', 'racing', 'paused', 'scoring', 'results'] as const) {
      const { model } = roomIn(phase, { lateJoin: false });
      const out = model.admit({ name: 'Late' });
      if (phase === 'scoring' || phase === 'results') {
        expect(out.ok).toBe(true);
        expect(join(model, { name: 'Watcher' }).inRace).toBe(false);
      } else {
        expect(out.ok ? null : out.refusal).toEqual({
          status: 409,
          message: 'a race is running and late join is off: wait for the next round',
        });
      }
    }
  });

  it('names are made unique, also when two joins were admitted before either sat down', () => {
    const model = room();
    const first = model.admit({ name: 'Ada' });
    const second = model.admit({ name: 'ada' });
    if (!first.ok || !second.ok || first.value.role !== 'player' || second.value.role !== 'player') throw new Error('refused');
    const a = model.seat(first.value as { role: 'player'; name: string })!;
    const b = model.seat(second.value as { role: 'player'; name: string })!;
    expect([a.name, b.name]).toEqual(['Ada', 'ada 2']);
    expect(join(model, { name: 'Ada' }).name).toBe('Ada 3');
  });
});

describe('seats across connections', () => {
  it('a lobby player who leaves on purpose is gone; one who drops keeps the seat until it expires', () => {
    const { model, ada } = roomIn('lobby');
    const bob = join(model, { name: 'Bob' });
    model.disconnect(ada.id, true);
    expect(model.players.has(ada.id)).toBe(false);
    model.disconnect(bob.id, false);
    expect(model.players.get(bob.id)?.connected).toBe(false);
    expect(model.reconnect(bob.id)).toBe(true);
    model.disconnect(bob.id, false);
    model.seatExpired(bob.id);
    expect(model.players.has(bob.id)).toBe(false);
    expect(model.reconnect(bob.id)).toBe(false);
  });

  it('a racer whose seat expires keeps racing, and leaves the room at the next lobby', () => {
    const { model, ada } = roomIn('racing');
    model.disconnect(ada.id, true);
    model.seatExpired(ada.id);
    expect(model.players.has(ada.id)).toBe(true);
    host(model, 'host:end');
    const finished = model.continueScoring(() => false)!;
    expect(finished.message.rows.map((r) => r.name)).toEqual(['Ada']);
    host(model, 'host:nextRound');
    expect(model.players.size).toBe(0);
  });

  it('catch-up: trails during a race, trails and results after one, nothing in the lobby', async () => {
    const { model } = roomIn('racing');
    expect(Object.keys(await model.catchUp())).toEqual(['snapshot']);
    ticks(model, 3);
    expect((await model.snapshot()).tick).toBe(3);
    host(model, 'host:end');
    expect(Object.keys(await model.catchUp())).toEqual(['snapshot']);
    model.continueScoring(() => false);
    expect(Object.keys(await model.catchUp())).toEqual(['snapshot', 'results']);
    host(model, 'host:nextRound');
    expect(await model.catchUp()).toEqual({});
    expect(await model.snapshot()).toEqual({ tick: 0, snapshot: null });
  });
});

describe('knobs and retunes', () => {
  const knobs = (lr: number) => ({ type: 'setKnobs' as const, payload: { optimizer: { kind: 'sgd', lr } } });

  it(`during a race, at most ${RETUNE_LIMIT.burst} retunes at once, then ${RETUNE_LIMIT.perSecond} per second; a refused one costs nothing`, () => {
    const { model, ada } = roomIn('racing');
    const lrs = [0.011, 0.012, 0.013, 0.014, 0.015, 0.016].slice(0, RETUNE_LIMIT.burst);
    for (const lr of lrs) expect(send(model, as(ada), knobs(lr), 1000).ok).toBe(true);
    const limited = send(model, as(ada), knobs(0.5), 1000);
    expect(limited.ok ? null : limited.refusal).toEqual({
      code: 'rate-limited',
      message: `at most ${RETUNE_LIMIT.perSecond} knob changes per second during a race`,
    });
    expect(model.players.get(ada.id)?.optimizer.lr).toBe(lrs[lrs.length - 1]);
    // Out of range: refused for what it is, without using up the next token.
    const bad = send(model, as(ada), knobs(1e6), 1000 + 1000 / RETUNE_LIMIT.perSecond);
    expect(bad.ok ? null : bad.refusal).toMatchObject({ code: 'out-of-range', path: 'optimizer.lr' });
    expect(send(model, as(ada), knobs(0.02), 1000 + 1000 / RETUNE_LIMIT.perSecond).ok).toBe(true);
    ticks(model, 1);
    host(model, 'host:end');
    const finished = model.continueScoring(() => false)!;
    expect(finished.message.rows[0].knobChanges).toBe(RETUNE_LIMIT.burst + 1);
    expect(finished.record.changes).toHaveLength(RETUNE_LIMIT.burst + 1);
  });

  it('in the lobby, knobs change freely and are checked against the host rules', () => {
    const { model, ada } = roomIn('lobby');
    for (let i = 0; i < 20; i++) expect(send(model, as(ada), knobs(0.01 + i / 1000)).ok).toBe(true);
    settings(model, { allowedOptimizers: ['adam'] });
    const sgd = send(model, as(ada), knobs(0.1));
    expect(sgd.ok ? null : sgd.refusal).toMatchObject({ code: 'out-of-range', path: 'optimizer.kind' });
  });

  it('chooseStart: only under the choose rule, inside the view, before the racer starts', () => {
    const { model, ada } = roomIn('lobby');
    const point = { type: 'chooseStart' as const, payload: { point: [0.5, 0.5] as [number, number] } };
    expect(send(model, as(ada), point).ok).toBe(false);
    settings(model, { startRule: { kind: 'choose' } });
    const outside = send(model, as(ada), { type: 'chooseStart', payload: { point: [1e3, 0] } });
    expect(outside.ok ? null : outside.refusal).toMatchObject({ code: 'out-of-range', path: 'point' });
    expect(send(model, as(ada), point).ok).toBe(true);
    expect(model.players.get(ada.id)?.start).toEqual([0.5, 0.5]);
    host(model, 'host:start');
    ticks(model, model.countdownTicks);
    expect(model.frame?.racers[0]).toMatchObject({ x: 0.5, y: 0.5 });
    const late = send(model, as(ada), point);
    expect(late.ok ? null : late.refusal.message).toMatch(/already started/);
  });
});

describe('settings', () => {
  it('a partial update merges over the settings as last accepted, and is validated whole', () => {
    const { model } = roomIn('lobby');
    expect(settings(model, { roundSeconds: 30 }).ok).toBe(true);
    expect(settings(model, { lateJoin: false }).ok).toBe(true);
    expect(model.settings).toMatchObject({ roundSeconds: 30, lateJoin: false, landscape: { kind: 'sharp-vs-flat' } });
    const before = model.settings;
    const bad = settings(model, { roundSeconds: 1e9 });
    expect(bad.ok ? null : bad.refusal).toMatchObject({ code: 'out-of-range', path: 'settings.roundSeconds' });
    const countdown = settings(model, { countdownSeconds: 11 });
    expect(countdown.ok ? null : countdown.refusal).toMatchObject({ code: 'out-of-range', path: 'settings.countdownSeconds' });
    const unknown = settings(model, { roundSecs: 3 });
    expect(unknown.ok ? null : unknown.refusal.path).toBe('settings.roundSecs');
    expect(model.settings).toBe(before);
  });

  it('players keep knobs that still fit; others get the new default; a new start rule clears chosen starts', () => {
    const { model, ada } = roomIn('lobby');
    settings(model, { startRule: { kind: 'choose' } });
    send(model, as(ada), { type: 'setKnobs', payload: { optimizer: { kind: 'adam', lr: 0.05 } } });
    send(model, as(ada), { type: 'chooseStart', payload: { point: [0.5, 0.5] } });
    settings(model, { roundSeconds: 20 });
    expect(model.players.get(ada.id)?.optimizer).toMatchObject({ kind: 'adam', lr: 0.05 });
    expect(model.players.get(ada.id)?.start).toEqual([0.5, 0.5]);
    settings(model, { allowedOptimizers: ['sgd'], startRule: { kind: 'random' } });
    expect(model.players.get(ada.id)?.optimizer).toEqual(model.settings.defaultOptimizer);
    expect(model.players.get(ada.id)?.start).toBeNull();
  });

  it('a seed the host fixed is every round’s seed; otherwise each round draws one', () => {
    const { model } = roomIn('lobby');
    host(model, 'host:start');
    expect(model.roundSeed).toBe(42); // the room's random source
    host(model, 'host:end');
    model.continueScoring(() => false);
    settings(model, { seed: 'fixed' });
    host(model, 'host:start');
    expect(model.roundSeed).toBe('fixed');
    expect(model.round).toBe(2);
  });

  it('settings on the results screen go back to the lobby; the tick length follows the tick rate', () => {
    const { model } = roomIn('results');
    expect(settings(model, { tickRate: 10 }).ok).toBe(true);
    expect(model.phase).toBe('lobby');
    expect(model.tickMs).toBe(100);
    expect(model.slowEvery).toBe(10);
  });
});

describe('results', () => {
  it('one ranked row per racer with the room’s columns, an id under the room code, the settings it ran with', () => {
    const { model, ada } = roomIn('lobby');
    const bob = join(model, { name: 'Bob' });
    send(model, as(bob), { type: 'setKnobs', payload: { optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 } } });
    host(model, 'host:start');
    ticks(model, model.countdownTicks + 20);
    host(model, 'host:end');
    const finished = model.continueScoring(() => false)!;
    expect(finished.message.roundId).toBe('ABC234-1-tag');
    expect(finished.message.rows.map((r) => r.rank)).toEqual([1, 2]);
    expect(finished.message.rows.map((r) => r.name).sort()).toEqual(['Ada', 'Bob']);
    expect(finished.message.rows.every((r) => r.knobChanges === 0 && r.updates === 20)).toBe(true);
    expect(finished.settings).toMatchObject({ seed: 42, countdownSeconds: 1 });
    expect(finished.record.racers.map((r) => r.id).sort()).toEqual([ada.id, bob.id].sort());
    expect(model.results).toBe(finished.message);
  });
});

describe('the model stands alone', () => {
  it('no file in server/src/room imports Colyseus, the schema, or the adapter', () => {
    const dir = joinPath(import.meta.dirname, '../../server/src/room');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const imports = [...readFileSync(joinPath(dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const i of imports) expect(i, `${f} imports ${i}`).not.toMatch(/colyseus|RaceState|PlayerState|RaceRoom|StateMirror/);
    }
  });
});
