import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sessionStandings } from '@gradient-rally/shared';
import { framesPainted, launchBrowser, screenshot, startServer, watchErrors } from './harness';
import type { GameServer } from '../../server/src/createGameServer';

/**
 * Issue 13, in real browsers against the real server: an instructor builds a
 * network terrain (spirals, three hidden relu layers, He initialisation) with
 * its preview, saves it with a lesson, reloads and finds it; exports the
 * library, clears the browser, imports it; hosts two rounds on it with three
 * students (one on a phone); the cumulative scoreboard matches the two
 * results tables; round 1's exact replay plays from the history; "Export
 * session" has both rounds; a second browser reads nothing of the first
 * instructor's library until it gets a share link, and then copies the entry.
 */
let server: GameServer;
let url: string;
let browser: Browser;
const errors: string[] = [];
const contexts: BrowserContext[] = [];

async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true, ...options });
  contexts.push(ctx);
  const page = await ctx.newPage();
  watchErrors(page, errors);
  return page;
}

async function hostNewRoom(page: Page): Promise<string> {
  await page.goto(`${url}/`);
  await page.getByRole('button', { name: 'Host a game' }).click();
  const codeBox = page.getByLabel('Join code');
  await expect.poll(async () => (await codeBox.textContent())?.trim().length ?? 0, { timeout: 20_000 }).toBe(6);
  return (await codeBox.textContent())!.trim();
}

async function joinAs(page: Page, code: string, name: string): Promise<void> {
  await page.goto(`${url}/?join=${code}`);
  await page.getByLabel('Nickname').fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect.poll(() => page.url(), { timeout: 15_000 }).toContain(`play=${code}`);
}

const CHECKED = /Checked: the server will accept it/;

/** The rows of a results table as [rank, name]. */
async function resultsRows(page: Page, label: string): Promise<{ rank: number; name: string }[]> {
  const rows = page.getByRole('table', { name: label, exact: true }).locator('tbody tr');
  const out: { rank: number; name: string }[] = [];
  for (const row of await rows.all()) {
    const cells = await row.locator('td').allTextContents();
    out.push({ rank: Number(cells[0]), name: cells[1].replace(/^\S+\s/, '').trim() });
  }
  return out;
}

beforeAll(async () => {
  ({ server, url } = await startServer());
  browser = await launchBrowser();
});

afterAll(async () => {
  let i = 0;
  for (const c of contexts) for (const p of c.pages()) await screenshot(p, `workshop/last-${i++}`).catch(() => undefined);
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

const t0 = Date.now();
const mark = (what: string) => console.log(`[workshop e2e] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);

// One instructor's afternoon, in steps that build on each other (each its own test, so a slow machine
// meets the per-test time limit): the page, the room and what the steps learnt are kept here.
let host: Page;
let code: string;
let rounds: { rank: number; name: string }[][] = [];

describe("the instructor's workshop in the browser", () => {
  it('builds a network terrain with its preview, saves it with a lesson, finds it after a reload', async () => {
    host = await newPage();
    const firstCode = await hostNewRoom(host);

    // ── Build a network terrain: spirals, 3 hidden relu layers, He initialisation ──
    await host.getByRole('button', { name: 'New network terrain' }).click();
    const dialog = host.getByRole('dialog');
    await dialog.getByLabel('Title', { exact: true }).fill('Spirals need depth');
    await dialog
      .getByLabel('Your note for students')
      .fill('Three relu layers, He initialisation: see how the boundary bends before anyone trains.');
    await dialog.getByLabel('Dataset', { exact: true }).selectOption('spirals');
    await dialog.getByLabel('Hidden layers').fill('3');
    await dialog.getByLabel('Activation', { exact: true }).selectOption('relu');
    await dialog.getByLabel('Initialisation', { exact: true }).selectOption('he');
    await dialog.getByLabel('Seconds per round').fill('5');
    // Anything the server would refuse is refused here, beside the field.
    await dialog.getByLabel('Units per hidden layer').fill('40');
    const widthError = host.locator(`#${await dialog.getByLabel('Units per hidden layer').getAttribute('aria-describedby')}`);
    await expect
      .poll(() => widthError.textContent(), { timeout: 30_000 })
      .toMatch(/hidden layer width must be an integer in \[1, 32\], got 40/);
    expect(await dialog.getByLabel('Units per hidden layer').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => dialog.getByRole('button', { name: 'Save to library' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Units per hidden layer').fill('8');
    await expect
      .poll(() => dialog.getByRole('status').allTextContents(), { timeout: 30_000 })
      .toContainEqual(expect.stringMatching(CHECKED));
    expect(await widthError.textContent()).toBe('');
    // The preview: the terrain and the initial decision boundary, computed in a worker.
    await expect
      .poll(() => dialog.getByRole('figure').nth(1).textContent())
      .toMatch(/initial weights classify \d+ % of the training points/);
    await expect
      .poll(() => dialog.getByLabel('What this terrain costs the server').textContent())
      .toMatch(/A class of 40 .* ~\d+(\.\d+)? ms .* 150 ms per room/);
    const painted = await dialog.getByRole('img', { name: 'Preview of the initial decision boundary' }).evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < d.length; i += 97 * 4) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return colours.size;
    });
    expect(painted).toBeGreaterThan(20);
    await framesPainted(host);
    console.log('screenshot:', await screenshot(host, 'workshop/builder'));
    await dialog.getByRole('button', { name: 'Save to library' }).click();
    await expect.poll(() => dialog.getByRole('status').allTextContents(), { timeout: 10_000 }).toContainEqual('Saved to your library.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    const library = host.getByRole('list', { name: 'Library entries' });
    await expect.poll(() => library.textContent(), { timeout: 10_000 }).toContain('Spirals need depth');
    mark('built and saved');

    // ── Reload: the entry is still there (kept on the server for this browser's key) ──
    await host.reload();
    await expect.poll(async () => (await host.getByLabel('Join code').textContent())?.trim(), { timeout: 20_000 }).toBe(firstCode);
    await expect
      .poll(() => host.getByRole('list', { name: 'Library entries' }).textContent(), { timeout: 15_000 })
      .toContain('Spirals need depth');
    expect(await host.getByRole('list', { name: 'Library entries' }).locator('li').count()).toBe(1);
    mark('found after a reload');
  });

  it('exports the library, clears the browser, imports it', async () => {
    const firstCode = (await host.getByLabel('Join code').textContent())!.trim();
    const [exported] = await Promise.all([host.waitForEvent('download'), host.getByRole('button', { name: 'Export library' }).click()]);
    const libraryPath = (await exported.path())!;
    const file = JSON.parse(readFileSync(libraryPath, 'utf8'));
    expect(file.format).toBe('gradient-rally/landscape-library');
    expect(file.entries.map((e: { title: string }) => e.title)).toEqual(['Spirals need depth']);
    expect(file.entries[0].terrain).toMatchObject({ dataset: 'spirals', layers: [2, 8, 8, 8, 2], activation: 'relu', init: 'he' });
    await host.evaluate(() => localStorage.clear());
    await host.context().clearCookies();
    code = await hostNewRoom(host);
    expect(code).not.toBe(firstCode);
    await expect
      .poll(() => host.getByRole('list', { name: 'Library entries' }).textContent(), { timeout: 15_000 })
      .toMatch(/Nothing saved yet/);
    await host.getByLabel('Library file to import').setInputFiles(libraryPath);
    await expect
      .poll(() => host.getByRole('list', { name: 'Library entries' }).textContent(), { timeout: 15_000 })
      .toContain('Spirals need depth');
    mark('exported, cleared, imported');
  });

  it('hosts two rounds on it with three students (one on a phone); the cumulative scoreboard is right', async () => {
    await host.getByRole('button', { name: 'Use: Spirals need depth' }).click();
    await expect.poll(() => host.locator('#phase').textContent(), { timeout: 15_000 }).toContain('(round: 5 s)');
    const ada = await newPage();
    const bob = await newPage();
    const cyd = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await joinAs(ada, code, 'Ada');
    await joinAs(bob, code, 'Bob');
    await joinAs(cyd, code, 'Cyd');
    await expect.poll(() => host.locator('ul[aria-label="Players"] li').count(), { timeout: 15_000 }).toBe(3);
    // Students read the instructor's note, marked as such (on a phone, in the Lesson tab).
    await cyd.getByRole('tab', { name: 'Lesson' }).click();
    for (const s of [ada, cyd]) {
      await expect
        .poll(() => s.getByRole('region', { name: 'The instructor’s note' }).textContent(), { timeout: 10_000 })
        .toContain('see how the boundary bends');
    }
    await bob.getByLabel('Learning rate').fill('0.2');
    await bob.getByLabel('Learning rate').press('Enter');
    await ada.getByLabel('Learning rate').fill('0.01');
    await ada.getByLabel('Learning rate').press('Enter');
    mark('students in');

    // ── Two rounds, ghosts on for the second ──
    rounds = [];
    for (const round of [1, 2]) {
      await host.getByRole('button', { name: 'Start race' }).click();
      await expect
        .poll(() => host.getByRole('table', { name: 'Results', exact: true }).locator('tbody tr').count(), { timeout: 60_000 })
        .toBe(3);
      await expect.poll(() => host.getByRole('heading', { name: `Results, round ${round}` }).count(), { timeout: 30_000 }).toBe(1);
      rounds.push(await resultsRows(host, 'Results'));
      if (round === 1) {
        await host.getByLabel('Show the last round’s racers as ghosts').check();
        await expect
          .poll(() => host.getByRole('region', { name: 'Session settings' }).textContent(), { timeout: 10_000 })
          .toContain('Ghosts: round 1’s racers');
        await host.getByRole('button', { name: 'Next round' }).click();
        await expect.poll(() => host.locator('#phase').textContent(), { timeout: 10_000 }).toContain('Lobby');
      }
    }
    mark('two rounds played');

    // ── The cumulative scoreboard: points per round, by hand from the two results tables ──
    const board = host.getByRole('table', { name: 'Session standings' });
    await expect.poll(() => board.locator('tbody tr').count(), { timeout: 10_000 }).toBe(3);
    const points = new Map<string, number>();
    for (const rows of rounds) for (const r of rows) points.set(r.name, (points.get(r.name) ?? 0) + rows.length - r.rank + 1);
    const shown = await board
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    for (const cells of shown) expect(Number(cells[cells.length - 1]), cells[1]).toBe(points.get(cells[1]));
    // Best first, and the same order shared's rule gives.
    const expected = sessionStandings(
      rounds.map((rows, k) => ({
        roundId: String(k),
        round: k + 1,
        title: '',
        rows: rows.map((r) => ({ id: r.name, name: r.name, rank: r.rank, score: null })),
      })),
      'points',
    );
    expect(shown.map((c) => Number(c[0]))).toEqual(expected.map((s) => s.rank));
    expect(shown.map((c) => Number(c[c.length - 1]))).toEqual(expected.map((s) => s.value));
    // Another rule, chosen by the instructor: the board follows.
    await host.getByLabel('Combine rounds by').selectOption('average-rank');
    await expect
      .poll(() => host.getByRole('region', { name: 'Session scoreboard' }).textContent(), { timeout: 10_000 })
      .toContain('Average place');
    await host.getByLabel('Combine rounds by').selectOption('points');
    await cyd.getByRole('tab', { name: 'Ranking' }).click();
    await expect.poll(() => cyd.getByRole('table', { name: 'Session standings' }).locator('tbody tr').count(), { timeout: 10_000 }).toBe(3);
    // On her phone, Cyd's own row is the marked one.
    expect(await cyd.getByRole('table', { name: 'Session standings' }).locator('tbody tr.own td').nth(1).textContent()).toBe('Cyd');
    expect(await host.getByRole('table', { name: 'Session standings' }).locator('tbody tr.own').count()).toBe(0);
    await host.locator('#side').evaluate((e) => e.scrollTo(0, 0));
    await host.getByRole('region', { name: 'Session scoreboard' }).scrollIntoViewIfNeeded();
    await framesPainted(host);
    console.log('screenshot:', await screenshot(host, 'workshop/scoreboard'));
    await cyd.getByRole('region', { name: 'Session scoreboard' }).scrollIntoViewIfNeeded();
    await framesPainted(cyd);
    console.log('screenshot:', await screenshot(cyd, 'workshop/phone-scoreboard'));
    await cyd.getByRole('tab', { name: 'Lesson' }).click();
    await cyd.getByRole('region', { name: 'The instructor’s note' }).scrollIntoViewIfNeeded();
    console.log('screenshot:', await screenshot(cyd, 'workshop/phone-note'));
    mark('scoreboard checked');
  });

  it('"Export session" has both rounds; round 1 plays its exact replay from the history; ghosts on the projector', async () => {
    const [csvDownload] = await Promise.all([
      host.waitForEvent('download'),
      host.getByRole('button', { name: 'Export session (CSV)' }).click(),
    ]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(csv[0].split(',').slice(0, 4)).toEqual(['round', 'round_id', 'finished_at', 'terrain']);
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '1', '1', '2', '2', '2']);
    const [jsonDownload] = await Promise.all([
      host.waitForEvent('download'),
      host.getByRole('button', { name: 'Export session (JSON)' }).click(),
    ]);
    const session = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8'));
    expect(session.rounds).toHaveLength(2);
    expect(session.rounds.map((r: { results: { rows: unknown[] } }) => r.results.rows.length)).toEqual([3, 3]);
    mark('session exported');

    // ── The history: round 1 opens and plays its exact replay in the browser ──
    await host.getByRole('button', { name: 'Open round 1' }).click();
    await expect.poll(() => host.getByRole('table', { name: 'Round 1 results' }).locator('tbody tr').count(), { timeout: 15_000 }).toBe(3);
    expect((await resultsRows(host, 'Round 1 results')).map((r) => r.name)).toEqual(rounds[0].map((r) => r.name));
    // A library terrain is listed by its entry's title.
    expect(await host.getByRole('region', { name: 'Round history' }).textContent()).toContain('Round 1 · Spirals need depth · 3 racers');
    await host.getByRole('button', { name: "Play round 1's replay" }).click();
    const check = host.getByRole('region', { name: 'Round history' }).getByRole('status');
    await expect.poll(() => check.textContent(), { timeout: 60_000 }).toMatch(/all 3 end points equal the server’s, bit for bit/);
    await host.getByRole('region', { name: 'Round history' }).scrollIntoViewIfNeeded();
    await framesPainted(host, 20);
    console.log('screenshot:', await screenshot(host, 'workshop/history-replay'));
    await host.getByRole('button', { name: 'Back to the live room' }).click();
    mark('replay checked');

    // ── Projector view, ghosts of round 2 on the arena in round 3's lobby ──
    await host.getByRole('button', { name: 'Next round' }).click();
    await expect.poll(() => host.locator('#phase').textContent(), { timeout: 10_000 }).toContain('Lobby');
    await host.getByRole('button', { name: 'Projector view' }).click();
    await host.locator('#side').evaluate((e) => e.scrollTo(0, 0));
    await framesPainted(host, 10);
    console.log('screenshot:', await screenshot(host, 'workshop/projector'));
    await host.getByRole('button', { name: 'Exit projector view' }).click();
  });

  it("a second browser reads nothing of the first instructor's library without the shared link, then copies it", async () => {
    const other = await newPage();
    await hostNewRoom(other);
    await expect
      .poll(() => other.getByRole('list', { name: 'Library entries' }).textContent(), { timeout: 15_000 })
      .toMatch(/Nothing saved yet/);
    const firstIds = (await host
      .getByRole('list', { name: 'Library entries' })
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-entry')))) as string[];
    const snoop = await other.evaluate(async (id) => {
      const key = Object.entries(localStorage).find(([k]) => k.startsWith('gradient-rally:instructor-key:'))![1];
      const mine = await fetch(`/api/landscapes/${id}`, { headers: { authorization: `Bearer ${key}` } });
      const none = await fetch(`/api/landscapes/${id}`);
      return [mine.status, none.status];
    }, firstIds[0]);
    expect(snoop).toEqual([404, 401]);
    await host.getByRole('button', { name: 'Share: Spirals need depth' }).click();
    const link = await host.getByLabel('Share link of Spirals need depth').inputValue({ timeout: 10_000 });
    expect(link).toMatch(new RegExp(`^${url}/\\?library=[a-z0-9]{20}$`));
    await host.getByRole('region', { name: 'Your library' }).scrollIntoViewIfNeeded();
    console.log('screenshot:', await screenshot(host, 'workshop/library'));
    await other.goto(link);
    await expect.poll(() => other.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('Spirals need depth');
    await expect.poll(() => other.getByText('see how the boundary bends').count()).toBe(1);
    // Its terrain, drawn by the preview worker.
    const shades = () =>
      other.getByRole('img', { name: 'Preview of the shared terrain' }).evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < d.length; i += 61 * 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        return seen.size;
      });
    await expect.poll(shades, { timeout: 30_000 }).toBeGreaterThan(10);
    await other.getByRole('button', { name: 'Copy to my library' }).click();
    await expect
      .poll(() => other.getByRole('status').allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringMatching(/is in your library now/));
    console.log('screenshot:', await screenshot(other, 'workshop/shared-link'));
    await other.getByRole('button', { name: 'Open the host dashboard' }).click();
    await expect
      .poll(() => other.getByRole('list', { name: 'Library entries' }).textContent(), { timeout: 15_000 })
      .toContain('Spirals need depth');
    // The copy is the other instructor's own: the original owner's library is unchanged (one entry).
    expect(await host.getByRole('list', { name: 'Library entries' }).locator('li').count()).toBe(1);
    mark('shared and copied');

    expect(errors.filter((e) => !/favicon|404|401/.test(e))).toEqual([]);
  });

  it('the instructor key goes only to the server it was made for, in a header, never in an address', async () => {
    const page = await newPage();
    const sent: { origin: string; key: string | undefined; url: string }[] = [];
    page.on('request', (r) => {
      const auth = r.headers().authorization;
      sent.push({ origin: new URL(r.url()).origin, key: auth?.replace(/^Bearer /, ''), url: r.url() });
    });
    await hostNewRoom(page);
    await expect
      .poll(() => page.getByRole('list', { name: 'Library entries' }).textContent(), { timeout: 15_000 })
      .toMatch(/Nothing saved yet|entries/);
    const ownKey = await page.evaluate((o) => localStorage.getItem(`gradient-rally:instructor-key:${o}`), url);
    expect(ownKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // A link naming another (allowed) server: the page talks to that one, and this key never goes there.
    await page.goto(`${url}/?host=new&server=ws://127.0.0.1:9`);
    await expect.poll(() => page.getByRole('alert').allTextContents(), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/./));
    const keyed = sent.filter((s) => s.key !== undefined && s.url.includes('/api/landscapes'));
    expect(keyed.length).toBeGreaterThan(0);
    for (const s of keyed) expect(s.key === ownKey ? s.origin : url).toBe(url);
    for (const s of sent) expect(s.url).not.toContain(ownKey!);
  });
});
