import type { Bounds2D, GridSpec, KnownPoint, Landscape, LandscapeInfo, LandscapeSpec } from './Landscape';

/**
 * A 2-D terrain given by closed-form value, gradient and Hessian. Every classic
 * test function and designed terrain is one of these; `analyticLandscape`
 * wraps it into a `Landscape`.
 */
export interface Analytic2D {
  title: string;
  lesson: string;
  formula: string;
  bounds: Bounds2D;
  wideRange: boolean;
  points: KnownPoint[];
  value(x: number, y: number): number;
  /** Writes [f, fx, fy, fxx, fxy, fyy] into out. */
  derivativesInto(x: number, y: number, out: Float64Array): void;
}

/** Wraps closed-form derivatives into the `Landscape` interface (allocation-free hot paths). */
export function analyticLandscape(spec: LandscapeSpec, def: Analytic2D): Landscape {
  const d = new Float64Array(6);
  const info: LandscapeInfo = {
    kind: spec.kind,
    title: def.title,
    lesson: def.lesson,
    bounds: def.bounds,
    points: def.points,
    wideRange: def.wideRange,
    formula: def.formula,
  };
  return {
    spec,
    dim: 2,
    info,
    value: (t) => def.value(t[0], t[1]),
    valueAndGradientInto(t, g) {
      def.derivativesInto(t[0], t[1], d);
      g[0] = d[1];
      g[1] = d[2];
      return d[0];
    },
    hessianInto(t, out) {
      def.derivativesInto(t[0], t[1], d);
      out[0] = d[3];
      out[1] = d[4];
      out[2] = d[4];
      out[3] = d[5];
    },
    hvpInto(t, v, out) {
      def.derivativesInto(t[0], t[1], d);
      out[0] = d[3] * v[0] + d[4] * v[1];
      out[1] = d[4] * v[0] + d[5] * v[1];
    },
    gridInto(grid: GridSpec, out: Float64Array) {
      // Coordinates as min + i·(max−min)/(n−1), the one formula every grid path uses.
      const { n, xMin, xMax, yMin, yMax } = grid;
      const m = Math.max(1, n - 1);
      const sx = xMax - xMin;
      const sy = yMax - yMin;
      for (let i = 0; i < n; i++) {
        const y = yMin + (i * sy) / m;
        const row = i * n;
        for (let j = 0; j < n; j++) out[row + j] = def.value(xMin + (j * sx) / m, y);
      }
    },
  };
}
