/**
 * The syntax tree of an instructor-written formula in x and y, as
 * `parseExpression` returns it. Every node records `start`, the 0-based offset
 * of its first character in the source, so later checks can point at it.
 *
 * @example
 *   parseExpression('-x^2') // { type: 'unary', op: '-', arg: { type: 'binary', op: '^', … } }
 */
export type ExpressionAst =
  | { type: 'number'; value: number; start: number }
  | { type: 'variable'; name: 'x' | 'y'; start: number }
  | { type: 'constant'; name: 'pi' | 'e'; value: number; start: number }
  | { type: 'unary'; op: '-' | '+'; arg: ExpressionAst; start: number }
  | { type: 'binary'; op: BinaryOperator; left: ExpressionAst; right: ExpressionAst; start: number }
  | { type: 'call'; fn: FunctionName; arg: ExpressionAst; start: number };

export type BinaryOperator = '+' | '-' | '*' | '/' | '^';

/** The one-argument functions a formula may call. */
export const FUNCTION_NAMES = ['sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'abs', 'tanh'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Every name a formula may use, for error messages and suggestions. */
export const ALLOWED_NAMES: readonly string[] = ['x', 'y', 'pi', 'e', ...FUNCTION_NAMES];
