/**
 * Client bench (`npx tsx test/bench/client.bench.ts`, also run by `npm run bench`):
 *
 * 1. Frames per second with 40 racers and trails, in headless Chromium: our
 *    Phaser arena (`/?bench=racers&n=40&fps=0`, uncapped) beside a peer: the
 *    same scene drawn by hand with Canvas 2D on the same page size, in the same
 *    browser. (Headless Chromium paces rAF at 60 Hz, so 60 is the ceiling.)
 * 2. Terrain render time for a 512×512 analytic landscape and an MLP slice:
 *    our worker job (`computeTerrain`: shared's `lossGrid`, a viridis lookup
 *    table, hill shading, d3-contour) beside the obvious peer (one
 *    `landscape.value` call and one `d3.interpolateViridis` colour string per
 *    pixel, same contours), in this Node process.
 * 3. Gzipped JavaScript the first page loads, measured from the responses the
 *    browser actually receives on `/`, beside a peer: Phaser's own minified
 *    build, gzipped (what any Phaser game that loads Phaser up front ships).
 */
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { interpolateViridis } from 'd3-scale-chromatic';
import { createLandscape } from '@gradient-rally/shared';
import { computeTerrain } from '../../client/src/terrain/computeTerrain';
import { contourLines } from '../../client/src/terrain/contours';
import { lossScaleFor } from '../../client/src/terrain/colorScale';
import { launchBrowser, startServer, ROOT } from '../e2e/harness';

const rows: string[][] = [];
const row = (...c: (string | number)[]) => rows.push(c.map(String));

// ── 2. terrain render time (Node, no browser needed) ──────────────────────────
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(fn: () => void, reps: number): number {
  fn(); // warm-up (JIT, tables)
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}
function peerTerrain(spec: unknown, bounds: { xMin: number; xMax: number; yMin: number; yMax: number }, n: number): void {
  const L = createLandscape(spec);
  const grid = new Float64Array(n * n);
  const p = new Float64Array(L.dim);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = bounds.xMin + (j * (bounds.xMax - bounds.xMin)) / (n - 1),
        y = bounds.yMin + (i * (bounds.yMax - bounds.yMin)) / (n - 1);
      if (L.dim === 2) {
        p[0] = x;
        p[1] = y;
      } else L.liftInto!(x, y, p);
      grid[i * n + j] = L.value(p);
    }
  const scale = lossScaleFor(grid, L.info.wideRange);
  const rgba = new Uint8ClampedArray(n * n * 4);
  const lo = Math.log(scale.delta || 1),
    hi = Math.log(scale.max - scale.min + (scale.delta || 1));
  for (let k = 0; k < n * n; k++) {
    const t =
      scale.kind === 'log'
        ? (Math.log(grid[k] - scale.min + scale.delta) - lo) / (hi - lo)
        : (grid[k] - scale.min) / (scale.max - scale.min);
    const c = interpolateViridis(t);
    rgba[4 * k] = parseInt(c.slice(1, 3), 16);
    rgba[4 * k + 1] = parseInt(c.slice(3, 5), 16);
    rgba[4 * k + 2] = parseInt(c.slice(5, 7), 16);
    rgba[4 * k + 3] = 255;
  }
  contourLines(grid, n, bounds, scale, 14);
}
const terrainCases = [
  { name: 'Rosenbrock 512²', spec: { kind: 'rosenbrock' }, bounds: { xMin: -2, xMax: 2, yMin: -1, yMax: 3 }, n: 512, reps: 7 },
  {
    name: 'MLP slice 512² (moons, 2-8-2)',
    spec: { kind: 'mlp', dataset: 'moons', samples: 160, noise: 0.15, layers: [2, 8, 2], activation: 'tanh', seed: 7, slice: true },
    bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 },
    n: 512,
    reps: 3,
  },
];
const terrainRows: string[][] = [];
// `--fps-only` skips the Node terrain timings (quick iteration on drawing).
for (const c of process.argv.includes('--fps-only') ? [] : terrainCases) {
  const ours = time(() => computeTerrain({ id: 0, spec: c.spec, bounds: c.bounds, n: c.n, hillShade: true, levels: 14 }), c.reps);
  const peer = time(() => peerTerrain(c.spec, c.bounds, c.n), Math.max(1, c.reps - 2));
  const split = computeTerrain({ id: 0, spec: c.spec, bounds: c.bounds, n: c.n, hillShade: true, levels: 14 }, () =>
    performance.now(),
  ).timings;
  terrainRows.push([
    c.name,
    `${ours.toFixed(1)} ms`,
    `${peer.toFixed(1)} ms`,
    `${(peer / ours).toFixed(2)}×`,
    `grid ${split.grid.toFixed(0)} / colour ${split.colour.toFixed(0)} / contours ${split.contours.toFixed(0)} ms`,
  ]);
}

// ── 1 and 3: in headless Chromium against the real server ─────────────────────
const { server, url } = await startServer();
const browser = await launchBrowser();
try {
  // 3. JS the landing page loads.
  const page = await browser.newPage();
  const scripts: { url: string; raw: number; gz: number }[] = [];
  page.on('response', async (r) => {
    if (r.request().resourceType() !== 'script') return;
    const body = await r.body().catch(() => Buffer.alloc(0));
    scripts.push({ url: r.url().replace(url, ''), raw: body.length, gz: gzipSync(body, { level: 9 }).length });
  });
  await page.goto(`${url}/`, { waitUntil: 'networkidle' });
  await page.close();
  const firstGz = scripts.reduce((s, x) => s + x.gz, 0),
    firstRaw = scripts.reduce((s, x) => s + x.raw, 0);
  const phaserMin = readFileSync(resolve(ROOT, 'node_modules/phaser/dist/phaser.min.js'));
  const phaserGz = gzipSync(phaserMin, { level: 9 }).length;

  // 1. FPS, ours then the peer, same viewport.
  const viewport = { width: 1280, height: 800 };
  const fpsOf = async (extra: string) => {
    const fpsPage = await browser.newPage({ viewport });
    await fpsPage.goto(`${url}/?bench=racers&n=40&fps=0${extra}`);
    await fpsPage.waitForFunction(
      () => (window as any).__gradientRallyBench?.ready && (window as any).__gradientRallyBench?.terrainMs !== null,
      null,
      { timeout: 60_000 },
    );
    await fpsPage.waitForTimeout(3000); // trails grow for 3 s first
    const measure = async (p: typeof fpsPage) =>
      p.evaluate(async () => {
        const b = (window as any).__gradientRallyBench;
        const f0 = b.frames,
          t0 = performance.now();
        await new Promise((r) => setTimeout(r, 5000));
        return ((b.frames - f0) * 1000) / (performance.now() - t0);
      });
    const fps = await measure(fpsPage);
    const terrainMs = await fpsPage.evaluate(() => (window as any).__gradientRallyBench.terrainMs as number);
    const renderer = await fpsPage.evaluate(() => (window as any).__gradientRallyBench.renderer as string);
    await fpsPage.close();
    return { fps, terrainMs, renderer };
  };
  const auto = await fpsOf('');
  const webgl = await fpsOf('&renderer=webgl');
  const oursFps = auto.fps;
  const terrainInBrowser = auto.terrainMs;

  const peerPage = await browser.newPage({ viewport });
  await peerPage.setContent('<canvas id="c" width="1280" height="800" style="display:block"></canvas>');
  // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
  const peerFps = (await peerPage.evaluate(`(async () => {
    // The same scene by hand: a pre-drawn terrain image, 40 trails, 40 markers, labels.
    const c = document.getElementById('c'), ctx = c.getContext('2d');
    const bg = document.createElement('canvas'); bg.width = bg.height = 512;
    const bctx = bg.getContext('2d'), g = bctx.createRadialGradient(256, 256, 10, 256, 256, 360);
    g.addColorStop(0, '#440154'); g.addColorStop(0.5, '#21918c'); g.addColorStop(1, '#fde725');
    bctx.fillStyle = g; bctx.fillRect(0, 0, 512, 512);
    const trails = Array.from({ length: 40 }, () => []);
    let t = 0, frames = 0;
    const timer = setInterval(() => {
      t += 0.1;
      for (let i = 0; i < 40; i++) trails[i].push(640 + 300 * Math.sin(0.7 * t + i), 400 + 300 * Math.sin(0.45 * t + 2 * i));
    }, 100);
    const colours = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#ffffff'];
    const draw = () => {
      frames++;
      ctx.drawImage(bg, 0, 0, 1280, 800);
      for (let i = 0; i < 40; i++) {
        const tr = trails[i];
        if (tr.length < 4) continue;
        ctx.strokeStyle = colours[i % 8]; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(tr[0], tr[1]);
        for (let k = 2; k < tr.length; k += 2) ctx.lineTo(tr[k], tr[k + 1]);
        ctx.stroke();
        const x = tr[tr.length - 2], y = tr[tr.length - 1];
        ctx.fillStyle = colours[i % 8]; ctx.beginPath(); ctx.arc(x, y, 8, 0, 2 * Math.PI); ctx.fill(); ctx.strokeStyle = '#000'; ctx.stroke();
        ctx.fillStyle = '#fff'; ctx.font = '15px sans-serif'; ctx.fillText(\`Racer \${i + 1}\`, x + 12, y - 10);
      }
      requestAnimationFrame(draw);
    };
    requestAnimationFrame(draw);
    await new Promise((r) => setTimeout(r, 3000));
    const f0 = frames, t0 = performance.now();
    await new Promise((r) => setTimeout(r, 5000));
    clearInterval(timer);
    return ((frames - f0) * 1000) / (performance.now() - t0);
  })()`)) as number;
  await peerPage.close();

  row('What', 'Gradient Rally', 'Peer', 'Peer / ours', 'Notes');
  row(
    `FPS, 40 racers + trails (headless Chromium), auto → ${auto.renderer}`,
    oursFps.toFixed(1),
    peerFps.toFixed(1),
    `${(peerFps / oursFps).toFixed(2)}×`,
    'peer: hand-written Canvas 2D, same scene; 60 = rAF ceiling',
  );
  row(
    'FPS, same, Phaser forced to WebGL (SwiftShader)',
    webgl.fps.toFixed(1),
    peerFps.toFixed(1),
    `${(peerFps / webgl.fps).toFixed(2)}×`,
    'why auto avoids software WebGL',
  );
  for (const r of terrainRows)
    row(`Terrain render, ${r[0]} (Node)`, r[1], r[2], r[3], `peer: value() + interpolateViridis per pixel; ours: ${r[4]}`);
  row(
    'Terrain 512² request → picture, in browser (worker)',
    `${terrainInBrowser.toFixed(0)} ms`,
    '—',
    '—',
    'sharp-vs-flat, incl. transfer and canvas drawing',
  );
  row(
    'JS loaded by the first page, gzipped',
    `${(firstGz / 1024).toFixed(1)} KiB`,
    `${(phaserGz / 1024).toFixed(1)} KiB`,
    `${(phaserGz / firstGz).toFixed(2)}×`,
    `ours: ${scripts.length} files, ${(firstRaw / 1024).toFixed(0)} KiB raw; peer: phaser.min.js alone`,
  );
} finally {
  await browser.close();
  await server.close();
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const [k, r] of rows.entries()) {
  console.log(r.map((c, i) => c.padEnd(widths[i])).join(' │ '));
  if (k === 0) console.log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
}
