import { SpecError, describeValue } from '../../spec/SpecError';
import { asObject, checkNumber, rejectUnknownKeys } from '../../spec/fields';
import type { Bounds2D, GridSpec, Landscape, LandscapeInfo, LandscapeSpec } from '../Landscape';
import { compileExpression, type CompiledExpression } from './compileExpression';

const SPEC_KEYS = ['kind', 'expr', 'bounds', 'title'] as const;
const BOUNDS_KEYS = ['xMin', 'xMax', 'yMin', 'yMax'] as const;
const DEFAULT_BOUNDS: Bounds2D = { xMin: -3, xMax: 3, yMin: -3, yMax: 3 };
const MAX_TITLE_LENGTH = 80;
/** Grid side of the coarse sample that decides `wideRange`. */
const RANGE_SAMPLE = 33;

/** The normalised spec of an expression landscape (defaults filled in). */
export interface ExpressionLandscapeSpec {
  kind: 'expression';
  expr: string;
  bounds: Bounds2D;
  title?: string;
}

/**
 * Builds a 2-D landscape from an instructor's formula:
 * `{ kind: 'expression', expr, bounds?, title? }`. Validates the spec (unknown
 * keys, types, bounds with xMin < xMax and yMin < yMax) and the formula, and
 * throws a `SpecError` naming the field — `landscape.expr` errors carry the
 * character position too.
 *
 * @example
 *   const L = createExpressionLandscape({ kind: 'expression', expr: 'x^2 - y^2' });
 *   const g = new Float64Array(2);
 *   L.valueAndGradientInto([1, 2], g); // -3, g = [2, -4]
 */
export function createExpressionLandscape(spec: unknown, path = 'landscape'): Landscape {
  const obj = asObject(spec, path);
  rejectUnknownKeys(obj, path, SPEC_KEYS);
  if (obj.kind !== 'expression') {
    throw new SpecError(`${path}.kind`, `must be 'expression', got ${describeValue(obj.kind)}`);
  }
  if (typeof obj.expr !== 'string') {
    throw new SpecError(`${path}.expr`, `must be a formula string in x and y (e.g. "x^2 - y^2"), got ${describeValue(obj.expr)}`);
  }
  const expr = obj.expr;
  const bounds = readBounds(obj.bounds, `${path}.bounds`);
  let title: string | undefined;
  if (obj.title !== undefined) {
    if (typeof obj.title !== 'string' || obj.title.trim().length === 0 || obj.title.length > MAX_TITLE_LENGTH) {
      throw new SpecError(
        `${path}.title`,
        `must be a non-empty string of at most ${MAX_TITLE_LENGTH} characters, got ${describeValue(obj.title)}`,
      );
    }
    title = obj.title;
  }
  const compiled = compileExpression(expr, `${path}.expr`);
  const normalised: ExpressionLandscapeSpec = { kind: 'expression', expr, bounds: { ...bounds } };
  if (title !== undefined) normalised.title = title;
  const info: LandscapeInfo = {
    kind: 'expression',
    title: title ?? expr,
    lesson:
      `A landscape written by your instructor: f(x, y) = ${expr}. ` +
      'Nobody has marked its minima in advance — explore it, and compare where different optimizers settle.',
    bounds: { ...bounds },
    points: [],
    wideRange: isWideRange(compiled, bounds),
    formula: expr,
  };
  return new ExpressionLandscape(normalised as LandscapeSpec, info, compiled);
}

function readBounds(v: unknown, path: string): Bounds2D {
  if (v === undefined) return { ...DEFAULT_BOUNDS };
  const obj = asObject(v, path);
  rejectUnknownKeys(obj, path, BOUNDS_KEYS);
  const b: Bounds2D = {
    xMin: checkNumber(obj.xMin, `${path}.xMin`),
    xMax: checkNumber(obj.xMax, `${path}.xMax`),
    yMin: checkNumber(obj.yMin, `${path}.yMin`),
    yMax: checkNumber(obj.yMax, `${path}.yMax`),
  };
  if (!(b.xMin < b.xMax)) throw new SpecError(`${path}.xMax`, `must be greater than xMin (${b.xMin}), got ${b.xMax}`);
  if (!(b.yMin < b.yMax)) throw new SpecError(`${path}.yMax`, `must be greater than yMin (${b.yMin}), got ${b.yMax}`);
  return b;
}

/**
 * Decides whether the view should be drawn on a log scale: on a coarse grid,
 * take the heights above the lowest sample, and call the range wide when the
 * highest is over 200 times the 10th-percentile height. Measured on 33×33
 * samples: x²+y² 14, x⁴+y⁴ 150, Himmelblau 41, Matyas 72 (not wide);
 * Rosenbrock 320, Beale 2·10⁴, exp(x+y) 10⁴ (wide). Non-finite samples are
 * ignored.
 */
function isWideRange(f: CompiledExpression, bounds: Bounds2D): boolean {
  const out = new Float64Array(RANGE_SAMPLE * RANGE_SAMPLE);
  f.gridInto({ ...bounds, n: RANGE_SAMPLE }, out);
  const finite = Array.from(out).filter(Number.isFinite);
  if (finite.length < 2) return false;
  let lo = Infinity;
  for (const v of finite) lo = Math.min(lo, v);
  const heights = finite
    .map((v) => v - lo)
    .filter((h) => h > 0)
    .sort((a, b) => a - b);
  if (heights.length === 0) return false;
  const top = heights[heights.length - 1];
  const low = heights[Math.floor(0.1 * (heights.length - 1))];
  return top > 200 * low;
}

class ExpressionLandscape implements Landscape {
  readonly dim = 2;
  private readonly scratch = new Float64Array(6);

  constructor(
    readonly spec: LandscapeSpec,
    readonly info: LandscapeInfo,
    private readonly f: CompiledExpression,
  ) {}

  value(theta: ArrayLike<number>): number {
    return this.f.value(theta[0], theta[1]);
  }

  valueAndGradientInto(theta: ArrayLike<number>, grad: Float64Array): number {
    const s = this.scratch;
    this.f.valueGradInto(theta[0], theta[1], s);
    grad[0] = s[1];
    grad[1] = s[2];
    return s[0];
  }

  hessianInto(theta: ArrayLike<number>, out: Float64Array): void {
    const s = this.scratch;
    this.f.valueGradHessInto(theta[0], theta[1], s);
    out[0] = s[3];
    out[1] = s[4];
    out[2] = s[4];
    out[3] = s[5];
  }

  hvpInto(theta: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array): void {
    const s = this.scratch;
    this.f.valueGradHessInto(theta[0], theta[1], s);
    const v0 = v[0];
    const v1 = v[1];
    out[0] = s[3] * v0 + s[4] * v1;
    out[1] = s[4] * v0 + s[5] * v1;
  }

  gridInto(grid: GridSpec, out: Float64Array): void {
    this.f.gridInto(grid, out);
  }
}
