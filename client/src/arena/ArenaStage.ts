import type Phaser from 'phaser';
import { ArenaModel } from './ArenaModel';
import { Viewport } from './Viewport';
import { bus } from '../events/AppEvents';
import { TerrainRenderer, type TerrainPicture } from '../terrain/TerrainRenderer';
import { drawLegend } from '../ui/Legend';
import type { Bounds2D } from '@gradient-rally/shared';

/**
 * The arena as the overlay sees it: owns the Phaser game (loaded on first
 * use, so the landing page stays light), the `ArenaModel` the scene draws,
 * and the terrain renderer. `showLandscape` fits the view to the landscape
 * and draws its terrain; pan and zoom redraw it (debounced), nothing else does.
 */
export class ArenaStage {
  readonly model = new ArenaModel();
  private game: Phaser.Game | undefined;
  private readonly renderer = new TerrainRenderer();
  private spec: unknown;
  private redrawTimer: ReturnType<typeof setTimeout> | undefined;
  private ready: Promise<void> | undefined;
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
  ) {
    bus.on('view-changed', () => this.scheduleRedraw());
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
          if (this.model.viewport) this.model.viewport = this.model.viewport.resized(width, height);
          resolve();
        });
        const fps = q.get('fps');
        this.game = new PhaserLib.Game(gameConfig(this.parent, this.model, fps === null ? 30 : Number(fps), renderer));
        // Phaser notices window resizes; panels toggling (projector view) resize only the parent.
        new ResizeObserver(() => {
          if (this.game) this.game.scale.dirty = true; // re-read the parent's size on the next step
        }).observe(this.parent);
      });
    })();
    return this.ready;
  }

  /** Shows a landscape: fits the view to `bounds` and draws its terrain. */
  async showLandscape(spec: unknown, bounds: Bounds2D): Promise<void> {
    await this.start();
    this.spec = spec;
    const w = this.parent.clientWidth || 800,
      h = this.parent.clientHeight || 600;
    this.model.viewport = Viewport.fit(bounds, w, h);
    await this.redraw();
  }

  /** Forces a terrain redraw (hill shading or contours toggled). */
  async refresh(): Promise<void> {
    this.renderer.invalidate();
    await this.redraw();
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
