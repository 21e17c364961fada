import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { freePort } from './serverProcess';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'colyseus.js';
import { ROOM_NAME } from '@gradient-rally/shared';
import { RoundStore } from '../../server/src/RoundStore';
import { Bot, joinPlayer, quickSettings, until, waitForPhase } from './harness';

/**
 * The real process (`npx tsx server/src/index.ts`), killed without warning
 * right after a round ends: the round must already be on disk. And SIGTERM in
 * the middle of a race: the server finishes and saves the round before exiting.
 */

interface Proc {
  child: ChildProcess;
  port: number;
  exited: Promise<number | null>;
  output(): string;
}

const running: Proc[] = [];

async function startServer(dbPath: string): Promise<Proc> {
  const port = await freePort();
  const child = spawn('npx', ['tsx', 'server/src/index.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      PORT: String(port),
      DB_PATH: dbPath,
      LOG_LEVEL: 'info',
      STATIC_DIR: join(dbPath, '..', 'none'),
      HOST: '127.0.0.1',
    },
    detached: true, // its own process group, so a kill reaches tsx's child too
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc = { child, port, exited, output: () => out };
  running.push(proc);
  try {
    await until(() => out.includes('"event":"listening"'), 60_000, 'server listening');
  } catch (_e) {
    throw new Error(`server did not start; its output: ${out.slice(-2000)}`);
  }
  return proc;
}

function killGroup(proc: Proc, signal: NodeJS.Signals): void {
  try {
    process.kill(-proc.child.pid!, signal);
  } catch {
    /* already gone */
  }
}

afterEach(() => {
  for (const p of running.splice(0)) killGroup(p, 'SIGKILL');
});

describe('durability of finished rounds', () => {
  it('a round that finished is in storage after SIGKILL, and served again after restart', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'gr-durable-')), 'db', 'rounds.sqlite');
    const proc = await startServer(dbPath);
    const client = () => new Client(`ws://127.0.0.1:${proc.port}`);
    const host = new Bot(await client().create(ROOM_NAME, { settings: quickSettings({ roundSeconds: 5 }) }));
    await until(() => host.welcome !== undefined, 5_000, 'welcome');
    const code = host.welcome!.code;
    const secret = host.welcome!.hostSecret!;
    await joinPlayer(client(), code, { name: 'Ada' });
    await joinPlayer(client(), code, { name: 'Bob' });
    host.host('host:start');
    await waitForPhase(host, 'race');
    const results = await host.next('results', () => true, 20_000);

    killGroup(proc, 'SIGKILL');
    expect(await proc.exited).toBe(null); // killed by signal, no exit code

    const store = new RoundStore(dbPath);
    const stored = store.getRound(results.roundId, secret)!;
    store.close();
    expect(stored).toBeDefined();
    expect((stored.results as any).rows).toHaveLength(2);
    expect((stored.record as any).racers).toHaveLength(2);
    expect(stored.results).toEqual(results);

    const again = await startServer(dbPath);
    const res = await fetch(`http://127.0.0.1:${again.port}/api/rounds/${results.roundId}.json?secret=${encodeURIComponent(secret)}`);
    expect(res.status).toBe(200);
    expect((await res.json()).results.roundId).toBe(results.roundId);
    killGroup(again, 'SIGKILL');
    await again.exited;
  });

  it('SIGTERM during a race finishes the round and saves it before exiting', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'gr-durable-')), 'rounds.sqlite');
    const proc = await startServer(dbPath);
    const client = () => new Client(`ws://127.0.0.1:${proc.port}`);
    const host = new Bot(await client().create(ROOM_NAME, { settings: quickSettings({ roundSeconds: 60 }) }));
    await until(() => host.welcome !== undefined, 5_000, 'welcome');
    const code = host.welcome!.code;
    await joinPlayer(client(), code, { name: 'Ada' });
    host.host('host:start');
    await waitForPhase(host, 'race');
    await until(() => host.state.tick > 10, 5_000, 'race under way');

    // SIGTERM to the whole group, as a container runtime or Ctrl-C would; wait
    // until the server process itself has written its last log line.
    killGroup(proc, 'SIGTERM');
    try {
      await until(() => proc.output().includes('"event":"closed"'), 30_000, 'server closed after SIGTERM');
    } catch {
      throw new Error(`no clean shutdown after SIGTERM; server output: ${proc.output().slice(-3000)}`);
    }
    await proc.exited;
    const store = new RoundStore(dbPath);
    const ids = store.roundIds(code);
    expect(ids).toHaveLength(1);
    const stored = store.getRound(ids[0])!;
    store.close();
    expect((stored.results as any).rows.map((r: any) => r.name)).toEqual(['Ada']);
    expect((stored.results as any).ticks).toBeGreaterThan(10);
  });
});
