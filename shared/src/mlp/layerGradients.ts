import { SpecError } from '../spec/SpecError';
import type { Mlp } from './Mlp';
import type { MlpLandscape } from './MlpLandscape';

/**
 * Gradient size per Linear layer: the quantity a vanishing/exploding-gradient
 * view plots (Glorot & Bengio 2010). Measured at initialisation on 6 hidden
 * layers of width 6 over 50 seeds (test/shared/mlp-layer-gradients.test.ts):
 * a sigmoid network's ‖∂L/∂W‖ shrinks by orders of magnitude from the output
 * layer toward the input at every scale (σ' ≤ 1/4), by more than five orders
 * when initialised ten times too small; tanh with Xavier and relu with He keep
 * every layer within two orders of the output layer. At a small scale tanh
 * and relu gradients vanish in every layer together; relu at a large scale
 * explodes in every layer.
 */
export interface LayerGradientNorm {
  /** 1-based index of the Linear layer, counted from the input (layer 1 reads the data). */
  layer: number;
  inSize: number;
  outSize: number;
  /** ‖∂L/∂W_l‖, the Frobenius norm of the weight gradient. */
  weightGradientNorm: number;
  /** ‖∂L/∂b_l‖. */
  biasGradientNorm: number;
  /** ‖W_l‖ (Frobenius): with it, the relative size of an update, lr·‖∂L/∂W‖/‖W‖. */
  weightNorm: number;
}

/**
 * One entry per Linear layer (input first) for the network at point θ of an
 * MLP landscape (θ: the 2 slice coordinates, or every parameter in the full
 * form). The gradient is that of the landscape's loss — mean cross-entropy
 * over the training data plus the (λ/2)‖w‖² penalty when it has weight decay,
 * the objective an optimizer is pushed by — computed exactly by the plain
 * float64 backward pass (allocates one parameter-sized buffer per call).
 *
 * @example
 *   const L = createMlpLandscape({ kind: 'mlp', dataset: 'moons', samples: 200, noise: 0.1, seed: 1,
 *     layers: [2, 6, 6, 6, 6, 6, 6, 2], activation: 'sigmoid', initScale: 0.1 });
 *   layerGradientNorms(L, L.center).map((r) => r.weightGradientNorm); // 7.5e-11 at layer 1 … 5.7e-2 at layer 7
 */
export function layerGradientNorms(landscape: MlpLandscape, theta: ArrayLike<number>): LayerGradientNorm[] {
  const net = landscape.network;
  const params = landscape.paramsInto(theta, new Float64Array(net.nParams));
  const grad = new Float64Array(net.nParams);
  net.lossAndGradientInto(params, landscape.train, grad);
  net.addWeightDecayInto(landscape.weightDecay, params, grad);
  return gradientNormsByLayer(net, grad, params);
}

/**
 * The per-layer norms of a gradient you already have (e.g. the one an
 * optimizer just used): `gradient` and `params` are flat vectors in the
 * network's layout (per Linear: weight out×in row-major, then bias).
 *
 * @example
 *   gradientNormsByLayer(L.network, g, theta)[0].weightGradientNorm; // ‖∂L/∂W₁‖
 */
export function gradientNormsByLayer(network: Mlp, gradient: ArrayLike<number>, params: ArrayLike<number>): LayerGradientNorm[] {
  if (gradient.length !== network.nParams) {
    throw new SpecError('gradient', `must have ${network.nParams} entries (the network's parameter count), got ${gradient.length}`);
  }
  network.checkParams(params, 'params');
  return network.layout.map((L, l) => {
    const end = L.biasOffset + L.outSize;
    let gw = 0;
    let w = 0;
    for (let q = L.weightOffset; q < L.biasOffset; q++) {
      gw += gradient[q] * gradient[q];
      w += params[q] * params[q];
    }
    let gb = 0;
    for (let q = L.biasOffset; q < end; q++) gb += gradient[q] * gradient[q];
    return {
      layer: l + 1,
      inSize: L.inSize,
      outSize: L.outSize,
      weightGradientNorm: Math.sqrt(gw),
      biasGradientNorm: Math.sqrt(gb),
      weightNorm: Math.sqrt(w),
    };
  });
}
