import { decisionBoundaryGrid, type Landscape, type MlpLandscape } from '@gradient-rally/shared';
import { h } from './elements';

/** Class colours (Okabe–Ito blue, orange, green, …) and marker shapes, so classes never differ by colour alone. */
export const CLASS_RGB = [0x0072b2, 0xe69f00, 0x009e73, 0xcc79a7, 0xd55e00, 0x56b4e9].map((c) => [
  (c >> 16) & 255,
  (c >> 8) & 255,
  c & 255,
]);
const GRID = 72;

export function isMlpLandscape(L: Landscape): L is MlpLandscape {
  return (L as Partial<MlpLandscape>).network !== undefined && typeof (L as Partial<MlpLandscape>).paramsInto === 'function';
}

/**
 * On MLP terrains, the racer's network seen in input space (as TensorFlow
 * Playground shows it): the predicted class as a tint whose strength is the
 * confidence, the training points on top (class 0 circles, class 1 crosses…),
 * and train / test accuracy. Redrawn at most a few times a second.
 */
export class DecisionBoundary {
  readonly element: HTMLElement;
  private readonly canvas = h('canvas', {
    width: 216,
    height: 216,
    role: 'img',
    'aria-label': 'Decision boundary of your network over the dataset',
  });
  private readonly text = h('p', { class: 'note', role: 'status' });
  private last = 0;

  constructor() {
    this.element = h('section', { class: 'panel' }, h('h2', {}, 'Your network on the data'), this.canvas, this.text);
  }

  /** Draws the network at landscape point `theta`; throttled unless `force`. */
  draw(L: MlpLandscape, theta: ArrayLike<number>, force = false): void {
    const now = performance.now();
    if (!force && now - this.last < 250) return;
    this.last = now;
    const net = L.network;
    const params = L.paramsInto(theta, new Float64Array(net.nParams));
    const x = L.train.x,
      y = L.train.y,
      n = y.length;
    let xMin = Infinity,
      xMax = -Infinity,
      yMin = Infinity,
      yMax = -Infinity;
    for (let i = 0; i < n; i++) {
      xMin = Math.min(xMin, x[2 * i]);
      xMax = Math.max(xMax, x[2 * i]);
      yMin = Math.min(yMin, x[2 * i + 1]);
      yMax = Math.max(yMax, x[2 * i + 1]);
    }
    const padX = 0.1 * (xMax - xMin || 1),
      padY = 0.1 * (yMax - yMin || 1);
    const b = { xMin: xMin - padX, xMax: xMax + padX, yMin: yMin - padY, yMax: yMax + padY };
    const probs = decisionBoundaryGrid(net, params, b, GRID);
    const c = net.classes;
    const img = new ImageData(GRID, GRID);
    for (let i = 0; i < GRID; i++)
      for (let j = 0; j < GRID; j++) {
        const base = (i * GRID + j) * c;
        let best = 0;
        for (let q = 1; q < c; q++) if (probs[base + q] > probs[base + best]) best = q;
        // Confidence 1/c (a coin toss) → white; 1 → the class colour at 70 %.
        const conf = (probs[base + best] - 1 / c) / (1 - 1 / c);
        const o = ((GRID - 1 - i) * GRID + j) * 4;
        const rgb = CLASS_RGB[best % CLASS_RGB.length];
        for (let k = 0; k < 3; k++) img.data[o + k] = 255 - (255 - rgb[k]) * 0.7 * conf;
        img.data[o + 3] = 255;
      }
    const ctx = this.canvas.getContext('2d')!;
    const tmp = document.createElement('canvas');
    tmp.width = tmp.height = GRID;
    tmp.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(tmp, 0, 0, this.canvas.width, this.canvas.height);
    const W = this.canvas.width,
      H = this.canvas.height;
    for (let i = 0; i < n; i++) {
      const px = ((x[2 * i] - b.xMin) / (b.xMax - b.xMin)) * W,
        py = H - ((x[2 * i + 1] - b.yMin) / (b.yMax - b.yMin)) * H;
      const rgb = CLASS_RGB[y[i] % CLASS_RGB.length];
      ctx.strokeStyle = '#000';
      ctx.fillStyle = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
      ctx.lineWidth = 1;
      if (y[i] % 2 === 0) {
        ctx.beginPath();
        ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      } else {
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = ctx.fillStyle;
        ctx.beginPath();
        ctx.moveTo(px - 3.5, py - 3.5);
        ctx.lineTo(px + 3.5, py + 3.5);
        ctx.moveTo(px + 3.5, py - 3.5);
        ctx.lineTo(px - 3.5, py + 3.5);
        ctx.stroke();
      }
    }
    const r = L.evaluate(theta);
    const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(0)} %`);
    this.text.textContent = `Training accuracy ${pct(r.trainAccuracy)}${r.testAccuracy !== null ? `, held-out accuracy ${pct(r.testAccuracy)}` : ''}. Circles and crosses are the two classes; the tint is what your network predicts.`;
  }
}
