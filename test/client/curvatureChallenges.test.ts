import { describe, expect, it } from 'vitest';
import { challengeById, fullBatchSharpness, runChallenge, type ChallengeSetup, type CurvesPicture } from '@gradient-rally/shared';
import { answerCurvatureJob, type CurvatureAnswer, type CurvatureJob } from '../../client/src/challenges/curvatureJob';
import { axisScale, curvesDescription, decadeTicks, linearTicks } from '../../client/src/challenges/CurvesPictureView';

/** Runs one worker job in Node and collects what it posts. */
function answers(job: CurvatureJob): CurvatureAnswer[] {
  const out: CurvatureAnswer[] = [];
  answerCurvatureJob(
    job,
    (a) => out.push(a),
    () => 0,
  );
  return out;
}

describe('the curvature worker’s jobs', () => {
  const batches4: ChallengeSetup = { optimizer: { kind: 'sgd', lr: 0.5, batchSize: 4 } as ChallengeSetup['optimizer'] };

  it('the full-batch reference, trained before the attempt runs, reports progress and is the goal’s own value; λmax at the end is the results’', () => {
    const ch = challengeById('small-batches-flat-ends')!;
    const posted = answers({ id: 7, kind: 'reference', challengeId: ch.id, setup: batches4, seed: 2 });
    const progress = posted.filter((a) => a.kind === 'progress').map((a) => (a as { done: number }).done);
    expect(progress.length).toBeGreaterThanOrEqual(10);
    expect(progress.every((d, i) => i === 0 || d > progress[i - 1])).toBe(true);
    expect(progress[progress.length - 1]).toBe(1);
    const last = posted[posted.length - 1];
    expect(last.kind).toBe('reference');
    const a = runChallenge(ch, batches4, 2);
    const ev = a.finish().evidence;
    expect(last.kind === 'reference' && last.lambdaMax).toBe(fullBatchSharpness(ev));
    const lam = answers({ id: 8, kind: 'lambda-max', challengeId: ch.id, setup: batches4, seed: 2, position: Array.from(a.you.position) });
    expect(lam).toEqual([{ id: 8, kind: 'lambda-max', lambdaMax: ev.you.lambdaMax }]);
  });

  it('a job naming no challenge answers an error, not a throw', () => {
    expect(answers({ id: 3, kind: 'start-spectrum', challengeId: 'no-such', setup: batches4, seed: 1 })).toEqual([
      { id: 3, kind: 'error', message: "no challenge 'no-such'" },
    ]);
  });

  it('the start’s spectrum of the saddle challenge has one series and a negative smallest eigenvalue in its caption', () => {
    const [a] = answers({
      id: 1,
      kind: 'start-spectrum',
      challengeId: 'the-networks-saddle',
      setup: { optimizer: { kind: 'sgd', lr: 0.05 } },
      seed: 1,
    });
    expect(a.kind).toBe('picture');
    const p = (a as { picture: CurvesPicture }).picture;
    expect(p.series.map((s) => s.label)).toEqual(['at the start']);
    expect(p.caption).toMatch(/Smallest: -0\.0\d+ at the start/);
  });
});

describe('curve pictures: axes and words', () => {
  it('ticks at 1, 2, 5 × 10^k on a linear axis and at powers of ten on a log one', () => {
    expect(linearTicks(0, 30, 5)).toEqual([0, 10, 20, 30]);
    expect(linearTicks(-0.24, 4.08, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(linearTicks(0, Math.LN2, 4)).toEqual([0, 0.2, 0.4, 0.6]);
    expect(decadeTicks(0.004, 2.5)).toEqual([0.01, 0.1, 1]);
    expect(decadeTicks(1e-12, 1)).toHaveLength(5);
  });

  it('an axis covers every finite value (only positive ones on a log axis), from zero for a density', () => {
    expect(axisScale([0.1, 5, Number.NaN], false, true)).toEqual({ lo: 0, hi: 5.2, log: false });
    const log = axisScale([0, -1, 0.01, 2], true, false);
    expect(log.lo).toBeLessThan(0.01);
    expect(log.lo).toBeGreaterThan(0.007);
    expect(log.hi).toBeGreaterThan(2);
    expect(axisScale([], false, false)).toEqual({ lo: 0, hi: 1, log: false });
  });

  it('the text alternative says where each curve starts, ends and peaks, and names the marks', () => {
    const text = curvesDescription({
      kind: 'curves',
      title: 'Loss along the paths',
      caption: 'Two paths.',
      xLabel: 'position',
      yLabel: 'loss',
      log: true,
      series: [{ label: 'straight line', xs: [0, 0.5, 1], ys: [0.01, 2, 0.02] }],
      marks: [{ axis: 'y', at: 0.05, label: 'target' }],
    });
    expect(text).toBe(
      'Loss along the paths. Two paths. loss (log scale) against position. straight line: loss 0.01 at position 0, 0.02 at 1; lowest 0.01 at 0, highest 2 at 0.5. target marked at loss 0.05.',
    );
  });
});
