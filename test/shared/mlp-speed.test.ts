import { describe, expect, it } from 'vitest';
import { Rng, SpecError, createLandscape, createMlpLandscape, type MlpLandscape } from '@gradient-rally/shared';

// The MLP landscapes evaluate value and gradients on the WebAssembly SIMD kernel
// of mlp/fast when it compiles synchronously (it does in Node), and on the
// plain float64 loops of Mlp with `kernel: 'plain'` (and on a browser page's
// main thread). The two must agree to 1e-12 relative everywhere.

const TOL = 1e-12;
const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e / Math.max(maxAbs(b), Number.MIN_VALUE);
}
const relScalar = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

function pair(spec: Record<string, unknown>): [fast: MlpLandscape, plain: MlpLandscape] {
  const fast = createMlpLandscape(spec);
  const plain = createMlpLandscape(spec, 'landscape', { kernel: 'plain' });
  expect(fast.gradientKernel).toBe('wasm');
  expect(plain.gradientKernel).toBe('plain');
  return [fast, plain];
}

/** A few points of the landscape: the center and random ones around it. */
function points(L: MlpLandscape, rng: Rng): Float64Array[] {
  const out: Float64Array[] = [];
  for (let r = 0; r < 4; r++) {
    const scale = r === 0 ? 0 : 0.3 * r;
    if (L.form === 'slice') out.push(new Float64Array([scale * rng.normal(), scale * rng.normal()]));
    else out.push(Float64Array.from(L.center, (c) => c + scale * rng.normal()));
  }
  return out;
}

function expectAgree(fast: MlpLandscape, plain: MlpLandscape, batchSizes: readonly number[]): void {
  const rng = new Rng('mlp-speed-points');
  const gf = new Float64Array(fast.dim);
  const gp = new Float64Array(plain.dim);
  for (const theta of points(plain, rng)) {
    const vp = plain.value(theta);
    expect(relScalar(fast.value(theta), vp)).toBeLessThan(TOL);
    const fp = plain.valueAndGradientInto(theta, gp);
    const ff = fast.valueAndGradientInto(theta, gf);
    expect(fp).toBe(vp);
    expect(relScalar(ff, fp)).toBeLessThan(TOL);
    expect(maxAbs(gp)).toBeGreaterThan(0);
    expect(relDiff(gf, gp)).toBeLessThan(TOL);
    // The same rng state draws the same batch on both paths, and leaves both streams in the same state.
    const rf = new Rng(['batch', ...theta.slice(0, 2)].join(':'));
    const rp = new Rng(['batch', ...theta.slice(0, 2)].join(':'));
    for (const b of batchSizes) {
      const sp = plain.stochasticGradientInto(theta, gp, b, rp);
      const sf = fast.stochasticGradientInto(theta, gf, b, rf);
      expect(relScalar(sf, sp), `batch ${b}`).toBeLessThan(TOL);
      expect(relDiff(gf, gp), `batch ${b}`).toBeLessThan(TOL);
    }
    expect(rf.uniform()).toBe(rp.uniform());
  }
}

const SHAPES = [
  { layers: [2, 8, 2], activation: 'tanh', dataset: 'moons', samples: 200 },
  { layers: [2, 8, 2], activation: 'relu', dataset: 'xor', samples: 120 },
  { layers: [2, 16, 16, 2], activation: 'tanh', dataset: 'spirals', samples: 256 },
  { layers: [2, 16, 16, 2], activation: 'relu', dataset: 'circles', samples: 97 },
  { layers: [2, 5, 3], activation: 'tanh', dataset: 'blobs', samples: 61 },
  { layers: [2, 32, 7, 12, 5, 6], activation: 'relu', dataset: 'blobs', samples: 300 },
  { layers: [2, 8, 2], activation: 'sigmoid', dataset: 'moons', samples: 150 },
  { layers: [2, 6, 6, 6, 6, 6, 6, 6, 6, 2], activation: 'sigmoid', dataset: 'spirals', samples: 130 },
] as const;

describe('MLP landscape: WebAssembly kernel and plain loops agree', () => {
  for (const s of SHAPES) {
    for (const weightDecay of [0, 0.05]) {
      for (const slice of [false, true]) {
        it(`[${s.layers.join(',')}] ${s.activation} on ${s.samples} ${s.dataset}, λ = ${weightDecay}, ${slice ? 'slice' : 'full'}`, () => {
          const [fast, plain] = pair({
            kind: 'mlp',
            noise: 0.2,
            seed: `speed-${s.layers.join('-')}`,
            slice,
            weightDecay,
            ...s,
            layers: [...s.layers],
          });
          const n = plain.dataSize;
          // Sizes that share a kernel (33, 40 → 64) in both orders, odd sizes, 1, n − 1, n and beyond.
          expectAgree(fast, plain, [1, 2, 33, 40, 33, 7, n - 1, n, 2 * n, 32]);
        });
      }
    }
  }

  it('explicit data, center and directions (relu at an all-zero center, where units sit at the kink)', () => {
    const layers = [2, 4, 2];
    const nParams = 2 * 4 + 4 + 4 * 2 + 2;
    const rng = new Rng('explicit');
    const x = Array.from({ length: 9 }, () => [rng.normal(), rng.normal()]);
    const y = x.map((_, i) => i % 2);
    const vec = (s: number) => Array.from({ length: nParams }, () => s * rng.normal());
    for (const center of [vec(0), vec(1)]) {
      const spec = { kind: 'mlp', layers, activation: 'relu', data: { x, y }, center, weightDecay: 0.3 };
      expectAgree(...pair(spec), [1, 4, 8, 9]);
      expectAgree(...pair({ ...spec, directions: [vec(1), vec(1)] }), [3, 5]);
    }
  });

  it('the weight-decay penalty (λ/2)‖w‖² on weights only is added on the kernel path too', () => {
    const spec = { kind: 'mlp', dataset: 'moons', samples: 50, noise: 0.1, layers: [2, 4, 2], activation: 'tanh', seed: 3 };
    const bare = createMlpLandscape(spec);
    const decayed = createMlpLandscape({ ...spec, weightDecay: 0.4 });
    expect(decayed.gradientKernel).toBe('wasm');
    const theta = Float64Array.from(bare.center, (c, q) => c + 0.01 * q);
    const g0 = new Float64Array(bare.dim);
    const g1 = new Float64Array(bare.dim);
    const f0 = bare.valueAndGradientInto(theta, g0);
    const f1 = decayed.valueAndGradientInto(theta, g1);
    let w2 = 0;
    for (let q = 0; q < theta.length; q++) {
      const isWeight = bare.network.isWeight(q);
      if (isWeight) w2 += theta[q] * theta[q];
      expect(g1[q] - g0[q]).toBeCloseTo(isWeight ? 0.4 * theta[q] : 0, 14);
    }
    expect(f1 - f0).toBeCloseTo(0.2 * w2, 13);
    expect(decayed.value(theta)).toBe(f1);
  });

  it('is the default of createLandscape, and the kernel gives the same bits on every call and instance', () => {
    const spec = { kind: 'mlp', dataset: 'moons', samples: 200, noise: 0.1, layers: [2, 8, 2], activation: 'tanh', seed: 1, slice: true };
    const a = createLandscape(spec) as MlpLandscape;
    const b = createMlpLandscape(spec);
    expect(a.gradientKernel).toBe('wasm');
    const ga = new Float64Array(2);
    const gb = new Float64Array(2);
    const fa = a.stochasticGradientInto!(new Float64Array([0.3, -0.1]), ga, 16, new Rng(5));
    b.valueAndGradientInto(new Float64Array([0.9, 0.9]), gb); // different state in b's kernels first
    const fb = b.stochasticGradientInto(new Float64Array([0.3, -0.1]), gb, 16, new Rng(5));
    expect(fb).toBe(fa);
    expect(Array.from(gb)).toEqual(Array.from(ga));
  });

  it('rejects an unknown kernel option', () => {
    const spec = { kind: 'mlp', dataset: 'moons', samples: 20, layers: [2, 3, 2], activation: 'tanh', seed: 1 };
    expect(() => createMlpLandscape(spec, 'landscape', { kernel: 'gpu' as never })).toThrow(SpecError);
    expect(() => createMlpLandscape(spec, 'landscape', { kernel: 'gpu' as never })).toThrow(/options\.kernel.*'auto' or 'plain'/);
  });
});
