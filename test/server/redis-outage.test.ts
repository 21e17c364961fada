import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Client } from 'colyseus.js';
import { ROOM_NAME } from '@gradient-rally/shared';
import { until } from './harness';
import { Canary, freePort, httpFrom, inParallel, median, startServerProcess, type ServerProcess } from './serverProcess';

/**
 * Redis goes away under a running server (REDIS_URL set, a real redis-server
 * started and stopped here): joins and creates are answered at once with one
 * plain sentence, the log says so in one structured line instead of a flood
 * of `[ioredis] Unhandled error event`, rooms already running keep racing,
 * and everything works again when Redis is back.
 */
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

let redisPort = 0;
let redis: ChildProcess | undefined;
let server: ServerProcess;
let canary: Canary;

function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  return until(
    () =>
      spawnSync('redis-cli', ['-p', String(redisPort), 'ping'])
        .stdout?.toString()
        .trim() === 'PONG',
    10_000,
    'redis up',
  );
}

async function stopRedis(): Promise<void> {
  const r = redis;
  if (!r || r.exitCode !== null) return;
  const exited = new Promise((resolve) => r.once('exit', resolve));
  r.kill('SIGKILL'); // as a crash or a lost network would: no goodbye
  await exited;
}

describe.skipIf(!hasRedis)('Redis outage under a running server', () => {
  beforeAll(async () => {
    redisPort = await freePort();
    await startRedis();
    server = await startServerProcess({ REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    canary = await Canary.start(server);
  });

  afterAll(async () => {
    canary?.stop();
    server?.kill();
    await server?.exited;
    await stopRedis();
  });

  it('answers joins and creates "temporarily unavailable" at once, logs one line, keeps rooms racing, and recovers', async () => {
    await stopRedis();
    await until(() => server.logLines().some((l) => l.event === 'redis-unavailable'), 10_000, 'the outage noticed');

    const m = await canary.measure(async () => {
      const answers = await inParallel(20, 5, (i) =>
        httpFrom('127.0.0.2', `${server.url}/matchmake/${i % 2 ? 'create/race' : `joinById/${canary.code}`}`, {
          method: 'POST',
          body: JSON.stringify(i % 2 ? {} : { name: `Student ${i}` }),
          headers: { 'content-type': 'application/json' },
        }),
      );
      // Through colyseus.js, as the page does: the message is what a teacher would read.
      const viaClient = await new Client(`ws://127.0.0.1:${server.port}`).create(ROOM_NAME, {}).then(
        () => 'joined',
        (e: Error) => e.message,
      );
      // Let a few reconnect attempts go by: they must not be logged one by one.
      await new Promise((r) => setTimeout(r, 4000));
      return { answers, viaClient };
    });

    for (const a of m.result.answers) {
      expect(a.status).toBe(503);
      expect(JSON.parse(a.body).error).toBe('the game service is temporarily unavailable: try again in a moment');
      expect(a.ms).toBeLessThan(2000);
    }
    expect(m.result.viaClient).toBe('the game service is temporarily unavailable: try again in a moment');
    expect(m.ticksPerSecond).toBeGreaterThanOrEqual(19);
    expect(median(m.healthMs)).toBeLessThanOrEqual(100);

    const out = server.output();
    expect(server.logLines().filter((l) => l.event === 'redis-unavailable')).toHaveLength(1);
    expect(out).not.toMatch(/\[ioredis\]|Unhandled error event|max retries per request/i);
    expect(out).not.toMatch(/\n\s+at /); // no stack traces

    await startRedis();
    await until(() => server.logLines().some((l) => l.event === 'redis-available'), 15_000, 'Redis back');
    const again = await httpFrom('127.0.0.3', `${server.url}/matchmake/create/race`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body).room.roomId).toMatch(/^[A-Z0-9]{6}$/);
    expect(canary.host.state.phase).toBe('race');
    expect(server.logLines().filter((l) => l.event === 'redis-available')).toHaveLength(1);
    const line = server.logLines().find((l) => l.event === 'redis-unavailable')!;
    console.log(
      `Redis outage: ${m.result.answers.length} joins/creates answered 503 in ≤ ${Math.max(...m.result.answers.map((a) => a.ms)).toFixed(0)} ms; ` +
        `canary ${m.ticksPerSecond.toFixed(1)} ticks/s, /health median ${median(m.healthMs).toFixed(0)} ms; log: ${JSON.stringify(line)}`,
    );
  });
});
