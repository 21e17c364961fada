import { Rng } from '../random/Rng';
import { SpecError, describeValue } from '../spec/SpecError';
import { PlaneProjection, dot } from './PlaneProjection';

/**
 * The PCA plane of optimisation trajectories (Li et al. 2018, §7): with the
 * final point θ_n as center, d1 and d2 are the two leading principal
 * directions of the differences θ_i − θ_n over all given points (the
 * trajectories of one or several racers). Through random directions a
 * trajectory looks like a random walk; through this plane it shows its real
 * shape. `explained` is the fraction of the squared distance each direction
 * captures.
 *
 * Found by power iteration with deflation on M ᵀM (M's rows are the
 * differences), which costs O(points·dim) per iteration and never forms a
 * dim×dim matrix. Deterministic: the start vectors come from a fixed seed.
 *
 * @example
 *   const { plane, explained } = trajectoryPlane(run.path);
 *   plane.projectInto(run.path[10], ab);
 */
export function trajectoryPlane(
  points: readonly ArrayLike<number>[],
  opts: { center?: ArrayLike<number>; iterations?: number } = {},
): { plane: PlaneProjection; explained: [number, number] } {
  if (!Array.isArray(points) || points.length < 3) {
    throw new SpecError('points', `must be at least 3 parameter vectors, got ${describeValue(points)}`);
  }
  const dim = points[0].length;
  for (let i = 0; i < points.length; i++) {
    if (points[i].length !== dim) throw new SpecError(`points[${i}]`, `must have ${dim} entries like points[0], got ${points[i].length}`);
  }
  const center = Float64Array.from(opts.center ?? points[points.length - 1]);
  if (center.length !== dim) throw new SpecError('center', `must have ${dim} entries, got ${center.length}`);
  const rows = points.map((p) => {
    const r = new Float64Array(dim);
    for (let q = 0; q < dim; q++) r[q] = p[q] - center[q];
    return r;
  });
  const total = rows.reduce((s, r) => s + dot(r, r), 0);
  if (!(total > 0)) throw new SpecError('points', 'must not all equal the center');
  const iterations = opts.iterations ?? 200;
  const rng = new Rng('trajectory-plane');
  const tmp = new Float64Array(dim);
  // v ↦ Mᵀ M v, restricted to the complement of `deflate`.
  const apply = (v: Float64Array, out: Float64Array, deflate: Float64Array | null) => {
    out.fill(0);
    for (const r of rows) {
      const c = dot(r, v);
      for (let q = 0; q < dim; q++) out[q] += c * r[q];
    }
    if (deflate) {
      const c = dot(deflate, out);
      for (let q = 0; q < dim; q++) out[q] -= c * deflate[q];
    }
  };
  const leading = (deflate: Float64Array | null): { v: Float64Array; value: number } => {
    const v = rng.normalsInto(new Float64Array(dim));
    let value = 0;
    for (let it = 0; it < iterations; it++) {
      if (deflate) {
        const c = dot(deflate, v);
        for (let q = 0; q < dim; q++) v[q] -= c * deflate[q];
      }
      const norm = Math.sqrt(dot(v, v));
      if (!(norm > 0)) break;
      for (let q = 0; q < dim; q++) v[q] /= norm;
      apply(v, tmp, deflate);
      const next = dot(v, tmp); // Rayleigh quotient of the unit v
      const done = it > 0 && Math.abs(next - value) <= 1e-13 * Math.abs(next);
      value = next;
      if (done) break;
      v.set(tmp);
    }
    return { v, value };
  };
  const first = leading(null);
  const second = leading(first.v);
  if (!PlaneProjection.independent(first.v, second.v)) {
    throw new SpecError('points', 'span less than two dimensions around the center: no plane to show');
  }
  return { plane: new PlaneProjection(center, first.v, second.v), explained: [first.value / total, second.value / total] };
}

/**
 * The share of a path's spread a plane holds: Σ‖P(θ_i − θ_n)‖² over
 * Σ‖θ_i − θ_n‖², with θ_n the path's last point and P the orthogonal
 * projection onto the plane's directions. It is the measure
 * `trajectoryPlane`'s `explained` adds up, so the map's random plane and
 * the path's own principal plane compare directly (challenge 'shape-of-a-path').
 * 0 for a path that never moved.
 *
 * @example
 *   planeShareOfPath(landscape.plane, attempt.pathByTick); // 0.02: the map shows 2 % of the path
 */
export function planeShareOfPath(plane: PlaneProjection, points: readonly ArrayLike<number>[]): number {
  const dim = plane.center.length;
  if (points.length === 0) return 0;
  const ab = new Float64Array(2);
  const last = points[points.length - 1];
  const liftedLast = new Float64Array(dim);
  plane.projectInto(last, ab);
  plane.liftInto(ab[0], ab[1], liftedLast);
  const lifted = new Float64Array(dim);
  let total = 0;
  let held = 0;
  for (const p of points) {
    plane.projectInto(p, ab);
    plane.liftInto(ab[0], ab[1], lifted);
    for (let q = 0; q < dim; q++) {
      total += (p[q] - last[q]) ** 2;
      held += (lifted[q] - liftedLast[q]) ** 2;
    }
  }
  return total > 0 ? held / total : 0;
}
