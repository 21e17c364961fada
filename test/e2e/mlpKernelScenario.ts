import { Rng, loadMlpGridEvaluator, loadMlpTrainer } from '@gradient-rally/shared';

/**
 * The `mlp/fast` WebAssembly kernels on a deep network with large weights (so
 * tanh and sigmoid saturate on both sides and exp runs over a wide range), for
 * every activation: a slice loss grid and a minibatch loss and gradient. The
 * kernels use only IEEE arithmetic and bit operations (their own exp, log,
 * tanh and sigmoid), so Node and Chromium must agree bit for bit. (Not the
 * fused Adam step: its bias corrections use `**`, whose last bit differs
 * between engines, as mlp/fast/index.ts says.) Async loaders: a browser
 * page's main thread refuses synchronous compilation.
 */
export async function mlpKernelScenario(): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const activation of ['tanh', 'relu', 'sigmoid'] as const) {
    const layers = [2, 8, 8, 8, 8, 8, 8, 2];
    const rng = new Rng(`kernels-${activation}`);
    let P = 0;
    for (let l = 1; l < layers.length; l++) P += layers[l - 1] * layers[l] + layers[l];
    const vec = (scale: number) => Float64Array.from({ length: P }, () => scale * rng.normal());
    const x = Float64Array.from({ length: 64 * 2 }, () => 3 * rng.normal());
    const y = Int32Array.from({ length: 64 }, () => rng.int(2));
    const grid = await loadMlpGridEvaluator({ layers, activation, center: vec(2), d1: vec(1), d2: vec(1), x, y });
    out[`${activation} grid`] = Array.from(grid.rowsInto({ xMin: -2, xMax: 2, yMin: -2, yMax: 2, n: 9 }, 0, 9, new Float64Array(81)));
    const trainer = await loadMlpTrainer({ layers, activation, batchSize: 64 });
    const theta = vec(2);
    const g = new Float64Array(P);
    const loss = trainer.lossAndGradientInto(theta, x, y, g);
    out[`${activation} gradient`] = [loss, ...g];
  }
  return out;
}
