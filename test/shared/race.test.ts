import { describe, expect, it } from 'vitest';
import {
  createLandscape,
  decodeTrailSnapshot,
  parseRaceSettings,
  quantBox,
  Race,
  simulate,
  SpecError,
  type RaceSettings,
} from '@gradient-rally/shared';

function settings(json: Record<string, unknown>): RaceSettings {
  return parseRaceSettings(json);
}

function positions(race: Race): Record<string, number[]> {
  return Object.fromEntries(race.racers().map((r) => [r.id, Array.from(r.position)]));
}

function runTicks(race: Race, n: number): void {
  for (let i = 0; i < n; i++) race.tick();
}

describe('Race stepping', () => {
  it('moves a racer exactly as simulate does (same updates, same floats)', () => {
    const s = settings({ landscape: 'rosenbrock', startRule: { kind: 'shared', point: [-1.5, 2] }, stepsPerTick: 3, roundSeconds: 60 });
    const race = new Race(s);
    race.addRacer('a', { optimizer: { kind: 'sgd', lr: 1e-3, momentum: 0.9 } });
    const sim = simulate({ landscape: 'rosenbrock', optimizer: { kind: 'sgd', lr: 1e-3, momentum: 0.9 }, start: [-1.5, 2], steps: 30 });
    for (let k = 1; k <= 10; k++) {
      race.tick();
      const r = race.racer('a')!;
      expect(Array.from(r.position)).toEqual(sim.path[3 * k]);
      expect(r.loss).toBe(sim.loss[3 * k]);
      expect(r.updates).toBe(3 * k);
      expect(r.gradientEvaluations).toBe(3 * k);
      expect(Array.from(r.drawn)).toEqual(sim.path[3 * k]);
    }
  });

  it('is deterministic: same settings, seed and events give identical positions; another seed does not', () => {
    const s = settings({ landscape: 'himmelblau', startRule: { kind: 'random' }, roundSeconds: 10 });
    const play = (seed: number) => {
      const race = new Race(s, seed);
      race.addRacer('a', { optimizer: { kind: 'sgd', lr: 0.005, noise: 2 } });
      race.addRacer('b', { optimizer: { kind: 'adam', lr: 0.05, noise: 1 } });
      runTicks(race, 20);
      race.retune('a', { kind: 'sgd', lr: 0.01, momentum: 0.5, noise: 1 });
      runTicks(race, 20);
      return positions(race);
    };
    expect(play(3)).toEqual(play(3));
    expect(play(3)).not.toEqual(play(4));
  });

  it("gives each racer its own stream: other racers do not change a racer's run", () => {
    const s = settings({ landscape: 'himmelblau', startRule: { kind: 'random' } });
    const alone = new Race(s);
    alone.addRacer('a', { optimizer: { kind: 'sgd', lr: 0.005, noise: 3 } });
    const crowd = new Race(s);
    crowd.addRacer('z', { optimizer: { kind: 'sgd', lr: 0.005, noise: 3 } });
    crowd.addRacer('a', { optimizer: { kind: 'sgd', lr: 0.005, noise: 3 } });
    crowd.addRacer('y', { optimizer: { kind: 'adam', lr: 0.1, noise: 1 } });
    runTicks(alone, 30);
    runTicks(crowd, 30);
    expect(Array.from(crowd.racer('a')!.position)).toEqual(Array.from(alone.racer('a')!.position));
    expect(Array.from(crowd.racer('z')!.position)).not.toEqual(Array.from(crowd.racer('a')!.position));

    // Same start, same noisy optimizer: only the stream (forked by id) tells them apart.
    const twins = new Race(settings({ landscape: 'himmelblau', startRule: { kind: 'shared', point: [0, 0] } }));
    twins.addRacer('x', { optimizer: { kind: 'sgd', lr: 0.005, noise: 3 } });
    twins.addRacer('y', { optimizer: { kind: 'sgd', lr: 0.005, noise: 3 } });
    runTicks(twins, 5);
    expect(Array.from(twins.racer('x')!.position)).not.toEqual(Array.from(twins.racer('y')!.position));
  });

  it('ends on time: tick() is a no-op after roundSeconds·tickRate ticks', () => {
    const race = new Race(settings({ landscape: 'himmelblau', roundSeconds: 5, tickRate: 4 }));
    race.addRacer('a', { optimizer: { kind: 'adam', lr: 0.01 } });
    expect(race.maxTicks).toBe(20);
    runTicks(race, 19);
    expect(race.isOver()).toBe(false);
    expect(race.tick()).toBe(true);
    expect(race.isOver()).toBe(true);
    const before = Array.from(race.racer('a')!.position);
    expect(race.tick()).toBe(false);
    expect(race.tickCount).toBe(20);
    expect(Array.from(race.racer('a')!.position)).toEqual(before);
  });
});

describe('budgets', () => {
  it('a SAM racer stops at half the updates of a plain one, both on the same evaluations', () => {
    const race = new Race(settings({ landscape: 'himmelblau', roundSeconds: null, budget: 100, stepsPerTick: 7 }));
    race.addRacer('plain', { optimizer: { kind: 'sgd', lr: 0.001 } });
    race.addRacer('sam', { optimizer: { kind: 'sgd', lr: 0.001, samRadius: 0.05 } });
    let ticks = 0;
    while (!race.isOver() && ticks < 1000) {
      race.tick();
      ticks++;
    }
    expect(race.isOver()).toBe(true);
    const plain = race.racer('plain')!;
    const sam = race.racer('sam')!;
    expect(plain.status).toBe('budget-spent');
    expect(sam.status).toBe('budget-spent');
    expect(plain.updates).toBe(100);
    expect(sam.updates).toBe(50);
    expect(plain.gradientEvaluations).toBe(100);
    expect(sam.gradientEvaluations).toBe(100);
  });

  it('never starts a SAM step it cannot pay for (odd budget)', () => {
    const race = new Race(settings({ landscape: 'himmelblau', roundSeconds: null, budget: 9 }));
    race.addRacer('sam', { optimizer: { kind: 'adam', lr: 0.01, samRadius: 0.1 } });
    runTicks(race, 20);
    expect(race.racer('sam')!.updates).toBe(4);
    expect(race.racer('sam')!.gradientEvaluations).toBe(8);
    expect(race.racer('sam')!.status).toBe('budget-spent');
  });
});

describe('divergence', () => {
  it('stops at the last finite point, as simulate does, and stays there', () => {
    // Booth's Hessian has λ = 2 and 18: lr = 1 gives lr·λ_max = 18 > 2.
    const s = settings({ landscape: 'booth', startRule: { kind: 'shared', point: [3, -2] }, stepsPerTick: 10 });
    const race = new Race(s);
    race.addRacer('wild', { optimizer: { kind: 'sgd', lr: 1 } });
    race.addRacer('calm', { optimizer: { kind: 'sgd', lr: 0.05 } });
    runTicks(race, 60);
    const wild = race.racer('wild')!;
    expect(wild.status).toBe('diverged');
    const sim = simulate({ landscape: 'booth', optimizer: { kind: 'sgd', lr: 1 }, start: [3, -2], steps: 600 });
    expect(sim.diverged).toBe(true);
    expect(Array.from(wild.position)).toEqual(sim.path[sim.path.length - 1]);
    expect(wild.loss).toBe(sim.loss[sim.loss.length - 1]);
    expect(wild.updates).toBe(sim.path.length - 1);
    expect(wild.gradientEvaluations).toBe(sim.gradientEvaluations);
    expect(Number.isFinite(wild.loss)).toBe(true);
    const frozen = Array.from(wild.position);
    runTicks(race, 5);
    expect(Array.from(race.racer('wild')!.position)).toEqual(frozen);
    expect(race.racer('calm')!.status).toBe('racing');
    expect(race.isOver()).toBe(false);
  });
});

describe('time to target', () => {
  it("marks a racer 'finished' at the update it reaches the target and stops it", () => {
    const s = settings({
      landscape: 'booth',
      startRule: { kind: 'shared', point: [3, -2] },
      scoring: { kind: 'time-to-target', target: 1e-3 },
    });
    const race = new Race(s);
    race.addRacer('a', { optimizer: { kind: 'sgd', lr: 0.05 } });
    runTicks(race, 200);
    const a = race.racer('a')!;
    expect(a.status).toBe('finished');
    expect(a.loss).toBeLessThanOrEqual(1e-3);
    const sim = simulate({ landscape: 'booth', optimizer: { kind: 'sgd', lr: 0.05 }, start: [3, -2], steps: 400 });
    const first = sim.loss.findIndex((l) => l <= 1e-3);
    expect(a.finishUpdates).toBe(first);
    expect(a.updates).toBe(first);
    expect(race.isOver()).toBe(true);
  });
});

describe('joining, leaving and start rules', () => {
  it('late joiners start at the current tick; lateJoin off refuses them; maxPlayers caps the race', () => {
    const race = new Race(settings({ landscape: 'himmelblau', maxPlayers: 2 }));
    race.addRacer('a');
    runTicks(race, 5);
    const b = race.addRacer('b', { optimizer: { kind: 'adam', lr: 0.05 } });
    expect(b.joinTick).toBe(5);
    expect(b.status).toBe('racing');
    expect(b.updates).toBe(0);
    race.tick();
    expect(race.racer('b')!.updates).toBe(2);
    expect(race.racer('a')!.updates).toBe(12);
    expect(() => race.addRacer('c')).toThrowError(/full/);

    const closed = new Race(settings({ landscape: 'himmelblau', lateJoin: false }));
    closed.addRacer('a');
    closed.tick();
    const e = (() => {
      try {
        closed.addRacer('b');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(SpecError);
    expect((e as SpecError).path).toBe('lateJoin');
  });

  it('a racer joining at a later tick waits until then', () => {
    const race = new Race(settings({ landscape: 'himmelblau' }));
    const w = race.addRacer('w', { joinTick: 3 });
    expect(w.status).toBe('waiting');
    runTicks(race, 3);
    expect(race.racer('w')!.updates).toBe(0);
    race.tick();
    expect(race.racer('w')!.status).toBe('racing');
    expect(race.racer('w')!.updates).toBe(2);
  });

  it('removed racers leave the race and cannot be retuned; the id may later join afresh', () => {
    const race = new Race(settings({ landscape: 'himmelblau' }));
    race.addRacer('a');
    race.addRacer('b');
    race.tick();
    race.removeRacer('a');
    expect(race.racers().map((r) => r.id)).toEqual(['b']);
    expect(race.racer('a')).toBeUndefined();
    expect(() => race.retune('a', { kind: 'sgd', lr: 0.1 })).toThrow(SpecError);
    expect(() => race.addRacer('b')).toThrowError(/already/);
    expect(() => race.removeRacer('nobody')).toThrow(SpecError);
    expect(race.results().map((r) => r.id)).toEqual(['b']);
    race.tick();
    const again = race.addRacer('a');
    expect(again.joinTick).toBe(2);
    expect(again.updates).toBe(0);
    expect(race.racers().map((r) => r.id)).toEqual(['b', 'a']);
  });

  it("'shared' puts everyone on the same point and refuses a chosen one", () => {
    const race = new Race(settings({ landscape: 'himmelblau', startRule: { kind: 'shared', point: [1, -1] } }));
    expect(Array.from(race.addRacer('a').position)).toEqual([1, -1]);
    expect(Array.from(race.addRacer('b').position)).toEqual([1, -1]);
    expect(() => race.addRacer('c', { start: [0, 0] })).toThrowError(/start.*'shared'/);
  });

  it("'random' gives each racer its own seeded start inside the view, away from the edges", () => {
    const s = settings({ landscape: 'himmelblau', startRule: 'random', seed: 11 });
    const race = new Race(s);
    const again = new Race(s);
    const starts = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => Array.from(race.addRacer(id).position));
    for (const [x, y] of starts) {
      expect(Math.abs(x)).toBeLessThanOrEqual(4);
      expect(Math.abs(y)).toBeLessThanOrEqual(4);
    }
    expect(new Set(starts.map((p) => p.join())).size).toBe(6);
    expect(Array.from(again.addRacer('d').position)).toEqual(starts[3]);
    expect(Array.from(new Race(s, 12).addRacer('d').position)).not.toEqual(starts[3]);
  });

  it("'choose' uses the clicked point, falls back to the seeded random start, and checks the bounds", () => {
    const s = settings({ landscape: 'himmelblau', startRule: 'choose' });
    const race = new Race(s);
    expect(Array.from(race.addRacer('a', { start: [2.5, -1] }).position)).toEqual([2.5, -1]);
    const fallback = Array.from(race.addRacer('b').position);
    const random = new Race(settings({ landscape: 'himmelblau', startRule: 'random' }));
    expect(fallback).toEqual(Array.from(random.addRacer('b').position));
    expect(() => race.addRacer('c', { start: [7, 0] })).toThrowError(/start\[0\].*\[-5, 5\]/);
    expect(() => race.addRacer('d', { start: [NaN, 0] })).toThrow(SpecError);
  });

  it('refuses bad ids and bad optimizer specs without adding anything', () => {
    const race = new Race(settings({ landscape: 'himmelblau', allowedOptimizers: ['sgd'] }));
    expect(() => race.addRacer('')).toThrow(SpecError);
    expect(() => race.addRacer('x'.repeat(65))).toThrow(SpecError);
    expect(() => race.addRacer('a', { optimizer: { kind: 'adam' } })).toThrowError(/optimizer\.kind/);
    expect(() => race.addRacer('a', { optimizer: { kind: 'sgd', lr: Infinity } })).toThrowError(/optimizer\.lr/);
    expect(race.racers()).toHaveLength(0);
    expect(race.record().racers).toHaveLength(0);
  });
});

describe('retune', () => {
  it('validates, records {tick, id, spec}, and keeps the state for the same kind', () => {
    const race = new Race(settings({ landscape: 'himmelblau', knobRanges: { lr: [1e-4, 0.5] } }));
    race.addRacer('a', { optimizer: { kind: 'adam', lr: 0.05 } });
    runTicks(race, 4);
    expect(() => race.retune('a', { kind: 'adam', lr: 0.9 })).toThrowError(/optimizer\.lr/);
    expect(race.racer('a')!.optimizer.lr).toBe(0.05);
    const spec = race.retune('a', { kind: 'adam', lr: 0.01 });
    expect(spec.lr).toBe(0.01);
    expect(race.racer('a')!.optimizer.lr).toBe(0.01);
    expect(race.record().changes).toEqual([{ seq: 1, tick: 4, id: 'a', spec }]);

    // Same kind keeps Adam's moments: not the same as a fresh Adam from here.
    const keep = race;
    const fresh = new Race(settings({ landscape: 'himmelblau', startRule: 'choose' }));
    fresh.addRacer('a', { optimizer: { kind: 'adam', lr: 0.01 }, start: Array.from(keep.racer('a')!.position) });
    keep.tick();
    fresh.tick();
    expect(Array.from(keep.racer('a')!.position)).not.toEqual(Array.from(fresh.racer('a')!.position));
  });

  it('a change of kind starts the new optimizer fresh', () => {
    const race = new Race(settings({ landscape: 'himmelblau', startRule: 'choose' }));
    race.addRacer('a', { optimizer: { kind: 'adam', lr: 0.05 }, start: [1, 1] });
    runTicks(race, 3);
    race.retune('a', { kind: 'sgd', lr: 0.01, momentum: 0.9 });
    const from = Array.from(race.racer('a')!.position);
    race.tick();
    const sim = simulate({ landscape: 'himmelblau', optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.9 }, start: from, steps: 2 });
    expect(Array.from(race.racer('a')!.position)).toEqual(sim.path[2]);
  });
});

describe('trail snapshot', () => {
  it('decodes to every tick of every trail within one quantisation step, and stays small', () => {
    const L = createLandscape('himmelblau');
    const race = new Race(settings({ landscape: 'himmelblau', startRule: 'random', roundSeconds: 1800 }));
    const live: Record<string, number[][]> = {};
    const ids = Array.from({ length: 8 }, (_, i) => `p${i}`);
    for (const id of ids) {
      race.addRacer(id, { optimizer: { kind: 'sgd', lr: 0.002, noise: 1 } });
      live[id] = [Array.from(race.racer(id)!.drawn)];
    }
    for (let t = 0; t < 300; t++) {
      race.tick();
      for (const id of ids) live[id].push(Array.from(race.racer(id)!.drawn));
    }
    const box = quantBox(L.info.bounds);
    const step = Math.max(box.xMax - box.xMin, box.yMax - box.yMin) / 65535;
    const snap = race.trailSnapshot({ maxPoints: 1000 });
    expect(snap.tick).toBe(300);
    const decoded = decodeTrailSnapshot(JSON.parse(JSON.stringify(snap)));
    expect(decoded.map((d) => d.id)).toEqual(ids);
    for (const d of decoded) {
      expect(d.ticks).toHaveLength(301);
      for (let k = 0; k < d.ticks.length; k++) {
        const [x, y] = live[d.id][d.ticks[k]];
        expect(Math.abs(d.points[2 * k] - x)).toBeLessThanOrEqual(step);
        expect(Math.abs(d.points[2 * k + 1] - y)).toBeLessThanOrEqual(step);
      }
    }
    // Subsampled: at most maxPoints per racer, always keeping the start and the last point.
    const small = decodeTrailSnapshot(race.trailSnapshot({ maxPoints: 50 }));
    for (const d of small) {
      expect(d.ticks.length).toBeLessThanOrEqual(50);
      expect(d.ticks[0]).toBe(0);
      expect(d.ticks[d.ticks.length - 1]).toBe(300);
    }
    // 8 racers × 301 points: a few bytes per point.
    expect(JSON.stringify(snap).length).toBeLessThan(8 * 301 * 6);
  });

  it('clamps points that left the view instead of wrapping', () => {
    const race = new Race(settings({ landscape: 'booth', startRule: { kind: 'shared', point: [3, -2] }, stepsPerTick: 1 }));
    race.addRacer('wild', { optimizer: { kind: 'sgd', lr: 1 } });
    runTicks(race, 10);
    const [d] = decodeTrailSnapshot(race.trailSnapshot());
    const box = quantBox(createLandscape('booth').info.bounds);
    for (let k = 0; k < d.ticks.length; k++) {
      expect(d.points[2 * k]).toBeGreaterThanOrEqual(box.xMin);
      expect(d.points[2 * k]).toBeLessThanOrEqual(box.xMax + 1e-3);
    }
  });
});

describe('data-backed terrains check the loss once per tick, and still stop where simulate stops', () => {
  const mlp = (activation: string, weightDecay = 0) => ({
    kind: 'mlp',
    dataset: 'moons',
    samples: 40,
    noise: 0.1,
    layers: [2, 4, 2],
    activation,
    seed: 3,
    weightDecay,
  });

  it('moves a full-batch MLP racer exactly as simulate does', () => {
    const L = createLandscape(mlp('tanh'));
    const race = new Race(settings({ landscape: mlp('tanh'), startRule: 'random', stepsPerTick: 4 }));
    race.addRacer('a', { optimizer: { kind: 'sgd', lr: 0.3, momentum: 0.9 } });
    const start = Array.from(race.racer('a')!.position);
    const sim = simulate({ landscape: L, optimizer: { kind: 'sgd', lr: 0.3, momentum: 0.9 }, start, steps: 40 });
    for (let k = 1; k <= 10; k++) {
      race.tick();
      expect(Array.from(race.racer('a')!.position)).toEqual(sim.path[4 * k]);
      expect(race.racer('a')!.loss).toBe(sim.loss[4 * k]);
    }
  });

  // With weight decay λ = 1 and lr = 50 the weights grow ×50 a step; the penalty (λ/2)‖w‖²
  // overflows while every weight is still finite, in the middle of a tick.
  for (const [activation, stepsPerTick] of [
    ['tanh', 7],
    ['relu', 50],
    ['relu', 1],
  ] as const) {
    it(`finds the first non-finite loss inside a tick (${activation}, ${stepsPerTick} steps a tick)`, () => {
      const spec = mlp(activation, 1);
      const race = new Race(settings({ landscape: spec, startRule: 'random', knobRanges: { lr: [1e-5, 100] }, stepsPerTick }));
      race.addRacer('a', { optimizer: { kind: 'sgd', lr: 50 } });
      const start = Array.from(race.racer('a')!.position);
      for (let t = 0; t < 200 && race.racer('a')!.status === 'racing'; t++) race.tick();
      const a = race.racer('a')!;
      expect(a.status).toBe('diverged');
      const sim = simulate({ landscape: createLandscape(spec), optimizer: { kind: 'sgd', lr: 50 }, start, steps: 1000 });
      expect(sim.diverged).toBe(true);
      expect(Array.from(a.position)).toEqual(sim.path[sim.path.length - 1]);
      expect(a.updates).toBe(sim.path.length - 1);
      expect(a.loss).toBe(sim.loss[sim.loss.length - 1]);
      expect(a.gradientEvaluations).toBe(sim.gradientEvaluations);
    });
  }
});

describe('full-space MLP terrain (dim > 2)', () => {
  it('races every weight and draws the projection', () => {
    const mlp = { kind: 'mlp', dataset: 'moons', samples: 40, noise: 0.1, layers: [2, 4, 2], activation: 'tanh', seed: 3 };
    const s = settings({ landscape: mlp, startRule: 'random', scoring: 'test-loss', stepsPerTick: 2 });
    const race = new Race(s);
    expect(race.dim).toBe(2 * 4 + 4 + 4 * 2 + 2);
    race.addRacer('a', { optimizer: { kind: 'adam', lr: 0.05 } });
    race.addRacer('b', { optimizer: { kind: 'sgd', lr: 0.2, batchSize: 8 } });
    const L = race.landscape;
    const projected = new Float64Array(2);
    L.projectInto!(race.racer('a')!.position, projected);
    expect(projected[0]).toBeCloseTo(race.racer('a')!.drawn[0], 9);
    const start = race.racer('a')!.loss;
    runTicks(race, 20);
    const a = race.racer('a')!;
    expect(a.position).toHaveLength(race.dim);
    expect(a.loss).toBeLessThan(start);
    L.projectInto!(a.position, projected);
    expect(Array.from(a.drawn)).toEqual(Array.from(projected));
    const results = race.results();
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(r.endPoint).toHaveLength(race.dim);
      expect(r.lambdaMax).not.toBeNull();
      expect(r.eigenvalues).toHaveLength(2);
      expect(r.score).not.toBeNull();
    }
  });
});
