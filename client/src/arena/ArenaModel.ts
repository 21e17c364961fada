import type { Landmark } from '@gradient-rally/shared';
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

/**
 * A recorded trail drawn beside (or instead of) the live racers: a ghost of
 * the previous round, or a stored round replayed in the browser.
 */
export interface OverlayTrail {
  id: string;
  label: string;
  style: RacerStyle;
  /** x0, y0, x1, y1, … in landscape coordinates. */
  points: Float32Array;
  /** The race tick of each point (ascending). */
  ticks: readonly number[];
}

/**
 * `ghosts`: drawn faded under the live racers, each up to `uptoTick` (the
 * live race's tick; the whole path when undefined). `replay`: drawn instead
 * of the live racers, up to `uptoTick`.
 */
export interface ArenaOverlay {
  kind: 'ghosts' | 'replay';
  trails: OverlayTrail[];
  uptoTick: number | undefined;
}

/** How many points of `trail` lie at or before `tick` (at least 1 when it has any). */
export function pointsUpTo(trail: Pick<OverlayTrail, 'ticks'>, tick: number | undefined): number {
  const t = trail.ticks;
  if (tick === undefined || t.length === 0) return t.length;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= tick) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(1, lo);
}

export class ArenaModel {
  readonly racers = new Map<string, RacerView>();
  diagnostics: DiagnosticsView | undefined;
  viewport: Viewport | undefined;
  /** Landscape points where a click chooses the start (solo, click-to-start rounds). */
  startMarker: [number, number] | undefined;
  /** Known flat and sharp minima of the terrain, marked with their words (shared's `landmarksOf`). */
  landmarks: Landmark[] = [];
  /** Replay: when set, trails are drawn only up to this fraction of their length. */
  replayFraction: number | undefined;
  /** Markers and names drawn this much larger (1.5 on a projector, read from the back of the room). */
  scale = 1;
  /** Ghosts of the previous round, or a stored round replayed (see `ArenaOverlay`). */
  overlay: ArenaOverlay | undefined;

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
