/**
 * Expression landscapes: instructor-written formulas in x and y, parsed
 * safely (never executed as code), compiled to flat tapes with exact
 * symbolic gradients and Hessians.
 *
 * @example
 *   import { createExpressionLandscape } from '@gradient-rally/shared';
 *   const L = createExpressionLandscape({ kind: 'expression', expr: 'sin(x)*cos(y) + 0.1*(x^2 + y^2)' });
 */
export type { ExpressionAst, BinaryOperator, FunctionName } from './ExpressionAst';
export { FUNCTION_NAMES, ALLOWED_NAMES } from './ExpressionAst';
export { parseExpression, FormulaError, MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH } from './parseExpression';
export { compileExpression, type CompiledExpression } from './compileExpression';
export { createExpressionLandscape, type ExpressionLandscapeSpec } from './createExpressionLandscape';
export { checkFormulaRange, MAX_DRAWABLE_LOSS, type FormulaRange } from './formulaRange';
