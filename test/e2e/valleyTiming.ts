import { challengeById, curveTrainingOf, runChallenge, trainBezierPath } from '@gradient-rally/shared';

/**
 * What judging 'one-valley' costs on one thread at the controls' most
 * training (2000 curve steps): the round itself (two networks, stepped a
 * frame at a time in the page anyway), the curve, and the rest of `finish()`
 * once the curve is known. Run in Chromium's main thread by test/e2e/valley.test.ts.
 */
export function valleyTiming(): { seed: number; roundMs: number; curveMs: number; finishMs: number; barrier: number }[] {
  const ch = challengeById('one-valley')!;
  const setup = { ...ch.initial, curve: { steps: 2000, lr: 1 } };
  return [1, 2, 3, 4].map((seed) => {
    let t = performance.now();
    const a = runChallenge(ch, setup, seed);
    const roundMs = performance.now() - t;
    const ends = a.endPoints();
    t = performance.now();
    const bezier = trainBezierPath(a.landscape, ends.you, ends.twin!, curveTrainingOf({ challenge: ch, setup, seed }));
    const curveMs = performance.now() - t;
    t = performance.now();
    a.finish({ bezier });
    const finishMs = performance.now() - t;
    return { seed, roundMs, curveMs, finishMs, barrier: bezier.barrier };
  });
}
