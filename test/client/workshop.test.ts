import { describe, expect, it } from 'vitest';
import { decodeTrailSnapshot, parseLibraryEntry, Race, parseRaceSettings } from '@gradient-rally/shared';
import { pointsUpTo } from '../../client/src/arena/ArenaModel';
import { defaultForm, entryFromForm, formFieldOf, formFromEntry } from '../../client/src/workshop/entryForm';
import { instructorKey, instructorKeyName } from '../../client/src/workshop/instructorKey';
import { computePreview } from '../../client/src/workshop/previewJob';
import { replayRound } from '../../client/src/workshop/replayJob';

/**
 * The workshop's drawing-free parts, in Node: the builder's form ⇄ entry,
 * where a refusal shows, the preview job (validation, terrain, initial
 * decision boundary, what the class costs), the browser replay of a stored
 * round, the instructor key, and the overlay's tick lookup.
 */

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.items.set(k, v);
  }
}

describe('the builder form', () => {
  it('the default form is a valid entry: spirals, three relu layers of 8, He initialisation', () => {
    const entry = parseLibraryEntry({ ...entryFromForm(defaultForm()), title: 'First' });
    expect(entry.terrain).toMatchObject({
      kind: 'mlp',
      dataset: 'spirals',
      layers: [2, 8, 8, 8, 2],
      activation: 'relu',
      init: 'he',
      slice: true,
    });
    expect(entry.preset.settings).toMatchObject({ roundSeconds: 60, defaultOptimizer: { kind: 'sgd', lr: 0.05 } });
    expect(entry.preset.contrast).toEqual([]);
  });

  it('an entry opened for editing gives back the same entry', () => {
    const f = defaultForm();
    Object.assign(f, {
      title: 'Blobs',
      lesson: 'Four classes.',
      dataset: 'blobs',
      classes: '4',
      depth: '2',
      width: '6',
      activation: 'tanh',
      init: 'xavier',
      initScale: '0.5',
      space: 'full',
    });
    f.contrast[0] = { label: 'Plain SGD', optimizer: 'sgd', lr: '0.1' };
    Object.assign(f, { budget: '500', lrLow: '0.001', lrHigh: '0.5', pace: '10x1' });
    const entry = parseLibraryEntry(entryFromForm(f));
    expect(entry.preset.settings).toMatchObject({ budget: 500, knobRanges: { lr: [0.001, 0.5] }, tickRate: 10, stepsPerTick: 1 });
    expect(entry.terrain).toMatchObject({ layers: [2, 6, 6, 4], slice: false, initScale: 0.5 });
    expect(parseLibraryEntry(entryFromForm(formFromEntry(entry)))).toEqual(entry);
    const formula = parseLibraryEntry(entryFromForm({ ...defaultForm('expression'), title: 'Bowl', expr: 'x^2 + y^2' }));
    expect(parseLibraryEntry(entryFromForm(formFromEntry(formula)))).toEqual(formula);
  });

  it('a refusal shows beside the input it names', () => {
    expect(formFieldOf('entry.title')).toBe('title');
    expect(formFieldOf('entry.terrain.expr')).toBe('expr');
    expect(formFieldOf('entry.terrain.layers[2]', 3)).toBe('width');
    expect(formFieldOf('entry.terrain.layers[4]', 3)).toBe('classes');
    expect(formFieldOf('entry.terrain.layers', 3)).toBe('depth');
    expect(formFieldOf('entry.terrain.initScale')).toBe('initScale');
    expect(formFieldOf('entry.terrain.init')).toBe('init');
    expect(formFieldOf('entry.terrain')).toBe('terrain');
    expect(formFieldOf('entry.preset.settings.defaultOptimizer.lr')).toBe('lr');
    expect(formFieldOf('entry.preset.settings.defaultOptimizer.kind')).toBe('optimizer');
    expect(formFieldOf('entry.preset.contrast[1].optimizer.lr')).toBe('contrast1');
    expect(formFieldOf('entry.preset.settings.knobRanges.lr[0]')).toBe('lrLow');
    expect(formFieldOf('entry.preset.settings.knobRanges.lr')).toBe('lrHigh');
    expect(formFieldOf('entry.preset.settings.budget')).toBe('budget');
    expect(formFieldOf('entry.preset.settings.stepsPerTick')).toBe('pace');
    expect(formFieldOf('entry')).toBe('entry');
    // Every refusal of a form value lands on a field the form has.
    const f = { ...defaultForm(), title: 'x', width: '40' };
    const r = computePreview({ id: 1, entry: entryFromForm(f) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formFieldOf(r.field, 3)).toBe('width');
  });
});

describe('the preview job (what the worker computes)', () => {
  it('a network: checked as the server checks it, its terrain, and the initial decision boundary over the data', () => {
    const r = computePreview({ id: 7, entry: { ...entryFromForm(defaultForm()), title: 'Spirals' } });
    expect(r.id).toBe(7);
    if (!r.ok) throw new Error(r.message);
    expect(r.params).toBe(2 * 8 + 8 + 2 * (8 * 8 + 8) + 8 * 2 + 2);
    expect(r.terrain.rgba.length).toBe(r.terrain.n * r.terrain.n * 4);
    expect(r.terrain.scale.max).toBeGreaterThan(r.terrain.scale.min);
    const b = r.boundary!;
    expect(b.rgba.length).toBe(b.n * b.n * 4);
    expect(b.labels.length).toBe(200);
    expect(b.points.length).toBe(400);
    // Two spirals at random initial weights: about a coin toss, far from solved.
    expect(b.trainAccuracy).toBeGreaterThan(0.2);
    expect(b.trainAccuracy).toBeLessThan(0.8);
    expect(r.classMsPerSecond).toBeLessThan(r.budgetMsPerSecond);
    expect(r.fits.map((f) => f.kind)).toContain('newton');
  });

  it('a terrain too heavy for a class at 40 updates a second can be raced at 10 (the refusal says to lower the pace)', () => {
    const heavy = { ...defaultForm(), title: 'Heavy', samples: '400', depth: '3', width: '16' };
    const fast = computePreview({ id: 1, entry: entryFromForm(heavy) });
    expect(fast.ok).toBe(false);
    if (!fast.ok) {
      expect(formFieldOf(fast.field, 3)).toBe('terrain');
      expect(fast.message).toMatch(/lower the steps per tick or the tick rate/);
    }
    const slow = computePreview({ id: 2, entry: entryFromForm({ ...heavy, pace: '10x1' }) });
    expect(slow.ok).toBe(true);
    if (slow.ok) expect(slow.entry.preset.settings).toMatchObject({ tickRate: 10, stepsPerTick: 1 });
  });

  it('a formula has no boundary; a refused entry names its field', () => {
    const formula = computePreview({ id: 1, entry: { ...entryFromForm(defaultForm('expression')), title: 'Two wells' } });
    expect(formula.ok && formula.boundary).toBe(null);
    const bad = computePreview({ id: 2, entry: { ...entryFromForm({ ...defaultForm('expression'), expr: 'x^2 +' }), title: 'Broken' } });
    expect(bad).toMatchObject({ ok: false, field: 'entry.terrain.expr' });
  });
});

describe('a stored round replayed in the browser', () => {
  it('re-runs the record to the same end points, bit for bit, and leaves the trails to draw', () => {
    const settings = parseRaceSettings({
      landscape: { kind: 'himmelblau' },
      roundSeconds: 5,
      tickRate: 20,
      stepsPerTick: 2,
      startRule: { kind: 'random' },
    });
    const race = new Race(settings, 11);
    race.addRacer('p0', { optimizer: { kind: 'sgd', lr: 0.01, noise: 0.3 } });
    race.addRacer('p1', { optimizer: { kind: 'adam', lr: 0.05 } });
    for (let t = 0; t < 40; t++) {
      race.tick();
      if (t === 10) race.retune('p1', { kind: 'adam', lr: 0.01 });
    }
    const rows = race.racers().map((r) => ({ id: r.id, endPoint: Array.from(r.position) }));
    const r = replayRound({ id: 3, record: race.record(), rows });
    if (!r.ok) throw new Error(r.message);
    expect([r.exact, r.racers, r.maxDifference]).toEqual([2, 2, 0]);
    expect(r.endTick).toBe(40);
    const trails = decodeTrailSnapshot(r.snapshot);
    expect(trails.map((t) => t.id).sort()).toEqual(['p0', 'p1']);
    // A stored end point that differs is reported, not hidden.
    const off = replayRound({
      id: 4,
      record: race.record(),
      rows: [{ ...rows[0], endPoint: [rows[0].endPoint[0] + 1e-9, rows[0].endPoint[1]] }],
    });
    expect(off.ok && [off.exact, off.maxDifference > 0]).toEqual([0, true]);
    expect(replayRound({ id: 5, record: { format: 'nope' }, rows })).toMatchObject({ ok: false });
  });
});

describe('the instructor key', () => {
  it('is made once per server, 256 random bits, and kept apart from other servers', () => {
    const storage = new MemoryStorage();
    const a = instructorKey('http://127.0.0.1:2567', storage);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(instructorKey('http://127.0.0.1:2567', storage)).toBe(a);
    const b = instructorKey('https://other.example', storage);
    expect(b).not.toBe(a);
    expect(storage.items.get(instructorKeyName('https://other.example'))).toBe(b);
    // A damaged stored key is replaced, not sent.
    storage.setItem(instructorKeyName('http://127.0.0.1:2567'), 'short');
    expect(instructorKey('http://127.0.0.1:2567', storage)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('the arena overlay', () => {
  it('draws each recorded trail up to the live tick', () => {
    const trail = { ticks: [0, 2, 4, 6] };
    expect([undefined, -1, 0, 1, 2, 5, 6, 100].map((t) => pointsUpTo(trail, t))).toEqual([4, 1, 1, 1, 2, 3, 4, 4]);
    expect(pointsUpTo({ ticks: [] }, 3)).toBe(0);
  });
});
