/**
 * Terrains with many minima (Rastrigin, Ackley, Himmelblau, six-hump camel,
 * Styblinski–Tang, Lévy): every lesson sentence measured under the terrain's
 * preset rules (round length, scoring, ranges), from 60 random starts over
 * the view (the lessons speak of starts in general), one seed each.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, createLandscape, robustLoss, type Landscape } from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from './claims';
import { entry, fieldRounds, logUniform, once, presetSettings, runRacer, startsInView, type RacerOutcome } from './field';

const N = 60;
const cosine = (tMax: number) => ({ kind: 'cosine', tMax, etaMin: 0 });

/** Runs `optimizer(i)` from the i-th start on a terrain under its preset (cached by name). */
function runs(
  kind: string,
  name: string,
  optimizer: (i: number) => Record<string, unknown>,
  starts: number[][],
  results = false,
): RacerOutcome[] {
  return once(`${kind}:${name}`, () => {
    const settings = presetSettings(entry(kind), { startRule: { kind: 'choose' } });
    return starts.map((s, i) => runRacer(settings, optimizer(i) as { kind: string }, s, `${kind}:${name}:${i}`, { results }));
  });
}

/** Newton's method from (x, y): the strict local minimum it converges to, or null. */
function newtonFrom(L: Landscape, x: number, y: number): number[] | null {
  const p = [x, y];
  for (let it = 0; it < 60; it++) {
    const a = analyze(L, p);
    const [[h11, h12], [, h22]] = a.hessian;
    const det = h11 * h22 - h12 * h12;
    const dx = (h22 * a.gradient[0] - h12 * a.gradient[1]) / det;
    const dy = (h11 * a.gradient[1] - h12 * a.gradient[0]) / det;
    p[0] -= dx;
    p[1] -= dy;
    if (!Number.isFinite(p[0] + p[1])) return null;
    if (Math.hypot(dx, dy) < 1e-13) break;
  }
  const a = analyze(L, p);
  return a.kind === 'minimum' && a.gradientNorm < 1e-8 ? p : null;
}

/** Whether Newton's method from (x, y) lands on a strict local minimum within `tol` of it. */
function minimumNear(L: Landscape, x: number, y: number, tol: number): boolean {
  const p = newtonFrom(L, x, y);
  return p !== null && Math.hypot(p[0] - x, p[1] - y) < tol;
}

const atRest = (r: RacerOutcome) => r.status !== 'diverged' && r.result!.settledSeconds !== null;
const endsAt = (r: RacerOutcome, kind: 'global-minimum' | 'local-minimum') => r.status !== 'diverged' && r.drainsTo?.kind === kind;

afterAll(() => printClaims('Terrains with many minima (preset rules, 60 random starts)'));

describe('Rastrigin', () => {
  const E = entry('rastrigin');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const starts = startsInView(E, N, 'rastrigin');

  it('a local minimum near every integer point, 121 in view', () => {
    let k = 0;
    let n = 0;
    for (let i = -6; i <= 6; i++)
      for (let j = -6; j <= 6; j++) {
        const inView = Math.abs(i) <= E.bounds.xMax && Math.abs(j) <= E.bounds.yMax;
        if (!inView) continue;
        n++;
        if (minimumNear(L, i * 0.995, j * 0.995, 0.1)) k++;
      }
    claim({
      where: 'rastrigin',
      sentence: S[0],
      measured: `integer points in view: ${n}; Newton finds a local minimum within 0.1 of ${k}`,
      wording: 'fact',
      k: k === 121 ? 1 : 0,
      n: n === 121 ? 1 : 2,
    });
  });

  it('small steps stop in the nearest dimple', () => {
    const lrs = logUniform(1e-4, 0.004, N, 'rastrigin-small');
    const r = runs('rastrigin', 'small', (i) => ({ kind: 'sgd', lr: lrs[i] }), starts);
    const nearest = (i: number) => {
      const d = r[i].drainsTo;
      return d !== null && Math.round(d.point[0]) === Math.round(starts[i][0]) && Math.round(d.point[1]) === Math.round(starts[i][1]);
    };
    // Known points list only the central nine; the rest are found by rounding the end point.
    const inNearest = (i: number) =>
      r[i].status !== 'diverged' &&
      Math.round(r[i].position[0]) === Math.round(starts[i][0]) &&
      Math.round(r[i].position[1]) === Math.round(starts[i][1]) &&
      minimumNear(L, r[i].position[0], r[i].position[1], 1e-3);
    claim({
      where: 'rastrigin',
      sentence: S[1],
      measured: 'SGD lr log-uniform in [1e-4, 0.004] ends at the local minimum of the integer point nearest its start',
      wording: 'happens',
      k: count(r, (_, i) => inNearest(i) || nearest(i)),
      n: N,
    });
  });

  it('a learning rate above 2/397 keeps bouncing', () => {
    const lrs = logUniform(0.01, 0.5, N, 'rastrigin-large');
    const r = runs('rastrigin', 'large', (i) => ({ kind: 'sgd', lr: lrs[i] }), starts, true);
    const dimple = analyze(L, [0, 0]).eigenvalues[1];
    const bowl = 2;
    claim({
      where: 'rastrigin',
      sentence: S[2],
      measured: `dimple curvature ${dimple.toFixed(1)} (2/λ = ${(2 / dimple).toFixed(4)}), bowl ${bowl}; SGD lr log-uniform in [0.01, 0.5] is not at rest at the end of the round`,
      wording: 'happens',
      k: Math.abs(dimple - 397) < 1 ? count(r, (x) => x.status !== 'diverged' && !atRest(x)) : 0,
      n: N,
    });
  });

  it('lowered to zero by the cosine schedule it settles, most often in the central dimple', () => {
    const lrs = logUniform(0.02, 0.05, N, 'rastrigin-cos');
    const r = runs('rastrigin', 'cos', (i) => ({ kind: 'sgd', lr: lrs[i], schedule: cosine(2400) }), starts, true);
    const rest = count(r, atRest);
    const central = count(r, (x) => endsAt(x, 'global-minimum'));
    claim({
      where: 'rastrigin',
      sentence: S[3],
      measured: `SGD lr log-uniform in [0.02, 0.05] with the cosine schedule: at rest ${rest}/${N}; in the central dimple ${central}/${N} (the smaller shown; needs both)`,
      wording: 'can',
      k: rest >= 0.9 * N ? central : 0,
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('rastrigin', E.lesson));
});

describe('Ackley', () => {
  const E = entry('ackley');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const starts = startsInView(E, N, 'ackley');

  it('ripples everywhere around one narrow crater', () => {
    let k = 0;
    let n = 0;
    for (let i = -4; i <= 4; i++)
      for (let j = -4; j <= 4; j++) {
        if (i === 0 && j === 0) continue;
        n++;
        if (minimumNear(L, i * 0.97, j * 0.97, 0.2) || minimumNear(L, i, j, 0.2)) k++;
      }
    const crater = L.value([0, 0]);
    claim({
      where: 'ackley',
      sentence: S[0],
      measured: `a local minimum within 0.2 of ${k} of the ${n} integer points (not the centre) in [−4, 4]²; the crater's bottom at ${crater}`,
      wording: 'fact',
      k: Number(k === n) + Number(crater < 1e-12),
      n: 2,
    });
  });

  it('small steps stop in the first ripple they meet', () => {
    const lrs = logUniform(1e-4, 0.01, N, 'ackley-small');
    const r = runs('ackley', 'small', (i) => ({ kind: 'sgd', lr: lrs[i] }), starts);
    claim({
      where: 'ackley',
      sentence: S[1],
      measured: 'SGD lr log-uniform in [1e-4, 0.01] ends in a local minimum, not the crater',
      wording: 'happens',
      k: count(
        r,
        (x) =>
          x.status !== 'diverged' && Math.hypot(x.position[0], x.position[1]) > 0.5 && minimumNear(L, x.position[0], x.position[1], 0.05),
      ),
      n: N,
    });
  });

  it('a learning rate between 0.1 and 0.3, annealed, settles at the bottom of the crater', () => {
    const lrs = logUniform(0.1, 0.3, N, 'ackley-cos');
    const r = runs('ackley', 'cos', (i) => ({ kind: 'sgd', lr: lrs[i], schedule: cosine(2400) }), starts);
    claim({
      where: 'ackley',
      sentence: S[2],
      measured: 'SGD lr log-uniform in [0.1, 0.3] with the cosine schedule ends at the crater (loss < 0.01)',
      wording: 'happens',
      k: count(r, (x) => x.status !== 'diverged' && x.loss < 0.01),
      n: N,
    });
  });

  it('the bottom is a cone, and a constant learning rate never comes to rest on it', () => {
    const g = new Float64Array(2);
    const slopes = [1e-3, 1e-6, 1e-9].map((r) => {
      L.valueAndGradientInto([r, 0], g);
      return Math.hypot(g[0], g[1]);
    });
    const lrs = logUniform(0.01, 0.3, N, 'ackley-tip');
    const tips = starts.map((_, i) => [1e-3 * Math.cos(i), 1e-3 * Math.sin(i)]);
    const r = runs('ackley', 'tip', (i) => ({ kind: 'sgd', lr: lrs[i] }), tips, true);
    const cone = slopes.every((s) => Math.abs(s - 2.83) < 0.1);
    claim({
      where: 'ackley',
      sentence: S[3],
      measured: `slope at distance 1e-3, 1e-6, 1e-9 from the tip: ${slopes.map((s) => s.toFixed(3)).join(', ')}; SGD lr log-uniform in [0.01, 0.3] started at the tip is not at rest at the end`,
      wording: 'happens',
      k: cone ? count(r, (x) => x.status !== 'diverged' && !atRest(x)) : 0,
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('ackley', E.lesson));
});

describe('Himmelblau', () => {
  const E = entry('himmelblau');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const minima = L.info.points.filter((p) => p.kind === 'global-minimum');

  it('four equally deep minima, four saddles, one maximum', () => {
    const kinds = L.info.points.map((p) => analyze(L, p.point).kind);
    const ok =
      minima.length === 4 &&
      minima.every((p) => Math.abs(p.value) < 1e-12) &&
      count(kinds, (k) => k === 'saddle') === 4 &&
      count(kinds, (k) => k === 'maximum') === 1 &&
      count(kinds, (k) => k === 'minimum') === 4;
    claim({
      where: 'himmelblau',
      sentence: S[0],
      measured: `known points by Hessian: ${kinds.join(', ')}; minima losses ≤ 1e-12`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('from random starts each minimum catches at least one racer in six', () => {
    const n = 120;
    const starts = startsInView(E, n, 'himmelblau');
    const r = runs('himmelblau', 'sgd', () => ({ kind: 'sgd', lr: 0.01 }), starts);
    const shares = minima.map((m) => count(r, (x) => x.drainsTo === m));
    claim({
      where: 'himmelblau',
      sentence: S[1],
      measured: `SGD lr 0.01 from ${n} random starts ends at each minimum: ${shares.join(', ')} (smallest shown)`,
      wording: 'atLeast',
      target: 1 / 6,
      k: Math.min(...shares),
      n,
    });
  });

  it('the widest minimum scores best, so a start in its valley wins', () => {
    const settings = presetSettings(E);
    const radius = (settings.scoring as { radius: number }).radius;
    const robust = minima.map((m) => robustLoss(L, m.point, { radius, samples: 64 }));
    const best = minima[robust.indexOf(Math.min(...robust))];
    const worst = minima[robust.indexOf(Math.max(...robust))];
    const order =
      Math.hypot(best.point[0] - 3, best.point[1] - 2) < 1e-6 && Math.hypot(worst.point[0] + 3.78, worst.point[1] + 3.28) < 0.01;
    const { rounds } = fieldRounds('himmelblau');
    const withTopRight = rounds.filter((r) =>
      r.results.some((x) => x.status !== 'diverged' && Math.hypot(x.endPoint[0] - 3, x.endPoint[1] - 2) < 0.05),
    );
    const won = count(withTopRight, (r) => Math.hypot(r.results[0].endPoint[0] - 3, r.results[0].endPoint[1] - 2) < 0.05);
    claim({
      where: 'himmelblau',
      sentence: S[2],
      measured: `robust loss at radius ${radius}: ${robust.map((v) => v.toFixed(3)).join(', ')}; in typical-field rounds where someone ends at (3, 2), the winner ends there`,
      wording: 'happens',
      k: order ? won : 0,
      n: withTopRight.length,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('himmelblau', E.lesson));
});

describe('six-hump camel', () => {
  const E = entry('six-hump-camel');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);

  it('two mirror-image global minima and four shallower local ones', () => {
    const g = L.info.points.filter((p) => p.kind === 'global-minimum');
    const l = L.info.points.filter((p) => p.kind === 'local-minimum');
    const ok =
      g.length === 2 &&
      l.length === 4 &&
      Math.abs(g[0].value - g[1].value) < 1e-12 &&
      Math.abs(g[0].point[0] + g[1].point[0]) < 1e-9 &&
      Math.abs(g[0].value + 1.0316) < 1e-4 &&
      l.every((p) => p.value > g[0].value + 0.5);
    claim({
      where: 'six-hump-camel',
      sentence: S[0],
      measured: `global ${g.map((p) => p.value.toFixed(4)).join(', ')}; local ${l.map((p) => p.value.toFixed(3)).join(', ')}`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('plain gradient descent ends in a global one about half the time', () => {
    const r = runs('six-hump-camel', 'sgd', () => ({ kind: 'sgd', lr: 0.01 }), startsInView(E, N, 'camel'));
    claim({
      where: 'six-hump-camel',
      sentence: S[1],
      measured: 'SGD lr 0.01 from random starts ends at a global minimum',
      wording: 'about',
      target: 0.5,
      k: count(r, (x) => endsAt(x, 'global-minimum')),
      n: N,
    });
  });

  it('steep edges: curvature over 70 times the centre, where lr 0.1 diverges', () => {
    const lc = analyze(L, [0, 0]).eigenvalues[1];
    const le = Math.min(analyze(L, [3, 0]).eigenvalues[1], analyze(L, [-3, 0]).eigenvalues[1]);
    const edge = startsInView(E, N, 'camel-edge').map((s, i) => [(i % 2 ? 1 : -1) * (2.4 + 0.3 * Math.abs(Math.sin(7 * i))), s[1]]);
    const atEdge = runs('six-hump-camel', 'edge', () => ({ kind: 'sgd', lr: 0.1 }), edge);
    claim({
      where: 'six-hump-camel',
      sentence: S[2],
      measured: `λ_max at x = ±3: ${le.toFixed(0)}, at the centre ${lc.toFixed(2)} (ratio ${(le / lc).toFixed(0)}); SGD lr 0.1 from |x| in [2.4, 2.7] diverges`,
      wording: 'happens',
      k: le > 70 * lc ? count(atEdge, (x) => x.status === 'diverged') : 0,
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('six-hump-camel', E.lesson));
});

describe('Styblinski–Tang', () => {
  const E = entry('styblinski-tang');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const starts = startsInView(E, N, 'st');

  it('four basins, one per quadrant, with these depths', () => {
    const v = L.info.points.map((p) => Number(p.value.toFixed(1))).sort((a, b) => a - b);
    const quadrants = new Set(L.info.points.map((p) => `${Math.sign(p.point[0])},${Math.sign(p.point[1])}`));
    const ok = JSON.stringify(v) === JSON.stringify([-78.3, -64.2, -64.2, -50.1]) && quadrants.size === 4;
    claim({
      where: 'styblinski-tang',
      sentence: S[0],
      measured: `minima ${v.join(', ')}, one per quadrant`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('every optimizer settles in the basin of its starting quadrant', () => {
    const opts: Record<string, unknown>[] = [
      { kind: 'sgd', lr: 0.01 },
      { kind: 'sgd', lr: 0.01, momentum: 0.9 },
      { kind: 'adam', lr: 0.05 },
    ];
    const k = Math.min(
      ...opts.map((o, j) => {
        const r = runs('styblinski-tang', `opt${j}`, () => o, starts);
        return count(
          r,
          (x, i) =>
            x.drainsTo !== null &&
            Math.sign(x.drainsTo.point[0]) === Math.sign(starts[i][0]) &&
            Math.sign(x.drainsTo.point[1]) === Math.sign(starts[i][1]),
        );
      }),
    );
    claim({
      where: 'styblinski-tang',
      sentence: S[1],
      measured: 'SGD 0.01, momentum 0.9 and Adam 0.05 each end at the minimum of their start quadrant (worst of three)',
      wording: 'happens',
      k,
      n: N,
    });
  });

  it('about three in four end in a wrong basin', () => {
    const r = runs('styblinski-tang', 'opt0', () => ({ kind: 'sgd', lr: 0.01 }), starts);
    claim({
      where: 'styblinski-tang',
      sentence: S[2],
      measured: 'SGD lr 0.01 from random starts ends at a minimum other than the deepest',
      wording: 'about',
      target: 0.75,
      k: count(r, (x) => endsAt(x, 'local-minimum')),
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('styblinski-tang', E.lesson));
});

describe('Lévy', () => {
  const E = entry('levy');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const starts = startsInView(E, N, 'levy');

  it('about 40 local minima in view, the global one at (1, 1)', () => {
    const found: number[][] = [];
    for (let x = -10; x <= 10; x += 0.5)
      for (let y = -10; y <= 10; y += 0.5) {
        const p = newtonFrom(L, x, y);
        if (p && Math.abs(p[0]) <= 10 && Math.abs(p[1]) <= 10 && !found.some((q) => Math.hypot(q[0] - p[0], q[1] - p[1]) < 1e-4))
          found.push(p);
      }
    const lowest = Math.min(...found.map((p) => L.value(p)));
    const ok = Math.abs(L.value([1, 1])) < 1e-15 && lowest >= L.value([1, 1]) && Math.abs(found.length - 40) <= 5;
    claim({
      where: 'levy',
      sentence: S[0],
      measured: `distinct local minima found by Newton from a 41×41 lattice over the view: ${found.length}; f(1, 1) = ${L.value([1, 1]).toExponential(1)}, the lowest of them`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('plain gradient descent, momentum and Adam mostly stop in a ripple', () => {
    const opts: Record<string, unknown>[] = [
      { kind: 'sgd', lr: 0.01 },
      { kind: 'sgd', lr: 0.01, momentum: 0.9 },
      { kind: 'adam', lr: 0.05 },
    ];
    const k = Math.min(
      ...opts.map((o, j) => {
        const r = runs('levy', `opt${j}`, () => o, starts);
        return count(r, (x) => x.status !== 'diverged' && x.loss > 0.01 && minimumNear(L, x.position[0], x.position[1], 0.05));
      }),
    );
    claim({
      where: 'levy',
      sentence: S[1],
      measured: 'SGD 0.01, momentum 0.9 and Adam 0.05 each end in a local minimum that is not the global one (worst of three)',
      wording: 'can',
      k,
      n: N,
    });
  });

  it('annealed noise with a large learning rate reaches the global minimum from most starts', () => {
    const r = runs('levy', 'noise', () => ({ kind: 'sgd', lr: 0.3, noise: 1, schedule: cosine(2400) }), starts);
    claim({
      where: 'levy',
      sentence: S[2],
      measured: 'SGD lr 0.3, noise σ 1, cosine schedule ends with loss below 0.01 (the global minimum is 0)',
      wording: 'can',
      k: count(r, (x) => x.status !== 'diverged' && x.loss < 0.01),
      n: N,
    });
  });

  it('every sentence is measured', () => {
    expectEverySentenceClaimed('levy', E.lesson);
    expect(S.length).toBe(3);
  });
});
