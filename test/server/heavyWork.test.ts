import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'colyseus.js';
import { MOONS_NETWORK_SPEC, ROOM_NAME } from '@gradient-rally/shared';
import { type Bot, createHost, joinPlayer, until, waitForPhase } from './harness';
import { Canary, median, startServerProcess, type ServerProcess } from './serverProcess';

/**
 * Heavy simulation work, asked for as an attacker or an over-ambitious host
 * would, against the real server process (one race worker): each attack is
 * refused with words naming what to lower, or runs isolated in the worker
 * pool within its room's budget, while a canary room on the event loop
 * keeps ≥ 19 ticks/s and `/health` answers in ≤ 100 ms (median; the machine
 * running the tests is shared). Update gaps of the canary (time between
 * patches its student receives) are reported beside them.
 */

const NET_354 = { kind: 'mlp', dataset: 'spirals', samples: 200, noise: 0.1, layers: [2, 16, 16, 2], activation: 'tanh', seed: 3 };
const LARGEST = { ...NET_354, samples: 2000, layers: [2, 32, 32, 32, 32, 2] };

let server: ServerProcess;
let canary: Canary;
const patches: number[] = [];
const figures: string[] = [];
const bots: Bot[] = [];

beforeAll(async () => {
  server = await startServerProcess({ SIM_WORKERS: '1' });
  canary = await Canary.start(server);
  canary.student.room.onStateChange(() => patches.push(performance.now()));
});

afterAll(async () => {
  canary?.stop();
  for (const b of [...bots, canary?.host, canary?.student]) b?.room.connection.close();
  server?.kill();
  await server?.exited;
  console.log(
    `\n| heavy-work attack | what the server does now | canary ticks/s | canary update gap p50 / p99 / max ms | /health median (max) ms |\n| --- | --- | --- | --- | --- |\n${figures.join('\n')}`,
  );
});

const client = () => new Client(`ws://127.0.0.1:${server.port}`);

/** Runs `attack` under the canary's watch, records the figures and checks the canary kept its pace. */
async function underAttack<T>(label: string, outcome: (result: T) => string, attack: () => Promise<T>): Promise<T> {
  const from = patches.length;
  const m = await canary.measure(attack);
  const gaps = patches
    .slice(from)
    .map((t, i, a) => (i === 0 ? 0 : t - a[i - 1]))
    .slice(1)
    .sort((a, b) => a - b);
  const q = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] ?? Number.NaN;
  const health = median(m.healthMs);
  figures.push(
    `| ${label} | ${outcome(m.result)} | ${m.ticksPerSecond.toFixed(1)} | ${q(0.5).toFixed(0)} / ${q(0.99).toFixed(0)} / ${(gaps.at(-1) ?? Number.NaN).toFixed(0)} | ${health.toFixed(0)} (${Math.max(...m.healthMs).toFixed(0)}) |`,
  );
  expect(m.ticksPerSecond, `${label}: canary tick rate`).toBeGreaterThanOrEqual(19);
  expect(health, `${label}: /health median latency`).toBeLessThanOrEqual(100);
  return m.result;
}

/** Asks for a knob change; resolves with the refusal's message, or null once the state shows the new optimizer. */
async function switchTo(bot: Bot, optimizer: Record<string, unknown>): Promise<string | null> {
  const from = bot.messages.length;
  bot.send('setKnobs', { optimizer });
  let refusal: string | null = null;
  await until(
    () => {
      const error = bot.messages.slice(from).find((m) => m.type === 'error');
      if (error) refusal = error.message.message;
      return error !== undefined || (bot.player()?.optimizerJson ?? '').includes(`"${optimizer.kind}"`);
    },
    20_000,
    'the knob change answered',
  );
  return refusal;
}

/** Creates a room as a host would: a "busy, try again in N s" answer is waited out and tried again. */
async function createHostPatiently(settings: Record<string, unknown>): Promise<Bot> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await createHost(client(), settings);
    } catch (e) {
      const wait = /try again in (\d+) s/.exec((e as Error).message);
      if (!wait || attempt > 20) throw e;
      await new Promise((r) => setTimeout(r, Number(wait[1]) * 1000));
    }
  }
}

async function createRefusal(settings: Record<string, unknown>): Promise<string> {
  try {
    const room = await client().create(ROOM_NAME, { settings });
    room.connection.close();
    return 'created (not refused)';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('heavy simulation work against a running server', () => {
  it('Newton on a 354-parameter network (1 Hz × 1 step, one player) is refused at create and in settings, naming Newton', async () => {
    const settings = { landscape: NET_354, allowedOptimizers: ['sgd', 'newton'], tickRate: 1, stepsPerTick: 1 };
    const [atCreate, inSettings] = await underAttack(
      'Newton on a 354-parameter network, 1 Hz × 1 step, 1 player',
      () => 'refused at create and in settings: "pick another optimizer than Newton" (path settings.allowedOptimizers)',
      async () => {
        const atCreate = await createRefusal(settings);
        const host = await createHost(client());
        bots.push(host);
        const error = await host.expectError('host:settings', { secret: host.welcome!.hostSecret, settings });
        return [atCreate, error] as const;
      },
    );
    expect(atCreate).toMatch(
      /^this round would need ~\d+ ms of computing per second for 1 player, .*Newton.*pick another optimizer than Newton/,
    );
    expect(inSettings).toMatchObject({ code: 'out-of-range', path: 'settings.allowedOptimizers' });
    expect(inSettings.message).toMatch(/^this round would need/);
  });

  it('the largest network, all weights, 60 Hz × 50 steps; and as a 2-D slice at 20 Hz × 2 steps for 10 students: refused', async () => {
    const [full, slice] = await underAttack(
      'largest network (3,330 parameters, 2,000 samples), full space, 60 Hz × 50 steps, 2 players; same as 2-D slice, 20 Hz × 2, 10 players',
      () => 'both refused at create with the share that dominates and what to lower',
      async () => [
        await createRefusal({ landscape: LARGEST, tickRate: 60, stepsPerTick: 50, maxPlayers: 2 }),
        await createRefusal({ landscape: { ...LARGEST, slice: true }, maxPlayers: 10 }),
      ],
    );
    expect(full).toMatch(/^this round would need ~\d+ ms of computing per second/);
    expect(slice).toMatch(/^this round would need ~\d+ ms of computing per second .*(smaller network|lower the players)/);
  });

  it('an infinite formula, 1/(x*0), is refused at settings time with a plain message', async () => {
    const refusal = await underAttack(
      'an infinite formula, 1/(x*0)',
      () => 'refused at create: "this formula is infinite or not a number at every one of 256 points tried…"',
      () => createRefusal({ landscape: { kind: 'expression', expr: '1/(x*0)' } }),
    );
    expect(refusal).toMatch(/this formula is infinite or not a number at every one of 256 points tried across its view/);
  });

  it('a class of 30 on a network, all switching to Newton with SAM: runs in the worker pool up to its budget; switches beyond it are refused', async () => {
    const host = await createHostPatiently({
      landscape: MOONS_NETWORK_SPEC,
      roundSeconds: 600,
      countdownSeconds: 0,
      stepsPerTick: 2,
      maxPlayers: 30,
    });
    bots.push(host);
    const students: Bot[] = [];
    for (let i = 0; i < 30; i++) students.push(await joinPlayer(client(), host.welcome!.code, { name: `Bot ${i}` }));
    bots.push(...students);
    host.host('host:start');
    await waitForPhase(host, 'race');
    const r = await underAttack(
      'a 30-player network room, every student switching to Newton with SAM mid-race',
      (x: { accepted: number; refused: number }) =>
        `runs in the worker pool; ${x.accepted} switches accepted, ${x.refused} refused ("this change would take the room over its computing limit")`,
      async () => {
        const answers = await Promise.all(students.map((s) => switchTo(s, { kind: 'newton', lr: 1, samRadius: 0.05 })));
        const refused = answers.filter((a) => a !== null).length;
        // Keep the heavy room racing for a while under the canary's watch.
        const t0 = Date.now();
        await until(() => Date.now() - t0 > 5_000, 10_000);
        return { accepted: students.length - refused, refused };
      },
    );
    expect(r.accepted).toBeGreaterThan(0);
    expect(r.refused).toBeGreaterThan(0);
    for (const s of students) {
      const err = s.errors.at(-1);
      if (err) expect(err).toMatchObject({ path: 'optimizer', message: expect.stringMatching(/computing limit/) });
    }
    expect(host.state.tick).toBeGreaterThan(0);
  });

  it('rooms filling the worker pool: the next heavy room is told the server is at its computing limit', async () => {
    const heavyClass = { landscape: { ...NET_354, slice: true }, roundSeconds: 600, countdownSeconds: 0, maxPlayers: 2 };
    const result = await underAttack(
      'heavy rooms filling the worker pool (2 Newton racers each on a 354-parameter slice)',
      (x: { rooms: number; refusal: string }) => `${x.rooms} rooms racing in the pool, then: "${x.refusal}"`,
      async () => {
        let rooms = 0;
        let refusal = '';
        for (let k = 0; k < 12 && !refusal; k++) {
          const host = await createHostPatiently(heavyClass);
          bots.push(host);
          const pair: Bot[] = [];
          for (const name of ['A', 'B']) {
            try {
              pair.push(await joinPlayer(client(), host.welcome!.code, { name }));
            } catch (e) {
              refusal = (e as Error).message;
            }
          }
          bots.push(...pair);
          for (const s of pair) {
            const error = await switchTo(s, { kind: 'newton', lr: 1 });
            if (error) refusal = error;
          }
          if (!refusal) {
            host.host('host:start');
            await waitForPhase(host, 'race');
            rooms++;
          }
        }
        const t0 = Date.now();
        await until(() => Date.now() - t0 > 3_000, 10_000);
        return { rooms, refusal };
      },
    );
    expect(result.rooms).toBeGreaterThan(0);
    expect(result.refusal).toMatch(/server is at its computing limit/);
  });
  it('a settings flood (the largest network, 15 times a second for 5 s) takes a bounded share of the event loop', async () => {
    const host = await createHost(client());
    bots.push(host);
    const result = await underAttack(
      'settings flood: largest network, 15 messages/s for 5 s',
      (r: { refusedForWork: number; busy: number }) =>
        `networks built in the worker pool, not on the event loop: ${r.refusedForWork} refused for their cost, ${r.busy} answered "the server is busy building other rooms' networks: try again in N s"`,
      async () => {
        const from = host.messages.length;
        for (let i = 0; i < 75; i++) {
          host.host('host:settings', { settings: { landscape: { ...LARGEST, seed: i + 10 }, maxPlayers: 2 } });
          await new Promise((r) => setTimeout(r, 1000 / 15));
        }
        await until(() => host.messages.slice(from).filter((m) => m.type === 'error').length >= 75, 30_000, 'answers to the flood');
        const errors = host.messages
          .slice(from)
          .filter((m) => m.type === 'error')
          .map((m) => m.message.message as string);
        return {
          refusedForWork: errors.filter((m) => /computing per second/.test(m)).length,
          busy: errors.filter((m) => /the server is busy/.test(m)).length,
          other: errors.filter((m) => !/computing per second|the server is busy|too many messages/.test(m)),
        };
      },
    );
    expect(result.other).toEqual([]);
    expect(result.busy).toBeGreaterThan(0);
  });
});
