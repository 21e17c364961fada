import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOONS_NETWORK_SPEC, parseOptimizerSpec, parseRaceSettings, type RaceSettings } from '@gradient-rally/shared';
import { createLogger } from '../../server/src/logger';
import { localRaceRunners, type RaceFrame, type RaceRunner } from '../../server/src/room/RaceRunner';
import { RacePool } from '../../server/src/sim/RacePool';

/**
 * Races in worker threads (`RacePool`) against the same races stepped in
 * this thread: the same calls give the same frames, record and results,
 * bit for bit (compared as JSON, which writes every double exactly); a
 * record resumes in a worker as it would here; and a race that holds its
 * worker too long is stopped while the other races of that worker go on,
 * still bitwise, in a fresh one.
 */

let pool: RacePool;
beforeAll(async () => {
  pool = new RacePool({ size: 1, logger: createLogger('silent'), watchdogMs: 1_500 });
  await pool.ready();
});
afterAll(async () => {
  await pool?.close();
});

const bits = (x: unknown) =>
  JSON.stringify(x, (_k, v) =>
    v instanceof Map ? [...v] : Object.is(v, -0) ? '-0' : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );

async function until(pred: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** One tick on a worker runner, waiting for its frame (a local runner answers at once). */
async function tickAndWait(runner: RaceRunner, withRanks: boolean): Promise<RaceFrame> {
  const want = runner.tickCount + 1;
  const now = runner.advance(withRanks);
  if (now.tick === want) return now; // in this thread
  await until(() => runner.frame(false).tick === want, 30_000, `tick ${want}`);
  return runner.frame(false);
}

async function results(runner: RaceRunner) {
  const job = runner.score(null);
  let r = job.continue(() => true);
  await until(() => (r = r ?? job.continue(() => true)) !== null, 60_000, 'results');
  return r!;
}

/** The same script of joins, ticks, retunes, a removal and a late join on any runner; every frame it saw. */
async function script(runner: RaceRunner, settings: RaceSettings, ticks: number): Promise<RaceFrame[]> {
  const frames: RaceFrame[] = [];
  runner.join('a', settings.defaultOptimizer, undefined);
  runner.join('b', parseOptimizerSpec({ kind: 'adam', lr: 0.05, noise: 0.3 }), undefined);
  runner.join('c', parseOptimizerSpec({ kind: 'sgd', lr: 0.02, momentum: 0.9 }), undefined);
  for (let t = 0; t < ticks; t++) {
    if (t === 5) runner.retune('a', parseOptimizerSpec({ kind: 'rmsprop', lr: 0.01 }));
    if (t === 9) runner.remove('c');
    if (t === 12) runner.join('d', parseOptimizerSpec({ kind: 'adam', lr: 0.02 }), undefined);
    frames.push(await tickAndWait(runner, t % 5 === 0));
  }
  return frames;
}

describe('races in a worker pool', () => {
  const terrains: [string, RaceSettings][] = [
    ['an analytic terrain', parseRaceSettings({ landscape: { kind: 'himmelblau' }, startRule: 'random', roundSeconds: 5 })],
    ['a network slice', parseRaceSettings({ landscape: MOONS_NETWORK_SPEC, startRule: 'random', roundSeconds: 5 })],
  ];

  for (const [name, settings] of terrains) {
    it(`on ${name}, the same calls give the same frames, record and results as in this thread, bit for bit`, async () => {
      const here = localRaceRunners.start(settings, 'pool-seed');
      const there = pool.start(settings, 'pool-seed');
      try {
        const a = await script(here, settings, 20);
        const b = await script(there, settings, 20);
        expect(b.map((f) => f.tick)).toEqual(a.map((f) => f.tick));
        expect(bits(b)).toBe(bits(a));
        expect(bits(there.record())).toBe(bits(here.record()));
        expect(bits(there.recordTail({ racers: 1, changes: 0, removals: 0 }))).toBe(
          bits(here.recordTail({ racers: 1, changes: 0, removals: 0 })),
        );
        expect(bits(await there.trailSnapshot())).toBe(bits(await here.trailSnapshot()));
        expect(bits(await results(there))).toBe(bits(await results(here)));
      } finally {
        there.dispose();
      }
    });
  }

  it('a record resumes in a worker and goes on bitwise like the race it came from', async () => {
    const settings = terrains[1][1];
    const original = localRaceRunners.start(settings, 'resume-seed');
    await script(original, settings, 15);
    const resumed = pool.resume(JSON.parse(JSON.stringify(original.record())));
    try {
      await until(() => resumed.frame(false).racers.length === 3, 30_000, 'the replay');
      expect(bits(resumed.frame(false))).toBe(bits(original.frame(true))); // a resumed race reports its ranks at once
      for (let t = 0; t < 10; t++) {
        if (t === 3) for (const r of [original, resumed]) r.retune('b', parseOptimizerSpec({ kind: 'sgd', lr: 0.03 }));
        expect(bits(await tickAndWait(resumed, t === 7))).toBe(bits(await tickAndWait(original, t === 7)));
      }
      expect(bits(await results(resumed))).toBe(bits(await results(original)));
    } finally {
      resumed.dispose();
    }
  });

  it('a race that holds its worker too long is stopped; the other race of that worker goes on bitwise in a fresh one', async () => {
    // Newton on a 354-parameter network: one update forms 354 Hessian-vector products and a 354×354 eigen-decomposition (seconds).
    const heavy = parseRaceSettings({
      landscape: { kind: 'mlp', dataset: 'spirals', samples: 200, noise: 0.1, layers: [2, 16, 16, 2], activation: 'tanh', seed: 3 },
      allowedOptimizers: ['newton'],
      stepsPerTick: 5,
    });
    const light = terrains[0][1];
    const twin = localRaceRunners.start(light, 'bystander');
    const bystander = pool.start(light, 'bystander');
    const culprit = pool.start(heavy, 'culprit');
    try {
      for (const r of [twin, bystander]) r.join('a', parseOptimizerSpec({ kind: 'adam', lr: 0.05 }), undefined);
      for (let t = 0; t < 5; t++) expect(bits(await tickAndWait(bystander, false))).toBe(bits(await tickAndWait(twin, false)));
      culprit.join('n', heavy.defaultOptimizer, undefined);
      culprit.advance(false); // ~5 Newton updates: far over the 1.5 s the watchdog allows
      for (const r of [twin, bystander]) r.retune('a', parseOptimizerSpec({ kind: 'sgd', lr: 0.02, momentum: 0.5 }));
      bystander.advance(false); // queued behind the stuck tick: replayed in the fresh worker
      twin.advance(false);
      await until(() => culprit.failure !== null, 30_000, 'the watchdog');
      expect(culprit.failure).toMatch(/needed more computing than the server allows/);
      expect(culprit.frame(false).over).toBe(true);
      await until(() => bystander.frame(false).tick === twin.tickCount, 30_000, 'the bystander in its fresh worker');
      expect(bits(bystander.frame(false))).toBe(bits(twin.frame(false)));
      for (let t = 0; t < 5; t++) expect(bits(await tickAndWait(bystander, t === 4))).toBe(bits(await tickAndWait(twin, t === 4)));
      expect(bits(bystander.record())).toBe(bits(twin.record()));
    } finally {
      bystander.dispose();
      culprit.dispose();
    }
  });
});
