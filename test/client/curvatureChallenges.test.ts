import { describe, expect, it } from 'vitest';
import {
  ChallengeAttempt,
  challengeById,
  fullBatchSharpness,
  hessianEigenvaluesLanczos,
  runChallenge,
  type ChallengeSetup,
  type CurvesPicture,
  type Landscape,
} from '@gradient-rally/shared';
import { answerCurvatureJob, type CurvatureAnswer, type CurvatureJob } from '../../client/src/challenges/curvatureJob';
import { axisScale, curvesDescription, curvesXScale, decadeTicks, linearTicks } from '../../client/src/challenges/CurvesPictureView';
import { spectrumTicks, spectrumTicksDescription, MIN_ZOOM } from '../../client/src/challenges/spectrumTicks';

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

/** Every Hessian eigenvalue by Lanczos run to the full dimension (exact, and another method than the picture's dense Jacobi). */
const everyEigenvalue = (L: Landscape, p: ArrayLike<number>) =>
  hessianEigenvaluesLanczos(L, p, L.dim, { which: 'smallest', maxIterations: L.dim }).values;

function pictureOf(job: CurvatureJob): CurvesPicture {
  const [a] = answers(job);
  expect(a.kind).toBe('picture');
  return (a as { picture: CurvesPicture }).picture;
}

describe('the spectrum picture’s eigenvalue ticks', () => {
  const saddle = challengeById('the-networks-saddle')!;

  /** The ticks the view draws for one picture, held against every eigenvalue computed another way at each point. */
  function checkTicks(p: CurvesPicture, points: { L: Landscape; at: ArrayLike<number> }[]) {
    const rows = p.eigenvalues!;
    expect(rows.map((r) => r.label)).toEqual(p.series.map((s) => s.label));
    const x = curvesXScale(p);
    const strips = spectrumTicks(rows, x);
    return points.map(({ L, at }, k) => {
      const exact = everyEigenvalue(L, at);
      const scale = Math.max(Math.abs(exact[0]), Math.abs(exact[exact.length - 1]));
      expect(rows[k].values).toHaveLength(L.dim);
      rows[k].values.forEach((v, i) => expect(Math.abs(v - exact[i])).toBeLessThan(1e-9 * scale));
      // Negative: below 1e-4 of the largest |λ|, as the race results classify a point (a tick at −1e-7 beside 0.5 is rounding-size curvature).
      const negative = exact.filter((v) => v < -1e-4 * scale).length;
      const main = strips.main[k];
      expect(main.negative).toBe(negative);
      expect(main.ticks.filter((t) => t.sign < 0)).toHaveLength(negative);
      expect(main.negative + main.zero + main.positive).toBe(L.dim);
      // Every eigenvalue is a tick on the main strip, where the density's axis puts it.
      expect(main.ticks).toHaveLength(L.dim);
      for (const t of main.ticks) expect(t.at).toBeCloseTo((t.value - x.lo) / (x.hi - x.lo), 12);
      expect(main.ticks.filter((t) => t.sign < 0).every((t) => t.value < 0)).toBe(true);
      return { exact, negative, strips, scale };
    });
  }

  it('at the start of the first saddle: every eigenvalue a tick, the negative ones counted as shared counts them, and a zoom that spreads them apart from 0', () => {
    for (const seed of [1, 2, 3]) {
      const p = pictureOf({ id: seed, kind: 'start-spectrum', challengeId: saddle.id, setup: saddle.initial, seed });
      const a = new ChallengeAttempt(saddle, saddle.initial, seed);
      const [{ exact, negative, strips }] = checkTicks(p, [{ L: a.landscape, at: a.start }]);
      expect(negative).toBeGreaterThanOrEqual(2);
      // The caption's smallest is the leftmost tick.
      expect(p.caption).toContain(`Smallest: ${Number(exact[0].toPrecision(3))} at the start`);
      // On the density's axis −0.013 sits within 3 % of the axis from 0: the zoom is drawn, at least 5× wider.
      const x = curvesXScale(p);
      expect(-exact[0] / (x.hi - x.lo)).toBeLessThan(0.03);
      const zoom = strips.zoom!;
      expect(zoom).not.toBeNull();
      expect((x.hi - x.lo) / (2 * zoom.half)).toBeGreaterThanOrEqual(MIN_ZOOM);
      const z = zoom.rows[0];
      expect(z.below).toBe(0);
      expect(z.ticks.filter((t) => t.sign < 0)).toHaveLength(negative);
      for (const t of z.ticks) expect(t.at).toBeCloseTo((t.value + zoom.half) / (2 * zoom.half), 12);
      // The most negative sits at least a fifth of the zoomed strip left of 0 (its range is at most 2.5 × |λmin| each side).
      expect(0.5 - Math.min(...z.ticks.map((t) => t.at))).toBeGreaterThanOrEqual(0.2);
      expect(z.ticks.length + z.above).toBe(a.landscape.dim);
      console.log(
        `saddle seed ${seed}: λmin ${exact[0].toPrecision(3)}, λmax ${exact[exact.length - 1].toPrecision(3)}; ${negative} negative ticks; zoom ±${zoom.half} (${((x.hi - x.lo) / (2 * zoom.half)).toFixed(0)}× wider), ${z.above} beyond it`,
      );
    }
  });

  it('start and end after a pass, on both curvature challenges: the rows’ ticks are each point’s eigenvalues', () => {
    const runs = [
      { ch: saddle, setup: { optimizer: { kind: 'sgd', lr: 0.5 } } as ChallengeSetup, seed: 2 },
      {
        ch: challengeById('small-batches-flat-ends')!,
        setup: { optimizer: { kind: 'sgd', lr: 0.5, batchSize: 4 } } as ChallengeSetup,
        seed: 3,
      },
    ];
    for (const { ch, setup, seed } of runs) {
      const p = pictureOf({ id: 1, kind: 'spectrum', challengeId: ch.id, setup, seed });
      const a = runChallenge(ch, setup, seed);
      const checked = checkTicks(p, [
        { L: a.landscape, at: a.start },
        { L: a.landscape, at: a.you.position },
      ]);
      const { strips } = checked[0];
      // The zoom, when drawn, holds every negative eigenvalue of a row inside its range, and counts the rest.
      if (strips.zoom) {
        const half = strips.zoom.half;
        strips.zoom.rows.forEach((z, k) => {
          const row = p.eigenvalues![k];
          const inside = row.values.filter((v, i) => row.signs[i] < 0 && v >= -half).length;
          expect(z.ticks.filter((t) => t.sign < 0)).toHaveLength(inside);
          expect(z.below).toBe(row.values.filter((v) => v < -half).length);
        });
        // Some row's negatives were crushed: all within a tenth of the main axis of 0.
        const x = curvesXScale(p);
        expect(checked.some((c) => c.exact[0] < 0 && -c.exact[0] < (x.hi - x.lo) / (2 * MIN_ZOOM))).toBe(true);
      }
      console.log(
        `${ch.id} seed ${seed}: negative ticks at the start ${checked[0].negative}, at the end ${checked[1].negative}; zoom ${strips.zoom ? `±${strips.zoom.half}, below it ${strips.zoom.rows.map((z) => z.below).join(' / ')}` : 'none (the negatives are apart from 0 on the main axis)'}`,
      );
      const words = spectrumTicksDescription(p.eigenvalues!, strips);
      expect(words).toContain(`at the start: ${checked[0].negative} negative`);
      expect(words).toContain(`at the end: ${checked[1].negative ? `${checked[1].negative} negative` : 'none negative'}`);
    }
  });

  it('no zoom where the negative eigenvalues already lie apart from 0, and none without a negative one', () => {
    const row = (values: number[]) => ({
      label: 'r',
      values,
      signs: values.map((v) => (v < -1e-3 ? -1 : v > 1e-3 ? 1 : 0)) as (-1 | 0 | 1)[],
      tolerance: 1e-3,
    });
    expect(spectrumTicks([row([-0.5, 0, 1.8])], { lo: -0.6, hi: 1.9 }).zoom).toBeNull();
    expect(spectrumTicks([row([0, 0.2, 4])], { lo: -0.2, hi: 4.2 }).zoom).toBeNull();
    const z = spectrumTicks([row([-0.013, -0.0001, 0, 0.5])], { lo: -0.04, hi: 0.53 }).zoom!;
    expect(z.half).toBe(0.02);
    // −0.0001 is within the tolerance: drawn, but not as a negative tick.
    expect(z.rows[0].ticks.map((t) => t.sign)).toEqual([0, 0, -1]);
    expect(z.rows[0].above).toBe(1);
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
