import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { framesPainted, launchBrowser, screenshot, startServer, watchErrors } from './harness';
import type { GameServer } from '../../server/src/createGameServer';

/**
 * The classroom round from issue 5, in real browsers against the real
 * server: a host and three students in separate contexts, one joining
 * through the /?join= link, different knobs, a short race, a reload in the
 * middle of it, results with three finite rows, CSV export, and a wrong code.
 */
let server: GameServer;
let url: string;
let browser: Browser;
const errors: string[] = [];
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  contexts.push(ctx);
  const page = await ctx.newPage();
  watchErrors(page, errors);
  return page;
}

async function joinThroughForm(page: Page, code: string, name: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByRole('button', { name: 'Join a game' }).click();
  await page.getByLabel('Join code').fill(code);
  await page.getByLabel('Nickname').fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect.poll(() => page.url(), { timeout: 15_000 }).toContain(`play=${code}`);
}

/** The name on the player's own leaderboard row ("Ada (you)"). */
async function ownRow(page: Page): Promise<string> {
  return (await page.locator('table[aria-label="Leaderboard"] tr.own').first().textContent({ timeout: 15_000 })) ?? '';
}

beforeAll(async () => {
  ({ server, url } = await startServer());
  browser = await launchBrowser();
});

afterAll(async () => {
  // On failure these pictures show where each page stood.
  let i = 0;
  for (const c of contexts) for (const p of c.pages()) await screenshot(p, `last-${i++}`).catch(() => undefined);
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

describe('a classroom round in the browser', () => {
  it('host, three students, race, reload, results, export, wrong code, kick, lock, host reload', async () => {
    const t0 = Date.now();
    const mark = (what: string) => console.log(`[e2e] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
    const host = await newPage();
    await host.goto(`${url}/`);
    await host.getByRole('button', { name: 'Host a game' }).click();
    const codeBox = host.getByLabel('Join code');
    await expect.poll(async () => (await codeBox.textContent())?.trim().length ?? 0, { timeout: 20_000 }).toBe(6);
    const code = (await codeBox.textContent())!.trim();

    mark('host has code');
    const ada = await newPage();
    await joinThroughForm(ada, code, 'Ada');
    const bob = await newPage();
    await bob.goto(`${url}/?join=${code}`);
    await expect(bob.getByLabel('Join code').inputValue()).resolves.toBe(code);
    await bob.getByLabel('Nickname').fill('Bob');
    await bob.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => bob.url(), { timeout: 15_000 }).toContain(`play=${code}`);
    const cy = await newPage();
    await joinThroughForm(cy, code, 'Cy');

    await expect.poll(() => host.locator('ul[aria-label="Players"] li').count(), { timeout: 15_000 }).toBe(3);
    mark('three joined');

    // Different knobs per student.
    await ada.getByLabel('Optimizer').selectOption('sgd');
    await ada.getByLabel('Learning rate').fill('0.05');
    await ada.getByLabel('Learning rate').press('Enter');
    await ada.getByLabel('Momentum').fill('0.9');
    await bob.getByLabel('Optimizer').selectOption('adam');
    await bob.getByLabel('Learning rate').fill('0.05');
    await bob.getByLabel('Learning rate').press('Enter');
    await cy.getByLabel('Optimizer').selectOption('sgd');
    await cy.getByLabel('Learning rate').fill('0.02');
    await cy.getByLabel('Learning rate').press('Enter');
    await cy.getByLabel('Gradient noise').fill('0.3');
    await cy.getByLabel('SAM radius').fill('0.1');
    await expect
      .poll(async () => (await host.locator('ul[aria-label="Players"]').textContent()) ?? '', { timeout: 10_000 })
      .toContain('Adam');
    for (const p of [ada, bob, cy])
      expect(await p.getByRole('alert').allTextContents()).not.toContain(expect.stringMatching(/must|not allowed/));

    mark('knobs set');
    // A short round (the round's rules are the settings' second step).
    await host.getByRole('tab', { name: '2 · Round' }).click();
    const seconds = host.getByLabel('Round length (seconds)');
    await seconds.fill('8');
    await seconds.press('Enter');
    await seconds.blur();
    // The server took the new length: the status line says so (the round would otherwise last 60 s).
    await expect.poll(async () => (await host.locator('#phase').textContent()) ?? '', { timeout: 10_000 }).toContain('(round: 8 s)');
    await framesPainted(host);
    await host.locator('#side').evaluate((e) => e.scrollTo(0, 0)); // the code and player list, as the class sees them
    await screenshot(host, 'host-dashboard');
    await host.getByRole('button', { name: 'Start race' }).click();
    await expect.poll(async () => (await ada.locator('#phase').textContent()) ?? '', { timeout: 20_000 }).toMatch(/Racing/);

    mark('race started');
    // Reload mid-race: back on the same racer.
    const before = await ownRow(ada);
    expect(before).toContain('Ada');
    // Trails worth a picture: at least two seconds of racing.
    await expect
      .poll(async () => Number(/Racing: (\d+) s left/.exec((await bob.locator('#phase').textContent()) ?? '')?.[1] ?? 99), {
        timeout: 20_000,
      })
      .toBeLessThanOrEqual(6);
    await screenshot(bob, 'student-mid-race');
    await ada.reload();
    await expect.poll(() => ownRow(ada), { timeout: 20_000 }).toContain('Ada (you)');
    expect(await host.locator('ul[aria-label="Players"] li').count()).toBe(3);

    mark('reloaded');
    await host.getByRole('button', { name: 'Projector view' }).click();
    await expect.poll(() => host.getByRole('button', { name: 'Exit projector view' }).isVisible(), { timeout: 5_000 }).toBe(true);
    await framesPainted(host);
    await screenshot(host, 'projector');
    await host.getByRole('button', { name: 'Exit projector view' }).click();

    mark('projector shot');
    // Results: three rows, finite losses.
    const results = host.getByRole('table', { name: 'Results' });
    await expect.poll(() => results.locator('tbody tr').count(), { timeout: 40_000 }).toBe(3);
    const finalLosses = await results.locator('tbody tr td:nth-child(5)').allTextContents(); // Rank, Nickname, Score, At rest after, Final loss, …
    expect(finalLosses).toHaveLength(3);
    for (const t of finalLosses) expect(Number.isFinite(Number(t.replace('−', '-')))).toBe(true);
    await expect.poll(() => ada.getByRole('table', { name: 'Results' }).locator('tbody tr').count(), { timeout: 10_000 }).toBe(3);
    mark('results shown');
    // The trajectory replay is a four-second animation on the canvas with no end the page shows: wait it out.
    await host.waitForTimeout(4500);
    await screenshot(host, 'results');
    await screenshot(ada, 'student-results');

    const [download] = await Promise.all([host.waitForEvent('download'), host.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(csv).toHaveLength(4);
    // The same columns as the server's /api/rounds/:id.csv (one shared export).
    const nameColumn = csv[0].split(',').indexOf('name');
    expect(csv[0].split(',').slice(0, 3)).toEqual(['rank', 'player_id', 'name']);
    expect(
      csv
        .slice(1)
        .map((l) => l.split(',')[nameColumn])
        .sort(),
    ).toEqual(['Ada', 'Bob', 'Cy']);

    mark('csv checked');
    // A wrong code says so.
    const stray = await newPage();
    await stray.goto(`${url}/?join=ZZZZZZ`);
    await stray.getByLabel('Nickname').fill('Lost');
    await stray.getByRole('button', { name: 'Join', exact: true }).click();
    await expect
      .poll(async () => (await stray.getByRole('alert').textContent()) ?? '', { timeout: 15_000 })
      .toMatch(/No game with the code/);

    mark('wrong code shown');

    // A kicked student is told so, and the host's list shrinks back.
    await stray.goto(`${url}/?join=${code}`);
    await stray.getByLabel('Nickname').fill('Dee');
    await stray.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => stray.url(), { timeout: 15_000 }).toContain(`play=${code}`);
    await host.getByRole('button', { name: 'Kick Dee' }).click({ timeout: 15_000 });
    // Said once (it used to read "The host removed you from this game: the host removed you from this room.").
    await expect
      .poll(async () => (await stray.getByRole('alert').allTextContents()).join(' '), { timeout: 15_000 })
      .toBe('The host removed you from this game.');
    await expect.poll(() => host.locator('ul[aria-label="Players"] li').count(), { timeout: 10_000 }).toBe(3);
    mark('kick shown');

    // A locked room says so.
    await host.getByLabel('Lock the room (no new players)').check();
    // The server took the lock: the host's status line says so.
    await expect.poll(async () => (await host.locator('#phase').textContent()) ?? '', { timeout: 10_000 }).toContain('room locked');
    await stray.goto(`${url}/?join=${code}`);
    await stray.getByLabel('Nickname').fill('Eve');
    await stray.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(async () => (await stray.getByRole('alert').textContent()) ?? '', { timeout: 15_000 }).toMatch(/locked/);
    await host.getByLabel('Lock the room (no new players)').uncheck();
    mark('locked shown');

    // The host reloads: same room, same code, same players.
    await host.reload();
    await expect.poll(async () => (await host.getByLabel('Join code').textContent())?.trim(), { timeout: 20_000 }).toBe(code);
    await expect.poll(() => host.locator('ul[aria-label="Players"] li').count(), { timeout: 15_000 }).toBe(3);
    expect(host.url()).not.toContain('watch'); // its own lock went with the old page: still the host, not a projector
    mark('host back after reload');
    expect(errors.filter((e) => !/favicon|404/.test(e))).toEqual([]);
  });
});
