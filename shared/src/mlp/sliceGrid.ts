import type { GridSpec } from '../landscapes/Landscape';
import type { Dataset } from './datasets';
import type { Mlp } from './Mlp';

/**
 * The loss over an n×n grid of the plane center + a·d1 + b·d2 (row i is
 * b = yMin + i·(yMax−yMin)/(n−1), column j is a likewise), including the
 * (λ/2)‖w‖² penalty when `weightDecay` > 0.
 *
 * The plain, exact version: one full forward pass per grid point through
 * `Mlp.loss`. `scratch` (length nParams) holds the parameters of the current
 * grid point, so nothing is allocated. The batched multi-core kernel lives in
 * `mlp/fast`.
 */
export function sliceLossGridInto(
  network: Mlp,
  data: Dataset,
  center: ArrayLike<number>,
  d1: ArrayLike<number>,
  d2: ArrayLike<number>,
  weightDecay: number,
  grid: GridSpec,
  out: Float64Array,
  scratch: Float64Array,
): Float64Array {
  const { n, xMin, xMax, yMin, yMax } = grid;
  const stepX = n > 1 ? (xMax - xMin) / (n - 1) : 0;
  const stepY = n > 1 ? (yMax - yMin) / (n - 1) : 0;
  const P = network.nParams;
  for (let i = 0; i < n; i++) {
    const b = yMin + i * stepY;
    for (let j = 0; j < n; j++) {
      const a = xMin + j * stepX;
      for (let q = 0; q < P; q++) scratch[q] = center[q] + a * d1[q] + b * d2[q];
      let f = network.loss(scratch, data);
      if (weightDecay > 0) f += 0.5 * weightDecay * network.weightNormSquared(scratch);
      out[i * n + j] = f;
    }
  }
  return out;
}
