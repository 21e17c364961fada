/**
 * The score, on every catalogue terrain under its preset: the acceptance
 * criteria of a score that honestly rewards minima (flat ones where the rule
 * is robust loss), measured over 50 typical-class rounds each, and the
 * sentences under the results table.
 *
 * - idling (the smallest learning rate allowed) wins at most 5 % of rounds;
 * - the largest learning rate allowed wins at most 5 %;
 * - the best achievable score lies at a minimum (within 2 % of the view's
 *   diagonal of the minimum gradient flow reaches from it), never on a saddle,
 *   a maximum or a slope; under time-to-target, every point of the target set
 *   drains to a minimum within 5 % of the diagonal;
 * - ties show as ties: adjacent rows share a rank exactly when their displayed
 *   score and settling time are the same;
 * - in most rounds 1st and 2nd differ in what the table shows.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  analyze,
  createLandscape,
  hasTestLoss,
  robustLoss,
  roundScore,
  scoringExplanation,
  type Landscape,
  type RaceSettings,
} from '@gradient-rally/shared';
import { claim, count, printClaims, sentences } from './claims';
import { CATALOGUE, displayed, fieldRounds } from './field';

/** Gradient flow (descent with a backtracking line search) from p; returns where it stops. */
function drain(L: Landscape, p: readonly number[]): number[] {
  const b = L.info.bounds;
  const diag = Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);
  const x = Float64Array.from(p);
  const g = new Float64Array(2);
  const t2 = new Float64Array(2);
  let f = L.valueAndGradientInto(x, g);
  let t = 1e-3 * diag;
  for (let it = 0; it < 20000; it++) {
    const gg = g[0] * g[0] + g[1] * g[1];
    if (!(gg > 1e-24)) break;
    let ft = Infinity;
    for (let k = 0; k < 60; k++) {
      t2[0] = x[0] - t * g[0];
      t2[1] = x[1] - t * g[1];
      ft = L.value(t2);
      if (ft <= f - 0.5 * t * gg) break;
      t /= 2;
    }
    if (!(ft <= f - 0.5 * t * gg)) break;
    x.set(t2);
    f = L.valueAndGradientInto(x, g);
    t *= 2;
  }
  return Array.from(x);
}

/** The score a racer resting at p would get (before rounding), under the round's rule. */
function scoreAt(L: Landscape, s: RaceSettings, p: number[]): number {
  const sc = s.scoring;
  if (sc.kind === 'robust-loss') return robustLoss(L, p, { radius: sc.radius, samples: sc.samples, seed: 'robust:best' });
  if (sc.kind === 'test-loss' && hasTestLoss(L)) return L.evaluate(p).testLoss ?? Infinity;
  return L.value(p);
}

/** The best score over the view: an n×n grid, then a pattern search from its best point. */
function bestScorePoint(L: Landscape, s: RaceSettings, n: number): number[] {
  const b = L.info.bounds;
  let best = [0, 0];
  let bestV = Infinity;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const p = [b.xMin + ((b.xMax - b.xMin) * i) / (n - 1), b.yMin + ((b.yMax - b.yMin) * j) / (n - 1)];
      const v = scoreAt(L, s, p);
      if (v < bestV) {
        bestV = v;
        best = p;
      }
    }
  let step = (b.xMax - b.xMin) / (n - 1);
  while (step > 1e-7 * (b.xMax - b.xMin)) {
    let moved = false;
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]) {
      const q = [best[0] + dx * step, best[1] + dy * step];
      const v = scoreAt(L, s, q);
      if (v < bestV) {
        bestV = v;
        best = q;
        moved = true;
      }
    }
    if (!moved) step /= 2;
  }
  return best;
}

afterAll(() => printClaims('The score on every catalogue terrain (preset rules, 50 typical-class rounds each)'));

describe.each(CATALOGUE.map((e) => [e.spec.kind, e] as const))('%s under its preset', (kind, e) => {
  const L = createLandscape(e.spec);
  const b = e.bounds;
  const diag = Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);

  it('neither idling nor the largest learning rate wins; ties show as ties; 1st and 2nd differ', () => {
    const { settings, rounds } = fieldRounds(kind);
    const n = rounds.length;
    const wins = (id: string) => count(rounds, (r) => r.results.some((x) => x.id === id && x.rank === 1));
    claim({
      where: kind,
      sentence: 'acceptance: idling (the smallest learning rate) wins',
      measured: `SGD lr ${settings.knobRanges.lr[0]} ranked 1st (ties included)`,
      wording: 'atMost',
      target: 0.05,
      k: wins('idle'),
      n,
    });
    claim({
      where: kind,
      sentence: 'acceptance: the largest learning rate wins',
      measured: `SGD lr ${settings.knobRanges.lr[1]} ranked 1st (ties included)`,
      wording: 'atMost',
      target: 0.05,
      k: wins('max-lr'),
      n,
    });
    let pairs = 0;
    let consistent = 0;
    for (const r of rounds)
      for (let i = 1; i < r.results.length; i++) {
        pairs++;
        const sameRank = r.results[i].rank === r.results[i - 1].rank;
        const sameText = displayed(r.results[i], settings) === displayed(r.results[i - 1], settings);
        if (sameRank === sameText) consistent++;
      }
    claim({
      where: kind,
      sentence: 'acceptance: ties show as ties',
      measured: `adjacent rows: same rank exactly when the same score and settling time are shown (${pairs} pairs)`,
      wording: 'fact',
      k: consistent,
      n: pairs,
    });
    const differ = count(
      rounds,
      (r) => r.results[0].rank !== r.results[1].rank && displayed(r.results[0], settings) !== displayed(r.results[1], settings),
    );
    claim({
      where: kind,
      sentence: 'acceptance: 1st and 2nd differ in the displayed digits in most rounds',
      measured: 'rounds where the table shows 1st and 2nd differently',
      wording: 'can',
      k: differ,
      n,
    });
  });

  it('the best achievable score lies at a minimum', () => {
    const { settings } = fieldRounds(kind);
    const sc = settings.scoring;
    if (sc.kind === 'time-to-target') {
      // Where racers score: the points at which finishers first reached the target, over every round.
      const { rounds } = fieldRounds(kind);
      const ends = rounds.flatMap((r) => r.results.filter((x) => x.status === 'finished').map((x) => x.endPoint));
      const atMinimum = count(ends, (p) => {
        const m = drain(L, p);
        return analyze(L, m).kind === 'minimum' && Math.hypot(m[0] - p[0], m[1] - p[1]) <= 0.05 * diag;
      });
      const higher = L.info.points.filter((q) => q.kind === 'saddle' || q.kind === 'maximum').every((q) => q.value > sc.target);
      claim({
        where: kind,
        sentence: 'acceptance: the best achievable score lies at a minimum',
        measured: `target loss ${sc.target}, above no saddle or maximum: ${higher}; finishing points (${ends.length}) that drain to a minimum within 5 % of the view's diagonal`,
        wording: 'fact',
        k: higher ? atMinimum : 0,
        n: ends.length,
      });
      return;
    }
    const p = bestScorePoint(L, settings, L.dataSize === undefined ? 121 : 41);
    const m = drain(L, p);
    const a = analyze(L, m);
    const d = Math.hypot(m[0] - p[0], m[1] - p[1]);
    claim({
      where: kind,
      sentence: 'acceptance: the best achievable score lies at a minimum',
      measured: `best ${sc.kind} over the view at (${p.map((v) => v.toPrecision(4)).join(', ')}); gradient flow from there ends ${(d / diag).toExponential(1)} of the diagonal away, at a ${a.kind} (λ ${a.eigenvalues.map((v) => v.toPrecision(3)).join(', ')})`,
      wording: 'fact',
      k: Number(a.kind === 'minimum' && d <= 0.02 * diag),
      n: 1,
    });
  });
});

describe('the explanation under the results table', () => {
  const robustRounds = ['sharp-vs-flat', 'himmelblau'].map((k) => fieldRounds(k));

  it('robust loss: a wide, flat basin barely notices the nudges, a narrow, sharp one does', () => {
    const text = scoringExplanation(robustRounds[0].settings.scoring);
    const S = sentences(text);
    expect(S[0]).toMatch(/^Score: the loss averaged over nudges of the end point by 0\.3 in 64 directions, lower wins/);
    // Every pair of racers at rest in minima whose sharpness differs at least twofold, across both terrains' rounds.
    let pairs = 0;
    let agree = 0;
    for (const { rounds } of robustRounds)
      for (const r of rounds) {
        const rest = r.results.filter(
          (x) => x.pointClass === 'minimum' && x.lambdaMax !== null && x.robustLoss !== null && x.finalLoss !== null,
        );
        for (let i = 0; i < rest.length; i++)
          for (let j = i + 1; j < rest.length; j++) {
            const [flat, sharp] = rest[i].lambdaMax! < rest[j].lambdaMax! ? [rest[i], rest[j]] : [rest[j], rest[i]];
            if (sharp.lambdaMax! < 2 * flat.lambdaMax!) continue;
            pairs++;
            if (sharp.robustLoss! - sharp.finalLoss! > flat.robustLoss! - flat.finalLoss!) agree++;
          }
      }
    claim({
      where: 'results',
      sentence: S[0],
      measured: 'pairs of racers at rest in minima, sharpness differing ≥ 2×: the sharper one loses more to the nudges',
      wording: 'happens',
      k: agree,
      n: pairs,
    });
  });

  it('equal scores go to whoever came to rest first; never-finishers share the last place', () => {
    const S = sentences(scoringExplanation(robustRounds[0].settings.scoring));
    let ties = 0;
    let first = 0;
    for (const c of CATALOGUE) {
      const { settings, rounds } = fieldRounds(c.spec.kind);
      if (settings.scoring.kind === 'time-to-target') continue;
      for (const r of rounds)
        for (let i = 1; i < r.results.length; i++) {
          const [a, b] = [r.results[i - 1], r.results[i]];
          if (a.score === null || a.score !== b.score || a.rank === b.rank) continue;
          ties++;
          if ((a.settledSeconds ?? Infinity) < (b.settledSeconds ?? Infinity)) first++;
        }
    }
    claim({
      where: 'results',
      sentence: S[1],
      measured: 'equal scores ranked apart, across every non-timed terrain: the one ranked higher came to rest sooner',
      wording: 'fact',
      k: first,
      n: ties,
    });
    const timed = CATALOGUE.filter((c) => fieldRounds(c.spec.kind).settings.scoring.kind === 'time-to-target');
    let unfinished = 0;
    let level = 0;
    for (const c of timed)
      for (const r of fieldRounds(c.spec.kind).rounds) {
        const none = r.results.filter((x) => x.score === null);
        const last = Math.max(...r.results.map((x) => x.rank));
        unfinished += none.length;
        level += count(none, (x) => x.rank === last);
      }
    const T = sentences(scoringExplanation(fieldRounds(timed[0].spec.kind).settings.scoring));
    claim({
      where: 'results',
      sentence: T[0],
      measured: `time-to-target terrains (${timed.map((c) => c.spec.kind).join(', ')}): racers without a time all on the last rank`,
      wording: 'fact',
      k: level,
      n: unfinished,
    });
  });

  it('sharpness λmax is the steepest curvature at the end point; the score is what the rule says', () => {
    const S = sentences(scoringExplanation(robustRounds[0].settings.scoring));
    let n = 0;
    let k = 0;
    for (const c of CATALOGUE.filter((x) => x.spec.kind !== 'mlp')) {
      const L = createLandscape(c.spec);
      const { settings, rounds } = fieldRounds(c.spec.kind);
      for (const x of rounds[0].results) {
        if (x.lambdaMax === null) continue;
        n++;
        const top = Math.max(...analyze(L, x.endPoint).eigenvalues);
        const raw =
          settings.scoring.kind === 'robust-loss'
            ? robustLoss(L, x.endPoint, {
                radius: settings.scoring.radius,
                samples: settings.scoring.samples,
                seed: `robust:${rounds[0].seed}`,
              })
            : settings.scoring.kind === 'lowest-loss'
              ? x.finalLoss
              : x.score;
        if (top === x.lambdaMax && (x.status === 'diverged' || roundScore(raw, settings.scoring) === x.score)) k++;
      }
    }
    claim({
      where: 'results',
      sentence: S[S.length - 1],
      measured:
        'λmax in the table = the largest Hessian eigenvalue at the end point, and the score = the rule applied there (first round of every analytic terrain)',
      wording: 'fact',
      k,
      n,
    });
  });
});
