/**
 * Challenges 5–9, where a racer ends: starts, saddles, Newton, trust regions
 * and line searches. As in every challenge file: the initial setup never
 * passes, a searched setup does, and every sentence holds over 50 seeds.
 */
import { afterAll, describe, it } from 'vitest';
import {
  analyze,
  createLandscape,
  createOptimizer,
  drainToKnownMinimum,
  lineSearchTrace,
  Rng,
  simulate,
  type ChallengeSetup,
} from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from '../claims/claims';
import { attempt, attempts, challenge, checkWinnable, combinations, describeSetup, grid, printVerdicts, SEEDS, withSetup } from './harness';

afterAll(() => {
  printClaims('Challenges: where a racer ends');
  printVerdicts('Where a racer ends');
});

const everySentence = (id: string) => {
  const ch = challenge(id);
  expectEverySentenceClaimed(ch.id, ch.explanation);
  expectEverySentenceClaimed(ch.id, ch.task);
  for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
};

describe('pick-a-basin', () => {
  const ch = challenge('pick-a-basin');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);
  const T = sentences(ch.task);

  it('is winnable and not won by its initial setup', () => {
    const starts: [number, number][] = [];
    for (const x of [-4, -2, 0, 2, 4]) for (const y of [-4, -2, 0, 2, 4]) starts.push([x, y]);
    checkWinnable(
      ch,
      starts.map((start) => withSetup(ch, { start })),
      describeSetup,
    );
  });

  it('the basins and the start', () => {
    const minima = L.info.points.filter((p) => p.kind.endsWith('minimum'));
    const quadrants = new Set(minima.map((p) => `${Math.sign(p.point[0])},${Math.sign(p.point[1])}`));
    const deepest = minima.reduce((a, b) => (a.value < b.value ? a : b));
    const facts =
      Number(minima.length === 4 && quadrants.size === 4) +
      Number(Math.abs(deepest.point[0] + 2.9) < 0.01 && Math.abs(deepest.point[1] + 2.9) < 0.01 && Math.abs(deepest.value + 78.3) < 0.05);
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `${minima.length} minima in ${quadrants.size} quadrants; deepest ${deepest.value.toFixed(2)} at (${deepest.point.map((v) => v.toFixed(2)).join(', ')})`,
      wording: 'fact',
      k: facts,
      n: 2,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[1].text, measured: 'the same known minima', wording: 'fact', k: facts, n: 2 });
    const rng = new Rng('basin-starts');
    const b = L.info.bounds;
    const starts = SEEDS.map(
      () => [rng.uniformIn(b.xMin + 0.5, b.xMax - 0.5), rng.uniformIn(b.yMin + 0.5, b.yMax - 0.5)] as [number, number],
    );
    const same = count(starts, (s, i) => {
      const end = attempt(ch, withSetup(ch, { start: s }), SEEDS[i]).attempt.you.position;
      const m = drainToKnownMinimum(L, end)!;
      const st = attempt(ch, withSetup(ch, { start: s }), SEEDS[i]).attempt.start;
      return Math.sign(m.point[0]) === Math.sign(st[0]) && Math.sign(m.point[1]) === Math.sign(st[1]);
    });
    claim({
      where: ch.id,
      sentence: S[1],
      measured: '50 starts uniform over the view: SGD lr 0.01 ends in the minimum of its start’s quadrant',
      wording: 'happens',
      k: same,
      n: 50,
    });
    const s = ch.preset.settings;
    claim({
      where: ch.id,
      sentence: T[0],
      measured: `SGD only (${s.allowedOptimizers.join()}), lr locked at ${s.defaultOptimizer?.lr}; passing means loss below −78`,
      wording: 'fact',
      k: Number(s.allowedOptimizers.join() === 'sgd' && s.lockedKnobs.includes('lr') && s.defaultOptimizer?.lr === 0.01),
      n: 1,
    });
    claim({
      where: ch.id,
      sentence: T[1],
      measured: `controls: start ${ch.controls.start}, knobs [${ch.controls.knobs.join()}]`,
      wording: 'fact',
      k: Number(ch.controls.start === true && ch.controls.knobs.length === 0),
      n: 1,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[0].text, measured: 'instruction', wording: 'fact', k: 1, n: 1 });
  });

  it('every sentence is measured', () => everySentence(ch.id));
});

describe('off-the-ridge', () => {
  const ch = challenge('off-the-ridge');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);

  it('is winnable and not won by its initial setup', () => {
    const candidates = combinations<{ noise: number; lr: number }>({ noise: [0, 0.001, 0.01, 0.1, 1], lr: [0.01, 0.05, 0.2] }).map((o) =>
      withSetup(ch, { optimizer: { kind: 'sgd', ...o } }),
    );
    checkWinnable(ch, candidates, describeSetup);
  });

  it('no y force on the axis; the saddle curves down along y; a little noise is enough', () => {
    const g = new Float64Array(2);
    const starts = SEEDS.map((s) => attempt(ch, ch.initial, s).attempt.start);
    const noY = count(starts, (p) => {
      L.valueAndGradientInto(p, g);
      return p[1] === 0 && g[1] === 0 && Math.abs(g[0] - 2 * p[0]) < 1e-12;
    });
    const plain = [...grid(ch, 'lr', 5)].flatMap((lr) =>
      [0, 0.9].map((momentum) => attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr, momentum } }))),
    );
    const left = plain.reduce((s, runs) => s + count(runs, (r) => r.attempt.you.position[1] !== 0), 0);
    const n = plain.length * 50;
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `slope (2x, 0) at the 50 starts: ${noY}/50; SGD at 5 lrs over the range × momentum 0 and 0.9 off the axis at the end: ${left}/${n}`,
      wording: 'never',
      k: noY === 50 ? left : 1,
      n,
    });
    const typical = [0.03, 0.1, 0.3, 0.5].flatMap((lr) =>
      [0, 0.9].map((momentum) => attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr, momentum } }))),
    );
    const atSaddle = typical.reduce((s, runs) => s + count(runs, (r) => Math.hypot(...r.attempt.you.position) < 1e-3), 0);
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `SGD at lr 0.03, 0.1, 0.3, 0.5 × momentum 0 and 0.9 ends within 0.001 of the saddle`,
      wording: 'happens',
      k: atSaddle,
      n: typical.length * 50,
    });
    const [noYPart, question] = sentences(ch.hints[1].text);
    claim({
      where: `${ch.id}:hint`,
      sentence: noYPart,
      measured: `the slope's y part at the 50 starts is 0: ${noY}/50`,
      wording: 'fact',
      k: noY,
      n: 50,
    });
    claim({ where: `${ch.id}:hint`, sentence: question, measured: 'a question', wording: 'fact', k: 1, n: 1 });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[0].text, measured: 'a question', wording: 'fact', k: 1, n: 1 });
    const h = analyze(L, [0, 0]).eigenvalues;
    const rng = new Rng('ridge-y');
    const grows = count(SEEDS, () => {
      const y0 = rng.uniformIn(-0.01, 0.01) || 1e-3;
      const r = simulate({ landscape: L, optimizer: { kind: 'sgd', lr: 0.05 }, start: [rng.uniformIn(-1.5, 1.5), y0], steps: 400 });
      let ok = true;
      for (let i = 1; i < r.path.length && Math.abs(r.path[i - 1][1]) < 0.5; i++)
        if (!(Math.abs(r.path[i][1]) > Math.abs(r.path[i - 1][1]))) ok = false;
      return ok && Math.abs(r.path.at(-1)![1]) > 0.5;
    });
    claim({
      where: ch.id,
      sentence: S[2],
      measured: `curvatures at the saddle ${h.join(', ')}; from 50 starts with |y| ≤ 0.01, |y| grows at every step until past 0.5`,
      wording: 'happens',
      k: h[0] === -4 && h[1] === 2 ? grows : 0,
      n: 50,
    });
    const noisy = attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.05, noise: 0.01 } }));
    claim({
      where: ch.id,
      sentence: S[3],
      measured: 'SGD lr 0.05 with noise σ 0.01 ends in a valley within the 200 steps',
      wording: 'happens',
      k: count(noisy, (r) => r.outcome.pass),
      n: 50,
    });
    const s = ch.preset.settings;
    claim({
      where: ch.id,
      sentence: ch.task,
      measured: `every start has y = 0 (${count(starts, (p) => p[1] === 0)}/50); round ${(s.roundSeconds ?? 0) * (s.tickRate ?? 20) * (s.stepsPerTick ?? 2)} updates`,
      wording: 'fact',
      k: Number(count(starts, (p) => p[1] === 0) === 50 && (s.roundSeconds ?? 0) * (s.tickRate ?? 20) * (s.stepsPerTick ?? 2) === 200),
      n: 1,
    });
  });

  it('every sentence is measured', () => everySentence(ch.id));
});

describe('newtons-compass', () => {
  const ch = challenge('newtons-compass');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);
  const T = sentences(ch.task);

  it('is winnable and not won by its initial setup', () => {
    const starts: [number, number][] = [];
    for (const y of [0.1, 0.2, 0.3, 0.4, 0.44, 0.46, 0.48, 0.5, 0.6, 0.8, 1, 1.5]) starts.push([-1.5, y]);
    checkWinnable(
      ch,
      starts.map((start) => withSetup(ch, { start })),
      describeSetup,
    );
  });

  it('Newton jumps to the flat point of its quadratic model, a saddle near the axis; the map 2y³/(3y² − 1)', () => {
    const initial = attempts(ch, ch.initial);
    claim({
      where: ch.id,
      sentence: T[0],
      measured: 'Newton from the initial start ends within 1e-6 of the saddle',
      wording: 'happens',
      k: count(initial, (r) => Math.hypot(...r.attempt.you.position) < 1e-6),
      n: 50,
    });
    claim({ where: ch.id, sentence: T[1], measured: 'instruction', wording: 'fact', k: 1, n: 1 });
    // One Newton step is θ − H⁻¹∇f: the flat point of the local quadratic model, whatever its kind.
    const rng = new Rng('newton-model');
    const g = new Float64Array(2);
    let flat = 0;
    let saddleModels = 0;
    for (let i = 0; i < 50; i++) {
      const p = [rng.uniformIn(-2, 2), rng.uniformIn(-0.4, 0.4)];
      const { eigenvalues } = analyze(L, p);
      const H = new Float64Array(4);
      L.hessianInto!(p, H);
      L.valueAndGradientInto(p, g);
      const det = H[0] * H[3] - H[1] * H[2];
      const step = [-(H[3] * g[0] - H[1] * g[1]) / det, -(-H[2] * g[0] + H[0] * g[1]) / det];
      const r = simulate({ landscape: L, optimizer: { kind: 'newton', lr: 1 }, start: p, steps: 1 });
      if (Math.abs(r.path[1][0] - p[0] - step[0]) < 1e-9 && Math.abs(r.path[1][1] - p[1] - step[1]) < 1e-9) flat++;
      if (eigenvalues[0] < 0 && eigenvalues[1] > 0) saddleModels++;
    }
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `one Newton step lands at θ − H⁻¹∇f (${flat}/50 random points near the axis; there the model is a saddle ${saddleModels}/50)`,
      wording: 'fact',
      k: Math.min(flat, saddleModels),
      n: 50,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[0].text, measured: 'the same 50 steps', wording: 'fact', k: flat, n: 50 });
    let map = 0;
    for (let i = 0; i < 50; i++) {
      const y = rng.uniformIn(-0.57, 0.57);
      const r = simulate({ landscape: L, optimizer: { kind: 'newton', lr: 1 }, start: [rng.uniformIn(-2, 2), y], steps: 1 });
      const predicted = (2 * y ** 3) / (3 * y * y - 1);
      const closer = Math.abs(predicted) < Math.abs(y);
      if (Math.abs(r.path[1][1] - predicted) < 1e-9 && closer === Math.abs(y) < 1 / Math.sqrt(5)) map++;
    }
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `the step's y lands at 2y³/(3y² − 1), closer exactly when |y| < 1/√5 = ${(1 / Math.sqrt(5)).toFixed(4)}: ${map}/50 random starts`,
      wording: 'fact',
      k: map,
      n: 50,
    });
    const inside = SEEDS.map((s, i) => attempt(ch, withSetup(ch, { start: [-1.5, 0.005 + (0.43 * i) / 49] }), s));
    const outside = SEEDS.map((s, i) => attempt(ch, withSetup(ch, { start: [-1.5, 0.455 + (0.09 * i) / 49] }), s));
    const k = Math.min(
      count(inside, (r) => Math.hypot(...r.attempt.you.position) < 1e-6 && Math.abs(r.attempt.start[1]) < 1 / Math.sqrt(5)),
      count(outside, (r) => r.outcome.pass),
    );
    claim({
      where: ch.id,
      sentence: S[2],
      measured: 'starts with |y| spread over (0.005, 0.435) end at the saddle; starts over (0.455, 0.545) end in a valley (smaller shown)',
      wording: 'happens',
      k,
      n: 50,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[1].text, measured: 'instruction', wording: 'fact', k: 1, n: 1 });
  });

  it('every sentence is measured', () => everySentence(ch.id));
});

describe('trust-region', () => {
  const ch = challenge('trust-region');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);
  const T = sentences(ch.task);
  const newton = (damping: number): ChallengeSetup => withSetup(ch, { optimizer: { kind: 'newton', lr: 1, damping } });

  it('is winnable and not won by its initial setup', () => {
    checkWinnable(ch, [0.25, 0.5, 1, 1.5, 2, 3, 5, 10].map(newton), describeSetup);
  });

  it('plain Newton halves its way to the centre; damping bounds the step; from damping 2 it rolls into a valley', () => {
    const initial = attempts(ch, ch.initial);
    claim({
      where: ch.id,
      sentence: T[0],
      measured: 'plain Newton ends within 1e-3 of the centre',
      wording: 'happens',
      k: count(initial, (r) => Math.hypot(...r.attempt.you.position) < 1e-3),
      n: 50,
    });
    claim({ where: ch.id, sentence: T[1], measured: 'instruction', wording: 'fact', k: 1, n: 1 });
    const H0 = new Float64Array(4);
    L.hessianInto!([0, 0], H0);
    const halves = count(initial, (r) => {
      const run = simulate({ landscape: L, optimizer: { kind: 'newton', lr: 1 }, start: r.attempt.start, steps: 25 });
      const d = run.path.map((p) => Math.hypot(p[0], p[1]));
      for (let i = 5; i < 25; i++) if (!(Math.abs(d[i + 1] / d[i] - 0.5) < 0.05)) return false;
      return true;
    });
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `H at the centre = [${Array.from(H0).join(', ')}]; from the 50 starts each step from the 5th to the 25th takes the distance to the centre to 0.5 ± 0.05 of what it was`,
      wording: 'happens',
      k: H0.every((v) => v === 0) ? halves : 0,
      n: 50,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[0].text,
      measured: `H(0) = 0: ${H0.every((v) => v === 0)}`,
      wording: 'fact',
      k: Number(H0.every((v) => v === 0)),
      n: 1,
    });
    // The bound ‖(H + λI)⁻¹∇f‖ ≤ ‖∇f‖/λ where H is positive semidefinite, on every step of damped runs.
    let steps = 0;
    let within = 0;
    for (const damping of [2, 3, 5]) {
      for (const r of attempts(ch, newton(damping)).slice(0, 20)) {
        for (const s of lineSearchTrace(L, { kind: 'newton', lr: 1, damping }, r.attempt.start, 40)) {
          const lam = analyze(L, s.from).eigenvalues;
          if (lam[0] < 0) continue;
          steps++;
          if (Math.hypot(s.to[0] - s.from[0], s.to[1] - s.from[1]) <= s.gradientNorm / damping + 1e-12) within++;
        }
      }
    }
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `steps of damped Newton (λ 2, 3, 5) taken where both curvatures are ≥ 0: step ≤ ‖∇f‖/λ in ${within}/${steps}`,
      wording: 'fact',
      k: within,
      n: steps,
    });
    // Large damping turns the step into −∇f/λ.
    const o = createOptimizer({ kind: 'newton', lr: 1, damping: 1e4 }, 2);
    const p = new Float64Array([0.4, 0.1]);
    const g = new Float64Array(2);
    L.valueAndGradientInto(p, g);
    const before = Array.from(p);
    o.stepInPlace(p, L, new Rng(1));
    const rel = Math.hypot(p[0] - before[0] + g[0] / 1e4, p[1] - before[1] + g[1] / 1e4) / (Math.hypot(g[0], g[1]) / 1e4);
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: `with λ = 10⁴ the step differs from −∇f/λ by ${(100 * rel).toFixed(3)} %`,
      wording: 'fact',
      k: Number(rel < 1e-3),
      n: 1,
    });
    const from2 = [2, 3, 5, 10].map((d) => count(attempts(ch, newton(d)), (r) => r.outcome.pass));
    claim({
      where: ch.id,
      sentence: S[2],
      measured: `damping 2, 3, 5, 10 reach a valley: ${from2.join(', ')} of 50 (smallest shown)`,
      wording: 'happens',
      k: Math.min(...from2),
      n: 50,
    });
  });

  it('every sentence is measured', () => everySentence(ch.id));
});

describe('hundred-gradients', () => {
  const ch = challenge('hundred-gradients');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);

  it('is winnable and not won by its initial setup', () => {
    const candidates: ChallengeSetup[] = [];
    for (const lr of grid(ch, 'lr', 6)) {
      candidates.push(withSetup(ch, { optimizer: { kind: 'sgd', lr, momentum: 0.9 } }));
      candidates.push(withSetup(ch, { optimizer: { kind: 'adam', lr } }));
      candidates.push(withSetup(ch, { optimizer: { kind: 'lbfgs', lr } }));
    }
    checkWinnable(ch, candidates, describeSetup);
  });

  it('first-order methods never get there in 100 gradients; L-BFGS’s line search; most steps take the first try', () => {
    const firstOrder = grid(ch, 'lr', 6).flatMap((lr) => [
      attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr } })),
      attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr, momentum: 0.9 } })),
      attempts(ch, withSetup(ch, { optimizer: { kind: 'adam', lr } })),
    ]);
    const reached = firstOrder.reduce((s, runs) => s + count(runs, (r) => r.attempt.you.finishUpdates !== null), 0);
    const n = firstOrder.length * 50;
    claim({
      where: ch.id,
      sentence: S[0],
      measured: 'SGD, SGD with momentum 0.9 and Adam at 6 lrs over the range reach the target within the budget',
      wording: 'rarely',
      k: reached,
      n,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[0].text, measured: 'the same runs', wording: 'rarely', k: reached, n });
    // Strong Wolfe conditions at every accepted L-BFGS step (c1 = 1e-4, c2 = 0.9), and how often the first try is kept.
    const g0 = new Float64Array(2);
    const g1 = new Float64Array(2);
    let steps = 0;
    let wolfe = 0;
    let firstTry = 0;
    for (const r of attempts(ch, withSetup(ch, { optimizer: { kind: 'lbfgs', lr: 1 } }))) {
      const trace = lineSearchTrace(L, { kind: 'lbfgs', lr: 1 }, r.attempt.start, r.attempt.you.updates);
      let runFirst = 0;
      for (const s of trace) {
        steps++;
        const f0 = L.valueAndGradientInto(s.from, g0);
        const f1 = L.valueAndGradientInto(s.to, g1);
        const d = [s.to[0] - s.from[0], s.to[1] - s.from[1]];
        const gd0 = g0[0] * d[0] + g0[1] * d[1];
        const gd1 = g1[0] * d[0] + g1[1] * d[1];
        if (f1 <= f0 + 1e-4 * gd0 + 1e-12 && Math.abs(gd1) <= 0.9 * Math.abs(gd0) + 1e-12) wolfe++;
        if (s.tried.length === 1) runFirst++;
      }
      if (runFirst > trace.length / 2) firstTry++;
    }
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `accepted L-BFGS steps meeting both strong Wolfe conditions: ${wolfe}/${steps}`,
      wording: 'happens',
      k: wolfe,
      n: steps,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[1].text, measured: 'the same steps', wording: 'happens', k: wolfe, n: steps });
    claim({
      where: ch.id,
      sentence: S[2],
      measured: 'runs of L-BFGS at lr 1 in which more than half the steps kept the line search’s first try (one point tried)',
      wording: 'happens',
      k: firstTry,
      n: 50,
    });
    claim({
      where: ch.id,
      sentence: ch.task,
      measured: `budget ${ch.preset.settings.budget}`,
      wording: 'fact',
      k: Number(ch.preset.settings.budget === 100),
      n: 1,
    });
  });

  it('every sentence is measured', () => everySentence(ch.id));
});
