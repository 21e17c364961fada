import type { Bounds2D } from '@gradient-rally/shared';

/**
 * The mapping between landscape coordinates (x right, y up) and screen pixels
 * (x right, y down) for a screen of `width`×`height`: a centre and a uniform
 * scale (landscape units per pixel), so circles stay circles and the
 * curvature ellipse is drawn true to shape.
 *
 * Immutable: `panned` and `zoomedAt` return new viewports, so a renderer can
 * compare the view it drew with the current one.
 *
 * @example
 *   const v = Viewport.fit({ xMin: -2, xMax: 2, yMin: -1, yMax: 3 }, 800, 600);
 *   const [sx, sy] = v.toScreen(1, 1);
 *   v.zoomedAt(sx, sy, 2).toWorld(sx, sy); // still (1, 1)
 */
export class Viewport {
  constructor(
    readonly cx: number,
    readonly cy: number,
    /** Landscape units per screen pixel (> 0). */
    readonly unitsPerPixel: number,
    readonly width: number,
    readonly height: number,
  ) {}

  /** The smallest view that shows all of `bounds`, centred, aspect kept. */
  static fit(bounds: Bounds2D, width: number, height: number, margin = 0.02): Viewport {
    const w = Math.max(1, width),
      h = Math.max(1, height);
    const bw = bounds.xMax - bounds.xMin,
      bh = bounds.yMax - bounds.yMin;
    const upp = Math.max(bw / w, bh / h) * (1 + 2 * margin);
    return new Viewport((bounds.xMin + bounds.xMax) / 2, (bounds.yMin + bounds.yMax) / 2, upp, w, h);
  }

  toScreenX(x: number): number {
    return this.width / 2 + (x - this.cx) / this.unitsPerPixel;
  }
  toScreenY(y: number): number {
    return this.height / 2 - (y - this.cy) / this.unitsPerPixel;
  }
  toScreen(x: number, y: number): [number, number] {
    return [this.toScreenX(x), this.toScreenY(y)];
  }
  toWorld(sx: number, sy: number): [number, number] {
    return [this.cx + (sx - this.width / 2) * this.unitsPerPixel, this.cy - (sy - this.height / 2) * this.unitsPerPixel];
  }

  /** The landscape rectangle the screen shows. */
  visibleBounds(): Bounds2D {
    const hw = (this.width / 2) * this.unitsPerPixel,
      hh = (this.height / 2) * this.unitsPerPixel;
    return { xMin: this.cx - hw, xMax: this.cx + hw, yMin: this.cy - hh, yMax: this.cy + hh };
  }

  /** Moves the view so the content follows a drag of (dx, dy) pixels. */
  panned(dx: number, dy: number): Viewport {
    return new Viewport(this.cx - dx * this.unitsPerPixel, this.cy + dy * this.unitsPerPixel, this.unitsPerPixel, this.width, this.height);
  }

  /** Zooms by `factor` (> 1 zooms in) keeping the landscape point under (sx, sy) fixed. */
  zoomedAt(sx: number, sy: number, factor: number): Viewport {
    const [wx, wy] = this.toWorld(sx, sy);
    const upp = this.unitsPerPixel / factor;
    const cx = wx - (sx - this.width / 2) * upp;
    const cy = wy + (sy - this.height / 2) * upp;
    return new Viewport(cx, cy, upp, this.width, this.height);
  }

  resized(width: number, height: number): Viewport {
    return new Viewport(this.cx, this.cy, this.unitsPerPixel, Math.max(1, width), Math.max(1, height));
  }

  /** Stable text key: equal keys mean the same pixels (used to skip redraws). */
  key(): string {
    return `${this.cx.toPrecision(9)},${this.cy.toPrecision(9)},${this.unitsPerPixel.toPrecision(9)},${this.width}x${this.height}`;
  }
}
