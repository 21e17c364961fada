import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  challengeById,
  challengeCatalogue,
  challengeSettings,
  checkSetup,
  knobApplies,
  KNOBS,
  knobsForKind,
  knobsToOptimizerSpec,
  landscapeCatalogue,
  MAX_EXPRESSION_LENGTH,
  NUMERIC_KNOBS,
  SCHEDULE_CHOICES,
  type Challenge,
  type KnobValues,
} from '@gradient-rally/shared';
import {
  catalogueId,
  CHALLENGE_EXTRA_CONTROLS,
  challengeExtrasOf,
  fixedByChallengeLinkText,
  offersControl,
  pinHiddenExtras,
  type ChallengeControl,
  decodeChallengeLink,
  decodeSoloLink,
  encodeChallengeLink,
  encodeSoloLink,
  LINK_CONTROLS,
  linkProblemsText,
  linkTerrainOf,
  MAX_LINK_LENGTH,
  pinHiddenKnobs,
  readLinkQuery,
  soloTerrainOf,
  terrainKnobs,
  type LinkControl,
  type SoloLink,
} from '../../client/src/share/setupLink';
import { soloSettings } from '../../client/src/solo/soloRound';
import { type ChallengeExtras, controlsFromHint, setupFromControls } from '../../client/src/challenges/challengeSetup';

const catalogue = landscapeCatalogue();
const ids = catalogue.map(catalogueId);

/** The optimizer spec a setup runs (what "the same setup" means: knobs that do not apply to the kind make no difference). */
const specOf = (k: KnobValues, dataBacked = true) => knobsToOptimizerSpec(k, { dataBacked, totalUpdates: 600 });

/** Random knob values a player could set on a terrain: an allowed kind, each knob inside the round's range. */
function knobsArb(terrainIndex: number) {
  const s = soloSettings(catalogue[terrainIndex]);
  const r = s.knobRanges;
  const inRange = (k: (typeof NUMERIC_KNOBS)[number]) =>
    KNOBS[k].scale === 'integer'
      ? fc.integer({ min: Math.ceil(r[k][0]), max: Math.floor(r[k][1]) })
      : fc.double({ min: r[k][0], max: r[k][1], noNaN: true });
  return fc.record({
    kind: fc.constantFrom(...s.allowedOptimizers),
    lr: inRange('lr'),
    momentum: inRange('momentum'),
    beta2: inRange('beta2'),
    nesterov: fc.boolean(),
    noise: inRange('noise'),
    samRadius: inRange('samRadius'),
    weightDecay: inRange('weightDecay'),
    schedule: fc.constantFrom(...SCHEDULE_CHOICES),
    batchSize: inRange('batchSize'),
  }) as fc.Arbitrary<KnobValues>;
}

describe('solo links', () => {
  it('every catalogue terrain has its own id, and the id names it back', () => {
    expect(new Set(ids).size).toBe(catalogue.length);
    for (const e of catalogue) {
      expect(linkTerrainOf(e.spec)).toEqual({ id: catalogueId(e) });
      expect(soloTerrainOf({ id: catalogueId(e) }).spec).toEqual(e.spec);
    }
  });

  it("a terrain's own setup is a short link: only the terrain (defaults left out)", () => {
    for (const e of catalogue) {
      const knobs = terrainKnobs(soloSettings(e));
      expect(encodeSoloLink({ terrain: { id: catalogueId(e) }, knobs, hidden: [] })).toBe(`solo&terrain=${catalogueId(e)}`);
    }
  });

  it('round trip: terrain, start, optimizer, every knob and the hidden controls come back the same, with no problems', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: catalogue.length - 1 }).chain((i) =>
          fc.record({
            i: fc.constant(i),
            knobs: knobsArb(i),
            start: fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))),
            hidden: fc.subarray([...LINK_CONTROLS]),
          }),
        ),
        ({ i, knobs, start, hidden }) => {
          const e = catalogue[i];
          const b = e.bounds;
          const link: SoloLink = { terrain: { id: catalogueId(e) }, knobs, hidden: hidden as LinkControl[] };
          if (start) link.start = [b.xMin + start[0] * (b.xMax - b.xMin), b.yMin + start[1] * (b.yMax - b.yMin)];
          const query = encodeSoloLink(link);
          expect(query.length).toBeLessThan(MAX_LINK_LENGTH);
          const back = decodeSoloLink(`?${query}`);
          expect(back.problems).toEqual([]);
          expect(back.link.terrain).toEqual(link.terrain);
          expect(back.link.start).toEqual(link.start);
          expect(new Set(back.link.hidden)).toEqual(new Set(link.hidden));
          const mlp = e.spec.kind === 'mlp';
          expect(specOf(back.link.knobs, mlp)).toEqual(specOf(knobs, mlp));
          // And the link of what was read is the same link.
          expect(encodeSoloLink(back.link)).toBe(query);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a formula with its view is a readable link, typed + and ^ kept as written', () => {
    const bounds = { xMin: -2, xMax: 4, yMin: -1.5, yMax: 1.5 };
    const link: SoloLink = {
      terrain: { formula: 'x^2 + 3*sin(y)^2', bounds },
      knobs: terrainKnobs(soloSettings(soloTerrainOf({ formula: 'x^2' }))),
      hidden: ['terrain'],
    };
    const query = encodeSoloLink(link);
    expect(query).toBe('solo&formula=x^2%20+%203*sin(y)^2&bounds=-2,4,-1.5,1.5&hide=terrain');
    const back = decodeSoloLink(query);
    expect(back.problems).toEqual([]);
    expect(back.link.terrain).toEqual(link.terrain);
    expect(back.terrain.spec).toMatchObject({ kind: 'expression', expr: 'x^2 + 3*sin(y)^2', bounds });
    // Typed by hand in an address bar: `+` is a plus, not a space.
    const typed = decodeSoloLink('?solo&formula=x^2+y^2&lr=0.1');
    expect(typed.problems).toEqual([]);
    expect(typed.terrain.spec).toMatchObject({ expr: 'x^2+y^2' });
    expect(typed.link.knobs.lr).toBe(0.1);
  });

  it('unknown keys are ignored; the first of a repeated key counts', () => {
    const r = decodeSoloLink('?solo&terrain=booth&server=ws%3A%2F%2Fx&colour=red&lr=0.02&lr=5');
    expect(r.problems).toEqual([]);
    expect(r.link.terrain).toEqual({ id: 'booth' });
    expect(r.link.knobs.lr).toBe(0.02);
  });

  it('each bad value is named and falls back to its default; the rest of the link still applies', () => {
    const e = catalogue.find((c) => catalogueId(c) === 'rosenbrock')!;
    const defaults = terrainKnobs(soloSettings(e));
    const [lo, hi] = soloSettings(e).knobRanges.lr;
    const r = decodeSoloLink(
      `?solo&terrain=rosenbrock&lr=${hi * 10}&momentum=abc&noise=0.5&schedule=weekly&optimizer=sgd&hide=momentum,wings&start=1e9,0`,
    );
    const fields = r.problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['lr', 'momentum', 'schedule', 'hide', 'start']));
    expect(r.problems.find((p) => p.field === 'lr')!.message).toContain(`from ${lo} to ${hi}`);
    expect(r.problems.find((p) => p.field === 'hide')!.message).toContain('“wings”');
    expect(r.link.knobs.lr).toBe(defaults.lr);
    expect(r.link.knobs.noise).toBe(0.5);
    expect(r.link.knobs.schedule).toBe(defaults.schedule);
    expect(r.link.hidden).toEqual(['momentum']);
    expect(r.link.start).toBeUndefined();
    expect(r.link.terrain).toEqual({ id: 'rosenbrock' });
    const text = linkProblemsText(r.problems);
    expect(text).toMatch(/^Part of this link could not be used: /);
    expect(text).toContain('“lr”');
  });

  it('refuses numbers written oddly, knobs that do not apply and optimizers the terrain does not allow', () => {
    for (const bad of ['Infinity', 'NaN', '0x10', '1e999', '', ' 1', '1'.repeat(40)]) {
      const r = decodeSoloLink(`?solo&terrain=booth&lr=${encodeURIComponent(bad)}`);
      expect(r.problems.map((p) => p.field)).toEqual(['lr']);
    }
    // Newton has no momentum; batch size exists only on a network.
    const r = decodeSoloLink('?solo&terrain=booth&optimizer=newton&momentum=0.5&batchSize=8');
    expect(r.link.knobs.kind).toBe('newton');
    expect(r.problems.map((p) => p.field)).toEqual(['momentum', 'batchSize']);
    expect(decodeSoloLink('?solo&terrain=booth&optimizer=gradient-magic').problems[0]).toMatchObject({ field: 'optimizer' });
    expect(decodeSoloLink('?solo&terrain=booth&batchSize=8.5&terrain=x').problems.map((p) => p.field)).toEqual(['batchSize']);
    const net = decodeSoloLink('?solo&terrain=moons-network&batchSize=8.5');
    expect(net.problems[0].message).toContain('whole number');
  });

  it('an unknown terrain or a formula that cannot be drawn opens the first terrain, saying why', () => {
    const unknown = decodeSoloLink('?solo&terrain=atlantis&lr=0.05');
    expect(unknown.problems).toEqual([{ field: 'terrain', message: expect.stringContaining('“atlantis”') }]);
    expect(unknown.link.terrain).toEqual({ id: ids[0] });
    expect(unknown.link.knobs.lr).toBe(0.05);
    for (const [formula, words] of [
      ['x^2 +* y', 'formula'],
      ['exp(exp(exp(x)))', 'formula'],
      ['x'.repeat(MAX_EXPRESSION_LENGTH + 1), 'formula'],
      ['import("fs")', 'formula'],
    ] as const) {
      const r = decodeSoloLink(`?solo&formula=${encodeURIComponent(formula)}`);
      expect(r.problems.map((p) => p.field)).toEqual([words]);
      expect(r.problems[0].message).toMatch(/could not be drawn \(.+\)/);
      expect(r.link.terrain).toEqual({ id: ids[0] });
    }
    for (const bounds of ['1,0,0,1', '0,1,0', '-1e7,1,0,1', 'a,b,c,d']) {
      const r = decodeSoloLink(`?solo&formula=x^2&bounds=${bounds}`);
      expect(r.problems.map((p) => p.field)).toEqual(['bounds']);
      expect(r.link.terrain).toEqual({ formula: 'x^2' });
    }
  });

  it('a link longer than the limit is not read at all; broken escapes are named', () => {
    const long = `?solo&terrain=booth&lr=0.05&note=${'a'.repeat(MAX_LINK_LENGTH)}`;
    const r = decodeSoloLink(long);
    expect(r.problems).toEqual([{ field: 'link', message: expect.stringContaining(`more than the ${MAX_LINK_LENGTH} allowed`) }]);
    expect(r.link.terrain).toEqual({ id: ids[0] });
    const problems: { field: string; message: string }[] = [];
    expect(readLinkQuery('?a=%E0%A4%A&b=1', problems).get('b')).toBe('1');
    expect(problems[0].field).toBe('a');
    expect(decodeSoloLink(`?solo&hide=${Array(20).fill('lr').join(',')}`).problems[0].field).toBe('hide');
  });

  it("hidden knobs keep the link's values while the optimizer is the link's", () => {
    const pinned = { ...terrainKnobs(soloSettings(catalogue[0])), kind: 'sgd' as const, momentum: 0.9, lr: 0.02 };
    const changed = { ...pinned, momentum: 0.1, lr: 0.5 };
    expect(pinHiddenKnobs(changed, pinned, ['momentum'])).toEqual({ ...changed, momentum: 0.9 });
    const adam = { ...changed, kind: 'adam' as const };
    expect(pinHiddenKnobs(adam, pinned, ['momentum'])).toEqual(adam);
  });
});

describe('challenge links', () => {
  const challenges = challengeCatalogue();

  it("a challenge's starting setup is its plain link (`/?challenge=<id>` keeps working)", () => {
    for (const ch of challenges) {
      const r = decodeChallengeLink(ch, `?challenge=${ch.id}`);
      expect(r.problems).toEqual([]);
      expect(encodeChallengeLink(ch, r.link)).toBe(`challenge=${ch.id}`);
    }
  });

  it('round trip of every knob a challenge lets the student turn, within its ranges', () => {
    for (const ch of challenges) {
      const s = challengeSettings(ch, ch.initial, 1);
      const k = decodeChallengeLink(ch, '').link.knobs;
      // As the knobs panel switches kinds: the new kind's own knobs start from its defaults.
      const turned = knobsForKind(k, ch.controls.optimizers[ch.controls.optimizers.length - 1]);
      for (const name of NUMERIC_KNOBS)
        if (ch.controls.knobs.includes(name) && knobApplies(turned.kind, name)) {
          const [lo, hi] = s.knobRanges[name];
          turned[name] = KNOBS[name].scale === 'integer' ? Math.round((lo + hi) / 2) : lo + (hi - lo) / 3;
        }
      if (ch.controls.knobs.includes('schedule')) turned.schedule = 'cosine';
      const hidden: LinkControl[] = ['optimizer', ...ch.controls.knobs.filter((n) => n !== 'schedule').slice(0, 1)];
      const query = encodeChallengeLink(ch, { knobs: turned, hidden });
      const back = decodeChallengeLink(ch, query);
      expect(back.problems, `${ch.id}: ${query}`).toEqual([]);
      expect(specOf(back.link.knobs), ch.id).toEqual(specOf(turned));
      expect(back.link.hidden).toEqual(hidden);
    }
  });

  it('refuses what the challenge fixes, optimizers it does not offer, and values outside its ranges', () => {
    const fixedLr = challenges.find((c) => !c.controls.knobs.includes('lr'))!;
    expect(decodeChallengeLink(fixedLr, `?challenge=${fixedLr.id}&lr=0.5`).problems[0]).toMatchObject({
      field: 'lr',
      message: expect.stringContaining('fixed'),
    });
    const one = challenges.find((c) => c.controls.optimizers.length === 1)!;
    const other = ['sgd', 'adam', 'newton'].find((k) => !one.controls.optimizers.includes(k as never))!;
    expect(decodeChallengeLink(one, `?optimizer=${other}`).problems[0].field).toBe('optimizer');
    const turnsLr = challenges.find((c) => c.controls.knobs.includes('lr'))!;
    const [, hi] = challengeSettings(turnsLr, turnsLr.initial, 1).knobRanges.lr;
    const r = decodeChallengeLink(turnsLr, `?lr=${hi * 2}&hide=terrain`);
    expect(r.problems.map((p) => p.field)).toEqual(['lr', 'hide']);
    expect(r.link.knobs.lr).toBe(decodeChallengeLink(turnsLr, '').link.knobs.lr);
    const noStart = challenges.find((c) => !c.controls.start)!;
    expect(decodeChallengeLink(noStart, '?start=0,0').problems[0]).toMatchObject({ field: 'start' });
  });

  it('a start-choosing challenge takes a start inside its terrain and refuses one outside', () => {
    const ch = challenges.find((c) => c.controls.start && (c.landscape as { kind: string }).kind !== 'mlp');
    if (!ch) return;
    const s0 = ch.initial.start ?? [0, 0];
    const inside: [number, number] = [s0[0] + 0.01, s0[1]];
    const r = decodeChallengeLink(ch, `?start=${inside.join(',')}`);
    expect(r.problems).toEqual([]);
    expect(r.link.start).toEqual(inside);
    expect(encodeChallengeLink(ch, r.link)).toBe(`challenge=${ch.id}&start=${inside.join(',')}`);
    expect(decodeChallengeLink(ch, '?start=1e9,1e9').problems[0]).toMatchObject({
      field: 'start',
      message: expect.stringContaining('outside'),
    });
    expect(challengeById(ch.id)).toBe(ch);
  });

  /** The setup a challenge link opens: what the screen's controls hold, as the attempt runs it. */
  const setupOfLink = (ch: Challenge, query: string) => {
    const r = decodeChallengeLink(ch, query);
    return { ...r, setup: setupFromControls(ch, challengeSettings(ch, ch.initial, 1), r.link.knobs, challengeExtrasOf(ch, r.link)) };
  };

  /** The controls a challenge's link may hide: start, optimizer, every knob, and the challenge's own controls it offers. */
  const hideable = (ch: Challenge): ChallengeControl[] => [
    'start',
    'optimizer',
    ...NUMERIC_KNOBS,
    'schedule',
    ...CHALLENGE_EXTRA_CONTROLS.filter((x) => offersControl(ch, x)),
  ];

  /** A random setup a student could make on a challenge's screen: an offered optimizer, its knobs and its own controls inside their ranges. */
  function studentSetupArb(ch: Challenge) {
    const c = ch.controls;
    const s = challengeSettings(ch, ch.initial, 1);
    const within = ([lo, hi]: readonly [number, number]) => fc.double({ min: lo, max: hi, noNaN: true });
    const maybe = <T>(offered: unknown, arb: () => fc.Arbitrary<T>) => (offered ? arb() : fc.constant(undefined));
    const knobArbs: Record<string, fc.Arbitrary<number>> = {};
    for (const name of NUMERIC_KNOBS)
      if (c.knobs.includes(name))
        knobArbs[name] =
          KNOBS[name].scale === 'integer'
            ? fc.integer({ min: Math.ceil(s.knobRanges[name][0]), max: Math.floor(s.knobRanges[name][1]) })
            : within(s.knobRanges[name]);
    return fc.record({
      kind: fc.constantFrom(...c.optimizers),
      turned: fc.record(knobArbs),
      schedule: fc.constantFrom(...SCHEDULE_CHOICES),
      damping: maybe(c.damping, () => within(c.damping!)),
      activation: maybe(c.network?.activation, () => fc.constantFrom(...c.network!.activation!)),
      init: maybe(c.network?.init, () => fc.constantFrom(...c.network!.init!)),
      initScale: maybe(c.network?.initScale, () => within(c.network!.initScale!)),
      weightDecay: maybe(c.network?.weightDecay, () => within(c.network!.weightDecay!)),
      slice: maybe(c.network?.slice, () => fc.boolean()),
      curve: maybe(c.curve, () =>
        fc.record({ steps: fc.integer({ min: c.curve!.steps[0], max: c.curve!.steps[1] }), lr: within(c.curve!.lr) }),
      ),
      hidden: fc.subarray(hideable(ch)),
    });
  }

  it("round trip of every challenge's own controls (damping, the network's build, the race's space, the curve) over random values inside its ranges: every link opens its own setup", () => {
    for (const ch of challenges) {
      const c = ch.controls;
      const s = challengeSettings(ch, ch.initial, 1);
      fc.assert(
        fc.property(studentSetupArb(ch), (r) => {
          // The knobs panel's values on that optimizer (as it switches kinds), the offered knobs turned.
          const knobs = { ...decodeChallengeLink(ch, `?optimizer=${r.kind}`).link.knobs };
          for (const [name, x] of Object.entries(r.turned))
            if (knobApplies(r.kind, name as never)) (knobs as Record<string, unknown>)[name] = x;
          if (c.knobs.includes('schedule')) knobs.schedule = r.schedule;
          const opened = challengeExtrasOf(ch, decodeChallengeLink(ch, '').link);
          const extras: ChallengeExtras = { ...opened, network: opened.network && { ...opened.network } };
          if (r.damping !== undefined) extras.damping = r.damping;
          for (const key of ['activation', 'init', 'initScale', 'weightDecay', 'slice'] as const)
            if (r[key] !== undefined) extras.network = { ...extras.network, [key]: r[key] };
          if (r.curve) extras.curve = r.curve;
          const setup = setupFromControls(ch, s, knobs, extras);
          expect(() => checkSetup(ch, setup)).not.toThrow();
          const query = encodeChallengeLink(ch, { knobs, ...extras, hidden: r.hidden });
          expect(query.length).toBeLessThan(MAX_LINK_LENGTH);
          expect(query.startsWith(`challenge=${ch.id}`)).toBe(true);
          const back = setupOfLink(ch, `?${query}`);
          expect(back.problems, `${ch.id}: ${query}`).toEqual([]);
          expect(back.setup, `${ch.id}: ${query}`).toEqual(setup);
          expect(new Set(back.link.hidden)).toEqual(new Set(r.hidden));
          // And the link of what was read is the same link.
          expect(encodeChallengeLink(ch, back.link)).toBe(query);
        }),
        { numRuns: 25 },
      );
    }
  });

  it('a choice of the challenge’s own is a readable key, left out where it is the starting one', () => {
    const deep = challengeById('deep-and-vanishing')!;
    const r = setupOfLink(deep, '?challenge=deep-and-vanishing&activation=tanh&init=he&hide=activation');
    expect(r.problems).toEqual([]);
    expect(r.setup.network).toMatchObject({ activation: 'tanh', init: 'he' });
    expect(encodeChallengeLink(deep, r.link)).toBe('challenge=deep-and-vanishing&activation=tanh&init=he&hide=activation');
    // Sigmoid with Xavier is where the challenge starts: nothing to write.
    expect(encodeChallengeLink(deep, { ...r.link, network: { activation: 'sigmoid', init: 'xavier' }, hidden: [] })).toBe(
      'challenge=deep-and-vanishing',
    );
    const wd = challengeById('keep-the-weights-small')!;
    expect(setupOfLink(wd, '?l2=0.005').setup.network?.weightDecay).toBe(0.005);
    const slice = challengeById('beyond-the-slice')!;
    expect(setupOfLink(slice, '?raceOn=weights').setup.network?.slice).toBe(false);
    const curve = challengeById('one-valley')!;
    expect(setupOfLink(curve, '?curveSteps=1000&curveLr=1').setup.curve).toEqual({ steps: 1000, lr: 1 });
    const newton = challengeById('trust-region')!;
    expect((setupOfLink(newton, '?damping=1').setup.optimizer as { damping?: number }).damping).toBe(1);
  });

  it('each bad value of a challenge’s own control is named, and that one setting stays at its default while the rest applies', () => {
    const cases: [string, string, string, RegExp][] = [
      ['deep-and-vanishing', 'activation=softmax', 'activation', /one of sigmoid, tanh, relu; got “softmax”/],
      ['deep-and-vanishing', 'init=lecun', 'init', /one of xavier, he; got “lecun”/],
      ['just-the-right-size', 'initScale=9', 'initScale', /from 0\.1 to 5; got “9”/],
      ['just-the-right-size', 'initScale=1x', 'initScale', /must be a number; got “1x”/],
      ['keep-the-weights-small', 'l2=0.5', 'l2', /Weight decay λ\) must be from 0 to 0\.1; got “0\.5”/],
      ['keep-the-weights-small', `l2=${'1'.repeat(40)}`, 'l2', /must be a number/],
      ['trust-region', 'damping=-1', 'damping', /from 0 to 10; got “-1”/],
      ['one-valley', 'curveSteps=1.5', 'curveSteps', /whole number; got “1\.5”/],
      ['one-valley', 'curveSteps=5000', 'curveSteps', /from 0 to 2000/],
      ['one-valley', 'curveLr=0', 'curveLr', /from 0\.01 to 2; got “0”/],
      ['beyond-the-slice', 'raceOn=all', 'raceOn', /slice or weights; got “all”/],
    ];
    for (const [id, bad, field, message] of cases) {
      const ch = challengeById(id)!;
      const plain = setupOfLink(ch, '').setup;
      const r = setupOfLink(ch, `?challenge=${id}&${bad}`);
      expect(r.problems, `${id} ${bad}`).toHaveLength(1);
      expect(r.problems[0].field).toBe(field);
      expect(r.problems[0].message).toMatch(message);
      expect(r.setup, `${id} ${bad}`).toEqual(plain);
    }
    // The rest of the link still applies: tanh is taken, the bad initialisation is Xavier (the challenge's own).
    const deep = challengeById('deep-and-vanishing')!;
    const r = setupOfLink(deep, '?activation=tanh&init=lecun&lr=0.2');
    expect(r.problems.map((p) => p.field)).toEqual(['init']);
    expect(r.setup.network).toMatchObject({ activation: 'tanh', init: 'xavier' });
    expect(r.setup.optimizer.lr).toBe(0.2);
  });

  it('a key for a control the challenge does not offer is named, never applied; hide= may name only the controls it offers', () => {
    const values: Record<string, string> = {
      damping: '1',
      activation: 'tanh',
      init: 'he',
      initScale: '1',
      l2: '0.005',
      raceOn: 'weights',
      curveSteps: '100',
      curveLr: '1',
    };
    let refused = 0;
    for (const ch of challenges) {
      const plain = setupOfLink(ch, '').setup;
      for (const control of CHALLENGE_EXTRA_CONTROLS) {
        if (offersControl(ch, control)) continue;
        const r = setupOfLink(ch, `?challenge=${ch.id}&${control}=${values[control]}&hide=${control}`);
        expect(
          r.problems.map((p) => p.field),
          `${ch.id} ${control}`,
        ).toEqual([control, 'hide']);
        expect(r.problems[0].message).toMatch(/this challenge has no .* control/);
        expect(r.setup, `${ch.id} ${control}`).toEqual(plain);
        expect(r.link.hidden).toEqual([]);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(challenges.length * 6);
  });

  it('hidden choices of the challenge’s own are named with their values, and a hint turns only what is shown', () => {
    const deep = challengeById('deep-and-vanishing')!;
    const { link } = decodeChallengeLink(deep, '?activation=relu&init=he&hide=lr,activation,init');
    expect(fixedByChallengeLinkText(link, String)).toBe('Learning rate: 0.5; Activation: relu; Initialisation: He');
    const hint = controlsFromHint(deep, deep.hints.find((h) => h.try?.network)!);
    expect(hint.extras.network?.activation).toBe('tanh');
    expect(pinHiddenExtras(deep, hint.extras, link).network).toMatchObject({ activation: 'relu', init: 'he' });
    const slice = challengeById('beyond-the-slice')!;
    expect(fixedByChallengeLinkText(decodeChallengeLink(slice, '?raceOn=weights&hide=raceOn').link, String)).toBe('Race on: every weight');
    const curve = challengeById('one-valley')!;
    const c = decodeChallengeLink(curve, '?curveSteps=1000&hide=curveSteps,curveLr').link;
    expect(fixedByChallengeLinkText(c, String)).toBe('Curve training steps: 1000; Curve step size (lr): 0.05');
    expect(pinHiddenExtras(curve, { curve: { steps: 5, lr: 1 } }, c).curve).toEqual({ steps: 1000, lr: 0.05 });
    // A hint that names a start ('Start near (−2, −2)') does not move a start the link fixes.
    const basin = challengeById('pick-a-basin')!;
    const startHint = controlsFromHint(basin, basin.hints.find((h) => h.try?.start)!);
    expect(startHint.extras.start).toEqual([-2, -2]);
    const pinnedStart = decodeChallengeLink(basin, '?start=1.5,1.5&hide=start');
    expect(pinnedStart.problems).toEqual([]);
    expect(pinHiddenExtras(basin, startHint.extras, pinnedStart.link).start).toEqual([1.5, 1.5]);
    expect(pinHiddenExtras(basin, startHint.extras, decodeChallengeLink(basin, '?hide=start').link).start).toEqual(basin.initial.start);
    expect(pinHiddenExtras(basin, startHint.extras, decodeChallengeLink(basin, '').link).start).toEqual([-2, -2]);
  });
});
