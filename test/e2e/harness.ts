import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createGameServer, type GameServer } from '../../server/src/createGameServer';

/**
 * Browser-test harness: builds the client once per process, boots the real
 * game server in-process on a free port (serving that build), and launches
 * Debian's Chromium headless through playwright-core.
 */
export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = resolve(ROOT, 'client/dist');
export const SHOTS = resolve(ROOT, 'test-results');

/**
 * A game server the test build may be sent to with `?server=` (allowed at build
 * and in the server's CSP) where nothing listens: the "server cannot be
 * reached" path, with a real refused connection.
 */
export const UNREACHABLE_SERVER = 'ws://127.0.0.1:9';

let built = false;
export function buildClient(): void {
  if (built) return;
  execFileSync('npx', ['vite', 'build', 'client', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, VITE_ALLOWED_SERVERS: UNREACHABLE_SERVER },
  });
  built = true;
}

export async function startServer(): Promise<{ server: GameServer; url: string }> {
  buildClient();
  const server = await createGameServer({
    port: 0,
    host: '127.0.0.1',
    dbPath: ':memory:',
    staticDir: DIST,
    reconnectSeconds: 30,
    allowedServers: [UNREACHABLE_SERVER],
    // One process, windows in memory: the workshop's per-address windows (new libraries per hour) are not
    // shared through REDIS_URL with other test files and earlier runs.
    redisUrl: '',
    // One browser on 127.0.0.1 plays the host and every student; the limits have their own tests.
    addressRules: {
      creates: { limit: 1e6, seconds: 60 },
      joins: { limit: 1e6, seconds: 60 },
      wrongCodes: { limit: 1e6, seconds: 60 },
      pendingSeats: 1e6,
      liveRooms: 1e6,
    },
  });
  const port = await server.listen();
  return { server, url: `http://127.0.0.1:${port}` };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync('/usr/bin/chromium')) throw new Error('Chromium is missing: apt-get install -y chromium');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const path = resolve(SHOTS, `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path });
  return path;
}

/**
 * Resolves once the page has painted `n` more frames: what a screenshot taken
 * right after a change needs (layout, canvas draws), instead of a guessed pause.
 */
export async function framesPainted(page: Page, n = 2): Promise<void> {
  await page.evaluate(
    (count) =>
      new Promise<void>((done) => {
        let left = count;
        const step = () => (--left <= 0 ? done() : requestAnimationFrame(step));
        requestAnimationFrame(step);
      }),
    n,
  );
}

/** Collects page errors so a test can assert none happened. */
export function watchErrors(page: Page, into: string[]): void {
  page.on('pageerror', (e) => into.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') into.push(`${page.url()}: console: ${m.text()}`);
  });
}

/**
 * Bundles one exported function of a test scenario file for the browser (the
 * real packages, as the client build would take them) and sets it as
 * `window.__run`; returns the script to add to a page.
 */
export async function bundleScenario(file: string, exportName: string): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    stdin: { contents: `import { ${exportName} } from './${file}';\nwindow.__run = ${exportName};`, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    absWorkingDir: ROOT,
    nodePaths: [resolve(ROOT, 'node_modules')],
  });
  return out.outputFiles[0].text;
}
