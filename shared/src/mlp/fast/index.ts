/**
 * Fast kernels for small-MLP landscapes: the n×n loss grid of a 2-D slice
 * (terrain rendering) and a fused minibatch Adam step (full-space training).
 * Both are float64 WebAssembly SIMD modules generated at run time for the
 * network's shape (see `WasmAssembler.ts`), and agree with straightforward
 * float64 loops to ~1e-14 relative.
 *
 * Pitfalls:
 * - On a browser page's main thread use the async `load…` forms: Chrome
 *   refuses synchronous compilation of modules over 4 KB there. Node and
 *   workers may use the `create…` forms.
 * - The first calls of a fresh module run in V8's baseline tier; time after a
 *   warm-up call (the benchmarks do).
 * - The modules use only IEEE add/mul/div/sqrt/min/max and bit operations
 *   (no Math.tanh/exp, no relaxed-SIMD FMA), so they give the same bits in
 *   every engine. The JS around them adds only + − × ÷ √, and `**` for
 *   Adam's bias corrections (engines' pow may differ in the last bit).
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
