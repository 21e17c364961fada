import { SpecError } from '../spec/SpecError';
import { Mlp, checkLayers } from './Mlp';
import type { Rng } from '../random/Rng';

/**
 * Filter normalisation (Li et al. 2018, "Visualizing the Loss Landscape of
 * Neural Nets"): scales a random direction so that each neuron's incoming
 * weights ("filter") have the same norm as in θ, which makes slices of
 * networks with different weight scales comparable. Biases are ignored: their
 * entries of the direction become 0.
 *
 *   for every weight row r (one neuron's incoming weights):
 *     d_r ← d_r · ‖θ_r‖ / (‖d_r‖ + 1e-10)
 *
 * Returns a new array; `direction` and `theta` are not modified.
 *
 * @example
 *   const d = filterNormalize(randomDirection, theta, [2, 8, 2]);
 */
export function filterNormalize(direction: ArrayLike<number>, theta: ArrayLike<number>, layers: readonly number[]): Float64Array {
  const net = layoutOf(layers);
  if (direction.length !== net.nParams) {
    throw new SpecError('direction', `must have ${net.nParams} entries for layers [${layers.join(', ')}], got ${direction.length}`);
  }
  if (theta.length !== net.nParams) {
    throw new SpecError('theta', `must have ${net.nParams} entries for layers [${layers.join(', ')}], got ${theta.length}`);
  }
  const out = Float64Array.from(direction);
  for (const L of net.layout) {
    for (let o = 0; o < L.outSize; o++) {
      const row = L.weightOffset + o * L.inSize;
      let dn = 0;
      let tn = 0;
      for (let i = 0; i < L.inSize; i++) {
        dn += out[row + i] * out[row + i];
        tn += theta[row + i] * theta[row + i];
      }
      const f = Math.sqrt(tn) / (Math.sqrt(dn) + 1e-10);
      for (let i = 0; i < L.inSize; i++) out[row + i] *= f;
    }
    out.fill(0, L.biasOffset, L.biasOffset + L.outSize);
  }
  return out;
}

/** A Gaussian random direction, filter-normalised against `theta` (Li et al. 2018). */
export function randomFilterNormalizedDirection(theta: ArrayLike<number>, layers: readonly number[], rng: Rng): Float64Array {
  const d = new Float64Array(theta.length);
  rng.normalsInto(d);
  return filterNormalize(d, theta, layers);
}

const layoutCache = new Map<string, Mlp>();
function layoutOf(layers: readonly number[]): Mlp {
  const key = layers.join(',');
  let net = layoutCache.get(key);
  if (!net) {
    net = new Mlp(checkLayers([...layers], 'layers'), 'tanh');
    if (layoutCache.size > 64) layoutCache.clear();
    layoutCache.set(key, net);
  }
  return net;
}
