import { type ExpressionGraph, Op, signOf } from './ExpressionGraph';

/**
 * A flat program computing some nodes of an `ExpressionGraph`: one
 * instruction per operation node, five int32 each (`opcode, dst, a, b, c`), over
 * a Float64Array register file where register 0 is x, register 1 is y and
 * the constants sit in the next registers, written once at compile time.
 * Evaluating it is a loop over a switch: no closures, no allocation, no `eval`.
 *
 * Why not a tree of composed closures? Measured: it ran as fast as
 * hand-written code for the first formula in a process, but every closure
 * made from the same arrow shares V8's call feedback, so once several
 * formulas exist the calls turn megamorphic and it became 5–25× slower than
 * this tape. The tape's cost does not depend on what else was compiled.
 */
export interface Tape {
  readonly code: Int32Array;
  readonly registerCount: number;
  /** Registers of the constants and their values (filled into every register file). */
  readonly constantRegisters: Int32Array;
  readonly constantValues: Float64Array;
  /** Register holding each requested root, in the order given. */
  readonly outputs: Int32Array;
}

/**
 * Opcodes beyond the graph's own: POW with a constant exponent is lowered to
 * a specialised instruction where one exists, so `x^2` costs one multiply.
 * The numbers are the literals in the `switch`es below.
 */
const SQR = 20; // a*a
const CUBE = 21; // a*a*a
const RECIP = 22; // 1/a
const RECIP_SQR = 23; // 1/(a*a)

/**
 * Superinstructions: an operand node with a single user is folded into that
 * user, so `(1-x)^2 + 100*(y-x^2)^2` runs as 3 dispatches instead of 7 and
 * `x^2 - y^2` as 1. Each computes the same IEEE operations in the same order
 * as the unfused pair (JavaScript has no fused multiply-add), so results are
 * bit-identical. Dispatch, not arithmetic, dominates a tape's cost.
 */
const SQR_OF_SUB = 24; // (a-b)^2
const SQR_OF_ADD = 25; // (a+b)^2
const ADD_SQR = 26; // a + b*b
const SUB_SQR = 27; // a - b*b
const SQR_SUB = 28; // a*a - b
const SUM_SQR = 29; // a*a + b*b
const DIFF_SQR = 30; // a*a - b*b
const MUL_ADD = 31; // a*b + c
const MUL_SUB = 32; // a*b - c
const SUB_MUL = 33; // c - a*b
const MUL_SQR_ADD = 34; // a*(b*b) + c   e.g. (1-x)^2 + 100*(y-x^2)^2
const SUB_MUL_SQR = 35; // c - a*(b*b)
const MUL_SQR_SUB = 36; // a*(b*b) - c
const SIN_MUL = 37; // sin(a*b)        e.g. sin(2*pi*x)
const COS_MUL = 38; // cos(a*b)

export const INSTRUCTION_WIDTH = 5;

/** Compiles the nodes needed for `roots` into a tape. */
export function compileTape(graph: ExpressionGraph, roots: readonly number[]): Tape {
  const ids = graph.reachable([graph.x, graph.y, ...roots]);
  const register = new Int32Array(graph.size).fill(-1);
  register[graph.x] = 0;
  register[graph.y] = 1;
  let next = 2;
  const constantRegisters: number[] = [];
  const constantValues: number[] = [];
  for (const id of ids) {
    if (graph.ops[id] === Op.CONST) {
      register[id] = next++;
      constantRegisters.push(register[id]);
      constantValues.push(graph.values[id]);
    }
  }

  // Users per node within this tape; roots count as an extra user so they are never fused away.
  const users = new Int32Array(graph.size);
  for (const id of ids) {
    if (graph.lhs[id] >= 0) users[graph.lhs[id]]++;
    if (graph.rhs[id] >= 0) users[graph.rhs[id]]++;
  }
  for (const r of roots) users[r]++;
  const fused = new Uint8Array(graph.size);
  /** The small-exponent lowering of a node, or its own op. */
  const kind = (id: number): number => {
    const op = graph.ops[id];
    if (op !== Op.POW || !graph.isConstant(graph.rhs[id])) return op;
    const e = graph.values[graph.rhs[id]];
    return e === 2 ? SQR : e === 3 ? CUBE : e === -1 ? RECIP : e === -2 ? RECIP_SQR : op;
  };
  /** True when `id` may be absorbed into its one user: a plain instruction whose operands are registers. */
  const fusible = (id: number, k: number): boolean =>
    users[id] === 1 && kind(id) === k && !fused[id] && !fused[graph.lhs[id]] && (graph.rhs[id] < 0 || k === SQR || !fused[graph.rhs[id]]);

  // Plan first (fusion decides while visiting the user, after the operand was
  // seen), then emit the instructions of the nodes that were not absorbed.
  const plan: number[] = [];
  const emit = (op: number, id: number, a: number, b: number, c: number) => {
    plan.push(op, id, a, b, c);
  };
  const absorb = (id: number) => {
    fused[id] = 1;
  };
  /** For a plain MUL node with a single-use plain SQR operand (a·v²): that operand, else -1. */
  const scaledSquare = (mul: number): number => {
    const l = graph.lhs[mul];
    const r = graph.rhs[mul];
    if (fusible(r, SQR)) return r;
    if (fusible(l, SQR)) return l;
    return -1;
  };
  for (const id of ids) {
    const op = kind(id);
    if (op === Op.CONST || op === Op.X || op === Op.Y) continue;
    const a = graph.lhs[id];
    const b = graph.rhs[id];
    const la = graph.lhs[a];
    const ra = graph.rhs[a];
    const lb = b >= 0 ? graph.lhs[b] : -1;
    const rb = b >= 0 ? graph.rhs[b] : -1;
    if (op === SQR && fusible(a, Op.SUB)) {
      absorb(a);
      emit(SQR_OF_SUB, id, la, ra, -1);
    } else if (op === SQR && fusible(a, Op.ADD)) {
      absorb(a);
      emit(SQR_OF_ADD, id, la, ra, -1);
    } else if (op === Op.ADD || op === Op.SUB) {
      const add = op === Op.ADD;
      const sqrA = fusible(a, SQR);
      const sqrB = fusible(b, SQR);
      if (sqrA && sqrB) {
        absorb(a);
        absorb(b);
        emit(add ? SUM_SQR : DIFF_SQR, id, la, lb, -1);
      } else if (sqrB) {
        absorb(b);
        emit(add ? ADD_SQR : SUB_SQR, id, a, lb, -1);
      } else if (sqrA) {
        absorb(a);
        if (add) emit(ADD_SQR, id, b, la, -1);
        else emit(SQR_SUB, id, la, b, -1);
      } else if (fusible(b, Op.MUL) && scaledSquare(b) >= 0) {
        const sq = scaledSquare(b);
        absorb(b);
        absorb(sq);
        emit(add ? MUL_SQR_ADD : SUB_MUL_SQR, id, sq === rb ? lb : rb, graph.lhs[sq], a);
      } else if (fusible(a, Op.MUL) && scaledSquare(a) >= 0) {
        const sq = scaledSquare(a);
        absorb(a);
        absorb(sq);
        emit(add ? MUL_SQR_ADD : MUL_SQR_SUB, id, sq === ra ? la : ra, graph.lhs[sq], b);
      } else if (fusible(b, Op.MUL)) {
        absorb(b);
        emit(add ? MUL_ADD : SUB_MUL, id, lb, rb, a);
      } else if (fusible(a, Op.MUL)) {
        absorb(a);
        emit(add ? MUL_ADD : MUL_SUB, id, la, ra, b);
      } else {
        emit(op, id, a, b, -1);
      }
    } else if ((op === Op.SIN || op === Op.COS) && fusible(a, Op.MUL)) {
      absorb(a);
      emit(op === Op.SIN ? SIN_MUL : COS_MUL, id, la, ra, -1);
    } else {
      // Lowered powers (SQR…RECIP_SQR) read only their base.
      emit(op, id, a, op >= SQR ? -1 : b, -1);
    }
  }
  const code: number[] = [];
  for (let p = 0; p < plan.length; p += INSTRUCTION_WIDTH) {
    const [op, id, a, b, c] = plan.slice(p, p + INSTRUCTION_WIDTH);
    if (fused[id]) continue;
    register[id] = next++;
    code.push(op, register[id], register[a], b >= 0 ? register[b] : 0, c >= 0 ? register[c] : 0);
  }
  return {
    code: Int32Array.from(code),
    registerCount: next,
    constantRegisters: Int32Array.from(constantRegisters),
    constantValues: Float64Array.from(constantValues),
    outputs: Int32Array.from(roots, (r) => register[r]),
  };
}

/** A register file for `tape` with its constants in place. */
export function createRegisters(tape: Tape): Float64Array {
  const r = new Float64Array(tape.registerCount);
  for (let i = 0; i < tape.constantRegisters.length; i++) r[tape.constantRegisters[i]] = tape.constantValues[i];
  return r;
}

/**
 * Runs `code` over the register file `r` (x and y already in r[0], r[1]).
 * The case bodies must match `applyOp` in ExpressionGraph.ts (constant
 * folding uses that), so that folded and evaluated results agree exactly.
 */
export function runTape(code: Int32Array, r: Float64Array): void {
  const n = code.length;
  for (let pc = 0; pc < n; pc += 5) {
    const d = code[pc + 1];
    const a = code[pc + 2];
    switch (code[pc]) {
      case 3: // ADD
        r[d] = r[a] + r[code[pc + 3]];
        break;
      case 4: // SUB
        r[d] = r[a] - r[code[pc + 3]];
        break;
      case 5: // MUL
        r[d] = r[a] * r[code[pc + 3]];
        break;
      case 6: // DIV
        r[d] = r[a] / r[code[pc + 3]];
        break;
      case 7: {
        // POW (general): Math.pow, except the small integer exponents that powOf computes by multiplication
        const b = r[code[pc + 3]];
        const v = r[a];
        r[d] = b === 2 ? v * v : b === 3 ? v * v * v : b === -1 ? 1 / v : b === -2 ? 1 / (v * v) : Math.pow(v, b);
        break;
      }
      case 8: // NEG
        r[d] = -r[a];
        break;
      case 9: // SIN
        r[d] = Math.sin(r[a]);
        break;
      case 10: // COS
        r[d] = Math.cos(r[a]);
        break;
      case 11: // TAN
        r[d] = Math.tan(r[a]);
        break;
      case 12: // EXP
        r[d] = Math.exp(r[a]);
        break;
      case 13: // LOG
        r[d] = Math.log(r[a]);
        break;
      case 14: // SQRT
        r[d] = Math.sqrt(r[a]);
        break;
      case 15: // ABS
        r[d] = Math.abs(r[a]);
        break;
      case 16: // TANH
        r[d] = Math.tanh(r[a]);
        break;
      case 17: // SIGN
        r[d] = signOf(r[a]);
        break;
      case 20: {
        // SQR
        const v = r[a];
        r[d] = v * v;
        break;
      }
      case 21: {
        // CUBE
        const v = r[a];
        r[d] = v * v * v;
        break;
      }
      case 22: // RECIP
        r[d] = 1 / r[a];
        break;
      case 23: {
        // RECIP_SQR
        const v = r[a];
        r[d] = 1 / (v * v);
        break;
      }
      case 24: {
        // SQR_OF_SUB
        const v = r[a] - r[code[pc + 3]];
        r[d] = v * v;
        break;
      }
      case 25: {
        // SQR_OF_ADD
        const v = r[a] + r[code[pc + 3]];
        r[d] = v * v;
        break;
      }
      case 26: {
        // ADD_SQR
        const v = r[code[pc + 3]];
        r[d] = r[a] + v * v;
        break;
      }
      case 27: {
        // SUB_SQR
        const v = r[code[pc + 3]];
        r[d] = r[a] - v * v;
        break;
      }
      case 28: {
        // SQR_SUB
        const v = r[a];
        r[d] = v * v - r[code[pc + 3]];
        break;
      }
      case 29: {
        // SUM_SQR
        const u = r[a];
        const v = r[code[pc + 3]];
        r[d] = u * u + v * v;
        break;
      }
      case 30: {
        // DIFF_SQR
        const u = r[a];
        const v = r[code[pc + 3]];
        r[d] = u * u - v * v;
        break;
      }
      case 31: // MUL_ADD
        r[d] = r[a] * r[code[pc + 3]] + r[code[pc + 4]];
        break;
      case 32: // MUL_SUB
        r[d] = r[a] * r[code[pc + 3]] - r[code[pc + 4]];
        break;
      case 33: // SUB_MUL
        r[d] = r[code[pc + 4]] - r[a] * r[code[pc + 3]];
        break;
      case 34: {
        // MUL_SQR_ADD
        const v = r[code[pc + 3]];
        r[d] = r[a] * (v * v) + r[code[pc + 4]];
        break;
      }
      case 35: {
        // SUB_MUL_SQR
        const v = r[code[pc + 3]];
        r[d] = r[code[pc + 4]] - r[a] * (v * v);
        break;
      }
      case 36: {
        // MUL_SQR_SUB
        const v = r[code[pc + 3]];
        r[d] = r[a] * (v * v) - r[code[pc + 4]];
        break;
      }
      case 37: // SIN_MUL
        r[d] = Math.sin(r[a] * r[code[pc + 3]]);
        break;
      case 38: // COS_MUL
        r[d] = Math.cos(r[a] * r[code[pc + 3]]);
        break;
    }
  }
}

/**
 * Runs `code` over `m` points at once. Register k occupies
 * `R[k*stride, k*stride + m)`; the switch runs once per instruction and the
 * arithmetic runs in tight inner loops, so the dispatch cost is shared by
 * all m points (the `gridInto` fast path).
 */
export function runTapeBlock(code: Int32Array, R: Float64Array, stride: number, m: number): void {
  const n = code.length;
  for (let pc = 0; pc < n; pc += 5) {
    const d = code[pc + 1] * stride;
    const a = code[pc + 2] * stride;
    const b = code[pc + 3] * stride;
    const c = code[pc + 4] * stride;
    const dEnd = d + m;
    switch (code[pc]) {
      case 3:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) R[i] = R[j] + R[k];
        break;
      case 4:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) R[i] = R[j] - R[k];
        break;
      case 5:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) R[i] = R[j] * R[k];
        break;
      case 6:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) R[i] = R[j] / R[k];
        break;
      case 7:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) {
          const e = R[k];
          const v = R[j];
          R[i] = e === 2 ? v * v : e === 3 ? v * v * v : e === -1 ? 1 / v : e === -2 ? 1 / (v * v) : Math.pow(v, e);
        }
        break;
      case 8:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = -R[j];
        break;
      case 9:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = Math.sin(R[j]);
        break;
      case 10:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = Math.cos(R[j]);
        break;
      case 11:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = Math.tan(R[j]);
        break;
      case 12:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = Math.exp(R[j]);
        break;
      case 13:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = Math.log(R[j]);
        break;
      case 14:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = Math.sqrt(R[j]);
        break;
      case 15:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = Math.abs(R[j]);
        break;
      case 16:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = Math.tanh(R[j]);
        break;
      case 17:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = signOf(R[j]);
        break;
      case 20:
        for (let i = d, j = a; i < dEnd; i++, j++) {
          const v = R[j];
          R[i] = v * v;
        }
        break;
      case 21:
        for (let i = d, j = a; i < dEnd; i++, j++) {
          const v = R[j];
          R[i] = v * v * v;
        }
        break;
      case 22:
        for (let i = d, j = a; i < dEnd; i++, j++) R[i] = 1 / R[j];
        break;
      case 23:
        for (let i = d, j = a; i < dEnd; i++, j++) {
          const v = R[j];
          R[i] = 1 / (v * v);
        }
        break;
      case 24:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) {
          const v = R[j] - R[k];
          R[i] = v * v;
        }
        break;
      case 25:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) {
          const v = R[j] + R[k];
          R[i] = v * v;
        }
        break;
      case 26:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) {
          const v = R[k];
          R[i] = R[j] + v * v;
        }
        break;
      case 27:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) {
          const v = R[k];
          R[i] = R[j] - v * v;
        }
        break;
      case 28:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) {
          const v = R[j];
          R[i] = v * v - R[k];
        }
        break;
      case 29:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) {
          const u = R[j];
          const v = R[k];
          R[i] = u * u + v * v;
        }
        break;
      case 30:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) {
          const u = R[j];
          const v = R[k];
          R[i] = u * u - v * v;
        }
        break;
      case 31:
        for (let i = d, j = a, k = b, l = c; i < dEnd; i++, j++, k++, l++) R[i] = R[j] * R[k] + R[l];
        break;
      case 32:
        for (let i = d, j = a, k = b, l = c; i < dEnd; i++, j++, k++, l++) R[i] = R[j] * R[k] - R[l];
        break;
      case 33:
        for (let i = d, j = a, k = b, l = c; i < dEnd; i++, j++, k++, l++) R[i] = R[l] - R[j] * R[k];
        break;
      case 34:
        for (let i = d, j = a, k = b, l = c; i < dEnd; i++, j++, k++, l++) {
          const v = R[k];
          R[i] = R[j] * (v * v) + R[l];
        }
        break;
      case 35:
        for (let i = d, j = a, k = b, l = c; i < dEnd; i++, j++, k++, l++) {
          const v = R[k];
          R[i] = R[l] - R[j] * (v * v);
        }
        break;
      case 36:
        for (let i = d, j = a, k = b, l = c; i < dEnd; i++, j++, k++, l++) {
          const v = R[k];
          R[i] = R[j] * (v * v) - R[l];
        }
        break;
      case 37:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) R[i] = Math.sin(R[j] * R[k]);
        break;
      case 38:
        for (let i = d, j = a, k = b; i < dEnd; i++, j++, k++) R[i] = Math.cos(R[j] * R[k]);
        break;
    }
  }
}
