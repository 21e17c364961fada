import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { MemoryAttemptLog, RedisAttemptLog, type AttemptLog } from '../../server/src/http/AttemptLog';
import { until } from './harness';
import { freePort } from './serverProcess';

/**
 * The sliding-window log behaves the same in Redis (shared by every process
 * behind one balancer) as in memory: same admissions, same waits, refunds.
 * Runs against a real redis-server started here.
 */
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

describe.skipIf(!hasRedis)('attempt log in Redis', () => {
  let server: ChildProcess;
  let redis: Redis;

  beforeAll(async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await until(
      () =>
        spawnSync('redis-cli', ['-p', String(port), 'ping'])
          .stdout?.toString()
          .trim() === 'PONG',
      10_000,
      'redis up',
    );
    redis = new Redis({ port, host: '127.0.0.1' });
  });

  afterAll(async () => {
    redis?.disconnect();
    server?.kill('SIGKILL');
  });

  it('admits, refuses and refunds exactly as the in-memory log does', async () => {
    const logs: AttemptLog[] = [new MemoryAttemptLog(), new RedisAttemptLog(redis, `test:${Date.now()}:`)];
    const rule = { limit: 3, seconds: 10 };
    const script: [string, number][] = [
      ['a', 0],
      ['a', 4000],
      ['a', 9000],
      ['a', 9500],
      ['a', 10_001],
      ['a', 14_001],
      ['a', 14_002],
      ['b', 14_002],
    ];
    const outcomes = await Promise.all(
      logs.map(async (log) => {
        const seen: (boolean | number)[] = [];
        for (const [key, now] of script) {
          const r = await log.take(key, rule, now);
          seen.push(r.ok ? true : r.retryAfterSeconds);
        }
        // A refund frees a slot at once.
        const r = await log.take('c', { limit: 1, seconds: 60 }, 0);
        if (!r.ok) throw new Error('first take refused');
        seen.push((await log.take('c', { limit: 1, seconds: 60 }, 1)).ok);
        await log.refund('c', r.receipt);
        seen.push((await log.take('c', { limit: 1, seconds: 60 }, 2)).ok);
        return seen;
      }),
    );
    expect(outcomes[0]).toEqual([true, true, true, 1, true, true, 5, true, false, true]);
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('lets exactly `limit` of many concurrent attempts through', async () => {
    const log = new RedisAttemptLog(redis, `test:${Date.now()}:`);
    const results = await Promise.all(Array.from({ length: 100 }, () => log.take('burst', { limit: 7, seconds: 60 })));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
  });
});
