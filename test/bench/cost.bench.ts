/**
 * The room cost model (shared/src/race/cost.ts) against real rooms: for a
 * spread of settings, the predicted simulation work per second of race next
 * to what `Race.tick()` (plus the live standings once a second, as the server
 * calls them) and `Race.results()` actually cost here.
 *
 *   npx tsx test/bench/cost.bench.ts              (or: npm run bench -- cost)
 *   npx tsx test/bench/cost.bench.ts --calibrate  (re-measure COST_CONSTANTS and print them)
 *
 * "Measured" is CPU time of this process (process.cpuUsage) over whole ticks
 * (at least 1 s of it, after a warm-up), which a busy machine inflates far
 * less than wall time (other processes only delay us; they do not add to our
 * CPU time). Wall-clock medians are printed beside it. Results are timed warm,
 * the fastest of repeated runs. The machine is shared and has 2 cores: expect
 * ±30 %.
 */
import { performance } from 'node:perf_hooks';
import { availableParallelism, loadavg } from 'node:os';
import {
  COST_CONSTANTS,
  MOONS_NETWORK_SPEC,
  Mlp,
  Race,
  Rng,
  createLandscape,
  createMlpLandscape,
  createMlpTrainer,
  createOptimizer,
  estimateRoomCost,
  hessianEigenvaluesLanczos,
  symmetricEigen,
  type Landscape,
  type MlpLandscape,
} from '../../shared/src/index';
import { compileExpression } from '../../shared/src/landscapes/expression/compileExpression';
import { denseHessianInto } from '../../shared/src/optimizers/newton';

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// ───────────────────────────── rooms ─────────────────────────────

interface Room {
  name: string;
  settings: Record<string, unknown>;
  players: number;
  /** Ticks to measure (after `warm` warm-up ticks). */
  ticks: number;
  warm?: number;
  /** Measure results() too (skip where it takes minutes). */
  results?: boolean;
}

const NET_354 = { kind: 'mlp', dataset: 'spirals', samples: 200, noise: 0.1, layers: [2, 16, 16, 2], activation: 'tanh', seed: 3 };
const LARGEST = { kind: 'mlp', dataset: 'spirals', samples: 2000, noise: 0.1, layers: [2, 32, 32, 32, 32, 2], activation: 'tanh', seed: 3 };
const DEEP_SIGMOID = {
  kind: 'mlp',
  dataset: 'moons',
  samples: 500,
  noise: 0.1,
  layers: [2, 8, 8, 8, 8, 8, 8, 8, 8, 2],
  activation: 'sigmoid',
  seed: 2,
};
const FORMULA = '(1.5-x+x*y)^2 + (2.25-x+x*y^2)^2 + (2.625-x+x*y^3)^2 + sin(3*x)*exp(-y^2)';

const base = { roundSeconds: 1800, startRule: 'random', maxPlayers: 100 };
const only = (optimizer: Record<string, unknown>) => ({ allowedOptimizers: [optimizer.kind], defaultOptimizer: optimizer });

const ROOMS: Room[] = [
  {
    name: 'himmelblau, adam, robust standings',
    settings: { ...base, landscape: 'himmelblau', ...only({ kind: 'adam', lr: 0.05 }), tickRate: 20, stepsPerTick: 2 },
    players: 40,
    ticks: 400,
    results: true,
  },
  {
    name: 'himmelblau, adam',
    settings: { ...base, landscape: 'himmelblau', ...only({ kind: 'adam', lr: 0.01 }), tickRate: 60, stepsPerTick: 50 },
    players: 40,
    ticks: 120,
  },
  {
    name: 'rosenbrock, L-BFGS',
    settings: { ...base, landscape: 'rosenbrock', ...only({ kind: 'lbfgs', lr: 0.5, historySize: 10 }), tickRate: 20, stepsPerTick: 10 },
    players: 40,
    ticks: 200,
  },
  {
    name: 'rastrigin, newton',
    settings: { ...base, landscape: 'rastrigin', ...only({ kind: 'newton', lr: 0.5, damping: 1 }), tickRate: 20, stepsPerTick: 10 },
    players: 40,
    ticks: 200,
  },
  {
    name: 'expression, sgd',
    settings: {
      ...base,
      landscape: { kind: 'expression', expr: FORMULA, bounds: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 } },
      ...only({ kind: 'sgd', lr: 0.002, momentum: 0.9 }),
      tickRate: 20,
      stepsPerTick: 20,
    },
    players: 40,
    ticks: 200,
    results: true,
  },
  {
    name: 'moons slice, adam (default room)',
    settings: { ...base, landscape: MOONS_NETWORK_SPEC, ...only({ kind: 'adam', lr: 0.05 }), tickRate: 20, stepsPerTick: 2 },
    players: 10,
    ticks: 200,
    results: true,
  },
  {
    name: 'moons slice, adam',
    settings: { ...base, landscape: MOONS_NETWORK_SPEC, ...only({ kind: 'adam', lr: 0.01 }), tickRate: 60, stepsPerTick: 50 },
    players: 40,
    ticks: 20,
  },
  {
    name: 'moons slice, SAM',
    settings: {
      ...base,
      landscape: MOONS_NETWORK_SPEC,
      ...only({ kind: 'sgd', lr: 0.05, samRadius: 0.05 }),
      tickRate: 20,
      stepsPerTick: 10,
    },
    players: 40,
    ticks: 40,
  },
  {
    name: 'moons slice, newton',
    settings: { ...base, landscape: MOONS_NETWORK_SPEC, ...only({ kind: 'newton', lr: 0.5, damping: 0.1 }), tickRate: 20, stepsPerTick: 2 },
    players: 10,
    ticks: 40,
  },
  {
    name: '354-param net, adam, batch 32',
    settings: { ...base, landscape: NET_354, ...only({ kind: 'adam', lr: 0.01, batchSize: 32 }), tickRate: 20, stepsPerTick: 10 },
    players: 10,
    ticks: 60,
    results: true,
  },
  {
    name: '354-param net, SAM, batch 32',
    settings: {
      ...base,
      landscape: NET_354,
      ...only({ kind: 'sgd', lr: 0.05, samRadius: 0.05, batchSize: 32 }),
      tickRate: 20,
      stepsPerTick: 10,
    },
    players: 10,
    ticks: 60,
  },
  {
    name: '354-param net, adam, full batch',
    settings: { ...base, landscape: NET_354, ...only({ kind: 'adam', lr: 0.01 }), tickRate: 20, stepsPerTick: 5 },
    players: 10,
    ticks: 40,
  },
  {
    name: '354-param net, L-BFGS',
    settings: { ...base, landscape: NET_354, ...only({ kind: 'lbfgs', lr: 1, historySize: 20 }), tickRate: 20, stepsPerTick: 2 },
    players: 5,
    ticks: 40,
  },
  {
    name: '354-param net, newton',
    settings: { ...base, landscape: NET_354, ...only({ kind: 'newton', lr: 0.5, damping: 0.1 }), tickRate: 1, stepsPerTick: 1 },
    players: 1,
    ticks: 2,
    warm: 1,
  },
  {
    name: 'deep sigmoid net (8×8), adam',
    settings: { ...base, landscape: DEEP_SIGMOID, ...only({ kind: 'adam', lr: 0.01 }), tickRate: 20, stepsPerTick: 5 },
    players: 10,
    ticks: 40,
    results: true,
  },
  {
    name: 'largest net as a 2-D slice, adam',
    settings: { ...base, landscape: { ...LARGEST, slice: true }, ...only({ kind: 'adam', lr: 0.01 }), tickRate: 20, stepsPerTick: 2 },
    players: 10,
    ticks: 10,
    warm: 2,
  },
  {
    name: 'largest net (3330 params × 2000), adam',
    settings: { ...base, landscape: LARGEST, ...only({ kind: 'adam', lr: 0.001 }), tickRate: 60, stepsPerTick: 50 },
    players: 2,
    ticks: 3,
    warm: 1,
  },
];

interface Row {
  name: string;
  shape: string;
  predicted: number;
  measured: number;
  wallMs: number;
  predictedTick: number;
  predictedResults: number | null;
  measuredResults: number | null;
  dominant: string;
  worst: number;
}

function measureRoom(room: Room): Row {
  const race = new Race(room.settings);
  for (let p = 0; p < room.players; p++) race.addRacer(`p${p}`);
  const s = race.settings;
  const step = () => {
    race.tick();
    // The server computes the standings once a second (SLOW_FIELDS_MS) on the tick it mirrors them.
    if (race.tickCount % s.tickRate === 0) race.standings();
  };
  // Warm up until the code is optimised: `warm` ticks, or 400 ms for rooms with cheap ticks.
  const warmUntil = performance.now() + 400;
  for (let t = 0; room.warm !== undefined ? t < room.warm : t < 10 || (performance.now() < warmUntil && t < 20_000); t++) step();
  const walls: number[] = [];
  const c0 = cpuMs();
  // At least `ticks` ticks, and at least 1 s of CPU time unless ticks are heavy (then exactly `ticks`).
  let ticks = 0;
  while (ticks < room.ticks || (room.warm === undefined && cpuMs() - c0 < 1000 && ticks < 50_000)) {
    const w0 = performance.now();
    step();
    walls.push(performance.now() - w0);
    ticks++;
  }
  const perTick = (cpuMs() - c0) / ticks;
  walls.sort((a, b) => a - b);
  const stopped = race.racers().filter((r) => r.status !== 'racing').length;
  if (stopped > 0) console.log(`  note: ${stopped} racer(s) of "${room.name}" stopped (${race.racers()[0].status}); measured cost is low`);
  const cost = estimateRoomCost(s, room.players, { assume: 'default' });
  const worst = estimateRoomCost(s, room.players);
  let measuredResults: number | null = null;
  if (room.results) {
    // Warm (a server runs results every round, so the warm cost is the one that repeats): the fastest of
    // repeated runs over at least 300 ms, or of two runs when one takes longer.
    race.results();
    measuredResults = Infinity;
    const until = performance.now() + 300;
    for (let k = 0; k < 2 || performance.now() < until; k++) {
      const r0 = performance.now();
      race.results();
      measuredResults = Math.min(measuredResults, performance.now() - r0);
    }
  }
  return {
    name: room.name,
    shape: `${room.players} × ${s.tickRate} Hz × ${s.stepsPerTick}`,
    predicted: cost.msPerSecond,
    measured: perTick * s.tickRate,
    wallMs: walls[Math.floor(walls.length / 2)],
    predictedTick: cost.tickMs,
    predictedResults: room.results ? cost.resultsMs : null,
    measuredResults,
    dominant: cost.parts[0].label,
    worst: worst.msPerSecond,
  };
}

function fmt(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toPrecision(2);
}

function table(rows: string[][]): void {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join(' | ');
  console.log(line(rows[0]));
  console.log(w.map((n) => '-'.repeat(n)).join('-|-'));
  for (const r of rows.slice(1)) console.log(line(r));
}

function runRooms(): void {
  console.log(`Room cost model vs Race.tick(); ${availableParallelism()} cores; Node ${process.version}; load average ${load()}`);
  const rows: Row[] = [];
  for (const room of ROOMS) {
    rows.push(measureRoom(room));
    const r = rows.at(-1)!;
    console.log(`  ${r.name}: predicted ${fmt(r.predicted)} ms/s, measured ${fmt(r.measured)} ms/s`);
  }
  const header = [
    'room',
    'players × rate × steps',
    'predicted ms/s',
    'measured ms/s',
    'measured/predicted',
    'predicted tick ms',
    'median tick ms (wall)',
    'results ms pred / meas',
    'worst-case ms/s',
    'largest share',
  ];
  table([
    header,
    ...rows.map((r) => [
      r.name,
      r.shape,
      fmt(r.predicted),
      fmt(r.measured),
      `${(r.measured / r.predicted).toFixed(2)}×`,
      fmt(r.predictedTick),
      fmt(r.wallMs),
      r.predictedResults === null ? '' : `${fmt(r.predictedResults)} / ${fmt(r.measuredResults!)}`,
      fmt(r.worst),
      r.dominant,
    ]),
  ]);
  const ratios = rows.map((r) => r.measured / r.predicted);
  console.log(
    `\nmeasured/predicted: min ${Math.min(...ratios).toFixed(2)}×, max ${Math.max(...ratios).toFixed(2)}× (target within 0.5–2×); load average at the end ${load()}`,
  );
}

// ───────────────────────────── calibration ─────────────────────────────

/** µs per call: the fastest of many short batches (a busy machine only ever adds time). */
function perCall(fn: () => void, budgetMs = 300): number {
  fn();
  let inner = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    const dt = performance.now() - t0;
    if (dt > 1 || inner > 1e6) break;
    inner *= 4;
  }
  let best = Infinity;
  const end = performance.now() + budgetMs;
  let rounds = 0;
  while (rounds < 5 || performance.now() < end) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    best = Math.min(best, (performance.now() - t0) / inner);
    rounds++;
  }
  return best * 1000;
}

/** Least squares with relative weights: minimise Σ ((x·c − t)/t)². */
function fitRelative(X: number[][], t: number[]): number[] {
  const k = X[0].length;
  const A = Array.from({ length: k }, () => new Float64Array(k));
  const b = new Float64Array(k);
  X.forEach((row, i) => {
    const w = 1 / (t[i] * t[i]);
    for (let p = 0; p < k; p++) {
      b[p] += w * row[p] * t[i];
      for (let q = 0; q < k; q++) A[p][q] += w * row[p] * row[q];
    }
  });
  // Gaussian elimination (k is small).
  for (let p = 0; p < k; p++) {
    let piv = p;
    for (let r = p + 1; r < k; r++) if (Math.abs(A[r][p]) > Math.abs(A[piv][p])) piv = r;
    [A[p], A[piv]] = [A[piv], A[p]];
    [b[p], b[piv]] = [b[piv], b[p]];
    for (let r = p + 1; r < k; r++) {
      const f = A[r][p] / A[p][p];
      for (let q = p; q < k; q++) A[r][q] -= f * A[p][q];
      b[r] -= f * b[p];
    }
  }
  const c = new Array<number>(k).fill(0);
  for (let p = k - 1; p >= 0; p--) {
    let s = b[p];
    for (let q = p + 1; q < k; q++) s -= A[p][q] * c[q];
    c[p] = s / A[p][p];
  }
  return c;
}

function networkShape(layers: number[]) {
  let macs = 0;
  let hidden = 0;
  let params = 0;
  for (let l = 1; l < layers.length; l++) {
    macs += layers[l - 1] * layers[l];
    params += layers[l - 1] * layers[l] + layers[l];
    if (l < layers.length - 1) hidden += layers[l];
  }
  return { macs, hidden, params, classes: layers[layers.length - 1] };
}

const ACTS = ['tanh', 'relu', 'sigmoid'] as const;
const SHAPES = [
  [2, 8, 2],
  [2, 16, 16, 2],
  [2, 32, 2],
  [2, 6, 6, 6, 6, 6, 6, 2],
  [2, 12, 12, 12, 12, 5],
  [2, 32, 32, 32, 32, 2],
  [2, 20, 20, 20, 20, 20, 20, 20, 2],
];

function calibrate(): void {
  console.log(`Calibrating COST_CONSTANTS; load average ${load()}`);
  const K = COST_CONSTANTS;
  const out: Record<string, unknown> = {};

  // Built-in terrains.
  const kinds = ['himmelblau', 'rosenbrock', 'rastrigin', 'ackley', 'beale', 'levy', 'goldstein-price', 'sharp-vs-flat', 'saddle-maze'];
  const g2 = new Float64Array(2);
  const h4 = new Float64Array(4);
  let v = 0;
  let g = 0;
  let h = 0;
  for (const k of kinds) {
    const L = createLandscape({ kind: k });
    const th = [0.31, -0.42];
    v += perCall(() => L.value(th), 60);
    g += perCall(() => L.valueAndGradientInto(th, g2), 60);
    h += perCall(() => L.hessianInto!(th, h4), 60);
  }
  out.analyticValue = v / kinds.length;
  out.analyticGradient = g / kinds.length;
  out.analyticHessian = h / kinds.length;

  // Formulas: per call + per tape instruction.
  const formulas = ['x^2 - y^2', 'sin(3*x)*cos(3*y) + 0.1*(x^2+y^2)', FORMULA, `${FORMULA} + ${FORMULA.replaceAll('y', '(y-0.2)')}`];
  const X: number[][] = [];
  const T: number[] = [];
  for (const f of formulas) {
    const L = createLandscape({ kind: 'expression', expr: f });
    const c = compileExpression(f).tapeLengths;
    X.push([1, c.value], [1, c.gradient]);
    T.push(
      perCall(() => L.value([0.3, 0.2]), 80),
      perCall(() => L.valueAndGradientInto([0.3, 0.2], g2), 80),
    );
  }
  const [eCall, eInstr] = fitRelative(X, T);
  out.expressionCall = Math.max(eCall, 0.005);
  out.expressionInstruction = eInstr;

  // Optimizer arithmetic per parameter, on a terrain whose gradient costs only a fill.
  const free = (dim: number): Landscape =>
    ({
      dim,
      spec: { kind: 'rosenbrock' },
      info: { kind: 'free', title: '', lesson: '', bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, points: [], wideRange: false },
      value: () => 1,
      valueAndGradientInto: (_t: ArrayLike<number>, grad: Float64Array) => {
        grad.fill(1e-3);
        return 1;
      },
    }) as unknown as Landscape;
  const fits: number[][] = [];
  const ft: number[] = [];
  const noiseT: number[] = [];
  for (const dim of [2, 200, 1000, 4000]) {
    const L = free(dim);
    const fill = perCall(() => L.valueAndGradientInto(new Float64Array(0), new Float64Array(dim)), 40);
    for (const kind of ['sgd', 'adam', 'rmsprop']) {
      const opt = createOptimizer(kind === 'adam' ? { kind, lr: 1e-6 } : { kind, lr: 1e-6, momentum: 0.9 }, dim);
      const th = new Float64Array(dim);
      const rng = new Rng(1);
      fits.push([1, dim]);
      ft.push(perCall(() => opt.stepInPlace(th, L, rng), 60) - 0.5 * fill);
    }
    const noisy = createOptimizer({ kind: 'sgd', lr: 1e-6, noise: 0.1 }, dim);
    const plain = createOptimizer({ kind: 'sgd', lr: 1e-6 }, dim);
    const th = new Float64Array(dim);
    const rng = new Rng(2);
    if (dim > 2) noiseT.push((perCall(() => noisy.stepInPlace(th, L, rng), 60) - perCall(() => plain.stepInPlace(th, L, rng), 60)) / dim);
  }
  const [uBase, uPer] = fitRelative(fits, ft);
  out.updateBase = uBase;
  out.updatePerParam = uPer;
  out.noisePerParam = noiseT.reduce((a, b) => a + b, 0) / noiseT.length;

  // L-BFGS two-loop recursion per pair per parameter (no line search, history full).
  {
    const dim = 2000;
    const L = free(dim);
    const t: number[] = [];
    for (const hist of [5, 50]) {
      const opt = createOptimizer({ kind: 'lbfgs', lr: 1e-6, historySize: hist, lineSearch: 'none' }, dim);
      const th = new Float64Array(dim);
      const rng = new Rng(3);
      // Curvature pairs are stored only when yᵀs > 1e-10: give it a real quadratic.
      const quad = {
        ...free(dim),
        valueAndGradientInto: (x: ArrayLike<number>, grad: Float64Array) => {
          let f = 0;
          for (let i = 0; i < dim; i++) {
            grad[i] = (1 + (i % 7)) * x[i] + 1;
            f += 0.5 * (1 + (i % 7)) * x[i] * x[i] + x[i];
          }
          return f;
        },
      } as unknown as Landscape;
      for (let i = 0; i < 2 * hist; i++) opt.stepInPlace(th, quad, rng);
      t.push(perCall(() => opt.stepInPlace(th, quad, rng), 100));
    }
    void L;
    out.lbfgsPerPairParam = (t[1] - t[0]) / (45 * dim);
  }

  // Jacobi eigen-decomposition of real network Hessians.
  {
    const net = createMlpLandscape({ ...NET_354, layers: [2, 10, 8, 2], samples: 100 });
    const n = net.dim;
    const H = new Float64Array(n * n);
    denseHessianInto(net, net.center, H);
    const t = perCall(() => symmetricEigen(H, n), 400);
    out.eigenPerCube = t / n ** 3;
    const hv = perCall(() => denseHessianInto(net, net.center, H), 200);
    out['(check) dense Hessian / (n·hvp) of a 136-param net'] =
      hv / (n * perCall(() => net.hvpInto(net.center, net.center, new Float64Array(n)), 100));
  }

  // The network kernel: fit call + perParam·P + B·(mac·M + unit_act·H + class·C).
  {
    const rows: number[][] = [];
    const ts: number[] = [];
    for (const act of ACTS) {
      for (const layers of SHAPES) {
        const s = networkShape(layers);
        for (const B of [1, 16, 128, 1024]) {
          const trainer = createMlpTrainer({ layers, activation: act, batchSize: B });
          const rng = new Rng(`k${layers}${B}`);
          const theta = Float64Array.from({ length: s.params }, () => 0.3 * rng.normal());
          const x = Float64Array.from({ length: B * 2 }, () => rng.normal());
          const y = Int32Array.from({ length: B }, () => rng.int(s.classes));
          const grad = new Float64Array(s.params);
          const Bp = B + (B & 1);
          rows.push([
            1,
            s.params,
            Bp * s.macs,
            act === 'tanh' ? Bp * s.hidden : 0,
            act === 'relu' ? Bp * s.hidden : 0,
            act === 'sigmoid' ? Bp * s.hidden : 0,
            Bp * s.classes,
          ]);
          ts.push(perCall(() => trainer.lossAndGradientInto(theta, x, y, grad), 40));
        }
      }
    }
    const c = fitRelative(rows, ts);
    out.kernelCall = c[0];
    out.kernelPerParam = c[1];
    out.kernelMacSample = c[2];
    out.kernelUnitSample = { tanh: c[3], relu: c[4], sigmoid: c[5] };
    out.kernelClassSample = c[6];
    const err = rows.map((r, i) => r.reduce((a, v, j) => a + v * c[j], 0) / ts[i]);
    out['(check) kernel fit predicted/measured range'] = [Math.min(...err).toFixed(2), Math.max(...err).toFixed(2)];
  }

  // Minibatches through the landscape: per data point (identity permutation) and per member.
  {
    const L = createMlpLandscape({ ...NET_354, samples: 2000 });
    const theta = Float64Array.from(L.center);
    const grad = new Float64Array(L.dim);
    const rng = new Rng(5);
    const t32 = perCall(() => L.stochasticGradientInto(theta, grad, 32, rng), 100);
    const t63 = perCall(() => L.stochasticGradientInto(theta, grad, 63, rng), 100); // same kernel (64)
    const s = networkShape(NET_354.layers);
    const kernel64 =
      K.kernelCall +
      K.kernelPerParam * s.params +
      64 * (K.kernelMacSample * s.macs + K.kernelUnitSample.tanh * s.hidden + K.kernelClassSample * 2);
    out.batchPerMember = (t63 - t32) / 31;
    out.batchPerDataPoint = Math.max(0, (t32 - kernel64 - 32 * ((t63 - t32) / 31)) / 2000);
  }

  // Hessian-vector products and forward passes in the plain float64 loops.
  {
    const rows: number[][] = [];
    const ts: number[] = [];
    const prow: number[][] = [];
    const pts: number[] = [];
    for (const act of ACTS) {
      for (const layers of SHAPES) {
        const s = networkShape(layers);
        const net = new Mlp(layers, act);
        const rng = new Rng(`h${layers}`);
        const n = 64;
        const data = {
          x: Float64Array.from({ length: n * 2 }, () => rng.normal()),
          y: Int32Array.from({ length: n }, () => rng.int(s.classes)),
          classes: s.classes,
        };
        const theta = Float64Array.from({ length: s.params }, () => 0.3 * rng.normal());
        const vv = Float64Array.from({ length: s.params }, () => rng.normal());
        const hv = new Float64Array(s.params);
        rows.push([
          1,
          n * s.macs,
          act === 'tanh' ? n * s.hidden : 0,
          act === 'relu' ? n * s.hidden : 0,
          act === 'sigmoid' ? n * s.hidden : 0,
        ]);
        ts.push(perCall(() => net.hvpInto(theta, data, vv, hv), 60));
        prow.push([n * s.macs, act === 'tanh' ? n * s.hidden : 0, act === 'relu' ? n * s.hidden : 0, act === 'sigmoid' ? n * s.hidden : 0]);
        pts.push(perCall(() => net.loss(theta, data), 40));
      }
    }
    const c = fitRelative(rows, ts);
    out.hvpCall = c[0];
    out.hvpMacSample = c[1];
    out.hvpUnitSample = { tanh: c[2], relu: c[3], sigmoid: c[4] };
    const p = fitRelative(prow, pts);
    out.plainMacSample = p[0];
    out.plainUnitSample = { tanh: p[1], relu: p[2], sigmoid: p[3] };
  }

  // Race bookkeeping: ticks of one racer on himmelblau with 1 and 10 steps (per-tick and per-update parts).
  {
    const tickUs = (steps: number) => {
      const race = new Race({ ...base, landscape: 'himmelblau', ...only({ kind: 'adam', lr: 0.001 }), tickRate: 60, stepsPerTick: steps });
      for (let p = 0; p < 50; p++) race.addRacer(`p${p}`);
      return perCall(() => race.tick(), 200) / 50;
    };
    const t1 = tickUs(1);
    const t10 = tickUs(10);
    const perUpdate = (t10 - t1) / 9;
    out['(check) himmelblau adam: µs per update incl. its gradient and loss check'] = perUpdate;
    out.racerTick = t1 - perUpdate;
    // The projection of a full-space racer, per parameter.
    const L = createMlpLandscape({ ...NET_354, layers: [2, 32, 32, 32, 32, 2] }) as MlpLandscape;
    const drawn = new Float64Array(2);
    out.racerTickPerParam = perCall(() => L.projectInto!(L.center, drawn), 100) / L.dim;
  }

  // Lanczos reorthogonalisation, per stored vector per parameter (the HVPs subtracted).
  {
    const L = createMlpLandscape({ ...NET_354, layers: [2, 32, 32, 32, 32, 2], samples: 4 });
    const hvp = perCall(() => L.hvpInto(L.center, L.center, new Float64Array(L.dim)), 100);
    const t = perCall(() => hessianEigenvaluesLanczos(L, L.center, 1, { maxIterations: 30, tol: 0 }), 400);
    out.lanczosPerVectorParam = Math.max(0, (t - 30 * hvp) / (L.dim * 2 * ((30 * 31) / 2)));
  }

  console.log('Measured constants (µs); paste the ones you trust into COST_CONSTANTS:');
  for (const [k, val] of Object.entries(out)) {
    const show = (x: unknown) => (typeof x === 'number' ? Number(x.toPrecision(3)) : x);
    const now = (K as Record<string, unknown>)[k];
    const fmtv = (x: unknown) =>
      x && typeof x === 'object' && !Array.isArray(x)
        ? JSON.stringify(Object.fromEntries(Object.entries(x).map(([a, b]) => [a, show(b)])))
        : JSON.stringify(show(x));
    console.log(`  ${k}: ${fmtv(val)}${now !== undefined ? `   (now ${fmtv(now)})` : ''}`);
  }
  console.log(`load average at the end: ${load()}`);
}

if (process.argv.includes('--calibrate')) calibrate();
else runRooms();
