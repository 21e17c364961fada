import type { TerrainPicture } from '@gradient-rally/shared';
import { lossScaleFor, NON_FINITE_RGB, normaliseLoss, viridisTable } from '../terrain/colorScale';
import { h } from '../ui/elements';

const PATH = '#e69f00';
const ARROW = '#ffffff';
/**
 * A line search's tried points: a light sky-blue fill inside a near-black ring, so a dot reads
 * at 3:1 or more on every colour of the terrain's map — the fill on its purples and blues, the
 * ring on its greens and yellows, where the old fill alone (#56b4e9) was 1.0:1 on a green and 1.8:1 on the yellow.
 */
export const TRIAL_DOT = { fill: '#a8ddf7', ring: '#0b0b14' } as const;
/** Under the path and the accepted points: the same near-black, so the orange reads on the yellows too. */
const HALO = TRIAL_DOT.ring;

/**
 * Draws one of shared's terrain pictures of a finished challenge (the path
 * over the terrain, the eigen-directions at the end, every point a line
 * search tried) on a small canvas beside the explanation, so the picture
 * travels with the text on a phone where the arena has scrolled away.
 */
export function terrainPictureView(p: TerrainPicture, cssSize = 300): HTMLElement {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const b = p.bounds;
  // Equal units on both axes, as in the arena, within a sensible shape.
  const ratio = Math.min(1.5, Math.max(0.5, (b.yMax - b.yMin) / (b.xMax - b.xMin)));
  const canvas = h('canvas', { width: Math.round(cssSize * dpr), height: Math.round(cssSize * ratio * dpr) });
  canvas.style.width = `${cssSize}px`;
  canvas.style.maxWidth = '100%';
  canvas.style.aspectRatio = `${1 / ratio}`;
  const ctx = canvas.getContext('2d');
  if (ctx) draw(ctx, p, canvas.width, canvas.height);
  return h(
    'figure',
    { class: 'challenge-picture', role: 'img', 'aria-label': `${p.title}. ${p.caption}` },
    h('figcaption', {}, h('strong', {}, p.title), ' ', h('span', { class: 'note' }, p.caption)),
    canvas,
  );
}

function draw(ctx: CanvasRenderingContext2D, p: TerrainPicture, width: number, height: number): void {
  const { xMin, xMax, yMin, yMax } = p.bounds;
  const n = p.n;
  const scale = lossScaleFor(p.values, p.log);
  const lut = viridisTable();
  const img = new ImageData(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const t = normaliseLoss(scale, p.values[i * n + j]);
      const o = ((n - 1 - i) * n + j) * 4; // row i is y = yMin + i·dy: the top row of the image is the highest y
      const rgb = Number.isNaN(t) ? NON_FINITE_RGB : lut.subarray(Math.round(t * 255) * 3, Math.round(t * 255) * 3 + 3);
      img.data[o] = rgb[0];
      img.data[o + 1] = rgb[1];
      img.data[o + 2] = rgb[2];
      img.data[o + 3] = 255;
    }
  const grid = new OffscreenCanvas(n, n);
  grid.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(grid, 0, 0, width, height);

  const px = (x: number) => ((x - xMin) / (xMax - xMin)) * width;
  const py = (y: number) => (1 - (y - yMin) / (yMax - yMin)) * height;
  const unit = width / 300;
  ctx.lineJoin = 'round';
  ctx.font = `${Math.round(12 * unit)}px system-ui, sans-serif`;

  for (const t of p.trials) {
    if (t.radius !== null) {
      ctx.strokeStyle = 'rgba(255,255,255,0.55)';
      ctx.setLineDash([4 * unit, 4 * unit]);
      ctx.lineWidth = unit;
      ctx.beginPath();
      ctx.ellipse(px(t.from[0]), py(t.from[1]), (t.radius / (xMax - xMin)) * width, (t.radius / (yMax - yMin)) * height, 0, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    for (const q of t.tried) dot(ctx, px(q[0]), py(q[1]), 3 * unit, TRIAL_DOT.fill, TRIAL_DOT.ring, 1.5 * unit);
  }
  for (const path of p.paths) {
    const pts = path.points;
    if (pts.length < 2) continue;
    ctx.beginPath();
    ctx.moveTo(px(pts[0]), py(pts[1]));
    for (let k = 2; k < pts.length; k += 2) ctx.lineTo(px(pts[k]), py(pts[k + 1]));
    // A dark halo first, the orange over it.
    ctx.strokeStyle = HALO;
    ctx.lineWidth = 4.5 * unit;
    ctx.stroke();
    ctx.strokeStyle = PATH;
    ctx.lineWidth = 2.5 * unit;
    ctx.stroke();
  }
  // Each step's accepted point, in the path's colour, over the path.
  for (const t of p.trials) dot(ctx, px(t.to[0]), py(t.to[1]), 3 * unit, PATH, HALO, 1.5 * unit);
  for (const a of p.arrows) {
    ctx.strokeStyle = ARROW;
    ctx.lineWidth = 2 * unit;
    ctx.beginPath();
    ctx.moveTo(px(a.x - a.dx), py(a.y - a.dy));
    ctx.lineTo(px(a.x + a.dx), py(a.y + a.dy));
    ctx.stroke();
    label(ctx, a.label, px(a.x + a.dx) + 4 * unit, py(a.y + a.dy));
  }
  for (const m of p.marks) {
    ctx.fillStyle = '#ffffff';
    ctx.strokeStyle = '#000000';
    ctx.lineWidth = 1.5 * unit;
    ctx.beginPath();
    ctx.arc(px(m.x), py(m.y), 4.5 * unit, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    label(ctx, m.label, px(m.x) + 7 * unit, py(m.y) - 5 * unit);
  }
}

function dot(ctx: CanvasRenderingContext2D, x: number, y: number, radius: number, fill: string, ring: string, ringWidth: number): void {
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = ring;
  ctx.lineWidth = ringWidth;
  ctx.stroke();
}

function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number): void {
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(0,0,0,0.8)';
  ctx.strokeText(text, x, y);
  ctx.fillStyle = '#ffffff';
  ctx.fillText(text, x, y);
}
