import { describe, expect, it } from 'vitest';
import { parseOptimizerSpec, parseRaceSettings } from '@gradient-rally/shared';
import { localRaceRunners } from '../../server/src/room/RaceRunner';

/**
 * The seam a room steps its race through. A runner resumed from a race
 * record (the checkpoint a crashed room would restore from) carries on
 * exactly as the original: same frames, same results, bit for bit.
 */
describe('RaceRunner', () => {
  const settings = parseRaceSettings({
    landscape: { kind: 'himmelblau' },
    roundSeconds: 5,
    tickRate: 20,
    stepsPerTick: 2,
    startRule: 'random',
  });

  function started() {
    const runner = localRaceRunners.start(settings, 'seam');
    runner.join('a', { ...settings.defaultOptimizer, lr: 0.01 }, undefined);
    runner.join('b', parseRaceSettings({ defaultOptimizer: { kind: 'adam', lr: 0.05, noise: 0.5 } }).defaultOptimizer, undefined);
    return runner;
  }

  it('answers with plain frames: positions, statuses, losses, and ranks only when asked', () => {
    const runner = started();
    const frame = runner.advance(false);
    expect(frame.tick).toBe(1);
    expect(frame.ranks).toBeNull();
    expect(frame.racers.map((r) => [r.id, r.status])).toEqual([
      ['a', 'racing'],
      ['b', 'racing'],
    ]);
    expect(frame.racers.every((r) => Number.isFinite(r.x) && Number.isFinite(r.loss) && r.gradientEvaluations === 2)).toBe(true);
    expect([...runner.frame(true).ranks!.keys()].sort()).toEqual(['a', 'b']);
    expect(structuredClone(frame)).toEqual(frame); // can cross a thread boundary as it is
  });

  it('resumed from its record mid-race, continues bitwise like the original', () => {
    const original = started();
    for (let t = 0; t < 30; t++) original.advance(false);
    original.retune('a', parseOptimizerSpec({ kind: 'sgd', lr: 0.02, momentum: 0.9 }));
    for (let t = 0; t < 10; t++) original.advance(false);

    const resumed = localRaceRunners.resume(JSON.parse(JSON.stringify(original.record())));
    expect(resumed.tickCount).toBe(original.tickCount);
    expect(resumed.frame(true)).toEqual(original.frame(true));
    for (let t = 0; t < 25; t++) {
      if (t === 5) for (const r of [original, resumed]) r.retune('b', { ...settings.defaultOptimizer, lr: 0.03 });
      expect(resumed.advance(t % 10 === 0)).toEqual(original.advance(t % 10 === 0));
    }
    const done = (r: typeof original) => {
      const job = r.score(null);
      let results = job.continue(() => true);
      while (!results) results = job.continue(() => true);
      return results;
    };
    expect(done(resumed)).toEqual(done(original));
    expect(resumed.record()).toEqual(original.record());
  });
});
