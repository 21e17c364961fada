import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { mlpKernelScenario } from './mlpKernelScenario';
import { bundleScenario, launchBrowser } from './harness';

/**
 * The network kernels of `mlp/fast` (tanh, relu, sigmoid) give the same bits
 * in Chromium as in Node: their exp, log, tanh and sigmoid are built from IEEE
 * arithmetic, never Math.exp or relaxed SIMD.
 */
describe('mlp/fast kernels run bit for bit the same in Chromium and Node', () => {
  let browser: Browser;
  let code: string;
  beforeAll(async () => {
    code = await bundleScenario('test/e2e/mlpKernelScenario.ts', 'mlpKernelScenario');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('slice loss grid and minibatch gradient of a deep network, for every activation', async () => {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>kernels</title>');
    await page.addScriptTag({ content: code });
    const inBrowser = (await page.evaluate(() => (window as unknown as { __run: () => Promise<unknown> }).__run())) as Record<
      string,
      number[]
    >;
    // JSON carries doubles exactly (shortest round-trip form) on both sides.
    const inNode = JSON.parse(JSON.stringify(await mlpKernelScenario())) as Record<string, number[]>;
    expect(Object.keys(inBrowser).sort()).toEqual(Object.keys(inNode).sort());
    for (const key of Object.keys(inNode)) {
      const a = inBrowser[key];
      const b = inNode[key];
      expect(a.length, key).toBe(b.length);
      expect(b.every(Number.isFinite), key).toBe(true);
      const first = b.findIndex((v, i) => v !== a[i]);
      if (first >= 0) expect.fail(`${key} differs first at index ${first}: browser ${a[first]} node ${b[first]}`);
    }
    await page.close();
  });
});
