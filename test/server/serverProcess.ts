/**
 * The real server process for attack tests (`npx tsx server/src/index.ts`,
 * as `npm start` runs it), an attacker that can speak from any loopback
 * address (127.0.0.0/8 is all loopback on Linux, so 127.0.0.2 is "another
 * machine" to the server), and a canary room racing throughout, whose tick
 * rate and `/health` latency each attack test checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'colyseus.js';
import { ROOM_NAME } from '@gradient-rally/shared';
import { Bot, joinPlayer, quickSettings, until, waitForPhase } from './harness';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  exited: Promise<number | null>;
  /** Everything the process wrote (stdout and stderr), as text. */
  output(): string;
  /** Parsed JSON log lines written so far. */
  logLines(): Record<string, unknown>[];
  kill(signal?: NodeJS.Signals): void;
}

export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gr-attack-'));
  const child = spawn('npx', ['tsx', 'server/src/index.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DB_PATH: join(dir, 'rounds.sqlite'),
      STATIC_DIR: join(dir, 'no-client'),
      LOG_LEVEL: 'info',
      // One process on its own: Redis (and its shared per-address windows) only when a test asks for it.
      REDIS_URL: '',
      ...env,
    },
    detached: true, // its own process group, so a kill reaches tsx's child too
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc: ServerProcess = {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    exited,
    output: () => out,
    logLines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    kill(signal = 'SIGKILL') {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* already gone */
      }
    },
  };
  try {
    await until(() => out.includes('"event":"listening"'), 60_000, 'server listening');
  } catch {
    proc.kill();
    throw new Error(`server did not start; its output: ${out.slice(-2000)}`);
  }
  return proc;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

/**
 * One HTTP request from a chosen loopback address (`from`), with a fresh
 * connection (no keep-alive pooling across "machines").
 */
export function httpFrom(
  from: string,
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', localAddress: from, headers: init.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.setTimeout(init.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer within ${init.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Runs `count` jobs with at most `parallel` in flight; resolves with their results in order. */
export async function inParallel<T>(count: number, parallel: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await job(i);
      }
    }),
  );
  return results;
}

/**
 * A room racing for ten minutes (host and one student, from 127.0.0.1), and a
 * probe of `/health` every 200 ms. `measure(fn)` runs an attack and reports
 * the canary's simulation ticks per second over it and the `/health` latencies.
 */
export class Canary {
  readonly healthMs: number[] = [];
  private samples: { t: number; tick: number }[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private probing = false;

  private constructor(
    readonly server: ServerProcess,
    readonly host: Bot,
    readonly student: Bot,
  ) {}

  static async start(server: ServerProcess): Promise<Canary> {
    const client = () => new Client(`ws://127.0.0.1:${server.port}`);
    const host = new Bot(
      await client().create(ROOM_NAME, { settings: quickSettings({ roundSeconds: 600, tickRate: 20, stepsPerTick: 2 }) }),
    );
    await until(() => host.welcome !== undefined && host.state?.code !== undefined, 10_000, 'canary host');
    const student = await joinPlayer(client(), host.welcome!.code, { name: 'Canary' });
    host.host('host:start');
    await waitForPhase(host, 'race');
    const canary = new Canary(server, host, student);
    canary.timer = setInterval(() => canary.sample(), 200);
    return canary;
  }

  get code(): string {
    return this.host.welcome!.code;
  }

  private sample(): void {
    this.samples.push({ t: performance.now(), tick: this.host.state.tick as number });
    if (this.probing) return;
    this.probing = true;
    httpFrom('127.0.0.1', `${this.server.url}/health`, { timeoutMs: 10_000 })
      .then((r) => this.healthMs.push(r.ms))
      .catch(() => this.healthMs.push(Number.POSITIVE_INFINITY))
      .finally(() => (this.probing = false));
  }

  /**
   * Runs `attack`, then keeps measuring for `afterMs` more, and reports the
   * canary's ticks per second (its own tick counter over wall time, from the
   * first sample to the last) and /health latencies over that stretch.
   */
  async measure<T>(attack: () => Promise<T>, afterMs = 3000): Promise<{ result: T; ticksPerSecond: number; healthMs: number[] }> {
    const fromSample = this.samples.length;
    const fromHealth = this.healthMs.length;
    const result = await attack();
    const t0 = performance.now();
    await until(() => performance.now() - t0 >= afterMs && this.samples.length - fromSample >= 10, afterMs + 10_000, 'canary samples');
    const window = this.samples.slice(Math.max(0, fromSample - 1));
    const first = window[0];
    const last = window[window.length - 1];
    if (this.host.state.phase !== 'race') throw new Error(`the canary race is no longer running (phase ${this.host.state.phase})`);
    return {
      result,
      ticksPerSecond: ((last.tick - first.tick) * 1000) / (last.t - first.t),
      healthMs: this.healthMs.slice(fromHealth),
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
