import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { bundleScenario, watchErrors } from './harness';
import { CHALLENGE_SHOTS, challengeTestBed, mapDrawn, runToVerdict, shot } from './challengeScreen';

/**
 * The curvature challenges in a real browser: 21 'small-batches-flat-ends' on
 * a desktop (λmax beside the batch size as the racer trains, the full-batch
 * reference trained in a worker and shown, a pass with batches of 4 and the
 * spectrum picture) and 17 'the-networks-saddle' on a phone with touch (the
 * start's spectrum with the task, the hints, a pass with the hint's lr 0.5,
 * the spectrum at the start and the end). Long tasks on the main thread are
 * recorded from Run to the verdict and printed.
 */
const bed = challengeTestBed();

/** Records every main-thread task over 50 ms (the Long Tasks API) and every status line the page shows. */
const RECORD = () => {
  const w = window as unknown as { longTasks: number[]; statuses: string[] };
  w.longTasks = [];
  w.statuses = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: false });
  new MutationObserver(() => {
    for (const s of document.querySelectorAll('[role=status]')) {
      const t = s.textContent ?? '';
      if (t && w.statuses[w.statuses.length - 1] !== t) w.statuses.push(t);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

/** Runs the current setup at the fastest speed, waits for the verdict, and returns it with the long tasks meanwhile. */
async function runTimed(page: Page): Promise<{ verdict: string; longTasks: number[]; judgedMs: number }> {
  await page.evaluate(() => {
    (window as unknown as { longTasks: number[] }).longTasks = [];
  });
  const verdict = await runToVerdict(page);
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.slice());
  const judgedMs = await page.evaluate(() => performance.getEntriesByName('challenge judged').at(-1)?.duration ?? Number.NaN);
  return { verdict, longTasks, judgedMs };
}

/** The same judging done on the page's main thread, timed in this browser (the design the worker replaced). */
async function judgedOnMainThread(challengeId: string, setup: unknown, seed: number): Promise<string> {
  // A blank page of the same browser (the game's CSP allows no inline script).
  const blank = await bed.browser.newPage();
  await blank.setContent('<!doctype html><title>judging on the main thread</title>');
  await blank.addScriptTag({ content: await bundleScenario('test/e2e/curvatureScenario.ts', 'judgeOnMainThread') });
  const r = await blank.evaluate(
    ([id, s, n]) => (window as unknown as { __run: (...a: unknown[]) => { judgeMs: number; spectrumMs: number } }).__run(id, s, n),
    [challengeId, setup, seed] as const,
  );
  await blank.close();
  return `on the main thread instead: judging ${Math.round(r.judgeMs)} ms, the spectrum picture ${Math.round(r.spectrumMs)} ms`;
}

/**
 * The spectrum picture's negative eigenvalues as the page draws them: each a ▼ tick at least 3 px
 * wide, the counts under the picture equal to the ticks drawn, and on the zoomed strip (when there
 * is one) every negative tick left of its 0 line by a visible gap. Returns the negative ticks per row.
 */
async function negativeTicksDrawn(figure: Locator): Promise<Record<string, number>> {
  const drawn = await figure.evaluate((el) => {
    const ticks = [...el.querySelectorAll<SVGGraphicsElement>('.eigen-tick.negative')].map((t) => {
      const b = t.getBoundingClientRect();
      return {
        strip: t.dataset.strip,
        row: t.dataset.row ?? '',
        value: Number(t.dataset.eigenvalue),
        left: b.left,
        right: b.right,
        width: b.width,
      };
    });
    const zero = el.querySelector<SVGGraphicsElement>('.eigen-zoom-zero')?.getBoundingClientRect();
    const counts = [...el.querySelectorAll('.eigen-key li')].map((li) => li.textContent ?? '');
    const below = Object.fromEntries(
      [...el.querySelectorAll<SVGElement>('.eigen-out[data-below]')].map((t) => [t.dataset.row ?? '', Number(t.dataset.below)]),
    );
    return { ticks, zeroX: zero ? zero.left + zero.width / 2 : null, counts, below };
  });
  const perRow: Record<string, number> = {};
  for (const t of drawn.ticks.filter((t) => t.strip === 'main')) perRow[t.row] = (perRow[t.row] ?? 0) + 1;
  for (const [row, n] of Object.entries(perRow))
    expect(
      drawn.counts.some((c) => c.startsWith(`${row}: ${n} negative`)),
      row,
    ).toBe(true);
  for (const t of drawn.ticks) {
    expect(t.value).toBeLessThan(0);
    expect(t.width).toBeGreaterThanOrEqual(3);
  }
  const zoomed = drawn.ticks.filter((t) => t.strip === 'zoom');
  if (drawn.zeroX !== null) {
    // Each row's negatives are on the zoomed strip or counted left of it (‹N).
    for (const [row, n] of Object.entries(perRow))
      expect(zoomed.filter((t) => t.row === row).length + (drawn.below[row] ?? 0), row).toBe(n);
    // The ▼ ends left of the 0 line, or for the least negative at least its centre does.
    for (const t of zoomed) expect((t.left + t.right) / 2).toBeLessThan(drawn.zeroX);
    expect(Math.min(...zoomed.map((t) => t.left))).toBeLessThan(drawn.zeroX - 20);
  }
  return perRow;
}

const summary = (r: { longTasks: number[]; judgedMs: number }) =>
  `judging on the main thread ${Math.round(r.judgedMs)} ms; ${r.longTasks.length} long tasks from Run to the verdict, longest ${Math.round(Math.max(0, ...r.longTasks))} ms`;

describe('curvature challenges', () => {
  it('small batches on a desktop: λmax beside the batch size, the full-batch reference from a worker, a pass with batches of 4', async () => {
    const page = await bed.browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchErrors(page, bed.errors);
    await page.addInitScript(RECORD);
    await page.goto(`${bed.url}/?challenge=small-batches-flat-ends`);
    await expect.poll(() => page.getByRole('region', { name: 'Goal' }).textContent()).toContain('Small batches, flat ends');
    await mapDrawn(page);
    const batch = page.getByLabel('Batch size');
    expect(await batch.count()).toBe(1);
    expect(await page.getByLabel('Learning rate').count()).toBe(0);
    const readout = page.getByTestId('lambda-readout');
    // The worker trains the full-batch reference of this run's network as soon as the attempt exists.
    await expect.poll(() => readout.textContent(), { timeout: 60_000 }).toMatch(/Full-batch training of this network ends at λmax [\d.]+/);

    // Full batches (the initial setup) do not pass: λmax ends where the reference's does.
    const first = await runTimed(page);
    expect(first.verdict).toBe('Not yet');
    console.log(`challenge 21, full batch, Run → verdict: ${summary(first)}`);

    const hints = page.getByRole('list', { name: 'Hints' });
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: /Show (a hint|hint \d of 3)/ }).click();
    expect(await hints.getByRole('listitem').count()).toBe(3);
    await page.getByRole('button', { name: 'Use this setting' }).click();
    expect(await batch.inputValue()).toBe('4');
    await shot(page, 'curvature-batches-task-desktop');

    // λmax beside the batch size as the racer trains (slowly enough to watch it change).
    await page.getByLabel('Speed').selectOption('5');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => readout.textContent(), { timeout: 30_000 }).toMatch(/λmax now: [\d.]+/);
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add(/λmax now: ([\d.e-]+)/.exec((await readout.textContent()) ?? '')?.[1] ?? '');
          return seen.size;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThanOrEqual(3);
    await shot(page, 'curvature-batches-training-desktop');
    await page.getByRole('button', { name: 'Reset' }).click();

    const second = await runTimed(page);
    console.log(`challenge 21, batches of 4, Run → verdict: ${summary(second)}`);
    const statuses = await page.evaluate(() =>
      (window as unknown as { statuses: string[] }).statuses.filter((s) => s.startsWith('Judging')),
    );
    console.log(`judging statuses seen: ${JSON.stringify(statuses)}`);
    expect(second.verdict).toBe('Passed!');
    const result = page.getByRole('region', { name: 'Result' });
    expect(await result.textContent()).toContain('λmax as a fraction of full-batch training’s');
    expect(await result.textContent()).toContain('On batches of 4 examples the same network');
    await expect
      .poll(() => result.getByRole('img', { name: /The Hessian’s eigenvalues.*at the start.*at the end/ }).count(), { timeout: 60_000 })
      .toBe(1);
    expect(await result.getByRole('img', { name: /Loss of your run/ }).count()).toBe(1);
    const rows = await negativeTicksDrawn(result.getByRole('img', { name: /The Hessian’s eigenvalues/ }));
    expect(rows['at the start']).toBeGreaterThanOrEqual(1);
    console.log(`challenge 21 passed, negative ticks drawn per row: ${JSON.stringify(rows)}`);
    const spectrum = result.getByRole('img', { name: /The Hessian’s eigenvalues/ });
    await spectrum.scrollIntoViewIfNeeded();
    await spectrum.screenshot({ path: resolve(CHALLENGE_SHOTS, 'curvature-batches-spectrum-desktop.png') });
    await result.scrollIntoViewIfNeeded();
    await shot(page, 'curvature-batches-passed-desktop', true);
    console.log(
      `challenge 21, batches of 4, seed 3: ${await judgedOnMainThread('small-batches-flat-ends', { optimizer: { kind: 'sgd', lr: 0.5, batchSize: 4 } }, 3)}`,
    );
    await page.close();
  });

  it('the first saddle on a phone: the start’s spectrum with the task, the hints, a pass at lr 0.5 with the spectrum at start and end', async () => {
    const context = await bed.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const page = await context.newPage();
    watchErrors(page, bed.errors);
    await page.addInitScript(RECORD);
    await page.goto(`${bed.url}/?challenges`);
    const item = page.getByRole('listitem').filter({ hasText: 'The network’s first saddle' });
    await item.getByRole('link', { name: 'The network’s first saddle' }).tap();
    expect(page.url()).toMatch(/\?challenge=the-networks-saddle$/);
    await expect.poll(() => page.getByRole('region', { name: 'Goal' }).textContent()).toContain('a hundred times smaller');
    await mapDrawn(page);
    const startSpectrum = page.getByRole('region', { name: 'Spectrum at the start' });
    await expect
      .poll(() => startSpectrum.getByRole('img', { name: /Smallest: -[\d.]+ at the start/ }).count(), { timeout: 60_000 })
      .toBe(1);
    const startFigure = startSpectrum.getByRole('img', { name: /Smallest/ });
    expect(await startFigure.getAttribute('aria-label')).toMatch(/at the start: \d+ negative \(-[\d.]+ to -[\d.e-]+\)/);
    expect((await negativeTicksDrawn(startFigure))['at the start']).toBeGreaterThanOrEqual(2);
    expect(await startFigure.locator('.eigen-zoom-zero').count()).toBe(1);
    for (const name of ['Learning rate', 'Momentum', 'Gradient noise']) {
      const box = (await page.getByLabel(name).first().boundingBox())!;
      expect(box.height, name).toBeGreaterThanOrEqual(44);
    }
    await shot(page, 'curvature-saddle-task-phone');
    await shot(page, 'curvature-saddle-task-phone-full', true);

    const first = await runTimed(page);
    expect(first.verdict).toBe('Not yet');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: /Show (a hint|hint \d of 3)/ }).tap();
    const hints = page.getByRole('list', { name: 'Hints' });
    expect(await hints.textContent()).toContain('The spectrum at the start has negative eigenvalues');
    await hints.scrollIntoViewIfNeeded();
    await shot(page, 'curvature-saddle-hints-phone');
    await page.getByRole('button', { name: 'Use this setting' }).tap();
    expect(await page.getByLabel('Learning rate').first().inputValue()).toBe('0.5');

    const second = await runTimed(page);
    console.log(`challenge 17 on a phone, lr 0.5, Run → verdict: ${summary(second)}`);
    expect(second.verdict).toBe('Passed!');
    const result = page.getByRole('region', { name: 'Result' });
    expect(await result.textContent()).toContain('SGD at lr 0.5 escapes');
    await expect
      .poll(() => result.getByRole('img', { name: /The Hessian’s eigenvalues.*at the start.*at the end/ }).count(), { timeout: 60_000 })
      .toBe(1);
    expect(await result.getByRole('img', { name: /Loss of your run/ }).count()).toBe(1);
    const passedRows = await negativeTicksDrawn(result.getByRole('img', { name: /The Hessian’s eigenvalues/ }));
    expect(passedRows['at the start']).toBeGreaterThanOrEqual(2);
    console.log(`challenge 17 passed, negative ticks drawn per row: ${JSON.stringify(passedRows)}`);
    await result.getByRole('img', { name: /The Hessian’s eigenvalues/ }).scrollIntoViewIfNeeded();
    await shot(page, 'curvature-saddle-spectrum-phone');
    await result.scrollIntoViewIfNeeded();
    await shot(page, 'curvature-saddle-passed-phone');
    await shot(page, 'curvature-saddle-passed-phone-full', true);
    console.log(
      `challenge 17 on a phone, lr 0.5, seed 2: ${await judgedOnMainThread('the-networks-saddle', { optimizer: { kind: 'sgd', lr: 0.5 } }, 2)}`,
    );
    await context.close();
  });
});
