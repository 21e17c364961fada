import { describe, expect, it } from 'vitest';
import {
  createLandscape,
  parseRaceSettings,
  Race,
  robustLoss,
  roundScore,
  type MlpLandscape,
  type RacerResult,
} from '@gradient-rally/shared';

/** Runs a race to its end (time, budget or every racer stopped). */
function finish(race: Race, maxTicks = 100_000): void {
  for (let i = 0; i < maxTicks && !race.isOver(); i++) race.tick();
}

function byId(results: RacerResult[]): Record<string, RacerResult> {
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

const QUADRATIC = { kind: 'expression', expr: 'x^2 + 10*y^2' }; // λ = 2 and 20 everywhere

describe('"what happened" notes on constructed cases', () => {
  it('a racer with lr far above 2/λ_max on a quadratic is told so, with the numbers', () => {
    const race = new Race(
      parseRaceSettings({ landscape: QUADRATIC, startRule: { kind: 'shared', point: [1, 1] }, stepsPerTick: 10, roundSeconds: 20 }),
    );
    race.addRacer('too-fast', { optimizer: { kind: 'sgd', lr: 0.5 } });
    race.addRacer('heavy', { optimizer: { kind: 'sgd', lr: 0.25, momentum: 0.9 } });
    race.addRacer('saved-by-momentum', { optimizer: { kind: 'sgd', lr: 0.15, momentum: 0.9 } });
    race.addRacer('plain-0.15', { optimizer: { kind: 'sgd', lr: 0.15 } });
    finish(race);
    const r = byId(race.results());
    expect(r['too-fast'].status).toBe('diverged');
    expect(r['too-fast'].noteKind).toBe('diverged');
    expect(r['too-fast'].note).toContain('lr·λ_max = 0.5 × 20 = 10, above 2');
    expect(r['too-fast'].lambdaMax).toBeCloseTo(20, 9);
    expect(r['too-fast'].note).toMatch(/already too large where it started, \(1, 1\): λ_max = 20 there, lr·λ_max = 10\.$/);
    expect(r['too-fast'].score).toBeNull();
    // Heavy-ball momentum moves the limit to 2(1+μ) = 3.8: lr·λ = 5 is beyond it, 3 is not.
    expect(r.heavy.status).toBe('diverged');
    expect(r.heavy.note).toContain('lr·λ_max = 0.25 × 20 = 5, above 2(1+μ) = 3.8 for momentum μ = 0.9');
    expect(r['saved-by-momentum'].status).toBe('racing');
    expect(r['plain-0.15'].status).toBe('diverged');
    expect(r['plain-0.15'].note).toContain('= 3, above 2');
    // Diverged racers rank last.
    expect(r['saved-by-momentum'].rank).toBe(1);
  });

  it('quotes the learning rate the schedule had reached when the racer blew up', () => {
    const race = new Race(
      parseRaceSettings({ landscape: QUADRATIC, startRule: { kind: 'shared', point: [1, 1] }, stepsPerTick: 10, roundSeconds: 30 }),
    );
    race.addRacer('warmup', { optimizer: { kind: 'sgd', lr: 0.01, schedule: { kind: 'one-cycle', maxLr: 1.5, totalSteps: 400 } } });
    finish(race);
    const [r] = race.results();
    expect(r.status).toBe('diverged');
    const m = /lr·λ_max = ([0-9.]+) × 20 = ([0-9.]+), above 2/.exec(r.note);
    expect(m, r.note).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0.1);
    expect(Number(m![1])).toBeLessThanOrEqual(1.5);
  });

  it('stalls near a saddle (small gradient, a negative eigenvalue) and says so', () => {
    const race = new Race(parseRaceSettings({ landscape: 'saddle', startRule: { kind: 'shared', point: [1, 0] }, roundSeconds: 10 }));
    race.addRacer('a', { optimizer: { kind: 'sgd', lr: 0.1 } });
    finish(race);
    const [a] = race.results();
    expect(a.noteKind).toBe('saddle');
    expect(a.note).toMatch(/saddle/);
    expect(a.note).toContain('λ_min = -2');
    expect(a.pointClass).toBe('saddle');
    expect(a.eigenvalues).toEqual([-2, 2]);
  });

  it('sliding off an unbounded surface is not blamed on the learning rate', () => {
    const race = new Race(
      parseRaceSettings({ landscape: 'saddle', startRule: { kind: 'shared', point: [1, 0.5] }, stepsPerTick: 50, roundSeconds: 100 }),
    );
    race.addRacer('a', { optimizer: { kind: 'sgd', lr: 0.1 } });
    finish(race);
    const [a] = race.results();
    expect(a.status).toBe('diverged');
    expect(a.noteKind).toBe('unbounded');
    expect(a.note).toMatch(
      /^Slid downhill until the numbers overflowed after \d+ updates: its last finite loss was -[0-9.e]+ at .*, below the 0\.75 it started from\.$/,
    );
  });

  it('a gradient that is not a number (a kink) is named as the reason, not the learning rate', () => {
    const kink = { kind: 'expression', expr: 'sqrt(abs(x)) + y^2' };
    const race = new Race(parseRaceSettings({ landscape: kink, startRule: { kind: 'shared', point: [0, 1] } }));
    race.addRacer('a');
    race.tick();
    const [a] = race.results();
    expect(a.status).toBe('diverged');
    expect(a.note).toMatch(/^Stopped at \(0, 1\) after 0 updates: the gradient there is not a finite number/);
    expect(JSON.stringify(a)).not.toMatch(/NaN|Infinity/);
  });

  it('trapped in a local minimum: compared with the known global one', () => {
    const race = new Race(
      parseRaceSettings({ landscape: 'rastrigin', startRule: { kind: 'shared', point: [1.2, 0.15] }, roundSeconds: 20 }),
    );
    race.addRacer('a', { optimizer: { kind: 'sgd', lr: 0.002 } });
    finish(race);
    const [a] = race.results();
    expect(a.endPoint[0]).toBeCloseTo(0.99496, 4);
    expect(a.pointClass).toBe('minimum');
    expect(a.noteKind).toBe('local-minimum');
    expect(a.note).toMatch(
      /^Stopped in a local minimum at \(0\.995, [-0-9.e]+\): loss 0\.995, while the global minimum reaches 0 at \(0, 0\)\. Every direction goes uphill from here, so plain gradient steps cannot leave\./,
    );
  });

  it('reaching the global minimum, and stopping on a maximum', () => {
    const L = createLandscape('himmelblau');
    const max = L.info.points.find((p) => p.kind === 'maximum')!.point;
    const race = new Race(parseRaceSettings({ landscape: 'himmelblau', startRule: 'choose', roundSeconds: 10 }));
    race.addRacer('good', { optimizer: { kind: 'adam', lr: 0.05 }, start: [1, 1] });
    race.addRacer('stuck', { optimizer: { kind: 'sgd', lr: 0.001 }, start: max });
    finish(race);
    const r = byId(race.results());
    expect(r.good.noteKind).toBe('global-minimum');
    expect(r.good.note).toMatch(/^Reached the global minimum: loss [0-9.e-]+ \(the lowest possible is 0\)/);
    expect(r.good.pointClass).toBe('minimum');
    expect(r.stuck.noteKind).toBe('maximum');
    expect(r.stuck.pointClass).toBe('maximum');
  });

  it('a racer that joined as the round ended never moved, and is told so', () => {
    const race = new Race(parseRaceSettings({ landscape: 'himmelblau', roundSeconds: 5, tickRate: 2 }));
    race.addRacer('early');
    finish(race);
    race.addRacer('late');
    const r = byId(race.results());
    expect(r.late.noteKind).toBe('not-started');
    expect(r.late.note).toMatch(/^Never moved: it joined at tick 10/);
    expect(r.late.updates).toBe(0);
    expect(r.early.noteKind).not.toBe('not-started');
  });

  it('a learning rate too large for a walled valley bounces instead of settling, and is told so', () => {
    const race = new Race(parseRaceSettings({ landscape: QUADRATIC, startRule: { kind: 'shared', point: [1, 0.1] }, roundSeconds: 20 }));
    race.addRacer('bouncy', { optimizer: { kind: 'sgd', lr: 0.1005 } });
    race.addRacer('calm', { optimizer: { kind: 'sgd', lr: 0.05 } });
    finish(race);
    const r = byId(race.results());
    expect(r.bouncy.status).toBe('racing');
    expect(r.bouncy.noteKind).toBe('bouncing');
    expect(r.bouncy.pointClass).toBeNull();
    expect(r.bouncy.settledSeconds).toBeNull();
    expect(r.bouncy.note).toMatch(/^Bouncing at loss [0-9.e]+ at the end of the round: lr·λ_max = 0\.101 × 20 = 2\.01 is above 2 here/);
    expect(r.calm.note).not.toMatch(/Bouncing/);
    expect(r.calm.settledSeconds).not.toBeNull();
  });

  it("Newton's method stalls on a saddle and the note says why", () => {
    const race = new Race(parseRaceSettings({ landscape: 'sharp-vs-flat', startRule: 'choose', roundSeconds: 5 }));
    race.addRacer('newton', { optimizer: { kind: 'newton', lr: 1 }, start: [0.09, -0.07] });
    finish(race);
    const [n] = race.results();
    expect(n.pointClass).toBe('saddle');
    expect(n.noteKind).toBe('saddle');
    expect(n.note).toMatch(/Newton's method is drawn to saddles/);
  });

  it('still going downhill at the end of the round (never "when time ran out": the host may have ended it)', () => {
    const race = new Race(parseRaceSettings({ landscape: 'rosenbrock', startRule: { kind: 'shared', point: [-1.5, 2] }, roundSeconds: 5 }));
    race.addRacer('slow', { optimizer: { kind: 'sgd', lr: 1e-4 } });
    finish(race);
    const [slow] = race.results();
    expect(slow.noteKind).toBe('still-moving');
    expect(slow.note).toMatch(/^Still going downhill at the end of the round: loss [0-9.]+ \(gradient norm [0-9.]+\)\./);
    expect(slow.pointClass).toBeNull();
  });

  it('ran out of budget, with SAM paying double', () => {
    const race = new Race(
      parseRaceSettings({ landscape: 'rosenbrock', startRule: { kind: 'shared', point: [-1.5, 2] }, roundSeconds: null, budget: 40 }),
    );
    race.addRacer('sam', { optimizer: { kind: 'sgd', lr: 1e-4, samRadius: 0.05 } });
    finish(race);
    const [sam] = race.results();
    expect(sam.status).toBe('budget-spent');
    expect(sam.note).toMatch(/^Used its whole budget of 40 gradient evaluations in 20 updates \(SAM costs 2 evaluations per update\)\./);
  });

  it('flat beats sharp under robust loss, sharp beats flat under lowest loss, and the notes say which basin is which', () => {
    const play = (scoring: unknown) => {
      const race = new Race(parseRaceSettings({ landscape: 'sharp-vs-flat', startRule: 'choose', scoring, roundSeconds: 30 }));
      race.addRacer('sharp', { optimizer: { kind: 'sgd', lr: 0.01 }, start: [-0.2, 0.2] });
      race.addRacer('flat', { optimizer: { kind: 'sgd', lr: 0.5 }, start: [1.0, -0.3] });
      finish(race);
      return byId(race.results());
    };
    const robust = play(undefined);
    expect(robust.sharp.finalLoss!).toBeLessThan(robust.flat.finalLoss!);
    expect(robust.flat.rank).toBe(1);
    expect(robust.sharp.rank).toBe(2);
    expect(robust.flat.score).toBe(roundScore(robust.flat.robustLoss, { decimals: 3 }));
    expect(robust.sharp.basin).toBe('sharp');
    expect(robust.flat.basin).toBe('flat');
    expect(robust.sharp.lambdaMax!).toBeGreaterThan(10 * robust.flat.lambdaMax!);
    expect(robust.sharp.noteKind).toBe('global-minimum');
    expect(robust.sharp.note).toMatch(
      /This is the sharp basin \(λ_max = [0-9.]+, the sharpest in this race\): averaged over nudges of radius 0\.3 the loss is/,
    );
    expect(robust.flat.noteKind).toBe('local-minimum');
    expect(robust.flat.note).toMatch(/^Stopped in a local minimum/);
    expect(robust.flat.note).toMatch(/This is the flat basin/);

    const lowest = play('lowest-loss');
    expect(lowest.sharp.rank).toBe(1);
    expect(lowest.sharp.score).toBe(roundScore(lowest.sharp.finalLoss, { decimals: 3 }));
  });
});

describe('scores and ranks', () => {
  it('robust loss is measured on one fixed set of perturbations, the same for every racer', () => {
    const race = new Race(
      parseRaceSettings({
        landscape: 'himmelblau',
        startRule: 'random',
        scoring: { kind: 'robust-loss', radius: 0.4, samples: 32 },
        roundSeconds: 5,
        seed: 9,
      }),
    );
    race.addRacer('a', { optimizer: { kind: 'adam', lr: 0.05 } });
    race.addRacer('b', { optimizer: { kind: 'sgd', lr: 0.005 } });
    finish(race);
    for (const r of race.results()) {
      expect(r.score).toBe(
        roundScore(robustLoss(race.landscape, r.endPoint, { radius: 0.4, samples: 32, seed: 'robust:9' }), { decimals: 3 }),
      );
    }
  });

  it('time to target: finishers by time, then everyone without a score level on the last rank (diverged listed last)', () => {
    const race = new Race(
      parseRaceSettings({
        landscape: QUADRATIC,
        startRule: { kind: 'shared', point: [1, 1] },
        scoring: { kind: 'time-to-target', target: 1e-4 },
        roundSeconds: 10,
        tickRate: 10,
        stepsPerTick: 5,
      }),
    );
    race.addRacer('diverges', { optimizer: { kind: 'sgd', lr: 0.2 } });
    race.addRacer('slow', { optimizer: { kind: 'sgd', lr: 0.001 } });
    race.addRacer('quick', { optimizer: { kind: 'sgd', lr: 0.05 } });
    race.addRacer('quicker', { optimizer: { kind: 'sgd', lr: 0.09 } });
    finish(race);
    const results = race.results();
    expect(results.map((r) => r.id)).toEqual(['quicker', 'quick', 'slow', 'diverges']);
    expect(results.map((r) => r.rank)).toEqual([1, 2, 3, 3]);
    const quick = results[1];
    expect(quick.status).toBe('finished');
    expect(quick.score).toBe(roundScore(race.racer('quick')!.finishUpdates! / (5 * 10), { decimals: 2 }));
    expect(quick.note).toMatch(/^Reached the target loss 1e-4 in [0-9.]+ s \(\d+ updates\), at \([-0-9.e]+, [-0-9.e]+\)\.$/);
    expect(results[2].score).toBeNull();
    expect(results[3].score).toBeNull();
  });

  it('a diverged racer is listed below one that never reached the target, even with a lower last loss, at the same rank', () => {
    // log x falls off a cliff at x = 0: a big step lands at x < 0, where the loss is NaN.
    const cliff = { kind: 'expression', expr: 'log(x) + (y - 1)^2', bounds: { xMin: 0.1, xMax: 3, yMin: -1, yMax: 3 } };
    const race = new Race(
      parseRaceSettings({ landscape: cliff, startRule: 'choose', scoring: { kind: 'time-to-target', target: -10 }, roundSeconds: 5 }),
    );
    race.addRacer('over-the-edge', { optimizer: { kind: 'sgd', lr: 0.5 }, start: [1, 1] });
    race.addRacer('dawdler', { optimizer: { kind: 'sgd', lr: 1e-4 }, start: [2, 1] });
    finish(race);
    const results = race.results();
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['dawdler', 'racing'],
      ['over-the-edge', 'diverged'],
    ]);
    expect(results[1].finalLoss!).toBeLessThan(results[0].finalLoss!);
    expect(results.map((r) => r.rank)).toEqual([1, 1]);
  });

  it("test loss on an MLP terrain is the network's held-out loss at the end point", () => {
    const mlp = { kind: 'mlp', dataset: 'circles', samples: 60, noise: 0.05, layers: [2, 6, 2], activation: 'tanh', seed: 4, slice: true };
    const race = new Race(parseRaceSettings({ landscape: mlp, startRule: 'random', scoring: 'test-loss', roundSeconds: 5 }));
    race.addRacer('a', { optimizer: { kind: 'adam', lr: 0.05 } });
    race.addRacer('b', { optimizer: { kind: 'sgd', lr: 0.5, batchSize: 16 } });
    finish(race);
    const L = race.landscape as MlpLandscape;
    const results = race.results();
    for (const r of results) expect(r.score).toBe(roundScore(L.evaluate(r.endPoint).testLoss, { decimals: 3 }));
    expect(results[0].score!).toBeLessThanOrEqual(results[1].score!);
  });

  it('ties show as ties: equal scores and settling times share a rank, listed by join order', () => {
    const race = new Race(parseRaceSettings({ landscape: 'booth', startRule: { kind: 'shared', point: [0, 0] }, roundSeconds: 5 }));
    for (const id of ['z', 'm', 'a']) race.addRacer(id, { optimizer: { kind: 'sgd', lr: 0.03 } });
    race.addRacer('faster', { optimizer: { kind: 'sgd', lr: 0.09 } });
    finish(race);
    const results = race.results();
    // All four reach the minimum (score 0.000); the faster one settled first.
    expect(results.map((r) => r.id)).toEqual(['faster', 'z', 'm', 'a']);
    expect(results.map((r) => r.rank)).toEqual([1, 2, 2, 2]);
    expect(new Set(results.map((r) => r.score)).size).toBe(1);
    expect(results[0].settledSeconds!).toBeLessThan(results[1].settledSeconds!);
  });

  it('live standings follow the scoring rule where it is cheap, and agree with the final ranks', () => {
    const race = new Race(parseRaceSettings({ landscape: 'sharp-vs-flat', startRule: 'choose', roundSeconds: 30 }));
    race.addRacer('sharp', { optimizer: { kind: 'sgd', lr: 0.01 }, start: [-0.2, 0.2] });
    race.addRacer('flat', { optimizer: { kind: 'sgd', lr: 0.5 }, start: [1.0, -0.3] });
    finish(race);
    const live = race.standings();
    expect(live.map((s) => s.id)).toEqual(['flat', 'sharp']);
    expect(live[0].scoredBy).toBe('robust-loss');
    const results = race.results();
    expect(live.map((s) => [s.id, s.rank, s.score])).toEqual(results.map((r) => [r.id, r.rank, r.score]));

    const byLoss = new Race(
      parseRaceSettings({ landscape: 'sharp-vs-flat', startRule: 'choose', roundSeconds: 30, scoring: 'lowest-loss' }),
    );
    byLoss.addRacer('sharp', { optimizer: { kind: 'sgd', lr: 0.01 }, start: [-0.2, 0.2] });
    byLoss.addRacer('flat', { optimizer: { kind: 'sgd', lr: 0.5 }, start: [1.0, -0.3] });
    finish(byLoss);
    expect(byLoss.standings().map((s) => [s.id, s.scoredBy])).toEqual([
      ['sharp', 'loss'],
      ['flat', 'loss'],
    ]);
  });

  it('resultsStepwise yields twice per racer (analysis, then note) and returns exactly results()', () => {
    const race = new Race(parseRaceSettings({ landscape: 'himmelblau', startRule: 'random', roundSeconds: 5 }));
    for (const id of ['a', 'b', 'c']) race.addRacer(id, { optimizer: { kind: 'adam', lr: 0.03 } });
    finish(race);
    const steps = race.resultsStepwise();
    const yielded: number[] = [];
    let r = steps.next();
    while (!r.done) {
      yielded.push(r.value);
      r = steps.next();
    }
    expect(yielded).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.value).toEqual(race.results());
  });

  it('results are plain JSON: no NaN or Infinity even for diverged racers', () => {
    const race = new Race(parseRaceSettings({ landscape: 'booth', startRule: { kind: 'shared', point: [3, -2] }, stepsPerTick: 20 }));
    race.addRacer('wild', { optimizer: { kind: 'sgd', lr: 1 } });
    race.addRacer('calm', { optimizer: { kind: 'sgd', lr: 0.05 } });
    for (let i = 0; i < 50; i++) race.tick();
    const results = race.results();
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
    const json = JSON.stringify(results);
    expect(json).not.toMatch(/NaN|Infinity/);
    for (const r of results) expect(r.note.length).toBeGreaterThan(20);
  });
});
