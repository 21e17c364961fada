import Phaser from 'phaser';
import { type ArenaModel, type OverlayTrail, pointsUpTo, type RacerView } from '../arena/ArenaModel';
import { layoutLabels, type LabelRequest } from '../arena/labelLayout';
import { shapeVertices } from '../arena/racerStyle';
import type { Viewport } from '../arena/Viewport';
import { bus } from '../events/AppEvents';
import type { TerrainPicture } from '../terrain/TerrainRenderer';
import { SceneKeys } from './SceneKeys';

const TERRAIN_TEXTURE = 'terrain';
/** Trails longer than this are drawn with a stride: drawing cost per frame stays bounded. */
const MAX_DRAWN_TRAIL_POINTS = 400;
const DRAG_THRESHOLD_PX = 4;

/**
 * The arena: the terrain picture, every racer with its trail (the viewer's
 * own highlighted with a halo and a label), and diagnostics. It reads the
 * shared `ArenaModel` every frame and writes nothing back except the
 * viewport (pan by dragging, zoom with the wheel) and click positions, which
 * it announces on the bus.
 */
export class ArenaScene extends Phaser.Scene {
  private terrain: Phaser.GameObjects.Image | undefined;
  private picture: TerrainPicture | undefined;
  private trails!: Phaser.GameObjects.Graphics;
  private markers!: Phaser.GameObjects.Graphics;
  private overlay!: Phaser.GameObjects.Graphics;
  private labels = new Map<string, Phaser.GameObjects.Text>();
  private landmarkLabels: Phaser.GameObjects.Text[] = [];
  private drag: { x: number; y: number; view: Viewport; moved: boolean } | undefined;
  /** Two fingers on the arena: the view and the fingers' distance when the pinch began. */
  private pinch: { view: Viewport; distance: number } | undefined;
  private labelRequests: LabelRequest[] = [];
  private labelKey = '';
  /** Leader lines from markers to names placed away from them. */
  private leaders: [number, number, number, number][] = [];
  private offs: (() => void)[] = [];
  private fpsElapsed = 0;

  constructor(private readonly model: ArenaModel) {
    super(SceneKeys.Arena);
  }

  create(): void {
    this.trails = this.add.graphics().setDepth(1);
    this.markers = this.add.graphics().setDepth(3);
    this.overlay = this.add.graphics().setDepth(2);
    const { width, height } = this.scale;
    this.model.viewport = this.model.viewport ? this.model.viewport.resized(width, height) : undefined;
    this.offs.push(bus.on('terrain-picture', (p) => this.showPicture(p)));
    // The stage decides what a new size shows (the same view, or a re-fit while it follows the racers).
    this.scale.on(Phaser.Scale.Events.RESIZE, (size: Phaser.Structs.Size) => {
      bus.emit('arena-resized', { width: size.width, height: size.height });
    });
    // A second pointer, so two fingers can pinch to zoom on a phone.
    this.input.addPointer(1);
    this.input.on('pointerdown', (p: Phaser.Input.Pointer) => {
      if (!this.model.viewport) return;
      const [a, b] = [this.input.pointer1, this.input.pointer2];
      if (a?.isDown && b?.isDown) {
        this.drag = undefined;
        this.pinch = { view: this.model.viewport, distance: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)) };
        return;
      }
      this.drag = { x: p.x, y: p.y, view: this.model.viewport, moved: false };
    });
    this.input.on('pointermove', (p: Phaser.Input.Pointer) => {
      if (this.pinch) {
        const [a, b] = [this.input.pointer1, this.input.pointer2];
        if (!a?.isDown || !b?.isDown) return;
        const factor = Math.hypot(a.x - b.x, a.y - b.y) / this.pinch.distance;
        this.model.viewport = this.pinch.view.zoomedAt((a.x + b.x) / 2, (a.y + b.y) / 2, factor);
        return;
      }
      if (!this.drag || !p.isDown) return;
      const dx = p.x - this.drag.x,
        dy = p.y - this.drag.y;
      if (!this.drag.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
      this.drag.moved = true;
      this.model.viewport = this.drag.view.panned(dx, dy);
    });
    this.input.on('pointerup', (p: Phaser.Input.Pointer) => {
      if (this.pinch) {
        // The pinch ends when either finger lifts; the other does not start a drag.
        if (this.model.viewport) bus.emit('view-changed', this.model.viewport);
        if (!this.input.pointer1?.isDown && !this.input.pointer2?.isDown) this.pinch = undefined;
        return;
      }
      const d = this.drag;
      this.drag = undefined;
      if (!d || !this.model.viewport) return;
      if (d.moved) bus.emit('view-changed', this.model.viewport);
      else {
        const [x, y] = this.model.viewport.toWorld(p.x, p.y);
        bus.emit('arena-clicked', { x, y });
      }
    });
    this.input.on('wheel', (p: Phaser.Input.Pointer, _o: unknown, _dx: number, dy: number) => {
      if (!this.model.viewport) return;
      this.model.viewport = this.model.viewport.zoomedAt(p.x, p.y, Math.exp(-dy * 0.0015));
      bus.emit('view-changed', this.model.viewport);
    });
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.offs.forEach((off) => off()));
    bus.emit('arena-ready', { width, height });
  }

  override update(_time: number, delta: number): void {
    const view = this.model.viewport;
    this.trails.clear();
    this.markers.clear();
    this.overlay.clear();
    this.fpsElapsed += delta;
    if (this.fpsElapsed > 1000) {
      this.fpsElapsed = 0;
      bus.emit('fps', this.game.loop.actualFps);
    }
    if (!view) return;
    this.placeTerrain(view);
    this.drawLandmarks(view);
    const seen = new Set<string>();
    const overlay = this.model.overlay;
    if (overlay) for (const t of overlay.trails) this.drawOverlayTrail(view, t, overlay.kind === 'ghosts', overlay.uptoTick, seen);
    // Others first, own racer last, so it is drawn on top. A replay of a stored round stands in for them.
    const racers = overlay?.kind === 'replay' ? [] : [...this.model.racers.values()].sort((a, b) => Number(a.own) - Number(b.own));
    this.labelRequests = [];
    for (const r of racers) {
      this.drawTrail(view, r);
      this.drawRacer(view, r);
      seen.add(r.id);
    }
    for (const [id, text] of this.labels)
      if (!seen.has(id)) {
        text.destroy();
        this.labels.delete(id);
      }
    this.placeLabels(view);
    this.drawDiagnostics(view);
    if (this.model.startMarker) {
      const [sx, sy] = view.toScreen(this.model.startMarker[0], this.model.startMarker[1]);
      this.overlay
        .lineStyle(2, 0xffffff, 0.9)
        .strokeCircle(sx, sy, 9)
        .lineBetween(sx - 13, sy, sx + 13, sy)
        .lineBetween(sx, sy - 13, sx, sy + 13);
    }
  }

  /** The terrain's known flat and sharp minima: a small ring and their words, under the racers. */
  private drawLandmarks(view: Viewport): void {
    const marks = this.model.landmarks;
    while (this.landmarkLabels.length > marks.length) this.landmarkLabels.pop()!.destroy();
    marks.forEach((m, i) => {
      const [sx, sy] = view.toScreen(m.point[0], m.point[1]);
      let label = this.landmarkLabels[i];
      if (!label) {
        label = this.add
          .text(0, 0, '', {
            fontFamily: 'system-ui, sans-serif',
            fontSize: '12px',
            color: '#ffffff',
            stroke: '#000000',
            strokeThickness: 3,
          })
          .setDepth(2)
          .setAlpha(0.85);
        this.landmarkLabels[i] = label;
      }
      if (label.text !== m.label) label.setText(m.label);
      const inView = sx > -20 && sy > -20 && sx < view.width + 20 && sy < view.height + 20;
      label.setVisible(inView);
      if (!inView) return;
      const r = (m.basin === 'sharp' ? 5 : 7) * this.model.scale;
      this.overlay.lineStyle(1.5, 0xffffff, 0.8).strokeCircle(sx, sy, r);
      label.setPosition(sx - label.width / 2, sy + r + 2);
    });
  }

  private showPicture(p: TerrainPicture): void {
    if (this.textures.exists(TERRAIN_TEXTURE)) {
      this.terrain?.destroy();
      this.terrain = undefined;
      this.textures.remove(TERRAIN_TEXTURE);
    }
    this.textures.addCanvas(TERRAIN_TEXTURE, p.canvas);
    this.terrain = this.add.image(0, 0, TERRAIN_TEXTURE).setOrigin(0, 0).setDepth(0);
    this.picture = p;
  }

  private placeTerrain(view: Viewport): void {
    if (!this.terrain || !this.picture) return;
    const b = this.picture.bounds;
    const [x0, y0] = view.toScreen(b.xMin, b.yMax);
    const [x1, y1] = view.toScreen(b.xMax, b.yMin);
    this.terrain.setPosition(x0, y0).setDisplaySize(x1 - x0, y1 - y0);
  }

  private drawTrail(view: Viewport, r: RacerView): void {
    const pts = r.trail.points();
    let n = pts.length / 2;
    if (this.model.replayFraction !== undefined) n = Math.max(1, Math.round(n * this.model.replayFraction));
    if (n < 2) return;
    const stride = Math.max(1, Math.ceil(n / MAX_DRAWN_TRAIL_POINTS));
    this.trails.lineStyle(r.own ? 3 : 2, r.style.colour, r.own ? 1 : 0.75);
    this.trails.beginPath();
    this.trails.moveTo(view.toScreenX(pts[0]), view.toScreenY(pts[1]));
    for (let i = stride; i < n; i += stride) this.trails.lineTo(view.toScreenX(pts[2 * i]), view.toScreenY(pts[2 * i + 1]));
    this.trails.lineTo(view.toScreenX(pts[2 * n - 2]), view.toScreenY(pts[2 * n - 1]));
    this.trails.strokePath();
  }

  private drawRacer(view: Viewport, r: RacerView): void {
    let x = r.x,
      y = r.y;
    if (this.model.replayFraction !== undefined) {
      const pts = r.trail.points();
      const n = Math.max(1, Math.round((pts.length / 2) * this.model.replayFraction));
      if (pts.length) {
        x = pts[2 * n - 2];
        y = pts[2 * n - 1];
      }
    }
    const sx = view.toScreenX(x),
      sy = view.toScreenY(y);
    const radius = (r.own ? 11 : 8) * this.model.scale;
    const label = this.labelFor(r);
    if (sx < -radius || sy < -radius || sx > view.width + radius || sy > view.height + radius) {
      this.drawOffscreen(view, r, sx, sy);
      label.setVisible(false);
      return;
    }
    const g = this.markers;
    if (r.own) g.lineStyle(3, 0xffffff, 1).strokeCircle(sx, sy, radius + 7 * this.model.scale);
    g.fillStyle(r.style.colour, r.status === 'diverged' ? 0.4 : 1);
    g.lineStyle(2, 0x000000, 1);
    const verts = shapeVertices(r.style.shape, radius);
    if (verts.length === 0) {
      g.fillCircle(sx, sy, radius).strokeCircle(sx, sy, radius);
    } else {
      g.beginPath();
      g.moveTo(sx + verts[0], sy + verts[1]);
      for (let i = 2; i < verts.length; i += 2) g.lineTo(sx + verts[i], sy + verts[i + 1]);
      g.closePath();
      g.fillPath();
      g.strokePath();
    }
    this.labelRequests.push({
      id: r.id,
      x: sx,
      y: sy,
      r: r.own ? radius + 8 * this.model.scale : radius,
      w: label.width,
      h: label.height,
      first: r.own,
    });
  }

  /** The racer's name label (created once, its text and weight touched only on a change). */
  private labelFor(r: RacerView): Phaser.GameObjects.Text {
    let label = this.labels.get(r.id);
    if (!label) {
      label = this.add
        .text(0, 0, '', { fontFamily: 'system-ui, sans-serif', fontSize: '15px', color: '#ffffff', stroke: '#000000', strokeThickness: 4 })
        .setDepth(4);
      this.labels.set(r.id, label);
    }
    const text = r.status === 'diverged' ? `${r.label} (diverged)` : r.label;
    // Text objects re-render their texture on every style or text change: touch them only on a change.
    if (label.text !== text) label.setText(text);
    const weight = r.own ? 'bold' : 'normal';
    if (label.style.fontStyle !== weight) label.setFontStyle(weight);
    const size = `${Math.round(15 * this.model.scale)}px`;
    if (label.style.fontSize !== size) label.setFontSize(size);
    return label;
  }

  /** A racer outside the view: an arrow at the edge pointing at it (the own racer's with its name). */
  private drawOffscreen(view: Viewport, r: RacerView, sx: number, sy: number): void {
    if (!Number.isFinite(sx) || !Number.isFinite(sy)) return;
    const cx = view.width / 2,
      cy = view.height / 2;
    const dx = sx - cx,
      dy = sy - cy;
    const inset = 14;
    const t = Math.min((cx - inset) / Math.abs(dx || 1e-9), (cy - inset) / Math.abs(dy || 1e-9));
    const ex = cx + dx * t,
      ey = cy + dy * t;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len,
      uy = dy / len;
    const size = r.own ? 12 : 8;
    this.markers
      .fillStyle(r.style.colour, 1)
      .lineStyle(2, r.own ? 0xffffff : 0x000000, 1)
      .fillTriangle(
        ex + ux * size,
        ey + uy * size,
        ex - ux * size - uy * size * 0.7,
        ey - uy * size + ux * size * 0.7,
        ex - ux * size + uy * size * 0.7,
        ey - uy * size - ux * size * 0.7,
      )
      .strokeTriangle(
        ex + ux * size,
        ey + uy * size,
        ex - ux * size - uy * size * 0.7,
        ey - uy * size + ux * size * 0.7,
        ex - ux * size + uy * size * 0.7,
        ey - uy * size - ux * size * 0.7,
      );
  }

  /** Lays the names out without overlaps (recomputed only when a marker moved a pixel or a label changed). */
  private placeLabels(view: Viewport): void {
    const reqs = this.labelRequests;
    const key = `${view.width}x${view.height};${reqs.map((q) => `${q.id}:${Math.round(q.x)},${Math.round(q.y)},${Math.round(q.w)}`).join(';')}`;
    if (key === this.labelKey) return this.drawLeaders();
    this.labelKey = key;
    const placed = new Map(layoutLabels(reqs, view.width, view.height).map((p) => [p.id, p]));
    this.leaders = [];
    for (const q of reqs) {
      const label = this.labels.get(q.id)!;
      const p = placed.get(q.id);
      label.setVisible(p !== undefined);
      if (!p) continue;
      label.setPosition(p.x, p.y);
      if (p.leader) this.leaders.push(p.leader);
    }
    this.drawLeaders();
  }

  private drawLeaders(): void {
    if (!this.leaders.length) return;
    this.overlay.lineStyle(1.5, 0xffffff, 0.85);
    for (const [x0, y0, x1, y1] of this.leaders) this.overlay.lineBetween(x0, y0, x1, y1);
  }

  /** A ghost (faded, thin, hollow marker) or a replayed racer (as a live one), up to `tick`. */
  private drawOverlayTrail(view: Viewport, t: OverlayTrail, ghost: boolean, tick: number | undefined, seen: Set<string>): void {
    const n = pointsUpTo(t, tick);
    if (n === 0) return;
    const pts = t.points;
    const alpha = ghost ? 0.45 : 0.85;
    if (n >= 2) {
      const stride = Math.max(1, Math.ceil(n / MAX_DRAWN_TRAIL_POINTS));
      this.trails.lineStyle(ghost ? 1.5 : 2, t.style.colour, alpha);
      this.trails.beginPath();
      this.trails.moveTo(view.toScreenX(pts[0]), view.toScreenY(pts[1]));
      for (let i = stride; i < n; i += stride) this.trails.lineTo(view.toScreenX(pts[2 * i]), view.toScreenY(pts[2 * i + 1]));
      this.trails.lineTo(view.toScreenX(pts[2 * n - 2]), view.toScreenY(pts[2 * n - 1]));
      this.trails.strokePath();
    }
    const sx = view.toScreenX(pts[2 * n - 2]),
      sy = view.toScreenY(pts[2 * n - 1]);
    if (sx < -50 || sy < -50 || sx > view.width + 50 || sy > view.height + 50) return;
    const radius = ghost ? 7 : 8;
    const g = this.markers;
    const verts = shapeVertices(t.style.shape, radius);
    if (ghost) g.lineStyle(2, t.style.colour, 0.8);
    else {
      g.fillStyle(t.style.colour, 1);
      g.lineStyle(2, 0x000000, 1);
    }
    if (verts.length === 0) {
      if (!ghost) g.fillCircle(sx, sy, radius);
      g.strokeCircle(sx, sy, radius);
    } else {
      g.beginPath();
      g.moveTo(sx + verts[0], sy + verts[1]);
      for (let i = 2; i < verts.length; i += 2) g.lineTo(sx + verts[i], sy + verts[i + 1]);
      g.closePath();
      if (!ghost) g.fillPath();
      g.strokePath();
    }
    const key = `overlay:${t.id}`;
    seen.add(key);
    let label = this.labels.get(key);
    if (!label) {
      label = this.add
        .text(0, 0, '', { fontFamily: 'system-ui, sans-serif', fontSize: '13px', color: '#ffffff', stroke: '#000000', strokeThickness: 3 })
        .setDepth(4);
      this.labels.set(key, label);
    }
    if (label.text !== t.label) label.setText(t.label);
    label.setAlpha(ghost ? 0.7 : 1);
    label.setPosition(sx + radius + 4, sy - radius - 8);
  }

  private drawDiagnostics(view: Viewport): void {
    const d = this.model.diagnostics;
    if (!d) return;
    const g = this.overlay;
    const [sx, sy] = view.toScreen(d.x, d.y);
    if (d.ellipse) {
      // Semi-axis k ∝ 1/√|λ_k|, scaled so the longer one is 60 px.
      const [l0, l1] = d.ellipse.lengths;
      const s = 60 / Math.max(l0, l1, 1e-12);
      const pts: number[] = [];
      for (let i = 0; i <= 48; i++) {
        const a = (2 * Math.PI * i) / 48;
        const u = Math.cos(a) * l0 * s,
          v = Math.sin(a) * l1 * s;
        const [e0, e1] = d.ellipse.axes;
        pts.push(sx + u * e0[0] + v * e1[0], sy - (u * e0[1] + v * e1[1]));
      }
      g.lineStyle(2, 0xffffff, 0.85).beginPath().moveTo(pts[0], pts[1]);
      for (let i = 2; i < pts.length; i += 2) g.lineTo(pts[i], pts[i + 1]);
      g.strokePath();
      d.ellipse.axes.forEach((e, k) => {
        const len = d.ellipse!.lengths[k] * s;
        g.lineStyle(d.ellipse!.negative[k] ? 3 : 1, d.ellipse!.negative[k] ? 0xff5555 : 0xffffff, 0.8);
        g.lineBetween(sx - e[0] * len, sy + e[1] * len, sx + e[0] * len, sy - e[1] * len);
      });
    }
    if (d.sam) {
      g.lineStyle(2, 0x56b4e9, 0.95).strokeCircle(sx, sy, d.sam.radius / view.unitsPerPixel);
      const [px, py] = view.toScreen(d.sam.x, d.sam.y);
      g.fillStyle(0x56b4e9, 1).fillCircle(px, py, 5);
      g.lineStyle(1, 0x56b4e9, 0.95).lineBetween(sx, sy, px, py);
    }
    if (d.gradient) {
      // Arrow along −∇f (the descent direction), 70 px long, whatever the gradient's size.
      const [gx, gy] = d.gradient;
      const norm = Math.hypot(gx, gy);
      // At a critical point the direction is rounding noise: no arrow (the text gives the size).
      if (norm > 1e-6) {
        const ux = -gx / norm,
          uy = gy / norm; // screen y is down
        const ex = sx + ux * 70,
          ey = sy + uy * 70;
        g.lineStyle(3, 0xff7f0e, 1).lineBetween(sx, sy, ex, ey);
        g.fillStyle(0xff7f0e, 1).fillTriangle(ex + ux * 10, ey + uy * 10, ex - uy * 6, ey + ux * 6, ex + uy * 6, ey - ux * 6);
      }
    }
  }
}
