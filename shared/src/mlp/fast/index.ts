/**
 * Fast kernels for small-MLP landscapes: the n×n loss grid of a 2-D slice
 * (terrain rendering) and a fused minibatch Adam step (full-space training).
 * Both are float64 WebAssembly SIMD modules generated at run time for the
 * network's shape (see `WasmAssembler.ts`), and agree with straightforward
 * float64 loops to ~1e-14 relative.
 */
export {
  createMlpGridEvaluator,
  loadMlpGridEvaluator,
  mlpLossGridRowsInto,
  type GridSpec,
  type MlpGridEvaluator,
  type MlpSliceProblem,
} from './gridKernel';
export {
  createMlpTrainer,
  loadMlpTrainer,
  type AdamHyper,
  type AdamState,
  type MlpTrainer,
  type MlpTrainerOptions,
} from './trainer';
export { checkShape, type MlpActivation } from './shape';
