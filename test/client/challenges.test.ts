import { describe, expect, it } from 'vitest';
import {
  bezierBetween,
  ChallengeAttempt,
  challengeCatalogue,
  challengeSettings,
  knobsForKind,
  raceSpaceNote,
  runChallenge,
  sliceMapSpec,
} from '@gradient-rally/shared';
import { type CurveReply, curveJobOf, trainCurve } from '../../client/src/challenges/curveJob';
import {
  controlsFromHint,
  knobsOfSetup,
  dampingOf,
  playableInBrowser,
  setupFromControls,
} from '../../client/src/challenges/challengeSetup';
import { parseProgress, recordPass, starsText } from '../../client/src/challenges/challengeProgress';
import { TRIAL_DOT } from '../../client/src/challenges/TerrainPictureView';
import { NON_FINITE_RGB, viridisTable } from '../../client/src/terrain/colorScale';

const playable = challengeCatalogue().filter(playableInBrowser);

describe('challenge controls → setup', () => {
  it('the browser plays the 15 challenges on 2-D terrains and the network ones whose views and measurements exist, in catalogue order', () => {
    expect(playable.map((c) => c.id)).toEqual([
      ...challengeCatalogue()
        .slice(0, 15)
        .map((c) => c.id),
      'beyond-the-slice',
      'the-networks-saddle',
      'shape-of-a-path',
      'deep-and-vanishing',
      'just-the-right-size',
      'small-batches-flat-ends',
      'keep-the-weights-small',
      'one-valley',
    ]);
  });

  it('the curve’s steps and lr set through the controls reach the attempt; outside the controls’ ranges they are refused, naming the field', () => {
    const ch = playable.find((c) => c.id === 'one-valley')!;
    const settings = challengeSettings(ch, ch.initial, 1);
    const knobs = knobsOfSetup(ch.initial);
    expect(setupFromControls(ch, settings, knobs, {}).curve).toEqual(ch.initial.curve);
    expect(setupFromControls(ch, settings, knobs, { curve: { steps: 1500, lr: 0.5 } }).curve).toEqual({ steps: 1500, lr: 0.5 });
    expect(() => new ChallengeAttempt(ch, setupFromControls(ch, settings, knobs, { curve: { steps: 2001, lr: 1 } }), 1)).toThrow(
      /curve\.steps.*\[0, 2000\]/,
    );
    expect(() => new ChallengeAttempt(ch, setupFromControls(ch, settings, knobs, { curve: { steps: 100, lr: 3 } }), 1)).toThrow(
      /curve\.lr.*\[0\.01, 2\]/,
    );
    // The last hint's setting becomes the curve's controls.
    expect(controlsFromHint(ch, ch.hints[2]).extras.curve).toEqual({ steps: 1000, lr: 1 });
    expect(controlsFromHint(ch, ch.hints[0]).extras.curve).toEqual(ch.initial.curve);
  });

  it('a network build set through the controls reaches the attempt; a choice the challenge does not offer is refused, naming it', () => {
    const ch = playable.find((c) => c.id === 'deep-and-vanishing')!;
    const settings = challengeSettings(ch, ch.initial, 1);
    const knobs = knobsOfSetup(ch.initial);
    const setup = setupFromControls(ch, settings, knobs, { network: { activation: 'relu', init: 'he' } });
    expect(setup.network).toEqual({ activation: 'relu', init: 'he' });
    const a = new ChallengeAttempt(ch, setup, 3);
    expect(a.settings.landscape).toMatchObject({ kind: 'mlp', activation: 'relu', init: 'he' });
    // The initial build stands for what the screen leaves untouched.
    expect(setupFromControls(ch, settings, knobs, {}).network).toEqual({ activation: 'sigmoid', init: 'xavier' });
    const scaled = setupFromControls(ch, settings, knobs, { network: { activation: 'tanh', initScale: 3 } });
    expect(() => new ChallengeAttempt(ch, scaled, 1)).toThrow(/network\.initScale/);
  });

  it('the slice ⇄ every-weight control reaches the attempt, and the map drawn is the same slice either way', () => {
    const ch = playable.find((c) => c.id === 'beyond-the-slice')!;
    const settings = challengeSettings(ch, ch.initial, 1);
    const knobs = knobsOfSetup(ch.initial);
    const onSlice = new ChallengeAttempt(ch, setupFromControls(ch, settings, knobs, {}), 4);
    const every = new ChallengeAttempt(ch, setupFromControls(ch, settings, knobs, { network: { slice: false } }), 4);
    expect([onSlice.landscape.dim, every.landscape.dim]).toEqual([2, 42]);
    expect(sliceMapSpec(every.settings.landscape)).toEqual(onSlice.settings.landscape);
    expect(raceSpaceNote(every.landscape)).toContain('the other 40 directions');
  });

  it.each(playable.map((c) => [c.id, c] as const))(
    '%s: the initial controls give a setup the challenge accepts, and it does not pass',
    (_, ch) => {
      const settings = challengeSettings(ch, ch.initial, 1);
      const setup = setupFromControls(ch, settings, knobsOfSetup(ch.initial), { start: ch.initial.start, damping: dampingOf(ch.initial) });
      const a = new ChallengeAttempt(ch, setup, 1);
      while (a.tick());
      expect(a.finish().outcome.pass).toBe(false);
    },
  );

  it.each(playable.flatMap((c) => c.hints.filter((h) => h.try).map((h) => [c.id, c, h] as const)))(
    '%s: a hint’s setting set through the controls passes (seed 1)',
    (_, ch, hint) => {
      const settings = challengeSettings(ch, ch.initial, 1);
      const { knobs, extras } = controlsFromHint(ch, hint);
      const a = new ChallengeAttempt(ch, setupFromControls(ch, settings, knobs, extras), 1);
      while (a.tick());
      expect(a.finish().outcome.pass).toBe(true);
    },
  );

  it('the curve the worker trains for an attempt is the one the goal would train, bit for bit, with at most 50 progress messages', () => {
    const ch = playable.find((c) => c.id === 'one-valley')!;
    const setup = { ...ch.initial, curve: { steps: 300, lr: 1 } };
    const inWorker = runChallenge(ch, setup, 2);
    const onMainThread = runChallenge(ch, setup, 2);
    const replies: CurveReply[] = [];
    trainCurve(
      { ...curveJobOf(inWorker), id: 7 },
      (r) => replies.push(r),
      () => 0,
    );
    const done = replies[replies.length - 1];
    if (done.kind !== 'done') throw new Error(`the job failed: ${JSON.stringify(done)}`);
    const progress = replies.slice(0, -1).map((r) => (r.kind === 'progress' ? r.done : -1));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(50);
    expect(progress).toEqual([...progress].sort((p, q) => p - q));
    expect(replies.every((r) => r.id === 7)).toBe(true);
    // Judged with the worker's curve, and on the main thread (the goal trains its own): the same curve and verdict.
    const judged = inWorker.finish({ bezier: done.path }).outcome;
    expect(judged).toEqual(onMainThread.finish().outcome);
    expect(Array.from(done.path.control)).toEqual(Array.from(bezierBetween(onMainThread.finish().evidence).control));
    expect(bezierBetween(inWorker.finish().evidence)).toBe(done.path);
  });

  it('a locked knob set through the controls is refused, naming it', () => {
    const ch = playable.find((c) => c.id === 'matyas-momentum')!;
    const settings = challengeSettings(ch, ch.initial, 1);
    const knobs = { ...knobsOfSetup(ch.initial), lr: 0.5 };
    expect(() => new ChallengeAttempt(ch, setupFromControls(ch, settings, knobs, {}), 1)).toThrow(/lr|learning rate/i);
    const adam = knobsForKind(knobsOfSetup(ch.initial), 'adam');
    expect(() => new ChallengeAttempt(ch, setupFromControls(ch, settings, adam, {}), 1)).toThrow(/adam|kind|optimizer/i);
  });
});

describe('challenge progress', () => {
  const ids = ['a', 'b'];
  it('keeps the most stars and the best value, and drops malformed or unknown entries', () => {
    let t = recordPass({}, 'a', 1, 0.04);
    t = recordPass(t, 'a', 3, 0.009);
    t = recordPass(t, 'a', 2, 0.02);
    expect(t.a).toEqual({ stars: 3, best: 0.009 });
    const text = JSON.stringify({ ...t, b: { stars: 7, best: 1 }, c: { stars: 1, best: 1 } });
    expect(parseProgress(text, ids)).toEqual({ a: { stars: 3, best: 0.009 } });
    expect(parseProgress('not json', ids)).toEqual({});
    expect(parseProgress('[1,2]', ids)).toEqual({});
    expect(starsText(2)).toBe('★★☆');
  });
});

/** WCAG 2 relative luminance of an sRGB colour (0–255 channels). */
function luminance([r, g, b]: readonly number[]): number {
  const lin = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
const contrast = (a: readonly number[], b: readonly number[]) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};
const rgbOf = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe('line-search trial dots on the terrain picture', () => {
  it('read on every colour of the map: the fill or its ring stands out at least 3:1 (WCAG’s bar for graphics)', () => {
    const lut = viridisTable();
    const colours = [...Array.from({ length: 256 }, (_, i) => Array.from(lut.subarray(i * 3, i * 3 + 3))), [...NON_FINITE_RGB]];
    const best = colours.map((c) => Math.max(contrast(rgbOf(TRIAL_DOT.fill), c), contrast(rgbOf(TRIAL_DOT.ring), c)));
    const fillOnly = colours.map((c) => contrast(rgbOf(TRIAL_DOT.fill), c));
    console.log(
      `trial dot on the map's 257 colours: fill alone ${Math.min(...fillOnly).toFixed(2)}:1 at worst; fill or ring ${Math.min(...best).toFixed(2)}:1 at worst`,
    );
    // The fill alone fails on the yellows (what the dots looked like before their ring).
    expect(Math.min(...fillOnly)).toBeLessThan(3);
    expect(Math.min(...best)).toBeGreaterThanOrEqual(3);
  });
});
