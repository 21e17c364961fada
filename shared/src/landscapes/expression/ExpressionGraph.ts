import type { ExpressionAst, FunctionName } from './ExpressionAst';

/**
 * Node kinds of the expression graph. The numbers double as tape opcodes
 * (see `tape.ts`), where the switch uses the same literals.
 */
export const Op = {
  CONST: 0,
  X: 1,
  Y: 2,
  ADD: 3,
  SUB: 4,
  MUL: 5,
  DIV: 6,
  POW: 7,
  NEG: 8,
  SIN: 9,
  COS: 10,
  TAN: 11,
  EXP: 12,
  LOG: 13,
  SQRT: 14,
  ABS: 15,
  TANH: 16,
  SIGN: 17,
} as const;

const FUNCTION_OPS: ReadonlyMap<FunctionName, number> = new Map<FunctionName, number>([
  ['sin', Op.SIN],
  ['cos', Op.COS],
  ['tan', Op.TAN],
  ['exp', Op.EXP],
  ['log', Op.LOG],
  ['sqrt', Op.SQRT],
  ['abs', Op.ABS],
  ['tanh', Op.TANH],
]);

/** sign(a) with sign(±0) = 0, the derivative of |a| that the brief asks for. */
export function signOf(a: number): number {
  return a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : NaN;
}

/**
 * a^b as the tape computes it. Small integer exponents are computed by
 * multiplication so that `x^2` is exactly `x*x` (what a TypeScript author
 * writes); everything else is `Math.pow` (NaN for a negative base and a
 * non-integer exponent).
 */
export function powOf(a: number, b: number): number {
  if (b === 2) return a * a;
  if (b === 3) return a * a * a;
  if (b === -1) return 1 / a;
  if (b === -2) return 1 / (a * a);
  return Math.pow(a, b);
}

/** The value of one node from its operand values; constant folding uses it, so folded and run-time results agree bit for bit. */
export function applyOp(op: number, a: number, b: number): number {
  switch (op) {
    case Op.ADD:
      return a + b;
    case Op.SUB:
      return a - b;
    case Op.MUL:
      return a * b;
    case Op.DIV:
      return a / b;
    case Op.POW:
      return powOf(a, b);
    case Op.NEG:
      return -a;
    case Op.SIN:
      return Math.sin(a);
    case Op.COS:
      return Math.cos(a);
    case Op.TAN:
      return Math.tan(a);
    case Op.EXP:
      return Math.exp(a);
    case Op.LOG:
      return Math.log(a);
    case Op.SQRT:
      return Math.sqrt(a);
    case Op.ABS:
      return Math.abs(a);
    case Op.TANH:
      return Math.tanh(a);
    case Op.SIGN:
      return signOf(a);
    default:
      return NaN;
  }
}

/**
 * A hash-consed expression DAG in x and y: building the same operation on the
 * same operands twice returns the same node, which is common-subexpression
 * elimination for free; constant operands are folded as nodes are built.
 * Nodes are numbered in creation order, and operands are always created
 * before their users, so ascending id order is a topological order — every
 * pass below is a loop over ids, never a recursion.
 *
 * Folding comes in two strengths. *Exact* rules never change a result for any
 * input, NaN and ±0 included (`a*1 → a`, `a-0 → a`, `--a → a`, constants).
 * *Structural-zero* rules (`0*a → 0`, `a+0 → a`, `0/a → 0`) are used only
 * while building derivatives, where a zero is a derivative that is
 * identically zero: without them `d/dx sqrt(y)` would be `0·∞ = NaN` at y = 0.
 * The user's own formula keeps its honest NaN (`0*log(x)` at x < 0).
 */
export class ExpressionGraph {
  readonly ops: number[] = [];
  readonly lhs: number[] = [];
  readonly rhs: number[] = [];
  readonly values: number[] = [];
  /** When true, structural-zero folding is on (derivative construction). */
  structuralZeros = false;

  private readonly keys = new Map<string, number>();
  private readonly constants = new Map<number, number>();
  private negativeZero = -1;
  readonly x: number;
  readonly y: number;
  readonly zero: number;
  readonly one: number;
  private readonly derivatives: [number[], number[]] = [[], []];

  constructor() {
    this.x = this.node(Op.X, -1, -1);
    this.y = this.node(Op.Y, -1, -1);
    this.zero = this.constant(0);
    this.one = this.constant(1);
  }

  get size(): number {
    return this.ops.length;
  }

  private node(op: number, a: number, b: number): number {
    const key = `${op},${a},${b}`;
    const found = this.keys.get(key);
    if (found !== undefined) return found;
    const id = this.ops.length;
    this.ops.push(op);
    this.lhs.push(a);
    this.rhs.push(b);
    this.values.push(NaN);
    this.keys.set(key, id);
    return id;
  }

  constant(v: number): number {
    if (Object.is(v, -0)) {
      if (this.negativeZero < 0) this.negativeZero = this.pushConstant(v);
      return this.negativeZero;
    }
    const found = this.constants.get(v);
    if (found !== undefined) return found;
    const id = this.pushConstant(v);
    this.constants.set(v, id);
    return id;
  }

  private pushConstant(v: number): number {
    const id = this.ops.length;
    this.ops.push(Op.CONST);
    this.lhs.push(-1);
    this.rhs.push(-1);
    this.values.push(v);
    return id;
  }

  isConstant(id: number): boolean {
    return this.ops[id] === Op.CONST;
  }

  /** True for the constant v exactly (`+0` and `-0` are told apart). */
  isConstantValue(id: number, v: number): boolean {
    return this.ops[id] === Op.CONST && Object.is(this.values[id], v);
  }

  private isZero(id: number): boolean {
    return this.ops[id] === Op.CONST && this.values[id] === 0;
  }

  private fold(op: number, a: number, b: number): number | undefined {
    if (!this.isConstant(a) || (b >= 0 && !this.isConstant(b))) return undefined;
    return this.constant(applyOp(op, this.values[a], b >= 0 ? this.values[b] : NaN));
  }

  add(a: number, b: number): number {
    const folded = this.fold(Op.ADD, a, b);
    if (folded !== undefined) return folded;
    if (this.structuralZeros) {
      if (this.isZero(a)) return b;
      if (this.isZero(b)) return a;
    }
    // IEEE addition is commutative bit for bit, so a canonical operand order
    // lets `x+y` and `y+x` share one node.
    return a <= b ? this.node(Op.ADD, a, b) : this.node(Op.ADD, b, a);
  }

  sub(a: number, b: number): number {
    const folded = this.fold(Op.SUB, a, b);
    if (folded !== undefined) return folded;
    if (this.isConstantValue(b, 0)) return a;
    if (this.structuralZeros) {
      if (this.isZero(b)) return a;
      if (this.isZero(a)) return this.neg(b);
    }
    return this.node(Op.SUB, a, b);
  }

  mul(a: number, b: number): number {
    const folded = this.fold(Op.MUL, a, b);
    if (folded !== undefined) return folded;
    if (this.isConstantValue(a, 1)) return b;
    if (this.isConstantValue(b, 1)) return a;
    if (this.isConstantValue(a, -1)) return this.neg(b);
    if (this.isConstantValue(b, -1)) return this.neg(a);
    if (this.structuralZeros && (this.isZero(a) || this.isZero(b))) return this.zero;
    // c·(−z) = (−c)·z exactly (negation is exact).
    if (this.isConstant(a) && this.ops[b] === Op.NEG) return this.mul(this.constant(-this.values[a]), this.lhs[b]);
    if (this.isConstant(b) && this.ops[a] === Op.NEG) return this.mul(this.constant(-this.values[b]), this.lhs[a]);
    if (this.structuralZeros) {
      // Derivatives pile up constant factors (2·(100·(2·u))). Merging them
      // reassociates one rounding, which is fine for derivatives (exact to
      // rounding) but is never done to the user's own formula.
      const merged = this.mergeConstantFactors(a, b) ?? this.mergeConstantFactors(b, a);
      if (merged !== undefined) return merged;
    }
    // a·a is a² bit for bit (powOf squares by multiplying), and a² lowers to a
    // fusible SQR instruction and differentiates without the product rule.
    if (a === b) return this.pow(a, this.constant(2));
    return a <= b ? this.node(Op.MUL, a, b) : this.node(Op.MUL, b, a);
  }

  /** c1·(c2·z) → (c1c2)·z when `c` is a constant and `m` a product with a constant factor. */
  private mergeConstantFactors(c: number, m: number): number | undefined {
    if (!this.isConstant(c) || this.ops[m] !== Op.MUL) return undefined;
    const l = this.lhs[m];
    const r = this.rhs[m];
    const k = this.isConstant(l) ? l : this.isConstant(r) ? r : -1;
    if (k < 0) return undefined;
    const product = this.values[c] * this.values[k];
    if (!Number.isFinite(product) || product === 0) return undefined;
    return this.mul(this.constant(product), k === l ? r : l);
  }

  div(a: number, b: number): number {
    const folded = this.fold(Op.DIV, a, b);
    if (folded !== undefined) return folded;
    if (this.isConstantValue(b, 1)) return a;
    if (this.isConstantValue(b, -1)) return this.neg(a);
    if (this.structuralZeros && this.isZero(a)) return this.zero;
    return this.node(Op.DIV, a, b);
  }

  pow(a: number, b: number): number {
    const folded = this.fold(Op.POW, a, b);
    if (folded !== undefined) return folded;
    if (this.isConstantValue(b, 1)) return a;
    // Math.pow(anything, 0) is 1, NaN included, so this fold is exact.
    if (this.isConstant(b) && this.values[b] === 0) return this.one;
    return this.node(Op.POW, a, b);
  }

  neg(a: number): number {
    const folded = this.fold(Op.NEG, a, -1);
    if (folded !== undefined) return folded;
    if (this.ops[a] === Op.NEG) return this.lhs[a];
    // −(c·z) = (−c)·z exactly.
    if (this.ops[a] === Op.MUL && this.isConstant(this.lhs[a])) return this.mul(this.constant(-this.values[this.lhs[a]]), this.rhs[a]);
    if (this.ops[a] === Op.MUL && this.isConstant(this.rhs[a])) return this.mul(this.constant(-this.values[this.rhs[a]]), this.lhs[a]);
    return this.node(Op.NEG, a, -1);
  }

  unary(op: number, a: number): number {
    if (op === Op.NEG) return this.neg(a);
    const folded = this.fold(op, a, -1);
    if (folded !== undefined) return folded;
    return this.node(op, a, -1);
  }

  /**
   * Adds a parsed formula to the graph and returns its root. Recursion depth
   * is bounded by the syntax tree's depth, which the parser's length cap
   * (500 characters) bounds in turn.
   */
  fromAst(ast: ExpressionAst): number {
    switch (ast.type) {
      case 'number':
      case 'constant':
        return this.constant(ast.value);
      case 'variable':
        return ast.name === 'x' ? this.x : this.y;
      case 'unary':
        return ast.op === '-' ? this.neg(this.fromAst(ast.arg)) : this.fromAst(ast.arg);
      case 'call':
        return this.unary(FUNCTION_OPS.get(ast.fn) ?? Op.SIGN, this.fromAst(ast.arg));
      case 'binary': {
        const a = this.fromAst(ast.left);
        const b = this.fromAst(ast.right);
        switch (ast.op) {
          case '+':
            return this.add(a, b);
          case '-':
            return this.sub(a, b);
          case '*':
            return this.mul(a, b);
          case '/':
            return this.div(a, b);
          case '^':
            return this.pow(a, b);
        }
      }
    }
  }

  /** Ids reachable from `roots`, ascending (a topological order). */
  reachable(roots: readonly number[]): number[] {
    const seen = new Uint8Array(this.size);
    for (const r of roots) seen[r] = 1;
    let hi = 0;
    for (const r of roots) hi = Math.max(hi, r);
    for (let id = hi; id >= 0; id--) {
      if (!seen[id]) continue;
      if (this.lhs[id] >= 0) seen[this.lhs[id]] = 1;
      if (this.rhs[id] >= 0) seen[this.rhs[id]] = 1;
    }
    const out: number[] = [];
    for (let id = 0; id <= hi; id++) if (seen[id]) out.push(id);
    return out;
  }

  /**
   * The exact partial derivative of node `root` with respect to x
   * (`variable = 0`) or y (`1`), built symbolically into this graph. Results
   * are memoised per node, so differentiating a derivative again (for the
   * Hessian) reuses everything already built: the cost stays linear in the
   * graph's size.
   */
  derivative(root: number, variable: 0 | 1): number {
    const memo = this.derivatives[variable];
    const saved = this.structuralZeros;
    this.structuralZeros = true;
    for (const id of this.reachable([root])) {
      if (memo[id] !== undefined) continue;
      memo[id] = this.derivativeOf(id, variable, memo);
    }
    this.structuralZeros = saved;
    return memo[root];
  }

  private derivativeOf(id: number, variable: 0 | 1, d: number[]): number {
    const op = this.ops[id];
    const a = this.lhs[id];
    const b = this.rhs[id];
    switch (op) {
      case Op.CONST:
        return this.zero;
      case Op.X:
        return variable === 0 ? this.one : this.zero;
      case Op.Y:
        return variable === 1 ? this.one : this.zero;
      case Op.ADD:
        return this.add(d[a], d[b]);
      case Op.SUB:
        return this.sub(d[a], d[b]);
      case Op.NEG:
        return this.neg(d[a]);
      case Op.MUL:
        return this.add(this.mul(d[a], b), this.mul(a, d[b]));
      case Op.DIV:
        // (a/b)' = (a' − (a/b)·b') / b
        if (this.isZero(d[b])) return this.div(d[a], b);
        return this.div(this.sub(d[a], this.mul(id, d[b])), b);
      case Op.POW:
        return this.powDerivative(id, a, b, d);
      case Op.SIN:
        return this.mul(this.unary(Op.COS, a), d[a]);
      case Op.COS:
        return this.neg(this.mul(this.unary(Op.SIN, a), d[a]));
      case Op.TAN:
        // sec² = 1 + tan²
        return this.mul(this.add(this.one, this.pow(id, this.constant(2))), d[a]);
      case Op.TANH:
        return this.mul(this.sub(this.one, this.pow(id, this.constant(2))), d[a]);
      case Op.EXP:
        return this.mul(id, d[a]);
      case Op.LOG:
        return this.div(d[a], a);
      case Op.SQRT:
        return this.div(d[a], this.mul(this.constant(2), id));
      case Op.ABS:
        return this.mul(this.unary(Op.SIGN, a), d[a]);
      case Op.SIGN:
        return this.zero;
      default:
        throw new Error(`internal: no derivative rule for op ${op}`);
    }
  }

  /**
   * (a^b)' by the power rule when b does not vary (exact at a = 0: `x^2` has
   * derivative 2x, not 0·log 0), by a^b·log(a)·b' when a does not vary, and by
   * the sum of both otherwise.
   */
  private powDerivative(id: number, a: number, b: number, d: number[]): number {
    const da = d[a];
    const db = d[b];
    let viaBase = this.zero;
    if (!this.isZero(da)) {
      const exponentLessOne = this.sub(b, this.one);
      viaBase = this.mul(this.mul(b, this.pow(a, exponentLessOne)), da);
    }
    let viaExponent = this.zero;
    if (!this.isZero(db)) viaExponent = this.mul(this.mul(id, this.unary(Op.LOG, a)), db);
    return this.add(viaBase, viaExponent);
  }
}
