import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { matchMaker } from '@colyseus/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClient, DIST, framesPainted, launchBrowser, screenshot, startServer } from './harness';
import { freePort, startServerProcess } from '../server/serverProcess';
import type { GameServer } from '../../server/src/createGameServer';

/**
 * Connection care: when a student's socket drops (terminated on the server
 * side, as a flaky Wi-Fi would), the page says so and reconnects on its own
 * to the same racer, without a reload.
 */
let server: GameServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  ({ server, url } = await startServer());
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('connection care', () => {
  it('a dropped socket shows "reconnecting" and comes back to the same racer', async () => {
    const host = await browser.newPage();
    await host.goto(`${url}/`);
    await host.getByRole('button', { name: 'Host a game' }).click();
    await expect.poll(async () => (await host.getByLabel('Join code').textContent())?.trim().length ?? 0, { timeout: 20_000 }).toBe(6);
    const code = (await host.getByLabel('Join code').textContent())!.trim();

    const student = await (await browser.newContext()).newPage();
    await student.goto(`${url}/?join=${code}`);
    await student.getByLabel('Nickname').fill('Zed');
    await student.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => student.locator('#connection').textContent(), { timeout: 15_000 }).toBe('Connected');
    await expect.poll(() => student.locator('tr.own').textContent(), { timeout: 15_000 }).toContain('Zed (you)');

    // The student joined after the host: the last client of the room. Cut its socket.
    const room = matchMaker.getLocalRoomById(code) as unknown as { clients: { ref: { terminate(): void } }[] };
    expect(room.clients.length).toBe(2);
    room.clients[room.clients.length - 1].ref.terminate();

    // The first retry waits 300 ms, so the "reconnecting" state is there to be seen.
    await expect.poll(() => student.locator('#connection').textContent(), { timeout: 10_000, interval: 50 }).toMatch(/reconnecting/);
    await expect.poll(() => student.locator('#connection').textContent(), { timeout: 20_000 }).toBe('Connected');
    await expect.poll(() => student.locator('tr.own').textContent(), { timeout: 15_000 }).toContain('Zed (you)');
    expect(await host.locator('ul[aria-label="Players"] li').count()).toBe(1);
  });
});

/**
 * The server process killed (SIGKILL) mid-race and started again on the same
 * port and database: the pages keep trying, say the server is unreachable
 * while it is away (not "reconnecting" forever, nor "cannot be reached"
 * once it is back), and get their seats back — the student on the same
 * racer, the host with the secret — and the race goes on.
 */
describe('connection care across a server restart', () => {
  it('a killed and restarted server: "unreachable, still trying", then back on the same racer with the race going on', async () => {
    buildClient();
    const port = await freePort();
    const dbPath = join(mkdtempSync(join(tmpdir(), 'gr-restart-')), 'rounds.sqlite');
    const env = { PORT: String(port), DB_PATH: dbPath, STATIC_DIR: DIST, SIM_WORKERS: '1' };
    let server = await startServerProcess(env);
    try {
      const url = `http://127.0.0.1:${port}`;
      const host = await (await browser.newContext()).newPage();
      await host.goto(`${url}/`);
      await host.getByRole('button', { name: 'Host a game' }).click();
      await expect.poll(async () => (await host.getByLabel('Join code').textContent())?.trim().length ?? 0, { timeout: 20_000 }).toBe(6);
      const code = (await host.getByLabel('Join code').textContent())!.trim();
      const seconds = host.getByLabel('Round length (seconds)');
      await seconds.fill('120');
      await seconds.press('Enter');
      await expect.poll(async () => (await host.locator('#phase').textContent()) ?? '', { timeout: 10_000 }).toContain('(round: 120 s)');

      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const student = await phone.newPage();
      await student.goto(`${url}/?join=${code}`);
      await student.getByLabel('Nickname').fill('Zed');
      await student.getByRole('button', { name: 'Join', exact: true }).click();
      await expect.poll(() => student.locator('tr.own').textContent(), { timeout: 15_000 }).toContain('Zed (you)');
      await host.getByRole('button', { name: 'Start race' }).click();
      await expect.poll(async () => (await student.locator('#phase').textContent()) ?? '', { timeout: 20_000 }).toMatch(/Racing/);
      const secondsLeft = async () => Number(/Racing: (\d+) s left/.exec((await student.locator('#phase').textContent()) ?? '')?.[1] ?? -1);
      await expect.poll(secondsLeft, { timeout: 20_000 }).toBeLessThanOrEqual(117); // a few seconds raced: checkpointed

      server.kill('SIGKILL');
      await server.exited;
      await expect.poll(() => student.locator('#connection').textContent(), { timeout: 10_000, interval: 50 }).toMatch(/reconnecting/);
      // Away for a while: the words say so, and that the page is still trying.
      await expect.poll(() => student.locator('#connection').textContent(), { timeout: 20_000 }).toBe('Server unreachable: still trying…');
      await framesPainted(student);
      await screenshot(student, 'student-server-away');
      const leftWhenKilled = await secondsLeft();

      server = await startServerProcess(env);
      await expect.poll(() => student.locator('#connection').textContent(), { timeout: 30_000 }).toBe('Connected');
      await expect.poll(() => host.locator('#connection').textContent(), { timeout: 30_000 }).toBe('Connected');
      await expect.poll(() => student.locator('tr.own').textContent(), { timeout: 15_000 }).toContain('Zed (you)');
      expect(await host.locator('ul[aria-label="Players"] li').count()).toBe(1);
      // The race goes on: the clock counts down again, from about where it was.
      const back = await secondsLeft();
      expect(back).toBeGreaterThan(0);
      expect(back).toBeLessThanOrEqual(leftWhenKilled + 2);
      await expect.poll(secondsLeft, { timeout: 10_000 }).toBeLessThan(back);
      await framesPainted(student);
      await screenshot(student, 'student-back-after-restart');
    } finally {
      server.kill('SIGKILL');
      await server.exited;
    }
  });
});
