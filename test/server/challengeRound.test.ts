import { afterAll, describe, expect, it } from 'vitest';
import { challengeById, challengeRoomSettings, parseRaceSettings, type ClientMessage, type JoinOptions } from '@gradient-rally/shared';
import { createLogger } from '../../server/src/logger';
import { localRaceRunners, type RaceRunner } from '../../server/src/room/RaceRunner';
import { type Actor, RoomModel, type RoomPlayer } from '../../server/src/room/RoomModel';
import { RacePool } from '../../server/src/sim/RacePool';

/**
 * A challenge run as a class round in the room model (issue 10, "In class"):
 * the host's `challenge` setting applies the challenge's preset through the
 * ordinary settings path (terrain, round, allowed optimizers, locks), the locks
 * hold against players, a bad id is refused naming the field, a new terrain
 * clears the challenge, and every results row comes back judged — the same in
 * this thread and in a race worker.
 */

function room(settings: Record<string, unknown> = {}): RoomModel {
  let n = 0;
  const model = new RoomModel({
    code: 'ABC234',
    settings: { ...(settings.challenge ? {} : { landscape: { kind: 'sharp-vs-flat' } }), countdownSeconds: 0, ...settings },
    runners: localRaceRunners,
    random: { secret: () => `secret-${String(++n).padStart(4, '0')}`, seed: () => 42, tag: () => 'tag' },
  });
  expect(model.claimCreatorSeat()).toBe(true);
  return model;
}

function join(model: RoomModel, options: JoinOptions): RoomPlayer {
  const admission = model.admit(options);
  if (!admission.ok || admission.value.role !== 'player') throw new Error('not admitted');
  const player = model.seat(admission.value);
  if (!player) throw new Error('not seated');
  return player;
}

const HOST: Actor = { role: 'host' };
const as = (p: RoomPlayer): Actor => ({ role: 'player', playerId: p.id });
const send = (model: RoomModel, actor: Actor, message: ClientMessage) => model.receive(actor, message, 0);
const settings = (model: RoomModel, patch: Record<string, unknown>) =>
  send(model, HOST, { type: 'host:settings', payload: { secret: model.hostSecret, settings: patch as never } });
const host = (model: RoomModel, type: 'host:start' | 'host:end') => send(model, HOST, { type, payload: { secret: model.hostSecret } });
const knobs = (optimizer: Record<string, unknown>) => ({ type: 'setKnobs' as const, payload: { optimizer: optimizer as never } });

describe('the challenge setting', () => {
  it('applies the challenge’s preset through the settings path; the settings say which challenge', () => {
    const model = room({ roundSeconds: 90, maxPlayers: 12 });
    expect(settings(model, { challenge: 'matyas-momentum' }).ok).toBe(true);
    const preset = challengeById('matyas-momentum')!.preset.settings;
    expect(model.settings).toMatchObject({
      challenge: 'matyas-momentum',
      landscape: { kind: 'matyas' },
      roundSeconds: preset.roundSeconds ?? 30,
      allowedOptimizers: ['sgd'],
      maxPlayers: 12, // a room field the challenge does not own stays
    });
    expect([...model.settings.lockedKnobs].sort()).toEqual([...preset.lockedKnobs].sort());
    expect(model.settings.startRule).toEqual(preset.startRule);
  });

  it('the locks hold: a player may turn momentum, not the learning rate, and only SGD', () => {
    const model = room({ challenge: 'matyas-momentum' });
    const ada = join(model, { name: 'Ada' });
    expect(ada.optimizer).toMatchObject({ kind: 'sgd', lr: 0.1 });
    expect(send(model, as(ada), knobs({ kind: 'sgd', lr: 0.1, momentum: 0.5 })).ok).toBe(true);
    const lr = send(model, as(ada), knobs({ kind: 'sgd', lr: 0.2, momentum: 0.5 }));
    expect(lr.ok ? null : lr.refusal).toMatchObject({ code: 'out-of-range', path: 'optimizer.lr' });
    const adam = send(model, as(ada), knobs({ kind: 'adam', lr: 0.1 }));
    expect(adam.ok ? null : adam.refusal).toMatchObject({ code: 'out-of-range', path: 'optimizer.kind' });
    expect(model.players.get(ada.id)?.optimizer).toMatchObject({ lr: 0.1, momentum: 0.5 });
  });

  it('a bad id, or a challenge judged in solo only, is refused naming the field; nothing changes', () => {
    const model = room();
    const before = model.settings;
    const bad = settings(model, { challenge: 'boothedge' });
    expect(bad.ok ? null : bad.refusal).toMatchObject({ code: 'out-of-range', path: 'settings.challenge' });
    expect(bad.ok ? '' : bad.refusal.message).toMatch(/must be the id of a challenge \(one of booth-edge, .*\) or null, got "boothedge"/);
    const solo = settings(model, { challenge: 'one-valley' });
    expect(solo.ok ? '' : solo.refusal.message).toMatch(/^settings\.challenge: “.+” is judged in solo only: its goal needs the whole run/);
    expect(model.settings).toBe(before);
    expect(model.settings.challenge).toBeNull();
  });

  it('changing the terrain afterwards clears the challenge; a room field does not', () => {
    const model = room({ challenge: 'booth-edge' });
    expect(settings(model, { maxPlayers: 8 }).ok).toBe(true);
    expect(model.settings.challenge).toBe('booth-edge');
    expect(settings(model, { landscape: { kind: 'himmelblau' } }).ok).toBe(true);
    expect(model.settings.challenge).toBeNull();
    expect(model.settingsJson.challenge).toBeUndefined();
    expect(model.settings.landscape).toEqual({ kind: 'himmelblau' });
  });
});

/** Two players, one passing and one not; the round run to its results. */
function playRound(model: RoomModel) {
  const ada = join(model, { name: 'Ada' });
  const bo = join(model, { name: 'Bo' });
  expect(send(model, as(ada), knobs({ kind: 'sgd', lr: 0.108 })).ok).toBe(true);
  expect(send(model, as(bo), knobs({ kind: 'sgd', lr: 0.05 })).ok).toBe(true);
  expect(host(model, 'host:start').ok).toBe(true);
  return { ada, bo };
}

describe('results of a challenge round', () => {
  it('every row is judged against the goal (pass, stars, the measured value)', () => {
    const model = room({ challenge: 'booth-edge' });
    const { ada, bo } = playRound(model);
    for (let i = 0; i < 10_000 && model.phase === 'racing'; i++) model.advanceTime(model.tickMs);
    let finished = model.continueScoring(() => false);
    while (!finished) finished = model.continueScoring(() => false);
    const rows = new Map(finished.message.rows.map((r) => [r.id, r]));
    expect(rows.get(ada.id)?.verdict).toMatchObject({ pass: true, stars: 1, valueText: '2.8 %' });
    expect(rows.get(bo.id)?.verdict).toMatchObject({ pass: false, stars: 0 });
    expect(rows.get(bo.id)?.verdict?.summary).toContain('Not yet');
  });

  it('a round without a challenge has no verdicts', () => {
    const model = room({ landscape: { kind: 'booth' }, roundSeconds: 5 });
    playRound(model);
    expect(host(model, 'host:end').ok).toBe(true);
    const finished = model.continueScoring(() => false)!;
    expect(finished.message.rows.every((r) => r.verdict === undefined)).toBe(true);
  });
});

describe('a race worker judges the same', () => {
  const pool = new RacePool({ size: 1, logger: createLogger('silent') });
  afterAll(() => pool.close());

  async function judgedOn(runner: RaceRunner, ticks: number) {
    runner.join('a', { kind: 'sgd', lr: 0.108 } as never, undefined);
    runner.join('b', { kind: 'sgd', lr: 0.05 } as never, undefined);
    const t0 = Date.now();
    // One tick at a time, each waited for (a worker takes at most a few in flight).
    for (let want = 1; want <= ticks; want++) {
      runner.advance(false);
      while (runner.frame(false).tick < want && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 2));
    }
    const job = runner.score('booth-edge');
    let r = job.continue(() => false);
    while (!r && Date.now() - t0 < 60_000) {
      await new Promise((res) => setTimeout(res, 5));
      r = job.continue(() => false);
    }
    return r!.map((x) => ({ id: x.id, verdict: x.verdict }));
  }

  it('verdicts from a worker equal those computed in this thread', async () => {
    await pool.ready();
    const { challenge: _id, ...race } = challengeRoomSettings(challengeById('booth-edge')!);
    const s = parseRaceSettings({ ...race, seed: 3 });
    const ticks = (s.roundSeconds ?? 30) * s.tickRate;
    const here = await judgedOn(localRaceRunners.start(s, 3), ticks);
    const there = await judgedOn(pool.start(s, 3), ticks);
    expect(there).toEqual(here);
    expect(Object.fromEntries(here.map((r) => [r.id, r.verdict?.pass]))).toEqual({ a: true, b: false });
  });
});
