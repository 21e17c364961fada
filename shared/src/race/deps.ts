/**
 * What the race module uses from the rest of `shared`, imported in one place
 * (direct files, not the package index, so there is no import cycle through
 * `shared/src/index.ts`).
 */
export { createLandscape } from '../landscapes/createLandscape';
export { createOptimizer, type Optimizer } from '../optimizers/Optimizer';
export { OPTIMIZER_KINDS, parseOptimizerSpec, type OptimizerKind, type OptimizerSpec } from '../optimizers/optimizerSpec';
export type { ScheduleSpec } from '../optimizers/schedules';
export { analyze, classifyEigenvalues, type CriticalPointKind, ZERO_EIGENVALUE_SHARE } from '../analysis/analyze';
export { robustLoss } from '../analysis/sharpness';
export { hessianEigenvaluesLanczos } from '../mlp/curvature';
export { scheduledLearningRate } from '../optimizers/schedules';
export { formatNumber } from '../format/formatNumber';
export type { TerrainPreset, PresetSettings } from '../landscapes/preset';
export { compileExpression } from '../landscapes/expression/compileExpression';
export { NEWTON_MAX_DIM } from '../optimizers/newton';
