import { describe, expect, it } from 'vitest';
import { parseRaceSettings, Race, type ResultRow } from '@gradient-rally/shared';
import {
  axisFor,
  axisFraction,
  classScatter,
  knobValueOf,
  pathsBounds,
  scoreShades,
  sharedEndRanks,
  thinPath,
  variedKnobs,
  type ClassRow,
} from '../../client/src/room/classPlot';

/**
 * Issue 10's class view, drawing-free: a real round of shared's `Race` (the
 * rows a class gets), shaped into the scatter of a knob against a measure,
 * with diverged students kept apart and never dropped.
 */

/** A short round on Booth's function with one racer per learning rate (the last one diverges). */
function classRound(specs: Record<string, Record<string, unknown>>): ClassRow[] {
  const settings = parseRaceSettings({ landscape: 'booth', startRule: { kind: 'shared', point: [-4, 4] }, roundSeconds: 5 });
  const race = new Race(settings, 7);
  for (const [id, optimizer] of Object.entries(specs)) race.addRacer(id, { optimizer });
  while (!race.isOver()) race.tick();
  return race.results().map((r) => ({ ...r, name: r.id.toUpperCase(), knobChanges: 0 }) satisfies ResultRow);
}

const LRS = { ada: 0.001, bo: 0.01, cy: 0.05, di: 0.5 };
const round = classRound(Object.fromEntries(Object.entries(LRS).map(([id, lr]) => [id, { kind: 'sgd', lr }])));
const rule = { kind: 'lowest-loss', decimals: 3 } as const;

describe('which knobs the class varied', () => {
  it('finds the learning rate when only it differs, and every knob that took two values', () => {
    expect(variedKnobs(round)).toEqual(['lr']);
    const mixed = [
      { optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.9 } },
      { optimizer: { kind: 'sgd', lr: 0.01, noise: 2 } },
      { optimizer: { kind: 'sgd', lr: 0.01, samRadius: 0.5 } },
    ] as unknown as Pick<ClassRow, 'optimizer'>[];
    expect(variedKnobs(mixed)).toEqual(['momentum', 'noise', 'samRadius']);
    // Nobody varied anything: the learning rate still gives the plot an axis.
    expect(variedKnobs([mixed[0], mixed[0]])).toEqual(['lr']);
  });

  it("reads a knob from each optimizer's own field (Adam's β1 is its momentum) and none where a kind has no such knob", () => {
    expect(knobValueOf({ optimizer: { kind: 'adam', lr: 0.1, betas: [0.8, 0.999] } } as ClassRow, 'momentum')).toBe(0.8);
    expect(knobValueOf({ optimizer: { kind: 'adagrad', lr: 0.1 } } as ClassRow, 'momentum')).toBeNull();
  });
});

describe('the scatter of a knob against a measure', () => {
  it('puts one dot per student with a score and the diverged student apart, with the reason', () => {
    const byId = Object.fromEntries(round.map((r) => [r.id, r]));
    expect(byId.di.status).toBe('diverged'); // lr 0.5 on Booth (curvature 18): the round's rules say so, not the test
    const s = classScatter(round, 'lr', 'score', rule);
    expect(s.points.map((p) => p.id).sort()).toEqual(['ada', 'bo', 'cy']);
    expect(s.apart).toEqual([{ id: 'di', name: 'DI', x: 0.5, xText: '0.5', reason: 'diverged' }]);
    for (const p of s.points) {
      expect(p.x).toBe(LRS[p.id as keyof typeof LRS]);
      expect(p.y).toBe(byId[p.id].score);
    }
    // Best first, as ranked.
    expect(s.points.map((p) => p.rank)).toEqual([...s.points.map((p) => p.rank)].sort((a, b) => a - b));
    // The learning rate on a log axis that holds every student's rate, the diverged one too.
    expect(s.x.log).toBe(true);
    for (const lr of Object.values(LRS)) {
      expect(axisFraction(s.x, lr)).toBeGreaterThan(0);
      expect(axisFraction(s.x, lr)).toBeLessThan(1);
    }
    expect(s.x.ticks.map((t) => t.text)).toEqual(['0.001', '0.01', '0.1']);
    expect(s.y.label).toBe('Score (lowest loss)');
  });

  it('switching the measure to λmax moves the dots to each end point’s sharpness', () => {
    const s = classScatter(round, 'lr', 'lambdaMax', rule);
    for (const p of s.points) expect(p.y).toBe(round.find((r) => r.id === p.id)!.lambdaMax);
    expect(s.y.label).toContain('λmax');
    expect(s.apart.map((a) => a.reason)).toEqual(['diverged']);
  });

  it('keeps apart the students whose optimizer has no such knob, and says how many changed knobs mid-round', () => {
    const rows = classRound({ ann: { kind: 'sgd', lr: 0.01, momentum: 0.5 }, ben: { kind: 'adagrad', lr: 0.5 } });
    rows[0].knobChanges = 2;
    const s = classScatter(rows, 'momentum', 'score', rule);
    expect(s.points.map((p) => p.name)).toEqual(['ANN']);
    expect(s.apart).toEqual([{ id: 'ben', name: 'BEN', x: null, xText: '—', reason: 'Adagrad has no momentum' }]);
    expect(s.changedKnobs).toBe(1);
    // Momentum is linear, not log.
    expect(s.x.log).toBe(false);
  });

  it('says "never reached the target" under time-to-target', () => {
    const rows = [{ ...round[0], score: null, status: 'finished' }] as ClassRow[];
    expect(classScatter(rows, 'lr', 'score', { kind: 'time-to-target', decimals: 2 }).apart[0].reason).toBe('never reached the target');
  });
});

describe('axes', () => {
  it('linear axes pad the data and tick at 1, 2 or 5 × 10ⁿ; one value sits in the middle', () => {
    const a = axisFor([0.2, 0.9], false, 'm');
    expect(a.min).toBeLessThan(0.2);
    expect(a.max).toBeGreaterThan(0.9);
    expect(a.ticks.map((t) => t.value)).toEqual([0.2, 0.4, 0.6, 0.8]);
    const one = axisFor([0.5], false, 'm');
    expect(axisFraction(one, 0.5)).toBeCloseTo(0.5, 12);
    const zero = axisFor([0], false, 'm');
    expect(zero.max).toBeGreaterThan(zero.min);
  });

  it('a measure spanning two decades or more goes on a log axis; with a negative value it cannot', () => {
    const rows = (ys: number[]) =>
      ys.map((y, i) => ({ ...round[0], id: `r${i}`, rank: i + 1, score: y, status: 'finished' })) as ClassRow[];
    expect(classScatter(rows([0.001, 0.5]), 'lr', 'score', rule).y.log).toBe(true);
    expect(classScatter(rows([0.1, 0.5]), 'lr', 'score', rule).y.log).toBe(false);
    const lambdas = rows([0.01, 3]).map((r, i) => ({ ...r, lambdaMax: i ? 3 : -0.5 }));
    expect(classScatter(lambdas, 'lr', 'lambdaMax', rule).y.log).toBe(false);
  });

  it('a log axis over under two decades has 2 and 5 ticks too; no data still gives a drawable axis', () => {
    expect(axisFor([0.01, 0.05], true, 'lr').ticks.map((t) => t.text)).toEqual(['0.01', '0.02', '0.05']);
    const empty = axisFor([], false, 'x');
    expect(Number.isFinite(empty.min) && empty.max > empty.min).toBe(true);
  });
});

describe('end points and paths', () => {
  it('shades end points by score from best (0) to worst (1); no score → none', () => {
    const shades = scoreShades(round);
    const scored = round.filter((r) => r.score !== null).sort((a, b) => a.score! - b.score!);
    expect(shades.get(scored[0].id)).toBe(0);
    expect(shades.get(scored.at(-1)!.id)).toBe(1);
    expect(shades.get('di')).toBeNull();
    expect(scoreShades([{ id: 'a', score: 1 }]).get('a')).toBe(0);
  });

  it('names every racer that ended at the same place on the one disc drawn there, best first', () => {
    const at: Record<string, [number, number]> = { a: [0, 0], b: [0.5, 0], c: [100, 100] };
    const shared = sharedEndRanks(
      [
        { id: 'b', rank: 2 },
        { id: 'a', rank: 1 },
        { id: 'c', rank: 3 },
        { id: 'gone', rank: 4 },
      ],
      (id) => at[id],
      1,
    );
    expect(shared.get('a')).toEqual([1, 2]);
    expect(shared.get('b')).toEqual([1, 2]);
    expect(shared.get('c')).toEqual([3]);
    expect(shared.has('gone')).toBe(false);
  });

  it('thins a long path evenly, keeping its start and its end point', () => {
    const long = Float32Array.from({ length: 5000 }, (_, i) => i);
    const thin = thinPath(long, 100);
    expect(thin.length).toBe(200);
    expect(thin.slice(0, 2)).toEqual([0, 1]);
    expect(thin.slice(-2)).toEqual([4998, 4999]);
    expect(thinPath([1, 2, 3, 4], 100)).toEqual([1, 2, 3, 4]);
  });

  it("draws in the terrain picture's box, else a square around every finite point", () => {
    const picture = { xMin: -1, xMax: 1, yMin: -2, yMax: 2 };
    expect(pathsBounds(picture, [[5, 5]])).toBe(picture);
    const b = pathsBounds(undefined, [
      [0, 0, 2, 1, Number.NaN, 9],
      [1, 4],
    ]);
    expect(b.xMin).toBeLessThan(0);
    expect(b.xMax).toBeGreaterThan(2);
    expect(b.yMin).toBeLessThan(0);
    expect(b.yMax).toBeGreaterThan(4);
    expect(b.xMax - b.xMin).toBeCloseTo(b.yMax - b.yMin, 12);
    expect(pathsBounds(undefined, [])).toEqual({ xMin: -1, xMax: 1, yMin: -1, yMax: 1 });
  });
});
