/**
 * Challenges 1–4, step size and curvature: every challenge is not won by its
 * initial setup, is won by a setup the search finds inside its controls, and
 * every sentence of its task, hints and explanation holds over 50 seeds with
 * the challenge's own rules.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, createLandscape, createOptimizer, Rng, simulate, type ChallengeSetup } from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from '../claims/claims';
import {
  attempt,
  attempts,
  challenge,
  checkWinnable,
  combinations,
  describeSetup,
  grid,
  passes,
  printVerdicts,
  SEEDS,
  withSetup,
} from './harness';

afterAll(() => {
  printClaims('Challenges: step size and curvature');
  printVerdicts('Step size and curvature');
});

describe('booth-edge: the edge of stability', () => {
  const ch = challenge('booth-edge');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);
  const T = sentences(ch.task);

  it('is winnable and not won by its initial setup', () => {
    const lrs = Array.from({ length: 40 }, (_, i) => Number((0.2 - i * 0.0025).toFixed(4)));
    checkWinnable(
      ch,
      lrs.map((lr) => withSetup(ch, { optimizer: { kind: 'sgd', lr } })),
      describeSetup,
    );
  });

  it('the task and the hints', () => {
    claim({ where: ch.id, sentence: T[0], measured: 'instruction', wording: 'fact', k: 1, n: 1 });
    claim({
      where: ch.id,
      sentence: T[1],
      measured: `stars at ${ch.goal.stars.join(', ')} of the gap below 2/18`,
      wording: 'fact',
      k: Number(JSON.stringify(ch.goal.stars) === JSON.stringify([0.05, 0.02, 0.01])),
      n: 1,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[0].text, measured: 'instruction', wording: 'fact', k: 1, n: 1 });
  });

  it('a quadratic with curvatures 2 and 18 everywhere; each step scales a direction by 1 − lr·λ', () => {
    const rng = new Rng('booth-points');
    const pts = Array.from({ length: 50 }, () => [rng.uniformIn(-10, 10), rng.uniformIn(-10, 10)]);
    const curv = count(pts, (p) => {
      const e = analyze(L, p).eigenvalues;
      return Math.abs(e[0] - 2) < 1e-9 && Math.abs(e[1] - 18) < 1e-9;
    });
    claim({
      where: ch.id,
      sentence: S[0],
      measured: 'Hessian eigenvalues at 50 random points are 2 and 18',
      wording: 'fact',
      k: curv,
      n: 50,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[1].text, measured: 'the same 50 points', wording: 'fact', k: curv, n: 50 });
    // One step from random points: the component along each eigenvector of θ − θ* is multiplied by 1 − lr·λ.
    const star = [1, 3];
    const { eigenvectors, eigenvalues } = analyze(L, star);
    let k = 0;
    for (const [i, p] of pts.entries()) {
      const lr = 0.01 + 0.002 * i;
      const run = simulate({ landscape: L, optimizer: { kind: 'sgd', lr }, start: p, steps: 1 });
      const ok = eigenvectors.every((v, j) => {
        const before = v[0] * (p[0] - star[0]) + v[1] * (p[1] - star[1]);
        const after = v[0] * (run.path[1][0] - star[0]) + v[1] * (run.path[1][1] - star[1]);
        return Math.abs(after - (1 - lr * eigenvalues[j]) * before) < 1e-9 * (1 + Math.abs(before));
      });
      if (ok) k++;
    }
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `one step from 50 points scales each eigen-component by 1 − lr·λ; 2/18 = ${(2 / 18).toFixed(4)}`,
      wording: 'fact',
      k: (2 / 18).toFixed(3) === '0.111' ? k : 0,
      n: 50,
    });
  });

  it('between 1/18 and 2/18 the racer crosses the valley every step with shrinking swings; at 0.112 it never gets there', () => {
    const { eigenvectors } = analyze(L, [1, 3]);
    const steep = eigenvectors[1];
    const rng = new Rng('booth-swing');
    let k = 0;
    for (const seed of SEEDS) {
      const lr = rng.uniformIn(1 / 18 + 1e-3, 2 / 18 - 1e-3);
      const a = attempt(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr } }), seed).attempt;
      const run = simulate({ landscape: L, optimizer: { kind: 'sgd', lr }, start: a.start, steps: 30 });
      const c = run.path.map((p) => steep[0] * (p[0] - 1) + steep[1] * (p[1] - 3));
      let ok = true;
      // Until the steep component is down to rounding: each step flips its sign and shortens it.
      for (let i = 1; i < c.length && Math.abs(c[i - 1]) > 1e-9; i++)
        if (!(Math.sign(c[i]) === -Math.sign(c[i - 1]) && Math.abs(c[i]) < Math.abs(c[i - 1]))) ok = false;
      if (ok && a.race.racer('you')!.status === 'finished') k++;
    }
    const over = attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.112 } }));
    claim({
      where: ch.id,
      sentence: S[2],
      measured: `lr uniform in (1/18, 2/18): the steep component flips sign and shrinks at each of 30 steps and the racer reaches the target (${k}/50); lr 0.112 reaches it in ${count(over, (r) => r.attempt.race.racer('you')!.status === 'finished')}/50 (must be none)`,
      wording: 'happens',
      k: count(over, (r) => r.attempt.race.racer('you')!.status === 'finished') === 0 ? k : 0,
      n: SEEDS.length,
    });
  });

  it('every sentence is measured', () => {
    expectEverySentenceClaimed(ch.id, ch.explanation);
    expectEverySentenceClaimed(ch.id, ch.task);
    for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
  });
});

describe('matyas-momentum: momentum in a long valley', () => {
  const ch = challenge('matyas-momentum');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);
  const T = sentences(ch.task);

  it('is winnable and not won by its initial setup', () => {
    const candidates = [0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99].map((momentum) =>
      withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.1, momentum } }),
    );
    checkWinnable(ch, candidates, describeSetup);
  });

  it('the task and the hints', () => {
    claim({ where: ch.id, sentence: T[0], measured: 'instruction', wording: 'fact', k: 1, n: 1 });
    const s = ch.preset.settings;
    claim({
      where: ch.id,
      sentence: T[1],
      measured: `lr locked (${s.lockedKnobs.includes('lr')}) at ${s.defaultOptimizer?.lr}; knobs the student turns: ${ch.controls.knobs.join(', ')}`,
      wording: 'fact',
      k: Number(s.lockedKnobs.includes('lr') && s.defaultOptimizer?.lr === 0.1 && ch.controls.knobs.join() === 'momentum'),
      n: 1,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[0].text, measured: 'a question', wording: 'fact', k: 1, n: 1 });
    // Momentum keeps a fraction of the last step: on a constant slope its steps grow toward lr·g/(1 − μ).
    const slope = createLandscape({ kind: 'expression', expr: 'x', bounds: { xMin: -1e6, xMax: 1e6, yMin: -1, yMax: 1 } });
    const o = createOptimizer({ kind: 'sgd', lr: 0.01, momentum: 0.9 }, 2);
    const th = new Float64Array(2);
    const steps: number[] = [];
    for (let i = 0; i < 100; i++) {
      const before = th[0];
      o.stepInPlace(th, slope, new Rng(1));
      steps.push(before - th[0]);
    }
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: `on a constant slope, momentum 0.9's step grows from ${steps[0].toFixed(3)} to ${steps[99].toFixed(4)} (lr·g/(1 − μ) = 0.1)`,
      wording: 'fact',
      k: Number(Math.abs(steps[0] - 0.01) < 1e-12 && Math.abs(steps[99] - 0.1) < 1e-4),
      n: 1,
    });
  });

  it('the valley, the crawl and the speed-up', () => {
    const e = analyze(L, [0, 0]).eigenvalues;
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `curvatures ${e.map((x) => x.toFixed(4)).join(', ')}`,
      wording: 'fact',
      k: Number(Math.abs(e[0] - 0.04) < 1e-12 && Math.abs(e[1] - 1) < 1e-12),
      n: 1,
    });
    const plain = attempts(ch, ch.initial);
    const secondsOf = (r: (typeof plain)[number]) => r.attempt.race.racer('you')!.finishUpdates! / 40;
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `1 − 0.1·0.04 = ${1 - 0.1 * 0.04}; plain SGD reaches the target in 27–31 s: ${count(plain, (r) => r.attempt.race.racer('you')!.finishUpdates !== null && Math.abs(secondsOf(r) - 29) <= 2)}/50`,
      wording: 'happens',
      k:
        Math.abs(1 - 0.1 * 0.04 - 0.996) < 1e-12
          ? count(plain, (r) => r.attempt.race.racer('you')!.finishUpdates !== null && Math.abs(secondsOf(r) - 29) <= 2)
          : 0,
      n: SEEDS.length,
    });
    const fast = attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 } }));
    claim({
      where: ch.id,
      sentence: S[2],
      measured: 'paired: momentum 0.9 reaches the target in less than a tenth of plain SGD’s time',
      wording: 'better',
      k: count(fast, (r, i) => r.attempt.race.racer('you')!.finishUpdates !== null && secondsOf(r) * 10 < secondsOf(plain[i])),
      n: SEEDS.length,
    });
  });

  it('every sentence is measured', () => {
    expectEverySentenceClaimed(ch.id, ch.explanation);
    expectEverySentenceClaimed(ch.id, ch.task);
    for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
  });
});

describe('rosenbrock-momentum: beat Adam with momentum alone', () => {
  const ch = challenge('rosenbrock-momentum');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);
  const T = sentences(ch.task);
  const seconds = (r: { attempt: { race: { racer(id: string): { finishUpdates: number | null } | undefined } } }) => {
    const u = r.attempt.race.racer('you')!.finishUpdates;
    return u === null ? Number.POSITIVE_INFINITY : u / 40;
  };

  it('is winnable and not won by its initial setup', () => {
    const candidates = combinations<{ lr: number; momentum: number }>({
      momentum: [0.5, 0.8, 0.9, 0.95],
      lr: [0.0005, 0.001, 0.002, 0.004],
    }).map((o) => withSetup(ch, { optimizer: { kind: 'sgd', ...o } }));
    checkWinnable(ch, candidates, describeSetup);
  });

  it('Adam at lr 0.1 is the fastest Adam of the range and takes about 18 s', () => {
    const adamLrs = [0.01, 0.02, 0.03, 0.05, 0.07, 0.1];
    const adamCh = {
      ...ch,
      preset: {
        ...ch.preset,
        settings: {
          ...ch.preset.settings,
          allowedOptimizers: ['adam' as const],
          lockedKnobs: [],
          defaultOptimizer: { kind: 'adam', lr: 0.1 },
        },
      },
      controls: { ...ch.controls, optimizers: ['adam' as const] },
    };
    const time = (lr: number) => attempts(adamCh, { optimizer: { kind: 'adam', lr } }).map(seconds);
    const at = adamLrs.map(time);
    const best = at.at(-1)!;
    const fastest = count(SEEDS, (_, i) => at.every((t) => t[i] >= best[i]));
    claim({
      where: ch.id,
      sentence: T[0],
      measured: `Adam at lr ${adamLrs.join(', ')}: lr 0.1 fastest in ${fastest}/50; its time in [14, 22] s in ${count(best, (t) => t >= 14 && t <= 22)}/50`,
      wording: 'happens',
      k: Math.min(
        fastest,
        count(best, (t) => t >= 14 && t <= 22),
      ),
      n: SEEDS.length,
    });
    claim({ where: ch.id, sentence: T[1], measured: 'instruction', wording: 'fact', k: 1, n: 1 });
  });

  it('walls 2500 times steeper; plain SGD never gets there; momentum adds up ten steps; twice to three times as fast as Adam', () => {
    const e = analyze(L, [1, 1]).eigenvalues;
    const plainRuns = grid(ch, 'lr', 8).map((lr) => attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr } })));
    const plainPasses = plainRuns.reduce((s, runs) => s + count(runs, (r) => r.attempt.race.racer('you')!.finishUpdates !== null), 0);
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `curvatures at the minimum ${e.map((x) => x.toFixed(1)).join(', ')} (ratio ${(e[1] / e[0]).toFixed(0)}); plain SGD at 8 lrs over the range reaches the target in ${plainPasses}/400 runs`,
      wording: 'never',
      k: Math.abs(e[1] / e[0] - 2500) < 100 ? plainPasses : 1,
      n: 400,
    });
    const mom = attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.002, momentum: 0.9 } }));
    // Ten steps' worth: after 10 s, momentum has travelled farther along the floor than plain SGD at the same lr.
    const along = (a: (typeof mom)[number]) => {
      const t = a.attempt.trails.get('you')!;
      const k = Math.min(200, t.length / 2 - 1);
      return Math.hypot(t[2 * k] - 1, t[2 * k + 1] - 1);
    };
    const plain = attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.002 } }));
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `1/(1 − 0.9) = ${(1 / (1 - 0.9)).toFixed(1)}; paired: after 10 s, lr 0.002 with momentum 0.9 is closer to the minimum than without`,
      wording: 'better',
      k: count(mom, (r, i) => along(r) < along(plain[i])),
      n: SEEDS.length,
    });
    const ratios = mom.map((r) => r.outcome.value ?? Number.POSITIVE_INFINITY);
    claim({
      where: ch.id,
      sentence: S[2],
      measured: `time under 10 s and below 55 % of Adam’s: ratios ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
      wording: 'happens',
      k: count(mom, (r, i) => seconds(r) < 10 && ratios[i] < 0.55),
      n: SEEDS.length,
    });
  });

  it('hints', () => {
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[0].text,
      measured: 'see the explanation’s first sentence (400 plain runs)',
      wording: 'fact',
      k: 1,
      n: 1,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: 'see the explanation’s second sentence',
      wording: 'fact',
      k: 1,
      n: 1,
    });
  });

  it('every sentence is measured', () => {
    expectEverySentenceClaimed(ch.id, ch.explanation);
    expectEverySentenceClaimed(ch.id, ch.task);
    for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
  });
});

describe('mesa: cross the mesa', () => {
  const ch = challenge('mesa');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);

  it('is winnable and not won by its initial setup', () => {
    const candidates: ChallengeSetup[] = [];
    for (const kind of ['sgd', 'adagrad', 'rmsprop', 'adam'])
      for (const lr of grid(ch, 'lr', 6)) candidates.push(withSetup(ch, { optimizer: { kind, lr } }));
    checkWinnable(ch, candidates, describeSetup);
  });

  it('the slope on top; SGD never leaves; adaptive steps do not shrink; Adam crosses in under 3 s', () => {
    const starts = SEEDS.map((s) => attempt(ch, ch.initial, s).attempt.start);
    const g = new Float64Array(2);
    const slopes = starts.map((p) => {
      L.valueAndGradientInto(p, g);
      return Math.hypot(g[0], g[1]);
    });
    const sgdRuns = [...grid(ch, 'lr', 8), 3].map((lr) => attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr } })));
    const left = sgdRuns.reduce((s, runs) => s + count(runs, (r) => r.attempt.race.racer('you')!.finishUpdates !== null), 0);
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `slope at the 50 starts ≤ ${Math.max(...slopes).toExponential(1)}; SGD at 9 lrs over the range reaches the target in ${left}/${sgdRuns.length * 50}`,
      wording: 'never',
      k: Math.max(...slopes) < 1e-4 ? left : 1,
      n: sgdRuns.length * 50,
    });
    // The first step of Adam and Adagrad moves each coordinate by lr, whatever the slope.
    const first = (kind: string) =>
      count(starts, (p) => {
        const r = simulate({ landscape: L, optimizer: { kind, lr: 0.1 }, start: p, steps: 1 });
        return r.path[1].every((v, i) => Math.abs(Math.abs(v - p[i]) - 0.1) < 1e-3);
      });
    const k = Math.min(first('adam'), first('adagrad'));
    claim({
      where: ch.id,
      sentence: S[1],
      measured: 'Adam’s and Adagrad’s first step at lr 0.1 moves each coordinate by 0.1 ± 0.001 from 50 starts',
      wording: 'fact',
      k,
      n: 50,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[1].text, measured: 'the same first steps', wording: 'fact', k, n: 50 });
    const adam = attempts(ch, withSetup(ch, { optimizer: { kind: 'adam', lr: 0.1 } }));
    claim({
      where: ch.id,
      sentence: S[2],
      measured: 'Adam at lr 0.1 reaches loss 0.01 in under 3 s',
      wording: 'happens',
      k: count(adam, (r) => r.outcome.value !== null && r.outcome.value < 3),
      n: SEEDS.length,
    });
    claim({ where: ch.id, sentence: ch.task, measured: 'instruction', wording: 'fact', k: 1, n: 1 });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[0].text,
      measured: 'a question (see the first sentence)',
      wording: 'fact',
      k: 1,
      n: 1,
    });
    expect(passes(adam)).toBeGreaterThan(0);
  });

  it('every sentence is measured', () => {
    expectEverySentenceClaimed(ch.id, ch.explanation);
    expectEverySentenceClaimed(ch.id, ch.task);
    for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
  });
});
