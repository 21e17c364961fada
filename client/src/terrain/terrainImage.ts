import { NON_FINITE_RGB, normaliseLoss, type LossScale } from './colorScale';

/**
 * Turns an n×n loss grid (row-major, row i is y = yMin + i·dy, as `lossGrid`
 * returns it) into RGBA pixels for a canvas, whose rows run top-down: image
 * row r shows grid row n−1−r, so larger y is higher on screen.
 *
 * Hill shading (optional) lights the normalised height field from the
 * north-west (Lambert, light (−1, 1, 1)/√3) and multiplies the colour by
 * 0.55 + 0.45·shade, which makes ridges and wells readable without changing
 * hue, so the colour map stays truthful.
 */
export function terrainPixels(
  grid: Float64Array,
  n: number,
  scale: LossScale,
  table: Uint8Array,
  hillShade: boolean,
  out: Uint8ClampedArray = new Uint8ClampedArray(n * n * 4),
): Uint8ClampedArray {
  if (grid.length !== n * n) throw new RangeError(`grid has ${grid.length} values, expected ${n}×${n}`);
  const t = new Float32Array(n * n);
  for (let i = 0; i < n * n; i++) t[i] = normaliseLoss(scale, grid[i]);
  const lx = -1 / Math.sqrt(3),
    ly = 1 / Math.sqrt(3),
    lz = 1 / Math.sqrt(3);
  // Height exaggeration relative to one grid step: t spans [0, 1] over ~n cells.
  const zScale = n / 4;
  for (let gi = 0; gi < n; gi++) {
    const row = n - 1 - gi;
    for (let j = 0; j < n; j++) {
      const k = gi * n + j;
      const o = (row * n + j) * 4;
      const v = t[k];
      if (Number.isNaN(v)) {
        out[o] = NON_FINITE_RGB[0];
        out[o + 1] = NON_FINITE_RGB[1];
        out[o + 2] = NON_FINITE_RGB[2];
        out[o + 3] = 255;
        continue;
      }
      const c = Math.min(255, Math.max(0, Math.round(v * 255))) * 3;
      let shade = 1;
      if (hillShade) {
        const left = t[gi * n + Math.max(0, j - 1)],
          right = t[gi * n + Math.min(n - 1, j + 1)];
        const down = t[Math.max(0, gi - 1) * n + j],
          up = t[Math.min(n - 1, gi + 1) * n + j];
        const dzdx = Number.isNaN(left) || Number.isNaN(right) ? 0 : ((right - left) / 2) * zScale;
        const dzdy = Number.isNaN(up) || Number.isNaN(down) ? 0 : ((up - down) / 2) * zScale;
        const norm = Math.sqrt(dzdx * dzdx + dzdy * dzdy + 1);
        const lambert = Math.max(0, (-dzdx * lx - dzdy * ly + lz) / norm);
        // Flat ground has lambert = lz: shade 1. Slopes facing the light brighten (capped).
        shade = Math.min(1.15, 0.55 + (0.45 * lambert) / lz);
      }
      out[o] = table[c] * shade;
      out[o + 1] = table[c + 1] * shade;
      out[o + 2] = table[c + 2] * shade;
      out[o + 3] = 255;
    }
  }
  return out;
}
