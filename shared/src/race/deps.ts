/**
 * What the race module uses from the rest of `shared`, imported in one place
 * (direct files, not the package index, so there is no import cycle through
 * `shared/src/index.ts`).
 */
export { createLandscape } from '../landscapes/createLandscape';
export { createOptimizer, type Optimizer } from '../optimizers/Optimizer';
export { OPTIMIZER_KINDS, type OptimizerKind, type OptimizerSpec } from '../optimizers/optimizerSpec';
export { analyze, classifyEigenvalues, type CriticalPointKind } from '../analysis/analyze';
export { robustLoss } from '../analysis/sharpness';
export { hessianEigenvaluesLanczos } from '../mlp/curvature';
export { scheduledLearningRate } from '../optimizers/schedules';
export { compileExpression } from '../landscapes/expression/compileExpression';
export { NEWTON_MAX_DIM } from '../optimizers/newton';
