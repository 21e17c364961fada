import { challengeById, challengePicture, runChallenge, type ChallengeSetup } from '@gradient-rally/shared';

/**
 * What judging a curvature challenge costs when done on the page's main
 * thread (the design before the worker): the goal with its full-batch
 * reference run, and the spectrum picture. Run in the browser by
 * curvatureChallenges.test.ts (bundled with the real packages) for the
 * before/after comparison; the attempt itself is run first and not timed.
 */
export function judgeOnMainThread(
  challengeId: string,
  setup: ChallengeSetup,
  seed: number,
): { judgeMs: number; spectrumMs: number; pass: boolean } {
  const ch = challengeById(challengeId);
  if (!ch) throw new Error(`no challenge '${challengeId}'`);
  const a = runChallenge(ch, setup, seed);
  const t0 = performance.now();
  const { outcome } = a.finish();
  const t1 = performance.now();
  challengePicture('spectrum', a);
  const t2 = performance.now();
  return { judgeMs: t1 - t0, spectrumMs: t2 - t1, pass: outcome.pass };
}
