import { describe, expect, it } from 'vitest';
import { ChallengeAttempt, challengeCatalogue, challengeSettings, knobsForKind } from '@gradient-rally/shared';
import {
  controlsFromHint,
  knobsOfSetup,
  dampingOf,
  playableInBrowser,
  setupFromControls,
} from '../../client/src/challenges/challengeSetup';
import { parseProgress, recordPass, starsText } from '../../client/src/challenges/challengeProgress';

const playable = challengeCatalogue().filter(playableInBrowser);

describe('challenge controls → setup', () => {
  it('the browser plays the 15 challenges on 2-D terrains and the network ones whose views and measurements exist, in catalogue order', () => {
    expect(playable.map((c) => c.id)).toEqual([
      ...challengeCatalogue()
        .slice(0, 15)
        .map((c) => c.id),
      'the-networks-saddle',
      'deep-and-vanishing',
      'just-the-right-size',
      'small-batches-flat-ends',
      'keep-the-weights-small',
    ]);
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
