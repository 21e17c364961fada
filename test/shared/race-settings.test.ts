import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkRacerOptimizer,
  createLandscape,
  DEFAULT_KNOB_RANGES,
  OPTIMIZER_KINDS,
  parseRaceSettings,
  Race,
  SETTINGS_FIELDS,
  SpecError,
} from '@gradient-rally/shared';

/** Runs `fn`, expects a SpecError, returns it. */
function specError(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error('expected a SpecError, nothing was thrown');
}

describe('parseRaceSettings defaults', () => {
  it('fills in every field for an empty object', () => {
    const s = parseRaceSettings({});
    expect(s.landscape).toEqual(createLandscape({ kind: 'sharp-vs-flat' }).spec);
    expect(s.allowedOptimizers).toEqual([...OPTIMIZER_KINDS]);
    expect(s.knobRanges).toEqual(DEFAULT_KNOB_RANGES);
    expect(s.knobRanges.lr).toEqual([1e-5, 2]);
    expect(s.lockedKnobs).toEqual([]);
    expect(s.defaultOptimizer.kind).toBe('sgd');
    expect(s.defaultOptimizer.lr).toBe(0.01);
    expect(s.roundSeconds).toBe(60);
    expect(s.budget).toBeNull();
    expect(s.tickRate).toBe(20);
    expect(s.stepsPerTick).toBe(2);
    // 5% of the 6-wide sharp-vs-flat view: the radius its flat basin is designed to win at.
    expect(s.scoring).toEqual({ kind: 'robust-loss', radius: 0.3, samples: 64, decimals: 3 });
    expect(s.lateJoin).toBe(true);
    expect(s.maxPlayers).toBe(40);
    expect(s.seed).toBe(1);
  });

  it('gives a shared start drawn from the seed, inside the view and away from its edges', () => {
    const a = parseRaceSettings({ landscape: 'himmelblau', seed: 7 });
    const b = parseRaceSettings({ landscape: 'himmelblau', seed: 7 });
    const c = parseRaceSettings({ landscape: 'himmelblau', seed: 8 });
    expect(a.startRule).toEqual(b.startRule);
    expect(a.startRule).not.toEqual(c.startRule);
    if (a.startRule.kind !== 'shared') throw new Error('expected a shared start');
    const [x, y] = a.startRule.point;
    expect(x).toBeGreaterThanOrEqual(-4);
    expect(x).toBeLessThanOrEqual(4);
    expect(y).toBeGreaterThanOrEqual(-4);
    expect(y).toBeLessThanOrEqual(4);
  });

  it('is idempotent and plain JSON', () => {
    const s = parseRaceSettings({
      landscape: { kind: 'rosenbrock', b: 10 },
      allowedOptimizers: ['adam', 'sgd'],
      lockedKnobs: ['noise'],
      knobRanges: { lr: [1e-4, 0.5] },
      startRule: { kind: 'random' },
      budget: 500,
      scoring: { kind: 'time-to-target', target: 0.01 },
      seed: 'class-3',
    });
    expect(parseRaceSettings(s)).toEqual(s);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('accepts a budget-only round, shorthand strings and every scoring rule where it applies', () => {
    expect(parseRaceSettings({ roundSeconds: null, budget: 1000 }).roundSeconds).toBeNull();
    expect(parseRaceSettings({ startRule: 'choose' }).startRule).toEqual({ kind: 'choose' });
    expect(parseRaceSettings({ scoring: 'lowest-loss' }).scoring).toEqual({ kind: 'lowest-loss', decimals: 3 });
    expect(parseRaceSettings({ scoring: { kind: 'lowest-loss', decimals: 1 } }).scoring).toEqual({ kind: 'lowest-loss', decimals: 1 });
    expect(parseRaceSettings({ scoring: { kind: 'time-to-target', target: 1 } }).scoring).toEqual({
      kind: 'time-to-target',
      target: 1,
      decimals: 2,
    });
    const mlp = { kind: 'mlp', dataset: 'moons', samples: 40, noise: 0.1, layers: [2, 4, 2], activation: 'tanh', seed: 1, slice: true };
    expect(parseRaceSettings({ landscape: mlp, scoring: { kind: 'test-loss' } }).scoring).toEqual({ kind: 'test-loss', decimals: 3 });
  });
});

describe('parseRaceSettings rejects bad values, naming the field and the range', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['round too short', { roundSeconds: 3 }, 'settings.roundSeconds', /\[5, 1800\]/],
    ['round NaN', { roundSeconds: NaN }, 'settings.roundSeconds', /NaN/],
    ['round Infinity', { roundSeconds: Infinity }, 'settings.roundSeconds', /\[5, 1800\]/],
    ['round as a string', { roundSeconds: '60' }, 'settings.roundSeconds', /"60"/],
    ['no limit at all', { roundSeconds: null, budget: null }, 'settings.roundSeconds', /budget/],
    ['budget zero', { budget: 0 }, 'settings.budget', /integer/],
    ['fractional budget', { budget: 10.5 }, 'settings.budget', /integer/],
    ['tick rate zero', { tickRate: 0 }, 'settings.tickRate', /\[1, 60\]/],
    ['steps per tick too many', { stepsPerTick: 51 }, 'settings.stepsPerTick', /\[1, 50\]/],
    ['steps per tick fractional', { stepsPerTick: 2.5 }, 'settings.stepsPerTick', /integer/],
    ['too many players', { maxPlayers: 101 }, 'settings.maxPlayers', /\[1, 100\]/],
    ['lr range from zero', { knobRanges: { lr: [0, 1] } }, 'settings.knobRanges.lr[0]', /\[1e-8, 100\]/],
    ['lr range beyond the hard limit', { knobRanges: { lr: [1e-5, 1000] } }, 'settings.knobRanges.lr[1]', /\[1e-8, 100\]/],
    ['range upside down', { knobRanges: { noise: [2, 1] } }, 'settings.knobRanges.noise', /min ≤ max/],
    ['range not a pair', { knobRanges: { momentum: 0.5 } }, 'settings.knobRanges.momentum', /\[min, max\]/],
    ['unknown knob range', { knobRanges: { learningRate: [0, 1] } }, 'settings.knobRanges.learningRate', /not a known field/],
    ['unknown locked knob', { lockedKnobs: ['lr', 'turbo'] }, 'settings.lockedKnobs[1]', /'lr'/],
    ['no optimizer allowed', { allowedOptimizers: [] }, 'settings.allowedOptimizers', /at least one/],
    ['unknown optimizer', { allowedOptimizers: ['sgd', 'adamax'] }, 'settings.allowedOptimizers[1]', /'adam'/],
    ['repeated optimizer', { allowedOptimizers: ['sgd', 'sgd'] }, 'settings.allowedOptimizers[1]', /once/],
    ['default not allowed', { allowedOptimizers: ['sgd'], defaultOptimizer: { kind: 'adam' } }, 'settings.defaultOptimizer.kind', /'sgd'/],
    ['default lr out of range', { defaultOptimizer: { kind: 'sgd', lr: 5 } }, 'settings.defaultOptimizer.lr', /\[0.00001, 2\]|\[1e-5, 2\]/],
    [
      'shared start outside the view',
      { landscape: 'himmelblau', startRule: { kind: 'shared', point: [100, 0] } },
      'settings.startRule.point[0]',
      /\[-5, 5\]/,
    ],
    ['unknown start rule', { startRule: { kind: 'teleport' } }, 'settings.startRule.kind', /'shared', 'random', 'choose'/],
    ['test loss on an analytic terrain', { landscape: 'himmelblau', scoring: { kind: 'test-loss' } }, 'settings.scoring.kind', /MLP/],
    ['target missing', { scoring: { kind: 'time-to-target' } }, 'settings.scoring.target', /required/],
    ['negative robust radius', { scoring: { kind: 'robust-loss', radius: -1 } }, 'settings.scoring.radius', /\(0, 1000\]/],
    ['score decimals out of range', { scoring: { kind: 'lowest-loss', decimals: 12 } }, 'settings.scoring.decimals', /\[0, 9\]/],
    ['fractional score decimals', { scoring: { kind: 'robust-loss', decimals: 1.5 } }, 'settings.scoring.decimals', /integer/],
    ['bad landscape', { landscape: { kind: 'volcano' } }, 'settings.landscape.kind', /rosenbrock/],
    ['bad expression', { landscape: { kind: 'expression', expr: 'x^' } }, 'settings.landscape.expr', /./],
    ['unknown top-level field', { roundLength: 60 }, 'settings.roundLength', /roundSeconds/],
    ['seed NaN', { seed: NaN }, 'settings.seed', /NaN/],
    ['seed object', { seed: {} }, 'settings.seed', /string/],
    ['late join as text', { lateJoin: 'yes' }, 'settings.lateJoin', /true or false/],
  ];
  for (const [name, json, path, message] of cases) {
    it(name, () => {
      const e = specError(() => parseRaceSettings(json));
      expect(e.path).toBe(path);
      expect(e.message).toMatch(message);
    });
  }

  it('refuses something that is not an object', () => {
    expect(specError(() => parseRaceSettings([1, 2])).path).toBe('settings');
    expect(specError(() => parseRaceSettings('fast')).path).toBe('settings');
    expect(specError(() => parseRaceSettings(null)).path).toBe('settings');
  });
});

describe('checkRacerOptimizer: allowed kinds, knob ranges, locked knobs', () => {
  const settings = parseRaceSettings({
    landscape: 'himmelblau',
    allowedOptimizers: ['sgd', 'adam', 'rmsprop'],
    knobRanges: { lr: [1e-4, 0.5], momentum: [0, 0.95], noise: [0, 1] },
  });

  it('returns the normalised spec for a legal one', () => {
    const spec = checkRacerOptimizer(settings, { kind: 'adam', lr: 0.1, betas: [0.8, 0.99] }, 2);
    expect(spec).toMatchObject({ kind: 'adam', lr: 0.1, betas: [0.8, 0.99], eps: 1e-8 });
  });

  it('refuses kinds the host did not allow', () => {
    const e = specError(() => checkRacerOptimizer(settings, { kind: 'newton' }, 2));
    expect(e.path).toBe('optimizer.kind');
    expect(e.message).toMatch(/'sgd', 'adam', 'rmsprop'/);
  });

  it('refuses knobs outside the host range, wherever the knob lives in the spec', () => {
    expect(specError(() => checkRacerOptimizer(settings, { kind: 'sgd', lr: 0.9 }, 2)).message).toMatch(/optimizer\.lr.*\[0\.0001, 0\.5\]/);
    expect(specError(() => checkRacerOptimizer(settings, { kind: 'sgd', lr: 0.1, momentum: 0.99 }, 2)).path).toBe('optimizer.momentum');
    expect(specError(() => checkRacerOptimizer(settings, { kind: 'adam', lr: 0.1, betas: [0.99, 0.999] }, 2)).path).toBe(
      'optimizer.betas[0]',
    );
    expect(specError(() => checkRacerOptimizer(settings, { kind: 'rmsprop', lr: 0.1, alpha: 0.1 }, 2)).path).toBe('optimizer.alpha');
    expect(specError(() => checkRacerOptimizer(settings, { kind: 'adam', lr: 0.1, betas: [0.9, 0] }, 2)).path).toBe('optimizer.betas[1]');
    // Zero switches a knob off, allowed even when the host's range starts above zero.
    const offOk = parseRaceSettings({ knobRanges: { momentum: [0.5, 0.9], noise: [0.1, 1] } });
    expect(checkRacerOptimizer(offOk, { kind: 'sgd', lr: 0.1, momentum: 0, noise: 0 }, 2)).toMatchObject({ momentum: 0, noise: 0 });
    expect(specError(() => checkRacerOptimizer(offOk, { kind: 'sgd', lr: 0.1, momentum: 0.2 }, 2)).path).toBe('optimizer.momentum');
    expect(specError(() => checkRacerOptimizer(settings, { kind: 'sgd', lr: 0.1, noise: 3 }, 2)).path).toBe('optimizer.noise');
    expect(specError(() => checkRacerOptimizer(settings, { kind: 'sgd', lr: 0.1, samRadius: 5 }, 2)).path).toBe('optimizer.samRadius');
    const sched = { kind: 'one-cycle', maxLr: 3, totalSteps: 100 };
    expect(specError(() => checkRacerOptimizer(settings, { kind: 'sgd', lr: 0.1, schedule: sched }, 2)).path).toBe(
      'optimizer.schedule.maxLr',
    );
  });

  it('passes the optimizer factory errors through (NaN, unknown fields)', () => {
    expect(specError(() => checkRacerOptimizer(settings, { kind: 'sgd', lr: NaN }, 2)).path).toBe('optimizer.lr');
    expect(specError(() => checkRacerOptimizer(settings, { kind: 'sgd', lr: 0.1, learningRate: 1 }, 2)).path).toBe(
      'optimizer.learningRate',
    );
    expect(specError(() => checkRacerOptimizer(settings, null, 2)).path).toBe('optimizer');
  });

  it('fills locked knobs with the host value and refuses a different one', () => {
    const locked = parseRaceSettings({
      landscape: 'himmelblau',
      lockedKnobs: ['lr', 'momentum', 'samRadius'],
      defaultOptimizer: { kind: 'sgd', lr: 0.02, momentum: 0.5, samRadius: 0.05 },
    });
    const spec = checkRacerOptimizer(locked, { kind: 'sgd' }, 2);
    expect(spec).toMatchObject({ kind: 'sgd', lr: 0.02, momentum: 0.5, samRadius: 0.05 });
    expect(checkRacerOptimizer(locked, { kind: 'sgd', lr: 0.02, noise: 0.5 }, 2).noise).toBe(0.5);
    const e = specError(() => checkRacerOptimizer(locked, { kind: 'sgd', lr: 0.3 }, 2));
    expect(e.path).toBe('optimizer.lr');
    expect(e.message).toMatch(/locked by the host at 0.02/);
    // rmsprop keeps momentum in the same field as sgd: the host's 0.5 applies.
    expect(checkRacerOptimizer(locked, { kind: 'rmsprop' }, 2)).toMatchObject({ lr: 0.02, momentum: 0.5 });
    // Adam's β1 is a different field: it stays at Adam's own default and cannot be changed.
    expect(checkRacerOptimizer(locked, { kind: 'adam' }, 2)).toMatchObject({ betas: [0.9, 0.999] });
    expect(specError(() => checkRacerOptimizer(locked, { kind: 'adam', betas: [0.5, 0.999] }, 2)).path).toBe('optimizer.betas[0]');
  });

  it("locking momentum locks SGD's Nesterov look-ahead too (the knobs panel disables both)", () => {
    const locked = parseRaceSettings({
      landscape: 'himmelblau',
      lockedKnobs: ['momentum'],
      defaultOptimizer: { kind: 'sgd', lr: 0.02, momentum: 0.5 },
    });
    expect(checkRacerOptimizer(locked, { kind: 'sgd', lr: 0.02 }, 2)).toMatchObject({ momentum: 0.5, nesterov: false });
    expect(specError(() => checkRacerOptimizer(locked, { kind: 'sgd', lr: 0.02, nesterov: true }, 2)).path).toBe('optimizer.nesterov');
    const withNesterov = parseRaceSettings({
      landscape: 'himmelblau',
      lockedKnobs: ['momentum'],
      defaultOptimizer: { kind: 'sgd', lr: 0.02, momentum: 0.5, nesterov: true },
    });
    expect(checkRacerOptimizer(withNesterov, { kind: 'sgd', lr: 0.05 }, 2)).toMatchObject({ momentum: 0.5, nesterov: true });
    // Unlocked, a player chooses.
    const open = parseRaceSettings({ landscape: 'himmelblau' });
    expect(checkRacerOptimizer(open, { kind: 'sgd', lr: 0.02, momentum: 0.5, nesterov: true }, 2)).toMatchObject({ nesterov: true });
  });
});

describe('hostile settings and optimizer specs', () => {
  const FIELDS = SETTINGS_FIELDS;
  const junk = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, -1e-320, undefined, null, '', '__proto__', [], {}),
    fc.constantFrom({ kind: 'mlp' }, { kind: 'expression', expr: 'x^^2' }, ['sgd', 'sgd'], [1e-5, NaN], {
      kind: 'shared',
      point: [NaN, 0],
    }),
  );

  it('either parse to usable settings or throw a SpecError, never anything else', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...FIELDS, 'extra'), junk, { maxKeys: 4 }), (json) => {
        let s: ReturnType<typeof parseRaceSettings>;
        try {
          s = parseRaceSettings(json);
        } catch (e) {
          return e instanceof SpecError && e.path.startsWith('settings');
        }
        // Accepted settings must give a race that steps without NaN.
        const race = new Race(s);
        race.addRacer('a');
        race.tick();
        return race.racers().every((r) => Array.from(r.position).every(Number.isFinite) && Number.isFinite(r.loss));
      }),
      { numRuns: 300 },
    );
  });

  it('retune with junk changes nothing and throws only SpecError', () => {
    const race = new Race(parseRaceSettings({ landscape: 'himmelblau', allowedOptimizers: ['sgd', 'adam'] }));
    race.addRacer('a', { optimizer: { kind: 'adam', lr: 0.05 } });
    const before = JSON.stringify(race.racer('a')!.optimizer);
    fc.assert(
      fc.property(
        fc.oneof(
          junk,
          fc.dictionary(fc.constantFrom('kind', 'lr', 'momentum', 'betas', 'noise', 'samRadius', 'schedule', 'batchSize', 'x'), junk),
        ),
        (spec) => {
          try {
            race.retune('a', spec);
            race.retune('a', { kind: 'adam', lr: 0.05 });
            return true;
          } catch (e) {
            return e instanceof SpecError && JSON.stringify(race.racer('a')!.optimizer) === before;
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
