import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { freePort } from './serverProcess';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'colyseus.js';
import { ROOM_NAME } from '@gradient-rally/shared';
import { Bot, joinPlayer, quickSettings, until, waitForPhase } from './harness';

/**
 * Scale-out: two server processes sharing one Redis serve one join-code space.
 * Runs only when REDIS_URL is set (CI starts redis-server).
 */
const REDIS_URL = process.env.REDIS_URL;

const children: ChildProcess[] = [];

async function startServer(dbPath: string): Promise<number> {
  const port = await freePort();
  const child = spawn('npx', ['tsx', 'server/src/index.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_ADDRESS: `127.0.0.1:${port}`,
      DB_PATH: dbPath,
      REDIS_URL,
      LOG_LEVEL: 'info',
      STATIC_DIR: '/nonexistent',
      // Every test file creates its rooms from 127.0.0.1 and the windows live in the shared Redis:
      // this test is about scale-out, the limits have their own tests.
      LIMIT_CREATES: '1000000/60',
      LIMIT_JOINS: '1000000/60',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  try {
    await until(() => out.includes('"event":"listening"'), 60_000, 'listening');
  } catch {
    throw new Error(`server did not start: ${out.slice(-2000)}`);
  }
  expect(out).toContain('"redis":true');
  return port;
}

afterAll(() => {
  for (const c of children) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

describe.skipIf(!REDIS_URL)('scale-out with Redis (REDIS_URL)', () => {
  it('a class created on one process is joined through the other, and a round runs across them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gr-redis-'));
    const portA = await startServer(join(dir, 'a.sqlite'));
    const portB = await startServer(join(dir, 'b.sqlite'));
    const viaA = () => new Client(`ws://127.0.0.1:${portA}`);
    const viaB = () => new Client(`ws://127.0.0.1:${portB}`);

    const host = new Bot(await viaA().create(ROOM_NAME, { settings: quickSettings({ roundSeconds: 5 }) }));
    await until(() => host.welcome !== undefined, 5_000, 'welcome');
    const code = host.welcome!.code;
    const ada = await joinPlayer(viaB(), code, { name: 'Ada' }); // matchmaking through B
    const bob = await joinPlayer(viaA(), code, { name: 'Bob' });
    await until(() => host.state.players.size === 2, 5_000, 'both players in the room');
    expect(ada.state.code).toBe(code);

    host.host('host:start');
    await waitForPhase(host, 'race');
    const results = await ada.next('results', () => true, 20_000);
    expect(results.rows.map((r: any) => r.name).sort()).toEqual(['Ada', 'Bob']);
    expect(bob.closedWith).toBeUndefined();

    // A second class created through B gets a different code from the shared code space.
    const host2 = new Bot(await viaB().create(ROOM_NAME, { settings: quickSettings() }));
    await until(() => host2.welcome !== undefined, 5_000, 'welcome 2');
    expect(host2.welcome!.code).not.toBe(code);
    await joinPlayer(viaA(), host2.welcome!.code, { name: 'Cyd' });
  });
});
