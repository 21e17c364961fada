import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { connect } from 'node:net';
import { Client } from 'colyseus.js';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, ROOM_NAME } from '@gradient-rally/shared';
import { Bot, joinPlayer, until } from './harness';
import { Canary, httpFrom, inParallel, median, startServerProcess, type HttpAnswer, type ServerProcess } from './serverProcess';

/**
 * The matchmaker's HTTP surface under attack, against the real server process
 * with its default limits. Each attacker speaks from its own loopback address
 * (127.0.0.2, .3, …), as a separate machine would; a canary room races all
 * along (host and student from 127.0.0.1) and must keep ≥ 19 ticks/s, with
 * `/health` answering in ≤ 100 ms (median over the attack; the machine running
 * the tests is shared, so single probes may queue behind other work).
 */
let server: ServerProcess;
let canary: Canary;
const figures: string[] = [];

beforeAll(async () => {
  server = await startServerProcess();
  canary = await Canary.start(server);
  // A server that has run for a while has compiled its hot paths: warm the matchmaker up from an address no test uses.
  await inParallel(20, 4, (i) =>
    i < 5 ? post('127.0.0.99', `/matchmake/create/${ROOM_NAME}`, {}) : post('127.0.0.99', '/matchmake/joinById/ZZZZZZ', { name: 'Warm' }),
  );
  // Their rooms were never joined: gone once their seats expire (8 s).
  const t0 = Date.now();
  while ((await health()).rooms > 1) {
    if (Date.now() - t0 > 20_000) throw new Error('warm-up rooms did not go away');
    await new Promise((r) => setTimeout(r, 250));
  }
});

afterAll(async () => {
  canary?.stop();
  await canary?.host.room.leave().catch(() => undefined);
  server?.kill();
  await server?.exited;
  console.log(
    `\n| attack | what the server does | canary ticks/s | /health median (max) ms |\n| --- | --- | --- | --- |\n${figures.join('\n')}`,
  );
});

function expectCanaryHealthy(label: string, outcome: string, m: { ticksPerSecond: number; healthMs: number[] }): void {
  const health = median(m.healthMs);
  figures.push(`| ${label} | ${outcome} | ${m.ticksPerSecond.toFixed(1)} | ${health.toFixed(0)} (${Math.max(...m.healthMs).toFixed(0)}) |`);
  expect(m.ticksPerSecond, `${label}: canary tick rate`).toBeGreaterThanOrEqual(19);
  expect(m.healthMs.length, `${label}: /health probes`).toBeGreaterThan(3);
  expect(health, `${label}: /health median latency`).toBeLessThanOrEqual(100);
}

const post = (from: string, path: string, body: unknown) =>
  httpFrom(from, `${server.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

function parsed(a: HttpAnswer): { code?: number; error?: string; room?: { roomId: string }; sessionId?: string } {
  return JSON.parse(a.body);
}

async function health(): Promise<{ rooms: number; memoryMB: number }> {
  return JSON.parse((await httpFrom('127.0.0.1', `${server.url}/health`)).body);
}

describe('matchmaker HTTP surface under attack', () => {
  it('300 anonymous creates from one address: 20 get a room, the rest "wait N s" with Retry-After; unused rooms vanish; another address still creates', async () => {
    const before = (await health()).rooms;
    const m = await canary.measure(() =>
      inParallel(300, 20, () => post('127.0.0.2', `/matchmake/create/${ROOM_NAME}`, { settings: { roundSeconds: 60 } })),
    );
    const created = m.result.filter((a) => a.status === 200 && parsed(a).room);
    const limited = m.result.filter((a) => a.status === 429);
    expect(created.length).toBe(20);
    expect(limited.length).toBe(280);
    for (const a of limited) {
      expect(parsed(a).error).toMatch(/^too many new games from your address: wait \d+ (s|min) and try again$/);
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    }
    // An honest host elsewhere is not affected.
    const teacher = new Bot(await new Client(`ws://127.0.0.1:${server.port}`).create(ROOM_NAME, {}));
    await until(() => teacher.welcome !== undefined, 10_000, 'teacher welcome');
    // Nobody connected to the anonymous rooms: their seats expire and the rooms are gone within seconds.
    const t0 = Date.now();
    let rooms = Number.POSITIVE_INFINITY;
    while (Date.now() - t0 < 20_000 && rooms > before + 1) {
      rooms = (await health()).rooms;
      if (rooms > before + 1) await new Promise((r) => setTimeout(r, 250));
    }
    expect(rooms).toBe(before + 1);
    const seconds = (Date.now() - t0) / 1000;
    await teacher.room.leave();
    expectCanaryHealthy(
      '300 anonymous creates from one address',
      `20 created, 280 refused 429 "too many new games from your address: wait N s" + Retry-After; unused rooms gone ${seconds.toFixed(0)} s later (8 s seat reservation)`,
      m,
    );
  });

  it('250 unused seat reservations on a known room: 30 are held at most, the room never locks, a real student joins at once', async () => {
    const victimHost = new Bot(await new Client(`ws://127.0.0.1:${server.port}`).create(ROOM_NAME, {}));
    await until(() => victimHost.welcome !== undefined, 10_000, 'victim host');
    const code = victimHost.welcome!.code;
    const m = await canary.measure(() => inParallel(250, 25, () => post('127.0.0.3', `/matchmake/joinById/${code}`, { name: 'Seat hog' })));
    const reserved = m.result.filter((a) => a.status === 200 && parsed(a).sessionId);
    const limited = m.result.filter((a) => a.status === 429);
    expect(reserved.length).toBeLessThanOrEqual(30);
    expect(reserved.length + limited.length).toBe(250);
    // The pending-seat cap refuses first; past 240 attempts a minute the join window does too.
    const stillConnecting = limited.filter((a) => /still connecting: wait \d+ s and try again$/.test(parsed(a).error ?? ''));
    expect(stillConnecting.length).toBeGreaterThan(150);
    for (const a of limited) expect(parsed(a).error).toMatch(/^too many .* from your address.*: wait \d+ s and try again$/);
    // While the hog's seats are pending, a student (another address) gets in.
    const student = await joinPlayer(new Client(`ws://127.0.0.1:${server.port}`), code, { name: 'Real student' });
    expect(student.welcome!.code).toBe(code);
    await student.room.leave();
    await victimHost.room.leave();
    expectCanaryHealthy(
      '250 unused seat reservations (joinById, never connecting)',
      `${reserved.length} held (pending-seat cap 30, each expires after 8 s), ${limited.length} refused 429 "still connecting: wait N s"; room never locked, a student joined at once`,
      m,
    );
  });

  it('a join-code guessing loop gets 20 guesses a minute, then "wait N s"; the right code from another address still works', async () => {
    const random = () =>
      Array.from({ length: JOIN_CODE_LENGTH }, () => JOIN_CODE_ALPHABET[Math.floor(Math.random() * JOIN_CODE_ALPHABET.length)]).join('');
    // Each guess claims to be forwarded for another address: without TRUST_PROXY the header counts for nothing.
    const m = await canary.measure(() =>
      inParallel(500, 10, (i) =>
        httpFrom('127.0.0.4', `${server.url}/matchmake/joinById/${random()}`, {
          method: 'POST',
          body: JSON.stringify({ name: 'Guess' }),
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i % 250}`, 'x-real-ip': `203.0.113.${i % 250}` },
        }),
      ),
    );
    const answered = m.result.filter((a) => a.status === 200);
    const limited = m.result.filter((a) => a.status === 429);
    expect(answered.length).toBeLessThanOrEqual(20);
    for (const a of answered) expect(parsed(a).code).toBe(4212); // not found
    expect(limited.length).toBe(500 - answered.length);
    expect(parsed(limited[limited.length - 1]).error).toMatch(/wait \d+ s and try again$/);
    // The guesser cannot use a right code either until the window passes; a student elsewhere can.
    const right = await post('127.0.0.4', `/matchmake/joinById/${canary.code}`, { name: 'Guess' });
    expect(right.status).toBe(429);
    const fromElsewhere = await post('127.0.0.5', `/matchmake/joinById/${canary.code}`, { name: 'Latecomer' });
    expect(parsed(fromElsewhere).sessionId).toBeDefined();
    expectCanaryHealthy(
      'join-code guessing loop (500 random codes)',
      `${answered.length} answered "not found", ${limited.length} refused 429 "codes that match no game … wait N s" (20 wrong codes/min/address ≈ 10⁵ days per hit with 200 rooms)`,
      m,
    );
  });

  it('300 MB bodies are refused with 413 at 16 KB; memory does not balloon', async () => {
    const memBefore = (await health()).memoryMB;
    const m = await canary.measure(() =>
      Promise.all([
        // Announced size: refused before a byte of the body is read.
        sendBig('127.0.0.6', '/matchmake/create/race', 300 * 1024 * 1024, true),
        // Chunked, no size announced: refused as it crosses the limit.
        sendBig('127.0.0.6', '/matchmake/create/race', 300 * 1024 * 1024, false),
        sendBig('127.0.0.6', '/matchmake/joinById/ABCDEF', 300 * 1024 * 1024, false),
        sendBig('127.0.0.6', '/api/landscapes', 300 * 1024 * 1024, false),
      ]),
    );
    const [announced, chunked, chunkedJoin, library] = m.result;
    for (const r of [announced, chunked, chunkedJoin]) {
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body).error).toBe('the request body is too large: at most 16 KB');
    }
    // The landscape library wants an instructor key first: refused before the body is read.
    expect(library.status).toBe(401);
    // Each time the server closed the connection: the client got nowhere near 300 MB out.
    for (const r of m.result) expect(r.sentMB).toBeLessThan(64);
    const memAfter = (await health()).memoryMB;
    expect(memAfter - memBefore).toBeLessThan(50);
    expectCanaryHealthy(
      '300 MB request bodies (4 at once, announced and chunked)',
      `413 "the request body is too large: at most 16 KB", connection closed after ≤ ${Math.max(...m.result.map((r) => r.sentMB)).toFixed(0)} MB sent; server memory ${memBefore} → ${memAfter} MB`,
      m,
    );
  });

  it('PUT, GET and odd paths under /matchmake are answered at once (405/404); "/matchmake" elsewhere in a path is not matchmaking', async () => {
    const m = await canary.measure(() =>
      Promise.all([
        ...Array.from({ length: 50 }, () =>
          httpFrom('127.0.0.7', `${server.url}/matchmake/create/race`, { method: 'PUT', body: '{}', timeoutMs: 5000 }),
        ),
        httpFrom('127.0.0.7', `${server.url}/matchmake/joinById/ABCDEF`, { timeoutMs: 5000 }),
        httpFrom('127.0.0.7', `${server.url}/matchmake`, { method: 'POST', body: '{}', timeoutMs: 5000 }),
        httpFrom('127.0.0.7', `${server.url}/matchmake/joinOrCreate/race`, { method: 'POST', body: '{}', timeoutMs: 5000 }),
        httpFrom('127.0.0.7', `${server.url}/matchmake/create/other-room`, { method: 'POST', body: '{}', timeoutMs: 5000 }),
        httpFrom('127.0.0.7', `${server.url}/x/matchmake/create/race`, { method: 'POST', body: '{}', timeoutMs: 5000 }),
        httpFrom('127.0.0.7', `${server.url}/matchmake/create/race`, { method: 'POST', body: '[1,2]', timeoutMs: 5000 }),
        httpFrom('127.0.0.7', `${server.url}/matchmake/create/race`, { method: 'OPTIONS', timeoutMs: 5000 }),
      ]),
    );
    const puts = m.result.slice(0, 50);
    for (const a of puts) {
      expect(a.status).toBe(405);
      expect(a.headers.allow).toBe('POST, OPTIONS');
    }
    const [getJoin, bare, joinOrCreate, otherRoom, elsewhere, notObject, preflight] = m.result.slice(50);
    expect(getJoin.status).toBe(405);
    expect(bare.status).toBe(404);
    expect(joinOrCreate.status).toBe(404);
    expect(otherRoom.status).toBe(404);
    expect(elsewhere.status).toBe(405); // an ordinary path: only GET and HEAD
    expect(notObject.status).toBe(400);
    expect(JSON.parse(notObject.body).error).toMatch(/JSON object/);
    expect(preflight.status).toBe(204);
    for (const a of m.result) {
      expect(a.headers['x-content-type-options']).toBe('nosniff');
      expect(a.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    expectCanaryHealthy(
      'PUT ×50, GET, odd paths under /matchmake',
      `405 with Allow: POST, OPTIONS (max ${Math.max(...puts.map((a) => a.ms)).toFixed(0)} ms), 404 for unknown routes, 400 for a non-object body; "/x/matchmake/…" is an ordinary path`,
      m,
    );
  });

  it('a request that trickles its headers or its body is cut off (headers 10 s, whole request 20 s)', async () => {
    const m = await canary.measure(() =>
      Promise.all([
        trickle('POST /matchmake/create/race HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n', '127.0.0.8'),
        trickle(
          'POST /matchmake/create/race HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
          '127.0.0.8',
        ),
      ]),
    );
    const [headers, body] = m.result;
    expect(headers.closedAfterMs).toBeLessThan(15_000);
    expect(body.closedAfterMs).toBeLessThan(25_000);
    expect(body.answer).toMatch(/^HTTP\/1\.1 408/);
    expectCanaryHealthy(
      'slow headers / slow body (slowloris)',
      `connection closed after ${(headers.closedAfterMs / 1000).toFixed(1)} s (headers) and ${(body.closedAfterMs / 1000).toFixed(1)} s (body, 408)`,
      m,
    );
  });

  it('logs refusals at info, one line each, without stacks', () => {
    const lines = server.logLines();
    const refused = lines.filter((l) => l.event === 'matchmake-limited' || l.event === 'matchmake-refused');
    expect(refused.length).toBeGreaterThan(100);
    for (const l of refused) expect(l.level).toBe(30);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(server.output()).not.toMatch(/\n\s+at /); // no stack trace anywhere
  });
});

/** Streams `bytes` of body (announced with Content-Length or chunked) until the server answers or hangs up. */
function sendBig(from: string, path: string, bytes: number, announce: boolean): Promise<{ status: number; body: string; sentMB: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    let answer: { status: number; body: string } | undefined;
    const req = request(`${server.url}${path}`, {
      method: 'POST',
      localAddress: from,
      agent: false,
      headers: announce ? { 'content-length': String(bytes), 'content-type': 'application/json' } : { 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      answer = { status: res.statusCode ?? 0, body: '' };
      res.setEncoding('utf8');
      res.on('data', (c) => (answer!.body += c));
      res.on('end', () => resolve({ ...answer!, sentMB: sent / (1024 * 1024) }));
    });
    req.on('error', () => undefined); // EPIPE once the server hangs up: expected
    req.on('close', () => {
      // The request side may close before the answer's end event: settle with what arrived.
      setTimeout(
        () =>
          answer
            ? resolve({ ...answer, sentMB: sent / (1024 * 1024) })
            : reject(new Error(`connection closed without an answer after ${sent} bytes`)),
        100,
      );
    });
    const pump = () => {
      while (sent < bytes && !req.destroyed && !answer) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (sent >= bytes && !req.destroyed) req.end();
    };
    pump();
  });
}

/** Opens a raw connection, sends `head`, then a byte a second; resolves when the server closes it. */
function trickle(head: string, from: string): Promise<{ closedAfterMs: number; answer: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = connect({ host: '127.0.0.1', port: server.port, localAddress: from });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (answer += d));
    socket.write(head);
    const drip = setInterval(() => socket.write(head.includes('Content-Length') ? '1' : 'X-More: 1\r\n'), 1000);
    const finish = () => {
      clearInterval(drip);
      resolve({ closedAfterMs: performance.now() - t0, answer });
    };
    socket.on('close', finish);
    socket.on('error', () => undefined);
    setTimeout(() => socket.destroy(), 40_000);
  });
}
