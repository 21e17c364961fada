import { describe, expect, it } from 'vitest';
import {
  COST_CONSTANTS,
  MOONS_NETWORK_SPEC,
  SUGGESTED_ROOM_BUDGET,
  SpecError,
  checkRoomCost,
  estimateRoomCost,
  landscapeCatalogue,
  parseRaceSettings,
  roomCostRefusal,
  type OptimizerSpec,
} from '@gradient-rally/shared';

// The cost model's structure and the refusals a server shows. Whether its
// numbers match real rooms is measured by `npm run bench -- cost` (a timing
// claim belongs in a benchmark, not in a test on a shared machine).

const NET_354 = { kind: 'mlp', dataset: 'spirals', samples: 200, noise: 0.1, layers: [2, 16, 16, 2], activation: 'tanh', seed: 3 };
const LARGEST = { ...NET_354, samples: 2000, layers: [2, 32, 32, 32, 32, 2] };

function expectRefusal(fn: () => unknown, path: string, ...phrases: string[]): SpecError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    expect((e as SpecError).path).toBe(path);
    for (const p of phrases) expect((e as SpecError).message).toContain(p);
    return e as SpecError;
  }
  throw new Error(`expected a SpecError at ${path}`);
}

describe('estimateRoomCost', () => {
  it('its parts add up to the total, largest first, and it scales with players and the tick rate', () => {
    const settings = { landscape: MOONS_NETWORK_SPEC, tickRate: 20, stepsPerTick: 2 };
    const ten = estimateRoomCost(settings, 10);
    expect(ten.parts.reduce((s, p) => s + p.msPerSecond, 0)).toBeCloseTo(ten.msPerSecond, 10);
    for (let i = 1; i < ten.parts.length; i++) expect(ten.parts[i - 1].msPerSecond).toBeGreaterThanOrEqual(ten.parts[i].msPerSecond);
    expect(estimateRoomCost(settings, 20).msPerSecond).toBeCloseTo(2 * ten.msPerSecond, 9);
    // Standings run once a second whatever the tick rate; the rest scales with it.
    const standings = ten.parts.find((p) => p.id === 'standings')!.msPerSecond;
    expect(estimateRoomCost({ ...settings, tickRate: 40 }, 10).msPerSecond).toBeCloseTo(2 * (ten.msPerSecond - standings) + standings, 9);
    expect(estimateRoomCost(settings, 0).msPerSecond).toBe(0);
  });

  it('prices every racer at the costliest allowed choice by default, at the default optimizer when asked', () => {
    const settings = { landscape: MOONS_NETWORK_SPEC };
    const worst = estimateRoomCost(settings, 40);
    const typical = estimateRoomCost(settings, 40, { assume: 'default' });
    expect(worst.assumed.kind).toBe('newton'); // two exact Hessian-vector products per update on the slice
    expect(typical.assumed).toMatchObject({ kind: 'sgd', sam: false, noise: false, batchSize: null });
    expect(worst.msPerSecond).toBeGreaterThan(5 * typical.msPerSecond);
    // Without Newton and L-BFGS, and with SAM locked off, the worst is a plain first-order method.
    const tame = estimateRoomCost(
      {
        ...settings,
        allowedOptimizers: ['sgd', 'adam'],
        lockedKnobs: ['samRadius', 'noise'],
        defaultOptimizer: { kind: 'adam', lr: 0.01 },
      },
      40,
    );
    expect(tame.assumed).toMatchObject({ sam: false, noise: false });
    expect(tame.msPerSecond).toBeLessThan(2 * typical.msPerSecond);
  });

  it('SAM doubles the gradients; a minibatch costs less than the full data set; a target scoring checks the loss every update', () => {
    const net = { landscape: { ...NET_354, samples: 2000 }, allowedOptimizers: ['sgd'] };
    const sgd = (extra: Partial<OptimizerSpec>) =>
      estimateRoomCost({ ...net, defaultOptimizer: { kind: 'sgd', lr: 0.01, ...extra } }, 5, { assume: 'default' });
    const gradients = (c: ReturnType<typeof sgd>) => c.parts.find((p) => p.id === 'gradients')!.msPerSecond;
    expect(gradients(sgd({ samRadius: 0.05 }))).toBeCloseTo(2 * gradients(sgd({})), 9);
    expect(gradients(sgd({ batchSize: 32 }))).toBeLessThan(gradients(sgd({})) / 10);
    const perTick = estimateRoomCost({ ...net, stepsPerTick: 10 }, 5, { assume: 'default' });
    const everyUpdate = estimateRoomCost({ ...net, stepsPerTick: 10, scoring: { kind: 'time-to-target', target: 0.1 } }, 5, {
      assume: 'default',
    });
    const checks = (c: typeof perTick) => c.parts.find((p) => p.id === 'loss-checks')!.msPerSecond;
    expect(checks(everyUpdate)).toBeCloseTo(10 * checks(perTick), 9);
  });

  it('prices known racers by their own optimizers and the rest by the assumption', () => {
    const settings = parseRaceSettings({ landscape: MOONS_NETWORK_SPEC });
    const adam = { ...settings.defaultOptimizer, kind: 'adam', betas: [0.9, 0.999], eps: 1e-8, amsgrad: false } as OptimizerSpec;
    const newton = {
      ...settings.defaultOptimizer,
      kind: 'newton',
      damping: 0,
      levenbergMarquardt: false,
      lineSearch: false,
    } as OptimizerSpec;
    const base = estimateRoomCost(settings, 3, { assume: 'default' });
    const withNewton = estimateRoomCost(settings, 3, { assume: 'default', racers: [adam, newton] });
    expect(withNewton.assumed.kind).toBe('newton');
    expect(withNewton.msPerSecond).toBeGreaterThan(3 * base.msPerSecond);
    expect(withNewton.parts.find((p) => p.id === 'newton-hessian')!.msPerSecond).toBeGreaterThan(0);
    expect(() => estimateRoomCost(settings, 1, { racers: [adam, newton] })).toThrow(/options\.racers/);
  });

  it('does not price Newton where it cannot run (above 400 parameters)', () => {
    const c = estimateRoomCost({ landscape: LARGEST, allowedOptimizers: ['sgd', 'newton'] }, 1);
    expect(c.assumed.kind).toBe('sgd');
    expect(c.parts.find((p) => p.id === 'newton-eigen')!.msPerSecond).toBe(0);
  });

  it('a formula costs by its tape length; the results of a full network include its Lanczos curvature', () => {
    const short = estimateRoomCost({ landscape: { kind: 'expression', expr: 'x^2 + y^2' } }, 10, { assume: 'default' });
    const long = estimateRoomCost(
      { landscape: { kind: 'expression', expr: 'sin(3*x)*cos(2*y) + exp(-(x-1)^2-(y+1)^2)*log(1+x^2+y^2) + (x*y)^3/(1+x^4)' } },
      10,
      { assume: 'default' },
    );
    const g = (c: typeof short) => c.parts.find((p) => p.id === 'gradients')!.msPerSecond;
    expect(g(long)).toBeGreaterThan(3 * g(short));
    const full = estimateRoomCost({ landscape: NET_354 }, 1);
    expect(full.resultsMsPerRacer).toBeGreaterThan(60 * (COST_CONSTANTS.hvpMacSample * 200 * 320) * 1e-3);
  });

  it('refuses bad arguments naming the field', () => {
    expect(() => estimateRoomCost({}, -1)).toThrow(/^players/);
    expect(() => estimateRoomCost({}, 1.5)).toThrow(/^players/);
    expect(() => estimateRoomCost({}, 1, { assume: 'best' as 'worst' })).toThrow(/options\.assume/);
    expect(() => estimateRoomCost({ tickRate: 0 }, 1)).toThrow(/settings\.tickRate/);
    expect(() => checkRoomCost({}, 1, { msPerSecond: 0, tickMs: 1, resultsMsPerRacer: 1 })).toThrow(/budget\.msPerSecond/);
  });
});

describe('checkRoomCost: the refusals of issue 12, in words a host can act on', () => {
  it('Newton on a 354-parameter network at 1 Hz × 1 step with one player: refused, naming Newton', () => {
    const settings = { landscape: NET_354, allowedOptimizers: ['sgd', 'newton'], tickRate: 1, stepsPerTick: 1 };
    const cost = estimateRoomCost(settings, 1);
    expect(cost.updateMs).toBeGreaterThan(1000); // one update costs seconds (4.0 s measured in the issue)
    expect(['newton-eigen', 'newton-hessian']).toContain(cost.parts[0].id);
    expectRefusal(
      () => checkRoomCost(settings, 1, SUGGESTED_ROOM_BUDGET),
      'settings.allowedOptimizers',
      'ms of computing per second',
      'Newton',
      'the limit is 150 ms',
      'pick another optimizer than Newton',
    );
    // Without Newton the same round fits.
    expect(() => checkRoomCost({ ...settings, allowedOptimizers: ['sgd'] }, 1, SUGGESTED_ROOM_BUDGET)).not.toThrow();
  });

  it('the largest network in full space at 60 Hz × 50 steps with 2 players: refused, naming the gradients and what to lower', () => {
    const settings = {
      landscape: LARGEST,
      tickRate: 60,
      stepsPerTick: 50,
      allowedOptimizers: ['adam'],
      defaultOptimizer: { kind: 'adam', lr: 0.001 },
    };
    const cost = estimateRoomCost(settings, 2, { assume: 'default' });
    expect(cost.msPerSecond).toBeGreaterThan(10_000); // tens of cores' worth (measured ~25 000 ms/s by the bench)
    expect(cost.parts[0].id).toBe('gradients');
    const e = expectRefusal(
      () => checkRoomCost(settings, 2, SUGGESTED_ROOM_BUDGET, { assume: 'default' }),
      'settings.maxPlayers',
      'for 2 players',
      'gradients of a 3330-parameter network (all weights) on 2000 samples',
      'lower the players',
      'lower the steps per tick or the tick rate',
      'use a smaller network or fewer samples',
    );
    expect(e.message).not.toContain('Newton');
  });

  it('SAM as what dominates points at the SAM range', () => {
    const settings = { landscape: LARGEST, tickRate: 20, stepsPerTick: 5, allowedOptimizers: ['sgd'] };
    expectRefusal(() => checkRoomCost(settings, 10, SUGGESTED_ROOM_BUDGET), 'settings.knobRanges.samRadius', 'turn SAM off');
  });

  it('a tick too long for other rooms is refused even when the second-by-second total fits', () => {
    const settings = { landscape: { ...NET_354, samples: 2000 }, allowedOptimizers: ['sgd'], tickRate: 1, stepsPerTick: 50 };
    const cost = estimateRoomCost(settings, 10, { assume: 'default' });
    const budget = { ...SUGGESTED_ROOM_BUDGET, msPerSecond: 10 * cost.msPerSecond };
    expect(cost.tickMs).toBeGreaterThan(budget.tickMs);
    expectRefusal(
      () => checkRoomCost(settings, 10, budget, { assume: 'default' }),
      'settings.maxPlayers',
      'one tick of this round',
      'other rooms would stall',
    );
  });

  it('results that would take too long per racer are refused naming the network', () => {
    const settings = { landscape: LARGEST, allowedOptimizers: ['sgd'], tickRate: 1, stepsPerTick: 1 };
    const cost = estimateRoomCost(settings, 1, { assume: 'default' });
    expect(cost.resultsMsPerRacer).toBeGreaterThan(SUGGESTED_ROOM_BUDGET.resultsMsPerRacer);
    expect(roomCostRefusal(cost, { ...SUGGESTED_ROOM_BUDGET, msPerSecond: 1e9, tickMs: 1e9 })).toMatchObject({ field: 'landscape' });
  });

  it('every built-in terrain’s preset fits the suggested budget: one player at the worst, a class of 40 at the default', () => {
    for (const entry of landscapeCatalogue()) {
      const settings = { landscape: entry.spec, ...entry.preset.settings };
      expect(() => checkRoomCost(settings, 1, SUGGESTED_ROOM_BUDGET), entry.title).not.toThrow();
      expect(() => checkRoomCost(settings, 40, SUGGESTED_ROOM_BUDGET, { assume: 'default' }), entry.title).not.toThrow();
    }
  });
});
