import { describe, expect, it } from 'vitest';
import {
  Mlp,
  Rng,
  SpecError,
  createLandscape,
  createMlpLandscape,
  decisionBoundaryGrid,
  evaluateClassifier,
  hessianEigenvaluesLanczos,
  hessianTrace,
  makeDataset,
  makeTrainTestSplit,
  simulate,
  spectralDensity,
  symmetricEigen,
  trajectoryPlane,
  topHessianEigenvalues,
  type Landscape,
  type MlpLandscape,
} from '@gradient-rally/shared';

const bytes = (a: Float64Array | Int32Array): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
}
function expectSpecError(fn: () => unknown, path: string, text?: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    expect((e as SpecError).path).toBe(path);
    if (text) expect((e as SpecError).message).toContain(text);
    return;
  }
  throw new Error(`expected a SpecError at ${path}`);
}

const KINDS = ['moons', 'spirals', 'circles', 'xor', 'blobs'] as const;

describe('datasets', () => {
  it.each(KINDS)('%s: the same seed gives the same bytes, another seed other points', (kind) => {
    const a = makeDataset({ kind, samples: 100, noise: 0.2, seed: 11 });
    const b = makeDataset({ kind, samples: 100, noise: 0.2, seed: 11 });
    const c = makeDataset({ kind, samples: 100, noise: 0.2, seed: 12 });
    expect(bytes(a.x)).toEqual(bytes(b.x));
    expect(bytes(a.y)).toEqual(bytes(b.y));
    expect(maxDiff(a.x, c.x)).toBeGreaterThan(0.01);
  });

  it.each(KINDS)('%s: balanced labels, 2-D points roughly in [-1.5, 1.5]², a distinct test split', (kind) => {
    const { train, test } = makeTrainTestSplit({ kind, samples: 400, noise: 0.1, seed: 'a', testSamples: 300 });
    expect(train.x.length).toBe(800);
    expect(test.y.length).toBe(300);
    expect(train.classes).toBe(2);
    expect(train.y.filter((v) => v === 1).length).toBe(200);
    expect(maxAbs(train.x)).toBeLessThan(2);
    expect(maxAbs(train.x)).toBeGreaterThan(0.8);
    // Same distribution, different draws: the training set and the test set share no point.
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) seen.add(`${train.x[2 * i]},${train.x[2 * i + 1]}`);
    for (let i = 0; i < 300; i++) expect(seen.has(`${test.x[2 * i]},${test.x[2 * i + 1]}`)).toBe(false);
    // The split of makeTrainTestSplit is the 'test' sub-stream of makeDataset.
    expect(bytes(makeDataset({ kind, samples: 300, noise: 0.1, seed: 'a', split: 'test' }).x)).toEqual(bytes(test.x));
  });

  it('golden values: the datasets that use no Gaussians are pure integer and basic float arithmetic, the same bits in every engine', () => {
    // If one of these changes, saved rounds and replays on generated MLP terrains change with it.
    const golden = {
      xor: [
        -0.7927249064597753, -1.1700378588932174, 0.6737094889042012, -1.341707043148024, -0.19386880892061784, -0.24163540052856822,
        0.2819966379508765, -0.28060180583357686,
      ],
      moons: [
        -1.790423647771991, -0.1487004995869889, 1.6888207330656126, -0.20444961219775154, -0.2600468796080064, 0.8508396395396478,
        0.26951403565230336, -0.8535939612225667,
      ],
      circles: [
        -0.3913825425143923, -0.35430891397865594, 0.896356824695395, -0.7781523089742868, 0.37178707114551984, -0.6549515225350948,
        0.9623766783412131, 0.7270623655793708,
      ],
      spirals: [
        -1.2694678044926084, -0.5287025478073301, 0.10239578275297091, 1.2594289484987102, -0.5403921763507646, -0.028782585051826175,
        0.6265072915963424, 0.032747641231707654,
      ],
    };
    for (const [kind, xs] of Object.entries(golden)) {
      const d = makeDataset({ kind, samples: 4, noise: kind === 'moons' ? 0 : 0.2, seed: 'golden' });
      expect(Array.from(d.x)).toEqual(xs);
    }
  });

  it('moons without noise lie exactly on the two half circles', () => {
    const d = makeDataset({ kind: 'moons', samples: 50, noise: 0, seed: 3 });
    for (let i = 0; i < 50; i++) {
      const x = d.x[2 * i] / 1.2 + 0.5;
      const y = d.x[2 * i + 1] / 1.2 + 0.25;
      const r = d.y[i] === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
      expect(r).toBeCloseTo(1, 12);
    }
  });

  it('blobs can have more classes; the others have two', () => {
    const d = makeDataset({ kind: 'blobs', samples: 60, noise: 0.1, seed: 1, classes: 3 });
    expect(d.classes).toBe(3);
    expect(new Set(d.y).size).toBe(3);
    expectSpecError(() => makeDataset({ kind: 'moons', samples: 60, noise: 0.1, seed: 1, classes: 3 }), 'dataset.classes', '[2, 2]');
  });

  it('rejects bad specs with the field and the allowed range', () => {
    expectSpecError(() => makeDataset({ kind: 'moons', samples: 3, noise: 0.1, seed: 1 }), 'dataset.samples', '[4, 2000]');
    expectSpecError(() => makeDataset({ kind: 'moons', samples: 2001, noise: 0.1, seed: 1 }), 'dataset.samples', '[4, 2000]');
    expectSpecError(() => makeDataset({ kind: 'moons', samples: 10.5, noise: 0.1, seed: 1 }), 'dataset.samples', 'integer');
    expectSpecError(() => makeDataset({ kind: 'moons', samples: 10, noise: 1.5, seed: 1 }), 'dataset.noise', '[0, 1]');
    expectSpecError(() => makeDataset({ kind: 'moons', samples: 10, noise: NaN, seed: 1 }), 'dataset.noise', 'NaN');
    expectSpecError(() => makeDataset({ kind: 'moons', samples: 10, noise: 0.1, seed: Infinity }), 'dataset.seed');
    expectSpecError(() => makeDataset({ kind: 'donut', samples: 10, noise: 0.1, seed: 1 }), 'dataset.kind', "'moons'");
    expectSpecError(() => makeDataset({ kind: 'moons', samples: 10, noise: 0.1, seed: 1, sample: 3 }), 'dataset.sample');
    expectSpecError(() => makeDataset(null), 'dataset');
  });
});

const GEN = { kind: 'mlp', dataset: 'moons', samples: 64, noise: 0.15, layers: [2, 6, 5, 2], activation: 'tanh', seed: 5 } as const;

describe('MLP initialisation and spec', () => {
  it('same seed, same center and directions; another seed, others', () => {
    const a = createMlpLandscape(GEN);
    const b = createMlpLandscape({ ...GEN });
    const c = createMlpLandscape({ ...GEN, seed: 6 });
    expect(bytes(a.center)).toEqual(bytes(b.center));
    expect(bytes(a.directions[0])).toEqual(bytes(b.directions[0]));
    expect(bytes(a.train.x)).toEqual(bytes(b.train.x));
    expect(maxDiff(a.center, c.center)).toBeGreaterThan(0.01);
  });

  it('Xavier for tanh stays within ±√(6/(in+out)); He for relu has variance ≈ 2/in; biases start at 0', () => {
    const net = new Mlp([2, 32, 32, 2], 'tanh');
    const p = net.initInto(new Float64Array(net.nParams), new Rng(1));
    const L1 = net.layout[1];
    const w = p.subarray(L1.weightOffset, L1.biasOffset);
    expect(maxAbs(w)).toBeLessThanOrEqual(Math.sqrt(6 / 64));
    expect(maxAbs(w)).toBeGreaterThan(0.9 * Math.sqrt(6 / 64));
    expect(maxAbs(p.subarray(L1.biasOffset, L1.biasOffset + 32))).toBe(0);
    const relu = new Mlp([2, 32, 32, 2], 'relu');
    const q = relu.initInto(new Float64Array(relu.nParams), new Rng(1));
    const wr = q.subarray(L1.weightOffset, L1.biasOffset);
    const variance = wr.reduce((s, v) => s + v * v, 0) / wr.length;
    expect(variance).toBeGreaterThan(0.8 * (2 / 32));
    expect(variance).toBeLessThan(1.2 * (2 / 32));
  });

  it('the flat layout is weight (out×in row-major) then bias, layer by layer', () => {
    const net = new Mlp([2, 3, 2], 'tanh');
    expect(net.nParams).toBe(2 * 3 + 3 + 3 * 2 + 2);
    expect(net.layout.map((l) => [l.weightOffset, l.biasOffset])).toEqual([
      [0, 6],
      [9, 15],
    ]);
    // A hand-computed forward pass.
    const p = Float64Array.from([0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.01, 0.02, 0.03, 1, -1, 0.5, 0.2, 0.3, -0.4, 0.05, -0.05]);
    const x = [0.7, -1.1];
    const h = [0, 1, 2].map((o) => Math.tanh(p[6 + o] + p[2 * o] * x[0] + p[2 * o + 1] * x[1]));
    const z = [0, 1].map((o) => p[15 + o] + p[9 + 3 * o] * h[0] + p[10 + 3 * o] * h[1] + p[11 + 3 * o] * h[2]);
    const probs = net.predictProbaInto(p, x, new Float64Array(2));
    expect(probs[0]).toBeCloseTo(Math.exp(z[0]) / (Math.exp(z[0]) + Math.exp(z[1])), 14);
    const data = { x: Float64Array.from(x), y: Int32Array.from([1]), classes: 2 };
    expect(net.loss(p, data)).toBeCloseTo(-Math.log(probs[1]), 14);
  });

  it('log-sum-exp keeps huge logits finite', () => {
    const net = new Mlp([2, 2], 'tanh');
    const p = Float64Array.from([1000, 0, -1000, 0, 0, 0]);
    const data = { x: Float64Array.from([1, 0, 1, 0]), y: Int32Array.from([0, 1]), classes: 2 };
    expect(net.loss(p, data)).toBeCloseTo(1000, 9); // mean of 0 and 2000
    const g = new Float64Array(6);
    expect(Number.isFinite(net.lossAndGradientInto(p, data, g))).toBe(true);
    expect(g.every(Number.isFinite)).toBe(true);
  });

  it('rejects bad landscape specs with the field and the allowed range', () => {
    expectSpecError(
      () => createMlpLandscape({ ...GEN, layers: [2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 2] }),
      'landscape.layers',
      'at most 8 hidden',
    );
    expectSpecError(() => createMlpLandscape({ ...GEN, layers: [2, 32, 32, 32, 32, 32, 2] }), 'landscape.layers', '4386 parameters');
    expectSpecError(() => createMlpLandscape({ ...GEN, layers: [2, 33, 2] }), 'landscape.layers[1]', '[1, 32]');
    expectSpecError(() => createMlpLandscape({ ...GEN, layers: [3, 8, 2] }), 'landscape.layers[0]', '[2, 2]');
    expectSpecError(() => createMlpLandscape({ ...GEN, layers: [2, 8, 3] }), 'landscape.layers[2]', 'must be 2');
    expectSpecError(() => createMlpLandscape({ ...GEN, activation: 'gelu' }), 'landscape.activation', "'sigmoid'");
    expectSpecError(() => createMlpLandscape({ ...GEN, init: 'orthogonal' }), 'landscape.init', "'xavier', 'he'");
    expectSpecError(() => createMlpLandscape({ ...GEN, initScale: 0 }), 'landscape.initScale', '[0.001, 10]');
    expectSpecError(() => createMlpLandscape({ ...GEN, initScale: 11 }), 'landscape.initScale', '[0.001, 10]');
    expectSpecError(() => createMlpLandscape({ ...GEN, initScale: '2' }), 'landscape.initScale');
    expectSpecError(() => createMlpLandscape({ ...GEN, samples: 1e6 }), 'landscape.samples', '[4, 2000]');
    expectSpecError(() => createMlpLandscape({ ...GEN, weightDecay: -1 }), 'landscape.weightDecay', '[0, 10]');
    expectSpecError(() => createMlpLandscape({ ...GEN, lr: 1 }), 'landscape.lr', 'not a known field');
    const explicit = {
      kind: 'mlp',
      layers: [2, 2],
      activation: 'relu',
      data: {
        x: [
          [0, 1],
          [1, 0],
        ],
        y: [0, 1],
      },
      center: [0, 0, 0, 0, 0, 0],
    };
    expect(createMlpLandscape(explicit).dim).toBe(6);
    expectSpecError(() => createMlpLandscape({ ...explicit, center: [0, 0] }), 'landscape.center', 'must have 6 entries');
    expectSpecError(() => createMlpLandscape({ ...explicit, center: [0, 0, 0, NaN, 0, 0] }), 'landscape.center[3]');
    expectSpecError(
      () =>
        createMlpLandscape({
          ...explicit,
          data: {
            x: [
              [0, 1],
              [1, 0],
            ],
            y: [0, 2],
          },
        }),
      'landscape.data.y[1]',
      '[0, 1]',
    );
    expectSpecError(() => createMlpLandscape({ ...explicit, data: { x: [[0, 1], [1]], y: [0, 1] } }), 'landscape.data.x[1]');
    expectSpecError(
      () =>
        createMlpLandscape({
          ...explicit,
          data: {
            x: [
              [0, Infinity],
              [1, 0],
            ],
            y: [0, 1],
          },
        }),
      'landscape.data.x[0][1]',
    );
    expectSpecError(
      () =>
        createMlpLandscape({
          ...explicit,
          directions: [
            [1, 0, 0, 0, 0, 0],
            [2, 0, 0, 0, 0, 0],
          ],
        }),
      'landscape.directions',
      'independent',
    );
    const L = createMlpLandscape(explicit);
    expectSpecError(() => L.value([0, 0]), 'theta', 'must have 6');
    expectSpecError(() => L.stochasticGradientInto(new Float64Array(6), new Float64Array(6), 0, new Rng(1)), 'batchSize');
  });

  it('explicit testData gives test metrics; without it they are null', () => {
    const explicit = {
      kind: 'mlp',
      layers: [2, 3, 2],
      activation: 'tanh',
      data: {
        x: [
          [0, 1],
          [1, 0],
          [0.5, 0.5],
        ],
        y: [0, 1, 1],
      },
      center: Array.from({ length: 17 }, (_, i) => Math.sin(i)),
    };
    expect(createMlpLandscape(explicit).evaluate(explicit.center).testLoss).toBeNull();
    const withTest = createMlpLandscape({ ...explicit, testData: { x: [[1, 1]], y: [0] } });
    const r = withTest.evaluate(explicit.center);
    const p = withTest.network.predictProbaInto(explicit.center, [1, 1], new Float64Array(2));
    expect(r.testLoss).toBeCloseTo(-Math.log(p[0]), 14);
    expect(r.testAccuracy).toBe(p[0] >= p[1] ? 1 : 0);
    // H·v with v and out the same array is still H·v.
    const v = Float64Array.from(explicit.center, (c) => c * 0.5);
    const hv = new Float64Array(17);
    withTest.hvpInto(explicit.center, v, hv);
    withTest.hvpInto(explicit.center, v, v);
    expect(Array.from(v)).toEqual(Array.from(hv));
  });

  it('createLandscape builds the same terrain for kind mlp', () => {
    const a = createMlpLandscape({ ...GEN, slice: true });
    const b = createLandscape({ ...GEN, slice: true });
    expect(b.dim).toBe(2);
    expect(b.value([0.3, -0.2])).toBe(a.value([0.3, -0.2]));
  });
});

function randomVector(n: number, rng: Rng): Float64Array {
  return rng.normalsInto(new Float64Array(n));
}

/** Central differences of the gradient along v: (∇f(θ+hv) − ∇f(θ−hv)) / 2h. */
function fdHvp(L: Landscape, theta: Float64Array, v: Float64Array, h: number): Float64Array {
  const n = L.dim;
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  L.valueAndGradientInto(
    theta.map((t, i) => t + h * v[i]),
    gp,
  );
  L.valueAndGradientInto(
    theta.map((t, i) => t - h * v[i]),
    gm,
  );
  return gp.map((g, i) => (g - gm[i]) / (2 * h));
}

describe('exact derivatives', () => {
  const cases = [
    { activation: 'tanh', layers: [2, 7, 6, 5, 3, 2], weightDecay: 0 },
    { activation: 'tanh', layers: [2, 8, 2], weightDecay: 0.01 },
    { activation: 'relu', layers: [2, 9, 7, 2], weightDecay: 0 },
    { activation: 'sigmoid', layers: [2, 6, 5, 4, 3, 2], weightDecay: 0 },
    { activation: 'sigmoid', layers: [2, 8, 2], weightDecay: 0.01 },
  ] as const;
  for (const c of cases) {
    const L = createMlpLandscape({ ...GEN, layers: c.layers, activation: c.activation, weightDecay: c.weightDecay, seed: 9 });
    const rng = new Rng('derivatives');
    const theta = L.center.map((t) => t + 0.3 * rng.normal());
    it(`${c.activation} ${JSON.stringify(c.layers)} λ=${c.weightDecay}: gradient matches central differences of the loss`, () => {
      const g = new Float64Array(L.dim);
      L.valueAndGradientInto(theta, g);
      const h = 1e-6;
      for (let k = 0; k < 5; k++) {
        const v = randomVector(L.dim, rng);
        const fd = (L.value(theta.map((t, i) => t + h * v[i])) - L.value(theta.map((t, i) => t - h * v[i]))) / (2 * h);
        const exact = g.reduce((s, gi, i) => s + gi * v[i], 0);
        expect(Math.abs(fd - exact)).toBeLessThan(1e-7 * Math.max(1, Math.abs(exact)));
      }
    });
    it(`${c.activation} ${JSON.stringify(c.layers)} λ=${c.weightDecay}: HVP matches central differences of the gradient`, () => {
      const hv = new Float64Array(L.dim);
      for (let k = 0; k < 4; k++) {
        const v = randomVector(L.dim, rng);
        L.hvpInto(theta, v, hv);
        const fd = fdHvp(L, theta, v, 1e-5);
        expect(maxDiff(hv, fd)).toBeLessThan(1e-6 * Math.max(1, maxAbs(hv)));
        expect(maxAbs(hv)).toBeGreaterThan(1e-4);
      }
    });
  }

  it('weight decay adds (λ/2)‖w‖² over weights only, not biases', () => {
    const plain = createMlpLandscape({ ...GEN, seed: 2 });
    const decayed = createMlpLandscape({ ...GEN, seed: 2, weightDecay: 0.1 });
    const theta = plain.center.map((t, i) => t + 0.01 * i);
    let w2 = 0;
    for (let i = 0; i < theta.length; i++) if (plain.network.isWeight(i)) w2 += theta[i] ** 2;
    expect(decayed.value(theta) - plain.value(theta)).toBeCloseTo(0.05 * w2, 12);
    const ga = new Float64Array(theta.length);
    const gb = new Float64Array(theta.length);
    plain.valueAndGradientInto(theta, ga);
    decayed.valueAndGradientInto(theta, gb);
    for (let i = 0; i < theta.length; i++) expect(gb[i] - ga[i]).toBeCloseTo(plain.network.isWeight(i) ? 0.1 * theta[i] : 0, 12);
  });

  it('slice: gradient, 2×2 Hessian and HVP agree with finite differences and each other', () => {
    const L = createMlpLandscape({ ...GEN, slice: true, seed: 4 });
    const p = Float64Array.from([0.37, -0.61]);
    const g = new Float64Array(2);
    const f = L.valueAndGradientInto(p, g);
    expect(f).toBe(L.value(p));
    const h = 1e-6;
    expect(g[0]).toBeCloseTo((L.value([p[0] + h, p[1]]) - L.value([p[0] - h, p[1]])) / (2 * h), 7);
    expect(g[1]).toBeCloseTo((L.value([p[0], p[1] + h]) - L.value([p[0], p[1] - h])) / (2 * h), 7);
    const H = new Float64Array(4);
    L.hessianInto!(p, H);
    const fd1 = fdHvp(L, p, Float64Array.from([1, 0]), 1e-5);
    const fd2 = fdHvp(L, p, Float64Array.from([0, 1]), 1e-5);
    expect(maxDiff(H, [fd1[0], fd1[1], fd2[0], fd2[1]])).toBeLessThan(1e-6);
    const hv = new Float64Array(2);
    L.hvpInto(p, [0.5, -2], hv);
    expect(maxDiff(hv, [0.5 * H[0] - 2 * H[1], 0.5 * H[2] - 2 * H[3]])).toBeLessThan(1e-12);
    // The slice point is the full network center + a·d1 + b·d2.
    const full = createMlpLandscape({ ...GEN, seed: 4 });
    expect(full.value(L.paramsInto(p, new Float64Array(full.dim)))).toBe(f);
  });
});

describe('minibatch gradients', () => {
  const L = createMlpLandscape({ ...GEN, seed: 8 });
  const theta = L.center;
  const n = L.dataSize;

  it('a batch of all the data is exactly the full gradient', () => {
    const full = new Float64Array(L.dim);
    const mb = new Float64Array(L.dim);
    const f = L.valueAndGradientInto(theta, full);
    expect(L.stochasticGradientInto(theta, mb, n, new Rng(1))).toBe(f);
    expect(bytes(mb)).toEqual(bytes(full));
    expect(L.stochasticGradientInto(theta, mb, 10 * n, new Rng(2))).toBe(f);
  });

  it('is a pure function of the rng stream, noisy, and unbiased on average', () => {
    const a = new Float64Array(L.dim);
    const b = new Float64Array(L.dim);
    const full = new Float64Array(L.dim);
    L.valueAndGradientInto(theta, full);
    const la = L.stochasticGradientInto(theta, a, 8, new Rng('batch'));
    L.stochasticGradientInto(theta, b, 8, new Rng('other')); // interleaved calls do not disturb the next draw
    const lb = L.stochasticGradientInto(theta, b, 8, new Rng('batch'));
    expect(lb).toBe(la);
    expect(bytes(a)).toEqual(bytes(b));
    expect(maxDiff(a, full)).toBeGreaterThan(1e-3);
    const mean = new Float64Array(L.dim);
    const rng = new Rng(3);
    const draws = 3000;
    for (let k = 0; k < draws; k++) {
      L.stochasticGradientInto(theta, a, 8, rng);
      for (let i = 0; i < L.dim; i++) mean[i] += a[i] / draws;
    }
    expect(maxDiff(mean, full)).toBeLessThan(0.1 * maxAbs(full));
  });

  it('a batch of one point is that point’s own gradient', () => {
    const g = new Float64Array(L.dim);
    L.stochasticGradientInto(theta, g, 1, new Rng(4));
    // Which point was drawn: the one whose single-point loss matches.
    const net = L.network;
    const single = new Float64Array(L.dim);
    const matches = Array.from({ length: n }, (_, s) => {
      net.lossAndGradientInto(theta, L.train, single, Int32Array.from([s]), 1);
      return maxDiff(single, g) <= 1e-12 * maxAbs(single); // the landscape may run the WebAssembly kernel (~1e-14 from these loops)
    });
    expect(matches.filter(Boolean).length).toBeGreaterThanOrEqual(1);
  });
});

describe('full-space projection, grids and generalisation', () => {
  const L = createMlpLandscape({ ...GEN, seed: 12 });

  it('lift then project returns the plane coordinates; projection is least squares', () => {
    const theta = new Float64Array(L.dim);
    L.liftInto!(0.4, -0.7, theta);
    const ab = new Float64Array(2);
    L.projectInto!(theta, ab);
    expect(ab[0]).toBeCloseTo(0.4, 12);
    expect(ab[1]).toBeCloseTo(-0.7, 12);
    // Off the plane: the residual θ − lift(project(θ)) is orthogonal to d1 and d2.
    const rng = new Rng(5);
    const off = theta.map((t) => t + 0.2 * rng.normal());
    L.projectInto!(off, ab);
    const back = new Float64Array(L.dim);
    L.liftInto!(ab[0], ab[1], back);
    for (const d of L.directions) expect(Math.abs(d.reduce((s, di, i) => s + di * (off[i] - back[i]), 0))).toBeLessThan(1e-10);
  });

  it('gridInto is the loss on the plane, rows are y and columns x', () => {
    const n = 5;
    const grid = { xMin: -1, xMax: 1, yMin: -0.5, yMax: 1.5, n };
    const out = new Float64Array(n * n);
    L.gridInto(grid, out);
    const theta = new Float64Array(L.dim);
    for (const [i, j] of [
      [0, 0],
      [1, 3],
      [4, 2],
    ]) {
      L.liftInto!(-1 + (j * 2) / (n - 1), -0.5 + (i * 2) / (n - 1), theta);
      expect(out[i * n + j]).toBeCloseTo(L.value(theta), 13);
    }
    const S = createMlpLandscape({ ...GEN, seed: 12, slice: true });
    const outS = new Float64Array(n * n);
    S.gridInto(grid, outS);
    expect(maxDiff(outS, out)).toBe(0);
    expect(S.value([0.5, 1.5])).toBeCloseTo(outS[4 * n + 3], 13);
  });

  it('reports train and test loss and accuracy; the decision boundary grid holds probabilities', () => {
    const r = L.evaluate(L.center);
    expect(r.testLoss).not.toBeNull();
    expect(r.trainLoss).toBeCloseTo(L.value(L.center), 14);
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.testAccuracy!).toBeLessThanOrEqual(1);
    expect(evaluateClassifier(L.network, L.center, L.test!)).toEqual({ loss: r.testLoss, accuracy: r.testAccuracy });
    const n = 7;
    const bounds = { xMin: -1.5, xMax: 1.5, yMin: -1.5, yMax: 1.5 };
    const probs = decisionBoundaryGrid(L.network, L.center, bounds, n);
    expect(probs.length).toBe(n * n * 2);
    for (let k = 0; k < n * n; k++) expect(probs[2 * k] + probs[2 * k + 1]).toBeCloseTo(1, 14);
    const at = L.network.predictProbaInto(L.center, [1.5, -1.5 + 3 / 6], new Float64Array(2));
    expect(probs[(1 * n + 6) * 2]).toBe(at[0]);
    expectSpecError(() => decisionBoundaryGrid(L.network, L.center, bounds, 1), 'n');
    expectSpecError(() => decisionBoundaryGrid(L.network, L.center.subarray(1), bounds, 4), 'params');
  });

  it.each([
    ['tanh', [2, 16, 16, 2], 0],
    ['relu', [2, 9, 7, 5, 2], 0.05],
  ] as const)('gridInto (fast kernel when available) agrees with the plain loops: %s %j λ=%d', (activation, layers, weightDecay) => {
    const S = createMlpLandscape({ ...GEN, layers, activation, weightDecay, seed: 13, slice: true });
    const grid = { xMin: -1.2, xMax: 0.8, yMin: -1, yMax: 1.3, n: 9 };
    const fast = new Float64Array(81);
    const plain = new Float64Array(81);
    S.gridInto(grid, fast);
    S.plainGridInto(grid, plain);
    for (let k = 0; k < 81; k++) expect(Math.abs(fast[k] - plain[k])).toBeLessThan(1e-12 * Math.abs(plain[k]));
    expect(plain[5 * 9 + 2]).toBeCloseTo(S.value([-1.2 + 2 * (2 / 8), -1 + 2.3 * (5 / 8)]), 13);
  });

  it('the PCA plane of a trajectory (Li et al. 2018) captures it; points on a plane are reproduced exactly', () => {
    const run = simulate({ landscape: L, optimizer: { kind: 'sgd', lr: 0.3, momentum: 0.9 }, start: L.center, steps: 60 });
    const { plane, explained } = trajectoryPlane(run.path);
    expect(explained[0]).toBeGreaterThanOrEqual(explained[1]);
    expect(explained[0] + explained[1]).toBeLessThanOrEqual(1 + 1e-12);
    expect(explained[0]).toBeGreaterThan(0.5);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
    expect(dot(plane.d1, plane.d1)).toBeCloseTo(1, 10);
    expect(dot(plane.d1, plane.d2)).toBeCloseTo(0, 8);
    const ab = plane.projectInto(run.path[run.path.length - 1], new Float64Array(2));
    expect(maxAbs(ab)).toBeLessThan(1e-12);
    // Points that lie in a plane: two components explain everything, and lift ∘ project is the identity on them.
    const rng = new Rng(9);
    const u = rng.normalsInto(new Float64Array(30));
    const w = rng.normalsInto(new Float64Array(30));
    const pts = Array.from({ length: 12 }, (_, k) => u.map((ui, i) => 2 + Math.cos(k) * ui + 0.3 * Math.sin(2 * k) * w[i]));
    const fit = trajectoryPlane(pts);
    expect(fit.explained[0] + fit.explained[1]).toBeCloseTo(1, 10);
    const back = fit.plane.liftInto(
      ...(Array.from(fit.plane.projectInto(pts[3], new Float64Array(2))) as [number, number]),
      new Float64Array(30),
    );
    expect(maxDiff(back, pts[3])).toBeLessThan(1e-9);
    expect(() => trajectoryPlane([u, u, u])).toThrow(SpecError);
  });

  it('info: bounds [-1,1]², a lesson, and the normalised spec recreates the landscape', () => {
    expect(L.info.bounds).toEqual({ xMin: -1, xMax: 1, yMin: -1, yMax: 1 });
    expect(L.info.lesson.length).toBeGreaterThan(40);
    const again = createMlpLandscape(JSON.parse(JSON.stringify(L.spec)));
    expect(again.value(L.center)).toBe(L.value(L.center));
  });
});

/** H = Q diag(λ) Qᵀ with a fixed orthogonal Q (a product of Householder reflections). */
function quadratic(eigenvalues: number[]): Landscape & { dense: Float64Array } {
  const n = eigenvalues.length;
  const rng = new Rng('q');
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let r = 0; r < 3; r++) {
    const u = rng.normalsInto(new Float64Array(n));
    const uu = u.reduce((s, v) => s + v * v, 0);
    for (let j = 0; j < n; j++) {
      let c = 0;
      for (let i = 0; i < n; i++) c += u[i] * Q[i * n + j];
      for (let i = 0; i < n; i++) Q[i * n + j] -= (2 * u[i] * c) / uu;
    }
  }
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) H[i * n + j] += Q[i * n + k] * eigenvalues[k] * Q[j * n + k];
  const mul = (x: ArrayLike<number>, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += H[i * n + j] * x[j];
      out[i] = s;
    }
  };
  const tmp = new Float64Array(n);
  return {
    dense: H,
    spec: { kind: 'saddle' },
    dim: n,
    info: {
      kind: 'quadratic',
      title: 'quadratic',
      lesson: '',
      bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 },
      points: [],
      wideRange: false,
    },
    value: (x) => {
      mul(x, tmp);
      return 0.5 * tmp.reduce((s, v, i) => s + v * x[i], 0);
    },
    valueAndGradientInto(x, g) {
      mul(x, g);
      return 0.5 * g.reduce((s, v, i) => s + v * x[i], 0);
    },
    hvpInto: (_x, v, out) => mul(v, out),
  };
}

describe('curvature at scale', () => {
  it('Lanczos finds repeated and negative eigenvalues at both ends', () => {
    const spectrum = [5, 5, 3, -2, -2, -4, ...Array.from({ length: 34 }, (_, i) => 1 - i / 20)];
    const Q = quadratic(spectrum);
    const x = new Float64Array(Q.dim);
    const top = hessianEigenvaluesLanczos(Q, x, 3);
    expect(top.converged).toBe(true);
    expect(maxDiff(top.values, [5, 5, 3])).toBeLessThan(1e-9);
    expect(top.iterations).toBeLessThanOrEqual(Q.dim);
    const low = hessianEigenvaluesLanczos(Q, x, 3, { which: 'smallest' });
    expect(maxDiff(low.values, [-4, -2, -2])).toBeLessThan(1e-9);
    expect(hessianTrace(Q, x)).toBeCloseTo(
      spectrum.reduce((a, b) => a + b, 0),
      10,
    );
    expectSpecError(() => topHessianEigenvalues(Q, x, 0), 'k');
    expectSpecError(() => topHessianEigenvalues(Q, [0], 1), 'point');
  });

  it('works on any landscape: 2-D terrains through their Hessian', () => {
    const L = createLandscape({ kind: 'rosenbrock' });
    expect(maxDiff(topHessianEigenvalues(L, [1, 1], 2), [1001.6006, 0.3994])).toBeLessThan(1e-3);
  });

  it('the spectral density: weights sum to 1, and with dim steps the nodes are the exact spectrum', () => {
    const L = createMlpLandscape({ ...GEN, layers: [2, 4, 2], seed: 3 });
    const theta = L.center;
    const d = spectralDensity(L, theta, { steps: L.dim, seed: 1 });
    expect(d.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const H = new Float64Array(L.dim * L.dim);
    L.hessianInto!(theta, H);
    const exact = symmetricEigen(H, L.dim).values;
    expect(d.nodes.length).toBe(L.dim);
    expect(
      maxDiff(
        d.nodes,
        Array.from(exact).sort((a, b) => a - b),
      ),
    ).toBeLessThan(1e-9);
    // vᵀ H v for the unit start vector is Σ τᵢ θᵢ; in expectation tr(H)/n.
    const short = spectralDensity(L, theta, { steps: 10, seed: 1 });
    expect(short.nodes.length).toBe(10);
    expect(short.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('the Hessian of an MLP: Lanczos agrees with the dense eigen-decomposition of n exact HVPs', () => {
    const L = createMlpLandscape({ ...GEN, layers: [2, 8, 8, 2], activation: 'relu', seed: 21 }) as MlpLandscape;
    const H = new Float64Array(L.dim * L.dim);
    L.hessianInto!(L.center, H);
    const exact = Array.from(symmetricEigen(H, L.dim).values).sort((a, b) => b - a);
    expect(maxDiff(topHessianEigenvalues(L, L.center, 3), exact.slice(0, 3))).toBeLessThan(1e-8);
    expect(hessianTrace(L, L.center)).toBeCloseTo(
      exact.reduce((a, b) => a + b, 0),
      10,
    );
  });
});
