import type { Viewport } from './Viewport';
import { Trail } from './Trail';
import { racerStyle, type RacerStyle } from './racerStyle';

/**
 * What the arena scene draws, as plain data the DOM side writes and the
 * scene reads every frame: racers (position, trail, style, whether it is the
 * viewer's own), ghosts, diagnostics and the current viewport. Keeping it
 * out of Phaser lets the mapping from game state to this model be tested in
 * Node.
 */
export interface RacerView {
  id: string;
  label: string;
  x: number;
  y: number;
  style: RacerStyle;
  trail: Trail;
  own: boolean;
  status: 'idle' | 'racing' | 'diverged' | 'finished';
}

/** On-demand diagnostics at one point (the viewer's racer), in landscape coordinates. */
export interface DiagnosticsView {
  x: number;
  y: number;
  /** ∇f at the point. */
  gradient?: [number, number];
  /** SAM ascent point w + ε and its radius ρ. */
  sam?: { x: number; y: number; radius: number };
  /**
   * Curvature ellipse from the Hessian: semi-axes along the eigenvectors,
   * length ∝ 1/√|λ| (the shape of a level set of the local quadratic);
   * `negative[i]` marks a direction of negative curvature.
   */
  ellipse?: { axes: [[number, number], [number, number]]; lengths: [number, number]; negative: [boolean, boolean] };
}

export class ArenaModel {
  readonly racers = new Map<string, RacerView>();
  diagnostics: DiagnosticsView | undefined;
  viewport: Viewport | undefined;
  /** Landscape points where a click chooses the start (solo, click-to-start rounds). */
  startMarker: [number, number] | undefined;
  /** Replay: when set, trails are drawn only up to this fraction of their length. */
  replayFraction: number | undefined;
  /** Markers and names drawn this much larger (1.5 on a projector, read from the back of the room). */
  scale = 1;

  /** Adds or updates a racer; `slot` decides its colour and shape. */
  upsertRacer(id: string, slot: number, label: string, x: number, y: number, own: boolean, status: RacerView['status']): RacerView {
    let r = this.racers.get(id);
    if (!r) {
      r = { id, label, x, y, style: racerStyle(slot), trail: new Trail(), own, status };
      this.racers.set(id, r);
    }
    r.label = label;
    r.own = own;
    r.status = status;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      r.x = x;
      r.y = y;
      if (status === 'racing' || status === 'finished' || status === 'diverged') r.trail.push(x, y);
    }
    return r;
  }

  removeMissing(ids: Set<string>): void {
    for (const id of this.racers.keys()) if (!ids.has(id)) this.racers.delete(id);
  }

  clearTrails(): void {
    for (const r of this.racers.values()) r.trail.clear();
  }
}
