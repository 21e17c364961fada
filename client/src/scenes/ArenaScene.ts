import Phaser from 'phaser';
import { type ArenaModel, type OverlayTrail, pointsUpTo, type RacerView } from '../arena/ArenaModel';
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
  private drag: { x: number; y: number; view: Viewport; moved: boolean } | undefined;
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
    this.scale.on(Phaser.Scale.Events.RESIZE, (size: Phaser.Structs.Size) => {
      if (!this.model.viewport) return;
      this.model.viewport = this.model.viewport.resized(size.width, size.height);
      bus.emit('view-changed', this.model.viewport);
    });
    this.input.on('pointerdown', (p: Phaser.Input.Pointer) => {
      if (this.model.viewport) this.drag = { x: p.x, y: p.y, view: this.model.viewport, moved: false };
    });
    this.input.on('pointermove', (p: Phaser.Input.Pointer) => {
      if (!this.drag || !p.isDown) return;
      const dx = p.x - this.drag.x,
        dy = p.y - this.drag.y;
      if (!this.drag.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
      this.drag.moved = true;
      this.model.viewport = this.drag.view.panned(dx, dy);
    });
    this.input.on('pointerup', (p: Phaser.Input.Pointer) => {
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
    const seen = new Set<string>();
    const overlay = this.model.overlay;
    if (overlay) for (const t of overlay.trails) this.drawOverlayTrail(view, t, overlay.kind === 'ghosts', overlay.uptoTick, seen);
    // Others first, own racer last, so it is drawn on top. A replay of a stored round stands in for them.
    const racers = overlay?.kind === 'replay' ? [] : [...this.model.racers.values()].sort((a, b) => Number(a.own) - Number(b.own));
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
    if (sx < -50 || sy < -50 || sx > view.width + 50 || sy > view.height + 50) return;
    const radius = r.own ? 11 : 8;
    const g = this.markers;
    if (r.own) g.lineStyle(3, 0xffffff, 1).strokeCircle(sx, sy, radius + 7);
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
    label.setPosition(sx + radius + 4, sy - radius - 10);
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
