import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import {
  createLandscape,
  decodeTrailSnapshot,
  parseJsonText,
  replayRace,
  SESSION_LIMITS,
  sessionStandings,
  sessionViewSchema,
  type ClientMessage,
  type ResultsMessage,
  type SessionView,
} from '@gradient-rally/shared';
import { localRaceRunners } from '../../server/src/room/RaceRunner';
import { type Actor, RoomModel, type RoomPlayer } from '../../server/src/room/RoomModel';
import { bootGame, createHost, joinPlayer, quickSettings, until, waitForPhase, type Booted, type Bot } from './harness';

/**
 * Sessions that remember (issue 13): several rounds in one room, the
 * scoreboard under the host's rule, the previous round's ghosts, the
 * instructor's note, the bound on rounds, and "Export session" with every
 * round — as plain room logic and through the real server.
 */

const HOST: Actor = { role: 'host' };

function model(settings: Record<string, unknown> = {}): RoomModel {
  let n = 0;
  const m = new RoomModel({
    code: 'SES234',
    settings: {
      landscape: { kind: 'sharp-vs-flat' },
      roundSeconds: null,
      budget: 6,
      tickRate: 20,
      stepsPerTick: 1,
      countdownSeconds: 0,
      ...settings,
    },
    runners: localRaceRunners,
    random: { secret: () => `secret-${String(++n).padStart(4, '0')}`, seed: () => 42 + n, tag: () => `t${n}` },
  });
  m.claimCreatorSeat();
  return m;
}

function join(m: RoomModel, name: string): RoomPlayer {
  const a = m.admit({ name });
  if (!a.ok || a.value.role !== 'player') throw new Error('not admitted');
  return m.seat(a.value)!;
}

function hostSends(m: RoomModel, message: Omit<ClientMessage, 'payload'> & { payload: Record<string, unknown> }) {
  return m.receive(HOST, { ...message, payload: { secret: m.hostSecret, ...message.payload } } as ClientMessage, 0);
}

/** Plays one round to its results (budget rounds end by themselves). */
function playRound(m: RoomModel): ResultsMessage {
  expect(hostSends(m, { type: 'host:start', payload: {} }).ok).toBe(true);
  for (let i = 0; i < 200 && m.phase !== 'scoring'; i++) m.advanceTime(m.tickMs);
  const finished = m.continueScoring(() => false);
  expect(finished).not.toBeNull();
  return finished!.message;
}

describe('Session (room logic)', () => {
  it('combines rounds under the chosen rule, counts a missed round, and bounds the session', () => {
    const m = model();
    const ada = join(m, 'Ada');
    const bob = join(m, 'Bob');
    join(m, 'Cyd');
    const r1 = playRound(m);
    expect(hostSends(m, { type: 'host:nextRound', payload: {} }).ok).toBe(true);
    // Dee only races round 2; Bob leaves before it.
    m.disconnect(bob.id, true);
    m.seatExpired(bob.id);
    join(m, 'Dee');
    const r2 = playRound(m);
    expect(r1.rows).toHaveLength(3);
    expect(r2.rows.map((r) => r.name).sort()).toEqual(['Ada', 'Cyd', 'Dee'].sort());

    const view = m.session.view(m.settings.landscape);
    expect(view.rule).toBe('points');
    expect(view.rounds.map((r) => [r.round, r.racers, r.winner])).toEqual([
      [1, 3, r1.rows[0].name],
      [2, 3, r2.rows[0].name],
    ]);
    // Points by hand: a racer placed r-th of n earns n − r + 1; a missed round earns 0.
    const byHand = new Map<string, number>();
    for (const r of [r1, r2]) for (const row of r.rows) byHand.set(row.name, (byHand.get(row.name) ?? 0) + r.rows.length - row.rank + 1);
    for (const s of view.standings) expect(s.value, s.name).toBe(byHand.get(s.name));
    expect(view.standings.map((s) => s.value)).toEqual([...view.standings.map((s) => s.value)].sort((a, b) => b - a));
    const bobRow = view.standings.find((s) => s.name === 'Bob')!;
    expect(bobRow.perRound[1]).toBeNull();
    expect(bobRow.rounds).toBe(1);

    // Another rule: the view changes, the same rounds behind it.
    hostSends(m, { type: 'host:session', payload: { rule: 'average-rank' } });
    const avg = m.session.view(m.settings.landscape);
    expect(avg.rule).toBe('average-rank');
    const adaAvg = avg.standings.find((s) => s.id === ada.id)!;
    const adaPlaces = [r1, r2].map((r) => r.rows.find((row) => row.id === ada.id)!.rank);
    expect(adaAvg.value).toBeCloseTo((adaPlaces[0] + adaPlaces[1]) / 2, 12);
    // Bob missed round 2: it counts as one place behind its last (4th of 3).
    const bobPlace = r1.rows.find((row) => row.id === bob.id)!.rank;
    expect(avg.standings.find((s) => s.id === bob.id)!.value).toBeCloseTo((bobPlace + 4) / 2, 12);
    expect(avg.standings).toEqual(
      sessionStandings(
        [r1, r2].map((r) => ({
          roundId: r.roundId,
          round: r.round,
          title: 'x',
          rows: r.rows.map(({ id, name, rank, score }) => ({ id, name, rank, score })),
        })),
        'average-rank',
      ),
    );

    // Only the host decides.
    const refused = m.receive(
      { role: 'player', playerId: ada.id },
      { type: 'host:session', payload: { secret: 'nope-nope', rule: 'points' } } as ClientMessage,
      0,
    );
    expect(refused.ok).toBe(false);
  });

  it('a full session refuses the next start with a sentence saying what to do', () => {
    const m = model();
    join(m, 'Ada');
    for (let i = 0; i < SESSION_LIMITS.maxRounds; i++) {
      playRound(m);
      expect(hostSends(m, { type: 'host:nextRound', payload: {} }).ok).toBe(true);
    }
    expect(m.session.view(m.settings.landscape).roundsLeft).toBe(0);
    const out = hostSends(m, { type: 'host:start', payload: {} });
    expect(out.ok).toBe(false);
    if (!out.ok)
      expect(out.refusal.message).toMatch(/played 40 rounds, the most one session keeps: export the session, then host a new game/);
    expect(m.phase).toBe('lobby');
  });

  it('ghosts: the previous round on the same terrain only; the note: only on the terrain it was set for', async () => {
    const m = model();
    join(m, 'Ada');
    join(m, 'Bob');
    expect(m.session.ghosts(m.settings.landscape).snapshot).toBeNull();
    hostSends(m, {
      type: 'host:session',
      payload: { ghosts: true, note: { title: 'Two basins', text: 'The flat one wins under noise.' } },
    });
    expect(m.session.view(m.settings.landscape).note).toEqual({ title: 'Two basins', text: 'The flat one wins under noise.' });
    const r1 = playRound(m);
    // The trails come after the results (from a worker, in the server); until then there are no ghosts.
    expect(m.session.ghosts(m.settings.landscape).snapshot).toBeNull();
    expect(await m.ghostsArrived).toBe(true);
    const ghosts = m.session.ghosts(m.settings.landscape);
    expect(ghosts.round).toBe(1);
    expect(ghosts.racers.map((r) => r.name).sort()).toEqual(['Ada', 'Bob']);
    // The ghost trails end where round 1's racers ended (to the quantisation of the snapshot).
    const trails = decodeTrailSnapshot(ghosts.snapshot!);
    for (const row of r1.rows) {
      const t = trails.find((x) => x.id === row.id)!;
      const end = [t.points[t.points.length - 2], t.points[t.points.length - 1]];
      const box = ghosts.snapshot!.box;
      expect(Math.abs(end[0] - row.drawnEndPoint[0])).toBeLessThan((box.xMax - box.xMin) / 60000);
      expect(Math.abs(end[1] - row.drawnEndPoint[1])).toBeLessThan((box.yMax - box.yMin) / 60000);
    }
    // The same object until something changes (the room broadcasts on a change only).
    expect(m.session.ghosts(m.settings.landscape)).toBe(ghosts);
    expect((await m.catchUp()).ghosts).toBe(ghosts);

    hostSends(m, { type: 'host:nextRound', payload: {} });
    hostSends(m, { type: 'host:settings', payload: { settings: { landscape: { kind: 'himmelblau' } } } });
    expect(m.session.ghosts(m.settings.landscape).snapshot).toBeNull();
    expect(m.session.view(m.settings.landscape).note).toBeNull();
    // A note for a terrain the room is not on shows nowhere (the settings that would bring it were refused)…
    const rosenbrock = { kind: 'rosenbrock', a: 1, b: 100 };
    hostSends(m, { type: 'host:session', payload: { note: { title: 'Elsewhere', text: '', terrain: rosenbrock } } });
    expect(m.session.view(m.settings.landscape).note).toBeNull();
    // …until the room is on it.
    hostSends(m, { type: 'host:settings', payload: { settings: { landscape: { kind: 'rosenbrock' } } } });
    expect(m.settings.landscape).toEqual(rosenbrock);
    expect(m.session.view(m.settings.landscape).note?.title).toBe('Elsewhere');
    hostSends(m, {
      type: 'host:session',
      payload: {
        note: {
          title: 'Two basins',
          text: 'The flat one wins under noise.',
          terrain: createLandscape({ kind: 'sharp-vs-flat' }).spec,
        },
      },
    });
    // Back on the terrain: ghosts and note return; ghosts off hides them.
    hostSends(m, { type: 'host:settings', payload: { settings: { landscape: { kind: 'sharp-vs-flat' } } } });
    expect(m.session.ghosts(m.settings.landscape).round).toBe(1);
    expect(m.session.view(m.settings.landscape).note?.title).toBe('Two basins');
    hostSends(m, { type: 'host:session', payload: { ghosts: false } });
    expect(m.session.ghosts(m.settings.landscape).snapshot).toBeNull();
  });
});

describe('a session through the real server: scoreboard in the state, ghosts, "Export session"', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  const sessionOf = (bot: Bot): SessionView | undefined => {
    const r = parseJsonText(sessionViewSchema, bot.state?.sessionJson ?? '{}');
    return r.ok ? r.value : undefined;
  };

  it('two rounds, three students: the scoreboard, ghosts sent to everyone, and one file with both rounds', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: null, budget: 30 }));
    const code = host.welcome!.code;
    const students = [
      await joinPlayer(server.client(), code, { name: 'Ada' }),
      await joinPlayer(server.client(), code, { name: 'Bob' }),
      await joinPlayer(server.client(), code, { name: 'Cyd' }),
    ];
    students[1].send('setKnobs', { optimizer: { kind: 'adam', lr: 0.05 } });
    host.host('host:session', { ghosts: true, rule: 'points', note: { title: 'Flat beats sharp', text: 'Watch the wide basin.' } });
    await until(() => sessionOf(students[0])?.note?.title === 'Flat beats sharp', 5_000, 'the note reaches a student');
    expect(sessionOf(students[2])?.ghosts).toBe(true);

    const results: ResultsMessage[] = [];
    for (let round = 1; round <= 2; round++) {
      const from = host.messages.length;
      host.host('host:start');
      results.push(await host.next('results', (m) => m.round === round, 20_000, from));
      await until(() => sessionOf(host)?.rounds.length === round, 5_000, `round ${round} on the scoreboard`);
      if (round === 1) {
        // Round 1's racers come back as ghosts, to every student.
        for (const s of students) {
          const g = await s.next('ghosts', (m) => m.round === 1, 5_000);
          expect(g.racers.map((r: { name: string }) => r.name).sort()).toEqual(['Ada', 'Bob', 'Cyd']);
          expect(decodeTrailSnapshot(g.snapshot)).toHaveLength(3);
        }
        host.host('host:nextRound');
        await waitForPhase(host, 'lobby');
      }
    }
    const view = sessionOf(host)!;
    const expected = sessionStandings(
      results.map((r) => ({
        roundId: r.roundId,
        round: r.round,
        title: '',
        rows: r.rows.map(({ id, name, rank, score }) => ({ id, name, rank, score })),
      })),
      'points',
    );
    expect(view.standings).toEqual(expected);
    // By hand: n − rank + 1 points a round (tied racers share a rank, so they share its points).
    const points = new Map<string, number>();
    for (const r of results) for (const row of r.rows) points.set(row.id, (points.get(row.id) ?? 0) + r.rows.length - row.rank + 1);
    expect(view.standings.map((s) => s.value)).toEqual(view.standings.map((s) => points.get(s.id)));
    expect(view.rounds.map((r) => r.roundId)).toEqual(results.map((r) => r.roundId));
    // A student who reloads gets the ghosts again (catch-up), here on the results screen of round 2.
    const late = await joinPlayer(server.client(), code, { name: 'Eve' });
    expect((await late.next('ghosts', () => true, 5_000)).round).toBe(2);

    // Export session: both rounds, one file, behind the host secret.
    const secret = host.welcome!.hostSecret!;
    const get = (path: string, key?: string) => server.http(path, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    const csv = await get(`/api/sessions/${code}.csv`, secret);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain(`gradient-rally-session-${code}.csv`);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    const header = lines[0].split(',');
    expect(header.slice(0, 7)).toEqual(['round', 'round_id', 'finished_at', 'terrain', 'rank', 'player_id', 'name']);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '1', '1', '2', '2', '2']);
    const json = await (await get(`/api/sessions/${code}.json?rule=average-rank`, secret)).json();
    expect(json.format).toBe('gradient-rally/session');
    expect(json.rule).toBe('average-rank');
    expect(json.rounds.map((r: { roundId: string }) => r.roundId)).toEqual(results.map((r) => r.roundId));
    // Each round in the file replays exactly.
    for (const r of json.rounds) {
      const { positions } = replayRace(r.record);
      for (const row of r.results.rows) expect(positions[row.id]).toEqual(row.endPoint);
    }
    expect((await get(`/api/sessions/${code}.csv`)).status).toBe(401);
    expect((await get(`/api/sessions/${code}.csv`, 'wrong-secret-123456')).status).toBe(404);
    expect((await get(`/api/sessions/${code}.json?rule=best`, secret)).status).toBe(400);
    expect(
      (await server.http(`/api/sessions/${code}.csv`, { method: 'DELETE', headers: { authorization: `Bearer ${secret}` } })).status,
    ).toBe(405);
  });
});
