import { describe, expect, it } from 'vitest';
import { Rng } from '../../shared/src/random/Rng';
import { SpecError } from '../../shared/src/spec/SpecError';
import {
  createMlpTrainer,
  createMlpGridEvaluator,
  loadMlpGridEvaluator,
  loadMlpTrainer,
  mlpLossGridRowsInto,
  type GridSpec,
  type MlpActivation,
  type MlpSliceProblem,
} from '../../shared/src/mlp/fast';

// ---------------------------------------------------------------------------
// Straightforward float64 reference, written from the conventions in
// shared/reference/MATH.md: per Linear, weight (out×in, row-major) then bias;
// hidden layers use the activation, the last has none; loss = mean softmax
// cross-entropy. Deliberately naive: arrays per layer, Math.tanh, Math.exp.
// ---------------------------------------------------------------------------

function paramCount(layers: readonly number[]): number {
  let n = 0;
  for (let l = 1; l < layers.length; l++) n += layers[l - 1] * layers[l] + layers[l];
  return n;
}

function activate(act: MlpActivation, s: number): number {
  if (act === 'tanh') return Math.tanh(s);
  if (act === 'relu') return Math.max(s, 0);
  return 1 / (1 + Math.exp(-s));
}

/** The activation's derivative from its output h. */
function slopeFromOutput(act: MlpActivation, h: number): number {
  if (act === 'tanh') return 1 - h * h;
  if (act === 'relu') return h > 0 ? 1 : 0;
  return h * (1 - h);
}

/** Forward pass keeping every layer's output (post-activation for hidden layers, logits last). */
function forward(layers: readonly number[], act: MlpActivation, theta: ArrayLike<number>, input: number[]): number[][] {
  const outs: number[][] = [input];
  let h = input;
  let off = 0;
  for (let l = 1; l < layers.length; l++) {
    const din = layers[l - 1];
    const dout = layers[l];
    const z: number[] = [];
    for (let m = 0; m < dout; m++) {
      let s = theta[off + dout * din + m];
      for (let i = 0; i < din; i++) s += theta[off + m * din + i] * h[i];
      const hidden = l < layers.length - 1;
      z.push(hidden ? activate(act, s) : s);
    }
    off += dout * din + dout;
    outs.push(z);
    h = z;
  }
  return outs;
}

function referenceLoss(layers: readonly number[], act: MlpActivation, theta: ArrayLike<number>, x: Float64Array, y: Int32Array): number {
  const d0 = layers[0];
  let total = 0;
  for (let p = 0; p < y.length; p++) {
    const z = forward(layers, act, theta, Array.from(x.subarray(p * d0, (p + 1) * d0))).at(-1)!;
    const mx = Math.max(...z);
    let se = 0;
    for (const v of z) se += Math.exp(v - mx);
    total += mx + Math.log(se) - z[y[p]];
  }
  return total / y.length;
}

/** Mean loss and its gradient by per-sample backpropagation through the `forward` above. */
function referenceLossAndGradient(
  layers: readonly number[],
  act: MlpActivation,
  theta: Float64Array,
  x: Float64Array,
  y: Int32Array,
  grad: Float64Array,
): number {
  grad.fill(0);
  const k = layers.length - 1;
  const n = y.length;
  const offsets: number[] = [];
  for (let l = 1, off = 0; l <= k; l++) {
    offsets[l] = off;
    off += layers[l - 1] * layers[l] + layers[l];
  }
  let total = 0;
  for (let p = 0; p < n; p++) {
    const A = forward(layers, act, theta, Array.from(x.subarray(p * layers[0], (p + 1) * layers[0])));
    const z = A[k];
    const mx = Math.max(...z);
    let se = 0;
    for (const v of z) se += Math.exp(v - mx);
    total += mx + Math.log(se) - z[y[p]];
    let delta = z.map((v, c) => (Math.exp(v - mx) / se - (c === y[p] ? 1 : 0)) / n);
    for (let l = k; l >= 1; l--) {
      const din = layers[l - 1];
      const dout = layers[l];
      const o = offsets[l];
      for (let m = 0; m < dout; m++) {
        for (let i = 0; i < din; i++) grad[o + m * din + i] += delta[m] * A[l - 1][i];
        grad[o + dout * din + m] += delta[m];
      }
      if (l > 1) {
        const below: number[] = [];
        for (let i = 0; i < din; i++) {
          let s = 0;
          for (let m = 0; m < dout; m++) s += theta[o + m * din + i] * delta[m];
          const h = A[l - 1][i];
          below.push(s * slopeFromOutput(act, h));
        }
        delta = below;
      }
    }
  }
  return total / n;
}

/** torch.optim.Adam (MATH.md): coupled weight decay, eps after bias correction. */
function referenceAdamStep(
  theta: Float64Array,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  t: number,
  h: { lr: number; b1: number; b2: number; eps: number; wd: number },
): void {
  const bc1 = 1 - h.b1 ** t;
  const bc2 = 1 - h.b2 ** t;
  for (let i = 0; i < theta.length; i++) {
    const gi = g[i] + h.wd * theta[i];
    m[i] = h.b1 * m[i] + (1 - h.b1) * gi;
    v[i] = h.b2 * v[i] + (1 - h.b2) * gi * gi;
    theta[i] -= (h.lr / bc1) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + h.eps));
  }
}

function randomProblem(rng: Rng, layers: number[], activation: MlpActivation, nData: number, scale = 0.7): MlpSliceProblem {
  const P = paramCount(layers);
  const vec = () => Float64Array.from({ length: P }, () => scale * rng.normal());
  return {
    layers,
    activation,
    center: vec(),
    d1: vec(),
    d2: vec(),
    x: Float64Array.from({ length: nData * layers[0] }, () => rng.normal()),
    y: Int32Array.from({ length: nData }, () => rng.int(layers[layers.length - 1])),
  };
}

function referenceGrid(problem: MlpSliceProblem, grid: GridSpec): Float64Array {
  const { n } = grid;
  const out = new Float64Array(n * n);
  const theta = new Float64Array(problem.center.length);
  for (let i = 0; i < n; i++) {
    const b = grid.yMin + (i * (grid.yMax - grid.yMin)) / Math.max(n - 1, 1);
    for (let j = 0; j < n; j++) {
      const a = grid.xMin + (j * (grid.xMax - grid.xMin)) / Math.max(n - 1, 1);
      for (let q = 0; q < theta.length; q++) theta[q] = problem.center[q] + a * problem.d1[q] + b * problem.d2[q];
      out[i * n + j] = referenceLoss(problem.layers, problem.activation, theta, problem.x, problem.y);
    }
  }
  return out;
}

function maxRelativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const e = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1e-300);
    if (!(e <= worst)) worst = e; // NaN makes worst NaN, failing the test
  }
  return worst;
}

// ---------------------------------------------------------------------------

describe('mlpLossGridRowsInto', () => {
  const shapes: [number[], number][] = [
    [[2, 16, 16, 2], 50],
    [[2, 5, 3], 13],
    [[2, 3], 3], // no hidden layer: logits affine in (a, b)
    [[3, 7, 4, 5, 3], 17],
    [[2, 8, 8, 8, 8, 4], 9],
    [[2, 1, 2], 1],
  ];
  for (const activation of ['tanh', 'relu', 'sigmoid'] as const) {
    for (const [layers, nData] of shapes) {
      it(`matches a straightforward float64 evaluation to 1e-12: [${layers}] ${activation}, ${nData} points`, () => {
        const rng = new Rng(`grid-${layers}-${activation}`);
        const problem = randomProblem(rng, layers, activation, nData);
        const grid = { xMin: -1.5, xMax: 0.75, yMin: -0.5, yMax: 2, n: 7 };
        const out = mlpLossGridRowsInto(problem, grid, 0, grid.n, new Float64Array(49));
        expect(maxRelativeError(out, referenceGrid(problem, grid))).toBeLessThan(1e-12);
      });
    }
  }

  it('stays accurate where tanh saturates and the loss is large', () => {
    const problem = randomProblem(new Rng('saturated'), [2, 16, 16, 2], 'tanh', 40, 12);
    const grid = { xMin: -3, xMax: 3, yMin: -3, yMax: 3, n: 5 };
    const want = referenceGrid(problem, grid);
    expect(Math.max(...want)).toBeGreaterThan(10);
    expect(maxRelativeError(mlpLossGridRowsInto(problem, grid, 0, 5, new Float64Array(25)), want)).toBeLessThan(1e-12);
  });

  it('stays accurate where sigmoid saturates on both sides (σ near 0 and near 1)', () => {
    const problem = randomProblem(new Rng('saturated-sigmoid'), [2, 16, 16, 2], 'sigmoid', 40, 30);
    const grid = { xMin: -3, xMax: 3, yMin: -3, yMax: 3, n: 5 };
    const want = referenceGrid(problem, grid);
    expect(Math.max(...want)).toBeGreaterThan(10);
    expect(maxRelativeError(mlpLossGridRowsInto(problem, grid, 0, 5, new Float64Array(25)), want)).toBeLessThan(1e-12);
  });

  it('row ranges tile the grid exactly: split calls give the same bytes as one call', () => {
    const problem = randomProblem(new Rng('tiles'), [2, 16, 16, 2], 'tanh', 37);
    const grid = { xMin: -1, xMax: 1, yMin: -1, yMax: 1, n: 11 };
    const whole = mlpLossGridRowsInto(problem, grid, 0, 11, new Float64Array(121));
    const ev = createMlpGridEvaluator(problem);
    const inPlace = new Float64Array(121);
    for (const [r0, r1] of [
      [0, 4],
      [4, 4],
      [4, 5],
      [5, 11],
    ])
      ev.rowsInto(grid, r0, r1, inPlace);
    expect(new Uint8Array(inPlace.buffer)).toEqual(new Uint8Array(whole.buffer));
    // Packed layout, as a worker with its own buffer would use it.
    const packed = ev.rowsInto(grid, 5, 11, new Float64Array(6 * 11));
    expect(new Uint8Array(packed.buffer)).toEqual(new Uint8Array(whole.buffer, 5 * 11 * 8));
  });

  it('the asynchronous loader (for a browser main thread) gives the same bytes', async () => {
    const problem = randomProblem(new Rng('async'), [2, 6, 5, 3], 'relu', 21);
    const grid = { xMin: -1, xMax: 1, yMin: -1, yMax: 1, n: 6 };
    const a = createMlpGridEvaluator(problem).rowsInto(grid, 0, 6, new Float64Array(36));
    const b = (await loadMlpGridEvaluator(problem)).rowsInto(grid, 0, 6, new Float64Array(36));
    expect(new Uint8Array(b.buffer)).toEqual(new Uint8Array(a.buffer));
  });

  it('evaluates a one-point grid at (xMin, yMin)', () => {
    const problem = randomProblem(new Rng('one'), [2, 4, 2], 'relu', 5);
    const out = mlpLossGridRowsInto(problem, { xMin: 0.3, xMax: 1, yMin: -0.2, yMax: 1, n: 1 }, 0, 1, new Float64Array(1));
    expect(maxRelativeError(out, referenceGrid(problem, { xMin: 0.3, xMax: 1, yMin: -0.2, yMax: 1, n: 1 }))).toBeLessThan(1e-12);
  });

  it('reports NaN where the parameters are not finite, instead of a plausible number', () => {
    const problem = randomProblem(new Rng('nan'), [2, 4, 2], 'tanh', 6);
    problem.d1[3] = Infinity; // θ = c + a·d1 + …: infinite unless a = 0, NaN when a = 0
    const grid = { xMin: -1, xMax: 1, yMin: 0, yMax: 0, n: 3 };
    const out = mlpLossGridRowsInto(problem, grid, 0, 1, new Float64Array(3));
    const want = referenceGrid(problem, grid).subarray(0, 3);
    expect(Number.isNaN(want[1])).toBe(true);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(maxRelativeError([out[0], out[2]], [want[0], want[2]])).toBeLessThan(1e-12);
  });

  it('rejects bad input with a SpecError naming the field', () => {
    const good = randomProblem(new Rng('bad'), [2, 4, 2], 'tanh', 6);
    const grid = { xMin: -1, xMax: 1, yMin: -1, yMax: 1, n: 4 };
    const out = new Float64Array(16);
    const cases: [Partial<MlpSliceProblem>, RegExp][] = [
      [{ center: new Float64Array(3) }, /problem\.center/],
      [{ layers: [2, 0, 2] }, /problem\.layers\[1\]/],
      [{ activation: 'gelu' as MlpActivation }, /problem\.activation/],
      [{ y: Int32Array.of(0, 1, 2, 0, 1, 0) }, /problem\.y\[2\].*\[0, 1\]/],
      [{ x: new Float64Array(5) }, /problem\.x/],
    ];
    for (const [patch, message] of cases) {
      expect(() => mlpLossGridRowsInto({ ...good, ...patch }, grid, 0, 4, out)).toThrow(SpecError);
      expect(() => mlpLossGridRowsInto({ ...good, ...patch }, grid, 0, 4, out)).toThrow(message);
    }
    expect(() => mlpLossGridRowsInto(good, { ...grid, n: 2.5 }, 0, 2, out)).toThrow(/grid\.n/);
    expect(() => mlpLossGridRowsInto(good, { ...grid, xMax: NaN }, 0, 4, out)).toThrow(/grid\.xMax/);
    expect(() => mlpLossGridRowsInto(good, grid, 3, 5, out)).toThrow(/rows/);
    expect(() => mlpLossGridRowsInto(good, grid, 0, 4, new Float64Array(15))).toThrow(/out/);
  });
});

describe('createMlpTrainer', () => {
  const cases: [number[], MlpActivation, number][] = [
    [[2, 16, 16, 2], 'tanh', 64],
    [[2, 16, 16, 2], 'relu', 64],
    [[2, 16, 16, 2], 'tanh', 7],
    [[2, 8, 3], 'relu', 7],
    [[2, 5, 3], 'tanh', 1],
    [[2, 12, 2], 'relu', 1],
    [[3, 9, 4, 5, 3], 'tanh', 13],
    [[2, 4], 'tanh', 5],
    [[2, 16, 16, 2], 'sigmoid', 64],
    [[2, 6, 6, 6, 6, 6, 6, 6, 6, 2], 'sigmoid', 9],
    [[3, 5, 4], 'sigmoid', 1],
  ];
  for (const [layers, activation, batchSize] of cases) {
    it(`20 Adam steps match straightforward float64 backprop + torch Adam to 1e-12: [${layers}] ${activation}, batch ${batchSize}`, () => {
      const rng = new Rng(`adam-${layers}-${activation}-${batchSize}`);
      const P = paramCount(layers);
      const trainer = createMlpTrainer({ layers, activation, batchSize });
      expect(trainer.nParams).toBe(P);
      const theta = Float64Array.from({ length: P }, () => 0.6 * rng.normal());
      const ref = Float64Array.from(theta);
      const state = trainer.createAdamState();
      const m = new Float64Array(P);
      const v = new Float64Array(P);
      const g = new Float64Array(P);
      const hyper = { lr: 0.02, betas: [0.8, 0.99] as const, eps: 1e-8, weightDecay: 1e-3 };
      const C = layers[layers.length - 1];
      for (let t = 1; t <= 20; t++) {
        const x = Float64Array.from({ length: batchSize * layers[0] }, () => rng.normal());
        const y = Int32Array.from({ length: batchSize }, () => rng.int(C));
        const loss = trainer.adamStepInPlace(theta, state, x, y, hyper);
        const refLoss = referenceLossAndGradient(layers, activation, ref, x, y, g);
        referenceAdamStep(ref, g, m, v, t, { lr: hyper.lr, b1: 0.8, b2: 0.99, eps: hyper.eps, wd: hyper.weightDecay });
        expect(Math.abs(loss - refLoss) / refLoss).toBeLessThan(1e-12);
      }
      expect(state.step).toBe(20);
      expect(maxRelativeError(theta, ref)).toBeLessThan(1e-12);
      expect(maxRelativeError(state.m, m)).toBeLessThan(1e-12);
      expect(maxRelativeError(state.v, v)).toBeLessThan(1e-12);
    });
  }

  it('gives the exact minibatch gradient, also for batches smaller than its capacity', () => {
    const layers = [2, 10, 6, 3];
    const trainer = createMlpTrainer({ layers, activation: 'tanh', batchSize: 32 });
    const rng = new Rng('grad');
    const theta = Float64Array.from({ length: trainer.nParams }, () => rng.normal());
    const g = new Float64Array(trainer.nParams);
    const want = new Float64Array(trainer.nParams);
    for (const n of [32, 5, 1, 32]) {
      const x = Float64Array.from({ length: 2 * n }, () => rng.normal());
      const y = Int32Array.from({ length: n }, () => rng.int(3));
      const loss = trainer.lossAndGradientInto(theta, x, y, g);
      const refLoss = referenceLossAndGradient(layers, 'tanh', theta, x, y, want);
      expect(Math.abs(loss - refLoss) / refLoss).toBeLessThan(1e-13);
      let scale = 0;
      for (const w of want) scale = Math.max(scale, Math.abs(w));
      for (let i = 0; i < g.length; i++) expect(Math.abs(g[i] - want[i])).toBeLessThan(1e-13 * scale);
    }
  });

  it('the asynchronous loader gives a trainer with the same steps', async () => {
    const options = { layers: [2, 7, 3], activation: 'tanh' as const, batchSize: 9 };
    const [t1, t2] = [createMlpTrainer(options), await loadMlpTrainer(options)];
    const rng = new Rng('async-trainer');
    const theta1 = Float64Array.from({ length: t1.nParams }, () => rng.normal());
    const theta2 = Float64Array.from(theta1);
    const [s1, s2] = [t1.createAdamState(), t2.createAdamState()];
    for (let t = 0; t < 5; t++) {
      const x = Float64Array.from({ length: 18 }, () => rng.normal());
      const y = Int32Array.from({ length: 9 }, () => rng.int(3));
      expect(t2.adamStepInPlace(theta2, s2, x, y, { lr: 0.05 })).toBe(t1.adamStepInPlace(theta1, s1, x, y, { lr: 0.05 }));
    }
    expect(new Uint8Array(theta2.buffer)).toEqual(new Uint8Array(theta1.buffer));
  });

  it('rejects bad shapes, batches and hyperparameters with a SpecError naming the field', () => {
    expect(() => createMlpTrainer({ layers: [2, 16, 1], activation: 'tanh', batchSize: 8 })).toThrow(/trainer\.layers\[2\]/);
    expect(() => createMlpTrainer({ layers: [2, 4, 2], activation: 'tanh', batchSize: 0 })).toThrow(/trainer\.batchSize/);
    const trainer = createMlpTrainer({ layers: [2, 4, 2], activation: 'relu', batchSize: 4 });
    const theta = new Float64Array(trainer.nParams);
    const state = trainer.createAdamState();
    const x = new Float64Array(8);
    const y = new Int32Array(4);
    expect(() => trainer.adamStepInPlace(theta, state, x, y, { lr: -1 })).toThrow(/hyper\.lr/);
    expect(() => trainer.adamStepInPlace(theta, state, x, y, { lr: 1e-3, betas: [1, 0.9] })).toThrow(/hyper\.betas\[0\]/);
    expect(() => trainer.adamStepInPlace(theta, state, x, Int32Array.of(0, 2, 0, 0), { lr: 1e-3 })).toThrow(/yBatch\[1\]/);
    expect(() => trainer.adamStepInPlace(theta, state, new Float64Array(7), y, { lr: 1e-3 })).toThrow(/xBatch/);
    expect(() => trainer.adamStepInPlace(theta, state, new Float64Array(10), new Int32Array(5), { lr: 1e-3 })).toThrow(/yBatch/);
    expect(() => trainer.adamStepInPlace(new Float64Array(3), state, x, y, { lr: 1e-3 })).toThrow(SpecError);
    expect(state.step).toBe(0);
  });
});
