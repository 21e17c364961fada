/**
 * Challenges 10–15: many minima and learning-rate schedules, then sharp and
 * flat minima (large steps, SAM, noise). The initial setup never passes, a
 * searched setup does, and every sentence holds over 50 seeds.
 */
import { afterAll, describe, it } from 'vitest';
import {
  analyze,
  createLandscape,
  drainToKnownMinimum,
  Rng,
  scheduledLearningRate,
  simulate,
  type ChallengeSetup,
  type PresetOptimizer,
} from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from '../claims/claims';
import { logUniform } from '../claims/field';
import {
  attempt,
  attempts,
  challenge,
  checkWinnable,
  combinations,
  describeSetup,
  printVerdicts,
  scheduled,
  SEEDS,
  withSetup,
  type Run,
} from './harness';

afterAll(() => {
  printClaims('Challenges: schedules, sharp and flat');
  printVerdicts('Schedules, sharp and flat');
});

const everySentence = (id: string) => {
  const ch = challenge(id);
  expectEverySentenceClaimed(ch.id, ch.explanation);
  expectEverySentenceClaimed(ch.id, ch.task);
  for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
};
const instruction = (where: string, sentence: string) =>
  claim({ where, sentence, measured: 'instruction or question', wording: 'fact', k: 1, n: 1 });
const settled = (r: Run) => r.attempt.finish().evidence.you.settledSeconds;

describe('settle-in-the-middle', () => {
  const ch = challenge('settle-in-the-middle');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);
  const sgd = (lr: number, schedule: 'cosine' | 'restarts' | 'step' | 'one-cycle' | 'none'): ChallengeSetup =>
    withSetup(ch, { optimizer: scheduled(ch, { kind: 'sgd', lr }, schedule) });

  it('is winnable and not won by its initial setup', () => {
    const candidates = combinations<{ schedule: 'cosine' | 'restarts' | 'step' | 'one-cycle' | 'none'; lr: number }>({
      schedule: ['none', 'step', 'cosine', 'restarts', 'one-cycle'],
      lr: [0.005, 0.01, 0.02, 0.03, 0.05, 0.1],
    }).map((o) => sgd(o.lr, o.schedule));
    checkWinnable(ch, candidates, describeSetup);
  });

  it('dimples too sharp for lr above 0.005; schedules settle last; cosine mostly, restarts nine in ten', () => {
    // The dimples' bottoms: where plain descent from integer points stops.
    const dimples = [-3, -2, -1, 0, 1, 2, 3].flatMap((x) =>
      [-3, 0, 2].map(
        (y) => simulate({ landscape: L, optimizer: { kind: 'sgd', lr: 0.001 }, start: [x + 0.05, y - 0.05], steps: 3000 }).path.at(-1)!,
      ),
    );
    const curv = dimples.map((p) => analyze(L, p).eigenvalues[1]);
    const constant = attempts(ch, sgd(0.02, 'none'));
    const start = (r: Run) => Math.hypot(...r.attempt.start);
    const farOut = count(constant, (r) => {
      const t = r.attempt.trails.get('you')!;
      const half = Math.floor(t.length / 4);
      let d = 0;
      for (let i = half; i < t.length / 2; i++) d += Math.hypot(t[2 * i], t[2 * i + 1]);
      return d / (t.length / 2 - half) > start(r) && settled(r) === null;
    });
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `dimple curvatures ${Math.min(...curv).toFixed(0)}–${Math.max(...curv).toFixed(0)}, 2/397 = ${(2 / 397).toFixed(4)}; constant lr 0.02: never at rest, and farther from the centre over the round’s second half than its start`,
      wording: 'happens',
      k: curv.every((c) => Math.abs(c - 397) < 3) ? farOut : 0,
      n: 50,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: 'constant lr 0.02 never comes to rest (same runs)',
      wording: 'happens',
      k: count(constant, (r) => settled(r) === null),
      n: 50,
    });
    const small = attempts(ch, ch.initial);
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[0].text,
      measured: 'lr 0.002: at rest at the end, at a minimum (both curvatures positive) other than the central one',
      wording: 'happens',
      k: count(small, (r) => settled(r) !== null && r.attempt.you.loss > 0.5 && analyze(L, r.attempt.you.position).eigenvalues[0] > 0),
      n: 50,
    });
    const cos = attempts(ch, sgd(0.02, 'cosine'));
    const restarts = attempts(ch, sgd(0.02, 'restarts'));
    const last = (runs: Run[]) => count(runs, (r) => (settled(r) ?? 0) >= 36);
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `lr 0.02 with cosine and with restarts: at rest only from 36 s or later (worse of the two)`,
      wording: 'happens',
      k: Math.min(last(cos), last(restarts)),
      n: 50,
    });
    const cosIn = count(cos, (r) => r.outcome.pass);
    const restartsIn = count(restarts, (r) => r.outcome.pass);
    claim({
      where: ch.id,
      sentence: S[2],
      measured: `lr 0.02: cosine ends in the central dimple ${cosIn}/50 (needs most), restarts ${restartsIn}/50 (shown; needs nine in ten)`,
      wording: 'happens',
      k: cosIn >= 26 ? restartsIn : 0,
      n: 50,
    });
    instruction(ch.id, ch.task);
  });

  it('every sentence is measured', () => everySentence(ch.id));
});

describe('rest-on-a-cone', () => {
  const ch = challenge('rest-on-a-cone');
  const L = createLandscape(ch.landscape);
  const S = sentences(ch.explanation);

  it('is winnable and not won by its initial setup', () => {
    const candidates = combinations<{ schedule: 'cosine' | 'restarts' | 'step' | 'none'; lr: number }>({
      schedule: ['none', 'step', 'cosine', 'restarts'],
      lr: [0.01, 0.05, 0.1, 0.2, 0.3, 0.5],
    }).map((o) => withSetup(ch, { optimizer: scheduled(ch, { kind: 'sgd', lr: o.lr }, o.schedule) }));
    checkWinnable(ch, candidates, describeSetup);
  });

  it('constant lr never rests; the cone’s slope; cosine settles at the tip', () => {
    const constant = attempts(ch, ch.initial);
    const neverRest = count(constant, (r) => settled(r) === null);
    claim({ where: ch.id, sentence: S[0], measured: 'constant lr 0.2: not at rest at the end', wording: 'happens', k: neverRest, n: 50 });
    const [noRest, why] = sentences(ch.hints[0].text);
    claim({ where: `${ch.id}:hint`, sentence: noRest, measured: 'the same runs', wording: 'happens', k: neverRest, n: 50 });
    instruction(`${ch.id}:hint`, why);
    const g = new Float64Array(2);
    const rng = new Rng('cone');
    const slopes = Array.from({ length: 50 }, () => {
      const r = 10 ** rng.uniformIn(-6, -3);
      const a = rng.uniformIn(0, 2 * Math.PI);
      L.valueAndGradientInto([r * Math.cos(a), r * Math.sin(a)], g);
      return Math.hypot(g[0], g[1]);
    });
    const lrs = logUniform(0.02, 0.3, 50, 'cone-lr');
    const overshoot = count(lrs, (lr, i) => {
      const r = simulate({ landscape: L, optimizer: { kind: 'sgd', lr }, start: [0.03 * Math.cos(i), 0.03 * Math.sin(i)], steps: 2400 });
      const tail = r.path.slice(-100).map((p) => Math.hypot(p[0], p[1]));
      return Math.min(...tail) > 1e-4 && Math.max(...tail) > 0.2 * lr;
    });
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `slope within 10⁻⁶–10⁻³ of the tip ${Math.min(...slopes).toFixed(2)}–${Math.max(...slopes).toFixed(2)}; constant lr log-uniform in [0.02, 0.3] started 0.03 from the tip: over the last 100 steps never within 10⁻⁴ and swinging over 0.2·lr out`,
      wording: 'happens',
      k: slopes.every((s) => s > 2.7 && s < 3) ? overshoot : 0,
      n: 50,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: 'the same slopes',
      wording: 'fact',
      k: count(slopes, (s) => s > 2.7 && s < 3),
      n: 50,
    });
    const cos = attempts(ch, withSetup(ch, ch.hints[2].try!));
    claim({
      where: ch.id,
      sentence: S[2],
      measured: 'lr 0.2 with cosine: at rest at the end with loss ≤ 0.05',
      wording: 'happens',
      k: count(cos, (r) => r.outcome.pass && settled(r) !== null),
      n: 50,
    });
    instruction(ch.id, ch.task);
  });

  it('every sentence is measured', () => everySentence(ch.id));
});

describe('any-time-now', () => {
  const ch = challenge('any-time-now');
  const S = sentences(ch.explanation);
  const at = (r: Run, seconds: number) => r.attempt.lossByTick[Math.round(seconds * 20) - 1];

  it('is winnable and not won by its initial setup', () => {
    const candidates = combinations<{ schedule: 'cosine' | 'restarts' | 'step' | 'one-cycle' | 'none'; lr: number }>({
      schedule: ['none', 'step', 'cosine', 'one-cycle', 'restarts'],
      lr: [0.05, 0.1, 0.2, 0.3],
    }).map((o) => withSetup(ch, { optimizer: scheduled(ch, { kind: 'sgd', lr: o.lr }, o.schedule) }));
    checkWinnable(ch, candidates, describeSetup);
  });

  it('cosine is still stepping at 20 and 40 s; restarts rest at every cycle’s end', () => {
    const cos = attempts(ch, ch.initial);
    claim({
      where: ch.id,
      sentence: S[0],
      measured: 'lr 0.2 with one cosine schedule: loss above 0.05 at 20 s and at 40 s',
      wording: 'happens',
      k: count(cos, (r) => at(r, 20) > 0.05 && at(r, 40) > 0.05),
      n: 50,
    });
    const spec = ch.initial.optimizer as PresetOptimizer & { schedule: never };
    const lrAt = (k: number) => scheduledLearningRate(spec.schedule, 0.2, k);
    const third = 800;
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[0].text,
      measured: `cosine over 2400 updates: lr at 1/3 ${lrAt(third).toFixed(3)}, at 2/3 ${lrAt(2 * third).toFixed(3)}, at the end ${lrAt(2399).toExponential(1)}`,
      wording: 'fact',
      k: Number(lrAt(third) > 0.1 && lrAt(2 * third) > 0.04 && lrAt(2399) < 1e-5),
      n: 1,
    });
    instruction(`${ch.id}:hint`, ch.hints[1].text);
    const restarts = attempts(ch, withSetup(ch, ch.hints[2].try!));
    const rspec = (ch.hints[2].try!.optimizer as unknown as { schedule: never }).schedule;
    const rlr = (k: number) => scheduledLearningRate(rspec, 0.2, k);
    const cycles = [799, 1599, 2399].every((k) => rlr(k) < 1e-5 * 0.2) && [800, 1600].every((k) => rlr(k) === 0.2);
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `restarts: lr below 10⁻⁵·lr at each cycle’s last update and back to lr at the next (${cycles}); loss below 0.001 at 20, 40 and 60 s`,
      wording: 'happens',
      k: cycles ? count(restarts, (r) => [20, 40, 60].every((t) => at(r, t) < 1e-3)) : 0,
      n: 50,
    });
    claim({
      where: ch.id,
      sentence: S[2],
      measured: 'restarts pass (loss ≤ 0.05 at every cycle’s end)',
      wording: 'happens',
      k: count(restarts, (r) => r.outcome.pass),
      n: 50,
    });
    instruction(ch.id, ch.task);
  });

  it('every sentence is measured', () => everySentence(ch.id));
});

// ───────────────────────── sharp and flat ─────────────────────────

const svf = createLandscape({ kind: 'sharp-vs-flat' });
const pit = svf.info.points.find((p) => p.basin === 'sharp')!;
const floor = svf.info.points.find((p) => p.basin === 'flat')!;
const basinOf = (r: Run) =>
  r.attempt.you.status === 'diverged' ? null : (drainToKnownMinimum(svf, r.attempt.you.position)?.basin ?? null);

describe('too-big-for-the-pit', () => {
  const ch = challenge('too-big-for-the-pit');
  const S = sentences(ch.explanation);
  const T = sentences(ch.task);

  it('is winnable and not won by its initial setup', () => {
    checkWinnable(
      ch,
      [0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.3, 1, 2, 3].map((lr) => withSetup(ch, { optimizer: { kind: 'sgd', lr } })),
      describeSetup,
    );
  });

  it('curvatures; lr from 0.05 cannot settle in the pit; lr 0.01 stays in it', () => {
    const lp = analyze(svf, pit.point).eigenvalues;
    const lf = analyze(svf, floor.point).eigenvalues;
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `pit ${lp.map((v) => v.toFixed(1)).join(', ')}; floor ${lf.map((v) => v.toFixed(2)).join(', ')}`,
      wording: 'fact',
      k: Number(Math.abs(lp[0] - 125) < 5 && Math.abs(lf[1] - 1) < 0.01),
      n: 1,
    });
    instruction(`${ch.id}:hint`, ch.hints[0].text);
    const lrs = logUniform(0.05, 1.9, 50, 'svf-challenge-lr');
    const wall = SEEDS.map((s, i) => attempt(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr: lrs[i] } }), s));
    const insidePit = lrs.map((lr, i) =>
      simulate({
        landscape: svf,
        optimizer: { kind: 'sgd', lr },
        start: [pit.point[0] + 0.01 * Math.cos(i), pit.point[1] + 0.01 * Math.sin(i)],
        steps: 1200,
      }),
    );
    const k = Math.min(
      count(wall, (r) => basinOf(r) === 'flat'),
      count(insidePit, (r) => !r.diverged && drainToKnownMinimum(svf, r.path.at(-1)!)?.basin === 'flat'),
    );
    claim({
      where: ch.id,
      sentence: S[1],
      measured: 'SGD lr log-uniform in [0.05, 1.9], from the wall and from inside the pit, ends in the bowl (worse of the two)',
      wording: 'happens',
      k,
      n: 50,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[1].text, measured: 'the same runs', wording: 'happens', k, n: 50 });
    const initial = attempts(ch, ch.initial);
    claim({
      where: ch.id,
      sentence: S[2],
      measured: 'SGD lr 0.01 from the wall ends in the pit',
      wording: 'happens',
      k: count(initial, (r) => basinOf(r) === 'sharp'),
      n: 50,
    });
    instruction(ch.id, T[0]);
  });

  it('every sentence is measured', () => everySentence(ch.id));
});

describe('look-uphill', () => {
  const ch = challenge('look-uphill');
  const S = sentences(ch.explanation);

  it('is winnable and not won by its initial setup', () => {
    checkWinnable(
      ch,
      [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1].map((samRadius) => withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.01, samRadius } })),
      describeSetup,
    );
  });

  it('SAM’s step; ρ 0.3–0.7 ends in the bowl; ρ ≤ 0.1 falls into the pit', () => {
    const initial = attempts(ch, ch.initial);
    const s = ch.preset.settings;
    claim({
      where: ch.id,
      sentence: ch.task,
      measured: `lr locked at ${s.defaultOptimizer?.lr}, only SAM turns; plain SGD ends in the pit`,
      wording: 'happens',
      k: s.lockedKnobs.includes('lr') && ch.controls.knobs.join() === 'samRadius' ? count(initial, (r) => basinOf(r) === 'sharp') : 0,
      n: 50,
    });
    // One SAM step is an SGD step with the gradient taken ρ along the normalised gradient.
    const rng = new Rng('sam-step');
    const g = new Float64Array(2);
    const g2 = new Float64Array(2);
    const ok = count(SEEDS, () => {
      const p = [rng.uniformIn(-2.5, 2.5), rng.uniformIn(-2.5, 2.5)];
      const rho = rng.uniformIn(0.05, 0.7);
      svf.valueAndGradientInto(p, g);
      const n = Math.hypot(g[0], g[1]);
      svf.valueAndGradientInto([p[0] + (rho * g[0]) / n, p[1] + (rho * g[1]) / n], g2);
      const r = simulate({ landscape: svf, optimizer: { kind: 'sgd', lr: 0.01, samRadius: rho }, start: p, steps: 1 });
      return Math.abs(r.path[1][0] - (p[0] - 0.01 * g2[0])) < 1e-12 && Math.abs(r.path[1][1] - (p[1] - 0.01 * g2[1])) < 1e-12;
    });
    claim({
      where: ch.id,
      sentence: S[0],
      measured: 'one SAM step from 50 random points equals an SGD step with the gradient at θ + ρ∇f/‖∇f‖',
      wording: 'fact',
      k: ok,
      n: 50,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[0].text, measured: 'the same steps', wording: 'fact', k: ok, n: 50 });
    const [wide, question] = sentences(ch.hints[1].text);
    claim({
      where: `${ch.id}:hint`,
      sentence: wide,
      measured: `sharpWidth ${(svf.spec as unknown as { sharpWidth: number }).sharpWidth}`,
      wording: 'fact',
      k: Number((svf.spec as unknown as { sharpWidth: number }).sharpWidth === 0.08),
      n: 1,
    });
    instruction(`${ch.id}:hint`, question);
    const rhos = SEEDS.map((_, i) => 0.3 + (0.4 * i) / 49);
    const mid = SEEDS.map((s, i) =>
      attempt(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.01, samRadius: Number(rhos[i].toFixed(3)) } }), s),
    );
    claim({
      where: ch.id,
      sentence: S[1],
      measured: 'ρ spread over [0.3, 0.7] ends in the bowl',
      wording: 'happens',
      k: count(mid, (r) => basinOf(r) === 'flat'),
      n: 50,
    });
    const small = SEEDS.map((s, i) =>
      attempt(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.01, samRadius: Number((0.01 + (0.09 * i) / 49).toFixed(4)) } }), s),
    );
    claim({
      where: ch.id,
      sentence: S[2],
      measured: 'ρ spread over [0.01, 0.1] ends in the pit',
      wording: 'happens',
      k: count(small, (r) => basinOf(r) === 'sharp'),
      n: 50,
    });
  });

  it('every sentence is measured', () => everySentence(ch.id));
});

describe('shake-it-out', () => {
  const ch = challenge('shake-it-out');
  const S = sentences(ch.explanation);
  const T = sentences(ch.task);

  it('is winnable and not won by its initial setup', () => {
    const candidates = combinations<{ schedule: 'cosine' | 'none'; noise: number }>({
      schedule: ['none', 'cosine'],
      noise: [1, 2, 5, 10, 15, 20],
    }).map((o) => withSetup(ch, { optimizer: scheduled(ch, { kind: 'sgd', lr: 0.01, noise: o.noise }, o.schedule) }));
    checkWinnable(ch, candidates, describeSetup);
  });

  it('a zero slope in the pit; noise kicks out and the bowl keeps it; cosine ends at rest in the bowl', () => {
    const initial = attempts(ch, ch.initial);
    const g = new Float64Array(2);
    svf.valueAndGradientInto(pit.point, g);
    const starts = initial.map((r) => r.attempt.start);
    claim({
      where: ch.id,
      sentence: T[0],
      measured: 'every start within 0.02 of the pit’s centre',
      wording: 'fact',
      k: count(starts, (p) => Math.hypot(p[0] - pit.point[0], p[1] - pit.point[1]) < 0.02),
      n: 50,
    });
    const s = ch.preset.settings;
    claim({
      where: ch.id,
      sentence: T[1],
      measured: `lr locked at ${s.defaultOptimizer?.lr}`,
      wording: 'fact',
      k: Number(s.lockedKnobs.includes('lr') && s.defaultOptimizer?.lr === 0.01),
      n: 1,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[0].text,
      measured: `|∇f| at the pit’s bottom ${Math.hypot(g[0], g[1]).toExponential(1)}`,
      wording: 'fact',
      k: Number(Math.hypot(g[0], g[1]) < 1e-9),
      n: 1,
    });
    claim({
      where: ch.id,
      sentence: S[0],
      measured: 'plain SGD started in the pit ends in it',
      wording: 'happens',
      k: count(initial, (r) => basinOf(r) === 'sharp'),
      n: 50,
    });
    const out = attempts(ch, withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.01, noise: 10 } }));
    const onFloor = SEEDS.map((seed, i) =>
      attempt(
        {
          ...ch,
          id: `${ch.id}@floor`,
          preset: {
            ...ch.preset,
            settings: {
              ...ch.preset.settings,
              startRule: { kind: 'shared', point: [floor.point[0] + 0.01 * Math.cos(i), floor.point[1]] },
            },
          },
        },
        withSetup(ch, { optimizer: { kind: 'sgd', lr: 0.01, noise: 10 } }),
        seed,
      ),
    );
    const k = Math.min(
      count(out, (r) => basinOf(r) === 'flat'),
      count(onFloor, (r) => basinOf(r) === 'flat'),
    );
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `σ 10 at lr 0.01: from the pit, in the bowl at the end ${count(out, (r) => basinOf(r) === 'flat')}/50; from the floor, still in the bowl ${count(onFloor, (r) => basinOf(r) === 'flat')}/50 (smaller shown)`,
      wording: 'happens',
      k,
      n: 50,
    });
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[1].text, measured: 'the same runs', wording: 'happens', k, n: 50 });
    const cos = attempts(ch, withSetup(ch, ch.hints[2].try!));
    const sigma = (ch.hints[2].try!.optimizer as unknown as { noise: number }).noise;
    claim({
      where: ch.id,
      sentence: S[2],
      measured: `σ ${sigma} at lr 0.01 with the cosine schedule: in the bowl at the end`,
      wording: 'happens',
      k: sigma === 10 ? count(cos, (r) => basinOf(r) === 'flat') : 0,
      n: 50,
    });
  });

  it('every sentence is measured', () => everySentence(ch.id));
});
