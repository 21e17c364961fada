import { ExpressionGraph } from './ExpressionGraph';
import { parseExpression } from './parseExpression';
import { INSTRUCTION_WIDTH, compileTape, createRegisters, runTape, runTapeBlock, type Tape } from './tape';
import type { GridSpec } from '../Landscape';
import { checkNumber } from '../../spec/fields';

/**
 * A formula in x and y compiled for repeated evaluation, with its exact
 * gradient and Hessian (symbolic differentiation on a shared DAG, compiled to
 * flat tapes with fused instructions; never `eval`). Evaluation never throws: it returns NaN or ±Infinity
 * where the formula is undefined or overflows.
 *
 * Not re-entrant across threads (each instance owns its register files), which
 * JavaScript's single thread makes moot; make one per worker.
 *
 * @example
 *   const f = compileExpression('x^2 - y^2');
 *   f.value(1, 2);                 // -3
 *   const out = new Float64Array(6);
 *   f.valueGradHessInto(1, 2, out); // [-3, 2, -4, 2, 0, -2]
 */
export interface CompiledExpression {
  /** The formula as the instructor wrote it. */
  readonly source: string;
  value(x: number, y: number): number;
  /** Writes f, ∂f/∂x, ∂f/∂y into `out[0..2]` and returns f. */
  valueGradInto(x: number, y: number, out: Float64Array): number;
  /** Writes f, fx, fy, fxx, fxy, fyy into `out[0..5]`. */
  valueGradHessInto(x: number, y: number, out: Float64Array): void;
  /** Fills `out` (n×n, row-major, row i is y = yMin + i·(yMax−yMin)/(n−1)) with f. */
  gridInto(grid: GridSpec, out: Float64Array): void;
  /** Instructions in the value / value+gradient / value+gradient+Hessian tapes (for tests and benchmarks). */
  readonly tapeLengths: { value: number; gradient: number; hessian: number };
  toString(): string;
}

/** Points per batch in `gridInto`: large enough to share dispatch, small enough to stay in cache. */
const BLOCK = 256;

/**
 * Parses and compiles `src` (see `parseExpression` for the grammar). Throws a
 * `SpecError` with a position when the formula is not allowed.
 */
export function compileExpression(src: string, path = 'expr'): CompiledExpression {
  const ast = parseExpression(src, path);
  const graph = new ExpressionGraph();
  const f = graph.fromAst(ast);
  const fx = graph.derivative(f, 0);
  const fy = graph.derivative(f, 1);
  const fxx = graph.derivative(fx, 0);
  const fxy = graph.derivative(fx, 1);
  const fyy = graph.derivative(fy, 1);

  return new TapeExpression(src, compileTape(graph, [f]), compileTape(graph, [f, fx, fy]), compileTape(graph, [f, fx, fy, fxx, fxy, fyy]));
}

class TapeExpression implements CompiledExpression {
  readonly tapeLengths: { value: number; gradient: number; hessian: number };
  // The evaluators are own arrow functions, not prototype methods, so they
  // can be handed around as plain functions (`const f = c.value`) without
  // `bind` or a wrapper; each closes over its own tape and register file.
  readonly value: (x: number, y: number) => number;
  readonly valueGradInto: (x: number, y: number, out: Float64Array) => number;
  readonly valueGradHessInto: (x: number, y: number, out: Float64Array) => void;
  private blockRegs: Float64Array | undefined;

  constructor(
    readonly source: string,
    private readonly valueTape: Tape,
    gradTape: Tape,
    hessTape: Tape,
  ) {
    this.tapeLengths = {
      value: valueTape.code.length / INSTRUCTION_WIDTH,
      gradient: gradTape.code.length / INSTRUCTION_WIDTH,
      hessian: hessTape.code.length / INSTRUCTION_WIDTH,
    };
    {
      const code = valueTape.code;
      const r = createRegisters(valueTape);
      const o = valueTape.outputs[0];
      this.value = (x, y) => {
        r[0] = x;
        r[1] = y;
        runTape(code, r);
        return r[o];
      };
    }
    {
      const code = gradTape.code;
      const r = createRegisters(gradTape);
      const [o0, o1, o2] = gradTape.outputs;
      this.valueGradInto = (x, y, out) => {
        r[0] = x;
        r[1] = y;
        runTape(code, r);
        out[1] = r[o1];
        out[2] = r[o2];
        return (out[0] = r[o0]);
      };
    }
    {
      const code = hessTape.code;
      const r = createRegisters(hessTape);
      const [o0, o1, o2, o3, o4, o5] = hessTape.outputs;
      this.valueGradHessInto = (x, y, out) => {
        r[0] = x;
        r[1] = y;
        runTape(code, r);
        out[0] = r[o0];
        out[1] = r[o1];
        out[2] = r[o2];
        out[3] = r[o3];
        out[4] = r[o4];
        out[5] = r[o5];
      };
    }
  }

  gridInto(grid: GridSpec, out: Float64Array): void {
    const { xMin, xMax, yMin, yMax } = grid;
    // lossGrid validates its grids; a direct caller gets the same error rather than a RangeError.
    const n = checkNumber(grid.n, 'grid.n', { min: 1, max: 4096, integer: true });
    const total = n * n;
    const tape = this.valueTape;
    let R = this.blockRegs;
    if (R === undefined) {
      R = new Float64Array(tape.registerCount * BLOCK);
      for (let c = 0; c < tape.constantRegisters.length; c++) {
        R.fill(tape.constantValues[c], tape.constantRegisters[c] * BLOCK, (tape.constantRegisters[c] + 1) * BLOCK);
      }
      this.blockRegs = R;
    }
    // Coordinates as lossGrid defines them, yMin + i·(yMax − yMin)/(n − 1),
    // computed in that order so the last row and column land on the bounds;
    // once per column and row, not per point.
    const steps = n > 1 ? n - 1 : 1;
    const cols = new Float64Array(n);
    const rows = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      cols[j] = xMin + (j * (xMax - xMin)) / steps;
      rows[j] = yMin + (j * (yMax - yMin)) / steps;
    }
    const outBase = tape.outputs[0] * BLOCK;
    for (let start = 0; start < total; start += BLOCK) {
      const m = Math.min(BLOCK, total - start);
      let i = Math.floor(start / n);
      let j = start - i * n;
      let y = rows[i];
      for (let k = 0; k < m; k++) {
        R[k] = cols[j];
        R[BLOCK + k] = y;
        if (++j === n) {
          j = 0;
          y = rows[++i];
        }
      }
      runTapeBlock(tape.code, R, BLOCK, m);
      for (let k = 0; k < m; k++) out[start + k] = R[outBase + k];
    }
  }

  toString(): string {
    return this.source;
  }
}
