import type { KnownPoint, Landscape } from '../landscapes/Landscape';
import type { Seed } from '../random/Rng';
import { analyze, classifyEigenvalues, formatNumber, hessianEigenvaluesLanczos, robustLoss } from './deps';
import { defaultRobustRadius, hasTestLoss, type RaceSettings } from './RaceSettings';
import type { NoteKind, PointClass, RacerResult, RacerView, ResultInput } from './types';

/** Moved to format/formatNumber.ts; re-exported for existing importers. */
export { formatNumber };

/**
 * Results of a round: per racer the end point and what it means (loss, robust
 * loss, curvature, critical-point class), the score under the round's rule,
 * a rank, and a plain-language note on what happened, for students.
 */

interface RaceLike {
  readonly settings: RaceSettings;
  readonly landscape: Landscape;
  readonly seed: Seed;
  readonly dim: number;
}

interface Analysis {
  finalLoss: number | null;
  robust: number | null;
  robustRadius: number;
  gradientNorm: number | null;
  eigenvalues: number[];
  lambdaMax: number | null;
  lambdaMin: number | null;
  pointClass: PointClass | null;
  /**
   * Whether a critical point is close: in 2-D, the step to the critical point
   * of the local quadratic model, ‖H⁻¹g‖, is under 2% of the view's diagonal;
   * in higher dimensions, ‖g‖ < 1e-3.
   */
  nearCritical: boolean;
  score: number | null;
}

/** The seed of the one perturbation set every racer of a round is judged on. */
export function robustSeed(raceSeed: Seed): string {
  return `robust:${String(raceSeed)}`;
}

const finiteOrNull = (v: number | undefined | null): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

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
  let pointClass: PointClass | null = null;
  let nearCritical = false;
  const b = L.info.bounds;
  const diag = Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);
  if (L.dim === 2) {
    const a = analyze(L, p);
    eigenvalues = a.eigenvalues;
    gradientNorm = finiteOrNull(a.gradientNorm);
    pointClass = eigenvalues.every(Number.isFinite) ? a.kind : null;
    let d2 = 0;
    for (let i = 0; i < 2; i++) {
      const gv = a.gradient[0] * a.eigenvectors[i][0] + a.gradient[1] * a.eigenvectors[i][1];
      d2 += gv === 0 ? 0 : (gv / a.eigenvalues[i]) ** 2;
    }
    nearCritical = Math.sqrt(d2) <= 0.02 * diag;
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
      const tol = 1e-4 * Math.max(Math.abs(top), Math.abs(bottom));
      if (Number.isFinite(top) && Number.isFinite(bottom)) pointClass = classifyEigenvalues([bottom, top], tol);
    }
  }
  // A Hessian that is not finite (a kink, an overflow) reports no eigenvalues at all.
  if (!eigenvalues.every(Number.isFinite)) eigenvalues = [];
  const lambdaMax = eigenvalues.length > 0 ? Math.max(...eigenvalues) : null;
  const lambdaMin = eigenvalues.length > 0 ? Math.min(...eigenvalues) : null;

  const v = r.view;
  const finalLoss = finiteOrNull(v.loss);
  let score: number | null = null;
  if (v.status !== 'diverged') {
    switch (scoring.kind) {
      case 'robust-loss':
        score = robust;
        break;
      case 'lowest-loss':
        score = finalLoss;
        break;
      case 'time-to-target':
        score = v.finishUpdates === null ? null : v.finishUpdates / (s.stepsPerTick * s.tickRate);
        break;
      case 'test-loss':
        score = hasTestLoss(L) ? finiteOrNull(L.evaluate(p).testLoss) : null;
        break;
    }
  }
  return { finalLoss, robust, robustRadius, gradientNorm, eigenvalues, lambdaMax, lambdaMin, pointClass, nearCritical, score };
}

/** Ranks racers and writes their notes. Called by `Race.results()`. */
export function computeResults(race: RaceLike, inputs: ResultInput[]): RacerResult[] {
  const steps = computeResultsStepwise(race, inputs);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * The same, one racer's analysis per `next()` (it yields how many are done),
 * returning the ranked results: on MLP terrains each analysis costs dozens of
 * full-data losses and Hessian-vector products, and a server can spread them
 * over several turns of its event loop.
 */
export function* computeResultsStepwise(race: RaceLike, inputs: ResultInput[]): Generator<number, RacerResult[], void> {
  const analyses: Analysis[] = [];
  for (const r of inputs) {
    analyses.push(analyse(race, r));
    yield analyses.length;
  }

  // Flattest and sharpest basins among racers that ended in a minimum (for the notes).
  const inMinimum = analyses
    .map((a, i) => ({ a, i }))
    .filter(({ a, i }) => inputs[i].view.status !== 'diverged' && a.pointClass === 'minimum' && a.lambdaMax !== null && a.lambdaMax > 0);
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

  const rows = inputs.map((r, i) => {
    const a = analyses[i];
    const v = r.view;
    const { note, kind } = explain(race, r, a, basinRank.get(i));
    const drawn: [number, number] = [v.drawn[0], v.drawn[1]];
    const result: RacerResult = {
      id: v.id,
      rank: 0,
      score: a.score,
      status: v.status,
      endPoint: Array.from(v.position),
      drawnEndPoint: drawn,
      finalLoss: a.finalLoss,
      robustLoss: a.robust,
      lambdaMax: a.lambdaMax,
      eigenvalues: a.eigenvalues,
      pointClass: a.pointClass,
      gradientNorm: a.gradientNorm,
      gradientEvaluations: v.gradientEvaluations,
      updates: v.updates,
      joinTick: v.joinTick,
      optimizer: v.optimizer,
      note,
      noteKind: kind,
    };
    return { result, order: r.order };
  });

  // Scored racers first (lower score wins), then unscored ones by loss, diverged last;
  // ties: lower final loss, fewer gradient evaluations, earlier join.
  const group = (x: RacerResult) => (x.status === 'diverged' ? 2 : x.score === null ? 1 : 0);
  const num = (v: number | null) => (v === null ? Infinity : v);
  rows.sort((p, q) => {
    const a = p.result;
    const b = q.result;
    return (
      group(a) - group(b) ||
      num(a.score) - num(b.score) ||
      num(a.finalLoss) - num(b.finalLoss) ||
      a.gradientEvaluations - b.gradientEvaluations ||
      p.order - q.order
    );
  });
  return rows.map((r, i) => ({ ...r.result, rank: i + 1 }));
}

// ───────────────────────── "what happened" notes ─────────────────────────

const f = formatNumber;

function pointText(p: ArrayLike<number>): string {
  return `(${f(p[0])}, ${f(p[1])})`;
}

function spec(v: RacerView): Record<string, unknown> {
  return v.optimizer as unknown as Record<string, unknown>;
}

function explain(
  race: RaceLike,
  r: ResultInput,
  a: Analysis,
  basin: 'flattest' | 'sharpest' | undefined,
): { note: string; kind: NoteKind } {
  const v = r.view;
  const L = race.landscape;
  const s = spec(v);
  const lr = typeof s.lr === 'number' ? s.lr : NaN;

  if (v.status === 'diverged') return explainDivergence(L, r, a, lr, s);

  if (v.updates === 0 && (v.status === 'waiting' || v.status === 'racing')) {
    return { note: `Never moved: it joined at tick ${v.joinTick}, too late to take a step before the round ended.`, kind: 'not-started' };
  }

  const b = L.info.bounds;
  const diag = Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);
  const crawling = r.lastMove <= 1e-4 * diag;
  const loss = a.finalLoss ?? v.loss;
  const gText = a.gradientNorm === null ? '' : ` (gradient norm ${f(a.gradientNorm)})`;

  // Known points are in the drawn plane's coordinates; only 2-D terrains list them.
  const points = L.dim === 2 ? L.info.points : [];
  const near = nearestPoint(points, v.drawn, 0.02 * diag);
  const globals = points.filter((p) => p.kind === 'global-minimum');
  const best = globals.length > 0 ? globals.reduce((p, q) => (q.value < p.value ? q : p)) : null;
  const lossTol = best ? 1e-3 * Math.max(1, Math.abs(best.value)) : 0;
  const stalled = a.nearCritical;

  let kind: NoteKind;
  let body: string;
  if ((near && near.kind === 'global-minimum') || (best && loss <= best.value + lossTol)) {
    kind = 'global-minimum';
    body = `Reached the global minimum: loss ${f(loss)}${best ? ` (the best possible is ${f(best.value)})` : ''}.`;
  } else if ((near && near.kind === 'local-minimum') || (a.pointClass === 'minimum' && stalled && best && loss > best.value + lossTol)) {
    kind = 'local-minimum';
    const deeper = best ? `the global minimum reaches ${f(best.value)} at ${pointText(best.point)}` : 'deeper minima exist';
    body = /flat|wide/i.test(near?.label ?? '')
      ? `Settled in a local minimum at ${pointText(v.drawn)}: loss ${f(loss)}, not the lowest (${deeper}).`
      : `Trapped in a local minimum at ${pointText(v.drawn)}: loss ${f(loss)}, while ${deeper}. ` +
        'Every direction goes uphill from here, so gradient steps cannot leave; more noise, a bigger step or another start could.';
  } else if ((near && near.kind === 'saddle') || (a.pointClass === 'saddle' && stalled)) {
    kind = 'saddle';
    body =
      a.pointClass === 'degenerate'
        ? `Stalled on a flat saddle at ${pointText(v.drawn)}: the slope and the curvature both vanish here, so the steps ` +
          'cannot tell which way is down. A little gradient noise would push it off.'
        : `Stalled near a saddle point at ${pointText(v.drawn)}: the slope is almost flat${gText} but the surface curves down ` +
          `along one direction (λ_min = ${f(a.lambdaMin)}). A little gradient noise or momentum would push it off.`;
    if (s.kind === 'newton')
      body += " Newton's method is drawn to saddles as much as to minima: it seeks any point where the gradient vanishes.";
  } else if ((near && near.kind === 'maximum') || (a.pointClass === 'maximum' && stalled)) {
    kind = 'maximum';
    body =
      `Stopped at a maximum at ${pointText(v.drawn)} (both curvatures negative, loss ${f(loss)}).` +
      (s.kind === 'newton' ? " Newton's method heads for any point where the gradient vanishes, maxima included." : '');
  } else if (!stalled && v.status !== 'finished') {
    kind = 'still-moving';
    const stab = s.kind === 'sgd' ? sgdStability(s) : null;
    const product = a.lambdaMax !== null && a.lambdaMax > 0 ? lr * a.lambdaMax : null;
    // Plain SGD's step is lr·‖g‖ long: much longer than the tick's net move means it keeps coming back.
    const stepLength = stab && a.gradientNorm !== null ? lr * a.gradientNorm : 0;
    const cycling = stepLength > 20 * r.lastMove && stepLength > 1e-3 * diag;
    if (stab && product !== null && product > stab.limit) {
      // Too large a step for the curvature, on a terrain whose walls keep it from blowing up.
      body =
        `Bouncing across the valley at loss ${f(loss)}: lr·λ_max = ${f(lr)} × ${f(a.lambdaMax)} = ${f(product)} is above ${stab.text} here, ` +
        'so every step overshoots the valley floor and it cannot settle. A smaller learning rate would.';
    } else if (cycling) {
      body =
        `Bouncing back and forth at loss ${f(loss)}: each step is lr·‖g‖ = ${f(stepLength)} long, yet it keeps returning to the same places. ` +
        'The learning rate is too large for the curvature of this valley; a smaller one would settle.';
    } else {
      const advice = crawling
        ? 'its steps had become tiny; a larger learning rate or momentum would have got further'
        : 'a larger learning rate or momentum would have got further';
      body =
        v.status === 'budget-spent'
          ? `It was still going downhill when the budget ran out: loss ${f(loss)}${gText}.`
          : `Still moving when time ran out: loss ${f(loss)}${gText}; ${advice}.`;
    }
  } else if (a.pointClass === 'minimum') {
    kind = 'minimum';
    body = `Settled in a minimum at ${pointText(v.drawn)}: loss ${f(loss)}.`;
  } else {
    kind = 'stopped';
    body = `Came to rest at ${pointText(v.drawn)}: loss ${f(loss)}${gText}.`;
  }

  if (kind === 'global-minimum' || kind === 'local-minimum' || kind === 'minimum') {
    body += ` ${basinSentence(a, loss, near, basin)}`;
  }

  let prefix = '';
  if (v.status === 'finished') {
    const sec = v.finishUpdates! / (race.settings.stepsPerTick * race.settings.tickRate);
    const sc = race.settings.scoring;
    prefix = `Reached the target loss ${sc.kind === 'time-to-target' ? f(sc.target) : ''} in ${f(sec)} s (${v.finishUpdates} updates). `;
  } else if (v.status === 'budget-spent') {
    const sam = typeof s.samRadius === 'number' && s.samRadius > 0;
    prefix =
      `Used its whole budget of ${race.settings.budget} gradient evaluations in ${v.updates} updates` +
      `${sam ? ' (SAM costs 2 evaluations per update)' : ''}. `;
  }
  return { note: prefix + body, kind };
}

function basinSentence(a: Analysis, loss: number, near: KnownPoint | null, basin: 'flattest' | 'sharpest' | undefined): string {
  const label = near?.label?.toLowerCase() ?? '';
  const flat = label.includes('flat') || label.includes('wide') || (!label && basin === 'flattest');
  const sharp = label.includes('sharp') || label.includes('narrow') || (!label && basin === 'sharpest');
  const lam = a.lambdaMax === null ? '' : `λ_max = ${f(a.lambdaMax)}`;
  const robust = a.robust === null ? '' : `averaged over nudges of radius ${f(a.robustRadius)} the loss is ${f(a.robust)}`;
  if (sharp) {
    return `It is a sharp basin (${lam}${basin === 'sharpest' ? ', the sharpest in this race' : ''}): ${robust || 'a small nudge costs a lot'}, against ${f(loss)} at the bottom.`;
  }
  if (flat) {
    return `It is a flat basin (${lam}${basin === 'flattest' ? ', the flattest in this race' : ''}): ${robust || 'small nudges barely change the loss'}, close to ${f(loss)} at the bottom.`;
  }
  const parts = [lam && `curvature ${lam}`, robust].filter(Boolean).join('; ');
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
        `Diverged after ${n} updates: the learning rate was too large for the curvature. At the last finite point ${where} ` +
        `the steepest curvature is λ_max = ${f(lam)}, so lr·λ_max = ${f(lr)} × ${f(lam)} = ${f(product)}, above ${limitText}: ` +
        'every step overshoots the valley floor by more than it corrects, and the iterates blow up.' +
        atStart,
    };
  }
  if (v.loss < r.startLoss && (lam === null || lam <= 0 || product === null || product <= limit)) {
    return {
      kind: 'unbounded',
      note:
        `Slid downhill without end: this terrain is unbounded below, so the loss kept falling (last finite loss ${f(v.loss)} at ${where}) ` +
        `until the numbers overflowed after ${n} updates.`,
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
        ? `The last finite point was ${where}`
        : `At the last finite point ${where} λ_max = ${f(lam)} and lr·λ_max = ${f(product)}`) +
      '; a smaller learning rate would have held.',
  };
}
