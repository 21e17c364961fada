import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { GameServer } from '../../server/src/createGameServer';
import { framesPainted, launchBrowser, SHOTS, startServer } from './harness';

/**
 * What the challenge screens' browser tests share: one game server and one
 * browser per test file (no page error allowed by the end), screenshots
 * under test-results/challenges, and a run at the fastest speed up to its
 * verdict.
 */

export const CHALLENGE_SHOTS = resolve(SHOTS, 'challenges');

export interface ChallengeTestBed {
  readonly url: string;
  readonly browser: Browser;
  /** Page errors collected with `watchErrors`; the file fails if any is left at the end. */
  readonly errors: string[];
}

/** Registers the file's server and browser (beforeAll / afterAll) and returns them, filled once the file starts. */
export function challengeTestBed(): ChallengeTestBed {
  let server: GameServer | undefined;
  let url = '';
  let browser: Browser | undefined;
  const errors: string[] = [];
  beforeAll(async () => {
    ({ server, url } = await startServer());
    browser = await launchBrowser();
    mkdirSync(CHALLENGE_SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    expect(errors).toEqual([]);
  });
  return {
    get url() {
      return url;
    },
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    errors,
  };
}

/** A screenshot of the page (once its frames are painted) into test-results/challenges/<name>.png. */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await framesPainted(page);
  await page.screenshot({ path: resolve(CHALLENGE_SHOTS, `${name}.png`), fullPage });
}

/** Runs the current setup at the fastest speed and waits for the verdict (the Result's heading). */
export async function runToVerdict(page: Page, { tap = false, timeout = 90_000 } = {}): Promise<string> {
  await page.getByLabel('Speed').selectOption('100');
  const run = page.getByRole('button', { name: 'Run', exact: true });
  await (tap ? run.tap() : run.click());
  const result = page.getByRole('region', { name: 'Result' });
  await expect.poll(() => result.isVisible(), { timeout }).toBe(true);
  return (await result.getByRole('heading', { level: 2 }).first().textContent()) ?? '';
}

/** Waits until the arena's terrain is drawn (its legend names the loss range): a network's map is computed in a worker and takes seconds on a busy machine. */
export async function mapDrawn(page: Page, timeout = 60_000): Promise<void> {
  await expect.poll(() => page.locator('#legend').textContent(), { timeout }).toContain('Loss');
}
