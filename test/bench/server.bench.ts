/**
 * Server benchmark: simulation tick time (median, p99), patch encoding time,
 * and bytes each client receives per second, for one room of 40 racers and for
 * 10 such rooms in one process, on an analytic and on an MLP landscape.
 *
 * The server runs in this process; the bots (colyseus.js clients) run in a
 * child process so that their decoding does not colour the server's timings.
 * Two peers are measured in the same run, on the same race stepped the same
 * way, with 40 receiving clients each: a naive JSON broadcast of
 * {id, x, y, loss, status} over a bare WebSocket at 20 Hz, and a Colyseus
 * schema with plain float32 x, y, loss and a status byte at 20 patches/s.
 *
 *   npx tsx test/bench/server.bench.ts            (full run, ~3 minutes)
 *   BENCH_QUICK=1 npx tsx test/bench/server.bench.ts   (shorter races)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { matchMaker, Room } from '@colyseus/core';
import { schema, type SchemaType } from '@colyseus/schema';
import { Client, type Room as ClientRoom } from 'colyseus.js';
import WebSocket from 'ws';
import type { WebSocketServer as WebSocketServerType } from 'ws';
import { Race, ROOM_NAME, PATCH_MS } from '@gradient-rally/shared';
import { createGameServer } from '../../server/src/createGameServer';
import { createLogger } from '../../server/src/logger';
import { RaceRoom } from '../../server/src/RaceRoom';

// The hoisted ws is 7.x (Server as a property); its types are 8.x (named export).
const WebSocketServer = (WebSocket as unknown as { Server: typeof WebSocketServerType }).Server;
const QUICK = process.env.BENCH_QUICK === '1';
const RACE_SECONDS = QUICK ? 6 : 15;
const PEER_SECONDS = QUICK ? 4 : 8;
const RACERS = 40;

const ANALYTIC = { kind: 'sharp-vs-flat' };
const MLP = { kind: 'mlp', dataset: 'moons', samples: 200, noise: 0.1, layers: [2, 8, 2], activation: 'tanh', seed: 1, slice: true };

/** Knobs for bot i: a mix of optimizers, half of them noisy so they never settle (worst case for bandwidth). */
function botOptimizer(i: number): Record<string, unknown> {
  const noise = i % 2 ? 0.5 : 0;
  switch (i % 4) {
    case 0:
      return { kind: 'sgd', lr: 0.01 + 0.001 * i, noise };
    case 1:
      return { kind: 'sgd', lr: 0.005 + 0.0005 * i, momentum: 0.9, noise };
    case 2:
      return { kind: 'adam', lr: 0.02 + 0.001 * i, noise };
    default:
      return { kind: 'rmsprop', lr: 0.005 + 0.0002 * i, noise };
  }
}

function raceSettings(landscape: unknown, seconds: number) {
  return { landscape, roundSeconds: seconds, startRule: { kind: 'random' }, countdownSeconds: 0, maxPlayers: RACERS, seed: 11 };
}

// ───────────────────────────── bot process ─────────────────────────────

interface BotJob {
  mode: 'race' | 'peer-schema' | 'peer-json';
  endpoint: string;
  rooms?: number;
  landscape?: unknown;
  seconds: number;
}

interface BotReport {
  bytesPerClientPerSecond: number;
  clients: number;
  disconnects: number;
  seconds: number;
}

function countBytes(room: ClientRoom, counter: { bytes: number }): void {
  const ws = (room.connection as any).transport.ws as WebSocket;
  ws.on('message', (data: Buffer | ArrayBuffer) => {
    counter.bytes += (data as Buffer).byteLength ?? (data as ArrayBuffer).byteLength;
  });
}

async function runBots(job: BotJob): Promise<BotReport> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  if (job.mode === 'peer-json') {
    const counters = Array.from({ length: RACERS }, () => ({ bytes: 0 }));
    const sockets = await Promise.all(
      counters.map(
        (c) =>
          new Promise<WebSocket>((resolve) => {
            const ws = new WebSocket(job.endpoint);
            ws.on('message', (d: Buffer | string) => (c.bytes += typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength));
            ws.on('open', () => resolve(ws));
          }),
      ),
    );
    await sleep(1000);
    const before = counters.map((c) => c.bytes);
    const t0 = performance.now();
    await sleep(job.seconds * 1000);
    const dt = (performance.now() - t0) / 1000;
    const total = counters.reduce((s, c, i) => s + c.bytes - before[i], 0);
    sockets.forEach((s) => s.close());
    return { bytesPerClientPerSecond: total / counters.length / dt, clients: counters.length, disconnects: 0, seconds: dt };
  }
  if (job.mode === 'peer-schema') {
    const client = new Client(job.endpoint);
    const first = await client.create('peer-float32', {});
    const rooms = [first, ...(await Promise.all(Array.from({ length: RACERS - 1 }, () => client.joinById(first.roomId))))];
    const counters = rooms.map((r) => {
      const c = { bytes: 0 };
      countBytes(r, c);
      return c;
    });
    await sleep(1000);
    const before = counters.map((c) => c.bytes);
    const t0 = performance.now();
    await sleep(job.seconds * 1000);
    const dt = (performance.now() - t0) / 1000;
    const total = counters.reduce((s, c, i) => s + c.bytes - before[i], 0);
    await Promise.all(rooms.map((r) => r.leave()));
    return { bytesPerClientPerSecond: total / counters.length / dt, clients: counters.length, disconnects: 0, seconds: dt };
  }

  // A real race: per room one host and 40 students who tune, race, get results.
  const client = new Client(job.endpoint);
  let disconnects = 0;
  const perRoom = await Promise.all(
    Array.from({ length: job.rooms! }, async () => {
      const host = await client.create(ROOM_NAME, { name: 'Host', settings: raceSettings(job.landscape, job.seconds) });
      let secret = '';
      host.onMessage('welcome', (m: any) => (secret = m.hostSecret));
      let results = false;
      host.onMessage('results', () => (results = true));
      host.onMessage('*', () => {});
      const bots: { room: ClientRoom; counter: { bytes: number } }[] = [];
      for (let i = 0; i < RACERS; i++) {
        const room = await client.joinById(host.roomId, { name: `Bot ${i}` });
        room.onMessage('*', () => {});
        room.onLeave((code) => {
          if (!results) disconnects++;
          void code;
        });
        const counter = { bytes: 0 };
        countBytes(room, counter);
        bots.push({ room, counter });
        room.send('setKnobs', { optimizer: botOptimizer(i) });
      }
      while (!secret) await sleep(20);
      await sleep(500);
      host.send('host:start', { secret });
      while (host.state.phase !== 'race') await sleep(10);
      // Steady state only: skip the first second, stop a second before the end
      // (the results message is not racing traffic).
      await sleep(1000);
      const before = bots.map((b) => b.counter.bytes);
      const t0 = performance.now();
      await sleep((job.seconds - 2) * 1000);
      const dt = (performance.now() - t0) / 1000;
      const total = bots.reduce((s, b, i) => s + b.counter.bytes - before[i], 0);
      while (!results) await sleep(20);
      await Promise.all([host.leave(), ...bots.map((b) => b.room.leave())]);
      return { perClient: total / bots.length / dt, dt };
    }),
  );
  const mean = perRoom.reduce((s, r) => s + r.perClient, 0) / perRoom.length;
  return { bytesPerClientPerSecond: mean, clients: job.rooms! * RACERS, disconnects, seconds: perRoom[0].dt };
}

function spawnBots(job: BotJob): Promise<BotReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--bots', JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('REPORT '));
      if (code !== 0 || !line) reject(new Error(`bot process failed (exit ${code}): ${out.slice(-1000)}`));
      else resolve(JSON.parse(line.slice(7)));
    });
  });
}

// ───────────────────────────── peers (server side) ─────────────────────────────

/** A 40-racer race stepped like the room steps it, for the peers to broadcast. */
function peerRace(): Race {
  const { countdownSeconds: _roomOnly, ...settings } = raceSettings(ANALYTIC, 1800);
  const race = new Race(settings, 11);
  for (let i = 0; i < RACERS; i++) race.addRacer(`p${i}`, { optimizer: botOptimizer(i) });
  return race;
}
const STATUS: Record<string, number> = { waiting: 5, racing: 1, diverged: 2, finished: 3, 'budget-spent': 4 };

const PeerRacer = schema({ x: 'float32', y: 'float32', loss: 'float32', status: 'uint8' }, 'PeerRacer');
const PeerState = schema({ racers: { map: PeerRacer } }, 'PeerState');
type PeerState = SchemaType<typeof PeerState>;

/** The "plain float32 schema" reference: every field every tick, 20 patches/s. */
class PeerFloat32Room extends Room<PeerState> {
  private race = peerRace();
  override onCreate(): void {
    this.state = new PeerState();
    for (const r of this.race.racers()) this.state.racers.set(r.id, new PeerRacer());
    this.setPatchRate(50);
    this.setSimulationInterval(() => {
      this.race.tick();
      for (const r of this.race.racers()) {
        const v = this.state.racers.get(r.id)!;
        v.x = r.drawn[0];
        v.y = r.drawn[1];
        v.loss = r.loss;
        v.status = STATUS[r.status];
      }
    }, 50);
  }
}

/** The "naive JSON broadcast" reference on a bare WebSocket server. */
function startJsonPeer(): Promise<{ port: number; stop(): void }> {
  return new Promise((resolve) => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' }, () => {
      const race = peerRace();
      const timer = setInterval(() => {
        race.tick();
        const msg = JSON.stringify(race.racers().map((r) => ({ id: r.id, x: r.drawn[0], y: r.drawn[1], loss: r.loss, status: r.status })));
        for (const ws of wss.clients) ws.send(msg);
      }, 50);
      resolve({
        port: (wss.address() as { port: number }).port,
        stop() {
          clearInterval(timer);
          wss.close();
        },
      });
    });
  });
}

// ───────────────────────────── main ─────────────────────────────

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const game = await createGameServer({
    port: 0,
    host: '127.0.0.1',
    dbPath: ':memory:',
    logger: createLogger(process.env.LOG_LEVEL ?? 'silent'),
    staticDir: '/nonexistent',
    // Every bot connects from 127.0.0.1, standing in for 400 students on their own devices: no per-address limits.
    addressRules: {
      creates: { limit: 1e6, seconds: 60 },
      joins: { limit: 1e6, seconds: 60 },
      wrongCodes: { limit: 1e6, seconds: 60 },
      pendingSeats: 1e6,
      liveRooms: 1e6,
    },
  });
  game.colyseus.define('peer-float32', PeerFloat32Room);
  const port = await game.listen();
  const endpoint = `ws://127.0.0.1:${port}`;

  // Patch encoding time per room, measured by wrapping Colyseus's broadcastPatch (instrumentation only).
  const patchTimes: number[] = [];
  const original = (RaceRoom.prototype as any).broadcastPatch;
  (RaceRoom.prototype as any).broadcastPatch = function (this: { state: { phase: string } }, ...args: unknown[]) {
    const t0 = performance.now();
    const r = original.apply(this, args);
    if (this.state.phase === 'race') patchTimes.push(performance.now() - t0); // racing patches only, not the join burst
    return r;
  };

  // Tick wall time and CPU time (process.cpuUsage: time this process actually ran,
  // so a tick descheduled by other work on the machine does not count).
  const tickWall: number[] = [];
  const tickCpu: number[] = [];
  const originalStep = (RaceRoom.prototype as any).step;
  (RaceRoom.prototype as any).step = function (this: { state: { phase: string } }, ...args: unknown[]) {
    const racing = this.state.phase === 'race';
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = originalStep.apply(this, args);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (racing && this.state.phase === 'race') {
      tickWall.push(wall);
      tickCpu.push((c.user + c.system) / 1000);
    }
    return r;
  };
  const rows: string[][] = [];
  const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '–');

  async function scenario(label: string, landscape: unknown, rooms: number): Promise<number> {
    patchTimes.length = 0;
    tickWall.length = 0;
    tickCpu.length = 0;
    const seen = new Map<string, RaceRoom>();
    const poll = setInterval(async () => {
      for (const r of await matchMaker.query({ name: ROOM_NAME })) {
        const room = matchMaker.getLocalRoomById(r.roomId) as RaceRoom | undefined;
        if (room && !seen.has(r.roomId)) seen.set(r.roomId, room);
      }
    }, 100);
    const report = await spawnBots({ mode: 'race', endpoint, rooms, landscape, seconds: RACE_SECONDS });
    clearInterval(poll);
    const ticks = [...tickWall].sort((a, b) => a - b);
    const cpu = [...tickCpu].sort((a, b) => a - b);
    void seen;
    const patches = [...patchTimes].sort((a, b) => a - b);
    rows.push([
      label,
      String(rooms),
      String(RACERS),
      String(1000 / PATCH_MS),
      fmt(quantile(ticks, 0.5)),
      fmt(quantile(ticks, 0.99)),
      fmt(quantile(cpu, 0.5)),
      fmt(quantile(cpu, 0.99)),
      fmt(quantile(patches, 0.5)),
      fmt(quantile(patches, 0.99)),
      fmt(report.bytesPerClientPerSecond / 1000, 2),
      String(report.disconnects),
    ]);
    return report.bytesPerClientPerSecond;
  }

  // Warm-up race (not reported): a long-running server has JIT-compiled its hot paths.
  await scenario('warm-up', ANALYTIC, 1);
  rows.length = 0;
  const ours1 = await scenario('ours, analytic (sharp-vs-flat)', ANALYTIC, 1);
  await scenario('ours, analytic (sharp-vs-flat)', ANALYTIC, 10);
  // BENCH_SKIP_MLP=1 skips both MLP rows, BENCH_SKIP_MLP10=1 only the 10-room one.
  const oursMlp = process.env.BENCH_SKIP_MLP === '1' ? NaN : await scenario('ours, MLP slice (moons 2-8-2)', MLP, 1);
  if (process.env.BENCH_SKIP_MLP !== '1' && process.env.BENCH_SKIP_MLP10 !== '1') await scenario('ours, MLP slice (moons 2-8-2)', MLP, 10);

  const schemaPeer = await spawnBots({ mode: 'peer-schema', endpoint, seconds: PEER_SECONDS });
  const jsonServer = await startJsonPeer();
  const jsonPeer = await spawnBots({ mode: 'peer-json', endpoint: `ws://127.0.0.1:${jsonServer.port}`, seconds: PEER_SECONDS });
  jsonServer.stop();
  rows.push([
    'peer: plain float32 schema',
    '1',
    String(RACERS),
    '20',
    '',
    '',
    '',
    '',
    '',
    '',
    fmt(schemaPeer.bytesPerClientPerSecond / 1000, 2),
    '',
  ]);
  rows.push([
    'peer: naive JSON broadcast',
    '1',
    String(RACERS),
    '20',
    '',
    '',
    '',
    '',
    '',
    '',
    fmt(jsonPeer.bytesPerClientPerSecond / 1000, 2),
    '',
  ]);

  const header = [
    'scenario',
    'rooms',
    'racers/room',
    'patches/s',
    'tick median ms',
    'tick p99 ms',
    'tick CPU median ms',
    'tick CPU p99 ms',
    'patch median ms',
    'patch p99 ms',
    'KB/s per client',
    'disconnects',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const { loadavg, cpus } = await import('node:os');
  console.log(`\nServer: ${RACE_SECONDS} s races at 20 ticks/s, bytes = WebSocket payload received per client during the race`);
  console.log(
    `Machine: ${cpus().length} cores, load average at the end ${loadavg()[0].toFixed(1)} (timings are noisy when other work runs)`,
  );
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((r) => console.log(line(r)));
  console.log('\nBandwidth ratios (lower is better for ours):');
  console.log(`  ours analytic / plain float32 schema: ${(ours1 / schemaPeer.bytesPerClientPerSecond).toFixed(3)}`);
  console.log(`  ours analytic / naive JSON:           ${(ours1 / jsonPeer.bytesPerClientPerSecond).toFixed(3)}`);
  console.log(`  ours MLP      / plain float32 schema: ${(oursMlp / schemaPeer.bytesPerClientPerSecond).toFixed(3)}`);
  console.log(
    'Reference points from the issue (same machine, earlier): naive JSON 82.8 KB/s, plain float32 schema 13.5 KB/s; target ≤ 4 KB/s, p99 tick ≤ 10 ms.',
  );
  await game.close();
  process.exit(0);
}

const botsArg = process.argv.indexOf('--bots');
if (botsArg >= 0) {
  runBots(JSON.parse(process.argv[botsArg + 1]))
    .then((r) => {
      console.log(`REPORT ${JSON.stringify(r)}`);
      process.exit(0);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
