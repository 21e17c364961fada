import type { Bounds2D } from '@gradient-rally/shared';
import type { Viewport } from '../arena/Viewport';
import { legendTicks, type LegendTick, type LossScale } from './colorScale';
import type { TerrainJob, TerrainResult } from './computeTerrain';

/** A finished terrain: a canvas covering `bounds`, plus its legend. */
export interface TerrainPicture {
  key: string;
  canvas: HTMLCanvasElement;
  bounds: Bounds2D;
  scale: LossScale;
  ticks: LegendTick[];
  /** Milliseconds from request to picture. */
  elapsed: number;
}

export interface TerrainOptions {
  hillShade: boolean;
  contours: boolean;
  /** Grid resolution (pixels per side of the computed image). */
  resolution: number;
}

type Reply = { ok: true; result: TerrainResult } | { ok: false; id: number; error: string };

/**
 * Draws terrains: sends jobs to the terrain worker and turns the replies into
 * canvases (heatmap pixels, then contour lines on top) for the arena scene.
 *
 * Only the latest request matters: a request made while another is running
 * supersedes it, and a request equal to the last picture's key is skipped,
 * so the terrain is recomputed only when the landscape or the view changes.
 */
export class TerrainRenderer {
  private worker: Worker | undefined;
  private nextId = 1;
  private latest = 0;
  private lastKey = '';
  private pending = new Map<
    number,
    { key: string; started: number; resolve: (p: TerrainPicture | undefined) => void; reject: (e: Error) => void }
  >();

  constructor(
    private readonly makeWorker: () => Worker = () => new Worker(new URL('./terrain.worker.ts', import.meta.url), { type: 'module' }),
  ) {}

  /** Requests the terrain of `spec` over the viewport; resolves undefined when superseded or unchanged. */
  render(spec: unknown, view: Viewport, options: TerrainOptions): Promise<TerrainPicture | undefined> {
    // Compute a bit beyond the visible area so small pans show terrain at once.
    const vb = view.visibleBounds();
    const padX = (vb.xMax - vb.xMin) * 0.1,
      padY = (vb.yMax - vb.yMin) * 0.1;
    const side = Math.max(vb.xMax - vb.xMin + 2 * padX, vb.yMax - vb.yMin + 2 * padY);
    const cx = (vb.xMin + vb.xMax) / 2,
      cy = (vb.yMin + vb.yMax) / 2;
    const bounds = { xMin: cx - side / 2, xMax: cx + side / 2, yMin: cy - side / 2, yMax: cy + side / 2 };
    const key = JSON.stringify([spec, view.key(), options]);
    if (key === this.lastKey) return Promise.resolve(undefined);
    this.lastKey = key;
    const id = this.nextId++;
    this.latest = id;
    const job: TerrainJob = { id, spec, bounds, n: options.resolution, hillShade: options.hillShade, levels: options.contours ? 14 : 0 };
    const worker = this.ensureWorker();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { key, started: performance.now(), resolve, reject });
      worker.postMessage(job);
    });
  }

  /** Starts the worker ahead of the first request (its script downloads while other things load). */
  warm(): void {
    this.ensureWorker();
  }

  /** Forget the last key, so the next request is computed even if equal (e.g. after a texture loss). */
  invalidate(): void {
    this.lastKey = '';
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const p of this.pending.values()) p.resolve(undefined);
    this.pending.clear();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = this.makeWorker();
    w.onmessage = (e: MessageEvent<Reply>) => this.onReply(e.data);
    w.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(e.message || 'terrain worker failed'));
      this.pending.clear();
    };
    this.worker = w;
    return w;
  }

  private onReply(reply: Reply): void {
    const id = reply.ok ? reply.result.id : reply.id;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (!reply.ok) {
      this.lastKey = '';
      p.reject(new Error(reply.error));
      return;
    }
    if (id !== this.latest) return p.resolve(undefined); // superseded by a newer view
    const r = reply.result;
    p.resolve({
      key: p.key,
      canvas: drawTerrainCanvas(r),
      bounds: r.bounds,
      scale: r.scale,
      ticks: legendTicks(r.scale, 5),
      elapsed: performance.now() - p.started,
    });
  }
}

/** Heatmap pixels, then contour lines (thin, dark, semi-transparent) on a canvas. */
export function drawTerrainCanvas(r: TerrainResult): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = r.n;
  canvas.height = r.n;
  const ctx = canvas.getContext('2d')!;
  ctx.putImageData(new ImageData(r.rgba as Uint8ClampedArray<ArrayBuffer>, r.n, r.n), 0, 0);
  const sx = (r.n - 1) / (r.bounds.xMax - r.bounds.xMin);
  const sy = (r.n - 1) / (r.bounds.yMax - r.bounds.yMin);
  ctx.lineWidth = Math.max(1, r.n / 512);
  ctx.strokeStyle = 'rgba(10, 10, 20, 0.45)';
  ctx.beginPath();
  for (const c of r.contours) {
    for (const ring of c.rings) {
      for (let p = 0; p < ring.length; p += 2) {
        const x = 0.5 + (ring[p] - r.bounds.xMin) * sx;
        const y = 0.5 + (r.bounds.yMax - ring[p + 1]) * sy;
        if (p === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
    }
  }
  ctx.stroke();
  return canvas;
}
