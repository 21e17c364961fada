/**
 * Optimizer steps per second through `shared` (Optimizer.stepInPlace on a
 * Landscape, the path the server's races take), beside the same update
 * written directly in TypeScript as one fused loop with the gradient inlined
 * — the fastest a hand-written single-purpose simulator could be.
 *
 * Run: npx tsx test/bench/optimizers.bench.ts
 */
import { createLandscape, createMlpLandscape, createOptimizer, Rng, simulate } from '../../shared/src/index';

/** Best of three timed rounds (the JIT settles after the first). */
function time(fn: () => number, minMs = 300): { perSec: number; sink: number } {
  let best = { perSec: 0, sink: 0 };
  for (let r = 0; r < 3; r++) {
    const t = timeOnce(fn, minMs);
    if (t.perSec > best.perSec) best = t;
  }
  return best;
}

function timeOnce(fn: () => number, minMs: number): { perSec: number; sink: number } {
  let n = 0;
  let sink = 0;
  fn(); // warm up
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    sink += fn();
    n++;
    t = performance.now();
  }
  return { perSec: n / ((t - t0) / 1000), sink };
}

const STEPS = 10_000;

function ours(landscape: unknown, optimizer: unknown, start: number[]): number {
  const L = createLandscape(landscape);
  const opt = createOptimizer(optimizer, 2);
  const rng = new Rng(1);
  const th = Float64Array.from(start);
  for (let i = 0; i < STEPS; i++) opt.stepInPlace(th, L, rng);
  return th[0];
}

/** Direct Adam on Rosenbrock (torch conventions, no fma emulation): the peer. */
function directAdamRosenbrock(lr: number): number {
  let x = -1.2,
    y = 1,
    m0 = 0,
    m1 = 0,
    v0 = 0,
    v1 = 0;
  const b1 = 0.9,
    b2 = 0.999,
    eps = 1e-8;
  for (let t = 1; t <= STEPS; t++) {
    const r = y - x * x;
    const g0 = -2 * (1 - x) - 400 * x * r;
    const g1 = 200 * r;
    m0 = b1 * m0 + (1 - b1) * g0;
    m1 = b1 * m1 + (1 - b1) * g1;
    v0 = b2 * v0 + (1 - b2) * g0 * g0;
    v1 = b2 * v1 + (1 - b2) * g1 * g1;
    const bc1 = 1 - b1 ** t;
    const bc2 = Math.sqrt(1 - b2 ** t);
    x -= ((lr / bc1) * m0) / (Math.sqrt(v0) / bc2 + eps);
    y -= ((lr / bc1) * m1) / (Math.sqrt(v1) / bc2 + eps);
  }
  return x;
}

/** Direct momentum SGD on the egg-crate formula with its hand-written gradient. */
function directSgdEggCrate(lr: number): number {
  let x = 0.192,
    y = 0.617,
    bx = 0,
    by = 0;
  for (let t = 0; t < STEPS; t++) {
    const gx = Math.cos(x) * Math.cos(y) + 0.2 * x;
    const gy = -Math.sin(x) * Math.sin(y) + 0.2 * y;
    bx = t === 0 ? gx : 0.9 * bx + gx;
    by = t === 0 ? gy : 0.9 * by + gy;
    x -= lr * bx;
    y -= lr * by;
  }
  return x;
}

const rows: [string, number, number][] = [];
{
  const a = time(() => ours({ kind: 'rosenbrock' }, { kind: 'adam', lr: 0.01 }, [-1.2, 1]));
  const b = time(() => directAdamRosenbrock(0.01));
  rows.push(['Adam on rosenbrock', a.perSec * STEPS, b.perSec * STEPS]);
}
{
  const a = time(() => ours({ kind: 'rosenbrock' }, { kind: 'adam', lr: 0.01, samRadius: 0.05, noise: 0.1, clipNorm: 10 }, [-1.2, 1]));
  const b = time(() => directAdamRosenbrock(0.01));
  rows.push(['Adam+SAM+noise+clip on rosenbrock', a.perSec * STEPS, b.perSec * STEPS]);
}
{
  const expr = { kind: 'expression', expr: 'sin(x)*cos(y) + 0.1*(x^2 + y^2)' };
  const a = time(() => ours(expr, { kind: 'sgd', lr: 0.01, momentum: 0.9 }, [0.192, 0.617]));
  const b = time(() => directSgdEggCrate(0.01));
  rows.push(['SGD momentum on an expression', a.perSec * STEPS, b.perSec * STEPS]);
}
{
  const a = time(
    () => simulate({ landscape: { kind: 'rosenbrock' }, optimizer: { kind: 'lbfgs' }, start: [-1.2, 1], steps: 200 }).path.length,
    300,
  );
  rows.push(['L-BFGS (strong Wolfe) on rosenbrock via simulate', a.perSec * 200, NaN]);
}
{
  // The minibatch oracle and SAM's second gradient on the same batch (the path of MLP races).
  const L = createMlpLandscape({
    kind: 'mlp',
    dataset: 'moons',
    samples: 128,
    noise: 0.15,
    layers: [2, 8, 8, 2],
    activation: 'tanh',
    seed: 3,
  });
  const MLP_STEPS = 500;
  const a = time(() => {
    const opt = createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9, batchSize: 16, samRadius: 0.05 }, L.dim);
    const rng = new Rng(1);
    const th = Float64Array.from(L.center);
    for (let i = 0; i < MLP_STEPS; i++) opt.stepInPlace(th, L, rng);
    return th[0];
  });
  rows.push(['SGD, minibatch 16 + SAM on an MLP (114 weights)', a.perSec * MLP_STEPS, NaN]);
}

console.log('optimizer steps per second (one core)');
console.log('case'.padEnd(52), 'ours'.padStart(14), 'direct TS'.padStart(14), 'ours/direct'.padStart(12));
for (const [name, a, b] of rows) {
  console.log(
    name.padEnd(52),
    a.toExponential(2).padStart(14),
    (Number.isNaN(b) ? '—' : b.toExponential(2)).padStart(14),
    (Number.isNaN(b) ? '—' : `${(b / a).toFixed(2)}× slower`).padStart(12),
  );
}
console.log(
  '("direct TS" is a single fused loop with the gradient inlined: no Landscape interface, no live hyperparameters, no torch-exact fma rounding.)',
);
