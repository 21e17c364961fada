import type { Analytic2D } from './analytic';
import type { KnownPoint } from './Landscape';

/**
 * The classic optimisation test functions (Surjanovic & Bingham's Virtual
 * Library of Simulation Experiments; formulas and minima as in MATH.md), each
 * with its exact gradient and Hessian written out by hand. Central-difference
 * checks on random points live in test/shared/landscapes.test.ts.
 */

type Guess = [x: number, y: number, kind: KnownPoint['kind'], label?: string];

/**
 * Newton-polishes approximate critical points from the literature against the
 * function's own derivatives, so markers and "trapped in a local minimum"
 * notes use points accurate to machine precision.
 */
export function polishPoints(def: Pick<Analytic2D, 'value' | 'derivativesInto'>, guesses: Guess[], maxMove = 1e-3): KnownPoint[] {
  const d = new Float64Array(6);
  return guesses.map(([x0, y0, kind, label]) => {
    let x = x0;
    let y = y0;
    for (let it = 0; it < 50; it++) {
      def.derivativesInto(x, y, d);
      const det = d[3] * d[5] - d[4] * d[4];
      if (!Number.isFinite(det) || Math.abs(det) < 1e-300) break;
      const sx = (d[5] * d[1] - d[4] * d[2]) / det;
      const sy = (d[3] * d[2] - d[4] * d[1]) / det;
      x -= sx;
      y -= sy;
      if (Math.abs(sx) + Math.abs(sy) < 1e-15) break;
    }
    // Keep the literature point when Newton wandered off (singular Hessian, kinks).
    if (!(Math.hypot(x - x0, y - y0) < maxMove)) {
      x = x0;
      y = y0;
    }
    const p: KnownPoint = { point: [x, y], value: def.value(x, y), kind };
    if (label) p.label = label;
    return p;
  });
}

function define(def: Omit<Analytic2D, 'points'>, guesses: Guess[], maxMove?: number): Analytic2D {
  return { ...def, points: polishPoints(def, guesses, maxMove) };
}

const TWO_PI = 2 * Math.PI;

export function rosenbrock(a: number, b: number): Analytic2D {
  return define(
    {
      title: "Rosenbrock's banana valley",
      lesson:
        'The minimum at (1, 1) sits at the end of a long, curved valley: there the walls curve about 2500 times more sharply than the floor. ' +
        'Plain gradient descent must keep its learning rate below 2/1000 for the walls, so it crawls along the floor and does not reach loss 0.001 in the round. ' +
        'Momentum 0.9, or Adam at lr 0.1, follows the valley and gets there.',
      formula: `(${a} − x)² + ${b}(y − x²)²`,
      bounds: { xMin: -2, xMax: 2, yMin: -1, yMax: 3 },
      wideRange: true,
      value: (x, y) => (a - x) * (a - x) + b * (y - x * x) * (y - x * x),
      derivativesInto(x, y, o) {
        const r = y - x * x;
        o[0] = (a - x) * (a - x) + b * r * r;
        // Grouped as autograd multiplies ((b·r)·x), so paths match PyTorch to the last bit more often.
        o[1] = -2 * (a - x) - 4 * (b * r * x);
        o[2] = 2 * b * r;
        o[3] = 2 - 4 * b * r + 8 * b * x * x;
        o[4] = -4 * b * x;
        o[5] = 2 * b;
      },
    },
    [[a, a * a, 'global-minimum', 'end of the valley']],
  );
}

export function rastrigin(A: number): Analytic2D {
  const guesses: Guess[] = [[0, 0, 'global-minimum', 'global minimum']];
  // Near an integer i the local minimum sits at about i·(1 − 1/(2π²A)); for small A there is none.
  const c = A > 0 ? 1 - 1 / (2 * Math.PI * Math.PI * A) : 0;
  if (c > 0.5) {
    for (const [i, j] of [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
      [1, 1],
      [-1, -1],
      [1, -1],
      [-1, 1],
    ]) {
      guesses.push([i * c, j * c, 'local-minimum']);
    }
  }
  const def = define(
    {
      title: 'Rastrigin egg crate',
      lesson:
        'A bowl covered in regular bumps: a local minimum near every integer point, 121 of them in view. ' +
        'Small steps stop in the nearest dimple. ' +
        'A learning rate above 2/397 ≈ 0.005, the curvature at a dimple’s bottom, cannot settle in any of them, while the bowl underneath tolerates up to 1: such a racer keeps bouncing over the dimples. ' +
        'Lower it to zero with the cosine schedule and it settles, most often in the central dimple, the global minimum.',
      formula: `2·${A} + Σ (xᵢ² − ${A}·cos 2πxᵢ)`,
      bounds: { xMin: -5.12, xMax: 5.12, yMin: -5.12, yMax: 5.12 },
      wideRange: false,
      value: (x, y) => 2 * A + (x * x - A * Math.cos(TWO_PI * x)) + (y * y - A * Math.cos(TWO_PI * y)),
      derivativesInto(x, y, o) {
        const cx = Math.cos(TWO_PI * x);
        const cy = Math.cos(TWO_PI * y);
        o[0] = 2 * A + (x * x - A * cx) + (y * y - A * cy);
        o[1] = 2 * x + TWO_PI * A * Math.sin(TWO_PI * x);
        o[2] = 2 * y + TWO_PI * A * Math.sin(TWO_PI * y);
        o[3] = 2 + TWO_PI * TWO_PI * A * cx;
        o[4] = 0;
        o[5] = 2 + TWO_PI * TWO_PI * A * cy;
      },
    },
    guesses,
    0.3,
  );
  // Keep only guesses that polished into genuine, distinct minima.
  const d = new Float64Array(6);
  def.points = def.points.filter((p, k) => {
    def.derivativesInto(p.point[0], p.point[1], d);
    const isMin = Math.hypot(d[1], d[2]) < 1e-9 * Math.max(1, A) && d[3] > 0 && d[3] * d[5] - d[4] * d[4] > 0;
    return k === 0 || (isMin && Math.hypot(p.point[0], p.point[1]) > 0.3);
  });
  return def;
}

export const ackley: Analytic2D = define(
  {
    title: 'Ackley crater',
    lesson:
      'Ripples everywhere, a local minimum near every integer point, around one narrow crater. ' +
      'Small steps stop in the first ripple they meet. ' +
      'A learning rate between 0.1 and 0.3 jumps over the ripples, and lowered to zero by the cosine schedule it settles at the bottom of the crater. ' +
      'That bottom is a cone: the slope stays near 2.8 right up to the tip, so plain SGD at a constant learning rate of 0.01 or more never comes to rest on it.',
    formula: '−20·exp(−0.2·√(0.5(x²+y²))) − exp(0.5(cos 2πx + cos 2πy)) + 20 + e',
    bounds: { xMin: -5, xMax: 5, yMin: -5, yMax: 5 },
    wideRange: false,
    value(x, y) {
      const s = Math.sqrt(0.5 * (x * x + y * y));
      return -20 * Math.exp(-0.2 * s) - Math.exp(0.5 * (Math.cos(TWO_PI * x) + Math.cos(TWO_PI * y))) + 20 + Math.E;
    },
    derivativesInto(x, y, o) {
      const s = Math.sqrt(0.5 * (x * x + y * y));
      const u = Math.exp(-0.2 * s);
      const cx = Math.cos(TWO_PI * x);
      const cy = Math.cos(TWO_PI * y);
      const sx = Math.sin(TWO_PI * x);
      const sy = Math.sin(TWO_PI * y);
      const E = Math.exp(0.5 * (cx + cy));
      o[0] = -20 * u - E + 20 + Math.E;
      const g1 = s > 0 ? (2 * u) / s : 0;
      o[1] = g1 * x + Math.PI * E * sx;
      o[2] = g1 * y + Math.PI * E * sy;
      const pp = Math.PI * Math.PI * E;
      if (s > 1e-100) {
        const s2 = s * s;
        const s3 = s2 * s;
        o[3] = 2 * u * ((-0.1 * x * x) / s2 + 1 / s - (0.5 * x * x) / s3) + pp * (2 * cx - sx * sx);
        o[4] = -2 * u * x * y * (0.1 / s2 + 0.5 / s3) - pp * sx * sy;
        o[5] = 2 * u * ((-0.1 * y * y) / s2 + 1 / s - (0.5 * y * y) / s3) + pp * (2 * cy - sy * sy);
      } else {
        // The cone tip at 0 has no gradient and unbounded curvature: report 0 (a
        // subgradient) and a very large finite curvature, so it reads as a
        // (very sharp) minimum instead of poisoning analysis with Infinity.
        o[3] = 1e12 + pp * (2 * cx - sx * sx);
        o[4] = -pp * sx * sy;
        o[5] = 1e12 + pp * (2 * cy - sy * sy);
      }
    },
  },
  [[0, 0, 'global-minimum', 'the crater']],
);

export const himmelblau: Analytic2D = define(
  {
    title: "Himmelblau's four valleys",
    lesson:
      'Four minima, all exactly as deep (loss 0), separated by four saddles around one central maximum. ' +
      'Which one you reach depends on where you start: from random starts, each of the four catches at least one racer in six. ' +
      'They are not equally wide: nudged by 0.1, the one at (3, 2) costs least and the one at (−3.78, −3.28) most, so under this round’s score a start in the top-right valley wins.',
    formula: '(x² + y − 11)² + (x + y² − 7)²',
    bounds: { xMin: -5, xMax: 5, yMin: -5, yMax: 5 },
    wideRange: true,
    value: (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
    derivativesInto(x, y, o) {
      const A = x * x + y - 11;
      const B = x + y * y - 7;
      o[0] = A * A + B * B;
      o[1] = 4 * x * A + 2 * B;
      o[2] = 2 * A + 4 * y * B;
      o[3] = 4 * A + 8 * x * x + 2;
      o[4] = 4 * x + 4 * y;
      o[5] = 2 + 4 * B + 8 * y * y;
    },
  },
  [
    [3, 2, 'global-minimum'],
    [-2.805118, 3.131312, 'global-minimum'],
    [-3.77931, -3.283186, 'global-minimum'],
    [3.584428, -1.848126, 'global-minimum'],
    [-0.270845, -0.923039, 'maximum'],
    [0.086677, 2.884254, 'saddle'],
    [-3.073026, -0.081353, 'saddle'],
    [3.385154, 0.073852, 'saddle'],
    [-0.127961, -1.953715, 'saddle'],
  ],
);

/** Sum of squared residuals r_k(x, y) with their first and second derivatives. */
function sumOfSquares(o: Float64Array, r: number[], rx: number[], ry: number[], rxx: number[], rxy: number[], ryy: number[]) {
  let f = 0,
    gx = 0,
    gy = 0,
    hxx = 0,
    hxy = 0,
    hyy = 0;
  for (let k = 0; k < r.length; k++) {
    f += r[k] * r[k];
    gx += 2 * r[k] * rx[k];
    gy += 2 * r[k] * ry[k];
    hxx += 2 * (rx[k] * rx[k] + r[k] * rxx[k]);
    hxy += 2 * (rx[k] * ry[k] + r[k] * rxy[k]);
    hyy += 2 * (ry[k] * ry[k] + r[k] * ryy[k]);
  }
  o[0] = f;
  o[1] = gx;
  o[2] = gy;
  o[3] = hxx;
  o[4] = hxy;
  o[5] = hyy;
}

export const beale: Analytic2D = define(
  {
    title: "Beale's flat arms",
    lesson:
      'The minimum at (3, 0.5) lies in a long, shallow valley whose curvatures are 49 across and only 0.3 along. ' +
      'Plain SGD at lr 0.01 often flies off the map from its steep walls. ' +
      'At lr 0.001 it rarely reaches the minimum in the round; Adam at lr 0.1 never flies off and reaches it from about four starts in ten.',
    formula: '(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²',
    bounds: { xMin: -4.5, xMax: 4.5, yMin: -4.5, yMax: 4.5 },
    wideRange: true,
    value: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y * y * y) ** 2,
    derivativesInto(x, y, o) {
      const y2 = y * y;
      const y3 = y2 * y;
      sumOfSquares(
        o,
        [1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3],
        [y - 1, y2 - 1, y3 - 1],
        [x, 2 * x * y, 3 * x * y2],
        [0, 0, 0],
        [1, 2 * y, 3 * y2],
        [0, 2 * x, 6 * x * y],
      );
    },
  },
  [
    [3, 0.5, 'global-minimum'],
    [0, 1, 'saddle'],
    [0.1005, -2.6445, 'saddle'],
  ],
);

export const goldsteinPrice: Analytic2D = define(
  {
    title: 'Goldstein–Price canyon',
    lesson:
      'A product of two polynomials whose values span more than five orders of magnitude over this view. ' +
      'The global minimum f = 3 at (0, −1) sits beside local minima at 30, 84 and 840: a log colour scale shows them, a linear one hides them all. ' +
      'Its gradients reach the millions, so plain SGD diverges from most starts even at lr 0.001; Adam, whose steps do not grow with the gradient, does not diverge.',
    formula: '[1 + (x+y+1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)] · [30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]',
    bounds: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
    wideRange: true,
    value(x, y) {
      const u = x + y + 1;
      const p = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y;
      const v = 2 * x - 3 * y;
      const q = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y;
      return (1 + u * u * p) * (30 + v * v * q);
    },
    derivativesInto(x, y, o) {
      const u = x + y + 1;
      const U = u * u;
      const p = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y;
      const px = -14 + 6 * x + 6 * y;
      const py = -14 + 6 * x + 6 * y;
      const P = 1 + U * p;
      const Px = 2 * u * p + U * px;
      const Py = 2 * u * p + U * py;
      const Pxx = 2 * p + 4 * u * px + U * 6;
      const Pxy = 2 * p + 2 * u * py + 2 * u * px + U * 6;
      const Pyy = 2 * p + 4 * u * py + U * 6;
      const v = 2 * x - 3 * y;
      const V = v * v;
      const q = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y;
      const qx = -32 + 24 * x - 36 * y;
      const qy = 48 - 36 * x + 54 * y;
      const Vx = 4 * v;
      const Vy = -6 * v;
      const Q = 30 + V * q;
      const Qx = Vx * q + V * qx;
      const Qy = Vy * q + V * qy;
      const Qxx = 8 * q + 2 * Vx * qx + V * 24;
      const Qxy = -12 * q + Vx * qy + Vy * qx + V * -36;
      const Qyy = 18 * q + 2 * Vy * qy + V * 54;
      o[0] = P * Q;
      o[1] = Px * Q + P * Qx;
      o[2] = Py * Q + P * Qy;
      o[3] = Pxx * Q + 2 * Px * Qx + P * Qxx;
      o[4] = Pxy * Q + Px * Qy + Py * Qx + P * Qxy;
      o[5] = Pyy * Q + 2 * Py * Qy + P * Qyy;
    },
  },
  [
    [0, -1, 'global-minimum'],
    [-0.6, -0.4, 'local-minimum', 'f = 30'],
    [1.8, 0.2, 'local-minimum', 'f = 84'],
    [1.2, 0.8, 'local-minimum', 'f = 840'],
  ],
);

export const sixHumpCamel: Analytic2D = define(
  {
    title: 'Six-hump camel back',
    lesson:
      'Six minima: two global ones, mirror images of each other (loss −1.03), and four shallower local ones. ' +
      'From random starts, plain gradient descent ends in a global one only about half the time. ' +
      'The landscape is gentle in the middle and rises like x⁶ toward the left and right edges, where the curvature is over 70 times that at the centre: from starts near those edges, a learning rate of 0.1 diverges.',
    formula: '(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²',
    bounds: { xMin: -3, xMax: 3, yMin: -2, yMax: 2 },
    wideRange: true,
    value: (x, y) => (4 - 2.1 * x * x + (x * x * x * x) / 3) * x * x + x * y + (-4 + 4 * y * y) * y * y,
    derivativesInto(x, y, o) {
      const x2 = x * x;
      o[0] = (4 - 2.1 * x2 + (x2 * x2) / 3) * x2 + x * y + (-4 + 4 * y * y) * y * y;
      o[1] = 8 * x - 8.4 * x2 * x + 2 * x2 * x2 * x + y;
      o[2] = x - 8 * y + 16 * y * y * y;
      o[3] = 8 - 25.2 * x2 + 10 * x2 * x2;
      o[4] = 1;
      o[5] = -8 + 48 * y * y;
    },
  },
  [
    [0.089842, -0.712656, 'global-minimum'],
    [-0.089842, 0.712656, 'global-minimum'],
    [-1.70361, 0.796084, 'local-minimum'],
    [1.70361, -0.796084, 'local-minimum'],
    [-1.6071, -0.568651, 'local-minimum'],
    [1.6071, 0.568651, 'local-minimum'],
  ],
);

export const styblinskiTang: Analytic2D = define(
  {
    title: 'Styblinski–Tang four basins',
    lesson:
      'Four basins, one per quadrant: the deepest at (−2.90, −2.90) with loss −78.3, two at −64.2 and the shallowest at −50.1. ' +
      'Every optimizer settles into the basin of the quadrant it starts in. ' +
      'So from random starts about three racers in four end in a wrong basin: here the start decides.',
    formula: '½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ)',
    bounds: { xMin: -5, xMax: 5, yMin: -5, yMax: 5 },
    wideRange: false,
    value: (x, y) => 0.5 * (x ** 4 - 16 * x * x + 5 * x + (y ** 4 - 16 * y * y + 5 * y)),
    derivativesInto(x, y, o) {
      o[0] = 0.5 * (x ** 4 - 16 * x * x + 5 * x + (y ** 4 - 16 * y * y + 5 * y));
      o[1] = 2 * x * x * x - 16 * x + 2.5;
      o[2] = 2 * y * y * y - 16 * y + 2.5;
      o[3] = 6 * x * x - 16;
      o[4] = 0;
      o[5] = 6 * y * y - 16;
    },
  },
  [
    [-2.903534, -2.903534, 'global-minimum'],
    [2.746803, -2.903534, 'local-minimum'],
    [-2.903534, 2.746803, 'local-minimum'],
    [2.746803, 2.746803, 'local-minimum'],
  ],
);

export const booth: Analytic2D = define(
  {
    title: 'Booth bowl',
    lesson:
      'A tilted quadratic bowl: one minimum at (1, 3), no traps. ' +
      'Its curvature is the same everywhere (2 and 18), so gradient descent converges exactly when the learning rate is below 2/18 ≈ 0.111: just below it the bounce across the steep direction shrinks, just above it grows. ' +
      'At lr 2/(2 + 18) = 0.1 both directions shrink by the same factor, 0.8 per step: no constant learning rate guarantees a faster one.',
    formula: '(x + 2y − 7)² + (2x + y − 5)²',
    bounds: { xMin: -10, xMax: 10, yMin: -10, yMax: 10 },
    wideRange: true,
    value: (x, y) => (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    derivativesInto(x, y, o) {
      const r1 = x + 2 * y - 7;
      const r2 = 2 * x + y - 5;
      o[0] = r1 * r1 + r2 * r2;
      o[1] = 2 * r1 + 4 * r2;
      o[2] = 4 * r1 + 2 * r2;
      o[3] = 10;
      o[4] = 8;
      o[5] = 10;
    },
  },
  [[1, 3, 'global-minimum']],
);

export const matyas: Analytic2D = define(
  {
    title: 'Matyas flat valley',
    lesson:
      'A quadratic with curvatures 1.0 and 0.04: a long, almost flat valley along the diagonal. ' +
      'Gradient descent must keep its learning rate below 2/1.0 = 2 for the steep direction, so each step removes at most 8 % of the distance along the flat one. ' +
      'Momentum 0.9 at lr 0.1 reaches loss 0.0001 over ten times sooner than plain SGD at the same learning rate.',
    formula: '0.26(x² + y²) − 0.48xy',
    bounds: { xMin: -10, xMax: 10, yMin: -10, yMax: 10 },
    wideRange: true,
    value: (x, y) => 0.26 * (x * x + y * y) - 0.48 * x * y,
    derivativesInto(x, y, o) {
      o[0] = 0.26 * (x * x + y * y) - 0.48 * x * y;
      o[1] = 0.52 * x - 0.48 * y;
      o[2] = 0.52 * y - 0.48 * x;
      o[3] = 0.52;
      o[4] = -0.48;
      o[5] = 0.52;
    },
  },
  [[0, 0, 'global-minimum']],
);

export const levy: Analytic2D = define(
  {
    title: 'Lévy ripples',
    lesson:
      'A valley floor covered in ripples: about 40 local minima in view, the global one at (1, 1). ' +
      'From most starts, plain gradient descent, momentum and Adam all stop in a ripple’s local minimum. ' +
      'Gradient noise of σ 1 with a learning rate of 0.3, lowered to zero by the cosine schedule, reaches the global minimum from most starts.',
    formula: 'sin²(πw₁) + (w₁−1)²[1 + 10 sin²(πw₁+1)] + (w₂−1)²[1 + sin²(2πw₂)], wᵢ = 1 + (xᵢ−1)/4',
    bounds: { xMin: -10, xMax: 10, yMin: -10, yMax: 10 },
    wideRange: false,
    value(x, y) {
      const w1 = 1 + (x - 1) / 4;
      const w2 = 1 + (y - 1) / 4;
      const s1 = Math.sin(Math.PI * w1);
      const s2 = Math.sin(Math.PI * w1 + 1);
      const s3 = Math.sin(TWO_PI * w2);
      return s1 * s1 + (w1 - 1) ** 2 * (1 + 10 * s2 * s2) + (w2 - 1) ** 2 * (1 + s3 * s3);
    },
    derivativesInto(x, y, o) {
      const w1 = 1 + (x - 1) / 4;
      const w2 = 1 + (y - 1) / 4;
      const s1 = Math.sin(Math.PI * w1);
      const s2 = Math.sin(Math.PI * w1 + 1);
      const s3 = Math.sin(TWO_PI * w2);
      const a = w1 - 1;
      const b = w2 - 1;
      const t = s3 * s3;
      o[0] = s1 * s1 + a * a * (1 + 10 * s2 * s2) + b * b * (1 + t);
      const A1 = Math.PI * Math.sin(TWO_PI * w1) + 2 * a * (1 + 10 * s2 * s2) + 10 * Math.PI * a * a * Math.sin(TWO_PI * w1 + 2);
      const A2 =
        2 * Math.PI * Math.PI * Math.cos(TWO_PI * w1) +
        2 * (1 + 10 * s2 * s2) +
        40 * Math.PI * a * Math.sin(TWO_PI * w1 + 2) +
        20 * Math.PI * Math.PI * a * a * Math.cos(TWO_PI * w1 + 2);
      const B1 = 2 * b * (1 + t) + 2 * Math.PI * b * b * Math.sin(2 * TWO_PI * w2);
      const B2 = 2 * (1 + t) + 8 * Math.PI * b * Math.sin(2 * TWO_PI * w2) + 8 * Math.PI * Math.PI * b * b * Math.cos(2 * TWO_PI * w2);
      o[1] = A1 / 4;
      o[2] = B1 / 4;
      o[3] = A2 / 16;
      o[4] = 0;
      o[5] = B2 / 16;
    },
  },
  [[1, 1, 'global-minimum']],
);

export const eggholder: Analytic2D = define(
  {
    title: 'Eggholder',
    lesson:
      'A chaotic field of ridges and pits over a huge domain; the global minimum sits right on the boundary at (512, 404.2). ' +
      'Gradients change direction every few units: a test of how far noise and momentum carry an optimizer, not of precision.',
    formula: '−(y + 47)·sin√|y + x/2 + 47| − x·sin√|x − y − 47|',
    bounds: { xMin: -512, xMax: 512, yMin: -512, yMax: 512 },
    wideRange: false,
    value: (x, y) => -(y + 47) * Math.sin(Math.sqrt(Math.abs(y + x / 2 + 47))) - x * Math.sin(Math.sqrt(Math.abs(x - y - 47))),
    derivativesInto(x, y, o) {
      const a = y + x / 2 + 47;
      const b = x - y - 47;
      const sa = Math.sqrt(Math.abs(a));
      const sb = Math.sqrt(Math.abs(b));
      const h = Math.sin(sa);
      const k = Math.sin(sb);
      // On the kink lines a = 0 or b = 0 the derivative of sin√|·| is unbounded:
      // use 0 there (a subgradient), as for Ackley's tip, instead of 0/0.
      const h1 = a === 0 ? 0 : (Math.cos(sa) * Math.sign(a)) / (2 * sa);
      const k1 = b === 0 ? 0 : (Math.cos(sb) * Math.sign(b)) / (2 * sb);
      const h2 = a === 0 ? 0 : -h / (4 * Math.abs(a)) - Math.cos(sa) / (4 * sa * sa * sa);
      const k2 = b === 0 ? 0 : -k / (4 * Math.abs(b)) - Math.cos(sb) / (4 * sb * sb * sb);
      const Y = y + 47;
      o[0] = -Y * h - x * k;
      o[1] = (-Y * h1) / 2 - k - x * k1;
      o[2] = -h - Y * h1 + x * k1;
      o[3] = (-Y * h2) / 4 - 2 * k1 - x * k2;
      o[4] = -h1 / 2 - (Y * h2) / 2 + k1 + x * k2;
      o[5] = -2 * h1 - Y * h2 - x * k2;
    },
  },
  [[512, 404.2319, 'global-minimum', 'on the boundary']],
);

export const saddle: Analytic2D = define(
  {
    title: 'The saddle',
    lesson:
      'x² − y²: a minimum along x and a maximum along y at the same point. Started exactly on the x axis, gradient descent slides into the saddle and stops; ' +
      'the slightest nudge in y (noise, or momentum carrying one) lets it escape downhill forever, because this surface has no bottom. Newton’s method is attracted to the saddle.',
    formula: 'x² − y²',
    bounds: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
    wideRange: false,
    value: (x, y) => x * x - y * y,
    derivativesInto(x, y, o) {
      o[0] = x * x - y * y;
      o[1] = 2 * x;
      o[2] = -2 * y;
      o[3] = 2;
      o[4] = 0;
      o[5] = -2;
    },
  },
  [[0, 0, 'saddle', 'strict saddle (index 1)']],
);

export const monkeySaddle: Analytic2D = define(
  {
    title: 'Monkey saddle',
    lesson:
      'x³ − 3xy²: three valleys going down (room for two legs and a tail) and three ridges going up. ' +
      'At the centre the Hessian is zero, so curvature cannot tell what kind of point it is: a degenerate critical point, where second-order methods lose their compass.',
    formula: 'x³ − 3xy²',
    bounds: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
    wideRange: false,
    value: (x, y) => x * x * x - 3 * x * y * y,
    derivativesInto(x, y, o) {
      o[0] = x * x * x - 3 * x * y * y;
      o[1] = 3 * x * x - 3 * y * y;
      o[2] = -6 * x * y;
      o[3] = 6 * x;
      o[4] = -6 * y;
      o[5] = -6 * x;
    },
  },
  [[0, 0, 'saddle', 'degenerate (H = 0)']],
);
