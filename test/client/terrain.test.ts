import { describe, expect, it } from 'vitest';
import { contourLines } from '../../client/src/terrain/contours';
import { formatLoss, legendTicks, lossScaleFor, minimaInView, viridisTable } from '../../client/src/terrain/colorScale';
import { terrainPixels } from '../../client/src/terrain/terrainImage';
import { computeTerrain } from '../../client/src/terrain/computeTerrain';
import { createLandscape, landscapeCatalogue, lossGrid } from '@gradient-rally/shared';

/** x² + y² on an n×n grid over [-1, 1]², row-major with row i at y = -1 + 2i/(n-1). */
function bowl(n: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = -1 + (2 * j) / (n - 1),
        y = -1 + (2 * i) / (n - 1);
      g[i * n + j] = x * x + y * y;
    }
  return g;
}
const B = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };

describe('contour lines', () => {
  it('a bowl gives circles at the right radius, in landscape coordinates', () => {
    const n = 65;
    const grid = bowl(n);
    const scale = lossScaleFor(grid, false);
    const lines = contourLines(grid, n, B, scale, 4);
    expect(lines.length).toBe(4);
    for (const line of lines) {
      // A level at loss v is the circle r = √v (clipped by the square when v > 1).
      if (line.value >= 1) continue;
      const r = Math.sqrt(line.value);
      // The level set's region (loss ≥ level) is the square minus a disc: its inner ring is the circle.
      const ring = line.rings.find((q) => q.every((c) => Math.abs(c) < 0.99))!;
      expect(ring).toBeDefined();
      for (let p = 0; p < ring.length; p += 2) expect(Math.hypot(ring[p], ring[p + 1])).toBeCloseTo(r, 1);
    }
    expect(lines.map((l) => l.value)).toEqual([...lines.map((l) => l.value)].sort((a, b) => a - b));
  });

  it('non-finite cells do not break marching squares', () => {
    const n = 17;
    const grid = bowl(n);
    grid[5] = NaN;
    grid[40] = Infinity;
    const lines = contourLines(grid, n, B, lossScaleFor(grid, false), 6);
    for (const l of lines) for (const r of l.rings) expect(r.every(Number.isFinite)).toBe(true);
  });

  it('rejects a grid of the wrong size', () => {
    expect(() => contourLines(new Float64Array(10), 4, B, lossScaleFor([0, 1], false))).toThrow(RangeError);
  });
});

describe('terrain pixels', () => {
  it('puts larger y at the top of the image and colours by loss', () => {
    // Loss = y: bottom rows low (dark), top rows high (bright).
    const n = 8;
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = i;
    const px = terrainPixels(g, n, lossScaleFor(g, false), viridisTable(), false);
    const top = px.slice(0, 4),
      bottom = px.slice((n - 1) * n * 4, (n - 1) * n * 4 + 4);
    expect([...top]).toEqual([0xfd, 0xe7, 0x25, 255]);
    expect([...bottom]).toEqual([0x44, 0x01, 0x54, 255]);
  });

  it('hill shading darkens slopes facing away from the light and keeps flat ground unchanged', () => {
    const n = 16;
    const flat = new Float64Array(n * n).fill(1);
    const s = lossScaleFor([0, 2], false);
    const plain = terrainPixels(flat, n, s, viridisTable(), false);
    const shaded = terrainPixels(flat, n, s, viridisTable(), true);
    expect([...shaded]).toEqual([...plain]);
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = (n - j) / n; // rises to the west
    const lit = terrainPixels(g, n, lossScaleFor(g, false), viridisTable(), true);
    const unlit = terrainPixels(g, n, lossScaleFor(g, false), viridisTable(), false);
    const k = (5 * n + 8) * 4; // light comes from the north-west: a west-rising slope faces away from it
    expect(lit[k + 1]).toBeLessThan(unlit[k + 1]);
  });

  it('non-finite loss is drawn grey, off the colour map', () => {
    const g = new Float64Array([0, 1, NaN, 2]);
    const px = terrainPixels(g, 2, lossScaleFor(g, false), viridisTable(), true);
    // Grid row 1 (y max) is image row 0: NaN at grid (1, 0) → pixel 0.
    expect([...px.slice(0, 4)]).toEqual([128, 128, 128, 255]);
  });
});

describe('computeTerrain (the worker job) on shared landscapes', () => {
  it('draws Rosenbrock on a log scale with contours, and an MLP slice', () => {
    const r = computeTerrain({
      id: 1,
      spec: { kind: 'rosenbrock' },
      bounds: { xMin: -2, xMax: 2, yMin: -1, yMax: 3 },
      n: 64,
      hillShade: true,
      levels: 8,
    });
    expect(r.scale.kind).toBe('log');
    expect(r.rgba.length).toBe(64 * 64 * 4);
    expect(r.contours.length).toBeGreaterThan(3);
    const m = computeTerrain({
      id: 2,
      spec: { kind: 'mlp', dataset: 'moons', samples: 60, noise: 0.1, layers: [2, 6, 2], activation: 'tanh', seed: 3, slice: true },
      bounds: B,
      n: 24,
      hillShade: false,
      levels: 4,
    });
    expect(m.rgba.length).toBe(24 * 24 * 4);
    expect(Number.isFinite(m.scale.min) && Number.isFinite(m.scale.max)).toBe(true);
  });

  it('large grids get their contours from a coarser grid, still in the right place', () => {
    const r = computeTerrain({ id: 4, spec: { kind: 'expression', expr: 'x^2 + y^2' }, bounds: B, n: 301, hillShade: false, levels: 5 });
    expect(r.contours.length).toBe(5);
    for (const line of r.contours) {
      if (line.value >= 1) continue;
      const ring = line.rings.find((q) => q.every((c) => Math.abs(c) < 0.99))!;
      for (let p = 0; p < ring.length; p += 2) expect(Math.hypot(ring[p], ring[p + 1])).toBeCloseTo(Math.sqrt(line.value), 1);
    }
  });

  it("the legend's lowest value is never above a known minimum in view (a sharp pit between two samples once read 0.313 beside a racer at 0.295)", () => {
    for (const entry of landscapeCatalogue()) {
      const L = createLandscape(entry.spec);
      const bounds = L.info.bounds;
      const floor = minimaInView(L.info.points, bounds);
      // The arena's resolutions: a phone's (128) to a projector's (512).
      for (const n of [128, 256, 512]) {
        const r = computeTerrain({ id: 1, spec: entry.spec, bounds, n, hillShade: false, levels: 0 });
        for (const v of floor) expect(r.scale.min, `${entry.title} at ${n}²`).toBeLessThanOrEqual(v);
        // The legend's first tick says that lowest value.
        expect(legendTicks(r.scale)[0].text).toBe(formatLoss(r.scale.min));
      }
    }
    // Sharp vs flat: the pit is narrower than a 128-sample spacing, so the samples alone stop above it.
    const sharp = landscapeCatalogue().find((e) => e.spec.kind === 'sharp-vs-flat')!;
    const L = createLandscape(sharp.spec);
    const pit = Math.min(...minimaInView(L.info.points, L.info.bounds));
    expect(lossScaleFor(lossGrid(L, { ...L.info.bounds, n: 128 }), false).min).toBeGreaterThan(pit);
    expect(computeTerrain({ id: 3, spec: sharp.spec, bounds: L.info.bounds, n: 128, hillShade: false, levels: 0 }).scale.min).toBe(pit);
  });

  it('a bad spec throws the shared SpecError message', () => {
    expect(() =>
      computeTerrain({ id: 3, spec: { kind: 'expression', expr: 'x +* y' }, bounds: B, n: 8, hillShade: false, levels: 0 }),
    ).toThrow(/expr/);
  });
});
