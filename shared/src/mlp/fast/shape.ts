import { SpecError, describeValue } from '../../spec/SpecError';
import { ACTIVATIONS, type Activation } from '../Mlp';

/** Hidden-layer activation of the networks these kernels evaluate (the same set as `Mlp`'s). */
export type MlpActivation = Activation;

/** Largest width the generated kernels accept (keeps generated code small). */
export const MAX_WIDTH = 256;

/**
 * Validates `[d0, …, dk]` and the activation; returns the flat parameter
 * count Σ (d_{l−1}·d_l + d_l). Throws a `SpecError` naming the field.
 */
export function checkShape(layers: readonly number[], activation: string, path: string): number {
  if (!Array.isArray(layers) || layers.length < 2 || layers.length > 12) {
    throw new SpecError(`${path}.layers`, `must be an array of 2 to 12 widths, got ${describeValue(layers)}`);
  }
  let n = 0;
  for (let l = 0; l < layers.length; l++) {
    const d = layers[l];
    const min = l === layers.length - 1 ? 2 : 1;
    if (!(Number.isInteger(d) && d >= min && d <= MAX_WIDTH)) {
      throw new SpecError(`${path}.layers[${l}]`, `must be an integer in [${min}, ${MAX_WIDTH}], got ${describeValue(d)}`);
    }
    if (l > 0) n += layers[l - 1] * d + d;
  }
  if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new SpecError(
      `${path}.activation`,
      `must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${describeValue(activation)}`,
    );
  }
  return n;
}
