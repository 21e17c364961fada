import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchErrors } from './harness';
import { CHALLENGE_SHOTS, challengeTestBed, mapDrawn, runToVerdict } from './challengeScreen';

/**
 * The line-search picture of challenge 9 'hundred-gradients' (L-BFGS on
 * Rosenbrock, from the challenge's link) after a pass: every tried point a
 * light dot in a near-black ring, readable over the bright greens and yellows
 * of the terrain's map (where the old ringless sky-blue dots were pale) as
 * over its purples. Pixels are sampled from the drawn canvas.
 */
const bed = challengeTestBed();

describe('line-search trial points', () => {
  it('L-BFGS on the hundred-gradients challenge: the picture of every tried point, ringed dots over every colour', async () => {
    const page = await bed.browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchErrors(page, bed.errors);
    await page.goto(`${bed.url}/?challenge=hundred-gradients&optimizer=lbfgs&lr=1`);
    await expect.poll(() => page.getByRole('region', { name: 'Goal' }).textContent()).toContain('100 gradient');
    await mapDrawn(page);
    expect(await runToVerdict(page)).toBe('Passed!');
    const figure = page.getByRole('region', { name: 'Result' }).getByRole('img', { name: /Every point the optimizer tried/ });
    await expect.poll(() => figure.count(), { timeout: 30_000 }).toBe(1);
    await figure.scrollIntoViewIfNeeded();
    await figure.screenshot({ path: resolve(CHALLENGE_SHOTS, 'trials-lbfgs-desktop.png') });
    // On the canvas: every pixel of a dot's fill that lies near the map's yellows has the dot's dark ring within 4 px.
    const seen = await figure.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d')!;
      const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
      const px = (x: number, y: number) => {
        const i = (Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))) * 4;
        return [data[i], data[i + 1], data[i + 2]];
      };
      const dark = ([r, g, b]: number[]) => r + g + b < 200;
      const bright = ([, g, b]: number[]) => g > 170 && b < 130; // viridis' bright end, green to yellow
      const fill = ([r, g, b]: number[]) => Math.abs(r - 0xa8) < 16 && Math.abs(g - 0xdd) < 16 && Math.abs(b - 0xf7) < 16;
      const near = (x: number, y: number, d: number, test: (c: number[]) => boolean) => {
        for (let dy = -d; dy <= d; dy++) for (let dx = -d; dx <= d; dx++) if (test(px(x + dx, y + dy))) return true;
        return false;
      };
      let fills = 0;
      let onYellow = 0;
      let ringedOnYellow = 0;
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          if (!fill(px(x, y))) continue;
          fills++;
          if (!near(x, y, 8, bright)) continue;
          onYellow++;
          if (near(x, y, 4, dark)) ringedOnYellow++;
        }
      return { fills, onYellow, ringedOnYellow };
    });
    console.log(
      `trial picture: ${seen.fills} pixels of the dots' fill, ${seen.onYellow} of them near the map's bright greens and yellows, ${seen.ringedOnYellow} of those with the dark ring within 4 px`,
    );
    expect(seen.onYellow).toBeGreaterThan(0);
    expect(seen.ringedOnYellow).toBe(seen.onYellow);
    await page.close();
  });
});
