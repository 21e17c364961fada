import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_EXPRESSION_LENGTH,
  MAX_NESTING_DEPTH,
  compileExpression,
  createExpressionLandscape,
  FormulaError,
  parseExpression,
  SpecError,
} from '@gradient-rally/shared';

/**
 * Runs `fn`, which must throw; returns what it threw and how long it took.
 * The time is a hang guard (a parser that backtracks or recurses without
 * bound would blow through it by orders of magnitude), not a speed target.
 */
function rejection(fn: () => unknown): { error: unknown; ms: number } {
  const t0 = performance.now();
  try {
    fn();
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
  throw new Error('expected a rejection, but the input was accepted');
}

function expectSpecError(src: unknown, message: RegExp, _position?: number): SpecError {
  const { error, ms } = rejection(() => compileExpression(src as string));
  expect(error, `input ${JSON.stringify(String(src).slice(0, 60))}`).toBeInstanceOf(SpecError);
  const e = error as SpecError;
  expect(e.message).toMatch(message);
  expect(typeof e.position).toBe('number');
  if (typeof src === 'string') {
    expect(e.position).toBeGreaterThanOrEqual(0);
    expect(e.position).toBeLessThanOrEqual(Math.min(src.length, MAX_EXPRESSION_LENGTH));
    // The message carries the offset too, so a player reading it can find the spot.
    expect(e.message).toContain(`position ${e.position}`);
  }
  expect(ms).toBeLessThan(1000);
  return e;
}

// [input, what the message must say, expected position (when pinned)]
const hostile: [string, RegExp, number?][] = [
  // Reaching into JavaScript
  ['constructor', /unknown name 'constructor'/, 0],
  ['__proto__', /unknown name '__proto__'/, 0],
  ['x.constructor', /property access/, 1],
  ['x.__proto__.polluted', /property access/, 1],
  ['sin.call(x)', /property access/, 3],
  ['this', /unknown name 'this'/, 0],
  ['globalThis', /unknown name 'globalThis'/, 0],
  ['process.exit()', /unknown name 'process'/, 0],
  ['require("fs")', /unknown name 'require'/, 0],
  ['import("fs")', /unknown name 'import'/, 0],
  ['eval("1")', /unknown name 'eval'/, 0],
  ['Function("return 1")()', /unknown name 'Function'/, 0],
  ['new Date()', /unknown name 'new'/, 0],
  ['Math.sin(x)', /unknown name 'Math'.*write sin\(x\)/, 0],
  ['valueOf', /unknown name 'valueOf'/, 0],
  ['hasOwnProperty(x)', /unknown name 'hasOwnProperty'/, 0],
  // Functions, assignments, statements
  ['(()=>1)()', /empty parentheses/, 2],
  ['x => x', /arrow functions/, 2],
  ['function(){return 1}', /unknown name 'function'/, 0],
  ['x=1', /assignment/, 1],
  ['x == 1', /comparisons/, 2],
  ['1;2', /only one expression/, 1],
  ['x ? 1 : 2', /operator '\?'/, 2],
  ['x % 2', /modulo/, 2],
  ['x && y', /operator '&'/, 2],
  ['!x', /operator '!'/, 0],
  // Strings, templates, brackets
  ['"a"', /strings/, 0],
  ["'a'", /strings/, 0],
  ['`a`', /strings/, 0],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the formula text itself is under test
  ['${x}', /unexpected character '\$'/, 0],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the formula text itself is under test
  ['`${process.exit()}`', /strings/, 0],
  ['[1]', /brackets/, 0],
  ['x[0]', /brackets/, 1],
  ['{}', /braces/, 0],
  ['x\\y', /unexpected character '\\'/, 1],
  // Commas and arity
  ['sin(x,y)', /sin takes exactly one argument/, 5],
  ['sin()', /sin takes exactly one argument, got none/, 4],
  ['sin', /sin must be followed by '\('/, 3],
  ['sin x', /sin must be followed by '\('/, 4],
  ['x, y', /unexpected ','/, 1],
  ['(x, y)', /unexpected ','/, 2],
  // Unknown names, with suggestions
  ['foo(x)', /unknown name 'foo'/, 0],
  ['a', /unknown name 'a'/, 0],
  ['X + 1', /unknown name 'X' \(did you mean 'x'\?\)/, 0],
  ['Sin(x)', /did you mean 'sin'\?/, 0],
  ['sinn(x)', /did you mean 'sin'\?/, 0],
  ['sqr(x)', /use \^2/, 0],
  ['ln(x)', /use log/, 0],
  ['pow(x, 2)', /use \^ for powers/, 0],
  ['xy', /write x\*y/, 0],
  ['NaN', /unknown name 'NaN'/, 0],
  ['Infinity', /unknown name 'Infinity'/, 0],
  ['null', /unknown name 'null'/, 0],
  // Implicit multiplication
  ['2x', /implicit multiplication is not supported: write 2\*x/, 1],
  ['x y', /implicit multiplication.*write x\*y/, 2],
  ['2 sin(x)', /implicit multiplication.*write 2\*sin/, 2],
  ['(x+1)(x-1)', /implicit multiplication.*write \(x\+1\)\*\(…\)/, 5],
  ['x(2)', /implicit multiplication/, 1],
  ['pi(2)', /implicit multiplication/, 2],
  ['sin(x)(y)', /implicit multiplication/, 6],
  ['2 3', /implicit multiplication/, 2],
  // Incomplete or unbalanced
  ['', /formula is empty/, 0],
  ['   ', /formula is empty/, 3],
  ['x^', /expected a number, x, y, a function or '\(' after '\^'/, 2],
  ['x +', /expected .* found end of formula/, 3],
  ['x +* y', /expected .* found '\*'/, 3],
  ['x^^2', /expected .* found '\^'/, 2],
  ['+', /expected .* found end of formula/, 1],
  ['*x', /expected .* found '\*'/, 0],
  ['(x', /missing '\)'/, 2],
  ['sin(x', /missing '\)'/, 5],
  ['x)', /unmatched '\)'/, 1],
  ['sin(x))', /unmatched '\)'/, 6],
  ['()', /empty parentheses/, 1],
  // Numbers
  ['1e999', /too large/, 0],
  ['-1e309', /too large/, 1],
  ['1'.repeat(400), /too large/, 0],
  ['1e', /malformed number.*exponent needs digits/, 1],
  ['2e+', /malformed number/, 1],
  ['1.', /decimal point must be followed by digits/, 1],
  ['1..2', /decimal point must be followed by digits/, 1],
  ['.5.5', /unexpected '\.' after number/, 2],
  ['0x1F', /implicit multiplication|unknown name/, 1],
  ['x**2', /'\*\*' is not supported: use \^/, 1],
  // Unicode and control characters
  ['\u0445 + 1', /'х' \(U\+0445\).*ASCII letters only/, 0],
  ['x + \u0443', /U\+0443/, 4],
  ['\u0000', /U\+0000/, 0],
  ['x\u0000+1', /U\+0000/, 1],
  ['\uFEFFx', /U\+FEFF/, 0],
  ['\u00a0x', /U\+00A0/, 0],
  ['x\u200by', /U\+200B/, 1],
  ['x \u2212 y', /ASCII minus/, 2],
  ['x \u00d7 y', /use '\*'/, 2],
  ['x \u00f7 y', /use '\/'/, 2],
  ['2\u03c0', /write 'pi'/, 1],
  ['x\u00b2', /write \^2/, 1],
  ['\ud83d\ude00', /unexpected character/, 0],
  ['\ud800', /unexpected character U\+D800/, 0],
  ['x +\n\u001b[31m', /U\+001B/, 4],
  // Size and depth
  ['('.repeat(10_000), /too long/, MAX_EXPRESSION_LENGTH],
  [`${'x+'.repeat(500_000)}x`, /too long: 1000001 characters/, MAX_EXPRESSION_LENGTH],
  ['x'.repeat(1_000_000), /too long/, MAX_EXPRESSION_LENGTH],
  [`${'('.repeat(60)}x${')'.repeat(60)}`, /nested too deeply/, MAX_NESTING_DEPTH],
  [`${'sin('.repeat(60)}x${')'.repeat(60)}`, /nested too deeply/, 4 * MAX_NESTING_DEPTH + 3],
  [`${'-'.repeat(60)}x`, /nested too deeply/, MAX_NESTING_DEPTH],
  [`${'x^'.repeat(60)}x`, /nested too deeply/, 2 * MAX_NESTING_DEPTH + 1],
  ['('.repeat(400), /nested too deeply/, MAX_NESTING_DEPTH],
];

describe('hostile and malformed formulas', () => {
  it(`has a long list (${hostile.length} inputs)`, () => {
    expect(hostile.length).toBeGreaterThanOrEqual(40);
  });

  for (const [src, message, position] of hostile) {
    const label = JSON.stringify(src.length > 40 ? `${src.slice(0, 40)}… (${src.length} chars)` : src);
    it(`rejects ${label}`, () => {
      const e = expectSpecError(src, message, position);
      if (position !== undefined) expect(e.position).toBe(position);
      // Through the landscape factory, the same error names the field.
      const { error } = rejection(() => createExpressionLandscape({ kind: 'expression', expr: src }, 'room.landscape'));
      expect(error).toBeInstanceOf(SpecError);
      expect((error as SpecError).path).toBe('room.landscape.expr');
      expect((error as SpecError).message.startsWith('room.landscape.expr: ')).toBe(true);
    });
  }

  it('accepts the limits themselves: 500 characters and 50 levels', () => {
    const long = `x${'+x'.repeat((MAX_EXPRESSION_LENGTH - 2) / 2)} `;
    expect(long.length).toBe(MAX_EXPRESSION_LENGTH);
    expect(compileExpression(long).value(1, 0)).toBe(250);
    expect(compileExpression(`${'('.repeat(MAX_NESTING_DEPTH)}x${')'.repeat(MAX_NESTING_DEPTH)}`).value(3, 0)).toBe(3);
    expect(compileExpression(`${'-'.repeat(MAX_NESTING_DEPTH)}x`).value(3, 0)).toBe(3);
    // A long flat sum is a loop in the parser, not nesting.
    expect(compileExpression(Array.from({ length: 120 }, (_, i) => `${i % 7}*x`).join('+')).value(1, 0)).toBe(357);
  });

  it('shows a caret under the problem', () => {
    const e = expectSpecError('x + foo', /unknown name 'foo'/, 4);
    expect(e.message).toContain('\n  x + foo\n      ^');
    const far = expectSpecError(`${'x+'.repeat(100)}#`, /unexpected character '#'/, 200);
    expect(far.message).toMatch(/\n {2}…(x\+)+#\n {33}\^$/);
  });

  it('rejects non-strings without calling into them', () => {
    let touched = false;
    const sneaky = {
      toString() {
        touched = true;
        return 'x';
      },
    };
    for (const v of [42, null, undefined, sneaky, ['x'], Symbol('x')]) {
      const { error } = rejection(() => parseExpression(v as unknown as string));
      expect(error).toBeInstanceOf(SpecError);
    }
    expect(touched).toBe(false);
  });

  it('never throws anything but SpecError, and never hangs, on arbitrary strings', () => {
    const alphabet = fc.constantFrom(
      ...'xy0123456789.eE+-*/^(),pi sin cos tan exp log sqrt abs tanh'.split(''),
      'sin(',
      'x^',
      '((',
      '))',
      '1e',
      '**',
      '=',
      '"',
      '`',
      '[',
      '{',
      ';',
      '\u0000',
      '\u2212',
      '\ud83d',
    );
    const formulaish = fc.array(alphabet, { maxLength: 80 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 }), formulaish), (src) => {
        const t0 = performance.now();
        try {
          const f = compileExpression(src);
          // Anything accepted evaluates without throwing.
          f.valueGradHessInto(0.5, -0.25, new Float64Array(6));
          f.value(0, 0);
        } catch (e) {
          if (!(e instanceof SpecError)) throw e;
          expect(e.position).toBeGreaterThanOrEqual(0);
          expect(e.position).toBeLessThanOrEqual(src.length);
        }
        expect(performance.now() - t0).toBeLessThan(1000);
      }),
      { numRuns: 3000 },
    );
  });

  it('handles the worst accepted inputs quickly: 500 characters of nested functions and powers', () => {
    // Each nesting level and long derivative chain multiplies work in a naive
    // symbolic differentiator; the hash-consed graph keeps it linear.
    const deep = `${'sin('.repeat(24)}x*y${')'.repeat(24)}`;
    const powers = `${'('.repeat(20)}x${'^2+y)'.repeat(20)}`;
    const products = Array.from({ length: 45 }, (_, i) => `sin(x+${i})`).join('*');
    for (const src of [deep, powers, products]) {
      expect(src.length).toBeLessThanOrEqual(MAX_EXPRESSION_LENGTH);
      const t0 = performance.now();
      const f = compileExpression(src);
      const o = new Float64Array(6);
      f.valueGradHessInto(0.3, 0.2, o);
      expect(o.every((v) => !Number.isNaN(v))).toBe(true);
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(f.tapeLengths.hessian).toBeLessThan(3000);
    }
  });
});

describe('formula errors in plain words', () => {
  it('say the problem alone, counting characters from 1 as people do, and keep where it is', () => {
    // Issue 9: the page used to show "missing ')' for the '(' opened at offset 3 at position 5 sin(x ^ (at character 6)".
    const e = rejection(() => parseExpression('sin(x ^ (')).error as FormulaError;
    expect(e).toBeInstanceOf(FormulaError);
    expect(e.problem).toBe("Expected a number, x, y, a function or '(' after '(', found end of formula.");
    expect(e.position).toBe(9);
    expect(e.source).toBe('sin(x ^ (');
    const open = rejection(() => parseExpression('sin(x')).error as FormulaError;
    expect(open.problem).toBe("Missing ')': the '(' at character 4 is never closed.");
    const wrong = rejection(() => parseExpression('(x + 1 y')).error as FormulaError;
    expect(wrong.problem).toMatch(/^Implicit multiplication is not supported: write 1\*y\.$/);
    const op = rejection(() => parseExpression('x^2 + * y')).error as FormulaError;
    expect(op.problem).toBe("Expected a number, x, y, a function or '(' after '+', found '*'.");
    const first = rejection(() => parseExpression('*x')).error as FormulaError;
    expect(first.problem).toBe("Expected a number, x, y, a function or '(' at the start, found '*'.");
    const after = rejection(() => parseExpression('sin(x)) + 1')).error as FormulaError;
    expect(after.problem).toBe("Unmatched ')'.");
    // No path, no 0-based offsets, no caret drawing in what a person reads.
    for (const src of ['sin(x', '(x', 'x +', 'foo(x)', '2x', 'x^^2', '', '1e', "x'"]) {
      const f = rejection(() => parseExpression(src, 'settings.landscape.expr')).error as FormulaError;
      expect(f.problem, src).not.toMatch(/offset|position|settings\.|\n|\^$/);
      expect(f.problem, src).toMatch(/^[A-Z'].*\.$/);
    }
  });
});
