/**
 * Challenge 23, 'one-valley' (mode connectivity), as the browser plays it:
 * its task, its hints and every sentence of its explanation, each measured
 * over 50 networks (one per attempt seed: each draws its own data and both
 * racers' starting weights) with the challenge's own rules — SGD at the
 * initial learning rate trains the student's network and the twin, and the
 * curve is judged by the goal itself (`ChallengeAttempt.finish`).
 *
 * Cost: one round per network for the initial setup and one for the last
 * hint's (each ~60 ms), one curve of 1000 steps judged (~80 ms) and one of
 * the controls' maximum 2000 steps trained directly (~160 ms).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  bezierBetween,
  curveTrainingOf,
  linearInterpolationLoss,
  trainBezierPath,
  type ChallengeAttempt,
  type MlpLandscape,
} from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from '../claims/claims';
import { attempts, challenge, SEEDS, withSetup } from './harness';

afterAll(() => printClaims('Challenge 23, two networks, one valley: what the student reads'));

const ch = challenge('one-valley');
const S = sentences(ch.explanation);
const T = sentences(ch.task);
const H1 = sentences(ch.hints[0].text);
const lastHint = ch.hints[2].try!;
const allowed = ch.goal.stars[0];

/** The initial setup's rounds: the two trained networks (the curve's training does not change the round). */
const initialRuns = () => attempts(ch, ch.initial);
/** The last hint's rounds, judged with its curve (1000 steps at lr 1). */
const hintRuns = () => attempts(ch, withSetup(ch, lastHint));

const ends = (a: ChallengeAttempt) => {
  const ev = a.finish().evidence;
  return { theta0: ev.you.endPoint, theta1: ev.twin!.endPoint, l0: ev.you.finalLoss!, l1: ev.twin!.finalLoss! };
};
const line = (a: ChallengeAttempt) => {
  const e = ends(a);
  return linearInterpolationLoss(a.landscape, e.theta0, e.theta1, { n: 41, from: 0, to: 1 });
};
/** The point φ(t) = (1−t)²θ0 + 2t(1−t)θ + t²θ1 of a curve with control θ. */
const curvePoint = (theta0: readonly number[], control: ArrayLike<number>, theta1: readonly number[], t: number) =>
  theta0.map((v, i) => (1 - t) ** 2 * v + 2 * t * (1 - t) * control[i] + t * t * theta1[i]);
const trainAccuracy = (a: ChallengeAttempt, theta: ArrayLike<number>) => (a.landscape as MlpLandscape).evaluate(theta).trainAccuracy;
/** The curve the goal judged for a run (memoised in its evidence). */
const judgedCurve = (a: ChallengeAttempt) => bezierBetween(a.finish().evidence);

describe('one-valley: what the student reads', () => {
  it('the task: two networks from different starts, both trained to loss 0.01', () => {
    const runs = initialRuns().map((r) => r.attempt);
    // Each trail begins at its racer's start on the map.
    const apart = count(runs, (a) => {
      const twin = a.trails.get('twin');
      const you = a.trails.get('you')!;
      return twin !== undefined && Math.hypot(twin[0] - you[0], twin[1] - you[1]) > 1;
    });
    const both = count(runs, (a) => {
      const e = ends(a);
      return e.l0 <= 0.01 && e.l1 <= 0.01;
    });
    const worst = Math.max(...runs.map((a) => Math.max(ends(a).l0, ends(a).l1)));
    console.log(
      `starts more than 1 apart on the map ${apart}/50; both at loss ≤ 0.01 ${both}/50 (the higher end at most ${worst.toExponential(2)})`,
    );
    claim({
      where: ch.id,
      sentence: T[0],
      measured: `SGD lr ${ch.initial.optimizer.lr}: the two starts more than 1 apart on the map ${apart}/50, both ends at loss ≤ 0.01 ${both}/50 (the least counted)`,
      wording: 'happens',
      k: Math.min(apart, both),
      n: 50,
    });
    claim({
      where: ch.id,
      sentence: T[1],
      measured: `instruction; the goal passes at a barrier ≤ ${allowed} above the higher end`,
      wording: 'fact',
      k: Number(allowed === 0.05),
      n: 1,
    });
  });

  it('the straight line climbs more than 0.5 above its ends; the average of the two networks misclassifies', () => {
    const runs = initialRuns().map((r) => r.attempt);
    const lines = runs.map(line);
    const high = count(lines, (l) => l.barrier > 0.5);
    // "Two good networks": each end classifies every training point; "a bad one": their average misses at least one in ten.
    const endsFit = count(runs, (a) => {
      const e = ends(a);
      return trainAccuracy(a, e.theta0) === 1 && trainAccuracy(a, e.theta1) === 1;
    });
    const midAccuracies = runs.map((a) => {
      const e = ends(a);
      return trainAccuracy(
        a,
        e.theta0.map((v, i) => 0.5 * (v + e.theta1[i])),
      );
    });
    const bad = count(midAccuracies, (x) => x < 0.9);
    const barriers = lines.map((l) => l.barrier).sort((p, q) => p - q);
    console.log(
      `line barrier > 0.5 ${high}/50 (lowest ${barriers[0].toFixed(3)}, median ${barriers[25].toFixed(3)}); ends fit every training point ${endsFit}/50; average of the two below 90 % accuracy ${bad}/50 (best ${Math.max(...midAccuracies).toFixed(3)})`,
    );
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `straight-line barrier > 0.5 in ${high}/50; both ends classify every training point ${endsFit}/50; the averaged weights classify under 90 % of them ${bad}/50 (the least counted)`,
      wording: 'happens',
      k: Math.min(high, endsFit, bad),
      n: 50,
    });
    // Hint 1's question has an answer on the screen: with no training the run does not pass.
    claim({
      where: `${ch.id}:hint`,
      sentence: H1[1],
      measured: `a question; with 0 training steps the barrier is above ${allowed} (not passing) in ${count(initialRuns(), (r) => !r.outcome.pass)}/50`,
      wording: 'happens',
      k: count(initialRuns(), (r) => !r.outcome.pass),
      n: 50,
    });
  });

  it('with no training the curve is the straight line', () => {
    // The judged curve of the initial setup (0 steps) against the line, at the same 41 points.
    const runs = initialRuns().map((r) => r.attempt);
    let worst = 0;
    const same = count(runs, (a) => {
      const c = judgedCurve(a);
      const l = line(a);
      const d = Math.max(...c.losses.map((v, i) => Math.abs(v - l.losses[i]) / (1 + Math.abs(l.losses[i]))));
      worst = Math.max(worst, d);
      return c.ts.length === l.ts.length && d < 1e-12;
    });
    console.log(`untrained curve = straight line (relative difference < 1e-12) ${same}/50, largest ${worst.toExponential(2)}`);
    claim({
      where: `${ch.id}:hint`,
      sentence: H1[0],
      measured: `0 steps: the curve's loss equals the line's at all 41 points (relative difference < 1e-12, largest ${worst.toExponential(1)}) in ${same}/50`,
      wording: 'fact',
      k: same,
      n: 50,
    });
  });

  it('training moves the middle point downhill, averaged over the whole curve', () => {
    const runs = hintRuns().map((r) => r.attempt);
    const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    let trainedFalls = 0;
    let curveFalls = 0;
    for (const a of runs) {
      const c = judgedCurve(a);
      const tl = c.trainingLoss;
      // The sampled mean loss E_t L(φ(t)) it descends, over its first and last 100 steps.
      if (mean(tl.slice(-100)) < mean(tl.slice(0, 100))) trainedFalls++;
      // The whole curve's mean loss (41 evenly spaced points) after training, against the straight line's.
      if (mean(c.losses) < mean(line(a).losses)) curveFalls++;
    }
    console.log(
      `1000 steps at lr 1: sampled mean loss lower over the last 100 steps ${trainedFalls}/50; curve's mean loss below the line's ${curveFalls}/50`,
    );
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: `1000 steps at lr 1: E_t L(φ(t)) lower over the last 100 steps than the first 100 in ${trainedFalls}/50; mean loss along the curve below the line's ${curveFalls}/50 (the least counted)`,
      wording: 'happens',
      k: Math.min(trainedFalls, curveFalls),
      n: 50,
    });
  });

  it('the trained curve bends around the hill and stays within 0.05 of its ends', () => {
    const runs = hintRuns();
    const bends = count(runs, ({ attempt: a }) => {
      // The curve's halfway point leaves the straight line (more than 5 % of the ends' distance off it) and is lower than the line's.
      const e = ends(a);
      const c = judgedCurve(a);
      const mid = curvePoint(e.theta0, c.control, e.theta1, 0.5);
      const lineMid = e.theta0.map((v, i) => 0.5 * (v + e.theta1[i]));
      const off = Math.hypot(...mid.map((v, i) => v - lineMid[i]));
      const apart = Math.hypot(...e.theta0.map((v, i) => v - e.theta1[i]));
      return off > 0.05 * apart && a.landscape.value(mid) < a.landscape.value(lineMid);
    });
    const passed = count(runs, (r) => r.outcome.pass);
    // Within 0.05 all along, not only at the 41 points the goal samples: 201 points.
    const within = count(runs, ({ attempt: a }) => {
      const e = ends(a);
      const c = judgedCurve(a);
      const top = Math.max(e.l0, e.l1);
      for (let s = 0; s <= 200; s++)
        if (a.landscape.value(curvePoint(e.theta0, c.control, e.theta1, s / 200)) > top + allowed) return false;
      return true;
    });
    // The controls' most training (2000 steps at lr 1) from the same networks, trained as the goal would.
    const longest = initialRuns().map(({ attempt: a }) => {
      const e = ends(a);
      const o = curveTrainingOf({ challenge: ch, setup: withSetup(ch, { curve: { steps: 2000, lr: 1 } }), seed: a.seed });
      return trainBezierPath(a.landscape, e.theta0, e.theta1, o).barrier;
    });
    const longWithin = count(longest, (b) => b <= allowed);
    const barriers = runs.map((r) => judgedCurve(r.attempt).barrier).sort((p, q) => p - q);
    console.log(
      `1000 steps at lr 1: passes ${passed}/50 (barrier median ${barriers[25].toExponential(2)}, largest ${barriers[49].toExponential(2)}); within ${allowed} at 201 points ${within}/50; bends off the line and lower halfway ${bends}/50; 2000 steps at lr 1 within ${allowed} ${longWithin}/50 (largest ${Math.max(...longest).toExponential(2)})`,
    );
    expect(S).toHaveLength(2);
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `the last hint's curve (1000 steps at lr 1; the control point trained, the ends fixed): judged a pass ${passed}/50, within ${allowed} of the higher end at 201 points ${within}/50, halfway point > 5 % of the ends' distance off the line and lower than the line's ${bends}/50; 2000 steps at lr 1 within ${allowed} ${longWithin}/50 (the least counted)`,
      wording: 'happens',
      k: Math.min(passed, within, bends, longWithin),
      n: 50,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[2].text,
      measured: `a suggestion; following it passes ${passed}/50`,
      wording: 'happens',
      k: passed,
      n: 50,
    });
  });

  it('every sentence claimed', () => {
    expect(SEEDS).toHaveLength(50);
    expectEverySentenceClaimed(ch.id, ch.explanation);
    expectEverySentenceClaimed(ch.id, ch.task);
    for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
  });
});
