import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sharedScenario } from './sharedScenario';
import { bundleScenario, launchBrowser } from './harness';

/**
 * The promise of `shared`: a run is a pure function of its spec and seed, so
 * the browser computes exactly what the server does. This bundles the real
 * package for the browser and compares streams and trajectories bit for bit.
 */
describe('shared runs identically in Chromium and Node', () => {
  let browser: Browser;
  let code: string;
  beforeAll(async () => {
    code = await bundleScenario('test/e2e/sharedScenario.ts', 'sharedScenario');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  // Random streams and arithmetic-only landscapes (Rosenbrock under L-BFGS) must
  // agree bit for bit. Math.sin/cos/exp differ between engines in the last bit
  // (Node 20's V8 vs Chromium 156), so runs through transcendental landscapes
  // agree to rounding only; races are authoritative on the server, so clients
  // never re-simulate them.
  it('same random streams bit for bit; same trajectories', async () => {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>shared</title>');
    await page.addScriptTag({ content: code });
    const inBrowser = await page.evaluate(() => (window as unknown as { __run: () => unknown }).__run());
    const inNode = sharedScenario();
    // JSON round trip on both sides: the browser's numbers arrive as JSON.
    const expected = JSON.parse(JSON.stringify(inNode));
    const got = inBrowser as typeof expected;
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
      const a = (got[key] as unknown[]).flat(2) as number[];
      const b = (expected[key] as unknown[]).flat(2) as number[];
      expect(a.length).toBe(b.length);
      const exact = key !== 'path' && key !== 'loss';
      const first = b.findIndex((v, i) => (exact ? v !== a[i] : !(Math.abs(v - a[i]) <= 1e-12 * Math.max(1, Math.abs(v)))));
      if (first >= 0) expect.fail(`${String(key)} differs first at flat index ${first}: browser ${a[first]} node ${b[first]}`);
    }
    await page.close();
  });
});
