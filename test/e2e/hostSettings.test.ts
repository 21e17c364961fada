import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEFAULT_KNOB_RANGES, landscapeCatalogue, ROUND_DEFAULTS } from '@gradient-rally/shared';
import { launchBrowser, screenshot, startServer, watchErrors } from './harness';
import type { GameServer } from '../../server/src/createGameServer';

/**
 * The host's settings form: picking a terrain tile applies the terrain's
 * preset (round length, scoring, knob ranges…) and every field stays
 * editable; what the form shows is what the server accepted.
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

describe('host settings form', () => {
  it('a terrain tile applies its preset; the fields stay editable', async () => {
    const host = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchErrors(host, errors);
    await host.goto(`${url}/`);
    await host.getByRole('button', { name: 'Host a game' }).click();
    await expect.poll(async () => (await host.getByLabel('Join code').textContent())?.trim().length ?? 0, { timeout: 20_000 }).toBe(6);

    const seconds = host.getByLabel('Round length (seconds)');
    await expect.poll(() => seconds.inputValue(), { timeout: 10_000 }).not.toBe('');
    await seconds.fill('8');
    await seconds.press('Enter');
    await seconds.blur();
    const highestLr = host.getByLabel('Highest Learning rate');
    await highestLr.fill('0.5');
    await highestLr.press('Enter');
    await highestLr.blur();
    // The server accepted both (the room's settings come back into the form).
    await expect.poll(() => host.locator('#phase').textContent(), { timeout: 10_000 }).toContain('Lobby');
    await expect
      .poll(() => host.getByRole('alert').allTextContents(), { timeout: 5_000 })
      .not.toContainEqual(expect.stringMatching(/must/));

    const entry = landscapeCatalogue().find((c) => c.spec.kind === 'himmelblau')!;
    await host.getByRole('radiogroup', { name: 'Landscape' }).getByText(entry.title).click();
    const expectedSeconds = String(entry.preset.settings.roundSeconds ?? ROUND_DEFAULTS.roundSeconds);
    const expectedLr = String((entry.preset.settings.knobRanges?.lr ?? DEFAULT_KNOB_RANGES.lr)[1]);
    await expect.poll(() => seconds.inputValue(), { timeout: 10_000 }).toBe(expectedSeconds);
    await expect.poll(() => highestLr.inputValue(), { timeout: 10_000 }).toBe(expectedLr);
    await expect.poll(() => host.getByText(entry.lesson).count(), { timeout: 10_000 }).toBe(1);

    // Still editable after the preset.
    await seconds.fill('12');
    await seconds.press('Enter');
    await seconds.blur();
    await host.getByRole('radiogroup', { name: 'Landscape' }).scrollIntoViewIfNeeded();
    await expect.poll(() => seconds.inputValue(), { timeout: 10_000 }).toBe('12');
    // The tile previews are drawn a few at a time: wait until the visible ones have pixels.
    await expect
      .poll(
        () =>
          host.evaluate(() =>
            [...document.querySelectorAll<HTMLCanvasElement>('[aria-label="Landscape"] canvas')].slice(0, 6).every((c) => {
              const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
              return d.some((v, i) => i % 4 === 3 && v > 0);
            }),
          ),
        { timeout: 10_000 },
      )
      .toBe(true);
    await screenshot(host, 'host-settings');
    await host.getByRole('table', { name: 'Knob ranges' }).scrollIntoViewIfNeeded();
    await screenshot(host, 'host-settings-ranges');
    expect(errors).toEqual([]);
    await host.close();
  });
});
