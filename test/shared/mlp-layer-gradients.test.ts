import { describe, expect, it } from 'vitest';
import {
  Mlp,
  Rng,
  SpecError,
  createMlpLandscape,
  gradientNormsByLayer,
  layerGradientNorms,
  type LayerGradientNorm,
  type MlpLandscape,
} from '@gradient-rally/shared';

// Per-layer gradient norms (the vanishing/exploding-gradient view) against
// central differences, and what deep networks actually do at initialisation,
// measured over many seeds.

const DEEP = [2, 6, 6, 6, 6, 6, 6, 2]; // 6 hidden layers of width 6
const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);

function deep(activation: 'sigmoid' | 'tanh' | 'relu', init: 'xavier' | 'he', initScale: number, seed: number): MlpLandscape {
  return createMlpLandscape({ kind: 'mlp', dataset: 'moons', samples: 200, noise: 0.1, seed, layers: DEEP, activation, init, initScale });
}

/** ‖∂L/∂W‖ of the first (input) Linear layer over that of the last (output) one. */
function inputToOutputRatio(rows: LayerGradientNorm[]): number {
  return rows[0].weightGradientNorm / rows[rows.length - 1].weightGradientNorm;
}

/** Per-layer norms of the central-difference gradient of the full-space loss. */
function finiteDifferenceNorms(L: MlpLandscape, params: Float64Array, h: number): { w: number[]; b: number[] } {
  const x = Float64Array.from(params);
  const w: number[] = [];
  const b: number[] = [];
  for (const layer of L.network.layout) {
    let sw = 0;
    let sb = 0;
    for (let q = layer.weightOffset; q < layer.biasOffset + layer.outSize; q++) {
      x[q] = params[q] + h;
      const fp = L.value(x);
      x[q] = params[q] - h;
      const fm = L.value(x);
      x[q] = params[q];
      const d = (fp - fm) / (2 * h);
      if (q < layer.biasOffset) sw += d * d;
      else sb += d * d;
    }
    w.push(Math.sqrt(sw));
    b.push(Math.sqrt(sb));
  }
  return { w, b };
}

describe('layerGradientNorms', () => {
  const cases = [
    { activation: 'sigmoid', layers: [2, 5, 4, 3, 2], weightDecay: 0.01 },
    { activation: 'tanh', layers: [2, 7, 5, 3], weightDecay: 0 },
    { activation: 'relu', layers: [2, 6, 6, 2], weightDecay: 0.05 },
  ] as const;
  for (const c of cases) {
    it(`${c.activation} [${c.layers}] λ=${c.weightDecay}: every layer's ‖∂L/∂W‖ and ‖∂L/∂b‖ match central differences`, () => {
      const spec = { kind: 'mlp', dataset: 'blobs', samples: 60, noise: 0.3, seed: 3, ...c, layers: [...c.layers] };
      const L = createMlpLandscape(spec);
      const rng = new Rng(`layer-norms-${c.activation}`);
      const theta = Float64Array.from(L.center, (v) => v + 0.2 * rng.normal());
      const rows = layerGradientNorms(L, theta);
      expect(rows.map((r) => [r.layer, r.inSize, r.outSize])).toEqual(L.network.layout.map((l, i) => [i + 1, l.inSize, l.outSize]));
      const fd = finiteDifferenceNorms(L, theta, 1e-5);
      rows.forEach((r, i) => {
        expect(r.weightGradientNorm).toBeGreaterThan(1e-4);
        expect(Math.abs(r.weightGradientNorm - fd.w[i])).toBeLessThan(1e-7 * Math.max(1, fd.w[i]));
        expect(Math.abs(r.biasGradientNorm - fd.b[i])).toBeLessThan(1e-7 * Math.max(1, fd.b[i]));
        const layer = L.network.layout[i];
        const w = theta.subarray(layer.weightOffset, layer.biasOffset);
        expect(r.weightNorm).toBeCloseTo(Math.hypot(...w), 12);
      });
    });
  }

  it('a slice point reports the norms of the network it stands for', () => {
    const spec = { kind: 'mlp', dataset: 'moons', samples: 80, noise: 0.2, seed: 4, layers: [2, 5, 5, 2], activation: 'sigmoid' } as const;
    const slice = createMlpLandscape({ ...spec, slice: true });
    const full = createMlpLandscape(spec);
    const params = slice.paramsInto([0.4, -0.7], new Float64Array(slice.network.nParams));
    expect(layerGradientNorms(slice, [0.4, -0.7])).toEqual(layerGradientNorms(full, params));
  });

  it('gradientNormsByLayer splits a gradient you already have; bad lengths are refused naming the field', () => {
    const net = new Mlp([2, 3, 2], 'tanh');
    const g = Float64Array.from({ length: net.nParams }, (_, i) => i + 1);
    const p = new Float64Array(net.nParams).fill(2);
    const rows = gradientNormsByLayer(net, g, p);
    // Layer 1: weights 1..6, bias 7..9; layer 2: weights 10..15, bias 16..17.
    expect(rows[0].weightGradientNorm).toBeCloseTo(Math.hypot(1, 2, 3, 4, 5, 6), 14);
    expect(rows[0].biasGradientNorm).toBeCloseTo(Math.hypot(7, 8, 9), 14);
    expect(rows[1].weightGradientNorm).toBeCloseTo(Math.hypot(10, 11, 12, 13, 14, 15), 14);
    expect(rows[1].biasGradientNorm).toBeCloseTo(Math.hypot(16, 17), 14);
    expect(rows[1].weightNorm).toBeCloseTo(2 * Math.sqrt(6), 14);
    expect(() => gradientNormsByLayer(net, new Float64Array(3), p)).toThrow(SpecError);
    expect(() => gradientNormsByLayer(net, new Float64Array(3), p)).toThrow(/gradient.*17/);
    expect(() => gradientNormsByLayer(net, g, new Float64Array(2))).toThrow(/params/);
  });
});

describe('vanishing and exploding gradients at initialisation (6 hidden layers of width 6, moons, 50 seeds)', () => {
  const measure = (activation: 'sigmoid' | 'tanh' | 'relu', init: 'xavier' | 'he', scale: number) =>
    SEEDS.map((seed) => {
      const L = deep(activation, init, scale, seed);
      return layerGradientNorms(L, L.center);
    });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  it('sigmoid initialised ten times too small: ‖∂L/∂W‖ shrinks by more than five orders of magnitude toward the input, every seed', () => {
    const runs = measure('sigmoid', 'xavier', 0.1);
    for (const rows of runs) expect(inputToOutputRatio(rows)).toBeLessThan(1e-5);
    expect(median(runs.map(inputToOutputRatio))).toBeLessThan(1e-7);
    // …layer after layer: the median norm grows from each layer to the next (1.2e-10 … 2.8e-2 when measured).
    const medians = runs[0].map((_, l) => median(runs.map((rows) => rows[l].weightGradientNorm)));
    for (let l = 0; l + 1 < medians.length; l++) expect(medians[l]).toBeLessThan(medians[l + 1]);
  });

  it('sigmoid still vanishes at the Xavier and He scales (slope ≤ 1/4), far less than at scale 0.1, and less again at scale 4', () => {
    const small = measure('sigmoid', 'xavier', 0.1).map(inputToOutputRatio);
    const xavier = measure('sigmoid', 'xavier', 1).map(inputToOutputRatio);
    const he = measure('sigmoid', 'he', 1).map(inputToOutputRatio);
    const large = measure('sigmoid', 'xavier', 4).map(inputToOutputRatio);
    for (const r of [...xavier, ...he]) expect(r).toBeLessThan(0.1);
    expect(median(xavier)).toBeLessThan(1e-3);
    expect(median(xavier)).toBeGreaterThan(1e4 * median(small));
    expect(median(large)).toBeGreaterThan(10 * median(xavier));
  });

  it('tanh with Xavier and relu with He keep every layer within two orders of magnitude of the output layer, every seed', () => {
    for (const [activation, init] of [
      ['tanh', 'xavier'],
      ['relu', 'he'],
    ] as const) {
      const runs = measure(activation, init, 1);
      for (const rows of runs) {
        const out = rows[rows.length - 1].weightGradientNorm;
        for (const r of rows) {
          expect(r.weightGradientNorm / out).toBeGreaterThan(1e-2);
          expect(r.weightGradientNorm / out).toBeLessThan(1e2);
        }
      }
      const ratios = runs.map(inputToOutputRatio);
      expect(median(ratios)).toBeGreaterThan(0.1);
      expect(median(ratios)).toBeLessThan(10);
    }
  });

  it('tanh and relu at scale 0.1: every layer’s gradient vanishes together (all below 1e-4, none far from the others)', () => {
    for (const [activation, init] of [
      ['tanh', 'xavier'],
      ['relu', 'he'],
    ] as const) {
      for (const rows of measure(activation, init, 0.1)) {
        for (const r of rows) expect(r.weightGradientNorm).toBeLessThan(1e-4);
        const ratio = inputToOutputRatio(rows);
        expect(ratio).toBeGreaterThan(1e-2);
        expect(ratio).toBeLessThan(1e2);
      }
    }
  });

  it('relu at scale 4 explodes: every layer’s gradient is over 100 times its size at the He scale, every seed', () => {
    const large = measure('relu', 'he', 4);
    const he = measure('relu', 'he', 1);
    large.forEach((rows, i) => {
      rows.forEach((r, l) => expect(r.weightGradientNorm / he[i][l].weightGradientNorm).toBeGreaterThan(100));
    });
  });
});

describe('init and initScale on the generated spec', () => {
  const spec = { kind: 'mlp', dataset: 'moons', samples: 40, noise: 0.1, seed: 2, layers: [2, 4, 4, 2] } as const;

  it('default: He for relu, Xavier for tanh and sigmoid, scale 1, written into the normalised spec', () => {
    expect(createMlpLandscape({ ...spec, activation: 'relu' }).spec).toMatchObject({ init: 'he', initScale: 1 });
    expect(createMlpLandscape({ ...spec, activation: 'tanh' }).spec).toMatchObject({ init: 'xavier', initScale: 1 });
    expect(createMlpLandscape({ ...spec, activation: 'sigmoid' }).spec).toMatchObject({ init: 'xavier', initScale: 1 });
    const L = createMlpLandscape({ ...spec, activation: 'sigmoid', init: 'he', initScale: 0.25 });
    expect(createMlpLandscape(L.spec).value(L.center)).toBe(L.value(L.center));
  });

  it('initScale multiplies every initial weight of the same draw; biases stay 0', () => {
    const one = createMlpLandscape({ ...spec, activation: 'tanh' });
    const explicitDefault = createMlpLandscape({ ...spec, activation: 'tanh', init: 'xavier', initScale: 1 });
    expect(Array.from(explicitDefault.center)).toEqual(Array.from(one.center));
    const scaled = createMlpLandscape({ ...spec, activation: 'tanh', initScale: 3 });
    for (let q = 0; q < one.center.length; q++) {
      if (one.network.isWeight(q)) expect(scaled.center[q]).toBeCloseTo(3 * one.center[q], 14);
      else expect(scaled.center[q]).toBe(0);
    }
  });

  it('a deep narrow sigmoid network is allowed; Mlp.initInto refuses a bad scheme or scale naming the field', () => {
    const L = createMlpLandscape({ ...spec, layers: [2, 8, 8, 8, 8, 8, 8, 8, 8, 2], activation: 'sigmoid' });
    expect(L.network.layout.length).toBe(9);
    const net = new Mlp([2, 3, 2], 'sigmoid');
    const p = new Float64Array(net.nParams);
    expect(() => net.initInto(p, new Rng(1), 'xavier', 0)).toThrow(/initScale/);
    expect(() => net.initInto(p, new Rng(1), 'lecun' as 'xavier')).toThrow(/init/);
  });
});
