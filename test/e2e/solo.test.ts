import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { framesPainted, launchBrowser, screenshot, startServer, UNREACHABLE_SERVER, watchErrors } from './harness';
import type { GameServer } from '../../server/src/createGameServer';

/**
 * Solo sandbox in a real browser: pick a landscape, tune, run locally (no
 * server messages involved), see the loss fall, a parser error shown in
 * place, diagnostics; and the join form's message when the server is down.
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

async function status(page: Page): Promise<{ step: number; loss: number }> {
  const text = (await page.getByText(/^Step \d+, loss/).textContent()) ?? '';
  const m = /Step (\d+), loss (\S+?)\.(?:\s|$)/.exec(text)!;
  return { step: Number(m[1]), loss: Number(m[2].replace('−', '-')) };
}

describe('solo sandbox', () => {
  it('runs an optimizer on a chosen landscape in the browser', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchErrors(page, errors);
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: 'Play solo' }).click();
    await page
      .getByLabel('Landscape')
      .selectOption({ label: "Himmelblau's four valleys" })
      .catch(async () => {
        // Titles belong to shared's catalogue; fall back to any entry mentioning Himmelblau.
        const option = await page.locator('option', { hasText: 'Himmelblau' }).first().getAttribute('value');
        await page.getByLabel('Landscape').selectOption(option!);
      });
    await expect.poll(() => page.locator('#legend').textContent(), { timeout: 20_000 }).toContain('Loss');
    await page.getByLabel('Optimizer').selectOption('sgd');
    await page.getByLabel('Learning rate').fill('0.01');
    await page.getByLabel('Learning rate').press('Enter');
    await page.getByLabel('Momentum').fill('0.5');
    const start = await status(page);
    expect(start.step).toBe(0);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(async () => (await status(page)).step, { timeout: 30_000 }).toBeGreaterThan(60);
    await page.getByRole('button', { name: 'Pause' }).click();
    const mid = await status(page);
    expect(mid.loss).toBeLessThan(start.loss);
    await page.getByLabel('Gradient arrow (downhill)').check();
    await page.getByLabel('Curvature ellipse and point type').check();
    await expect
      .poll(
        () =>
          page
            .getByText(/curvature/)
            .first()
            .textContent(),
        { timeout: 10_000 },
      )
      .toMatch(/Bowl|Saddle|Dome|Flat/);
    await framesPainted(page); // the overlay is drawn on the next frames
    await screenshot(page, 'solo');

    // Zooming redraws the terrain for the new view (the legend's range follows the visible losses).
    const legend = await page.locator('#legend').textContent();
    await page.mouse.move(300, 300);
    await page.mouse.wheel(0, -600);
    await expect.poll(() => page.locator('#legend').textContent(), { timeout: 20_000 }).not.toBe(legend);

    // Your own formula: a typo is reported in place, a fix draws it.
    await page.getByLabel('Landscape').selectOption({ label: 'Your own formula…' });
    const expr = page.getByLabel('Expression in x and y');
    await expr.fill('x^2 + * y');
    // In plain words, with the spot marked in the formula (issue 9: it read like a parser's debug output).
    await expect
      .poll(() => page.getByRole('alert').allTextContents(), { timeout: 10_000 })
      .toContainEqual("Expected a number, x, y, a function or '(' after '+', found '*'.");
    expect(await page.locator('.formula-spot mark').textContent()).toBe('*');
    await expr.fill('x^2 + 2*y^2');
    await expect.poll(async () => (await page.getByRole('alert').allTextContents()).join(''), { timeout: 10_000 }).toBe('');

    // A small network: the decision boundary over the data appears beside the terrain.
    const legendBefore = await page.locator('#legend').textContent();
    await page.getByLabel('Landscape').selectOption({ label: 'MLP [2-8-2] tanh on moons — 2-D slice' });
    await expect.poll(() => page.locator('#legend').textContent(), { timeout: 60_000 }).not.toBe(legendBefore);
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => page.getByText(/Training accuracy \d+ %/).count(), { timeout: 30_000 }).toBe(1);
    await expect(page.getByRole('img', { name: /Decision boundary/ }).isVisible()).resolves.toBe(true);
    await page.getByRole('img', { name: /Decision boundary/ }).scrollIntoViewIfNeeded();
    await framesPainted(page);
    await screenshot(page, 'solo-mlp');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('plays a round to its end and keeps score as a class round does', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchErrors(page, errors);
    await page.goto(`${url}/?solo`);
    await expect.poll(() => page.locator('#legend').textContent(), { timeout: 20_000 }).toContain('Loss');
    // The formula box belongs to "Your own formula…" only.
    expect(await page.getByLabel('Expression in x and y').isVisible()).toBe(false);
    const terrain = await page.getByLabel('Landscape').evaluate((s: HTMLSelectElement) => s.selectedOptions[0].textContent);
    const score = page.getByRole('region', { name: 'Your score' });
    expect(await score.isVisible()).toBe(false);

    await page.getByLabel('Speed').selectOption('100');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => score.isVisible(), { timeout: 60_000 }).toBe(true);
    const text = (await score.textContent()) ?? '';
    // The score under the round's rule, named, and the note a class would read.
    expect(text).toMatch(/\d(\.\d+)?(e-?\d+)? \((robust loss|lowest loss|time to target|test loss); lower wins\)/);
    expect(text).toMatch(/What happened: \S+/);
    expect(text).toContain('Your first score on this terrain');
    expect(await page.getByText(/^Step \d+, loss \S+\. Round over\.$/).count()).toBe(1);
    await score.scrollIntoViewIfNeeded();
    await screenshot(page, 'solo-score');

    // The best score stays in the browser: a reload and the same run show it as the best to beat.
    const first = /^Your score(\S+)/.exec(text)![1];
    await page.reload();
    await expect.poll(() => page.locator('#legend').textContent(), { timeout: 20_000 }).toContain('Loss');
    expect(await page.getByLabel('Landscape').evaluate((s: HTMLSelectElement) => s.selectedOptions[0].textContent)).toBe(terrain);
    await page.getByLabel('Speed').selectOption('100');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => score.isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await score.textContent()).toContain(`Your best on this terrain: ${first}, with `);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the landing page works from the keyboard alone', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Join a game') break;
    }
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('id') ?? ''), { timeout: 5000 }).not.toBe('');
    await page.keyboard.type('abc-234');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Kay');
    expect(await page.getByLabel('Join code').inputValue()).toBe('abc-234');
    expect(await page.getByLabel('Nickname').inputValue()).toBe('Kay');
    await page.close();
  });

  it('says so when the game server cannot be reached', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/?join=ABC234&server=${UNREACHABLE_SERVER}`);
    await page.getByLabel('Nickname').fill('Ada');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect
      .poll(async () => (await page.getByRole('alert').textContent()) ?? '', { timeout: 20_000 })
      .toMatch(/Cannot reach the game server/);
    await page.close();
  });
});
