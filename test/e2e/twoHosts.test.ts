import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { matchMaker } from '@colyseus/core';
import { launchBrowser, screenshot, startServer, watchErrors } from './harness';
import type { GameServer } from '../../server/src/createGameServer';

/**
 * One host, clearly (issue 9). A teacher opening the host link in a second
 * window (for the projector) used to take the game over silently: the first
 * window kept a frozen countdown and live-looking buttons that never
 * reconnected. Now the second window of the same browser is a read-only
 * projector view; hosting moves only when asked, and the window it left says
 * so plainly. The host link in another browser says whose game it is instead
 * of starting a new one.
 */
let server: GameServer;
let url: string;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  ({ server, url } = await startServer());
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function codeOf(host: Page): Promise<string> {
  await expect.poll(async () => (await host.getByLabel('Join code').textContent())?.trim().length ?? 0, { timeout: 20_000 }).toBe(6);
  return (await host.getByLabel('Join code').textContent())!.trim();
}

describe('two hosts', () => {
  // Web Locks where the page is a secure context (https, localhost); a classroom server on plain http
  // over the LAN has none, and the tabs fall back to asking on a BroadcastChannel.
  it.each([
    { how: 'web locks', locks: true },
    { how: 'the BroadcastChannel fallback', locks: false },
  ])('a second tab watches as the projector; hosting moves only when asked, and the first tab says so ($how)', async ({ locks }) => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    if (!locks) await ctx.addInitScript(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined }));
    const first = await ctx.newPage();
    watchErrors(first, errors);
    await first.goto(`${url}/`);
    await first.getByRole('button', { name: 'Host a game' }).click();
    const code = await codeOf(first);
    expect(await first.evaluate(() => typeof navigator.locks)).toBe(locks ? 'object' : 'undefined');

    // The same host link in a second tab of the same browser: the projector view of the same game.
    // With locks, a hosting tab whose main thread is busy (a loaded classroom laptop; CI once lost
    // exactly this race against a 300 ms answer wait) still counts: its lock is held by the browser.
    const second = await ctx.newPage();
    watchErrors(second, errors);
    const busy = locks
      ? first.evaluate(() => {
          const until = performance.now() + 2500;
          while (performance.now() < until);
        })
      : undefined;
    await second.goto(`${url}/?host=${code}`);
    await expect.poll(() => second.url(), { timeout: 15_000 }).toContain('watch');
    await expect.poll(() => second.locator('body').getAttribute('data-projector'), { timeout: 15_000 }).toBe('lobby');
    await expect.poll(() => second.locator('.projector-board .join-code').textContent(), { timeout: 10_000 }).toBe(code);
    expect(await second.getByRole('button', { name: 'Host from this window' }).isVisible()).toBe(true);

    // The first tab is still the host: a student joins and its Start works.
    const student = await (await browser.newContext()).newPage();
    await student.goto(`${url}/?join=${code}`);
    await student.getByLabel('Nickname').fill('Ada');
    await student.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => second.locator('.name-wall li').allTextContents(), { timeout: 15_000 }).toEqual(['● Ada']);
    expect(await first.getByRole('button', { name: 'Start race' }).isEnabled()).toBe(true);
    expect(await first.getByText('Hosting moved').count()).toBe(0);
    await busy;
    if (locks) await screenshot(second, 'two-hosts-projector-window');

    // Hosting moves to the second window only when asked; the first says so and offers both ways back.
    await second.getByRole('button', { name: 'Host from this window' }).click();
    await expect.poll(() => first.getByRole('heading', { name: 'Hosting moved to another window' }).count(), { timeout: 15_000 }).toBe(1);
    expect(await first.getByRole('button', { name: 'Start race' }).count()).toBe(0); // no live-looking buttons left
    await expect.poll(() => second.getByRole('button', { name: 'Start race' }).isEnabled(), { timeout: 15_000 }).toBe(true);
    if (locks) await screenshot(first, 'two-hosts-moved');

    // The first window becomes the projector: the second keeps hosting.
    await first.getByRole('button', { name: 'Use this window as the projector' }).click();
    await expect.poll(() => first.locator('body').getAttribute('data-projector'), { timeout: 15_000 }).toBe('lobby');
    expect(await second.getByText('Hosting moved').count()).toBe(0);
    await second.getByRole('button', { name: 'Start race' }).click();
    await expect.poll(() => first.locator('body').getAttribute('data-projector'), { timeout: 20_000 }).toBe('race');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('the host link in another browser says so, and starts no new game', async () => {
    const ctx = await browser.newContext();
    const host = await ctx.newPage();
    await host.goto(`${url}/`);
    await host.getByRole('button', { name: 'Host a game' }).click();
    const code = await codeOf(host);
    const rooms = matchMaker.stats.local.roomCount;

    const other = await (await browser.newContext()).newPage();
    watchErrors(other, errors);
    await other.goto(`${url}/?host=${code}`);
    await expect
      .poll(() => other.getByRole('heading', { name: 'This game is hosted from another browser' }).count(), { timeout: 15_000 })
      .toBe(1);
    expect(await other.getByRole('alert').textContent()).toContain(`Game ${code} was started in another browser`);
    expect(matchMaker.stats.local.roomCount).toBe(rooms);
    await screenshot(other, 'two-hosts-other-browser');
    // Its way in is as a player.
    await other.getByRole('button', { name: `Join ${code} as a player` }).click();
    await expect.poll(() => other.getByLabel('Join code').inputValue(), { timeout: 10_000 }).toBe(code);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("a student's seat opened in a second tab: the first tab says where the racer went", async () => {
    const hostCtx = await browser.newContext();
    const host = await hostCtx.newPage();
    await host.goto(`${url}/`);
    await host.getByRole('button', { name: 'Host a game' }).click();
    const code = await codeOf(host);
    const ctx = await browser.newContext();
    const tab1 = await ctx.newPage();
    await tab1.goto(`${url}/?join=${code}`);
    await tab1.getByLabel('Nickname').fill('Bo');
    await tab1.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => tab1.url(), { timeout: 15_000 }).toContain(`play=${code}`);
    const tab2 = await ctx.newPage();
    await tab2.goto(`${url}/?play=${code}`);
    await expect.poll(() => tab2.locator('.own-status').textContent(), { timeout: 15_000 }).toContain('Bo');
    await expect
      .poll(async () => (await tab1.getByRole('alert').allTextContents()).join(' '), { timeout: 15_000 })
      .toMatch(/Your racer is now played from another tab or window/);
    await expect.poll(() => host.locator('ul[aria-label="Players"] li').count(), { timeout: 10_000 }).toBe(1);

    // Another student types the same name: told which name they got, and why.
    const other = await (await browser.newContext()).newPage();
    await other.goto(`${url}/?join=${code}`);
    await other.getByLabel('Nickname').fill('bo');
    await other.getByRole('button', { name: 'Join', exact: true }).click();
    await expect
      .poll(() => other.locator('.name-note').textContent(), { timeout: 15_000 })
      .toBe('"bo" is taken in this game, so you are "bo 2".');
    await expect.poll(() => other.locator('.own-status').textContent(), { timeout: 10_000 }).toContain('bo 2');
    await ctx.close();
    await hostCtx.close();
  });
});
