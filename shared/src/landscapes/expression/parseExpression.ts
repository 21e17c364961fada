import { SpecError } from '../../spec/SpecError';
import { ALLOWED_NAMES, FUNCTION_NAMES, type BinaryOperator, type ExpressionAst, type FunctionName } from './ExpressionAst';

/** Longer formulas are rejected before any scanning, so huge inputs cost nothing. */
export const MAX_EXPRESSION_LENGTH = 500;
/** Parentheses, function calls, unary signs and `^` exponents nested deeper than this are rejected. */
export const MAX_NESTING_DEPTH = 50;

type OpText = '+' | '-' | '*' | '/' | '^' | '(' | ')' | ',';
type Token =
  | { kind: 'number'; value: number; pos: number; end: number }
  | { kind: 'name'; text: string; pos: number; end: number }
  | { kind: 'op'; text: OpText; pos: number; end: number }
  | { kind: 'end'; pos: number; end: number };

// Lookups go through Maps and Sets, never plain objects, so that names such as
// `constructor` or `__proto__` cannot reach Object.prototype.
const FUNCTIONS: ReadonlySet<string> = new Set(FUNCTION_NAMES);
const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
]);
/** Names people commonly type, mapped to what to write instead. */
const HINTS: ReadonlyMap<string, string> = new Map([
  ['ln', 'use log(…) for the natural logarithm'],
  ['pow', 'use ^ for powers, e.g. x^2'],
  ['sqr', 'use ^2, e.g. x^2'],
  ['Math', 'write sin(x), not Math.sin(x)'],
  ['PI', "write 'pi'"],
  ['E', "write 'e'"],
]);

/**
 * A formula that does not parse: a `SpecError` (its message keeps the path,
 * the 0-based position and a caret drawing, for logs and terminals) that also
 * carries the problem alone, as one plain sentence a person can act on, which
 * counts characters from 1 as people do ("the '(' at character 4 is never
 * closed"). Pages show `problem` and point at `position` themselves.
 */
export class FormulaError extends SpecError {
  /** The problem as one sentence, without path or position ("Missing ')': the '(' at character 4 is never closed."). */
  readonly problem: string;

  constructor(
    path: string,
    problem: string,
    position: number,
    /** The formula as given (for showing the spot). */
    readonly source: string,
  ) {
    super(path, `${problem} at position ${position}${caretExcerpt(source, position)}`, position);
    this.problem = sentence(problem);
  }
}

/** "missing ')'" → "Missing ')'." */
function sentence(problem: string): string {
  const s = problem.charAt(0).toUpperCase() + problem.slice(1);
  return /[.?!]$/.test(s) ? s : `${s}.`;
}

/**
 * Parses a formula in x and y into a syntax tree, or throws a `FormulaError`
 * (a `SpecError`) whose `position` is the 0-based offset of the problem,
 * whose `problem` says it in plain words and whose message names it and
 * shows a caret under it.
 *
 * Grammar (precedence low to high): `+ -` (left), `* /` (left), unary `- +`,
 * `^` (right-associative, binds tighter than unary minus: `-x^2` is `-(x^2)`,
 * and `2^-x` is `2^(-x)`, as in Python's `**`), then numbers, `x`, `y`, `pi`,
 * `e`, `f(…)` for the functions in `FUNCTION_NAMES`, and parentheses.
 * Implicit multiplication (`2x`) is rejected with a suggestion (`2*x`).
 *
 * The parser is recursive descent with an explicit depth guard, and the input
 * is capped at `MAX_EXPRESSION_LENGTH` characters before scanning, so hostile
 * input can neither overflow the stack nor take long.
 *
 * @example
 *   parseExpression('sin(x)*cos(y)')  // { type: 'binary', op: '*', … }
 *   parseExpression('2x')             // throws SpecError: implicit multiplication … write 2*x
 */
export function parseExpression(src: string, path = 'expr'): ExpressionAst {
  if (typeof src !== 'string') {
    throw new SpecError(path, `must be a formula string in x and y, got ${src === null ? 'null' : typeof src}`, 0);
  }
  if (src.length > MAX_EXPRESSION_LENGTH) {
    // The source is not kept: it may be megabytes long.
    const excerpt = src.slice(0, MAX_EXPRESSION_LENGTH + 20);
    throw new FormulaError(
      path,
      `formula is too long: ${src.length} characters, at most ${MAX_EXPRESSION_LENGTH} allowed`,
      MAX_EXPRESSION_LENGTH,
      excerpt,
    );
  }
  return new Parser(src, path).parse();
}

/** Renders `src` around `pos` on one line with a caret under `pos` below it. */
function caretExcerpt(src: string, pos: number): string {
  const from = Math.max(0, pos - 30);
  const to = Math.min(src.length, pos + 30);
  let line = '';
  // Anything but printable ASCII becomes '·' so the caret stays aligned and
  // control characters never reach a terminal or a page.
  for (let i = from; i < to; i++) {
    const c = src.charCodeAt(i);
    line += c === 9 || c === 10 || c === 13 ? ' ' : c >= 32 && c < 127 ? src[i] : '·';
  }
  const prefix = from > 0 ? '…' : '';
  const suffix = to < src.length ? '…' : '';
  return `\n  ${prefix}${line}${suffix}\n  ${' '.repeat(prefix.length + pos - from)}^`;
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const invisible = code <= 160 || code === 0xfeff || (code >= 0x2000 && code <= 0x200f) || (code >= 0xd800 && code <= 0xdfff);
  return code >= 33 && code < 127 ? `'${ch}'` : invisible ? hex : `'${ch}' (${hex})`;
}

/** Damerau–Levenshtein distance (restricted), for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = [];
  for (let i = 0; i <= m; i++) {
    d.push(new Array<number>(n + 1).fill(0));
    d[i][0] = i;
  }
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/** The allowed name closest to `name`, when one is close enough to be a likely typo. */
export function closestAllowedName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (ALLOWED_NAMES.includes(lower)) return lower;
  if (name.length > 12) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const allowed of ALLOWED_NAMES) {
    const dist = editDistance(lower, allowed);
    // A one-letter name is "close" to every other one-letter name; only
    // suggest when the typo is small relative to the word.
    if (dist < bestDistance && dist <= Math.min(2, Math.floor(allowed.length / 2))) {
      best = allowed;
      bestDistance = dist;
    }
  }
  return best;
}

class Parser {
  private pos = 0;
  private tok: Token;
  private depth = 0;

  constructor(
    private readonly src: string,
    private readonly path: string,
  ) {
    this.tok = this.scan();
  }

  parse(): ExpressionAst {
    if (this.tok.kind === 'end') {
      throw this.error(
        /\S/.test(this.src) ? 'formula has no expression' : 'formula is empty: write one in x and y, e.g. x^2 + y^2',
        this.tok.pos,
      );
    }
    const ast = this.sum();
    const t = this.current();
    if (t.kind !== 'end') {
      if (t.kind === 'op' && t.text === ')') throw this.error("unmatched ')'", t.pos);
      throw this.error(
        `unexpected ${this.describeToken(t)} after a complete formula: is an operator such as + or * missing before it?`,
        t.pos,
      );
    }
    return ast;
  }

  // ---- errors -------------------------------------------------------------

  private error(problem: string, pos: number): FormulaError {
    return new FormulaError(this.path, problem, pos, this.src);
  }

  private describeToken(t: Token): string {
    switch (t.kind) {
      case 'end':
        return 'end of formula';
      case 'number':
        return `number ${this.src.slice(t.pos, t.end)}`;
      case 'name':
        return `name '${t.text}'`;
      case 'op':
        return `'${t.text}'`;
    }
  }

  /** A short piece of source for suggestions such as "write 2*x". */
  private snippet(from: number, to: number): string {
    const s = this.src.slice(from, to).trim();
    return s.length <= 16 ? s : '…';
  }

  // ---- scanner ------------------------------------------------------------

  private scan(): Token {
    const src = this.src;
    let i = this.pos;
    while (i < src.length) {
      const c = src.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
    if (i >= src.length) {
      this.pos = i;
      return { kind: 'end', pos: i, end: i };
    }
    const start = i;
    const ch = src[i];
    const code = src.charCodeAt(i);
    if (isDigit(code) || (ch === '.' && isDigit(src.charCodeAt(i + 1)))) return this.scanNumber(start);
    if (isNameStart(code)) {
      while (i < src.length && isNameChar(src.charCodeAt(i))) i++;
      this.pos = i;
      return { kind: 'name', text: src.slice(start, i), pos: start, end: i };
    }
    switch (ch) {
      case '+':
      case '-':
      case '/':
      case '^':
      case '(':
      case ')':
      case ',':
        this.pos = i + 1;
        return { kind: 'op', text: ch, pos: start, end: i + 1 };
      case '*':
        if (src[i + 1] === '*') throw this.error("'**' is not supported: use ^ for powers, e.g. x^2", start);
        this.pos = i + 1;
        return { kind: 'op', text: '*', pos: start, end: i + 1 };
    }
    throw this.error(this.badCharacter(ch, start), start);
  }

  private scanNumber(start: number): Token {
    const src = this.src;
    let i = start;
    while (isDigit(src.charCodeAt(i))) i++;
    if (src[i] === '.') {
      i++;
      if (!isDigit(src.charCodeAt(i))) {
        throw this.error(`a decimal point must be followed by digits (write ${src.slice(start, i)}0)`, i - 1);
      }
      while (isDigit(src.charCodeAt(i))) i++;
    }
    if (src[i] === 'e' || src[i] === 'E') {
      let j = i + 1;
      if (src[j] === '+' || src[j] === '-') j++;
      if (isDigit(src.charCodeAt(j))) {
        while (isDigit(src.charCodeAt(j))) j++;
        i = j;
      } else {
        throw this.error(
          `malformed number '${this.snippet(start, j + 1)}': an exponent needs digits, like 1e-3 (for Euler's number times something, write ${src.slice(start, i)}*e)`,
          i,
        );
      }
    }
    if (src[i] === '.') throw this.error(`unexpected '.' after number ${src.slice(start, i)}`, i);
    const value = Number(src.slice(start, i));
    if (!Number.isFinite(value)) {
      throw this.error(`number ${this.snippet(start, i)} is too large (not a finite double)`, start);
    }
    this.pos = i;
    return { kind: 'number', value, pos: start, end: i };
  }

  private badCharacter(ch: string, pos: number): string {
    const prev = this.src.slice(0, pos).trimEnd();
    const afterOperand = /[A-Za-z0-9_)]$/.test(prev);
    switch (ch) {
      case '.':
        return afterOperand ? "property access ('.') is not allowed" : "unexpected '.'";
      case '=':
        if (this.src[pos + 1] === '>') return "arrow functions ('=>') are not allowed";
        if (this.src[pos + 1] === '=') return "comparisons ('==') are not allowed";
        return "assignment ('=') is not allowed: write only the right-hand side";
      case '"':
      case "'":
      case '`':
        return `strings (${ch}…${ch}) are not allowed`;
      case '[':
      case ']':
        return `brackets '${ch}' are not allowed: use parentheses ( )`;
      case '{':
      case '}':
        return `braces '${ch}' are not allowed: use parentheses ( )`;
      case ';':
        return "only one expression is allowed (found ';')";
      case '%':
        return "'%' (modulo) is not supported";
      case '!':
      case '&':
      case '|':
      case '<':
      case '>':
      case '?':
      case ':':
      case '~':
        return `operator '${ch}' is not supported: use + - * / ^`;
      case '\u2212':
      case '\u2013':
        return `unexpected character ${describeChar(ch)}: use the ASCII minus '-'`;
      case '\u00d7':
      case '\u00b7':
      case '\u2219':
      case '\u22c5':
      case '\u2217':
        return `unexpected character ${describeChar(ch)}: use '*' for multiplication`;
      case '\u00f7':
      case '\u2215':
        return `unexpected character ${describeChar(ch)}: use '/' for division`;
      case '\u03c0':
        return `unexpected character ${describeChar(ch)}: write 'pi'`;
      case '\u00b2':
      case '\u00b3':
        return `unexpected character ${describeChar(ch)}: write ^${ch === '\u00b2' ? 2 : 3}`;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (code > 127 && /\p{L}/u.test(String.fromCodePoint(code))) {
      return `unexpected character ${describeChar(String.fromCodePoint(code))}: names use ASCII letters only`;
    }
    return `unexpected character ${describeChar(code > 0xffff ? String.fromCodePoint(code) : ch)}`;
  }

  /** The current token (a method, so TypeScript does not carry narrowing across calls that advance it). */
  private current(): Token {
    return this.tok;
  }

  private next(): void {
    this.tok = this.scan();
  }

  private isOp(text: OpText): boolean {
    return this.tok.kind === 'op' && this.tok.text === text;
  }

  // ---- grammar ------------------------------------------------------------

  /** Each nested parenthesis, call, sign or exponent passes through here. */
  private enter(pos: number): void {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw this.error(`formula is nested too deeply (more than ${MAX_NESTING_DEPTH} levels)`, pos);
    }
  }

  private leave(): void {
    this.depth--;
  }

  /** sum := product (('+' | '-') product)* — a loop, so long sums never recurse. */
  private sum(): ExpressionAst {
    let left = this.product();
    while (this.tok.kind === 'op' && (this.tok.text === '+' || this.tok.text === '-')) {
      const op = this.tok.text;
      this.next();
      const right = this.product();
      left = { type: 'binary', op, left, right, start: left.start };
    }
    return left;
  }

  /** product := unary (('*' | '/') unary)* */
  private product(): ExpressionAst {
    // Where the last operand began, parenthesis included, for the "write a*b" hint.
    let operandStart = this.tok.pos;
    let left = this.unary();
    for (;;) {
      const t = this.tok;
      if (t.kind === 'op' && (t.text === '*' || t.text === '/')) {
        this.next();
        operandStart = this.tok.pos;
        const right = this.unary();
        left = { type: 'binary', op: t.text as BinaryOperator, left, right, start: left.start };
      } else if (t.kind === 'number' || t.kind === 'name' || (t.kind === 'op' && t.text === '(')) {
        const leftText = this.snippet(operandStart, t.pos);
        const rightText = t.kind === 'op' ? '(…)' : this.snippet(t.pos, t.end);
        throw this.error(`implicit multiplication is not supported: write ${leftText}*${rightText}`, t.pos);
      } else {
        return left;
      }
    }
  }

  /** unary := ('-' | '+') unary | power */
  private unary(): ExpressionAst {
    const t = this.tok;
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.enter(t.pos);
      this.next();
      const arg = this.unary();
      this.leave();
      return { type: 'unary', op: t.text as '-' | '+', arg, start: t.pos };
    }
    return this.power();
  }

  /** power := primary ('^' unary)? — right-associative through `unary`. */
  private power(): ExpressionAst {
    const base = this.primary();
    if (!this.isOp('^')) return base;
    const caret = this.tok.pos;
    this.enter(caret);
    this.next();
    const exponent = this.unary();
    this.leave();
    return { type: 'binary', op: '^', left: base, right: exponent, start: base.start };
  }

  private expectOperand(after: string): never {
    const t = this.tok;
    const what = this.describeToken(t);
    if (t.kind === 'op' && t.text === ',') throw this.error(`unexpected ',' ${after}: functions take exactly one argument`, t.pos);
    throw this.error(`expected a number, x, y, a function or '(' ${after}, found ${what}`, t.pos);
  }

  private primary(): ExpressionAst {
    const t = this.tok;
    if (t.kind === 'number') {
      this.next();
      return { type: 'number', value: t.value, start: t.pos };
    }
    if (t.kind === 'op' && t.text === '(') {
      this.enter(t.pos);
      this.next();
      if (this.isOp(')')) throw this.error("empty parentheses '()'", this.tok.pos);
      const inner = this.sum();
      if (!this.isOp(')')) this.missingClose(t.pos);
      this.next();
      this.leave();
      return inner;
    }
    if (t.kind === 'name') return this.name(t);
    if (t.kind === 'op' && t.text === ')') this.expectOperand("before ')'");
    // Say where by what comes just before ("after '+'"), as a person reads the formula.
    const prev = this.src.slice(0, t.pos).trimEnd();
    this.expectOperand(prev.length > 0 ? `after '${prev[prev.length - 1]}'` : 'at the start');
  }

  private missingClose(openPos: number): never {
    const t = this.tok;
    if (t.kind === 'op' && t.text === ',') {
      throw this.error("unexpected ',': functions take exactly one argument and commas are not allowed elsewhere", t.pos);
    }
    if (t.kind === 'end') throw this.error(`missing ')': the '(' at character ${openPos + 1} is never closed`, t.pos);
    throw this.error(`expected ')' to close the '(' at character ${openPos + 1}, found ${this.describeToken(t)}`, t.pos);
  }

  private name(t: Token & { kind: 'name' }): ExpressionAst {
    const text = t.text;
    if (text === 'x' || text === 'y') {
      this.next();
      return { type: 'variable', name: text, start: t.pos };
    }
    const constant = CONSTANTS.get(text);
    if (constant !== undefined) {
      this.next();
      return { type: 'constant', name: text as 'pi' | 'e', value: constant, start: t.pos };
    }
    if (FUNCTIONS.has(text)) {
      const fn = text as FunctionName;
      this.next();
      if (!this.isOp('(')) {
        throw this.error(`${fn} must be followed by '(' and one argument, e.g. ${fn}(x)`, this.tok.pos);
      }
      const open = this.tok.pos;
      this.enter(open);
      this.next();
      if (this.isOp(')')) throw this.error(`${fn} takes exactly one argument, got none`, this.tok.pos);
      const arg = this.sum();
      if (this.isOp(',')) throw this.error(`${fn} takes exactly one argument, found ','`, this.tok.pos);
      if (!this.isOp(')')) this.missingClose(open);
      this.next();
      this.leave();
      return { type: 'call', fn, arg, start: t.pos };
    }
    throw this.error(this.unknownName(text), t.pos);
  }

  private unknownName(text: string): string {
    const shown = text.length > 24 ? `${text.slice(0, 24)}…` : text;
    if (/^[xy]{2,3}$/.test(text)) {
      return `unknown name '${text}' (implicit multiplication is not supported: write ${text.split('').join('*')})`;
    }
    const hint = HINTS.get(text);
    const close = hint === undefined ? closestAllowedName(text) : undefined;
    const advice = hint ?? (close !== undefined ? `did you mean '${close}'?` : `allowed names are ${ALLOWED_NAMES.join(', ')}`);
    return `unknown name '${shown}' (${advice})`;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}
