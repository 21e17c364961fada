import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { watchErrors } from './harness';
import { CHALLENGE_SHOTS, challengeTestBed, mapDrawn, runToVerdict, shot } from './challengeScreen';

/**
 * Challenges 16 'Beyond the slice' and 18 'The shape of a path' in a real
 * browser, each on a desktop and on a phone with touch: the task, a hint,
 * a run that does not pass, then the student's change (racing on every
 * weight at lr 1 typed in by hand; the third hint's setting) played to a
 * pass, and the explanation with its pictures (the path on the map's plane;
 * the path on its own principal plane, captioned with the shares both
 * planes hold).
 */
const bed = challengeTestBed();

const VIEWPORTS = {
  desktop: { viewport: { width: 1400, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
} as const;

async function open(name: keyof typeof VIEWPORTS): Promise<{ context: BrowserContext; page: Page }> {
  const context = await bed.browser.newContext(VIEWPORTS[name]);
  const page = await context.newPage();
  watchErrors(page, bed.errors);
  return { context, page };
}

async function showHints(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await page.getByRole('button', { name: /Show (a hint|hint \d of 3)/ }).click();
  expect(await page.getByRole('list', { name: 'Hints' }).getByRole('listitem').count()).toBe(n);
}

const numberIn = (text: string, after: string) => Number(new RegExp(`${after}: (\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)`).exec(text)![1]);

describe('beyond the slice and the shape of a path', () => {
  for (const where of ['phone', 'desktop'] as const) {
    it(`plays 'Beyond the slice' on a ${where}: on the slice it fails, on every weight at lr 1 it passes, the map still the slice`, async () => {
      const { context, page } = await open(where);
      await page.goto(`${bed.url}/?challenges`);
      const item = page.getByRole('listitem').filter({ hasText: 'Beyond the slice' });
      await item.getByRole('link', { name: 'Beyond the slice' }).click();
      expect(page.url()).toMatch(/\?challenge=beyond-the-slice$/);
      await expect.poll(() => page.getByRole('region', { name: 'Goal' }).textContent()).toContain('loss of 0.1 or lower');
      await mapDrawn(page);
      const space = page.getByRole('region', { name: 'What the racer changes' });
      expect(await page.getByLabel('Race on').inputValue()).toBe('slice');
      expect(await space.textContent()).toContain('Racing on the slice: the racer changes only the map’s two coordinates');
      if (where === 'phone') expect((await page.getByLabel('Race on').boundingBox())!.height).toBeGreaterThanOrEqual(44);
      await shot(page, `slice-task-${where}`);

      expect(await runToVerdict(page)).toBe('Not yet');
      await showHints(page, 2);
      await page.getByRole('list', { name: 'Hints' }).scrollIntoViewIfNeeded();
      await shot(page, `slice-hint-${where}`);

      // The second hint, followed by hand: race on every weight; then the third's learning rate, typed in.
      await page.getByLabel('Race on').selectOption('every');
      await expect.poll(() => space.textContent()).toContain('Racing on every weight: the map still shows the slice');
      expect(await space.textContent()).toContain('the other 40 directions');
      await page.getByLabel('Learning rate').fill('1');
      await page.getByLabel('Learning rate').press('Enter');
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'Ready' }).first().textContent()).toContain('lr 1');
      await space.scrollIntoViewIfNeeded();
      await shot(page, `slice-every-weight-${where}`);
      expect(await runToVerdict(page)).toBe('Passed!');
      // The readout is the network's own loss, far below the slice's ground under the projected racer.
      const readout = (await space.getByRole('status').textContent()) ?? '';
      expect(numberIn(readout, 'The network’s loss')).toBeLessThan(0.1);
      expect(numberIn(readout, 'The map under your racer')).toBeGreaterThan(numberIn(readout, 'The network’s loss'));
      const result = page.getByRole('region', { name: 'Result' });
      expect(await result.textContent()).toContain('The network has 42 weights and biases');
      expect(await result.getByRole('img', { name: /Your path on the map’s plane/ }).count()).toBe(1);
      expect(await result.getByRole('img', { name: /Loss of your run/ }).count()).toBe(1);
      await result.scrollIntoViewIfNeeded();
      await shot(page, `slice-passed-${where}`);
      await shot(page, `slice-passed-${where}-full`, true);
      await result.screenshot({ path: resolve(CHALLENGE_SHOTS, `slice-explanation-${where}.png`) });
      await context.close();
    });

    it(`plays 'The shape of a path' on a ${where}: the third hint's setting passes, and the path shows whole on its own plane`, async () => {
      const { context, page } = await open(where);
      await page.goto(`${bed.url}/?challenge=shape-of-a-path`);
      await expect.poll(() => page.getByRole('region', { name: 'Goal' }).textContent()).toContain('then look at its path');
      await mapDrawn(page);
      await shot(page, `path-task-${where}`);
      expect(await runToVerdict(page)).toBe('Not yet');
      await showHints(page, 3);
      await page.getByRole('button', { name: 'Use this setting' }).click();
      expect(await page.getByLabel('Learning rate').inputValue()).toBe('1');
      await page.getByRole('list', { name: 'Hints' }).scrollIntoViewIfNeeded();
      await shot(page, `path-hint-${where}`);
      expect(await runToVerdict(page)).toBe('Passed!');
      const result = page.getByRole('region', { name: 'Result' });
      expect(await result.textContent()).toContain('those two directions hold over 95 % of the path’s spread');
      const own = result.getByRole('img', { name: /Your path on its own principal plane/ });
      expect(await own.count()).toBe(1);
      const caption = (await own.getAttribute('aria-label')) ?? '';
      const held = Number(/which hold (\d+) % of its spread/.exec(caption)![1]);
      expect(held).toBeGreaterThan(90);
      expect(caption).toMatch(/The map’s random plane holds (under 1|\d+) %/);
      expect(await result.getByRole('img', { name: /Your path on the map’s plane/ }).count()).toBe(1);
      await expect.poll(() => result.locator('canvas').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      await own.scrollIntoViewIfNeeded();
      await shot(page, `path-passed-${where}`);
      await shot(page, `path-passed-${where}-full`, true);
      await result.screenshot({ path: resolve(CHALLENGE_SHOTS, `path-explanation-${where}.png`) });
      await context.close();
    });
  }
});
