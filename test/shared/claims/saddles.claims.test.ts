/**
 * Saddles (the saddle maze, the saddle between two valleys, the monkey saddle
 * in a bowl): every lesson sentence measured under the terrain's preset
 * rules, from 60 starts of the kind each sentence names.
 */
import { afterAll, describe, it } from 'vitest';
import { analyze, createLandscape, createOptimizer, Rng } from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from './claims';
import { entry, logUniform, once, presetSettings, runRacer, type RacerOutcome } from './field';

const N = 60;

function runs(kind: string, name: string, optimizer: (i: number) => Record<string, unknown>, starts: number[][]): RacerOutcome[] {
  return once(`${kind}:${name}`, () => {
    const settings = presetSettings(entry(kind), { startRule: { kind: 'choose' } });
    return starts.map((s, i) => runRacer(settings, optimizer(i) as { kind: string }, s, `${kind}:${name}:${i}`));
  });
}

/** Where a racer ended, by the Hessian there, when it is at a critical point (‖g‖ < 1e-6). */
function criticalKind(kind: string, r: RacerOutcome): string | null {
  if (r.status === 'diverged') return null;
  const a = analyze(createLandscape(entry(kind).spec), r.position);
  return a.gradientNorm < 1e-6 ? a.kind : null;
}

/** x spread evenly over the view's inner 80 %, y = 0 exactly. */
function onTheAxis(kind: string): number[][] {
  const b = entry(kind).bounds;
  const lo = b.xMin + 0.1 * (b.xMax - b.xMin);
  const hi = b.xMax - 0.1 * (b.xMax - b.xMin);
  return Array.from({ length: N }, (_, i) => [lo + ((hi - lo) * (i + 0.5)) / N, 0]);
}

afterAll(() => printClaims('Saddles (preset rules, 60 starts)'));

describe('saddle maze', () => {
  const E = entry('saddle-maze');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const ridge = onTheAxis('saddle-maze');

  it('a tilted lattice of hills, pits and saddles', () => {
    const kinds = L.info.points.map((p) => analyze(L, p.point).kind);
    const right = L.info.points.filter((p) => p.kind.endsWith('minimum') && p.point[0] > 0).map((p) => p.value);
    const left = L.info.points.filter((p) => p.kind.endsWith('minimum') && p.point[0] < 0).map((p) => p.value);
    const ok =
      count(kinds, (k) => k === 'minimum') >= 4 &&
      count(kinds, (k) => k === 'saddle') >= 4 &&
      count(kinds, (k) => k === 'maximum') >= 1 &&
      Math.max(...right) < Math.min(...left);
    claim({
      where: 'saddle-maze',
      sentence: S[0],
      measured: `known points: ${kinds.join(', ')}; pits on the right ${right.map((v) => v.toFixed(2)).join(', ')} lower than on the left ${left.map((v) => v.toFixed(2)).join(', ')}`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('on the ridge y = 0, plain SGD, momentum and Adam all stall in a saddle', () => {
    const g = new Float64Array(2);
    const sideways = ridge.every((p) => {
      L.valueAndGradientInto(p, g);
      return g[1] === 0;
    });
    const opts: Record<string, unknown>[] = [
      { kind: 'sgd', lr: 0.1 },
      { kind: 'sgd', lr: 0.1, momentum: 0.9 },
      { kind: 'adam', lr: 0.1 },
    ];
    const stalled = opts.map((o, j) =>
      count(
        runs('saddle-maze', `ridge${j}`, () => o, ridge),
        (x) => criticalKind('saddle-maze', x) === 'saddle',
      ),
    );
    claim({
      where: 'saddle-maze',
      sentence: S[1],
      measured: `∂f/∂y = 0 all along y = 0: ${sideways}; end at a saddle from starts on the ridge: SGD ${stalled[0]}, momentum ${stalled[1]}, Adam ${stalled[2]} of ${N} (smallest shown)`,
      wording: 'happens',
      k: sideways ? Math.min(...stalled) : 0,
      n: N,
    });
  });

  it('gradient noise as small as σ 0.1 knocks a racer off the ridge into a pit', () => {
    const r = runs('saddle-maze', 'noise', () => ({ kind: 'sgd', lr: 0.1, noise: 0.1 }), ridge);
    claim({
      where: 'saddle-maze',
      sentence: S[2],
      measured: 'SGD lr 0.1 with noise σ 0.1 from starts on the ridge drains into a pit (a known minimum)',
      wording: 'happens',
      k: count(r, (x) => x.drainsTo !== null),
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('saddle-maze', E.lesson));
});

describe('saddle between two valleys', () => {
  const E = entry('saddle-valleys');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const axis = onTheAxis('saddle-valleys');

  it('a saddle at the centre between two valleys at y = ±1', () => {
    const c = analyze(L, [0, 0]);
    const v = [analyze(L, [0, 1]), analyze(L, [0, -1])];
    const ok =
      c.kind === 'saddle' && c.hessian[0][0] > 0 && c.hessian[1][1] < 0 && v.every((a) => a.kind === 'minimum' && a.gradientNorm === 0);
    claim({
      where: 'saddle-valleys',
      sentence: S[0],
      measured: `centre: ${c.kind}, f_xx = ${c.hessian[0][0]}, f_yy = ${c.hessian[1][1]}; (0, ±1): ${v.map((a) => a.kind).join(', ')}`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('started on the x axis, gradient descent stops in the saddle, with or without momentum', () => {
    const lrs = logUniform(0.01, 0.2, N, 'sv-lr');
    const plain = runs('saddle-valleys', 'plain', (i) => ({ kind: 'sgd', lr: lrs[i] }), axis);
    const heavy = runs('saddle-valleys', 'momentum', (i) => ({ kind: 'sgd', lr: lrs[i], momentum: 0.9 }), axis);
    const atSaddle = (x: RacerOutcome) => criticalKind('saddle-valleys', x) === 'saddle';
    claim({
      where: 'saddle-valleys',
      sentence: S[1],
      measured: `SGD lr log-uniform in [0.01, 0.2] from the x axis ends at the saddle: plain ${count(plain, atSaddle)}, momentum 0.9 ${count(heavy, atSaddle)} of ${N} (smaller shown)`,
      wording: 'happens',
      k: Math.min(count(plain, atSaddle), count(heavy, atSaddle)),
      n: N,
    });
  });

  it('the slightest gradient noise sends it into a valley', () => {
    const r = runs('saddle-valleys', 'noise', () => ({ kind: 'sgd', lr: 0.05, noise: 0.01 }), axis);
    claim({
      where: 'saddle-valleys',
      sentence: S[2],
      measured: 'SGD lr 0.05 with noise σ 0.01 from the x axis ends in a valley (drains to (0, ±1))',
      wording: 'happens',
      k: count(r, (x) => x.drainsTo !== null),
      n: N,
    });
  });

  it("Newton's method is attracted to the saddle", () => {
    const rng = new Rng('newton-saddle');
    const near = Array.from({ length: N }, () => {
      const r = 0.5 * Math.sqrt(rng.uniform());
      const t = 2 * Math.PI * rng.uniform();
      return [r * Math.cos(t), r * Math.sin(t)];
    });
    const r = runs('saddle-valleys', 'newton', () => ({ kind: 'newton', lr: 1 }), near);
    claim({
      where: 'saddle-valleys',
      sentence: S[3],
      measured: "Newton's method (lr 1) from random starts within 0.5 of the saddle ends at the saddle",
      wording: 'happens',
      k: count(r, (x) => criticalKind('saddle-valleys', x) === 'saddle'),
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('saddle-valleys', E.lesson));
});

describe('monkey saddle in a bowl', () => {
  const E = entry('monkey-bowl');
  const L = createLandscape(E.spec);
  const S = sentences(E.lesson);
  const rng = new Rng('monkey-starts');
  const near = Array.from({ length: N }, () => {
    const r = 0.1 + 0.2 * rng.uniform();
    const t = 2 * Math.PI * rng.uniform();
    return [r * Math.cos(t), r * Math.sin(t)];
  });

  it('three valleys down, three ridges up', () => {
    const along = (angle: number, r: number) => L.value([r * Math.cos(angle), r * Math.sin(angle)]);
    const valleysDown = [Math.PI, Math.PI / 3, -Math.PI / 3].every((a) => along(a, 0.5) < along(a, 0.25) && along(a, 0.25) < 0);
    const ridgesUp = [0, (2 * Math.PI) / 3, (-2 * Math.PI) / 3].every((a) => along(a, 0.5) > along(a, 0.25) && along(a, 0.25) > 0);
    const minima = L.info.points.filter((p) => p.kind === 'global-minimum').map((p) => analyze(L, p.point).kind);
    const ok = valleysDown && ridgesUp && minima.length === 3 && minima.every((k) => k === 'minimum');
    claim({
      where: 'monkey-bowl',
      sentence: S[0],
      measured: `loss falls from the centre along 180°, ±60° and rises along 0°, ±120°; minima at the valleys' ends: ${minima.join(', ')}`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('at the centre the gradient and the whole Hessian vanish', () => {
    const a = analyze(L, [0, 0]);
    const ok = a.gradientNorm === 0 && a.hessian.flat().every((h) => h === 0) && a.kind === 'degenerate';
    claim({
      where: 'monkey-bowl',
      sentence: S[1],
      measured: `‖g‖ = ${a.gradientNorm}, H = ${JSON.stringify(a.hessian)}, class ${a.kind}`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('Newton halves its distance to the centre each step, while gradient descent rolls down a valley', () => {
    // Newton's first five steps from each start, by hand, to see the ratio of distances.
    const halving = near.map((s) => {
      const opt = createOptimizer({ kind: 'newton', lr: 1 }, 2);
      const th = Float64Array.from(s);
      const r = new Rng(0);
      let ok = true;
      for (let k = 0; k < 5; k++) {
        const before = Math.hypot(th[0], th[1]);
        opt.stepInPlace(th, L, r);
        const ratio = Math.hypot(th[0], th[1]) / before;
        if (!(ratio > 0.4 && ratio < 0.6)) ok = false;
      }
      return ok;
    });
    const gd = runs('monkey-bowl', 'sgd', () => ({ kind: 'sgd', lr: 0.05 }), near);
    const rolled = count(gd, (x) => x.drainsTo !== null && criticalKind('monkey-bowl', x) === 'minimum');
    claim({
      where: 'monkey-bowl',
      sentence: S[2],
      measured: `from starts 0.1–0.3 from the centre: Newton's distance ratio per step in (0.4, 0.6) for five steps ${count(halving, Boolean)}/${N}; SGD lr 0.05 ends at a valley's minimum ${rolled}/${N} (smaller shown)`,
      wording: 'happens',
      k: Math.min(count(halving, Boolean), rolled),
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('monkey-bowl', E.lesson));
});
