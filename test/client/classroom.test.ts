import { describe, expect, it } from 'vitest';
import {
  checkRacerOptimizer,
  landscapeCatalogue,
  parseRoomSettings,
  presetSettingsPatch,
  ROUND_SECONDS_RANGE,
  SpecError,
  type ResultRow,
  type ScoringRule,
} from '@gradient-rally/shared';
import { layoutLabels, type LabelRequest } from '../../client/src/arena/labelLayout';
import { Viewport } from '../../client/src/arena/Viewport';
import { grownBounds, leavesView, MAX_VIEW_GROWTH } from '../../client/src/arena/viewFollow';
import { placeText, podiumSteps, settledText } from '../../client/src/room/podium';
import { checkSettingNumber, fieldOfPath, plainKnobRefusal, plainRefusal } from '../../client/src/room/settingsWords';

/** Issue 9: the pure parts of the classroom screens (labels, views that follow racers, plain refusals, the podium). */

type Rect = { x: number; y: number; w: number; h: number };
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('racer names never overlap', () => {
  const label = (id: string, x: number, y: number, first = false): LabelRequest => ({
    id,
    x,
    y,
    r: 8,
    w: 40 + id.length * 7,
    h: 18,
    first,
  });

  it('racers on one shared start: every name placed, none overlapping, inside the view, far ones with a leader line', () => {
    const reqs = ['Ada', 'Bob', 'Cy', 'Dee', 'Eve', 'Fay'].map((n, i) => label(n, 300, 200, i === 2));
    const placed = layoutLabels(reqs, 800, 500);
    expect(placed.map((p) => p.id).sort()).toEqual(reqs.map((r) => r.id).sort());
    const rects = placed.map((p) => ({ x: p.x, y: p.y, w: reqs.find((r) => r.id === p.id)!.w, h: 18 }));
    for (let i = 0; i < rects.length; i++) {
      expect(rects[i].x).toBeGreaterThanOrEqual(0);
      expect(rects[i].x + rects[i].w).toBeLessThanOrEqual(800);
      for (let j = i + 1; j < rects.length; j++) expect(overlap(rects[i], rects[j]), `${placed[i].id} / ${placed[j].id}`).toBe(false);
    }
    // The viewer's own name is placed first, in the classic spot beside the marker.
    expect(placed[0].id).toBe('Cy');
    expect(placed[0].leader).toBeNull();
    expect(placed.some((p) => p.leader !== null)).toBe(true);
  });

  it('thirty racers on one point on a phone: the names that fit do not overlap; the own one is always there', () => {
    const reqs = Array.from({ length: 30 }, (_, i) => label(`Player ${i}`, 180, 40, i === 17));
    const placed = layoutLabels(reqs, 360, 360);
    expect(placed.some((p) => p.id === 'Player 17')).toBe(true);
    const rects = placed.map((p) => ({ x: p.x, y: p.y, w: reqs.find((r) => r.id === p.id)!.w, h: 18 }));
    for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) expect(overlap(rects[i], rects[j])).toBe(false);
    expect(placed.length).toBeGreaterThan(8);
  });

  it('spread-out racers keep the spot beside their marker', () => {
    const placed = layoutLabels([label('Ada', 100, 100), label('Bob', 400, 300)], 800, 500);
    expect(placed.every((p) => p.leader === null)).toBe(true);
    expect(placed[0].x).toBeGreaterThan(100);
  });
});

describe('the view follows the racers', () => {
  const home = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const view = Viewport.fit(home, 400, 400);

  it('notices a racer leaving the view (or at its edge), not one inside it', () => {
    expect(leavesView(view, [[0, 0]])).toBe(false);
    expect(leavesView(view, [[0.03, 1.68]])).toBe(true); // where the moons network's racers end (issue 9)
    expect(leavesView(view, [[0.99, 0]])).toBe(true);
  });

  it('grows on the side the racer crosses, with room to spare, keeping the rest', () => {
    const g = grownBounds(home, home, [
      [0.03, 1.68],
      [0, 0],
    ]);
    expect(g.yMax).toBeGreaterThan(1.68);
    expect(g.yMin).toBe(-1);
    expect(g.xMin).toBe(-1);
    expect(g.xMax).toBe(1);
    expect(leavesView(Viewport.fit(g, 400, 400), [[0.03, 1.68]])).toBe(false);
  });

  it('never grows past MAX_VIEW_GROWTH times the terrain: a racer flying off leaves the terrain readable', () => {
    const g = grownBounds(home, home, [[1e6, -1e6]]);
    expect(g.xMax).toBeCloseTo(MAX_VIEW_GROWTH, 9);
    expect(g.yMin).toBeCloseTo(-MAX_VIEW_GROWTH, 9);
    expect(grownBounds(home, home, [[Number.NaN, 3]])).toEqual(home);
  });
});

describe("the host's refusals in plain words", () => {
  const base = presetSettingsPatch(landscapeCatalogue()[0]);
  /** What the server says for a settings patch (shared's own check, as the room runs it). */
  function refusal(patch: Record<string, unknown>): SpecError {
    try {
      parseRoomSettings({ ...base, ...patch }, 'settings');
    } catch (e) {
      if (e instanceof SpecError) return e;
    }
    throw new Error(`accepted: ${JSON.stringify(patch)}`);
  }

  it('names the field as the form does, says the range, and never shows a path', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ roundSeconds: 0 }, 'roundSeconds', /^Round length must be between 5 and 1800 seconds, not 0\.$/],
      [{ roundSeconds: 99999 }, 'roundSeconds', /^Round length must be between 5 and 1800 seconds, not 99999\.$/],
      [{ maxPlayers: 0 }, 'maxPlayers', /^Player limit must be a whole number from 1 to 100, not 0\.$/],
      [{ allowedOptimizers: [] }, 'allowedOptimizers', /^Keep at least one optimizer ticked/],
      [
        { knobRanges: { lr: [0.5, 0.1] } },
        'knobRanges',
        /^The Learning rate range: the lowest \(0\.5\) must not be above the highest \(0\.1\)\.$/,
      ],
      [{ knobRanges: { momentum: [0, 2] } }, 'knobRanges', /^Highest Momentum must be between 0 and 0\.999, not 2\.$/],
      [{ startRule: { kind: 'shared', point: [-9, 0] } }, 'startRule', /^The start point's x must be between -3 and 3, not -9\.$/],
      [{ landscape: { kind: 'expression', expr: 'sin(x ^ (' } }, 'landscape', /^Terrain: expected a number/],
      [
        { allowedOptimizers: ['sgd', 'adamw'], defaultOptimizer: { kind: 'adam', lr: 0.01 } },
        'defaultOptimizer',
        /^Players cannot start on Adam: it is not ticked among the optimizers players may pick \(SGD, AdamW\)\. Tick it under “3 · Students” first\.$/,
      ],
    ];
    for (const [patch, field, text] of cases) {
      const e = refusal(patch);
      const r = plainRefusal(e.path, e.message, 'landscape');
      expect(r.field, JSON.stringify(patch)).toBe(field);
      expect(r.text, JSON.stringify(patch)).toMatch(text);
      expect(r.text).not.toMatch(/settings\.|\n/);
    }
    expect(fieldOfPath('settings.knobRanges.lr[0]')).toBe('knobRanges');
    expect(fieldOfPath('settings.nothingHere')).toBeUndefined();
  });

  it('checks numbers against shared’s range before sending them', () => {
    expect(checkSettingNumber('roundSeconds', '0', ROUND_SECONDS_RANGE)).toEqual({
      ok: false,
      text: 'Round length must be between 5 and 1800 seconds, not 0.',
    });
    expect(checkSettingNumber('roundSeconds', '99999', ROUND_SECONDS_RANGE).ok).toBe(false);
    expect(checkSettingNumber('roundSeconds', '', ROUND_SECONDS_RANGE, { emptyAllowed: true })).toEqual({ ok: true, value: null });
    expect(checkSettingNumber('maxPlayers', '2.5', [1, 100], { integer: true })).toEqual({
      ok: false,
      text: 'Player limit must be a whole number, not 2.5.',
    });
    expect(checkSettingNumber('roundSeconds', '60', ROUND_SECONDS_RANGE)).toEqual({ ok: true, value: 60 });
  });

  it('names a refused knob by its label, not its key', () => {
    const settings = parseRoomSettings({ ...base, lockedKnobs: ['lr'], knobRanges: { momentum: [0, 0.5] } }, 'settings').settings;
    const knobError = (spec: unknown): SpecError => {
      try {
        checkRacerOptimizer(settings, spec, 2);
      } catch (e) {
        if (e instanceof SpecError) return e;
      }
      throw new Error('accepted');
    };
    const locked = knobError({ kind: 'sgd', lr: 0.05 });
    expect(plainKnobRefusal('sgd', locked.path, locked.message)).toMatch(/^Learning rate is set by the host for this round \(/);
    const range = knobError({ kind: 'sgd', momentum: 0.9 });
    expect(plainKnobRefusal('sgd', range.path, range.message)).toBe('Momentum must be between 0 and 0.5 in this round, not 0.9.');
    const adam = knobError({ kind: 'adam', betas: [0.9, 0.999] });
    expect(plainKnobRefusal('adam', adam.path, adam.message)).toBe('Momentum (β1) must be between 0 and 0.5 in this round, not 0.9.');
    for (const e of [locked, range, adam]) expect(plainKnobRefusal('sgd', e.path, e.message)).not.toMatch(/optimizer\.|\blr\b/);
  });
});

describe('the podium', () => {
  const row = (id: string, rank: number, score: number): ResultRow => ({ id, name: id, rank, score }) as unknown as ResultRow;

  it('puts tied racers on one step and leaves the places a tie skips empty', () => {
    const steps = podiumSteps([row('a', 1, 0.5), row('b', 1, 0.5), row('c', 1, 0.5), row('d', 4, 0.9)]);
    expect(steps.map((s) => [s.place, s.rows.map((r) => r.id)])).toEqual([[1, ['a', 'b', 'c']]]);
    expect(placeText(steps[0])).toBe('Tied for 1st');
    const two = podiumSteps([row('a', 1, 0.1), row('b', 2, 0.2), row('c', 2, 0.2), row('d', 4, 0.3)]);
    expect(two.map((s) => [s.place, s.rows.length])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(placeText(two[0])).toBe('1st');
    expect(podiumSteps([row('a', 1, 1), row('b', 2, 2), row('c', 3, 3)]).map((s) => s.place)).toEqual([1, 2, 3]);
  });

  it('labels the settling time that splits equal scores, and leaves it out where the score is a time or missing', () => {
    const at = (settledSeconds: number | null, score: number | null = 0.5) => ({ ...row('a', 1, 0), score, settledSeconds }) as ResultRow;
    const robust: ScoringRule = { kind: 'robust-loss', radius: 0.05, samples: 16, decimals: 3 };
    expect(settledText(robust, at(4.5))).toBe('at rest after 4.5 s');
    expect(settledText(robust, at(null))).toBe('still moving at the end');
    expect(settledText(robust, at(4.5, null))).toBe('');
    expect(settledText({ kind: 'time-to-target', target: 0.1, decimals: 2 }, at(4.5, 3.2))).toBe('');
  });
});
