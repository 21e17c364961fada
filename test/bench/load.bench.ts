/**
 * Classroom load against real server processes, with real colyseus.js
 * clients spread over bot processes (`load-bots.ts`; one Node process
 * saturates near 300 connections):
 *
 * - `classroom`: one server process, 10 rooms × 40 students;
 * - `scaleout`: two server processes behind one Redis (Colyseus presence and
 *   driver, a `redis-server` started for the run), 20 rooms × 40 = 800
 *   students, rooms created through either process and every join made
 *   through either one (the matchmaker sends the socket to the process that
 *   holds the room).
 *
 * Every room races at 20 ticks/s while students change knobs now and then.
 * Printed per scenario: the rooms' ticks/s (from each host's view of the
 * tick counter), the gaps between patches every student received
 * (p50/p99/max), each server's CPU (% of one core) and peak memory,
 * `/health` latency, joins refused and disconnects.
 *
 *   npm run bench -- load                      (both scenarios, 30 s each)
 *   LOAD_SCENARIOS=classroom LOAD_SECONDS=60 npm run bench -- load
 */
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type Room } from 'colyseus.js';
import { ROOM_NAME } from '@gradient-rally/shared';
import { freePort } from '../server/serverProcess';
import { type BotAssignment, type BotMessage, GAP_BUCKETS, type ParentMessage } from './load-bots';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const PER_BOT_PROCESS = 200;

interface Scenario {
  name: string;
  processes: number;
  rooms: number;
  perRoom: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'classroom', processes: 1, rooms: 10, perRoom: 40 },
  { name: 'scaleout', processes: 2, rooms: 20, perRoom: 40 },
].filter((s) => (process.env.LOAD_SCENARIOS ?? 'classroom,scaleout').split(',').includes(s.name));

interface ServerProc {
  child: ChildProcess;
  port: number;
}

async function startServer(port: number, redisUrl: string | undefined): Promise<ServerProc> {
  const dir = mkdtempSync(join(tmpdir(), 'gr-load-'));
  // node itself (not npx): its pid is the server's, whose CPU and memory are sampled (race workers are its threads).
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/index.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DB_PATH: join(dir, 'rounds.sqlite'),
      STATIC_DIR: join(dir, 'no-client'),
      LOG_LEVEL: 'info',
      PUBLIC_ADDRESS: `127.0.0.1:${port}`,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      // Every bot speaks from 127.0.0.1: lift the per-address limits (a classroom behind one NAT would set TRUST_PROXY or raise them too).
      LIMIT_CREATES: '1000/60',
      LIMIT_JOINS: '100000/60',
      LIMIT_WRONG_CODES: '1000/60',
      LIMIT_PENDING_SEATS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      if (out.length < 100_000) out += d;
      if (out.includes('"event":"listening"')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server on ${port} exited (${code}): ${out.slice(-2000)}`)));
  });
  await listening;
  return { child, port };
}

/** CPU seconds (user + system) a process has used so far, and its resident memory in MB. */
function usage(pid: number): { cpu: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpu: ticks / 100, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

function ask(bot: ChildProcess, m: ParentMessage, want: BotMessage['type']): Promise<BotMessage> {
  return new Promise((resolve) => {
    const on = (r: BotMessage) => {
      if (r.type !== want) return;
      bot.off('message', on);
      resolve(r);
    };
    bot.on('message', on);
    bot.send(m);
  });
}

function quantile(histogram: number[], q: number): number {
  const total = histogram.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) {
    seen += histogram[ms];
    if (seen >= q * total) return ms;
  }
  return Number.NaN;
}

async function run(s: Scenario): Promise<string[]> {
  let redis: { port: number } | null = null;
  const servers: ServerProc[] = [];
  const bots: ChildProcess[] = [];
  const hosts: Room[] = [];
  try {
    if (s.processes > 1) {
      const port = await freePort();
      execFileSync('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
      redis = { port };
    }
    for (let i = 0; i < s.processes; i++)
      servers.push(await startServer(await freePort(), redis ? `redis://127.0.0.1:${redis.port}` : undefined));
    const endpoints = servers.map((p) => `ws://127.0.0.1:${p.port}`);

    // Hosts create their rooms through either process.
    const codes: string[] = [];
    const secrets: string[] = [];
    for (let r = 0; r < s.rooms; r++) {
      const host = await new Client(endpoints[r % endpoints.length]).create(ROOM_NAME, {
        settings: {
          landscape: { kind: 'sharp-vs-flat' },
          roundSeconds: 600,
          countdownSeconds: 0,
          startRule: 'random',
          maxPlayers: s.perRoom,
        },
      });
      const welcome = await new Promise<{ code: string; hostSecret: string }>((resolve) => host.onMessage('welcome', resolve));
      host.onMessage('*', () => undefined);
      hosts.push(host);
      codes.push(welcome.code);
      secrets.push(welcome.hostSecret);
    }
    const roomsPerProcess = await Promise.all(
      servers.map(async (p) => ((await (await fetch(`http://127.0.0.1:${p.port}/health`)).json()) as { rooms: number }).rooms),
    );

    // Students join through either process, spread over bot processes.
    const students: BotAssignment[] = [];
    codes.forEach((code, r) => {
      for (let i = 0; i < s.perRoom; i++) students.push({ code, endpoint: endpoints[(r + i) % endpoints.length], name: `S${r}-${i}` });
    });
    const botCount = Math.ceil(students.length / PER_BOT_PROCESS);
    for (let b = 0; b < botCount; b++) {
      bots.push(fork(join(ROOT, 'test/bench/load-bots.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }));
    }
    const t0 = Date.now();
    const joined = await Promise.all(
      bots.map((bot, b) => ask(bot, { type: 'join', students: students.filter((_, i) => i % botCount === b) }, 'joined')),
    );
    const joinSeconds = (Date.now() - t0) / 1000;
    const failed = joined.flatMap((j) => (j.type === 'joined' ? j.failed : []));

    // Race, warm up, then measure.
    hosts.forEach((h, i) => h.send('host:start', { secret: secrets[i] }));
    await new Promise((r) => setTimeout(r, 5_000));
    const before = servers.map((p) => usage(p.child.pid!));
    const botBefore = bots.map((b) => usage(b.pid!));
    const ticks0 = hosts.map((h) => (h.state as { tick: number }).tick);
    const start = performance.now();
    for (const bot of bots) bot.send({ type: 'measure' } satisfies ParentMessage);
    const peakMb = servers.map(() => 0);
    const healthMs: number[] = [];
    while (performance.now() - start < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      servers.forEach((p, i) => {
        peakMb[i] = Math.max(peakMb[i], usage(p.child.pid!).rssMb);
      });
      for (const p of servers) {
        const h0 = performance.now();
        await fetch(`http://127.0.0.1:${p.port}/health`).then((r) => r.arrayBuffer());
        healthMs.push(performance.now() - h0);
      }
    }
    const elapsed = (performance.now() - start) / 1000;
    const reports = (await Promise.all(bots.map((bot) => ask(bot, { type: 'report' }, 'report')))).flatMap((r) =>
      r.type === 'report' ? [r] : [],
    );
    const ticksPerSecond = hosts.map((h, i) => ((h.state as { tick: number }).tick - ticks0[i]) / elapsed).sort((a, b) => a - b);
    const after = servers.map((p) => usage(p.child.pid!));
    const botAfter = bots.map((b) => usage(b.pid!));

    const histogram = new Array<number>(GAP_BUCKETS + 1).fill(0);
    for (const r of reports) r.gapHistogram.forEach((n, ms) => (histogram[ms] += n));
    let maxGap = histogram.length - 1;
    while (maxGap > 0 && histogram[maxGap] === 0) maxGap--;
    const clients = reports.reduce((a, r) => a + r.clients, 0);
    const disconnects = reports.reduce((a, r) => a + r.disconnects, 0);
    const retunes = reports.reduce((a, r) => a + r.retunes, 0);
    healthMs.sort((a, b) => a - b);
    const cpu = servers.map((_, i) => (100 * (after[i].cpu - before[i].cpu)) / elapsed);
    const botCpu = bots.reduce((a, _, i) => a + (100 * (botAfter[i].cpu - botBefore[i].cpu)) / elapsed, 0);
    return [
      `| ${s.name} | ${s.processes} | ${s.rooms} × ${s.perRoom} (${roomsPerProcess.join(' + ')} rooms) | ${clients} (${failed.length} refused, joined in ${joinSeconds.toFixed(0)} s) | ` +
        `${ticksPerSecond[0].toFixed(1)} / ${ticksPerSecond[Math.floor(ticksPerSecond.length / 2)].toFixed(1)} | ` +
        `${quantile(histogram, 0.5)} / ${quantile(histogram, 0.99)} / ${maxGap} | ${cpu.map((c) => c.toFixed(0)).join(' + ')} % | ` +
        `${peakMb.map((m) => m.toFixed(0)).join(' + ')} MB | ${healthMs[Math.floor(healthMs.length / 2)].toFixed(0)} / ${healthMs.at(-1)!.toFixed(0)} ms | ` +
        `${disconnects} | ${retunes} | ${botCpu.toFixed(0)} % |`,
      ...failed.slice(0, 5).map((f) => `  refused join: ${f}`),
    ];
  } finally {
    for (const bot of bots) bot.send({ type: 'stop' } satisfies ParentMessage);
    for (const h of hosts) h.connection.close();
    for (const p of servers) p.child.kill('SIGKILL');
    if (redis) execFileSync('redis-cli', ['-p', String(redis.port), 'shutdown', 'nosave']);
  }
}

const lines = [
  `${SECONDS} s measured per scenario after a 5 s warm-up; every room at 20 ticks/s on sharp-vs-flat, students changing knobs about every 10 s`,
  '',
  '| scenario | processes | rooms | students | ticks/s min / median | update gap p50 / p99 / max ms | server CPU (one core = 100 %) | peak memory | /health median / max | disconnects | knob changes | bots CPU |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const s of SCENARIOS) lines.push(...(await run(s)));
console.log(lines.join('\n'));
process.exit(0);
