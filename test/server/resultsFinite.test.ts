import { describe, expect, it } from 'vitest';
import { raceSettingsSchema, resultsMessageSchema } from '@gradient-rally/shared';
import { localRaceRunners } from '../../server/src/room/RaceRunner';
import { RoomModel } from '../../server/src/room/RoomModel';

/**
 * The room once scrubbed NaN and ±Infinity out of every result and record
 * before storing them (`finiteOrNull`). This shows the scrub had nothing to
 * do: rounds built to produce non-finite numbers (divergence, a gradient that
 * is NaN at the start, an unbounded terrain, a target nobody reaches, a
 * network scored on held-out data, Newton at a saddle) give results and
 * records whose every number is finite, so they survive JSON unchanged and
 * pass the protocol's schema (zod refuses NaN and Infinity).
 */

interface Case {
  name: string;
  settings: Record<string, unknown>;
  optimizers: Record<string, unknown>[];
  ticks: number;
}

const CASES: Case[] = [
  {
    name: 'divergence (overflow on a quartic bowl)',
    settings: { landscape: { kind: 'expression', expr: 'x^4 + y^4' }, knobRanges: { lr: [1e-5, 100] } },
    optimizers: [
      { kind: 'sgd', lr: 100 },
      { kind: 'sgd', lr: 10, momentum: 0.9 },
      { kind: 'sgd', lr: 0.01 },
    ],
    ticks: 40,
  },
  {
    name: 'a gradient that is not a number at the start (a cone tip)',
    settings: { landscape: { kind: 'expression', expr: 'sqrt(x^2 + y^2)' }, startRule: { kind: 'shared', point: [0, 0] } },
    optimizers: [
      { kind: 'sgd', lr: 0.1 },
      { kind: 'newton', lr: 1 },
    ],
    ticks: 10,
  },
  {
    name: 'an unbounded terrain',
    settings: { landscape: { kind: 'expression', expr: '-(x^2) - y' } },
    optimizers: [
      { kind: 'sgd', lr: 0.5, momentum: 0.9 },
      { kind: 'rmsprop', lr: 0.5 },
    ],
    ticks: 60,
  },
  {
    name: 'a target nobody reaches',
    settings: { landscape: { kind: 'himmelblau' }, scoring: { kind: 'time-to-target', target: -1e9 } },
    optimizers: [
      { kind: 'sgd', lr: 0.001 },
      { kind: 'lbfgs', lr: 1 },
    ],
    ticks: 20,
  },
  {
    name: 'Newton and SAM at a saddle',
    settings: { landscape: { kind: 'himmelblau' }, startRule: { kind: 'shared', point: [-0.270845, -0.923039] } },
    optimizers: [
      { kind: 'newton', lr: 1 },
      { kind: 'sgd', lr: 0.01, samRadius: 0.5, noise: 2 },
      { kind: 'adagrad', lr: 0.5 },
    ],
    ticks: 20,
  },
  {
    name: 'a full-space network scored on held-out data',
    settings: {
      landscape: { kind: 'mlp', dataset: 'moons', samples: 40, noise: 0.1, layers: [2, 4, 2], activation: 'tanh', seed: 3 },
      startRule: { kind: 'random' },
      scoring: { kind: 'test-loss' },
      knobRanges: { lr: [1e-5, 100] },
    },
    optimizers: [
      { kind: 'adam', lr: 0.05 },
      { kind: 'sgd', lr: 80 },
    ],
    ticks: 20,
  },
];

/** No NaN, no ±Infinity, no typed array anywhere in `v`: exactly what JSON keeps as it is. */
function onlyFiniteJson(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (ArrayBuffer.isView(v)) return false;
  if (Array.isArray(v)) return v.every(onlyFiniteJson);
  if (v && typeof v === 'object') return Object.values(v).every(onlyFiniteJson);
  return true;
}

describe('results and records are finite without a scrub', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const model = new RoomModel({
        code: 'ABC234',
        settings: { roundSeconds: 60, tickRate: 20, stepsPerTick: 2, countdownSeconds: 0, seed: 5, ...c.settings },
        runners: localRaceRunners,
        random: { secret: () => 'secret-secret', seed: () => 1, tag: () => 't' },
      });
      const players = c.optimizers.map((_, i) => {
        const admission = model.admit({ name: `P${i}` });
        if (!admission.ok || admission.value.role !== 'player') throw new Error('refused');
        return model.seat(admission.value as { role: 'player'; name: string })!;
      });
      players.forEach((p, i) => {
        const out = model.receive(
          { role: 'player', playerId: p.id },
          { type: 'setKnobs', payload: { optimizer: c.optimizers[i] as never } },
          0,
        );
        expect(out.ok, JSON.stringify(out)).toBe(true);
      });
      model.receive({ role: 'host' }, { type: 'host:start', payload: { secret: model.hostSecret } }, 0);
      for (let t = 0; t < c.ticks && model.phase === 'racing'; t++) model.tick();
      if (model.phase === 'racing') model.receive({ role: 'host' }, { type: 'host:end', payload: { secret: model.hostSecret } }, 0);
      const finished = model.continueScoring(() => false)!;
      expect(finished.message.rows).toHaveLength(c.optimizers.length);

      for (const stored of [finished.message, finished.record, finished.settings]) {
        expect(onlyFiniteJson(stored)).toBe(true);
        expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
      }
      expect(resultsMessageSchema.safeParse(finished.message).success).toBe(true);
      expect(raceSettingsSchema.safeParse(finished.record.settings).success).toBe(true);
      // The cases do reach the corners they are named for.
      const statuses = finished.message.rows.map((r) => r.status);
      if (c.name.startsWith('divergence') || c.name.startsWith('a gradient')) expect(statuses).toContain('diverged');
      if (c.name.startsWith('a target')) expect(finished.message.rows.every((r) => r.score === null)).toBe(true);
    });
  }
});
