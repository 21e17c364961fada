/**
 * Challenges 17 'the-networks-saddle' and 21 'small-batches-flat-ends' are played in the browser,
 * so every sentence a student reads there — task, hints, explanation — is measured here over 50
 * networks (one per attempt seed), each run with the challenge's own rules. (Their winnability is
 * checked in networkShapes / networkTraining.) Runs are shared between claims through the
 * harness's cache; eigenvalues come from Lanczos (114 weights: a few dozen H·v products each).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  ChallengeAttempt,
  fullBatchSharpness,
  hessianEigenvaluesLanczos,
  Rng,
  startSpectrumPicture,
  type Landscape,
  type MlpLandscape,
} from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from '../claims/claims';
import { attempts, challenge, SEEDS, withSetup } from './harness';

afterAll(() => printClaims('Challenges on networks: curvature (the first saddle, small batches)'));

const sgd = (lr: number, more: Record<string, unknown> = {}) => ({ kind: 'sgd' as const, lr, ...more });
const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
const gradientNorm = (L: Landscape, p: ArrayLike<number>) => {
  const g = new Float64Array(L.dim);
  L.valueAndGradientInto(p, g);
  return norm(g);
};
/** The two smallest Hessian eigenvalues, and the largest (Lanczos with full reorthogonalisation). */
const ends = (L: Landscape, p: ArrayLike<number>) => ({
  smallest: hessianEigenvaluesLanczos(L, p, 2, { which: 'smallest' }).values,
  largest: hessianEigenvaluesLanczos(L, p, 1, { which: 'largest' }).values[0],
});
const quantiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * s.length))];
  return `min ${s[0].toPrecision(3)}, 10 % ${q(0.1).toPrecision(3)}, median ${q(0.5).toPrecision(3)}, 90 % ${q(0.9).toPrecision(3)}, max ${s[s.length - 1].toPrecision(3)}`;
};

describe('the-networks-saddle: what the student reads', () => {
  const ch = challenge('the-networks-saddle');
  const S = sentences(ch.explanation);
  const T = sentences(ch.task);
  const slow = () => attempts(ch, ch.initial);
  const fast = () => attempts(ch, withSetup(ch, { optimizer: sgd(0.5) }));
  /** Each network at its start (the same network for every learning rate: it depends on the seed alone). */
  const starts = () =>
    SEEDS.map((seed) => {
      const a = new ChallengeAttempt(ch, ch.initial, seed);
      return { L: a.landscape, start: a.start, loss: a.landscape.value(a.start), grad: gradientNorm(a.landscape, a.start) };
    });
  let startCurvature: { smallest: number[]; largest: number }[] | undefined;
  const curvatureAtStarts = () => {
    startCurvature ??= starts().map((s) => ends(s.L, s.start));
    return startCurvature;
  };

  it('tiny weights: the gradient is below 0.001 and the loss is ln 2 ≈ 0.693 (the slope almost zero)', () => {
    const st = starts();
    const flat = count(st, (s) => s.grad < 1e-3);
    const ln2 = count(st, (s) => Math.abs(s.loss - Math.LN2) < 5e-4);
    console.log(
      `start: ‖∇L‖ ${quantiles(st.map((s) => s.grad))}; below 0.001 ${flat}/50; |L − ln 2| < 0.0005 ${ln2}/50 (loss ${quantiles(st.map((s) => s.loss))})`,
    );
    const k = Math.min(flat, ln2);
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `at the start ‖∇L‖ < 0.001 ${flat}/50, |L − ln 2| < 0.0005 ${ln2}/50 (the least counted)`,
      wording: 'happens',
      k,
      n: 50,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[0].text, measured: 'the same 50 starts', wording: 'happens', k, n: 50 });
  });

  it('the start is a saddle (negative eigenvalues, gentle), and SGD at lr 0.05 does not get off it within the round', () => {
    const curv = curvatureAtStarts();
    const negative = count(curv, (c) => c.smallest[0] < 0);
    const twoNegative = count(curv, (c) => c.smallest[1] < 0);
    // Gentle: the steepest way down curves at most a tenth as much as the steepest way up.
    const gentle = count(curv, (c) => c.smallest[0] < 0 && -c.smallest[0] < 0.1 * c.largest);
    // The hint is about the picture the student sees: its negative ticks (shared's signs, drawn one ▼ each) at each start.
    const pictured = SEEDS.map((seed) => {
      const row = startSpectrumPicture(new ChallengeAttempt(ch, ch.initial, seed)).eigenvalues?.[0];
      return row ? row.signs.filter((s) => s < 0).length : 0;
    });
    const picturedTwo = count(pictured, (k) => k >= 2);
    const runs = slow().map((r) => r.attempt);
    // Off the saddle: the loss fallen more than 0.01 below where it started.
    const off = count(runs, (a) => Math.min(...a.lossByTick) < a.landscape.value(a.start) - 0.01);
    console.log(
      `start: λmin ${quantiles(curv.map((c) => c.smallest[0]))}; second smallest ${quantiles(curv.map((c) => c.smallest[1]))}; λmax ${quantiles(curv.map((c) => c.largest))}`,
    );
    console.log(`start's spectrum picture: negative ticks ${quantiles(pictured)}; at least two ${picturedTwo}/50`);
    console.log(
      `start: λmin < 0 ${negative}/50, two negative ${twoNegative}/50, |λmin| < λmax/10 ${gentle}/50; lr 0.05: lowest loss fallen > 0.01 below the start ${off}/50 (final loss ${quantiles(runs.map((a) => a.you.loss))})`,
    );
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `λmin < 0 at the start ${negative}/50; at lr 0.05 the loss ever falls > 0.01 below its start in ${off}/50`,
      wording: 'happens',
      k: off === 0 ? negative : 0,
      n: 50,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: `two negative eigenvalues at the start ${twoNegative}/50, the start's spectrum picture with two or more negative ticks (below −1e-4·max|λ|) ${picturedTwo}/50, the most negative under a tenth of λmax ${gentle}/50 (the least counted)`,
      wording: 'happens',
      k: Math.min(twoNegative, picturedTwo, gentle),
      n: 50,
    });
  });

  it('SGD at lr 0.5 escapes, then slows down again at a loss between 0.15 and 0.35, on another saddle', () => {
    const runs = fast().map((r) => r.attempt);
    const rate = runs[0].settings.tickRate;
    const window = 5 * rate;
    const escapeTick = (a: ChallengeAttempt) => a.lossByTick.findIndex((x) => x < 0.6);
    /**
     * Where the racer slows down again after escaping: the middle of the first 5 s after the escape
     * over which the loss falls by less than 0.01 (null if it never does).
     */
    const slowdown = (a: ChallengeAttempt) => {
      const e = escapeTick(a);
      if (e < 0) return null;
      const l = a.lossByTick;
      for (let k = e; k + window < l.length; k++)
        if (l[k] - l[k + window] < 0.01) {
          const mid = k + window / 2;
          return { tick: mid, loss: l[mid], position: a.pathByTick[mid + 1] };
        }
      return null;
    };
    const slows = runs.map(slowdown);
    const escaped = count(runs, (a) => escapeTick(a) >= 0);
    const slowed = slows.filter((x) => x !== null);
    const levels = slowed.map((x) => x.loss);
    const near = (lo: number, hi: number) => count(levels, (x) => x >= lo && x <= hi);
    const at = slows.map((x, i) => (x ? { c: ends(runs[i].landscape, x.position), g: gradientNorm(runs[i].landscape, x.position) } : null));
    // Negative beyond Lanczos's accuracy (1e-4 of the largest, as the results' classification).
    const saddle = count(at, (x) => x !== null && x.c.smallest[0] < -1e-4 * Math.abs(x.c.largest));
    console.log(
      `lr 0.5: escaped below 0.6 ${escaped}/50 (at ${quantiles(runs.map((a) => escapeTick(a) / rate))} s); slowed again ${slowed.length}/50 (at ${quantiles(slowed.map((x) => x.tick / rate))} s); loss there ${quantiles(levels)}; in [0.15, 0.35] ${near(0.15, 0.35)}, [0.2, 0.3] ${near(0.2, 0.3)}`,
    );
    console.log(
      `lr 0.5 where it slowed: λmin ${quantiles(at.filter((x) => x !== null).map((x) => x.c.smallest[0]))}; λmin < −1e-4·λmax ${saddle}/50; ‖∇L‖ ${quantiles(at.filter((x) => x !== null).map((x) => x.g))}; final loss ${quantiles(runs.map((a) => a.you.loss))}`,
    );
    const k = Math.min(escaped, slowed.length, near(0.15, 0.35), saddle);
    claim({
      where: ch.id,
      sentence: S[2],
      measured: `lr 0.5: loss below 0.6 ${escaped}/50; then a 5 s stretch where it falls < 0.01 ${slowed.length}/50, at loss in [0.15, 0.35] ${near(0.15, 0.35)}/50 (${quantiles(levels)}), with λmin < 0 there ${saddle}/50 (the least counted)`,
      wording: 'happens',
      k,
      n: 50,
    });
    const passed = fast().filter((r) => r.outcome.pass).length;
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[2].text,
      measured: `a suggestion; lr 0.5 passes ${passed}/50`,
      wording: 'can',
      k: passed,
      n: 50,
    });
  });

  it('the task, and every sentence claimed', () => {
    const scale = (ch.landscape as { initScale?: number }).initScale;
    claim({ where: ch.id, sentence: T[0], measured: `initial scale ${scale}`, wording: 'fact', k: Number(scale === 0.01), n: 1 });
    claim({
      where: ch.id,
      sentence: T[1],
      measured: `instruction; the goal passes at final loss ≤ ${ch.goal.stars[0]}`,
      wording: 'fact',
      k: Number(ch.goal.stars[0] === 0.3),
      n: 1,
    });
    expect(S).toHaveLength(3);
    expectEverySentenceClaimed(ch.id, ch.explanation);
    expectEverySentenceClaimed(ch.id, ch.task);
    for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
  });
});

describe('small-batches-flat-ends: what the student reads', () => {
  const ch = challenge('small-batches-flat-ends');
  const S = sentences(ch.explanation);
  const T = sentences(ch.task);
  const batches4 = () => attempts(ch, withSetup(ch, { optimizer: sgd(0.5, { batchSize: 4 }) }));
  /** λmax at the end of each network's full-batch run (memoised on each attempt, as the goal reads it). */
  const fullBatch = () => batches4().map((r) => fullBatchSharpness(r.attempt.finish().evidence));

  it('a reference computed before the attempt has run (as the browser’s worker does) is the goal’s own, to the bit', () => {
    for (const seed of [1, 2, 3]) {
      const fresh = new ChallengeAttempt(ch, withSetup(ch, { optimizer: sgd(0.5, { batchSize: 4 }) }), seed);
      const early = fullBatchSharpness({
        settings: fresh.settings,
        seed,
        landscape: fresh.landscape,
        start: fresh.start,
        memo: new Map(),
        you: { optimizer: fresh.setup.optimizer },
      });
      expect(early).toBe(fullBatch()[seed - 1]);
    }
  });

  it('full batches at lr 0.5 end where λmax is between 0.1 and 1, about 0.3 in the typical network', () => {
    const lam = fullBatch();
    const within = count(lam, (x) => x >= 0.1 && x <= 1);
    const median = [...lam].sort((a, b) => a - b)[lam.length / 2];
    console.log(
      `full batch λmax at the end: ${quantiles(lam)}; in [0.1, 1] ${within}/50; in [0.2, 0.4] ${count(lam, (x) => x >= 0.2 && x <= 0.4)}/50`,
    );
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `full-batch λmax at the end in [0.1, 1]; ${quantiles(lam)}`,
      wording: 'happens',
      k: within,
      n: 50,
    });
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `the typical network: median of the 50 full-batch λmax ${median.toPrecision(3)}, within 0.05 of 0.3`,
      wording: 'fact',
      k: Number(Math.abs(median - 0.3) <= 0.05),
      n: 1,
    });
  });

  it('batches of 4 end at most 0.7 times as sharp, in nine networks out of ten or more', () => {
    const lam = fullBatch();
    const ratios = batches4().map((r, i) => (r.attempt.finish().evidence.you.lambdaMax ?? Number.NaN) / lam[i]);
    const flatter = count(ratios, (x) => x <= 0.7);
    const passed = batches4().filter((r) => r.outcome.pass).length;
    console.log(`batch 4 λmax over full batch's: ${quantiles(ratios)}; ≤ 0.7 ${flatter}/50; passes ${passed}/50`);
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `batch 4 λmax at the end over the full batch's ≤ 0.7; ratio ${quantiles(ratios)}`,
      wording: 'atLeast',
      target: 0.9,
      k: flatter,
      n: 50,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[2].text,
      measured: `a suggestion; batches of 4 pass ${passed}/50`,
      wording: 'can',
      k: passed,
      n: 50,
    });
  });

  it('a minibatch gradient is a noisy estimate of the full one: right on average, off in each draw', () => {
    const a0 = batches4()[0].attempt;
    let unbiased = 0;
    let noisy = 0;
    const draws = 400;
    for (const seed of SEEDS) {
      const a = new ChallengeAttempt(ch, withSetup(ch, { optimizer: sgd(0.5, { batchSize: 4 }) }), seed);
      const L = a.landscape as MlpLandscape;
      const full = new Float64Array(L.dim);
      L.valueAndGradientInto(a.start, full);
      const mean = new Float64Array(L.dim);
      const g = new Float64Array(L.dim);
      const rng = new Rng(`minibatch-${seed}`);
      let offSum = 0;
      for (let d = 0; d < draws; d++) {
        L.stochasticGradientInto(a.start, g, 4, rng);
        let off = 0;
        for (let i = 0; i < L.dim; i++) {
          mean[i] += g[i] / draws;
          off += (g[i] - full[i]) ** 2;
        }
        offSum += Math.sqrt(off);
      }
      const bias = norm(mean.map((m, i) => m - full[i]));
      // The mean of 400 draws lands within 3 standard errors of the full gradient; a single draw is off by over 20 % of it.
      if (bias < (3 * offSum) / draws / Math.sqrt(draws)) unbiased++;
      if (offSum / draws > 0.2 * norm(full)) noisy++;
    }
    console.log(
      `batch 4 at the start: mean of ${draws} draws within 3 s.e. of the full gradient ${unbiased}/50; one draw off by > 20 % ${noisy}/50`,
    );
    expect(a0.landscape.dim).toBe(114);
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: `at the start of 50 networks: ${draws} batches of 4 average to the full gradient (within 3 s.e.) ${unbiased}/50, one batch off by > 20 % ${noisy}/50 (the least counted)`,
      wording: 'happens',
      k: Math.min(unbiased, noisy),
      n: 50,
    });
  });

  it('the task, the first hint, and every sentence claimed', () => {
    const lr = Number(ch.initial.optimizer.lr);
    claim({
      where: ch.id,
      sentence: T[0],
      measured: `instruction; lr fixed at ${lr} (not a control), goal: loss ≤ 0.05 and λmax ratio ≤ ${ch.goal.stars[0]}`,
      wording: 'fact',
      k: Number(lr === 0.5 && !ch.controls.knobs.includes('lr') && ch.goal.stars[0] === 0.7),
      n: 1,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[0].text,
      measured:
        'instruction; the challenge screen shows λmax beside the batch size as the racer trains (test/e2e/curvatureChallenges.test.ts)',
      wording: 'fact',
      k: 1,
      n: 1,
    });
    expect(S).toHaveLength(2);
    expectEverySentenceClaimed(ch.id, ch.explanation);
    expectEverySentenceClaimed(ch.id, ch.task);
    for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
  });
});
