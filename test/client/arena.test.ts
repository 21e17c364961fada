import { describe, expect, it } from 'vitest';
import { Viewport } from '../../client/src/arena/Viewport';
import { racerStyle, RACER_COLOURS, shapeVertices, RACER_SHAPES } from '../../client/src/arena/racerStyle';
import { Trail } from '../../client/src/arena/Trail';
import { ArenaModel } from '../../client/src/arena/ArenaModel';
import { analyze, createLandscape, Race } from '@gradient-rally/shared';
import { pointDiagnostics } from '../../client/src/arena/diagnostics';
import { EventBus } from '../../client/src/events/EventBus';

describe('Viewport', () => {
  const v = Viewport.fit({ xMin: -2, xMax: 2, yMin: -1, yMax: 3 }, 800, 400, 0);
  it('fits the bounds with the aspect kept and y pointing up', () => {
    const vb = v.visibleBounds();
    expect(vb.yMin).toBeCloseTo(-1);
    expect(vb.yMax).toBeCloseTo(3);
    expect(vb.xMax - vb.xMin).toBeCloseTo(8); // 800 px wide at 4 units / 400 px
    expect(v.toScreen(0, 3)).toEqual([400, 0]);
    expect(v.toScreen(0, -1)).toEqual([400, 400]);
  });
  it('toWorld inverts toScreen', () => {
    const [x, y] = v.toWorld(...v.toScreen(1.25, -0.5));
    expect(x).toBeCloseTo(1.25, 12);
    expect(y).toBeCloseTo(-0.5, 12);
  });
  it('zoom keeps the point under the cursor fixed; pan follows the drag', () => {
    const z = v.zoomedAt(123, 77, 3);
    const before = v.toWorld(123, 77),
      after = z.toWorld(123, 77);
    expect(after[0]).toBeCloseTo(before[0], 12);
    expect(after[1]).toBeCloseTo(before[1], 12);
    expect(z.unitsPerPixel).toBeCloseTo(v.unitsPerPixel / 3, 15);
    const p = v.panned(50, -20);
    expect(p.toScreen(0, 1)[0]).toBeCloseTo(v.toScreen(0, 1)[0] + 50, 9);
    expect(p.toScreen(0, 1)[1]).toBeCloseTo(v.toScreen(0, 1)[1] - 20, 9);
    expect(p.key()).not.toBe(v.key());
    expect(v.panned(0, 0).key()).toBe(v.key());
  });
});

describe('racer styles', () => {
  it('the first 64 racers have distinct (colour, shape) pairs; neighbours differ in both', () => {
    const pairs = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const s = racerStyle(i);
      pairs.add(`${s.colour}/${s.shape}`);
      if (i > 0) {
        const p = racerStyle(i - 1);
        expect(s.colour).not.toBe(p.colour);
        expect(s.shape).not.toBe(p.shape);
      }
    }
    expect(pairs.size).toBe(64);
    expect(RACER_COLOURS).toContain(racerStyle(0).colour);
    expect(racerStyle(0).css).toBe('#e69f00');
  });
  it('every shape but the circle has a closed outline around the centre', () => {
    for (const shape of RACER_SHAPES) {
      const v = shapeVertices(shape, 10);
      if (shape === 'circle') expect(v).toEqual([]);
      else {
        expect(v.length % 2).toBe(0);
        expect(v.length).toBeGreaterThanOrEqual(6);
        expect(v.every((c) => Math.abs(c) <= 14)).toBe(true);
      }
    }
  });
});

describe('Trail', () => {
  it('keeps points, skips repeats and non-finite ones', () => {
    const t = new Trail(100);
    t.push(0, 0);
    t.push(0, 0);
    t.push(NaN, 1);
    t.push(1, Infinity);
    t.push(1, 2);
    expect([...t.points()]).toEqual([0, 0, 1, 2]);
    expect(t.last()).toEqual([1, 2]);
  });
  it('stays bounded and keeps the newest points at full detail', () => {
    const t = new Trail(64);
    for (let i = 0; i < 1000; i++) t.push(i, -i);
    expect(t.length).toBeLessThanOrEqual(64);
    const p = t.points();
    expect(p[0]).toBe(0); // the start survives thinning
    expect(p[p.length - 2]).toBe(999);
    expect(p[p.length - 4]).toBe(998);
    for (let k = 2; k < p.length; k += 2) expect(p[k]).toBeGreaterThan(p[k - 2]); // order kept
  });
});

describe('ArenaModel', () => {
  it('adds racers by slot, grows trails only while racing, removes the missing', () => {
    const m = new ArenaModel();
    m.upsertRacer('a', 0, 'Ada', 1, 1, true, 'idle');
    m.upsertRacer('b', 1, 'Bob', 2, 2, false, 'racing');
    m.upsertRacer('b', 1, 'Bob', 3, 3, false, 'racing');
    expect(m.racers.get('a')!.trail.length).toBe(0);
    expect(m.racers.get('b')!.trail.length).toBe(2);
    expect(m.racers.get('b')!.style.shape).toBe(racerStyle(1).shape);
    m.removeMissing(new Set(['b']));
    expect([...m.racers.keys()]).toEqual(['b']);
  });
});

describe('diagnostics', () => {
  it("classifies with shared's analysis: eigenvalues [1e-7, 5] are a minimum, as the results table says", () => {
    // f = ½(1e-7·x² + 5·y²): a bowl, very flat along x. The panel once called it degenerate (its own tolerance).
    const L = createLandscape({ kind: 'expression', expr: '0.5*(1e-7*x^2 + 5*y^2)' });
    const a = analyze(L, [0, 0]);
    expect(a.eigenvalues[0]).toBeCloseTo(1e-7, 15);
    const d = pointDiagnostics(a, [0, 0], 0.1);
    expect(d.kind).toBe('minimum');
    expect(d.text).toMatch(/^Bowl/);
    // The end point's class in a round's results is the same word.
    const race = new Race({ landscape: L.spec, roundSeconds: 5, startRule: { kind: 'shared', point: [0, 0] }, scoring: 'lowest-loss' });
    race.addRacer('a', { optimizer: { kind: 'sgd', lr: 1e-5 } });
    // The Class column names a critical point for a racer at rest there (a few ticks without moving).
    for (let i = 0; i < 10; i++) race.tick();
    expect(race.results()[0].pointClass).toBe(d.kind);
  });
  it('agrees with the results class at every catalogue point it is shown', () => {
    for (const kind of ['himmelblau', 'saddle', 'monkey-saddle', 'sharp-vs-flat']) {
      const L = createLandscape(kind);
      for (const p of L.info.points) {
        const a = analyze(L, p.point);
        expect(pointDiagnostics(a, p.point, 0.1).kind, `${kind} ${p.label}`).toBe(a.kind);
      }
    }
  });
  it('SAM point sits ρ along the gradient; the saddle x² − y² shows a negative direction', () => {
    const L = createLandscape({ kind: 'expression', expr: 'x^2 - y^2' });
    const d = pointDiagnostics(analyze(L, [0.5, 0]), [0.5, 0], 0.2);
    expect(d.kind).toBe('saddle');
    expect(d.view.sam!.x).toBeCloseTo(0.7, 9);
    expect(d.view.sam!.y).toBe(0);
    expect(d.view.ellipse!.negative).toEqual([true, false]);
    expect(d.text).toMatch(/^Saddle/);
    expect(pointDiagnostics(analyze(L, [0, 0]), [0, 0], 0.1).view.sam).toBeUndefined();
  });
});

describe('EventBus', () => {
  it('delivers typed payloads and unsubscribes, even from inside a handler', () => {
    const bus = new EventBus<{ ping: number; pong: string }>();
    const got: number[] = [];
    const off = bus.on('ping', (n) => {
      got.push(n);
      off();
    });
    bus.on('ping', (n) => got.push(n * 10));
    bus.emit('ping', 1);
    bus.emit('ping', 2);
    bus.emit('pong', 'nobody listens');
    expect(got).toEqual([1, 10, 20]);
  });
});
