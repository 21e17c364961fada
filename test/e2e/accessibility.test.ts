import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer } from './harness';
import type { GameServer } from '../../server/src/createGameServer';

/**
 * An accessibility scan (axe-core, WCAG 2.1 A and AA rules) of every screen a
 * class meets: landing, join form, host dashboard (each settings step, the
 * projector view), a student's phone in the lobby and after the round, the
 * results on the host's screen, and solo. No serious or critical violation
 * may remain (issue 9).
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

/** Serious and critical violations on the page as it stands, one line each (rule, first element, summary). */
async function seriousViolations(page: Page, screen: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  // The scan ran on this screen (rules checked and passed), so an empty list means something.
  expect(result.passes.length, screen).toBeGreaterThan(10);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) on ${v.nodes.length} element(s), e.g. ${v.nodes[0]?.target.join(' ')}: ${v.help}`);
}

describe('accessibility', () => {
  it('landing, join, host, projector, player, results and solo screens have no serious or critical violations', async () => {
    const found: string[] = [];
    const host = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await host.goto(`${url}/`);
    await expect.poll(() => host.getByRole('button', { name: 'Host a game' }).count(), { timeout: 10_000 }).toBe(1);
    found.push(...(await seriousViolations(host, 'landing')));
    await host.getByRole('button', { name: 'Join a game' }).click();
    found.push(...(await seriousViolations(host, 'join form')));

    await host.goto(`${url}/`);
    await host.getByRole('button', { name: 'Host a game' }).click();
    await expect.poll(async () => (await host.getByLabel('Join code').textContent())?.trim().length ?? 0, { timeout: 20_000 }).toBe(6);
    const code = (await host.getByLabel('Join code').textContent())!.trim();
    await expect.poll(() => host.locator('#legend').textContent(), { timeout: 30_000 }).toContain('Loss');

    const student = await (
      await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    ).newPage();
    await student.goto(`${url}/?join=${code}`);
    await student.getByLabel('Nickname').fill('Ada');
    await student.getByRole('button', { name: 'Join', exact: true }).tap();
    await expect.poll(() => student.locator('#legend').textContent(), { timeout: 30_000 }).toContain('Loss');
    await expect.poll(() => host.locator('ul[aria-label="Players"] li').count(), { timeout: 15_000 }).toBe(1);

    for (const step of ['1 · Terrain', '2 · Round', '3 · Students']) {
      await host.getByRole('tab', { name: step }).click();
      found.push(...(await seriousViolations(host, `host, ${step}`)));
    }
    await host.getByRole('button', { name: 'Projector view' }).click();
    found.push(...(await seriousViolations(host, 'projector lobby')));
    await host.getByRole('button', { name: 'Exit projector view' }).click();
    for (const tab of ['Knobs', 'Ranking', 'Lesson', 'Charts']) {
      await student.getByRole('tab', { name: tab }).tap();
      found.push(...(await seriousViolations(student, `player phone, ${tab}`)));
    }

    await host.getByRole('tab', { name: '2 · Round' }).click();
    await host.getByLabel('Round length (seconds)').fill('5');
    await host.getByLabel('Round length (seconds)').press('Enter');
    await expect.poll(() => host.locator('#phase').textContent(), { timeout: 10_000 }).toContain('(round: 5 s)');
    await host.getByRole('button', { name: 'Start race' }).click();
    await expect.poll(() => student.getByRole('table', { name: 'Results' }).count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => host.getByRole('table', { name: 'Results' }).count(), { timeout: 20_000 }).toBe(1);
    found.push(...(await seriousViolations(student, 'player phone, results')));
    found.push(...(await seriousViolations(host, 'host, results')));
    await host.getByRole('button', { name: 'Projector view' }).click();
    found.push(...(await seriousViolations(host, 'projector podium')));

    const solo = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await solo.goto(`${url}/?solo`);
    await expect.poll(() => solo.locator('#legend').textContent(), { timeout: 30_000 }).toContain('Loss');
    found.push(...(await seriousViolations(solo, 'solo')));
    await solo.getByLabel('Landscape').selectOption({ label: 'Your own formula…' });
    await solo.getByLabel('Expression in x and y').fill('sin(x');
    await expect.poll(() => solo.locator('.formula-spot mark').count(), { timeout: 10_000 }).toBe(1);
    found.push(...(await seriousViolations(solo, 'solo, formula error')));
    expect(found).toEqual([]);
  });
});
