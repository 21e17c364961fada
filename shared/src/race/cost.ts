import { SpecError, describeValue } from '../spec/SpecError';
import type { Landscape, LandscapeSpec } from '../landscapes/Landscape';
import { compileExpression, NEWTON_MAX_DIM, type OptimizerKind, type OptimizerSpec } from './deps';
import { parseSettingsWithLandscape, type RaceSettings } from './RaceSettings';

/**
 * The compute cost of a race room: from its settings and a player count, the
 * simulation work `Race` will do, in **milliseconds of one core per second of
 * race** (1000 = one core kept fully busy), the longest single tick, and the
 * one-off results analysis at the end. The server uses it to refuse settings a
 * public server cannot carry (issue 12: Newton on a 354-parameter network
 * froze the process for 16 s; the largest network at 60 Hz × 50 steps with two
 * players starved every other room).
 *
 * The model follows `Race.tick()` (read it beside this file):
 *   per second = tickRate × players × (racer bookkeeping + stepsPerTick × (one
 *   update + a loss check on terrains without data) + one full-data loss check
 *   per tick on network terrains) + the live standings once per second.
 * One update costs its gradient evaluations (SAM ×2; minibatch size on
 * networks), the optimizer's own arithmetic (per parameter; Gaussian noise per
 * parameter; L-BFGS's two-loop recursion over its history), and for Newton a
 * dense Hessian (the terrain's Hessian in 2-D, two exact Hessian-vector
 * products on a network slice, `dim` of them on a full network) plus an
 * O(dim³) Jacobi eigen-decomposition. One evaluation costs a constant on the
 * built-in terrains, a multiple of its tape length on a formula, and on a
 * network (multiply-adds × samples, activations × samples, parameters) in
 * the fused WebAssembly kernel — Hessian-vector products run in the plain
 * float64 loops, about twenty times slower per multiply-add.
 *
 * Which optimizer the players run decides most of it, and players choose (and
 * retune) within the host's rules; `assume: 'worst'` (the default) prices every
 * racer at the most expensive optimizer the rules allow — any allowed kind,
 * SAM and noise whenever their ranges allow them, full batches, L-BFGS with
 * 1000 curvature pairs, Newton with its line search. `assume: 'default'`
 * prices the default optimizer (what a class that never touches a knob costs).
 *
 * The constants (`COST_CONSTANTS`, µs) were measured on the project's 2-core
 * machine (Node 20) and are checked against real rooms' `Race.tick()` by
 * `npm run bench -- cost` (within 2× everywhere; `--calibrate` re-measures the
 * constants). They describe one core of that machine: a faster server is
 * simply more conservative.
 *
 * @example
 *   const settings = { landscape: MOONS_NETWORK_SPEC, tickRate: 20, stepsPerTick: 2 };
 *   estimateRoomCost(settings, 10, { assume: 'default' }).msPerSecond; // ≈ 4.6 (measured 5.4–6.2): ms of one core per second
 *   const worst = estimateRoomCost(settings, 10);                        // every player on Newton: ≈ 69
 *   worst.parts[0].label;    // "Newton's Hessian (2 Hessian-vector products per update)"
 *   checkRoomCost(settings, 40, SUGGESTED_ROOM_BUDGET); // throws a SpecError naming what to lower
 */

/** Measured costs in µs of one core (see the module note and test/bench/cost.bench.ts). */
export const COST_CONSTANTS = Object.freeze({
  /** A built-in 2-D terrain: one value, one value+gradient, one Hessian (mean of nine). */
  analyticValue: 0.021,
  analyticGradient: 0.041,
  analyticHessian: 0.037,
  /** An instructor's formula: per call, plus per instruction of the value / gradient / Hessian tape. */
  expressionCall: 0.007,
  expressionInstruction: 0.0036,
  /** One optimizer update in a race, beyond its evaluations: fixed, and per parameter (transform, copies, finiteness checks). */
  updateBase: 0.15,
  updatePerParam: 0.002,
  /** Additive Gaussian gradient noise, per parameter and update (a portable Gaussian draw). */
  noisePerParam: 0.054,
  /** L-BFGS: fixed work per update, per line-search trial beyond its evaluation, and the two-loop recursion per stored pair per parameter. */
  lbfgsBase: 0.7,
  lbfgsSearchTrial: 0.5,
  lbfgsPerPairParam: 0.0063,
  /** Mean evaluations of L-BFGS's strong-Wolfe search per update while a racer still moves (measured 1–2.9 over 8 terrains, lr 0.01–100; 0 once converged). */
  lbfgsSearchEvaluations: 1.5,
  /** Mean Armijo trials of Newton's line search per update (measured 1–3.5). */
  newtonSearchEvaluations: 1.5,
  /** Jacobi eigen-decomposition of a network Hessian, per n³. */
  eigenPerCube: 0.04,
  /** Forming and using a dense Hessian (copies, symmetrising, the step), per n². */
  newtonPerSquare: 0.01,
  /** Newton's 2-D step beyond its Hessian (eigen-decomposition of a 2×2, the step). */
  newton2d: 0.15,
  /** Per racer per tick: bookkeeping, drawing position, trail; plus the projection per parameter in the full space. */
  racerTick: 0.1,
  racerTickPerParam: 0.0016,
  /** One standings row, and one robust-loss probe per parameter (the perturbed point). */
  standingRow: 0.3,
  probePerParam: 0.003,
  /** The network kernel: per call, per parameter (copied in and out), per multiply-add × sample (forward and backward), per class × sample. */
  kernelCall: 0.13,
  kernelPerParam: 0.0005,
  kernelMacSample: 0.00055,
  kernelClassSample: 0.0072,
  /** The kernel's activations, per hidden unit × sample (forward and backward). */
  kernelUnitSample: { tanh: 0.0017, relu: 0, sigmoid: 0.0017 },
  /** A 2-D slice: forming the network from (a, b) and projecting the gradient, per parameter. */
  slicePerParam: 0.002,
  /** A minibatch: per data point (the shuffle's identity permutation) and per batch member (draw, gather). */
  batchPerDataPoint: 0.0005,
  batchPerMember: 0.22,
  /** Exact Hessian-vector product in the plain float64 loops: per call, per multiply-add × sample, per hidden unit × sample. */
  hvpCall: 8.6,
  hvpMacSample: 0.0075,
  hvpUnitSample: { tanh: 0.019, relu: 0.012, sigmoid: 0.0165 },
  /** Plain float64 forward pass (test loss and accuracy at the end), per multiply-add × sample and per hidden unit × sample. */
  plainMacSample: 0.00087,
  plainUnitSample: { tanh: 0.0186, relu: 0.0078, sigmoid: 0.0143 },
  /** The results of one racer beyond its evaluations: point analysis, the note, ranking. */
  resultsRacer: 8,
  /** Lanczos with full reorthogonalisation: per stored vector per parameter per iteration. */
  lanczosPerVectorParam: 0.0025,
});

/** What the cost model reads of a built landscape: its dimension, data size and view. */
export type LandscapeShape = Pick<Landscape, 'dim' | 'info' | 'dataSize'>;

/** What a share of the cost is spent on (stable ids for code; `label` is for people). */
export type CostPartId =
  | 'gradients'
  | 'loss-checks'
  | 'optimizer-arithmetic'
  | 'newton-hessian'
  | 'newton-eigen'
  | 'line-search'
  | 'bookkeeping'
  | 'standings';

export interface CostPart {
  id: CostPartId;
  /** In words a host understands, e.g. "Newton's Hessian (354 Hessian-vector products per update)". */
  label: string;
  /** ms of one core per second of race. */
  msPerSecond: number;
}

/** The optimizer a cost estimate prices every racer at. */
export interface AssumedOptimizer {
  kind: OptimizerKind;
  sam: boolean;
  noise: boolean;
  /** Minibatch size on network terrains, or null for the full data set. */
  batchSize: number | null;
  /** L-BFGS's stored curvature pairs (0 for other kinds). */
  historySize: number;
  /** Newton's or L-BFGS's line search. */
  lineSearch: boolean;
}

export interface RoomCost {
  /** ms of one core per second of race, every player racing (1000 = a whole core). */
  msPerSecond: number;
  /** ms of the longest tick: every player's updates plus the standings on the tick that computes them. */
  tickMs: number;
  /** ms of the results analysis when the round ends (robust loss, curvature), all players… */
  resultsMs: number;
  /** …and of one player's share, the slice `Race.resultsStepwise()` computes in one `next()`. */
  resultsMsPerRacer: number;
  /** The shares of `msPerSecond`, largest first. */
  parts: CostPart[];
  /** ms of one optimizer update of one racer (its evaluations included). */
  updateMs: number;
  players: number;
  assumed: AssumedOptimizer;
  /** The terrain in words: "a 354-parameter network (all weights) on 200 samples". */
  terrain: string;
}

export interface RoomCostOptions {
  /** Price every racer at the most expensive optimizer the rules allow (default), or at the default optimizer. */
  assume?: 'worst' | 'default';
  /**
   * The landscape these settings build, or what a thread that built it
   * reported of it, when the caller has it already (then `settings` must be
   * parsed `RaceSettings`): building a large network's landscape costs far
   * more than the estimate itself.
   */
  landscape?: LandscapeShape;
  /** How often the live standings are computed (the server's SLOW_FIELDS_MS: once a second). */
  standingsPerSecond?: number;
  /**
   * The optimizers of racers already in the room (normalised specs, e.g. each
   * `RacerView.optimizer`, with a retune's new spec in place of the old): they
   * are priced as they are, the remaining players by `assume`.
   */
  racers?: readonly OptimizerSpec[];
}

/** Limits a server puts on one room. */
export interface ComputeBudget {
  /** Most ms of one core per second of race. */
  msPerSecond: number;
  /** Longest one tick may take (ms): every room on the same event loop waits that long. */
  tickMs: number;
  /** Longest one racer's results analysis may take (ms). */
  resultsMsPerRacer: number;
}

/**
 * A budget for one room on a 2-core server that must keep every other room at
 * ≥ 19 ticks/s with update gaps p99 ≤ 150 ms while simulation runs on the
 * event loop (ms of one core of the calibration machine):
 * - 150 ms per second is 15 % of a core: with `SUGGESTED_PROCESS_MS_PER_SECOND`
 *   (600) at least four heavy rooms fit, and the loop keeps ~30 % of its time
 *   for sockets and patches (measured 9 % of a core for 400 clients in 10
 *   rooms), garbage collection and bursts;
 * - a 25 ms tick: a room waiting behind one such tick and the others' share of
 *   a 50 ms period (30 ms at 600 ms/s) still ticks within ~105 ms;
 * - 100 ms for one racer's results analysis (`Race.resultsStepwise()` yields
 *   between racers).
 *
 * Suggested use: when settings are chosen, `checkRoomCost(settings, 1, budget)`
 * (the worst single player: refuses Newton on a 354-parameter network, whose
 * one update takes ~2 s, whatever the player count) and
 * `checkRoomCost(settings, maxPlayers, budget, { assume: 'default' })` (a
 * full class on the default optimizer fits); on each join and retune,
 * `checkRoomCost(settings, n, budget, { assume: 'default', racers })` with
 * the racers' actual optimizers (the change that would tip the room over is
 * refused, naming Newton or SAM); admit a new room only while the sum of
 * every room's `msPerSecond` stays under the process budget. Every built-in
 * terrain's preset passes both settings checks with 40 players.
 */
export const SUGGESTED_ROOM_BUDGET: Readonly<ComputeBudget> = Object.freeze({ msPerSecond: 150, tickMs: 25, resultsMsPerRacer: 100 });

/** Simulation work the whole process may carry on its event loop (ms of one core per second); see `SUGGESTED_ROOM_BUDGET`. */
export const SUGGESTED_PROCESS_MS_PER_SECOND = 600;

const LBFGS_WORST_HISTORY = 1000;
/** Lanczos iterations per end of the spectrum in the results analysis (results.ts). */
const RESULTS_LANCZOS_ITERATIONS = 30;

/** The cost of evaluating one terrain, in µs. */
interface TerrainCost {
  dim: number;
  dataSize: number | null;
  description: string;
  value: number;
  /** One value+gradient: the full data set, or a minibatch of `batch`. */
  gradient(batch: number | null): number;
  /** The dense Hessian Newton forms, and how it is made (for the label). */
  hessian: number;
  hessianWhat: string;
  /** One exact Hessian-vector product in the landscape's coordinates (Lanczos at the end, dim > 2). */
  hvp: number;
  /** Train and test loss and accuracy by the plain loops (test-loss scoring), or 0. */
  evaluate: number;
}

/**
 * Expected simulation cost of a room with these settings and `players`
 * racers (see the module note). `settings` may be raw JSON (it is validated;
 * throws `SpecError` like `parseRaceSettings`) or already parsed.
 *
 * @example
 *   estimateRoomCost({ landscape: 'himmelblau' }, 40, { assume: 'default' }).msPerSecond; // ≈ 0.5
 *   estimateRoomCost({ landscape: 'himmelblau' }, 40).msPerSecond; // ≈ 23: all on L-BFGS with 1000 pairs
 */
export function estimateRoomCost(settings: RaceSettings | unknown, players: number, options: RoomCostOptions = {}): RoomCost {
  if (!(typeof players === 'number' && Number.isInteger(players) && players >= 0 && players <= 10_000)) {
    throw new SpecError('players', `must be an integer in [0, 10000], got ${describeValue(players)}`);
  }
  const assume = options.assume ?? 'worst';
  if (assume !== 'worst' && assume !== 'default') {
    throw new SpecError('options.assume', `must be 'worst' or 'default', got ${describeValue(assume)}`);
  }
  const standingsPerSecond = options.standingsPerSecond ?? 1;
  if (!(typeof standingsPerSecond === 'number' && standingsPerSecond >= 0 && standingsPerSecond <= 1000)) {
    throw new SpecError('options.standingsPerSecond', `must be a number in [0, 1000], got ${describeValue(standingsPerSecond)}`);
  }
  const known = options.racers ?? [];
  if (!Array.isArray(known) || known.length > players) {
    throw new SpecError(
      'options.racers',
      `must be an array of at most ${players} optimizer specs (one per player), got ${describeValue(known)}`,
    );
  }
  const { settings: s, landscape } = options.landscape
    ? { settings: settings as RaceSettings, landscape: options.landscape }
    : parseSettingsWithLandscape(settings);
  const K = COST_CONSTANTS;
  const terrain = terrainCost(s.landscape, landscape);
  const dim = terrain.dim;
  const dataBacked = terrain.dataSize !== null;
  const lossEveryUpdate = !dataBacked || s.scoring.kind === 'time-to-target';

  // Every racer is priced at its own optimizer when known, the others at the assumption.
  const costliest = (candidates: AssumedOptimizer[]) => {
    let best: { a: AssumedOptimizer; u: UpdateCost } | null = null;
    for (const a of candidates) {
      const u = updateCost(a, terrain);
      if (!best || u.total > best.u.total) best = { a, u };
    }
    return best!;
  };
  const rest = costliest(assume === 'default' ? [assumedFrom(s.defaultOptimizer)] : worstCandidates(s, dim));
  const priced = known.map((spec) => {
    const a = assumedFrom(spec);
    return { a, u: updateCost(a, terrain) };
  });
  for (let i = known.length; i < players; i++) priced.push(rest);
  let top = priced.length > 0 ? priced[0] : rest;
  for (const r of priced) if (r.u.total > top.u.total) top = r;

  // Per racer per tick (µs), summed over racers, split into the parts a host can act on.
  const steps = s.stepsPerTick;
  const sum = { gradients: 0, arithmetic: 0, hessian: 0, eigen: 0, search: 0 };
  for (const { u } of priced) {
    sum.gradients += steps * u.gradients;
    sum.arithmetic += steps * u.arithmetic;
    sum.hessian += steps * u.hessian;
    sum.eigen += steps * u.eigen;
    sum.search += steps * u.search;
  }
  const lossChecks = players * (lossEveryUpdate ? steps : 1) * terrain.value;
  const bookkeeping = players * (K.racerTick + (dim > 2 ? K.racerTickPerParam * dim : 0));
  const robustStandings = s.scoring.kind === 'robust-loss' && !dataBacked;
  const standingRacer =
    K.standingRow + (robustStandings && s.scoring.kind === 'robust-loss' ? s.scoring.samples * (terrain.value + K.probePerParam * dim) : 0);
  const perSecond = (us: number) => (us * s.tickRate) / 1000;
  const searchWhat = top.a.kind === 'newton' ? "Newton's line search" : 'L-BFGS line search';
  const parts: CostPart[] = [
    { id: 'gradients', label: gradientLabel(top.a, terrain), msPerSecond: perSecond(sum.gradients) },
    {
      id: 'loss-checks',
      label: lossEveryUpdate ? 'the loss after every update' : 'the full-data loss once per tick',
      msPerSecond: perSecond(lossChecks),
    },
    { id: 'optimizer-arithmetic', label: arithmeticLabel(top.a, dim), msPerSecond: perSecond(sum.arithmetic) },
    { id: 'newton-hessian', label: `Newton's Hessian (${terrain.hessianWhat} per update)`, msPerSecond: perSecond(sum.hessian) },
    { id: 'newton-eigen', label: `Newton's eigen-decomposition of a ${dim}×${dim} Hessian per update`, msPerSecond: perSecond(sum.eigen) },
    { id: 'line-search', label: searchWhat, msPerSecond: perSecond(sum.search) },
    { id: 'bookkeeping', label: 'racer bookkeeping', msPerSecond: perSecond(bookkeeping) },
    {
      id: 'standings',
      label: robustStandings ? 'the live robust-loss standings' : 'the live standings',
      msPerSecond: (standingsPerSecond * players * standingRacer) / 1000,
    },
  ];
  parts.sort((p, q) => q.msPerSecond - p.msPerSecond);
  const msPerSecond = parts.reduce((t, p) => t + p.msPerSecond, 0);
  const tickUs =
    sum.gradients +
    sum.arithmetic +
    sum.hessian +
    sum.eigen +
    sum.search +
    lossChecks +
    bookkeeping +
    (standingsPerSecond > 0 ? players * standingRacer : 0);

  // The results analysis (results.ts `analyse`), per racer.
  const samples = s.scoring.kind === 'robust-loss' ? s.scoring.samples : 64;
  let resultsUs = K.resultsRacer + samples * (terrain.value + K.probePerParam * dim);
  if (dim === 2) resultsUs += terrain.hessian;
  else {
    const it = Math.min(dim, RESULTS_LANCZOS_ITERATIONS);
    resultsUs += terrain.gradient(null) + 2 * (it * terrain.hvp + K.lanczosPerVectorParam * dim * ((it * (it + 1)) / 2) * 2);
  }
  if (s.scoring.kind === 'test-loss') resultsUs += terrain.evaluate;
  return {
    msPerSecond,
    tickMs: tickUs / 1000,
    resultsMs: (players * resultsUs) / 1000,
    resultsMsPerRacer: resultsUs / 1000,
    parts,
    updateMs: top.u.total / 1000,
    players,
    assumed: top.a,
    terrain: terrain.description,
  };
}

/**
 * Throws a `SpecError` when a room with these settings and `players` racers
 * would exceed `budget`, naming what dominates and what to lower; returns the
 * estimate otherwise. The error's path is the setting that helps most
 * (`settings.allowedOptimizers` when Newton dominates, `settings.landscape`
 * for a network's gradients, `settings.stepsPerTick` otherwise).
 *
 * @example
 *   checkRoomCost({ landscape: net354, allowedOptimizers: ['sgd', 'newton'], tickRate: 1, stepsPerTick: 1 }, 1, SUGGESTED_ROOM_BUDGET);
 *   // SpecError settings.allowedOptimizers: this round would need ~1992 ms of computing per second for 1 player,
 *   // 89 % of it for Newton's eigen-decomposition of a 354×354 Hessian per update; the limit is 150 ms: pick another
 *   // optimizer than Newton, lower the players, lower the steps per tick or the tick rate, use a smaller network or fewer samples
 */
export function checkRoomCost(
  settings: RaceSettings | unknown,
  players: number,
  budget: ComputeBudget,
  options: RoomCostOptions = {},
  path = 'settings',
): RoomCost {
  checkBudget(budget);
  const cost = estimateRoomCost(settings, players, options);
  const refusal = roomCostRefusal(cost, budget);
  if (refusal) throw new SpecError(`${path}.${refusal.field}`, refusal.message);
  return cost;
}

/**
 * Why `cost` does not fit `budget`, in plain words, with the setting to change
 * first (`field`, relative to the settings object); null when it fits.
 */
export function roomCostRefusal(cost: RoomCost, budget: ComputeBudget): { field: string; message: string } | null {
  checkBudget(budget);
  const top = cost.parts[0];
  const share = cost.msPerSecond > 0 ? Math.round((100 * top.msPerSecond) / cost.msPerSecond) : 0;
  const levers = leversFor(cost);
  const advice = `: ${levers.map((l) => l.advice).join(', ')}`;
  if (cost.msPerSecond > budget.msPerSecond) {
    return {
      field: levers[0].field,
      message:
        `this round would need ~${round(cost.msPerSecond)} ms of computing per second for ${cost.players} player${cost.players === 1 ? '' : 's'}, ` +
        `${share} % of it for ${top.label}; the limit is ${round(budget.msPerSecond)} ms${advice}`,
    };
  }
  if (cost.tickMs > budget.tickMs) {
    return {
      field: levers[0].field,
      message:
        `one tick of this round would take ~${round(cost.tickMs)} ms of computing for ${cost.players} player${cost.players === 1 ? '' : 's'} ` +
        `(one update alone ~${round(cost.updateMs)} ms), mostly for ${top.label}; the limit is ${round(budget.tickMs)} ms, so other rooms would stall${advice}`,
    };
  }
  if (cost.resultsMsPerRacer > budget.resultsMsPerRacer) {
    return {
      field: 'landscape',
      message:
        `analysing one player's result at the end would take ~${round(cost.resultsMsPerRacer)} ms (robust loss and curvature on ${cost.terrain}); ` +
        `the limit is ${round(budget.resultsMsPerRacer)} ms: use a smaller network or fewer samples`,
    };
  }
  return null;
}

// ───────────────────────────── internals ─────────────────────────────

interface UpdateCost {
  gradients: number;
  arithmetic: number;
  hessian: number;
  eigen: number;
  search: number;
  total: number;
}

function updateCost(a: AssumedOptimizer, t: TerrainCost): UpdateCost {
  const K = COST_CONSTANTS;
  const n = t.dim;
  const evals = a.sam ? 2 : 1;
  const gradients = evals * t.gradient(a.batchSize);
  let arithmetic = K.updateBase + K.updatePerParam * n * evals + (a.noise ? K.noisePerParam * n : 0);
  let hessian = 0;
  let eigen = 0;
  let search = 0;
  if (a.kind === 'newton') {
    hessian = t.hessian;
    if (n > 2) {
      eigen = K.eigenPerCube * n * n * n;
      arithmetic += K.newtonPerSquare * n * n;
    } else arithmetic += K.newton2d;
    if (a.lineSearch) search = K.newtonSearchEvaluations * (t.value + K.updatePerParam * n);
  } else if (a.kind === 'lbfgs') {
    arithmetic += K.lbfgsBase + K.lbfgsPerPairParam * a.historySize * n;
    if (a.lineSearch) search = K.lbfgsSearchEvaluations * (t.gradient(null) + K.lbfgsSearchTrial);
  }
  return { gradients, arithmetic, hessian, eigen, search, total: gradients + arithmetic + hessian + eigen + search };
}

/**
 * What the cost model reads of an optimizer spec (kind, SAM, noise, batch
 * size, L-BFGS memory, line search): two specs with equal `assumedFrom` cost
 * the same, so a server can price a racer once per distinct value.
 */
export function assumedFrom(spec: OptimizerSpec): AssumedOptimizer {
  return {
    kind: spec.kind,
    sam: spec.samRadius > 0,
    noise: spec.noise > 0,
    batchSize: spec.batchSize,
    historySize: spec.kind === 'lbfgs' ? spec.historySize : 0,
    lineSearch: spec.kind === 'newton' ? spec.lineSearch : spec.kind === 'lbfgs' ? spec.lineSearch === 'strong-wolfe' : false,
  };
}

/** The most expensive choice a player can make of each allowed kind under the host's knob rules. */
function worstCandidates(s: RaceSettings, dim: number): AssumedOptimizer[] {
  const d = s.defaultOptimizer;
  const locked = (k: string) => (s.lockedKnobs as readonly string[]).includes(k);
  const sam = locked('samRadius') ? d.samRadius > 0 : s.knobRanges.samRadius[1] > 0;
  const noise = locked('noise') ? d.noise > 0 : s.knobRanges.noise[1] > 0;
  // An unlocked batch size can always be left unset: the full data set.
  const batchSize = locked('batchSize') ? d.batchSize : null;
  // Newton cannot run above NEWTON_MAX_DIM parameters (its step refuses), so it costs nothing there.
  const kinds = s.allowedOptimizers.filter((k) => k !== 'newton' || dim <= NEWTON_MAX_DIM);
  return (kinds.length > 0 ? kinds : s.allowedOptimizers).map((kind) => ({
    kind,
    sam,
    noise,
    batchSize,
    historySize: kind === 'lbfgs' ? LBFGS_WORST_HISTORY : 0,
    lineSearch: kind === 'newton' || kind === 'lbfgs',
  }));
}

function terrainCost(spec: LandscapeSpec, landscape: LandscapeShape): TerrainCost {
  const K = COST_CONSTANTS;
  if (spec.kind === 'mlp') return networkCost(spec, landscape);
  if (spec.kind === 'expression') {
    const { value, gradient, hessian } = compileExpression(spec.expr).tapeLengths;
    const at = (len: number) => K.expressionCall + K.expressionInstruction * len;
    return {
      dim: 2,
      dataSize: null,
      description: `the formula ${spec.expr.length > 40 ? `${spec.expr.slice(0, 40)}…` : spec.expr}`,
      value: at(value),
      gradient: () => at(gradient),
      hessian: at(hessian),
      hessianWhat: 'the formula’s second derivatives',
      hvp: at(hessian),
      evaluate: 0,
    };
  }
  return {
    dim: landscape.dim,
    dataSize: null,
    description: `the ${landscape.info.title} terrain`,
    value: K.analyticValue,
    gradient: () => K.analyticGradient,
    hessian: K.analyticHessian,
    hessianWhat: 'the terrain’s second derivatives',
    hvp: K.analyticHessian,
    evaluate: 0,
  };
}

function networkCost(spec: Extract<LandscapeSpec, { kind: 'mlp' }>, landscape: LandscapeShape): TerrainCost {
  const K = COST_CONSTANTS;
  const layers = spec.layers;
  const act = spec.activation;
  let macs = 0;
  let hidden = 0;
  let params = 0;
  for (let l = 1; l < layers.length; l++) {
    macs += layers[l - 1] * layers[l];
    params += layers[l - 1] * layers[l] + layers[l];
    if (l < layers.length - 1) hidden += layers[l];
  }
  const classes = layers[layers.length - 1];
  const n = landscape.dataSize ?? 1;
  const testSize = 'dataset' in spec ? (spec.testSamples ?? spec.samples) : spec.testData ? spec.testData.y.length : 0;
  const slice = landscape.dim === 2;
  const decay = (spec.weightDecay ?? 0) > 0;
  const extra = (slice ? K.slicePerParam * params : 0) + (decay ? 2 * K.updatePerParam * params : 0);
  // The kernel is compiled for batches rounded up to a power of two (at most the data size), padded to even.
  const kernel = (count: number): number => {
    let size = 1;
    while (size < count) size *= 2;
    if (size > n) size = n;
    const B = size + (size & 1);
    return (
      K.kernelCall +
      K.kernelPerParam * params +
      B * (K.kernelMacSample * macs + K.kernelUnitSample[act] * hidden + K.kernelClassSample * classes)
    );
  };
  const full = kernel(n) + extra;
  const hvpFull = K.hvpCall + n * (K.hvpMacSample * macs + K.hvpUnitSample[act] * hidden) + (decay ? K.updatePerParam * params : 0);
  const plainPass = (samples: number) => samples * (K.plainMacSample * macs + K.plainUnitSample[act] * hidden);
  return {
    dim: landscape.dim,
    dataSize: n,
    description: `a ${params}-parameter network${slice ? ' (2-D slice)' : ' (all weights)'} on ${n} samples`,
    value: full,
    gradient: (batch) => (batch === null || batch >= n ? full : kernel(batch) + extra + K.batchPerDataPoint * n + K.batchPerMember * batch),
    hessian: slice ? 2 * (hvpFull + K.slicePerParam * params) : params * hvpFull,
    hessianWhat: slice ? '2 Hessian-vector products' : `${params} Hessian-vector products`,
    hvp: slice ? hvpFull + K.slicePerParam * params : hvpFull,
    // evaluate(): loss and accuracy on train and test, two passes each.
    evaluate: 2 * plainPass(n) + 2 * plainPass(testSize),
  };
}

function gradientLabel(a: AssumedOptimizer, t: TerrainCost): string {
  const what = `gradients of ${t.description}`;
  const batch = t.dataSize !== null && a.batchSize !== null && a.batchSize < t.dataSize ? ` in minibatches of ${a.batchSize}` : '';
  return `${what}${batch}${a.sam ? ' (two per update with SAM)' : ''}`;
}

function arithmeticLabel(a: AssumedOptimizer, dim: number): string {
  if (a.kind === 'lbfgs') return `L-BFGS's memory of ${a.historySize} steps × ${dim} parameters`;
  if (a.noise) return `the optimizer's arithmetic and gradient noise on ${dim} parameters`;
  return `the optimizer's arithmetic on ${dim} parameters`;
}

/** The settings to lower, the most effective first. */
function leversFor(cost: RoomCost): { field: string; advice: string }[] {
  const levers: { field: string; advice: string }[] = [];
  const top = cost.parts[0].id;
  const newton = cost.assumed.kind === 'newton';
  const lbfgs = cost.assumed.kind === 'lbfgs';
  if (newton && (top === 'newton-eigen' || top === 'newton-hessian' || top === 'line-search')) {
    levers.push({ field: 'allowedOptimizers', advice: 'pick another optimizer than Newton' });
  }
  if (lbfgs && (top === 'optimizer-arithmetic' || top === 'line-search')) {
    levers.push({ field: 'allowedOptimizers', advice: 'pick another optimizer than L-BFGS' });
  }
  if (cost.assumed.sam && top === 'gradients')
    levers.push({ field: 'knobRanges.samRadius', advice: 'turn SAM off (it doubles the gradients)' });
  levers.push({ field: 'maxPlayers', advice: 'lower the players' });
  levers.push({ field: 'stepsPerTick', advice: 'lower the steps per tick or the tick rate' });
  if (cost.terrain.includes('network')) levers.push({ field: 'landscape', advice: 'use a smaller network or fewer samples' });
  if (top === 'gradients' && cost.terrain.includes('network') && cost.assumed.batchSize === null) {
    levers.push({ field: 'knobRanges.batchSize', advice: 'lock a small minibatch size' });
  }
  if (top === 'standings') levers.unshift({ field: 'scoring.samples', advice: 'score with fewer robust-loss samples' });
  return levers;
}

function checkBudget(budget: ComputeBudget): void {
  for (const key of ['msPerSecond', 'tickMs', 'resultsMsPerRacer'] as const) {
    const v = budget?.[key];
    if (!(typeof v === 'number' && v > 0 && v < Infinity)) {
      throw new SpecError(`budget.${key}`, `must be a finite number of ms > 0, got ${describeValue(v)}`);
    }
  }
}

function round(ms: number): string {
  return ms >= 10 ? String(Math.round(ms)) : String(Number(ms.toPrecision(2)));
}
