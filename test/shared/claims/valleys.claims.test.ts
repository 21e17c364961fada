/**
 * Valleys and bowls (Rosenbrock, Booth, Matyas, Beale, Goldstein–Price):
 * every lesson sentence measured under the terrain's preset rules, from 60
 * starts — around the preset's shared start where the lesson is about that
 * race, over the whole view where it speaks of starts in general.
 */
import { afterAll, describe, it } from 'vitest';
import { analyze, createLandscape, lossGrid } from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from './claims';
import { entry, logUniform, once, presetSettings, roundUpdates, runRacer, startsAround, startsInView, type RacerOutcome } from './field';

const N = 60;

function runs(kind: string, name: string, optimizer: (i: number) => Record<string, unknown>, starts: number[][]): RacerOutcome[] {
  return once(`${kind}:${name}`, () => {
    const settings = presetSettings(entry(kind), { startRule: { kind: 'choose' } });
    return starts.map((s, i) => runRacer(settings, optimizer(i) as { kind: string }, s, `${kind}:${name}:${i}`));
  });
}

const presetStart = (kind: string) => (entry(kind).preset.settings.startRule as { point: [number, number] }).point;
const finished = (r: RacerOutcome) => r.status === 'finished';

afterAll(() => printClaims('Valleys and bowls (preset rules, 60 starts)'));

describe('Rosenbrock', () => {
  const E = entry('rosenbrock');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const starts = startsAround(presetStart('rosenbrock'), 0.2, N, 'rosenbrock');

  it('the walls curve about 2500 times more sharply than the floor at the minimum', () => {
    const [lo, hi] = analyze(L, [1, 1]).eigenvalues;
    claim({
      where: 'rosenbrock',
      sentence: S[0],
      measured: `eigenvalues at (1, 1): ${lo.toFixed(4)}, ${hi.toFixed(1)}; ratio ${(hi / lo).toFixed(0)}`,
      wording: 'fact',
      k: Number(Math.abs(hi / lo - 2500) < 100),
      n: 1,
    });
  });

  it('plain gradient descent below 2/1000 does not reach loss 0.001 in the round', () => {
    const lrs = logUniform(1e-4, 2 / 1001.6, N, 'rosenbrock-sgd');
    const r = runs('rosenbrock', 'sgd', (i) => ({ kind: 'sgd', lr: lrs[i] }), starts);
    const [, hi] = analyze(L, [1, 1]).eigenvalues;
    claim({
      where: 'rosenbrock',
      sentence: S[1],
      measured: `λ_max at (1, 1) = ${hi.toFixed(1)} (2/λ = ${(2 / hi).toFixed(5)}); SGD lr log-uniform in [1e-4, 2/λ] from starts around the shared one does not reach loss 0.001`,
      wording: 'happens',
      k: count(r, (x) => !finished(x)),
      n: N,
    });
  });

  it('momentum 0.9, or Adam at lr 0.1, gets there', () => {
    const mom = runs('rosenbrock', 'momentum', () => ({ kind: 'sgd', lr: 0.001, momentum: 0.9 }), starts);
    const adam = runs('rosenbrock', 'adam', () => ({ kind: 'adam', lr: 0.1 }), starts);
    claim({
      where: 'rosenbrock',
      sentence: S[2],
      measured: `reach loss 0.001 in the round: momentum 0.9 at lr 0.001 ${count(mom, finished)}/${N}, Adam lr 0.1 ${count(adam, finished)}/${N} (smaller shown)`,
      wording: 'happens',
      k: Math.min(count(mom, finished), count(adam, finished)),
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('rosenbrock', E.lesson));
});

describe('Booth', () => {
  const E = entry('booth');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const starts = startsInView(E, N, 'booth');

  it('a tilted quadratic bowl with one minimum at (1, 3)', () => {
    const a = analyze(L, [1, 3]);
    const b = analyze(L, [-7, 5]);
    const ok = a.value === 0 && a.kind === 'minimum' && JSON.stringify(a.hessian) === JSON.stringify(b.hessian) && a.hessian[0][1] !== 0;
    claim({
      where: 'booth',
      sentence: S[0],
      measured: `f(1, 3) = ${a.value}; Hessian ${JSON.stringify(a.hessian)} everywhere (tilted: off-diagonal ≠ 0)`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('converges exactly when the learning rate is below 2/18', () => {
    const below = logUniform(0.1, 0.1111, N, 'booth-below');
    const above = logUniform(0.1112, 0.115, N, 'booth-above');
    const rb = runs('booth', 'below', (i) => ({ kind: 'sgd', lr: below[i] }), starts);
    const ra = runs('booth', 'above', (i) => ({ kind: 'sgd', lr: above[i] }), starts);
    const start = starts.map((s) => L.value(s));
    const shrank = count(rb, (x, i) => x.status !== 'diverged' && x.loss < start[i]);
    const grew = count(ra, (x, i) => x.status === 'diverged' || x.loss > start[i]);
    const [lo, hi] = analyze(L, [0, 0]).eigenvalues;
    claim({
      where: 'booth',
      sentence: S[1],
      measured: `eigenvalues ${lo}, ${hi}; SGD lr in [0.1, 0.1111]: loss ended below the start's ${shrank}/${N}; lr in [0.1112, 0.115]: loss grew ${grew}/${N} (smaller shown)`,
      wording: 'happens',
      k: lo === 2 && hi === 18 ? Math.min(shrank, grew) : 0,
      n: N,
    });
  });

  it('at lr 0.1 both directions shrink by 0.8 per step, the best factor a constant learning rate guarantees', () => {
    // Along the eigenvectors (1, −1)/√2 (λ = 2) and (1, 1)/√2 (λ = 18), one step multiplies the distance by 1 − lr·λ.
    const settings = presetSettings(E, { startRule: { kind: 'choose' }, roundSeconds: 5, tickRate: 1, stepsPerTick: 1 });
    const r = runRacer(settings, { kind: 'sgd', lr: 0.1 }, [-6, -5], 'booth-factor');
    const d0 = [-6 - 1, -5 - 3];
    const d = [r.position[0] - 1, r.position[1] - 3];
    const slow = ((d[0] - d[1]) / (d0[0] - d0[1])) ** (1 / 5);
    const fast = Math.abs((d[0] + d[1]) / (d0[0] + d0[1])) ** (1 / 5);
    const worst = (lr: number) => Math.max(Math.abs(1 - 2 * lr), Math.abs(1 - 18 * lr));
    const lrs = Array.from({ length: 2001 }, (_, i) => (0.2 * i) / 2000);
    const best = lrs.reduce((a, b) => (worst(b) < worst(a) ? b : a));
    const ok =
      Math.abs(slow - 0.8) < 1e-9 && Math.abs(fast - 0.8) < 1e-9 && Math.abs(best - 0.1) < 1e-12 && Math.abs(worst(best) - 0.8) < 1e-12;
    claim({
      where: 'booth',
      sentence: S[2],
      measured: `SGD lr 0.1 for 5 steps: factor per step along λ = 2: ${slow.toFixed(6)}, along λ = 18: ${fast.toFixed(6)}; the lr in [0, 0.2] minimising max|1 − lr·λ|: ${best} (factor ${worst(best).toFixed(3)})`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('booth', E.lesson));
});

describe('Matyas', () => {
  const E = entry('matyas');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const starts = startsAround(presetStart('matyas'), 1, N, 'matyas');

  it('curvatures 1.0 and 0.04, the flat one along the diagonal', () => {
    const a = analyze(L, [0, 0]);
    const flat = a.eigenvectors[0];
    const ok =
      Math.abs(a.eigenvalues[0] - 0.04) < 1e-12 &&
      Math.abs(a.eigenvalues[1] - 1) < 1e-12 &&
      Math.abs(Math.abs(flat[0]) - Math.SQRT1_2) < 1e-12 &&
      flat[0] * flat[1] > 0;
    claim({
      where: 'matyas',
      sentence: S[0],
      measured: `eigenvalues ${a.eigenvalues.join(', ')}; flat direction (${flat.map((v) => v.toFixed(3)).join(', ')})`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('the learning rate is capped at 2, so each step removes at most 8 % along the flat direction', () => {
    const above = runs('matyas', 'above2', () => ({ kind: 'sgd', lr: 2.05 }), starts);
    const notConverged = count(above, (x) => !finished(x));
    // Along the flat direction gradient descent multiplies the distance by exactly 1 − 0.04·lr per step.
    const settings = presetSettings(E, { startRule: { kind: 'choose' }, roundSeconds: 5 });
    const lr = 1.99;
    const r = runRacer(settings, { kind: 'sgd', lr }, [-7, -4], 'matyas-flat');
    const along = (p: number[]) => (p[0] + p[1]) / Math.SQRT2;
    const steps = roundUpdates(settings);
    const factor = (along(r.position) / along([-7, -4])) ** (1 / steps);
    claim({
      where: 'matyas',
      sentence: S[1],
      measured: `SGD lr 2.05 never reaches loss 0.0001: ${notConverged}/${N}; at lr 1.99 the flat component shrinks by ${factor.toFixed(4)} per step (1 − 0.04·1.99 = ${(1 - 0.04 * lr).toFixed(4)})`,
      wording: 'happens',
      k: Math.abs(factor - (1 - 0.04 * lr)) < 1e-6 ? notConverged : 0,
      n: N,
    });
  });

  it('momentum 0.9 at lr 0.1 gets there over ten times sooner than plain SGD', () => {
    const sgd = runs('matyas', 'sgd0.1', () => ({ kind: 'sgd', lr: 0.1 }), starts);
    const mom = runs('matyas', 'mom0.1', () => ({ kind: 'sgd', lr: 0.1, momentum: 0.9 }), starts);
    const time = (x: RacerOutcome) => (x.finishUpdates === null ? Infinity : x.finishUpdates);
    claim({
      where: 'matyas',
      sentence: S[2],
      measured: 'paired starts: momentum finishes and plain SGD takes over ten times as long (or never finishes)',
      wording: 'better',
      k: count(mom, (x, i) => finished(x) && time(sgd[i]) > 10 * time(x)),
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('matyas', E.lesson));
});

describe('Beale', () => {
  const E = entry('beale');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const starts = startsInView(E, N, 'beale');

  it('a long, shallow valley: curvatures 49 across and 0.3 along', () => {
    const [lo, hi] = analyze(L, [3, 0.5]).eigenvalues;
    claim({
      where: 'beale',
      sentence: S[0],
      measured: `eigenvalues at (3, 0.5): ${lo.toFixed(3)}, ${hi.toFixed(2)}; f = ${L.value([3, 0.5])}`,
      wording: 'fact',
      k: Number(Math.abs(lo - 0.3) < 0.01 && Math.abs(hi - 49) < 0.1 && L.value([3, 0.5]) === 0),
      n: 1,
    });
  });

  it('plain SGD at lr 0.01 often flies off the map', () => {
    const r = runs('beale', 'sgd0.01', () => ({ kind: 'sgd', lr: 0.01 }), starts);
    claim({
      where: 'beale',
      sentence: S[1],
      measured: 'SGD lr 0.01 from random starts diverges',
      wording: 'can',
      k: count(r, (x) => x.status === 'diverged'),
      n: N,
    });
  });

  it('at lr 0.001 it rarely reaches the minimum; Adam at lr 0.1 does from most starts', () => {
    const sgd = runs('beale', 'sgd0.001', () => ({ kind: 'sgd', lr: 0.001 }), starts);
    const adam = runs('beale', 'adam0.1', () => ({ kind: 'adam', lr: 0.1 }), starts);
    const reached = (x: RacerOutcome) => x.status !== 'diverged' && x.loss < 0.01;
    claim({
      where: 'beale',
      sentence: S[2],
      measured: 'SGD lr 0.001 from random starts: loss below 0.01 at the end',
      wording: 'rarely',
      k: count(sgd, reached),
      n: N,
    });
    claim({
      where: 'beale',
      sentence: S[2],
      measured: 'Adam lr 0.1 from random starts: diverges',
      wording: 'never',
      k: count(adam, (x) => x.status === 'diverged'),
      n: N,
    });
    claim({
      where: 'beale',
      sentence: S[2],
      measured: 'Adam lr 0.1 from random starts: loss below 0.01 at the end',
      wording: 'about',
      target: 0.4,
      k: count(adam, reached),
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('beale', E.lesson));
});

describe('Goldstein–Price', () => {
  const E = entry('goldstein-price');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const starts = startsInView(E, N, 'gp');
  const grid = lossGrid(L, { ...E.bounds, n: 201 });
  const max = Math.max(...grid);
  const min = Math.min(...grid);

  it('values span more than five orders of magnitude over the view', () => {
    claim({
      where: 'goldstein-price',
      sentence: S[0],
      measured: `loss over a 201×201 grid of the view: ${min.toFixed(2)} to ${max.toExponential(2)} (${Math.log10(max / min).toFixed(1)} decades)`,
      wording: 'fact',
      k: Number(Math.log10(max / min) > 5),
      n: 1,
    });
  });

  it('the minima a log colour scale shows and a linear one hides', () => {
    const values = L.info.points.map((p) => p.value).sort((a, b) => a - b);
    // A linear colour scale over the view's range, 256 levels: all four minima fall in its lowest level.
    const level = (v: number) => Math.floor((255 * (v - min)) / (max - min));
    const logLevel = (v: number) => Math.floor((255 * Math.log(v / min)) / Math.log(max / min));
    const linearHides = values.every((v) => level(v) === 0);
    const logShows = new Set(values.map(logLevel)).size === values.length;
    claim({
      where: 'goldstein-price',
      sentence: S[1],
      measured: `minima ${values.map((v) => v.toFixed(0)).join(', ')}; 256-level linear colours: levels ${values.map(level).join(', ')}; log colours: ${values.map(logLevel).join(', ')}`,
      wording: 'fact',
      k: Number(JSON.stringify(values.map((v) => Number(v.toFixed(6)))) === '[3,30,84,840]') + Number(linearHides) + Number(logShows),
      n: 3,
    });
  });

  it('gradients in the millions: SGD diverges at lr 0.001, Adam does not', () => {
    const g = new Float64Array(2);
    let gmax = 0;
    const n = 101;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const b = E.bounds;
        L.valueAndGradientInto([b.xMin + ((b.xMax - b.xMin) * i) / (n - 1), b.yMin + ((b.yMax - b.yMin) * j) / (n - 1)], g);
        gmax = Math.max(gmax, Math.hypot(g[0], g[1]));
      }
    const sgd = runs('goldstein-price', 'sgd0.001', () => ({ kind: 'sgd', lr: 0.001 }), starts);
    const adamLrs = logUniform(0.001, 0.1, N, 'gp-adam');
    const adam = runs('goldstein-price', 'adam', (i) => ({ kind: 'adam', lr: adamLrs[i] }), starts);
    claim({
      where: 'goldstein-price',
      sentence: S[2],
      measured: `largest gradient norm over the view ${gmax.toExponential(2)}; SGD lr 0.001 from random starts diverges`,
      wording: 'can',
      k: gmax >= 1e6 && gmax < 1e7 ? count(sgd, (x) => x.status === 'diverged') : 0,
      n: N,
    });
    claim({
      where: 'goldstein-price',
      sentence: S[2],
      measured: 'Adam lr log-uniform in [0.001, 0.1] from random starts diverges',
      wording: 'never',
      k: count(adam, (x) => x.status === 'diverged'),
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('goldstein-price', E.lesson));
});
