/**
 * @gradient-rally/shared — the pure math and game rules that the server and the
 * browser both run. See ../CONTEXT.md for the map of this package.
 */
export { SpecError } from './spec/SpecError';
export { Rng, hashSeed, type RngState, type Seed } from './random/Rng';

export type {
  Landscape,
  LandscapeInfo,
  LandscapeSpec,
  KnownPoint,
  Bounds2D,
  GridSpec,
  MlpLandscapeSpec,
  ClassicKind,
  DesignedKind,
} from './landscapes/Landscape';
export {
  createLandscape,
  landscapeCatalogue,
  LANDSCAPE_KINDS,
  MOONS_NETWORK_SPEC,
  type CatalogueEntry,
} from './landscapes/createLandscape';
export { LANDMARK_LABELS, landmarksOf, type Landmark } from './landscapes/landmarks';
export { DEFAULT_PRESET, type TerrainPreset, type PresetSettings, type PresetContrast, type PresetOptimizer } from './landscapes/preset';

export { createOptimizer, Optimizer, type StepInfo } from './optimizers/Optimizer';
export { parseOptimizerSpec, OPTIMIZER_KINDS, type OptimizerKind, type OptimizerSpec, type KnobSpec } from './optimizers/optimizerSpec';
export { scheduledLearningRate, parseSchedule, SCHEDULE_KINDS, type ScheduleSpec } from './optimizers/schedules';
export * as transforms from './optimizers/transforms';

export { simulate, type SimulateOptions, type SimulateResult } from './simulate';
export { analyze, classifyEigenvalues, EIGENVALUE_TOLERANCE, type PointAnalysis, type CriticalPointKind } from './analysis/analyze';
export { sharpness, robustLoss, lineLoss, lossGrid, perturbationDirections, type Sharpness, type LineLoss } from './analysis/sharpness';
export { symmetricEigen, symmetricEigen2, type SymmetricEigen } from './linalg/symmetricEigen';

export * from './landscapes/expression/index';
export * from './mlp/index';
export * from './race/index';
export * from './challenges/index';
export * from './messages/index';
export { RESULT_COLUMNS, csvCell, resultsToCsv, resultsToJson } from './messages/resultsExport';
export { formatNumber } from './format/formatNumber';
export * from './workshop/index';
