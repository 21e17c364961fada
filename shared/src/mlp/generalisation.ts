import type { Bounds2D } from '../landscapes/Landscape';
import { SpecError, describeValue } from '../spec/SpecError';
import type { Dataset } from './datasets';
import type { Mlp } from './Mlp';

/**
 * How well a parameter vector classifies: mean cross-entropy (no weight-decay
 * penalty) and accuracy (the most probable class, ties to the lower index).
 *
 * @example
 *   const train = evaluateClassifier(L.network, params, L.train);
 *   const test = evaluateClassifier(L.network, params, L.test!);
 *   const gap = test.loss - train.loss; // the generalisation gap
 */
export function evaluateClassifier(network: Mlp, params: ArrayLike<number>, data: Dataset): { loss: number; accuracy: number } {
  network.checkParams(params, 'params');
  return { loss: network.loss(params, data), accuracy: network.accuracy(params, data) };
}

/**
 * Class probabilities of the network on an n×n grid of input space, for the
 * client to draw the decision boundary (as TensorFlow Playground does).
 * Layout: out[(i·n + j)·classes + c] is P(class c) at x = xMin + j·(xMax−xMin)/(n−1),
 * y = yMin + i·(yMax−yMin)/(n−1) — rows are y, as in `lossGrid`.
 */
export function decisionBoundaryGrid(
  network: Mlp,
  params: ArrayLike<number>,
  bounds: Bounds2D,
  n: number,
  out?: Float64Array,
): Float64Array {
  network.checkParams(params, 'params');
  if (network.inputs !== 2) throw new SpecError('network', `decision boundaries need 2 inputs, this network has ${network.inputs}`);
  if (!Number.isInteger(n) || n < 2 || n > 1024) throw new SpecError('n', `must be an integer in [2, 1024], got ${describeValue(n)}`);
  const { xMin, xMax, yMin, yMax } = bounds;
  for (const [k, v] of Object.entries({ xMin, xMax, yMin, yMax })) {
    if (!Number.isFinite(v)) throw new SpecError(`bounds.${k}`, `must be a finite number, got ${describeValue(v)}`);
  }
  const c = network.classes;
  const result = out ?? new Float64Array(n * n * c);
  if (result.length < n * n * c) throw new SpecError('out', `must have at least ${n * n * c} entries, got ${result.length}`);
  const point = new Float64Array(2);
  const probs = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    point[1] = yMin + (i * (yMax - yMin)) / (n - 1);
    for (let j = 0; j < n; j++) {
      point[0] = xMin + (j * (xMax - xMin)) / (n - 1);
      network.predictProbaInto(params, point, probs);
      const base = (i * n + j) * c;
      for (let q = 0; q < c; q++) result[base + q] = probs[q];
    }
  }
  return result;
}
