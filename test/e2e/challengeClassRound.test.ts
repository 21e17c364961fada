import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { matchMaker } from '@colyseus/core';
import { challengeById, classRoundRefusal } from '@gradient-rally/shared';
import { framesPainted, launchBrowser, screenshot, startServer, watchErrors } from './harness';
import type { GameServer } from '../../server/src/createGameServer';
import type { RaceRoom } from '../../server/src/RaceRoom';

/**
 * A challenge run as a class round (issue 10, "In class"), in real browsers
 * against the real server: the host picks "Momentum in a long valley" in the
 * terrain step; three students (one on a 390×844 phone with touch) see its
 * goal in the lobby and during the race, as does the projector; two turn
 * momentum up, one leaves it off; the results judge each row (pass and stars
 * in a Goal column, "2 of 3 passed" over the table and on the projector's
 * podium); a new terrain clears the challenge and its goal.
 */
const CHALLENGE = 'matyas-momentum';
const ch = challengeById(CHALLENGE)!;

let server: GameServer;
let url: string;
let browser: Browser;
const errors: string[] = [];
const contexts: BrowserContext[] = [];

async function page(kind: 'desktop' | 'phone'): Promise<Page> {
  const ctx =
    kind === 'phone'
      ? await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
      : await browser.newContext({ viewport: { width: 1400, height: 900 } });
  contexts.push(ctx);
  const p = await ctx.newPage();
  watchErrors(p, errors);
  return p;
}

async function join(p: Page, code: string, name: string): Promise<void> {
  await p.goto(`${url}/?join=${code}`);
  await p.getByLabel('Nickname').fill(name);
  await p.getByRole('button', { name: 'Join', exact: true }).click();
  await expect.poll(() => p.url(), { timeout: 20_000 }).toContain(`play=${code}`);
}

beforeAll(async () => {
  ({ server, url } = await startServer());
  browser = await launchBrowser();
});

afterAll(async () => {
  let i = 0;
  for (const c of contexts) for (const p of c.pages()) await screenshot(p, `challenge-round-last-${i++}`).catch(() => undefined);
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

describe('a challenge as a class round', () => {
  it('host picks a challenge; everyone sees its goal; each result is judged; a new terrain clears it', async () => {
    const host = await page('desktop');
    await host.goto(`${url}/`);
    await host.getByRole('button', { name: 'Host a game' }).click();
    await expect.poll(async () => (await host.getByLabel('Join code').textContent())?.trim().length ?? 0, { timeout: 20_000 }).toBe(6);
    const code = (await host.getByLabel('Join code').textContent())!.trim();
    const room = matchMaker.getLocalRoomById(code) as unknown as RaceRoom;

    // The choice, in the terrain step: challenges a round cannot judge are listed but cannot be picked.
    const choice = host.getByLabel('Run a challenge as this round');
    await choice.scrollIntoViewIfNeeded();
    expect(await choice.locator(`option[value="one-valley"]`).isDisabled()).toBe(true);
    expect(classRoundRefusal(challengeById('one-valley')!)).not.toBeNull();
    await choice.selectOption(CHALLENGE);
    await expect.poll(() => room.model.settings.challenge, { timeout: 10_000 }).toBe(CHALLENGE);
    await expect.poll(() => host.locator('.settings-summary').textContent(), { timeout: 10_000 }).toContain(`Challenge: ${ch.title}`);
    expect(await host.locator('.challenge-task').textContent()).toContain(ch.task);
    expect(room.model.settings).toMatchObject({ landscape: { kind: 'matyas' }, allowedOptimizers: ['sgd'] });
    expect(room.model.settings.lockedKnobs).toContain('lr');
    await framesPainted(host);
    await screenshot(host, 'challenge-round-host-form');

    const ada = await page('desktop');
    await join(ada, code, 'Ada');
    const bo = await page('phone');
    await join(bo, code, 'Bo');
    const cy = await page('desktop');
    await join(cy, code, 'Cy');
    await expect.poll(() => host.locator('ul[aria-label="Players"] li').count(), { timeout: 15_000 }).toBe(3);

    // Every player sees the goal in the lobby; on the phone it fits the screen's width and sits above the fold.
    for (const p of [ada, bo, cy]) {
      const goal = p.locator('.challenge-goal');
      await expect.poll(() => goal.isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await goal.textContent()).toContain(ch.task);
      expect(await goal.textContent()).toContain(ch.title);
    }
    const box = (await bo.locator('.challenge-goal').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await bo.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    console.log(`[e2e] phone goal box: ${Math.round(box.width)}×${Math.round(box.height)} px at y ${Math.round(box.y)}`);

    // The locks hold in the browser too: the learning rate is the challenge's (0.1), momentum is the student's.
    for (const p of [ada, bo]) {
      const momentum = p.getByLabel('Momentum', { exact: true });
      await momentum.scrollIntoViewIfNeeded();
      await momentum.fill('0.9');
      await momentum.press('Enter');
    }
    const spec = (name: string) =>
      [...room.model.players.values()].find((p) => p.name === name)?.optimizer as { momentum?: number; lr?: number };
    await expect.poll(() => spec('Ada')?.momentum ?? 0, { timeout: 10_000 }).toBe(0.9);
    await expect.poll(() => spec('Bo')?.momentum ?? 0, { timeout: 10_000 }).toBe(0.9);
    expect(spec('Cy')).toMatchObject({ lr: 0.1 });
    expect(spec('Cy').momentum ?? 0).toBe(0);
    await bo.locator('.challenge-goal').scrollIntoViewIfNeeded();
    await framesPainted(bo);
    await screenshot(bo, 'challenge-round-phone-lobby');

    // The projector's lobby shows the goal over the arena.
    await host.getByRole('button', { name: 'Projector view' }).click();
    await expect.poll(() => host.locator('.projector-goal').isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await host.locator('.projector-goal').textContent()).toContain(ch.task);
    await framesPainted(host);
    await screenshot(host, 'challenge-round-projector-lobby');
    await host.getByRole('button', { name: 'Exit projector view' }).click();

    // The race: Ada and Bo reach the target in under 3 s; Cy, without momentum, needs about 29 s.
    await host.getByRole('button', { name: 'Start race' }).click();
    await expect.poll(() => room.model.phase, { timeout: 20_000 }).toBe('racing');
    await expect
      .poll(
        () =>
          [...room.model.players.values()].filter((p) => room.model.frame?.racers.find((r) => r.id === p.id)?.status === 'finished').length,
        {
          timeout: 30_000,
        },
      )
      .toBe(2);
    for (const p of [ada, bo, cy]) expect(await p.locator('.challenge-goal').isVisible()).toBe(true);
    await host.getByRole('button', { name: 'Projector view' }).click();
    await expect.poll(() => host.locator('.projector-goal').isVisible(), { timeout: 5_000 }).toBe(true);
    await framesPainted(host);
    await screenshot(host, 'challenge-round-projector-race');
    await framesPainted(bo);
    await screenshot(bo, 'challenge-round-phone-race');
    await host.getByRole('button', { name: 'Exit projector view' }).click();
    await host.getByRole('button', { name: 'End race' }).click();

    // Results: a Goal column judging each row, and "2 of 3 passed", on every screen.
    const verdicts: Record<string, string> = {};
    for (const p of [ada, bo, cy, host]) {
      const results = p.getByRole('table', { name: 'Results' });
      await expect.poll(() => results.locator('tbody tr').count(), { timeout: 40_000 }).toBe(3);
      expect(await p.locator('.results .challenge-passed').textContent()).toBe('Goal: 2 of 3 passed');
      for (const name of ['Ada', 'Bo', 'Cy']) {
        const row = results.locator('tbody tr', { hasText: name });
        verdicts[name] = (await row.locator('td[data-label="Goal"]').textContent()) ?? '';
      }
    }
    console.log(`[e2e] verdicts: ${JSON.stringify(verdicts)}`);
    expect(verdicts.Ada).toMatch(/^Passed ★+☆* · \d/);
    expect(verdicts.Bo).toMatch(/^Passed ★+☆* · \d/);
    expect(verdicts.Cy).toMatch(/^Not yet/);
    // The phone folds the goal to one line with the student's own verdict, so the results have the room.
    await expect.poll(() => bo.locator('.challenge-goal-verdict').textContent(), { timeout: 5_000 }).toMatch(/^ · Passed ★/);
    expect(await bo.locator('.challenge-goal').getAttribute('open')).toBeNull();
    const rows = room.model.results!.rows;
    expect(rows.map((r) => r.verdict?.pass).filter(Boolean)).toHaveLength(2);
    await bo.locator('.results .challenge-passed').scrollIntoViewIfNeeded();
    await framesPainted(bo);
    await screenshot(bo, 'challenge-round-phone-results');
    await bo.locator('table[aria-label="Results"] tr.own').evaluate((r) => r.scrollIntoView({ block: 'center' }));
    await framesPainted(bo);
    await screenshot(bo, 'challenge-round-phone-results-own');
    await host.getByRole('button', { name: 'Projector view' }).click();
    await expect
      .poll(() => host.locator('.projector-podium .challenge-passed').textContent(), { timeout: 5_000 })
      .toBe('Goal: 2 of 3 passed');
    await framesPainted(host);
    await screenshot(host, 'challenge-round-projector-podium');
    await host.getByRole('button', { name: 'Exit projector view' }).click();

    // A new terrain clears the challenge, and its goal leaves every screen.
    await host.getByRole('radio', { name: "Himmelblau's four valleys" }).check();
    await expect.poll(() => room.model.settings.challenge, { timeout: 10_000 }).toBeNull();
    await expect.poll(() => ada.locator('.challenge-goal').isVisible(), { timeout: 10_000 }).toBe(false);
    expect(await host.getByLabel('Run a challenge as this round').inputValue()).toBe('');
    expect(errors).toEqual([]);
  }, 240_000);
});
