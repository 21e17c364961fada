/**
 * Sharp vs flat, the game's central lesson: every sentence measured under the
 * terrain's preset (30 s rounds, robust loss at 0.3), from 60 starts spread
 * over a 0.6 × 0.6 square around the preset's shared start (so no claim rests
 * on one lucky point), one seed each.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, createLandscape, robustLoss } from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from './claims';
import { entry, logUniform, once, presetSettings, runRacer, startsAround, type RacerOutcome } from './field';

const E = entry('sharp-vs-flat');
const L = createLandscape(E.spec);
const S = sentences(E.lesson);
const settings = presetSettings(E, { startRule: { kind: 'choose' } });
const N = 60;
const presetStart = (E.preset.settings.startRule as { point: [number, number] }).point;
const starts = startsAround(presetStart, 0.3, N, 'svf-starts');
const pit = L.info.points.find((p) => p.basin === 'sharp')!;
const floor = L.info.points.find((p) => p.basin === 'flat')!;
const insidePit = starts.map((_, i) => [pit.point[0] + 0.01 * Math.cos(i), pit.point[1] + 0.01 * Math.sin(i)]);
const cos = { kind: 'cosine', tMax: 1200, etaMin: 0 };

/** Runs `optimizer(i)` from start i for every start (cached by name). */
function fromStarts(name: string, optimizer: (i: number) => Record<string, unknown>, from = starts, results = false): RacerOutcome[] {
  return once(`svf:${name}`, () =>
    from.map((s, i) => runRacer(settings, { kind: 'sgd', ...optimizer(i) }, s, `svf:${name}:${i}`, { results })),
  );
}
const inFlat = (r: RacerOutcome) => r.status !== 'diverged' && r.basin === 'flat';
const inPit = (r: RacerOutcome) => r.status !== 'diverged' && r.basin === 'sharp';

const smallLrs = logUniform(0.002, 0.01, N, 'svf-small-lr');
const largeLrs = logUniform(0.05, 1.5, N, 'svf-large-lr');
const rhos = Array.from({ length: N }, (_, i) => Number((0.3 + (0.4 * i) / (N - 1)).toFixed(3)));

describe('sharp vs flat: the lesson', () => {
  afterAll(() => printClaims('Sharp vs flat (preset rules, 60 starts around the shared start)'));

  it('the geometry: a narrow pit in the wall of a wide bowl, lower than the floor, worse under the score', () => {
    const lp = analyze(L, pit.point).eigenvalues;
    const lf = analyze(L, floor.point).eigenvalues;
    const dist = Math.hypot(pit.point[0] - floor.point[0], pit.point[1] - floor.point[1]);
    claim({
      where: 'sharp-vs-flat',
      sentence: S[0],
      measured: `pit λ = ${lp.map((v) => v.toFixed(1)).join(', ')}, floor λ = ${lf.map((v) => v.toFixed(2)).join(', ')}; pit ${dist.toFixed(2)} from the floor`,
      wording: 'fact',
      k: Number(lp[0] > 50 * lf[1]) + Number(dist > 1),
      n: 2,
    });
    const scoring = settings.scoring as { radius: number; samples: number };
    const rp = robustLoss(L, pit.point, { radius: scoring.radius, samples: scoring.samples });
    const rf = robustLoss(L, floor.point, { radius: scoring.radius, samples: scoring.samples });
    claim({
      where: 'sharp-vs-flat',
      sentence: S[1],
      measured: `pit loss ${pit.value.toFixed(3)} < floor ${floor.value}; radius ${scoring.radius} ≈ 4 × width 0.08; robust loss pit ${rp.toFixed(3)} vs floor ${rf.toFixed(3)}`,
      wording: 'fact',
      k:
        Number(pit.value < floor.value) +
        Number(scoring.radius === 0.3 && Math.abs(scoring.radius / 0.08 - 4) < 0.5) +
        Number(rp > 1.5 * rf),
      n: 3,
    });
  });

  it('plain SGD at a small learning rate ends in the pit', () => {
    const runs = fromStarts('sgd-small', (i) => ({ lr: smallLrs[i] }));
    claim({
      where: 'sharp-vs-flat',
      sentence: S[2],
      measured: 'SGD lr log-uniform in [0.002, 0.01] ends in the pit',
      wording: 'happens',
      k: count(runs, inPit),
      n: N,
    });
  });

  it('each of the three gets out more often than plain SGD, from the same starts', () => {
    const sgd = fromStarts('sgd-0.01', () => ({ lr: 0.01 }));
    const three = [
      fromStarts('lr-0.3', () => ({ lr: 0.3 })),
      fromStarts('sam-0.5', () => ({ lr: 0.01, samRadius: 0.5 })),
      fromStarts('noise-10-cos', () => ({ lr: 0.01, noise: 10, schedule: cos })),
    ];
    const better = (a: RacerOutcome, b: RacerOutcome) => a.score !== null && (b.score === null || a.score < b.score);
    const k = Math.min(...three.map((runs) => count(runs, (r, i) => inFlat(r) && inPit(sgd[i]) && better(r, sgd[i]))));
    claim({
      where: 'sharp-vs-flat',
      sentence: S[3],
      measured:
        'lr 0.3, SAM ρ 0.5 and noise σ 10 + cosine each end in the bowl, scoring better, where SGD lr 0.01 from the same start ends in the pit (worst of the three)',
      wording: 'better',
      k,
      n: N,
    });
  });

  it('a large learning rate cannot settle in the pit, from the wall or from inside it', () => {
    const wall = fromStarts('sgd-large', (i) => ({ lr: largeLrs[i] }));
    const inside = fromStarts('sgd-large-inside', (i) => ({ lr: largeLrs[i] }), insidePit);
    const lp = analyze(L, pit.point).eigenvalues[1];
    const lf = analyze(L, floor.point).eigenvalues[1];
    const k = Math.min(count(wall, inFlat), count(inside, inFlat));
    claim({
      where: 'sharp-vs-flat',
      sentence: S[4],
      measured: `SGD lr log-uniform in [0.05, 1.5] ends in the bowl, from the wall and from inside the pit (worse of the two); λ_pit = ${lp.toFixed(1)}, λ_bowl = ${lf.toFixed(2)}`,
      wording: 'happens',
      k: Math.abs(lp - 125) < 5 && Math.abs(lf - 1) < 0.01 ? k : 0,
      n: N,
    });
  });

  it('SAM with ρ between 0.3 and 0.7 is not held by the pit', () => {
    const wall = fromStarts('sam-range', (i) => ({ lr: 0.01, samRadius: rhos[i] }));
    claim({
      where: 'sharp-vs-flat',
      sentence: S[5],
      measured: 'SGD lr 0.01 with SAM ρ spread over [0.3, 0.7] ends in the bowl',
      wording: 'happens',
      k: count(wall, inFlat),
      n: N,
    });
  });

  it('noise kicks a racer out of the pit and the bowl keeps it', () => {
    const n = 100;
    const inPitStarts = Array.from({ length: n }, (_, i) => [pit.point[0] + 0.01 * Math.cos(i), pit.point[1] + 0.01 * Math.sin(i)]);
    const onFloor = Array.from({ length: n }, (_, i) => [floor.point[0] + 0.01 * Math.cos(i), floor.point[1] + 0.01 * Math.sin(i)]);
    const out = fromStarts('noise-10-inside', () => ({ lr: 0.01, noise: 10 }), inPitStarts);
    const kept = fromStarts('noise-10-floor', () => ({ lr: 0.01, noise: 10 }), onFloor);
    claim({
      where: 'sharp-vs-flat',
      sentence: S[6],
      measured: `σ 10, lr 0.01: started in the pit, in the bowl at the end ${count(out, inFlat)}/${n}; started on the floor, still in the bowl ${count(kept, inFlat)}/${n} (worse shown)`,
      wording: 'happens',
      k: Math.min(count(out, inFlat), count(kept, inFlat)),
      n,
    });
  });

  it('with the cosine schedule a noisy racer ends in the bowl', () => {
    const many = startsAround(presetStart, 0.3, 100, 'svf-starts-100');
    const runs = fromStarts('noise-10-cos-100', () => ({ lr: 0.01, noise: 10, schedule: cos }), many);
    claim({
      where: 'sharp-vs-flat',
      sentence: S[7],
      measured: 'σ 10, lr 0.01, cosine schedule, from 100 starts on the wall: in the bowl at the end',
      wording: 'happens',
      k: count(runs, inFlat),
      n: 100,
    });
  });

  it('every sentence of the lesson is measured', () => {
    expectEverySentenceClaimed('sharp-vs-flat', E.lesson);
    expect(S.length).toBe(8);
  });
});
