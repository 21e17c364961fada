import { describe, expect, it } from 'vitest';
import {
  checkRacerOptimizer,
  createLandscape,
  createOptimizer,
  DEFAULT_KNOB_RANGES,
  DEFAULT_KNOBS,
  type KNOB_NAMES,
  knobApplies,
  knobSlot,
  knobsForKind,
  knobsToOptimizerSpec,
  OPTIMIZER_KINDS,
  optimizerSpecToKnobs,
  parseRaceSettings,
  parseRoomSettings,
  Race,
  scheduledLearningRate,
  scheduleForChoice,
  SCHEDULE_LABELS,
  type KnobValues,
  type OptimizerKind,
} from '@gradient-rally/shared';
import { parseJoinCode, parseNickname, parseNumberField } from '../../client/src/input/joinCode';
import { logSliderRange, lrFromSlider, sliderFromLr } from '../../client/src/input/knobs';
import { DEFAULT_LIMITS } from '../../client/src/ui/KnobsPanel';
import { limitsFromSettings } from '../../client/src/room/PlayerView';
import { describeJoinFailure } from '../../client/src/net/joinErrors';
import { chooseServer, serverUrl } from '../../client/src/net/serverUrl';

describe('join code and nickname input', () => {
  it('accepts codes as people type them', () => {
    expect(parseJoinCode(' ab2-c3d ')).toEqual({ ok: true, value: 'AB2C3D' });
    expect(parseJoinCode('ab c3d4')).toEqual({ ok: true, value: 'ABC3D4' });
  });
  it('explains what is wrong', () => {
    expect(parseJoinCode('')).toMatchObject({ ok: false });
    const o = parseJoinCode('AB0CDE');
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.message).toContain('“0”');
    const short = parseJoinCode('ABC');
    if (!short.ok) expect(short.message).toMatch(/6 characters; this one has 3/);
    expect(parseJoinCode('ABCDEFG').ok).toBe(false);
  });
  it('nicknames are trimmed and bounded; empty is fine', () => {
    expect(parseNickname('  Ada   Lovelace ')).toEqual({ ok: true, value: 'Ada Lovelace' });
    expect(parseNickname('')).toEqual({ ok: true, value: '' });
    expect(parseNickname('x'.repeat(21)).ok).toBe(false);
  });
  it('refuses the nicknames the server refuses, in the same words both sides share', () => {
    // The server's rule (obscenity's English preset with its look-alike transforms), checked before joining.
    for (const rude of ['fuck', 'FUCK you', 'sh1t', 'ｆｕｃｋ']) {
      const r = parseNickname(rude);
      expect(r.ok, rude).toBe(false);
      expect(!r.ok && r.message).toMatch(/not allowed here/);
    }
    expect(parseNickname('Scunthorpe')).toEqual({ ok: true, value: 'Scunthorpe' });
    expect(parseNickname('Ａｄａ')).toEqual({ ok: true, value: 'Ada' });
  });
  it('number fields refuse NaN, Infinity and out-of-range values', () => {
    expect(parseNumberField('0,5', 'Momentum', 0, 1)).toEqual({ ok: true, value: 0.5 });
    for (const t of ['', 'abc', 'Infinity', 'NaN', '2']) expect(parseNumberField(t, 'Momentum', 0, 1).ok).toBe(false);
  });
});

describe("knobs → optimizer spec, on shared's knob table", () => {
  const readSlot = (spec: Record<string, unknown>, kind: string, knob: (typeof KNOB_NAMES)[number]) => {
    const slot = knobSlot(kind, knob)!;
    const v = spec[slot.field];
    return slot.index === undefined ? v : (v as number[])[slot.index];
  };
  const settings = parseRaceSettings({ landscape: 'himmelblau' });

  it('every kind yields a spec the server accepts (checkRacerOptimizer), with and without game knobs', () => {
    for (const kind of OPTIMIZER_KINDS) {
      for (const extra of [
        {},
        { noise: 0.2, samRadius: 0.05, schedule: 'cosine' as const, weightDecay: 0.01 },
        { schedule: 'step' as const, nesterov: true },
      ]) {
        const k = { ...knobsForKind(DEFAULT_KNOBS, kind), ...extra };
        if (kind === 'sgd' && k.nesterov) k.momentum = 0.5;
        const spec = knobsToOptimizerSpec(k, { totalUpdates: 300 });
        expect(() => checkRacerOptimizer(settings, spec, 2), `${kind} ${JSON.stringify(spec)}`).not.toThrow();
      }
    }
  });

  it('every numeric knob lands in the field knobSlot names for the kind, and only where it applies', () => {
    const probe: Partial<KnobValues> = { momentum: 0.42, beta2: 0.77, noise: 0.3, samRadius: 0.2, weightDecay: 0.05 };
    for (const kind of OPTIMIZER_KINDS) {
      const spec = knobsToOptimizerSpec({ ...knobsForKind(DEFAULT_KNOBS, kind), ...probe });
      for (const knob of ['momentum', 'beta2', 'noise', 'samRadius', 'weightDecay'] as const) {
        if (knobApplies(kind, knob)) expect(readSlot(spec, kind, knob), `${kind}.${knob}`).toBe(probe[knob]);
      }
      // Nothing else: a knob that does not apply leaves no field behind.
      const normalised = createOptimizer(spec, 2).spec as unknown as Record<string, unknown>;
      expect(Object.keys(spec).every((f) => f in normalised)).toBe(true);
    }
  });

  it("β2 is RMSProp's α (the server checks it against the β2 range, so the panel shows it)", () => {
    expect(knobSlot('rmsprop', 'beta2')).toEqual({ field: 'alpha' });
    expect(knobApplies('rmsprop', 'beta2')).toBe(true);
    const spec = knobsToOptimizerSpec({ ...knobsForKind(DEFAULT_KNOBS, 'rmsprop'), beta2: 0.9 });
    expect(spec.alpha).toBe(0.9);
    expect(knobsForKind(DEFAULT_KNOBS, 'rmsprop').beta2).toBe(0.99); // torch's default α
    const tight = parseRaceSettings({ landscape: 'himmelblau', knobRanges: { beta2: [0.95, 0.999] } });
    expect(() => checkRacerOptimizer(tight, spec, 2)).toThrow(/optimizer\.alpha/);
  });

  it('weight decay applies to Newton and L-BFGS, and it changes where they go', () => {
    for (const kind of ['newton', 'lbfgs'] as const) {
      expect(knobApplies(kind, 'weightDecay')).toBe(true);
      const run = (weightDecay: number) => {
        const race = new Race({ landscape: 'himmelblau', roundSeconds: 5, startRule: { kind: 'shared', point: [1, 1] } });
        race.addRacer('a', { optimizer: knobsToOptimizerSpec({ ...knobsForKind(DEFAULT_KNOBS, kind), lr: 1, weightDecay }) });
        for (let i = 0; i < 20; i++) race.tick();
        return Array.from(race.racer('a')!.position);
      };
      const plain = run(0);
      const decayed = run(0.1);
      expect(Math.hypot(...decayed)).toBeLessThan(Math.hypot(...plain) - 1e-3);
    }
  });

  it("switching kind starts the kind's own knobs from torch's defaults", () => {
    expect(knobsForKind(DEFAULT_KNOBS, 'adam')).toMatchObject({ momentum: 0.9, beta2: 0.999 });
    expect(knobsForKind({ ...DEFAULT_KNOBS, kind: 'adam', momentum: 0.9 }, 'sgd').momentum).toBe(0);
    expect(knobsForKind(DEFAULT_KNOBS, 'adamw').weightDecay).toBe(0.01);
    expect(knobsForKind({ ...DEFAULT_KNOBS, kind: 'adamw', weightDecay: 0.01 }, 'adam').weightDecay).toBe(0);
  });

  it('round-trips through the spec the server echoes, for every kind', () => {
    for (const kind of OPTIMIZER_KINDS) {
      const k: KnobValues = { ...knobsForKind(DEFAULT_KNOBS, kind), lr: 0.003, noise: 0.1, samRadius: 0.05, schedule: 'cosine' };
      if (knobApplies(kind, 'weightDecay')) k.weightDecay = 0.02;
      expect(optimizerSpecToKnobs(knobsToOptimizerSpec(k)), kind).toEqual(k);
      const echoed = createOptimizer(knobsToOptimizerSpec(k), 2).spec;
      expect(optimizerSpecToKnobs(echoed), `${kind} echoed`).toEqual(k);
    }
    expect(optimizerSpecToKnobs(null).kind).toBe('sgd');
    expect(optimizerSpecToKnobs({ kind: 'evil', lr: NaN }).lr).toBe(DEFAULT_KNOBS.lr);
  });

  it('batch size only on network terrains', () => {
    expect(knobsToOptimizerSpec({ ...DEFAULT_KNOBS, batchSize: 32 }, { dataBacked: true }).batchSize).toBe(32);
    expect(knobsToOptimizerSpec({ ...DEFAULT_KNOBS, batchSize: 32 }).batchSize).toBeUndefined();
  });

  it('step decay halves as many times in a round as its label says', () => {
    const halvings = Number(/halve (\d+) times/.exec(SCHEDULE_LABELS.step)![1]);
    for (const total of [5, 200, 300, 1201, 2400, 36000]) {
      const sched = scheduleForChoice('step', total)!;
      const last = scheduledLearningRate(sched, 1, total - 1);
      expect(Math.round(Math.log2(1 / last)), `total ${total}`).toBe(halvings);
    }
  });

  it("the panels' limits are shared's ranges: the learning rate tops out where the server's does", () => {
    expect(DEFAULT_LIMITS.ranges).toEqual(DEFAULT_KNOB_RANGES);
    expect(DEFAULT_LIMITS.optimizers).toEqual(OPTIMIZER_KINDS);
    const fromRoom = limitsFromSettings(parseRoomSettings({}).settings, false);
    expect(fromRoom.ranges).toEqual(DEFAULT_KNOB_RANGES);
    // What the panel lets a player pick, the server accepts; one step past the top it refuses.
    const top = DEFAULT_KNOB_RANGES.lr[1];
    expect(() => checkRacerOptimizer(settings, { kind: 'sgd', lr: top }, 2)).not.toThrow();
    expect(() => checkRacerOptimizer(settings, { kind: 'sgd', lr: top * 1.01 }, 2)).toThrow(/optimizer\.lr/);
    expect(limitsFromSettings(parseRoomSettings({ lockedKnobs: ['noise'] }).settings, false).locked).toEqual(['noise']);
  });

  it('the learning-rate slider is logarithmic over the allowed range', () => {
    const range: [number, number] = [1e-5, 2];
    expect(logSliderRange(range)).toEqual([-5, Math.log10(2)]);
    expect(lrFromSlider(-2)).toBe(0.01);
    expect(sliderFromLr(0.001, range)).toBeCloseTo(-3, 12);
    expect(sliderFromLr(1e-9, range)).toBe(-5);
    expect(sliderFromLr(1e9, range)).toBe(Math.log10(2));
  });

  it('every catalogue terrain accepts the knobs its default optimizer implies', () => {
    for (const kind of ['himmelblau', 'rosenbrock', 'sharp-vs-flat'] as const) {
      const s = parseRaceSettings({ landscape: createLandscape(kind).spec });
      const k = optimizerSpecToKnobs(s.defaultOptimizer);
      expect(() => checkRacerOptimizer(s, knobsToOptimizerSpec(k), 2)).not.toThrow();
      expect(OPTIMIZER_KINDS).toContain(k.kind as OptimizerKind);
    }
  });
});

describe('join failures become clear sentences', () => {
  it.each([
    [{ code: 4212, message: 'room "ABCDEF" not found' }, 'wrong-code'],
    [{ code: 423, message: 'this room is locked by the host' }, 'locked'],
    [{ code: 409, message: 'this room is full (30 players)' }, 'full'],
    [{ code: 409, message: 'a race is running and late join is off: wait for the next round' }, 'late'],
    [{ code: 403, message: 'you were removed from this room by the host' }, 'kicked'],
    [new TypeError('Failed to fetch'), 'server-down'],
    [{ type: 'error' }, 'server-down'],
    [{ code: 500, message: 'boom' }, 'other'],
  ])('%o → %s', (error, kind) => {
    const f = describeJoinFailure(error, 'ABCDEF');
    expect(f.kind).toBe(kind);
    expect(f.message.length).toBeGreaterThan(10);
  });
});

describe('server URL', () => {
  it('defaults to the page host, with an allowed ?server= and the build-time URL overriding', () => {
    expect(serverUrl({ protocol: 'https:', host: 'class.example:8443', search: '' })).toBe('wss://class.example:8443');
    expect(serverUrl({ protocol: 'http:', host: 'localhost:2567', search: '' })).toBe('ws://localhost:2567');
    expect(serverUrl({ protocol: 'http:', host: 'x', search: '?server=http://y:1' }, 'ws://z', 'wss://w, ws://y:1')).toBe('ws://y:1');
    expect(serverUrl({ protocol: 'http:', host: 'x', search: '?server=ws://x/' })).toBe('ws://x/');
    expect(serverUrl({ protocol: 'http:', host: 'x', search: '' }, 'wss://z')).toBe('wss://z');
  });

  it('ignores a ?server= that is neither the page origin nor allowed, so stored secrets never leave for it', () => {
    const page = { protocol: 'https:', host: 'class.example', search: '?host=ABCDEF&server=http://elsewhere.example' };
    expect(chooseServer(page)).toEqual({ wsUrl: 'wss://class.example', param: null });
    expect(chooseServer(page, 'wss://game.example')).toEqual({ wsUrl: 'wss://game.example', param: null });
    expect(chooseServer(page, undefined, 'wss://game.example').wsUrl).toBe('wss://class.example');
    // Same host over another scheme or port is another origin; credentials in the URL never pass.
    for (const server of [
      'http://class.example',
      'https://class.example:444',
      'https://user:pw@class.example',
      'javascript:alert(1)',
      '//elsewhere',
    ]) {
      expect(chooseServer({ ...page, search: `?server=${encodeURIComponent(server)}` }).wsUrl, server).toBe('wss://class.example');
    }
    expect(chooseServer({ ...page, search: '?server=https://class.example' })).toEqual({
      wsUrl: 'wss://class.example',
      param: 'https://class.example',
    });
  });
});
