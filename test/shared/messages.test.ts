import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import type { z } from 'zod';
import {
  dequantize,
  landscapeCatalogue,
  type landscapeInfoSchema,
  OPTIMIZER_KINDS,
  optimizerSpecSchema,
  parseClientMessageOfType,
  parseJsonText,
  parseOptimizerSpec,
  parseRaceSettings,
  parseRoomSettings,
  parseServerMessage,
  QUANT_MAX,
  quantize,
  raceSettingsSchema,
  type racerResultSchema,
  roomSettingsSchema,
  type scheduleSchema,
  type scoringRuleSchema,
  type startRuleSchema,
  type trailSnapshotSchema,
  type knobRangesSchema,
  type boundsSchema,
  type Bounds2D,
  type KnobRanges,
  type LandscapeInfo,
  type OptimizerSpec,
  type RaceSettings,
  type RacerResult,
  type ScheduleSpec,
  type ScoringRule,
  type StartRule,
  type TrailSnapshot,
} from '@gradient-rally/shared';

/** True when A and B are assignable both ways: no required field missing or extra on either side. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe('protocol schemas are the race module’s own types', () => {
  it('infer exactly the types they describe (checked by the compiler: `npm run typecheck`)', () => {
    const same: Record<string, true> = {
      settings: true satisfies Same<z.infer<typeof raceSettingsSchema>, RaceSettings>,
      optimizer: true satisfies Same<z.infer<typeof optimizerSpecSchema>, OptimizerSpec>,
      schedule: true satisfies Same<z.infer<typeof scheduleSchema>, ScheduleSpec>,
      knobRanges: true satisfies Same<z.infer<typeof knobRangesSchema>, KnobRanges>,
      startRule: true satisfies Same<z.infer<typeof startRuleSchema>, StartRule>,
      scoring: true satisfies Same<z.infer<typeof scoringRuleSchema>, ScoringRule>,
      landscapeInfo: true satisfies Same<z.infer<typeof landscapeInfoSchema>, LandscapeInfo>,
      bounds: true satisfies Same<z.infer<typeof boundsSchema>, Bounds2D>,
      trailSnapshot: true satisfies Same<z.infer<typeof trailSnapshotSchema>, TrailSnapshot>,
      racerResult: true satisfies Same<z.infer<typeof racerResultSchema>, RacerResult>,
    };
    expect(Object.values(same).every(Boolean)).toBe(true);
    // The check itself can fail: a schema without a field is not the same type.
    expectTypeOf<Same<{ a: number }, { a: number; b: string }>>().toEqualTypeOf<false>();
    expectTypeOf<Same<Omit<z.infer<typeof racerResultSchema>, 'note'>, RacerResult>>().toEqualTypeOf<false>();
  });
});

// ───────────── settings: the schema agrees with parseRaceSettings' output ─────────────

const catalogue = landscapeCatalogue().map((c) => c.spec);
const landscapes = fc.constantFrom<unknown>(
  ...catalogue,
  { kind: 'expression', expr: 'x^2 + 3*y^2 - x*y' },
  { kind: 'expression', expr: 'sin(x) * cos(y)', bounds: { xMin: -3, xMax: 3, yMin: -2, yMax: 2 }, title: 'Egg crate' },
  { kind: 'mlp', dataset: 'moons', samples: 30, noise: 0.1, layers: [2, 3, 2], activation: 'tanh', seed: 2 },
  { kind: 'mlp', dataset: 'xor', samples: 20, noise: 0.05, layers: [2, 4, 2], activation: 'relu', seed: 'x', slice: true },
);
const schedules = fc.constantFrom<unknown>(
  undefined,
  { kind: 'step', stepSize: 10 },
  { kind: 'cosine', tMax: 100, etaMin: 0.001 },
  { kind: 'cosine-restarts', t0: 20, tMult: 2 },
  { kind: 'one-cycle', maxLr: 0.5, totalSteps: 200, anneal: 'linear' },
);
const defaultOptimizers = fc.tuple(fc.constantFrom(...OPTIMIZER_KINDS), schedules, fc.boolean()).map(([kind, schedule, extras]) => ({
  kind,
  lr: kind === 'newton' || kind === 'lbfgs' ? 1 : 0.05,
  ...(schedule ? { schedule } : {}),
  ...(extras ? { noise: 0.1, samRadius: 0.05, clipNorm: 5, batchSize: 8, weightDecay: 0.01 } : {}),
}));
const settingsInput = fc.record(
  {
    landscape: landscapes,
    defaultOptimizer: defaultOptimizers,
    startRule: fc.constantFrom<unknown>({ kind: 'shared' }, { kind: 'random' }, 'choose', { kind: 'shared', point: [0.25, -0.5] }),
    scoring: fc.constantFrom<unknown>(
      'robust-loss',
      { kind: 'robust-loss', radius: 0.2, samples: 16 },
      'lowest-loss',
      { kind: 'time-to-target', target: 0.1 },
      'test-loss',
    ),
    roundSeconds: fc.constantFrom<unknown>(null, 5, 60, 1800),
    budget: fc.constantFrom<unknown>(null, 1, 500),
    tickRate: fc.integer({ min: 1, max: 60 }),
    stepsPerTick: fc.integer({ min: 1, max: 50 }),
    lateJoin: fc.boolean(),
    maxPlayers: fc.integer({ min: 1, max: 100 }),
    seed: fc.oneof(fc.integer(), fc.string({ minLength: 1, maxLength: 10 })),
    lockedKnobs: fc.subarray(['lr', 'momentum', 'schedule', 'noise'] as const),
    countdownSeconds: fc.constantFrom(0, 2.5, 10),
  },
  { requiredKeys: [] },
);

describe('roomSettingsSchema agrees with parseRoomSettings (and so with parseRaceSettings)', () => {
  it('every valid settings input, parsed and sent as JSON, parses with the schema to the same value', () => {
    let valid = 0;
    fc.assert(
      fc.property(settingsInput, (input) => {
        let parsed: ReturnType<typeof parseRoomSettings>['settings'];
        try {
          parsed = parseRoomSettings(input).settings;
        } catch {
          return; // refused by the race module (e.g. 'test-loss' on a formula): nothing goes on the wire
        }
        valid++;
        const wire = JSON.parse(JSON.stringify(parsed));
        const r = roomSettingsSchema.safeParse(wire);
        expect(r.success, JSON.stringify(r.error?.issues[0])).toBe(true);
        expect(r.data).toEqual(parsed);
        // The race settings are parseRaceSettings' output, field for field.
        // No challenge named: the room's own field is null, and the rest is the race's.
        const { countdownSeconds, challenge, ...race } = parsed;
        expect(challenge).toBeNull();
        expect(race).toEqual(parseRaceSettings(Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'countdownSeconds'))));
        expect(raceSettingsSchema.parse(JSON.parse(JSON.stringify(race)))).toEqual(race);
        expect(countdownSeconds).toBe((input as { countdownSeconds?: number }).countdownSeconds ?? 3);
      }),
      { numRuns: 150 },
    );
    expect(valid).toBeGreaterThan(60);
  });

  it('every optimizer spec parseOptimizerSpec normalises passes the schema unchanged', () => {
    fc.assert(
      fc.property(defaultOptimizers, (spec) => {
        const normalised = parseOptimizerSpec(spec);
        expect(optimizerSpecSchema.parse(JSON.parse(JSON.stringify(normalised)))).toEqual(normalised);
      }),
      { numRuns: 100 },
    );
  });

  it('countdownSeconds: default 3, [0, 10], named in the error', () => {
    expect(parseRoomSettings({}).settings.countdownSeconds).toBe(3);
    expect(() => parseRoomSettings({ countdownSeconds: 11 })).toThrow(/^settings\.countdownSeconds: must be/);
    expect(() => parseRoomSettings({ countdownSeconds: Number.NaN })).toThrow(/settings\.countdownSeconds/);
    expect(() => parseRoomSettings({ roundSecs: 3 })).toThrow(/settings\.roundSecs/);
  });

  it('refuses what the server never sends: a missing field, a NaN, an unknown kind', () => {
    const settings = parseRoomSettings({}).settings;
    const { tickRate: _t, ...missing } = settings;
    expect(roomSettingsSchema.safeParse(missing).success).toBe(false);
    expect(roomSettingsSchema.safeParse({ ...settings, roundSeconds: Number.NaN }).success).toBe(false);
    expect(roomSettingsSchema.safeParse({ ...settings, landscape: { kind: 'volcano' } }).success).toBe(false);
    expect(roomSettingsSchema.safeParse({ ...settings, defaultOptimizer: { ...settings.defaultOptimizer, kind: 'sgdx' } }).success).toBe(
      false,
    );
    const text = parseJsonText(roomSettingsSchema, '{"tickRate":');
    expect(text.ok ? null : text.error.message).toBe('is not JSON');
  });
});

describe('messages', () => {
  it('a client message parses into one value discriminated by its type', () => {
    const r = parseClientMessageOfType('host:lock', { secret: 'abcdefgh', locked: true });
    expect(r).toEqual({ ok: true, value: { type: 'host:lock', payload: { secret: 'abcdefgh', locked: true } } });
    const bad = parseClientMessageOfType('setKnobs', { optimizer: { kind: 'sgd', lr: Number.NaN } });
    expect(bad.ok ? null : bad.error.path).toBe('optimizer.lr');
  });

  it('server messages: errors name the field; a NaN or an unknown error code is refused', () => {
    expect(parseServerMessage('kicked', { reason: 'bye' })).toEqual({ ok: true, value: { reason: 'bye' } });
    const code = parseServerMessage('error', { type: 'x', code: 'oops', message: 'm' });
    expect(code.ok ? null : code.error.path).toBe('code');
    const nan = parseServerMessage('snapshot', { tick: Number.NaN, snapshot: null });
    expect(nan.ok ? null : nan.error.path).toBe('tick');
  });
});

describe('the one quantiser', () => {
  it('round-trips within half a grid step, clamps outside the box, and maps non-finite values to the ends', () => {
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), (v) => {
        const q = quantize(v, -10, 10);
        expect(Number.isInteger(q)).toBe(true);
        expect(Math.abs(dequantize(q, -10, 10) - v)).toBeLessThanOrEqual(20 / QUANT_MAX / 2 + 1e-12);
      }),
    );
    expect(quantize(-11, -10, 10)).toBe(0);
    expect(quantize(11, -10, 10)).toBe(QUANT_MAX);
    expect(quantize(Number.NaN, -10, 10)).toBe(0);
    expect(quantize(-Infinity, -10, 10)).toBe(0);
    expect(quantize(Infinity, -10, 10)).toBe(QUANT_MAX);
  });
});
