import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { matchMaker } from '@colyseus/core';
import { launchBrowser, startServer } from './harness';
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
