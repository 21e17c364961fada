import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from 'colyseus.js';
import { MOONS_NETWORK_SPEC, replayRace, ROOM_NAME, type RaceRecord, type ResultRow, type ResultsMessage } from '@gradient-rally/shared';
import { RoundStore } from '../../server/src/RoundStore';
import { Bot, joinPlayer, quickSettings, until, waitForPhase } from './harness';
import { type ServerProcess, startServerProcess } from './serverProcess';

/**
 * The real server process (`npx tsx server/src/index.ts`) killed with
 * SIGKILL in the middle of two races — one stepped on the event loop, one on
 * a network in the worker pool — and started again on the same database:
 * each room is back under its code, students and host get their seats back
 * with the token and secret they kept, the races go on, and each final
 * result is exactly what a fresh replay of its stored record gives. With
 * REDIS_URL, the rooms' join-code claims in Redis are checked across the crash.
 */

const running: ServerProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.kill('SIGKILL');
});

async function start(dbPath: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = await startServerProcess({ DB_PATH: dbPath, SIM_WORKERS: '1', ...env });
  running.push(proc);
  return proc;
}

interface Seat {
  name: string;
  playerId: string;
  token: string;
}

interface Classroom {
  code: string;
  secret: string;
  seats: Seat[];
  host: Bot;
  students: Bot[];
}

async function classroom(port: number, settings: Record<string, unknown>, names: string[]): Promise<Classroom> {
  const client = () => new Client(`ws://127.0.0.1:${port}`);
  const host = new Bot(await client().create(ROOM_NAME, { settings }));
  await until(() => host.welcome !== undefined, 10_000, 'host welcome');
  const code = host.welcome!.code;
  const students: Bot[] = [];
  for (const name of names) students.push(await joinPlayer(client(), code, { name, device: `device-${name}-0001` }));
  return {
    code,
    secret: host.welcome!.hostSecret!,
    host,
    students,
    seats: students.map((s) => ({ name: s.welcome!.name!, playerId: s.welcome!.playerId!, token: s.welcome!.playerToken! })),
  };
}

/** Strips what the room adds to a replay's rows (names, knob-change counts). */
function replayedRows(rows: ResultRow[]) {
  return rows.map(({ name: _n, knobChanges: _k, ...r }) => r);
}

describe('crash recovery', () => {
  it('SIGKILL mid-race, restart: same codes, every player back on their racer, results equal a replay of the record', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'gr-crash-')), 'db', 'rounds.sqlite');
    const first = await start(dbPath);
    const light = await classroom(first.port, quickSettings({ roundSeconds: 30, startRule: 'random', seed: 21 }), ['Ada', 'Bob', 'Cy']);
    const heavy = await classroom(
      first.port,
      { landscape: MOONS_NETWORK_SPEC, roundSeconds: 30, countdownSeconds: 0, startRule: 'random', seed: 22 },
      ['Dee', 'Eve'],
    );
    for (const room of [light, heavy]) {
      room.host.host('host:start');
      await waitForPhase(room.host, 'race');
    }
    await until(() => light.host.state.tick > 20 && heavy.host.state.tick > 20, 20_000, 'both races under way');
    // Knob changes during the race: recorded with their tick, checkpointed at once.
    light.students[0].send('setKnobs', { optimizer: { kind: 'sgd', lr: 0.03, momentum: 0.9 } });
    heavy.students[1].send('setKnobs', { optimizer: { kind: 'adam', lr: 0.02 } });
    light.host.host('host:kick', { playerId: light.seats[2].playerId, ban: true });
    await until(() => light.students[2].closedWith !== undefined, 10_000, 'the kick');
    const tickBefore = { light: light.host.state.tick as number, heavy: heavy.host.state.tick as number };
    // A checkpoint is written within a second of any change; give it that second, then kill.
    const t0 = Date.now();
    await until(() => Date.now() - t0 > 1_500 && light.host.state.tick > tickBefore.light + 20, 20_000, 'a checkpoint after the changes');
    const tickAtKill = { light: light.host.state.tick as number, heavy: heavy.host.state.tick as number };
    first.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    // The old clients' sockets died with the process; the test goes on with fresh clients, as reloaded pages would.
    const second = await start(dbPath);
    expect(second.output()).toContain('"event":"rooms-restored"');
    const client = () => new Client(`ws://127.0.0.1:${second.port}`);
    const summary: string[] = [];
    const rooms = [
      ['light', light],
      ['heavy', heavy],
    ] as const;
    // Everyone comes back first (both races go on meanwhile): the host with the secret, each student with their token.
    const returned = [];
    for (const [label, room] of rooms) {
      const host = new Bot(await client().joinById(room.code, { hostSecret: room.secret }));
      await until(() => host.welcome !== undefined && host.state?.phase !== undefined, 10_000, 'host back');
      expect(host.welcome!.role).toBe('host');
      const seats = label === 'light' ? room.seats.slice(0, 2) : room.seats;
      const back: Bot[] = [];
      for (const seat of seats) {
        const bot = await joinPlayer(client(), room.code, { playerToken: seat.token });
        expect(bot.welcome).toMatchObject({ playerId: seat.playerId, name: seat.name, code: room.code });
        back.push(bot);
      }
      expect(host.state.phase).toBe('race');
      returned.push({ label, room, host, seats, back });
    }
    // The banned student stays out, under their nickname or from their device.
    await expect(client().joinById(light.code, { name: 'Cy' })).rejects.toThrow(/removed you/);
    await expect(client().joinById(light.code, { name: 'Newname', device: 'device-Cy-0001' })).rejects.toThrow(/removed you/);

    const restoredAt = new Map(
      second
        .logLines()
        .filter((l) => l.event === 'room-restored')
        .map((l) => [l.room as string, l.tick as number]),
    );
    for (const { label, room, host, seats, back } of returned) {
      // The room came back at its last checkpoint: at most the last second or so of race is lost.
      const resumedAt = restoredAt.get(room.code)!;
      const lost = tickAtKill[label] - resumedAt;
      expect(lost).toBeGreaterThanOrEqual(0);
      expect(lost).toBeLessThanOrEqual(40);
      const results: ResultsMessage = await host.next('results', () => true, 60_000);
      for (const bot of back) expect(bot.player()).toBeDefined();

      const store = new RoundStore(dbPath);
      const stored = store.getRound(results.roundId, room.secret)!;
      store.close();
      const record = stored.record as RaceRecord;
      expect(results.rows.map((r) => r.id).sort()).toEqual(seats.map((s) => s.playerId).sort());
      expect(record.changes.length).toBeGreaterThanOrEqual(1); // the knob change made before the crash
      const replay = replayRace(record);
      expect(JSON.stringify(replayedRows(results.rows))).toBe(JSON.stringify(replay.results));
      summary.push(
        `${label} room ${room.code}: killed at tick ${tickAtKill[label]}, resumed at tick ${resumedAt} (${lost} ticks lost), ` +
          `${back.length} players back on their racers, round finished at tick ${results.ticks}; ` +
          `results equal a fresh replay of the stored record (${record.racers.length} joins, ${record.changes.length} knob changes, ${record.removals.length} removals)`,
      );
    }
    console.log(`crash recovery:\n  ${summary.join('\n  ')}`);
  });
});

/** Runs when REDIS_URL names a Redis of the test's own (its keys are read with redis-cli). */
const REDIS_URL = process.env.REDIS_URL;

function redis(...args: string[]): string {
  const url = new URL(REDIS_URL!);
  const out = spawnSync('redis-cli', ['-h', url.hostname, '-p', url.port || '6379', ...args]);
  if (out.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${out.stderr}`);
  return out.stdout.toString().trim();
}

/** The claim on a join code in Redis: who holds it and how many seconds it has left (-2: no claim). */
function claimOf(code: string): { owner: string; ttl: number } {
  const key = `gradient-rally:code:${code}`;
  return { owner: redis('get', key), ttl: Number(redis('ttl', key)) };
}

describe.skipIf(!REDIS_URL)('join-code claims in Redis across a crash (REDIS_URL)', () => {
  it('carry an expiry, are released when their room closes, survive SIGKILL only for their TTL, and come back to the restored room', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'gr-crash-redis-')), 'rounds.sqlite');
    // The limits' windows live in this Redis too; this test is about claims, the limits have their own tests.
    const env = { REDIS_URL: REDIS_URL!, LIMIT_CREATES: '1000000/60', LIMIT_JOINS: '1000000/60' };
    const first = await start(dbPath, env);
    expect(first.output()).toContain('"redis":true');
    const racing = await classroom(first.port, quickSettings({ roundSeconds: 120, seed: 31 }), ['Ada']);
    const leaving = await classroom(first.port, quickSettings({ roundSeconds: 30 }), []);
    racing.host.host('host:start');
    await waitForPhase(racing.host, 'race');

    // Every live room's code is claimed with an expiry, never forever.
    const claimed = claimOf(racing.code);
    expect(claimed.owner).not.toBe('');
    expect(claimed.owner).not.toBe(racing.secret); // the owner is derived from the secret, not the secret itself
    expect(claimed.ttl).toBeGreaterThan(0);
    expect(claimed.ttl).toBeLessThanOrEqual(180);
    expect(claimOf(leaving.code).ttl).toBeGreaterThan(0);

    // A room that closes normally gives its code back at once.
    await leaving.host.room.leave(true);
    await until(() => claimOf(leaving.code).ttl === -2, 20_000, 'the closed room released its code');

    await until(() => racing.host.state.tick > 60, 20_000, 'race under way, checkpointed');
    first.kill('SIGKILL');
    await first.exited;
    // The killed process released nothing: its claim is still there, but only for what is left of its TTL.
    const afterKill = claimOf(racing.code);
    expect(afterKill.owner).toBe(claimed.owner);
    expect(afterKill.ttl).toBeGreaterThan(0);
    expect(afterKill.ttl).toBeLessThanOrEqual(180);

    // Restarted on its database: the room comes back under its code, claimed again by the same owner and refreshed.
    const second = await start(dbPath, env);
    expect(second.output()).toContain('"event":"rooms-restored"');
    const restored = claimOf(racing.code);
    expect(restored.owner).toBe(claimed.owner);
    expect(restored.ttl).toBeGreaterThan(0);
    const host = new Bot(await new Client(`ws://127.0.0.1:${second.port}`).joinById(racing.code, { hostSecret: racing.secret }));
    await until(() => host.welcome !== undefined && host.state?.phase !== undefined, 10_000, 'host back');
    expect(host.welcome!.role).toBe('host');
    expect(host.state.phase).toBe('race');
    expect(host.state.tick).toBeGreaterThan(30); // at most a second (20 ticks) lost
    const ada = await joinPlayer(new Client(`ws://127.0.0.1:${second.port}`), racing.code, { playerToken: racing.seats[0].token });
    expect(ada.welcome).toMatchObject({ playerId: racing.seats[0].playerId, name: 'Ada' });
    console.log(
      `join-code claims in Redis: claimed with TTL ${claimed.ttl} s; a closed room's claim gone at once; ` +
        `after SIGKILL the claim had ${afterKill.ttl} s left (it expires, never leaks); restored room ${racing.code} holds it again (TTL ${restored.ttl} s), race at tick ${host.state.tick}`,
    );
  });
});
