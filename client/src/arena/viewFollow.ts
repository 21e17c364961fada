import type { Bounds2D } from '@gradient-rally/shared';
import type { Viewport } from './Viewport';

/**
 * Which part of the landscape the arena shows while racers move: the
 * terrain's own view to begin with, grown to take in racers that leave it
 * (a network's racers can end well outside its drawn square), so nobody
 * races off the picture. Pure functions; `ArenaStage` applies them.
 */

/** How far beyond its own view the arena may grow, as a multiple of the view's width and height. */
export const MAX_VIEW_GROWTH = 8;
/** A racer closer than this fraction of the visible width or height to an edge counts as leaving. */
export const EDGE_FRACTION = 0.04;
/** Room left around racers when the view grows, as a fraction of the new view, so the next steps stay in it. */
export const FOLLOW_PADDING = 0.15;

/** Whether some point is outside the visible area (or within `EDGE_FRACTION` of its edge). */
export function leavesView(view: Viewport, points: readonly (readonly [number, number])[]): boolean {
  const b = view.visibleBounds();
  const mx = (b.xMax - b.xMin) * EDGE_FRACTION,
    my = (b.yMax - b.yMin) * EDGE_FRACTION;
  return points.some(([x, y]) => x < b.xMin + mx || x > b.xMax - mx || y < b.yMin + my || y > b.yMax - my);
}

/**
 * The bounds to fit so that `shown` and every point are in view, with padding
 * around the points, but never more than `MAX_VIEW_GROWTH` times the terrain's
 * own view (`home`) around its centre: a racer flying off to 1e6 leaves the
 * terrain readable (it is then marked at the edge instead).
 */
export function grownBounds(home: Bounds2D, shown: Bounds2D, points: readonly (readonly [number, number])[]): Bounds2D {
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  if (minX === Infinity) return shown;
  const padX = (Math.max(maxX, shown.xMax) - Math.min(minX, shown.xMin)) * FOLLOW_PADDING,
    padY = (Math.max(maxY, shown.yMax) - Math.min(minY, shown.yMin)) * FOLLOW_PADDING;
  const edgeX = (shown.xMax - shown.xMin) * EDGE_FRACTION,
    edgeY = (shown.yMax - shown.yMin) * EDGE_FRACTION;
  // Only the sides racers are crossing move, and then with room to spare.
  const grown = {
    xMin: minX < shown.xMin + edgeX ? Math.min(shown.xMin, minX - padX) : shown.xMin,
    xMax: maxX > shown.xMax - edgeX ? Math.max(shown.xMax, maxX + padX) : shown.xMax,
    yMin: minY < shown.yMin + edgeY ? Math.min(shown.yMin, minY - padY) : shown.yMin,
    yMax: maxY > shown.yMax - edgeY ? Math.max(shown.yMax, maxY + padY) : shown.yMax,
  };
  const cx = (home.xMin + home.xMax) / 2,
    cy = (home.yMin + home.yMax) / 2;
  const hw = ((home.xMax - home.xMin) * MAX_VIEW_GROWTH) / 2,
    hh = ((home.yMax - home.yMin) * MAX_VIEW_GROWTH) / 2;
  return {
    xMin: Math.max(grown.xMin, cx - hw),
    xMax: Math.min(grown.xMax, cx + hw),
    yMin: Math.max(grown.yMin, cy - hh),
    yMax: Math.min(grown.yMax, cy + hh),
  };
}

/** Whether a point is inside bounds. */
export function contains(b: Bounds2D, x: number, y: number): boolean {
  return x >= b.xMin && x <= b.xMax && y >= b.yMin && y <= b.yMax;
}
