import type Phaser from 'phaser';
import type { Bounds2D } from '@gradient-rally/shared';
import { ArenaModel } from './ArenaModel';
import { Viewport } from './Viewport';
import { grownBounds, leavesView } from './viewFollow';
import { bus } from '../events/AppEvents';
import { TerrainRenderer, type TerrainPicture } from '../terrain/TerrainRenderer';
import { h } from '../ui/elements';
import { drawLegend } from '../ui/Legend';

/** Zoom factor of one press of the + or − button. */
const ZOOM_STEP = 1.5;

/**
 * The arena as the overlay sees it: owns the Phaser game (loaded on first
 * use, so the landing page stays light), the `ArenaModel` the scene draws,
 * the terrain renderer and the view buttons (zoom in, zoom out, fit).
 *
 * The view follows the racers: `showLandscape` fits it to the terrain's own
 * view, and `followRacers` grows it when a racer leaves it (`viewFollow.ts`),
 * and a resize re-fits it. A pan, pinch or zoom by the player stops the
 * following until "Fit" is pressed. Only view changes redraw the terrain.
 */
export class ArenaStage {
  readonly model = new ArenaModel();
  private game: Phaser.Game | undefined;
  private readonly renderer = new TerrainRenderer();
  private spec: unknown;
  private redrawTimer: ReturnType<typeof setTimeout> | undefined;
  private ready: Promise<void> | undefined;
  /** The terrain's own view. */
  private home: Bounds2D | undefined;
  /** What the view is fitted to while it follows the racers (the terrain's view, grown to take racers in). */
  private shown: Bounds2D | undefined;
  /** False once the player pans or zooms: the view then stays where they put it. */
  private following = true;
  private readonly fitButton: HTMLButtonElement;
  hillShade = true;
  contours = true;
  onTerrainError: (message: string | undefined) => void = () => {};
  lastPicture: TerrainPicture | undefined;
  /** The renderer in use once started: 'webgl' or 'canvas'. */
  rendererName: 'webgl' | 'canvas' | undefined;

  /**
   * Phaser, the scene code and the terrain worker are fetched from the moment
   * an arena exists (a player's seat builds it before the server has even
   * answered the join), all at once: on a slow link they download while the
   * join completes instead of one after another once the settings arrive.
   */
  private readonly modules = Promise.all([import('phaser'), import('../scenes/gameConfig'), import('../scenes/pickRenderer')]);

  constructor(
    private readonly parent: HTMLElement,
    private readonly legend: HTMLElement,
    tools: HTMLElement,
  ) {
    this.fitButton = h('button', { type: 'button', 'aria-label': 'Fit the view to the racers', onclick: () => this.fit() }, 'Fit');
    tools.replaceChildren(
      h('button', { type: 'button', 'aria-label': 'Zoom out', onclick: () => this.zoomBy(1 / ZOOM_STEP) }, '−'),
      h('button', { type: 'button', 'aria-label': 'Zoom in', onclick: () => this.zoomBy(ZOOM_STEP) }, '+'),
      this.fitButton,
    );
    this.showFollowing(true);
    bus.on('view-changed', () => {
      this.showFollowing(false);
      this.scheduleRedraw();
    });
    bus.on('arena-resized', ({ width, height }) => this.resize(width, height));
    this.modules.catch(() => undefined); // a failed download surfaces from start()
    this.renderer.warm();
  }

  /** Boots Phaser once; later calls return the same promise. */
  start(): Promise<void> {
    this.ready ??= (async () => {
      const [{ default: PhaserLib }, { gameConfig }, { pickRenderer }] = await this.modules;
      const q = new URLSearchParams(location.search);
      const asked = q.get('renderer');
      // `?renderer=webgl|canvas` overrides the choice (bench and debugging).
      const renderer = asked === 'canvas' || asked === 'webgl' ? asked : pickRenderer();
      this.rendererName = renderer;
      await new Promise<void>((resolve) => {
        const off = bus.on('arena-ready', ({ width, height }) => {
          off();
          this.resize(width, height);
          resolve();
        });
        const fps = q.get('fps');
        this.game = new PhaserLib.Game(gameConfig(this.parent, this.model, fps === null ? 30 : Number(fps), renderer));
        // Phaser notices window resizes; panels toggling (projector view, phone tabs) resize only the parent.
        new ResizeObserver(() => {
          if (this.game) this.game.scale.dirty = true; // re-read the parent's size on the next step
        }).observe(this.parent);
      });
    })();
    return this.ready;
  }

  /** Shows a landscape: fits the view to `bounds` (and follows the racers from there) and draws its terrain. */
  async showLandscape(spec: unknown, bounds: Bounds2D): Promise<void> {
    await this.start();
    this.spec = spec;
    this.home = bounds;
    this.shown = bounds;
    this.showFollowing(true);
    this.applyFit();
    await this.redraw();
  }

  /** Back to the terrain's own view, following the racers (a new round, or the "Fit" button). */
  fit(): void {
    if (!this.home) return;
    this.shown = this.home;
    this.showFollowing(true);
    this.applyFit();
    this.followRacers();
    this.scheduleRedraw();
  }

  /**
   * Grows the view when a racer (not diverged) is leaving it, unless the
   * player has moved the view. Called after every state update.
   */
  followRacers(): void {
    const view = this.model.viewport;
    if (!this.following || !view || !this.home || !this.shown) return;
    const points: [number, number][] = [];
    for (const r of this.model.racers.values()) if (r.status !== 'diverged') points.push([r.x, r.y]);
    if (!leavesView(view, points)) return;
    const next = grownBounds(this.home, this.shown, points);
    if (JSON.stringify(next) === JSON.stringify(this.shown)) return; // at the growth limit: edge arrows show the rest
    this.shown = next;
    this.applyFit();
    this.scheduleRedraw();
  }

  /** Forces a terrain redraw (hill shading or contours toggled). */
  async refresh(): Promise<void> {
    this.renderer.invalidate();
    await this.redraw();
  }

  private zoomBy(factor: number): void {
    const view = this.model.viewport;
    if (!view) return;
    this.model.viewport = view.zoomedAt(view.width / 2, view.height / 2, factor);
    bus.emit('view-changed', this.model.viewport);
  }

  private resize(width: number, height: number): void {
    const view = this.model.viewport;
    if (!view) return;
    if (this.following && this.shown) this.model.viewport = Viewport.fit(this.shown, width, height);
    else this.model.viewport = view.resized(width, height);
    this.scheduleRedraw();
  }

  private applyFit(): void {
    if (!this.shown) return;
    const w = this.model.viewport?.width ?? (this.parent.clientWidth || 800),
      h = this.model.viewport?.height ?? (this.parent.clientHeight || 600);
    this.model.viewport = Viewport.fit(this.shown, w, h);
  }

  private showFollowing(on: boolean): void {
    this.following = on;
    // "Fit" is the way back once the player has moved the view.
    this.fitButton.setAttribute('aria-pressed', String(on));
  }

  private scheduleRedraw(): void {
    clearTimeout(this.redrawTimer);
    this.redrawTimer = setTimeout(() => void this.redraw(), 120);
  }

  private async redraw(): Promise<void> {
    const view = this.model.viewport;
    if (!view || this.spec === undefined) return;
    // One computed pixel per screen pixel, capped: 512² is the budget the bench measures.
    // MLP slices cost a forward pass over the dataset per pixel: a coarser grid keeps them interactive.
    const cap = (this.spec as { kind?: string }).kind === 'mlp' ? 256 : 512;
    const resolution = Math.min(cap, Math.max(128, Math.round(Math.max(view.width, view.height) / 1.5)));
    try {
      const picture = await this.renderer.render(this.spec, view, { hillShade: this.hillShade, contours: this.contours, resolution });
      if (!picture) return;
      this.lastPicture = picture;
      bus.emit('terrain-picture', picture);
      drawLegend(this.legend, picture.scale, picture.ticks);
      this.onTerrainError(undefined);
    } catch (e) {
      this.onTerrainError(e instanceof Error ? e.message : String(e));
    }
  }

  destroy(): void {
    this.renderer.dispose();
    this.game?.destroy(true);
  }
}
