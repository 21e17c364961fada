import type { KnownPoint, Landscape } from '../landscapes/Landscape';
import type { Seed } from '../random/Rng';
import {
  analyze,
  classifyEigenvalues,
  ZERO_EIGENVALUE_SHARE,
  formatNumber,
  hessianEigenvaluesLanczos,
  robustLoss,
  scheduledLearningRate,
  type ScheduleSpec,
} from './deps';
import { defaultRobustRadius, hasTestLoss, roundScore, roundSettledSeconds, type RaceSettings } from './RaceSettings';
import { formatScore } from './scoringText';
import { SETTLE_FRACTION, type Advice, type NoteKind, type PointClass, type RacerResult, type RacerView, type ResultInput } from './types';

/** Moved to format/formatNumber.ts; re-exported for existing importers. */
export { formatNumber };

/**
 * Results of a round: per racer the end point and what it means (loss, robust
 * loss, curvature, critical-point class), the score under the round's rule,
 * a rank, and a plain-language note on what happened, for students.
 *
 * Every note template is a claim the game makes, and test/shared/claims/
 * measures each one over many rounds. Two rules keep them true:
 * - a note says what happened, from numbers computed at the end point (a
 *   critical point only when the racer is at rest near one; "trapped" only
 *   when it is; the basin a moving racer is in by where it drains to);
 * - a note suggests a change only when the racer, re-run with that change
 *   from the same start with the same random draws under the same rules, got
 *   a better score — and then it quotes that score (`RacerResult.advice`).
 */

export interface RaceLike {
  readonly settings: RaceSettings;
  readonly landscape: Landscape;
  readonly seed: Seed;
  readonly dim: number;
  readonly tickCount: number;
  readonly maxTicks: number | null;
}

/**
 * Re-runs one racer with `change` applied to every optimizer spec it used
 * (same start, join tick, retune ticks and random stream; same rules and
 * length) and returns its rounded score, or null when the change is not
 * allowed (outside the host's ranges). `Race` provides it on terrains cheap
 * enough to re-run; without it, notes give no advice.
 */
export type Rerun = (input: ResultInput, change: Record<string, unknown>) => { score: number | null; diverged: boolean } | null;

interface Analysis {
  finalLoss: number | null;
  robust: number | null;
  robustRadius: number;
  gradientNorm: number | null;
  eigenvalues: number[];
  lambdaMax: number | null;
  lambdaMin: number | null;
  /** Curvature class of the end point's Hessian (whether or not it is a critical point). */
  hessianClass: PointClass | null;
  /**
   * Whether a critical point is close: in 2-D, the step to the critical point
   * of the local quadratic model, ‖H⁻¹g‖, is within the settle distance
   * (SETTLE_FRACTION of the view's diagonal: a racer "at" a point rests there);
   * in higher dimensions, ‖g‖ < 1e-3.
   */
  nearCritical: boolean;
  /** Rounded score under the round's rule. */
  score: number | null;
  /** SAM racers: the norm of the gradient SAM steps with (taken ρ uphill), at the end point. */
  samGradientNorm: number | null;
  /** 2-D analytic terrains: the known minimum the end point drains to under gradient flow. */
  drainsTo: KnownPoint | null;
}

/** The seed of the one perturbation set every racer of a round is judged on. */
export function robustSeed(raceSeed: Seed): string {
  return `robust:${String(raceSeed)}`;
}

const finiteOrNull = (v: number | undefined | null): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * A racer's score under the round's rule, rounded to the rule's decimals
 * (null when diverged or when the rule gives none). `Race.standings` and the
 * re-runs behind advice use exactly this.
 */
export function scoreOf(race: Pick<RaceLike, 'settings' | 'landscape' | 'seed'>, v: RacerView): number | null {
  if (v.status === 'diverged') return null;
  const s = race.settings;
  const scoring = s.scoring;
  const L = race.landscape;
  let raw: number | null = null;
  switch (scoring.kind) {
    case 'robust-loss':
      raw = robustLoss(L, v.position, { radius: scoring.radius, samples: scoring.samples, seed: robustSeed(race.seed) });
      break;
    case 'lowest-loss':
      raw = v.loss;
      break;
    case 'time-to-target':
      raw = v.finishUpdates === null ? null : v.finishUpdates / (s.stepsPerTick * s.tickRate);
      break;
    case 'test-loss':
      raw = hasTestLoss(L) ? L.evaluate(v.position).testLoss : null;
      break;
  }
  return roundScore(finiteOrNull(raw), scoring);
}

/** Whether landscapes of this kind are cheap enough to analyse with dense 2-D tools and re-run for advice. */
export function isAnalytic2D(L: Landscape): boolean {
  return L.dim === 2 && L.dataSize === undefined;
}

function analyse(race: RaceLike, r: ResultInput): Analysis {
  const L = race.landscape;
  const s = race.settings;
  const p = r.view.position;
  const scoring = s.scoring;
  const robustRadius = scoring.kind === 'robust-loss' ? scoring.radius : defaultRobustRadius(L.info.bounds);
  const samples = scoring.kind === 'robust-loss' ? scoring.samples : 64;
  // One fixed set of perturbations for everyone: the same seed for every racer.
  const robust = finiteOrNull(robustLoss(L, p, { radius: robustRadius, samples, seed: robustSeed(race.seed) }));

  let eigenvalues: number[] = [];
  let gradientNorm: number | null = null;
  let hessianClass: PointClass | null = null;
  let nearCritical = false;
  const b = L.info.bounds;
  const diag = Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);
  if (L.dim === 2) {
    const a = analyze(L, p);
    eigenvalues = a.eigenvalues;
    gradientNorm = finiteOrNull(a.gradientNorm);
    hessianClass = eigenvalues.every(Number.isFinite) ? a.kind : null;
    let d2 = 0;
    for (let i = 0; i < 2; i++) {
      const gv = a.gradient[0] * a.eigenvectors[i][0] + a.gradient[1] * a.eigenvectors[i][1];
      d2 += gv === 0 ? 0 : (gv / a.eigenvalues[i]) ** 2;
    }
    nearCritical = Math.sqrt(d2) <= SETTLE_FRACTION * diag;
  } else {
    const g = new Float64Array(L.dim);
    L.valueAndGradientInto(p, g);
    let n2 = 0;
    for (let i = 0; i < g.length; i++) n2 += g[i] * g[i];
    gradientNorm = finiteOrNull(Math.sqrt(n2));
    nearCritical = gradientNorm !== null && gradientNorm < 1e-3;
    if (L.hvpInto && gradientNorm !== null) {
      // The extreme eigenvalues converge first; 30 H·v products each keep a 40-racer round's results quick.
      const opts = { maxIterations: Math.min(L.dim, 30), tol: 1e-6 };
      const top = hessianEigenvaluesLanczos(L, p, 1, { ...opts, which: 'largest' }).values[0];
      const bottom = hessianEigenvaluesLanczos(L, p, 1, { ...opts, which: 'smallest' }).values[0];
      eigenvalues = [bottom, top];
      // Lanczos ends are good to ~1e-6 relative: smaller eigenvalues count as zero.
      const tol = ZERO_EIGENVALUE_SHARE * Math.max(Math.abs(top), Math.abs(bottom));
      if (Number.isFinite(top) && Number.isFinite(bottom)) hessianClass = classifyEigenvalues([bottom, top], tol);
    }
  }
  // A Hessian that is not finite (a kink, an overflow) reports no eigenvalues at all.
  if (!eigenvalues.every(Number.isFinite)) eigenvalues = [];
  const lambdaMax = eigenvalues.length > 0 ? Math.max(...eigenvalues) : null;
  const lambdaMin = eigenvalues.length > 0 ? Math.min(...eigenvalues) : null;

  const v = r.view;
  const spec = v.optimizer as unknown as Record<string, unknown>;
  let samGradientNorm: number | null = null;
  const rho = typeof spec.samRadius === 'number' ? spec.samRadius : 0;
  if (rho > 0 && v.status !== 'diverged' && spec.samAdaptive !== true) samGradientNorm = samGradientNormAt(L, p, rho);
  const drainsTo = v.status !== 'diverged' && isAnalytic2D(L) && L.info.points.length > 0 ? drainToKnownMinimum(L, p) : null;

  return {
    finalLoss: finiteOrNull(v.loss),
    robust,
    robustRadius,
    gradientNorm,
    eigenvalues,
    lambdaMax,
    lambdaMin,
    hessianClass,
    nearCritical,
    score: scoreOf(race, v),
    samGradientNorm,
    drainsTo,
  };
}

/** ‖∇f(θ + ρ·g/‖g‖)‖: the gradient SAM takes its step with (Foret et al. 2021). */
function samGradientNormAt(L: Landscape, p: ArrayLike<number>, rho: number): number | null {
  const n = L.dim;
  const g = new Float64Array(n);
  L.valueAndGradientInto(p, g);
  let gn = 0;
  for (let i = 0; i < n; i++) gn += g[i] * g[i];
  gn = Math.sqrt(gn);
  const probe = new Float64Array(n);
  for (let i = 0; i < n; i++) probe[i] = p[i] + (rho * g[i]) / (gn + 1e-12);
  L.valueAndGradientInto(probe, g);
  let s = 0;
  for (let i = 0; i < n; i++) s += g[i] * g[i];
  return finiteOrNull(Math.sqrt(s));
}

/**
 * The known minimum whose basin of attraction holds p: follows gradient
 * flow (gradient descent with a backtracking line search) from p until it
 * stops, and returns the known minimum it ends next to (within 2% of the
 * view's diagonal), or null.
 */
export function drainToKnownMinimum(L: Landscape, p: ArrayLike<number>): KnownPoint | null {
  const minima = L.info.points.filter((q) => q.kind.endsWith('minimum'));
  if (minima.length === 0) return null;
  const b = L.info.bounds;
  const diag = Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);
  const x = Float64Array.from(p);
  const g = new Float64Array(2);
  const trial = new Float64Array(2);
  let f = L.valueAndGradientInto(x, g);
  let t = 1e-3 * diag;
  for (let it = 0; it < 4000 && Number.isFinite(f); it++) {
    const gg = g[0] * g[0] + g[1] * g[1];
    if (!(gg > 0)) break;
    // Armijo backtracking from a step that grows again after each success.
    let ft = Infinity;
    for (let k = 0; k < 60; k++) {
      trial[0] = x[0] - t * g[0];
      trial[1] = x[1] - t * g[1];
      ft = L.value(trial);
      if (ft <= f - 0.5 * t * gg) break;
      t /= 2;
    }
    if (!(ft <= f - 0.5 * t * gg)) break;
    const moved = t * Math.sqrt(gg);
    x.set(trial);
    f = L.valueAndGradientInto(x, g);
    t *= 2;
    if (moved < 1e-9 * diag) break;
  }
  return nearestPoint(minima, x, 0.02 * diag);
}

/** Ranks racers and writes their notes. Called by `Race.results()`. */
export function computeResults(race: RaceLike, inputs: ResultInput[], rerun?: Rerun): RacerResult[] {
  const steps = computeResultsStepwise(race, inputs, rerun);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * The same in slices, returning the ranked results: each `next()` analyses
 * one racer, then (once all are analysed) writes one racer's note, and yields
 * how many of those 2·n steps are done. On MLP terrains each analysis costs
 * dozens of full-data losses and Hessian-vector products, and a note's advice
 * re-runs the racer's round, so a server can spread them over several turns of
 * its event loop.
 */
export function* computeResultsStepwise(race: RaceLike, inputs: ResultInput[], rerun?: Rerun): Generator<number, RacerResult[], void> {
  const analyses: Analysis[] = [];
  for (const r of inputs) {
    analyses.push(analyse(race, r));
    yield analyses.length;
  }

  // Flattest and sharpest basins among racers at rest in a minimum (for the notes).
  const inMinimum = analyses
    .map((a, i) => ({ a, i }))
    .filter(
      ({ a, i }) =>
        inputs[i].view.status !== 'diverged' &&
        inputs[i].settledTick !== null &&
        a.nearCritical &&
        a.hessianClass === 'minimum' &&
        a.lambdaMax !== null &&
        a.lambdaMax > 0,
    );
  const basinRank = new Map<number, 'flattest' | 'sharpest'>();
  if (inMinimum.length >= 2) {
    const sorted = [...inMinimum].sort((p, q) => p.a.lambdaMax! - q.a.lambdaMax!);
    const lo = sorted[0];
    const hi = sorted[sorted.length - 1];
    if (hi.a.lambdaMax! >= 3 * lo.a.lambdaMax!) {
      basinRank.set(lo.i, 'flattest');
      basinRank.set(hi.i, 'sharpest');
    }
  }

  const rows: { result: RacerResult; order: number }[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const r = inputs[i];
    const a = analyses[i];
    const v = r.view;
    const explained = explain(race, r, a, basinRank.get(i), rerun);
    const drawn: [number, number] = [v.drawn[0], v.drawn[1]];
    const settled = v.status === 'diverged' || r.settledTick === null ? null : roundSettledSeconds(r.settledTick / race.settings.tickRate);
    rows.push({
      order: r.order,
      result: {
        id: v.id,
        rank: 0,
        score: a.score,
        settledSeconds: settled,
        status: v.status,
        endPoint: Array.from(v.position),
        drawnEndPoint: drawn,
        finalLoss: a.finalLoss,
        robustLoss: a.robust,
        lambdaMax: a.lambdaMax,
        eigenvalues: a.eigenvalues,
        pointClass: explained.pointClass,
        basin: explained.basin,
        gradientNorm: a.gradientNorm,
        gradientEvaluations: v.gradientEvaluations,
        updates: v.updates,
        joinTick: v.joinTick,
        optimizer: v.optimizer,
        note: explained.note,
        noteKind: explained.kind,
        advice: explained.advice,
      },
    });
    yield inputs.length + i + 1;
  }
  return rankResults(
    race.settings.scoring.kind,
    rows.map((r) => r.result),
    rows.map((r) => r.order),
  );
}

/**
 * Competition ranks ("1, 1, 3") over what the table shows: scored racers by
 * score, equal scores by settling time (sooner wins; never settled last);
 * then every racer without a score (diverged, or the target never reached)
 * level on the last rank, since each shows the same "—". Rows sharing a rank
 * are listed by final loss (diverged last), then join order. Under
 * time-to-target the score is itself a time and settling does not count.
 */
export function rankResults(kind: string, results: RacerResult[], order: number[]): RacerResult[] {
  const scored = (x: RacerResult) => x.score !== null;
  const settled = (x: RacerResult) => (kind === 'time-to-target' ? 0 : (x.settledSeconds ?? Infinity));
  const cmpKey = (i: number, j: number) => {
    const a = results[i];
    const b = results[j];
    if (scored(a) !== scored(b)) return scored(a) ? -1 : 1;
    if (!scored(a)) return 0;
    if (a.score !== b.score) return a.score! - b.score!;
    const sa = settled(a);
    const sb = settled(b);
    return sa === sb ? 0 : sa < sb ? -1 : 1;
  };
  const num = (v: number | null) => (v === null ? Infinity : v);
  const diverged = (x: RacerResult) => (x.status === 'diverged' ? 1 : 0);
  const idx = results.map((_, i) => i);
  idx.sort(
    (i, j) =>
      cmpKey(i, j) ||
      diverged(results[i]) - diverged(results[j]) ||
      num(results[i].finalLoss) - num(results[j].finalLoss) ||
      order[i] - order[j],
  );
  const out: RacerResult[] = [];
  idx.forEach((i, k) => {
    const rank = k > 0 && cmpKey(idx[k - 1], i) === 0 ? out[k - 1].rank : k + 1;
    out.push({ ...results[i], rank });
  });
  return out;
}

// ───────────────────────── "what happened" notes ─────────────────────────

const f = formatNumber;

function pointText(p: ArrayLike<number>): string {
  return `(${f(p[0])}, ${f(p[1])})`;
}

function specOf(v: RacerView): Record<string, unknown> {
  return v.optimizer as unknown as Record<string, unknown>;
}

interface Explained {
  note: string;
  kind: NoteKind;
  pointClass: PointClass | null;
  basin: 'flat' | 'sharp' | null;
  advice: Advice | null;
}

/** The candidate changes a note may suggest, by what happened. */
type Situation = 'diverged' | 'bouncing' | 'still-moving' | 'crawling' | 'trapped' | 'sharp' | 'saddle' | 'maximum' | 'jittering';

function explain(
  race: RaceLike,
  r: ResultInput,
  a: Analysis,
  basinRank: 'flattest' | 'sharpest' | undefined,
  rerun: Rerun | undefined,
): Explained {
  const v = r.view;
  const L = race.landscape;
  const s = specOf(v);
  const lr = typeof s.lr === 'number' ? s.lr : NaN;
  const withAdvice = (e: Omit<Explained, 'advice'>, situation: Situation | null): Explained => {
    const advice = situation && rerun ? findAdvice(race, r, a, situation, rerun) : null;
    return { ...e, note: advice ? `${e.note} ${adviceSentence(race, r, a, advice)}` : e.note, advice };
  };

  if (v.status === 'diverged') {
    const d = explainDivergence(L, r, a, lr, s);
    return withAdvice({ ...d, pointClass: null, basin: null }, d.kind === 'diverged' ? 'diverged' : null);
  }

  if (v.updates === 0 && (v.status === 'waiting' || v.status === 'racing')) {
    return {
      note: `Never moved: it joined at tick ${v.joinTick}, too late to take a step before the round ended.`,
      kind: 'not-started',
      pointClass: null,
      basin: null,
      advice: null,
    };
  }

  const b = L.info.bounds;
  const diag = Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);
  const loss = a.finalLoss ?? v.loss;
  const gText = a.gradientNorm === null ? '' : ` (gradient norm ${f(a.gradientNorm)})`;
  const points = L.dim === 2 ? L.info.points : [];
  const near = nearestPoint(points, v.drawn, 0.02 * diag);
  const globals = points.filter((p) => p.kind === 'global-minimum');
  const best = globals.length > 0 ? globals.reduce((p, q) => (q.value < p.value ? q : p)) : null;
  const lossTol = best ? 1e-3 * Math.max(1, Math.abs(best.value)) : 0;
  const atRest = r.settledTick !== null;
  const when = v.status === 'budget-spent' ? 'when its budget ran out' : 'at the end of the round';

  let prefix = '';
  if (v.status === 'finished') {
    const sec = v.finishUpdates! / (race.settings.stepsPerTick * race.settings.tickRate);
    const sc = race.settings.scoring;
    return {
      note: `Reached the target loss ${sc.kind === 'time-to-target' ? f(sc.target) : ''} in ${f(sec)} s (${v.finishUpdates} updates), at ${pointText(v.drawn)}.`,
      kind: 'reached-target',
      pointClass: null,
      basin: null,
      advice: null,
    };
  }
  if (v.status === 'budget-spent') {
    const sam = typeof s.samRadius === 'number' && s.samRadius > 0;
    prefix =
      `Used its whole budget of ${race.settings.budget} gradient evaluations in ${v.updates} updates` +
      `${sam ? ' (SAM costs 2 evaluations per update)' : ''}. `;
  }
  const done = (e: Omit<Explained, 'advice'>, situation: Situation | null) => {
    const out = withAdvice({ ...e, note: prefix + e.note }, situation);
    return out;
  };

  if (atRest && a.nearCritical && a.hessianClass !== null) {
    const cls = a.hessianClass;
    const basin = near?.basin ?? null;
    if (cls === 'minimum' && ((near && near.kind === 'global-minimum') || (best && loss <= best.value + lossTol))) {
      const body = `Reached the global minimum: loss ${f(loss)}${best ? ` (the lowest possible is ${f(best.value)})` : ''}.`;
      return done(
        { note: `${body} ${basinSentence(a, loss, basin, basinRank)}`.trim(), kind: 'global-minimum', pointClass: cls, basin },
        basin === 'sharp' ? 'sharp' : null,
      );
    }
    if (cls === 'minimum' && best && loss > best.value + lossTol) {
      const deeper = `the global minimum reaches ${f(best.value)} at ${pointText(best.point)}`;
      const body = `Stopped in a local minimum at ${pointText(v.drawn)}: loss ${f(loss)}, while ${deeper}. Every direction goes uphill from here, so plain gradient steps cannot leave.`;
      return done(
        { note: `${body} ${basinSentence(a, loss, basin, basinRank)}`.trim(), kind: 'local-minimum', pointClass: cls, basin },
        basin === 'sharp' ? 'sharp' : basin === 'flat' ? null : 'trapped',
      );
    }
    if (cls === 'minimum') {
      const body = `Settled in a minimum at ${pointText(v.drawn)}: loss ${f(loss)}.`;
      return done(
        { note: `${body} ${basinSentence(a, loss, basin, basinRank)}`.trim(), kind: 'minimum', pointClass: cls, basin },
        basin === 'sharp' ? 'sharp' : null,
      );
    }
    if (cls === 'saddle' || cls === 'degenerate') {
      let body =
        cls === 'degenerate'
          ? `Stalled at a flat critical point at ${pointText(v.drawn)}: the slope and the curvature both vanish here, so the steps cannot tell which way is down.`
          : `Stalled at a saddle point at ${pointText(v.drawn)}: the slope is almost flat${gText} but the surface curves down along one direction (λ_min = ${f(a.lambdaMin)}).`;
      if (s.kind === 'newton')
        body += " Newton's method is drawn to saddles as much as to minima: it seeks any point where the gradient vanishes.";
      return done({ note: body, kind: 'saddle', pointClass: cls, basin: null }, 'saddle');
    }
    // A maximum.
    const body =
      `Stopped at a maximum at ${pointText(v.drawn)} (both curvatures negative, loss ${f(loss)}).` +
      (s.kind === 'newton' ? " Newton's method heads for any point where the gradient vanishes, maxima included." : '');
    return done({ note: body, kind: 'maximum', pointClass: cls, basin: null }, 'maximum');
  }

  if (atRest) {
    // At rest, but not at a critical point.
    const rho = typeof s.samRadius === 'number' ? s.samRadius : 0;
    if (rho > 0 && a.samGradientNorm !== null && a.gradientNorm !== null && a.samGradientNorm < 0.1 * a.gradientNorm) {
      return done(
        {
          note:
            `Came to rest on a slope at ${pointText(v.drawn)}: loss ${f(loss)}${gText}. SAM steps with the gradient ρ = ${f(rho)} uphill from here, ` +
            `and that one is almost zero (norm ${f(a.samGradientNorm)}), so its steps stopped although the ground still slopes.`,
          kind: 'stopped',
          pointClass: null,
          basin: a.drainsTo?.basin ?? null,
        },
        null,
      );
    }
    const step = Number.isFinite(lr) && a.gradientNorm !== null ? lr * a.gradientNorm : null;
    if (step !== null && step < 1e-4 * diag && s.kind === 'sgd') {
      return done(
        {
          note: `Barely moving at ${pointText(v.drawn)}: its steps are only lr·‖g‖ = ${f(step)} long${gText}, loss ${f(loss)}.`,
          kind: 'stopped',
          pointClass: null,
          basin: null,
        },
        'crawling',
      );
    }
    const k = Math.max(0, race.settings.stepsPerTick * r.ticksRun - 1);
    const lrNow = Number.isFinite(lr) ? scheduledLearningRate(s.schedule as ScheduleSpec | null, lr, k) : NaN;
    const why = s.schedule && lrNow < 0.01 * lr ? `: its schedule had lowered the learning rate to ${f(lrNow)}` : '';
    const inBasin = a.drainsTo ? ` on the slope of the ${a.drainsTo.label ?? a.drainsTo.kind.replace('-', ' ')}'s basin` : '';
    return done(
      {
        note: `Came to rest${inBasin} at ${pointText(v.drawn)}${why}; loss ${f(loss)}${gText}.`,
        kind: 'stopped',
        pointClass: null,
        basin: a.drainsTo?.basin ?? null,
      },
      null,
    );
  }

  // Still moving at the end.
  const noisy =
    (typeof s.noise === 'number' && s.noise > 0) ||
    (typeof s.batchSize === 'number' && L.dataSize !== undefined && s.batchSize < L.dataSize);
  const stab = s.kind === 'sgd' ? sgdStability(s) : null;
  const product = a.lambdaMax !== null && a.lambdaMax > 0 ? lr * a.lambdaMax : null;
  if (stab && product !== null && product > stab.limit) {
    return done(
      {
        note:
          `Bouncing at loss ${f(loss)} ${when}: lr·λ_max = ${f(lr)} × ${f(a.lambdaMax)} = ${productText(product, stab.limit)} is above ${stab.text} here, ` +
          'the curvature beyond which gradient descent cannot settle.',
        kind: 'bouncing',
        pointClass: null,
        basin: null,
      },
      'bouncing',
    );
  }
  if (noisy) {
    const what =
      typeof s.noise === 'number' && s.noise > 0 ? `gradient noise σ = ${f(s.noise)}` : `minibatches of ${s.batchSize as number}`;
    const basin = a.drainsTo;
    const where = basin
      ? `in the basin of the ${basin.label ?? basin.kind.replace('-', ' ')} at ${pointText(basin.point)} (loss ${f(basin.value)} at its bottom)`
      : `around ${pointText(v.drawn)}`;
    return done(
      {
        note: `Still jittering ${where} ${when}, under ${what}: loss ${f(loss)} where it stopped.`,
        kind: 'jittering',
        pointClass: null,
        basin: basin?.basin ?? null,
      },
      'jittering',
    );
  }
  if (!r.improvedRecently) {
    const at = f(r.bestTick / race.settings.tickRate);
    return done(
      {
        note: `Still moving ${when} but no longer getting lower: its lowest loss, ${f(r.bestLoss)}, came at ${at} s; it ended at ${f(loss)}.`,
        kind: 'bouncing',
        pointClass: null,
        basin: null,
      },
      'bouncing',
    );
  }
  return done(
    { note: `Still going downhill ${when}: loss ${f(loss)}${gText}.`, kind: 'still-moving', pointClass: null, basin: null },
    'still-moving',
  );
}

/** lr·λ as text, with enough digits that a value just above the limit does not print as the limit itself. */
function productText(product: number, limit: number): string {
  const short = f(product);
  return short === f(limit) ? String(Number(product.toPrecision(5))) : short;
}

function basinSentence(a: Analysis, loss: number, basin: 'flat' | 'sharp' | null, rank: 'flattest' | 'sharpest' | undefined): string {
  const lam = a.lambdaMax === null ? '' : `λ_max = ${f(a.lambdaMax)}`;
  const robust = a.robust === null ? '' : `averaged over nudges of radius ${f(a.robustRadius)} the loss is ${f(a.robust)}`;
  const rankText = rank === 'flattest' ? ', the flattest in this race' : rank === 'sharpest' ? ', the sharpest in this race' : '';
  if (basin) {
    return `This is the ${basin} basin (${lam}${rankText})${robust ? `: ${robust}, against ${f(loss)} at the bottom` : ''}.`;
  }
  const parts = [lam && `curvature ${lam}${rankText}`, robust].filter(Boolean).join('; ');
  return parts ? `${parts[0].toUpperCase() + parts.slice(1)}.` : '';
}

function nearestPoint(points: KnownPoint[], at: ArrayLike<number>, tol: number): KnownPoint | null {
  let best: KnownPoint | null = null;
  let bestD = tol;
  for (const p of points) {
    const d = Math.hypot(p.point[0] - at[0], p.point[1] - at[1]);
    if (d <= bestD) {
      best = p;
      bestD = d;
    }
  }
  return best;
}

/**
 * Where gradient descent stops being stable on a quadratic with curvature λ:
 * lr·λ < 2 plain; < 2(1+μ) with heavy-ball momentum (torch's form);
 * < 2(1+μ)/(1+2μ) with Nesterov momentum.
 */
function sgdStability(s: Record<string, unknown>): { limit: number; text: string } {
  const mu = s.kind === 'sgd' && typeof s.momentum === 'number' ? s.momentum : 0;
  const nesterov = s.kind === 'sgd' && s.nesterov === true;
  const limit = nesterov ? (2 * (1 + mu)) / (1 + 2 * mu) : 2 * (1 + mu);
  const text =
    mu === 0
      ? '2'
      : nesterov
        ? `2(1+μ)/(1+2μ) = ${f(limit)} for Nesterov momentum μ = ${f(mu)}`
        : `2(1+μ) = ${f(limit)} for momentum μ = ${f(mu)}`;
  return { limit, text };
}

function explainDivergence(
  L: Landscape,
  r: ResultInput,
  a: Analysis,
  specLr: number,
  s: Record<string, unknown>,
): { note: string; kind: NoteKind } {
  const v = r.view;
  const lr = r.divergedLr ?? specLr;
  const n = r.divergedAfter ?? v.updates;
  const where = pointText(v.drawn);
  const lam = a.lambdaMax;
  const product = lam === null ? null : lr * lam;
  const kind = s.kind as string;
  const { limit, text: limitText } = sgdStability(s);

  if (kind === 'sgd' && product !== null && lam! > 0 && product > limit) {
    let atStart = '';
    if (L.dim === 2 && L.hessianInto) {
      const startMax = Math.max(...analyze(L, r.start).eigenvalues);
      if (Number.isFinite(startMax) && lr * startMax > limit) {
        atStart = ` It was already too large where it started, ${pointText(r.start)}: λ_max = ${f(startMax)} there, lr·λ_max = ${f(lr * startMax)}.`;
      }
    }
    return {
      kind: 'diverged',
      note:
        `Diverged after ${n} updates: at the last finite point ${where} ` +
        `the steepest curvature is λ_max = ${f(lam)}, so lr·λ_max = ${f(lr)} × ${f(lam)} = ${productText(product, limit)}, above ${limitText}, ` +
        'where gradient descent steps overshoot the valley floor by more than they correct.' +
        atStart,
    };
  }
  if (v.loss < r.startLoss && (lam === null || lam <= 0 || product === null || product <= limit)) {
    return {
      kind: 'unbounded',
      note:
        `Slid downhill until the numbers overflowed after ${n} updates: its last finite loss was ${f(v.loss)} at ${where}, ` +
        `below the ${f(r.startLoss)} it started from.`,
    };
  }
  if (a.gradientNorm === null) {
    return {
      kind: 'diverged',
      note:
        `Stopped at ${where} after ${n} updates: the gradient there is not a finite number (the surface has a kink or a ` +
        'singularity at this point), so the next step was undefined.',
    };
  }
  const noise = typeof s.noise === 'number' && s.noise > 0 ? ` with gradient noise σ = ${f(s.noise)}` : '';
  return {
    kind: 'diverged',
    note:
      `Diverged after ${n} updates: ${kind} at lr = ${f(lr)}${noise} took steps that grew without bound. ` +
      (lam === null
        ? `The last finite point was ${where}.`
        : `At the last finite point ${where} λ_max = ${f(lam)} and lr·λ_max = ${f(product)}.`),
  };
}

// ───────────────────────── advice, checked by re-running ─────────────────────────

/** Candidate changes for a situation, within the host's ranges, in the order they are tried. */
function candidates(race: RaceLike, r: ResultInput, situation: Situation): Record<string, unknown>[] {
  const s = specOf(r.view);
  const ranges = race.settings.knobRanges;
  const locked = race.settings.lockedKnobs;
  const lr = typeof s.lr === 'number' ? s.lr : null;
  const out: Record<string, unknown>[] = [];
  const inRange = (knob: keyof typeof ranges, v: number) => !locked.includes(knob) && v >= ranges[knob][0] && v <= ranges[knob][1];
  const lrTimes = (k: number) => {
    if (lr === null || s.schedule !== null) return;
    const next = Number((lr * k).toPrecision(3));
    if (inRange('lr', next) && next !== lr) out.push({ lr: next });
  };
  const noiseOf = (fraction: number) => {
    const max = ranges.noise[1];
    const sigma = Number((max * fraction).toPrecision(2));
    if (sigma > 0 && inRange('noise', sigma) && s.noise !== sigma) out.push({ noise: sigma });
  };
  switch (situation) {
    case 'diverged':
    case 'bouncing':
      lrTimes(1 / 3);
      break;
    case 'still-moving':
      lrTimes(3);
      if (s.kind === 'sgd' && s.momentum === 0 && inRange('momentum', 0.9)) out.push({ momentum: 0.9 });
      break;
    case 'crawling':
      lrTimes(10);
      break;
    case 'trapped':
      noiseOf(0.25);
      noiseOf(0.5);
      lrTimes(3);
      break;
    case 'sharp': {
      const rho = Number((ranges.samRadius[1] / 2).toPrecision(2));
      if (!(typeof s.samRadius === 'number' && s.samRadius > 0) && inRange('samRadius', rho)) out.push({ samRadius: rho });
      noiseOf(0.5);
      lrTimes(5);
      break;
    }
    case 'saddle':
    case 'maximum':
      noiseOf(0.1);
      if (s.kind === 'sgd' && s.momentum === 0 && inRange('momentum', 0.9)) out.push({ momentum: 0.9 });
      break;
    case 'jittering':
      if (s.schedule === null && !locked.includes('schedule') && race.settings.stepsPerTick * r.ticksRun >= 2) {
        out.push({ schedule: { kind: 'cosine', tMax: race.settings.stepsPerTick * r.ticksRun, etaMin: 0 } });
      }
      break;
  }
  return out;
}

/** The first candidate whose re-run scores better than the racer did (a diverged racer: any score at all). */
function findAdvice(race: RaceLike, r: ResultInput, a: Analysis, situation: Situation, rerun: Rerun): Advice | null {
  for (const change of candidates(race, r, situation)) {
    const out = rerun(r, change);
    if (!out || out.diverged || out.score === null) continue;
    if (a.score === null || out.score < a.score) return { change, score: out.score };
  }
  return null;
}

function changeText(change: Record<string, unknown>, s: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(change)) {
    if (k === 'lr' && typeof v === 'number' && typeof s.lr === 'number') {
      const ratio = v / s.lr;
      parts.push(`lr ${f(v)} (${ratio >= 1 ? `${f(ratio)}× larger` : `${f(1 / ratio)}× smaller`})`);
    } else if (k === 'momentum') parts.push(`momentum ${f(v as number)}`);
    else if (k === 'noise') parts.push(`gradient noise σ = ${f(v as number)}`);
    else if (k === 'samRadius') parts.push(`SAM with ρ = ${f(v as number)}`);
    else if (k === 'schedule') parts.push('a cosine schedule that lowers the learning rate to 0 by the end');
  }
  return parts.join(' and ');
}

function adviceSentence(race: RaceLike, r: ResultInput, a: Analysis, advice: Advice): string {
  const sc = race.settings.scoring;
  const own = a.score === null ? (r.view.status === 'diverged' ? 'no score (diverged)' : 'no score') : formatScore(sc, a.score);
  return (
    `Re-run from the same start with the same random draws, ${changeText(advice.change, specOf(r.view))} ` +
    `would have scored ${formatScore(sc, advice.score)} instead of ${own}.`
  );
}
