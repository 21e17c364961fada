import { formatNumber } from '../format/formatNumber';
import { layerGradientNorms } from '../mlp/layerGradients';
import type { MlpLandscape } from '../mlp/MlpLandscape';
import { topHessianEigenvalues } from '../mlp/curvature';
import { trainBezierPath, type BezierPath, linearInterpolationLoss, type PathLoss } from '../mlp/connectivity';
import { Race } from '../race/Race';
import { drainToKnownMinimum } from '../race/results';
import type { PresetOptimizer } from '../landscapes/preset';
import type { ChallengeEvidence, ChallengeGoal } from './Challenge';

/**
 * The goal checks the catalogue uses, and the runs they share with the
 * pictures (a reference racer, a trained curve), each computed once per
 * attempt through `ev.memo`.
 */

const seconds = (v: number) => `${formatNumber(v)} s`;
const notDiverged = (ev: ChallengeEvidence) => ev.you.status !== 'diverged' && ev.you.finalLoss !== null;

function memo<T>(ev: Pick<ChallengeEvidence, 'memo'>, key: string, compute: () => T): T {
  if (!ev.memo.has(key)) ev.memo.set(key, compute());
  return ev.memo.get(key) as T;
}

/** Seconds to the round's time-to-target loss (the round's own score). */
export function secondsToTarget(target: number, stars: readonly [number, number, number]): ChallengeGoal {
  return {
    label: `seconds to reach loss ${formatNumber(target)}:`,
    needs: 'result',
    measure: (ev) => (ev.you.status === 'finished' ? ev.you.score : null),
    stars,
    format: seconds,
    missing: `the racer did not reach loss ${formatNumber(target)} in the round`,
  };
}

/** The loss where the racer ended. */
export function finalLoss(stars: readonly [number, number, number], what = 'final loss'): ChallengeGoal {
  return {
    label: `${what}:`,
    needs: 'result',
    measure: (ev) => (notDiverged(ev) ? ev.you.finalLoss : null),
    stars,
    format: formatNumber,
    missing: 'the racer diverged',
  };
}

/** The basin ('flat' or 'sharp') the racer's end point drains to, following the slope down. */
export function endBasin(ev: ChallengeEvidence): 'flat' | 'sharp' | null {
  return memo(ev, 'basin', () => (notDiverged(ev) ? (drainToKnownMinimum(ev.landscape, ev.you.endPoint)?.basin ?? null) : null));
}

/** The robust-loss score, counted only for a racer whose end point drains to the flat basin. */
export function flatBasinScore(stars: readonly [number, number, number]): ChallengeGoal {
  return {
    label: 'robust-loss score in the flat bowl:',
    needs: 'result',
    measure: (ev) => (endBasin(ev) === 'flat' ? ev.you.score : null),
    stars,
    format: formatNumber,
    missing: 'the racer did not end in the flat bowl',
  };
}

/**
 * What a reference run needs of an attempt: its rules, seed, network and start, and the memo
 * it is kept in. An attempt that has not run yet has all of these, so a reference can be
 * computed while the student's racer trains (the browser does it in a worker).
 */
export type ReferenceContext = Pick<ChallengeEvidence, 'settings' | 'seed' | 'landscape' | 'start' | 'memo'>;

/**
 * A reference racer with `optimizer` from the attempt's start, under the same settings and seed.
 * `onProgress` hears the fraction of the round done after each tick (a worker reports it).
 */
export function referenceRun(ev: ReferenceContext, optimizer: PresetOptimizer, key = 'reference', onProgress?: (done: number) => void) {
  return memo(ev, key, () => {
    const race = new Race(
      { ...ev.settings, startRule: { kind: 'choose' }, lockedKnobs: [], allowedOptimizers: [optimizer.kind], defaultOptimizer: optimizer },
      ev.seed,
    );
    const drawnStart = ev.landscape.dim === 2 ? ev.start : [0, 0];
    const v = race.addRacer('reference', { optimizer, start: drawnStart });
    const s = ev.settings;
    const ticks = s.roundSeconds === null ? null : s.roundSeconds * s.tickRate;
    for (let t = 1; !race.isOver(); t++) {
      race.tick();
      if (onProgress && ticks) onProgress(Math.min(1, t / ticks));
    }
    return {
      seconds: v.finishUpdates === null ? null : v.finishUpdates / (s.stepsPerTick * s.tickRate),
      position: Array.from(v.position),
      loss: v.loss,
      status: v.status,
    };
  });
}

/** Time to the target as a fraction of a reference optimizer's time from the same start. */
export function fractionOfReference(reference: PresetOptimizer, name: string, stars: readonly [number, number, number]): ChallengeGoal {
  return {
    label: `your time as a fraction of ${name}'s:`,
    needs: 'result',
    measure: (ev) => {
      if (ev.you.status !== 'finished' || ev.you.score === null) return null;
      const ref = referenceRun(ev, reference);
      return ref.seconds === null ? 0 : ev.you.score / ref.seconds;
    },
    stars,
    format: (v) => `${formatNumber(Math.round(100 * v))} %`,
    missing: 'the racer did not reach the target loss in the round',
  };
}

const FULL_BATCH_SHARPNESS = 'full-batch-lambda';

/** The student's optimizer without its batch size: the full-batch reference's. */
export function fullBatchOptimizer(optimizer: unknown): PresetOptimizer {
  const spec = { ...(optimizer as Record<string, unknown>) };
  delete spec.batchSize;
  return spec as unknown as PresetOptimizer;
}

/**
 * The largest Hessian eigenvalue at the end of a full-batch reference run (same network, same
 * learning rate). It depends only on the network (the seed) and the optimizer without its batch
 * size, so it can be computed before or while the student's racer trains.
 */
export function fullBatchSharpness(ev: ReferenceContext & { you: { optimizer: unknown } }, onProgress?: (done: number) => void): number {
  return memo(ev, FULL_BATCH_SHARPNESS, () => {
    const ref = referenceRun(ev, fullBatchOptimizer(ev.you.optimizer), 'full-batch', onProgress);
    return topHessianEigenvalues(ev.landscape, ref.position, 1)[0];
  });
}

/** Hands an attempt the full-batch sharpness computed elsewhere (a worker), so judging does not run the reference again. */
export function rememberFullBatchSharpnessInto(memoOfAttempt: Map<string, unknown>, lambdaMax: number): void {
  memoOfAttempt.set(FULL_BATCH_SHARPNESS, lambdaMax);
}

/** ‖∂L/∂W‖ of the first layer over the last, at the network's start. */
export function gradientBalance(ev: ChallengeEvidence): number {
  return memo(ev, 'balance', () => {
    const norms = layerGradientNorms(ev.landscape as MlpLandscape, ev.start);
    return norms[0].weightGradientNorm / norms[norms.length - 1].weightGradientNorm;
  });
}

/** ‖w‖ over the network's weights (biases left out), at a point of the full space. */
export function weightNorm(L: MlpLandscape, theta: ArrayLike<number>): number {
  let s = 0;
  for (const layer of L.network.layout) for (let q = layer.weightOffset; q < layer.biasOffset; q++) s += theta[q] * theta[q];
  return Math.sqrt(s);
}

/** Where `bezierBetween` keeps the trained curve in an attempt's memo. */
const BEZIER = 'bezier';

/**
 * How an attempt's Bézier curve is trained: the setup's steps and learning
 * rate (the challenge's initial ones when the setup has none), and the
 * attempt's seed for the curve's draws of t. A curve trained elsewhere with
 * exactly these (the browser trains it in a worker) is the one the goal judges.
 */
export function curveTrainingOf(ev: Pick<ChallengeEvidence, 'challenge' | 'setup' | 'seed'>): { steps: number; lr: number; seed: number } {
  const curve = ev.setup.curve ?? ev.challenge.initial.curve ?? { steps: 0, lr: 0.1 };
  return { steps: curve.steps, lr: curve.lr, seed: ev.seed };
}

/** The trained Bézier curve between the two racers' networks (steps and lr from the setup's `curve`). */
export function bezierBetween(ev: ChallengeEvidence): BezierPath {
  return memo(ev, BEZIER, () => trainBezierPath(ev.landscape, ev.you.endPoint, ev.twin!.endPoint, curveTrainingOf(ev)));
}

/**
 * Puts a curve trained elsewhere (with `curveTrainingOf`'s options, between
 * the same two end points) where `bezierBetween` reads it, so judging does
 * not train it again.
 */
export function rememberBezierInto(memoOfEvidence: Map<string, unknown>, path: BezierPath): void {
  memoOfEvidence.set(BEZIER, path);
}

/** The loss along the straight segment between the two racers' networks. */
export function lineBetween(ev: ChallengeEvidence): PathLoss {
  return memo(ev, 'line', () => linearInterpolationLoss(ev.landscape, ev.you.endPoint, ev.twin!.endPoint, { n: 41, from: 0, to: 1 }));
}

/** The loss after the tick that ends each given fraction of the round. */
export function lossAtFractions(ev: ChallengeEvidence, fractions: readonly number[]): number[] {
  const losses = ev.lossByTick ?? [];
  const n = losses.length;
  return fractions.map((f) => {
    const k = Math.max(1, Math.round(f * n));
    return losses[k - 1] ?? Number.NaN;
  });
}
