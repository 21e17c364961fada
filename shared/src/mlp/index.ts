// Small-MLP loss landscapes: seeded toy datasets, an exact float64 MLP
// (forward, backward, Hessian-vector products), the slice and full-space
// landscapes, curvature at scale, generalisation and mode connectivity.
// See shared/CONTEXT.md ("mlp") for the conventions.
export {
  DATASET_KINDS,
  DATASET_LIMITS,
  makeDataset,
  makeTrainTestSplit,
  parseDatasetSpec,
  datasetFromJson,
  datasetSize,
  type Dataset,
  type DatasetKind,
  type DatasetSpec,
} from './datasets';
export {
  Mlp,
  ACTIVATIONS,
  INIT_SCHEMES,
  INIT_SCALE_RANGE,
  MLP_LIMITS,
  checkLayers,
  defaultInitScheme,
  parameterCount,
  type Activation,
  type InitScheme,
  type LinearLayout,
} from './Mlp';
export { layerGradientNorms, gradientNormsByLayer, type LayerGradientNorm } from './layerGradients';
export { filterNormalize, randomFilterNormalizedDirection } from './filterNormalize';
export { createMlpLandscape, type MlpLandscape, type GeneralisationReport } from './MlpLandscape';
export { sliceLossGridInto } from './sliceGrid';
export {
  topHessianEigenvalues,
  hessianEigenvaluesLanczos,
  hessianTrace,
  hessianOperator,
  spectralDensity,
  smoothSpectralDensity,
  type HvpOperator,
  type LanczosOptions,
  type LanczosResult,
  type TraceOptions,
  type SpectralDensity,
} from './curvature';
export { tridiagonalEigen } from './tridiagonalEigen';
export { evaluateClassifier, decisionBoundaryGrid } from './generalisation';
export { linearInterpolationLoss, trainBezierPath, type PathLoss, type BezierOptions, type BezierPath } from './connectivity';
export { PlaneProjection } from './PlaneProjection';
export { planeShareOfPath, trajectoryPlane } from './trajectoryPlane';
// Fast kernels (WebAssembly SIMD, generated per network shape): the slice loss
// grid by row ranges (for worker pools) and a fused minibatch Adam step.
export {
  createMlpGridEvaluator,
  createMlpTrainer,
  loadMlpGridEvaluator,
  loadMlpTrainer,
  mlpLossGridRowsInto,
  type AdamHyper,
  type AdamState,
  type MlpGridEvaluator,
  type MlpSliceProblem,
  type MlpTrainer,
  type MlpTrainerOptions,
} from './fast/index';
