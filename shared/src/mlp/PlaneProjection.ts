import { SpecError } from '../spec/SpecError';

/**
 * A 2-D plane through parameter space, center + a·d1 + b·d2, and the
 * least-squares projection onto it. d1 and d2 need not be orthogonal (random
 * filter-normalised directions are only nearly so): the coordinates of θ solve
 * the 2×2 normal equations [d1·d1 d1·d2; d1·d2 d2·d2][a; b] = [d1·r; d2·r],
 * r = θ − center, so lifting the coordinates back gives the closest point of the plane.
 *
 * @example
 *   const plane = new PlaneProjection(center, d1, d2);
 *   const ab = plane.projectInto(theta, new Float64Array(2));
 *   plane.liftInto(ab[0], ab[1], theta2); // nearest point of the plane to theta
 */
export class PlaneProjection {
  private readonly g11: number;
  private readonly g12: number;
  private readonly g22: number;
  private readonly det: number;

  constructor(
    readonly center: Float64Array,
    readonly d1: Float64Array,
    readonly d2: Float64Array,
  ) {
    if (d1.length !== center.length || d2.length !== center.length) {
      throw new SpecError('directions', `must have ${center.length} entries like the center, got ${d1.length} and ${d2.length}`);
    }
    this.g11 = dot(d1, d1);
    this.g12 = dot(d1, d2);
    this.g22 = dot(d2, d2);
    this.det = this.g11 * this.g22 - this.g12 * this.g12;
    if (!PlaneProjection.independent(d1, d2)) throw new SpecError('directions', 'must be two non-zero, linearly independent vectors');
  }

  static independent(d1: ArrayLike<number>, d2: ArrayLike<number>): boolean {
    const g11 = dot(d1, d1);
    const g22 = dot(d2, d2);
    const g12 = dot(d1, d2);
    return g11 > 0 && g22 > 0 && g11 * g22 - g12 * g12 > 1e-12 * g11 * g22;
  }

  /** Plane coordinates (a, b) of θ into out[0], out[1]. */
  projectInto(theta: ArrayLike<number>, out: Float64Array): Float64Array {
    const { center: c, d1, d2 } = this;
    if (theta.length !== c.length) throw new SpecError('theta', `must have ${c.length} coordinates, got ${theta.length}`);
    let r1 = 0;
    let r2 = 0;
    for (let q = 0; q < c.length; q++) {
      const r = theta[q] - c[q];
      r1 += d1[q] * r;
      r2 += d2[q] * r;
    }
    out[0] = (this.g22 * r1 - this.g12 * r2) / this.det;
    out[1] = (this.g11 * r2 - this.g12 * r1) / this.det;
    return out;
  }

  /** center + a·d1 + b·d2 into out. */
  liftInto(a: number, b: number, out: Float64Array): Float64Array {
    const { center: c, d1, d2 } = this;
    for (let q = 0; q < c.length; q++) out[q] = c[q] + a * d1[q] + b * d2[q];
    return out;
  }
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
