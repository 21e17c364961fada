import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRESET,
  landscapeCatalogue,
  parseRaceSettings,
  presetSettingsPatch,
  Race,
  SpecError,
  type TerrainPreset,
} from '@gradient-rally/shared';
import {
  BEST_SCORES_MAX,
  bestKey,
  parseBestTable,
  recordBest,
  SOLO_RACER,
  SoloRound,
  soloSettings,
  type SoloBest,
} from '../../client/src/solo/soloRound';

/** A tuned preset, as the terrain presets will be: every field a preset may set. */
const HIMMELBLAU_PRESET: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [-4, 4] },
    roundSeconds: 10,
    tickRate: 20,
    stepsPerTick: 2,
    scoring: { kind: 'lowest-loss' },
    knobRanges: { lr: [0.0001, 0.05] },
    defaultOptimizer: { kind: 'adam', lr: 0.05 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.01', optimizer: { kind: 'sgd', lr: 0.01 } },
    { label: 'Adam, lr 0.05', optimizer: { kind: 'adam', lr: 0.05 } },
  ],
};
const himmelblau = { spec: { kind: 'himmelblau' }, preset: HIMMELBLAU_PRESET };

function playToEnd(round: SoloRound): number {
  let ticks = 0;
  while (round.tick()) ticks++;
  return ticks + 1;
}

describe('solo is a one-racer round under the terrain preset', () => {
  it("takes the preset's rules: start, length, scoring, knob ranges, default optimizer", () => {
    const s = soloSettings(himmelblau);
    expect(s.startRule).toEqual({ kind: 'shared', point: [-4, 4] });
    expect(s.roundSeconds).toBe(10);
    expect(s.scoring).toEqual({ kind: 'lowest-loss', decimals: 3 });
    expect(s.knobRanges.lr).toEqual([0.0001, 0.05]);
    expect(s.defaultOptimizer.kind).toBe('adam');
    expect(s.maxPlayers).toBe(1);
    // A clicked start replaces the preset's start rule; one outside the view is refused by name.
    expect(soloSettings(himmelblau, [1, 2]).startRule).toEqual({ kind: 'shared', point: [1, 2] });
    expect(() => soloSettings(himmelblau, [99, 0])).toThrow(SpecError);
    expect(() => soloSettings(himmelblau, [99, 0])).toThrow(/startRule\.point\[0\]/);
  });

  it('refuses knobs outside the round, as a class round does', () => {
    const s = soloSettings(himmelblau);
    expect(() => new SoloRound(s, { kind: 'sgd', lr: 1 })).toThrow(/optimizer\.lr.*\[0\.0001, 0\.05\]/);
  });

  it('scores and explains a run exactly as a class round with the same settings does', () => {
    const s = soloSettings(himmelblau);
    const optimizer = { kind: 'sgd', lr: 0.01, momentum: 0.5 };
    const round = new SoloRound(s, optimizer);
    const ticks = playToEnd(round);
    expect(ticks).toBe(200); // 10 s × 20 ticks
    const { result, ruleName, scoreText } = round.outcome();

    const classRound = new Race(s);
    classRound.addRacer(SOLO_RACER, { optimizer });
    while (!classRound.isOver()) classRound.tick();
    const expected = classRound.results()[0];
    expect(result).toEqual(expected);
    expect(ruleName).toBe('lowest loss');
    expect(Number(scoreText)).toBeCloseTo(expected.score!, 2);
    expect(result.note.length).toBeGreaterThan(20);
  });

  it('stops a diverging run at its last finite point and says why (the old solo loop left θ at NaN)', () => {
    const s = soloSettings({ spec: { kind: 'rosenbrock' }, preset: DEFAULT_PRESET });
    const round = new SoloRound(s, { kind: 'sgd', lr: 0.05 });
    const ticks = playToEnd(round);
    expect(ticks).toBeLessThan(s.roundSeconds! * s.tickRate);
    const v = round.racer;
    expect(v.status).toBe('diverged');
    expect(Array.from(v.position).every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(v.loss)).toBe(true);
    const { result, scoreText } = round.outcome();
    expect(result.score).toBeNull();
    expect(scoreText).toBe('no score');
    expect(result.note).toMatch(/^Diverged after \d+ updates/);
  });

  it('a retune mid-run is recorded and replays, as in class', () => {
    const s = soloSettings(himmelblau);
    const round = new SoloRound(s, { kind: 'sgd', lr: 0.001 });
    for (let i = 0; i < 20; i++) round.tick();
    round.retune({ kind: 'adam', lr: 0.05 });
    playToEnd(round);
    const record = round.race.record();
    expect(record.changes).toHaveLength(1);
    expect(record.changes[0].tick).toBe(20);
  });

  it('every catalogue terrain can be played solo under its preset', () => {
    for (const entry of landscapeCatalogue()) {
      const s = soloSettings(entry);
      const round = new SoloRound(s, s.defaultOptimizer);
      for (let i = 0; i < 3 && round.tick(); i++);
      expect(round.racer.updates, entry.title).toBeGreaterThan(0);
    }
  });
});

describe('picking a terrain applies its preset', () => {
  it("resets what the last terrain's preset set, so a rule tuned for it does not carry over", () => {
    const afterHimmelblau = { ...presetSettingsPatch(himmelblau, { allowedOptimizers: ['sgd', 'adam'] }) };
    const rastrigin = landscapeCatalogue().find((c) => c.spec.kind === 'rastrigin')!;
    const merged = {
      ...afterHimmelblau,
      ...presetSettingsPatch({ ...rastrigin, preset: DEFAULT_PRESET }, { allowedOptimizers: ['sgd', 'adam'] }),
    };
    const s = parseRaceSettings(merged);
    expect(s.landscape.kind).toBe('rastrigin');
    expect(s.scoring.kind).toBe('robust-loss');
    expect(s.roundSeconds).toBe(60);
    expect(s.knobRanges.lr).toEqual(parseRaceSettings({}).knobRanges.lr);
    expect(s.defaultOptimizer).toMatchObject({ kind: 'sgd', lr: 0.01 });
  });
  it("allows the preset's default optimizer when the host had left its kind out", () => {
    const patch = presetSettingsPatch(himmelblau, { allowedOptimizers: ['sgd'] });
    expect(patch.allowedOptimizers).toEqual(['sgd', 'adam']);
    expect(() => parseRaceSettings({ allowedOptimizers: ['sgd'], ...patch })).not.toThrow();
  });
});

describe('best score per terrain', () => {
  const run = (score: number): SoloBest => ({ score, rule: 'robust loss', optimizer: 'SGD, lr 0.01' });

  it('lower wins, as in a round', () => {
    let r = recordBest({}, 'k', run(0.5));
    expect(r).toMatchObject({ improved: true, previous: undefined });
    r = recordBest(r.table, 'k', run(0.7));
    expect(r.improved).toBe(false);
    expect(r.table.k.score).toBe(0.5);
    r = recordBest(r.table, 'k', run(0.2));
    expect(r).toMatchObject({ improved: true, previous: { score: 0.5 } });
    expect(r.table.k.score).toBe(0.2);
  });

  it('keys by everything that decides a score, so different rules never compare', () => {
    const a = soloSettings(himmelblau);
    const b = soloSettings({
      ...himmelblau,
      preset: { ...HIMMELBLAU_PRESET, settings: { ...HIMMELBLAU_PRESET.settings, roundSeconds: 20 } },
    });
    const c = soloSettings({
      ...himmelblau,
      preset: { ...HIMMELBLAU_PRESET, settings: { ...HIMMELBLAU_PRESET.settings, scoring: { kind: 'robust-loss' } } },
    });
    expect(new Set([bestKey(a), bestKey(b), bestKey(c)]).size).toBe(3);
    expect(bestKey(soloSettings(himmelblau))).toBe(bestKey(a));
  });

  it('keeps at most BEST_SCORES_MAX terrains, dropping the oldest', () => {
    let table: Record<string, SoloBest> = {};
    for (let i = 0; i < BEST_SCORES_MAX + 5; i++) table = recordBest(table, `t${i}`, run(i)).table;
    expect(Object.keys(table)).toHaveLength(BEST_SCORES_MAX);
    expect(table.t0).toBeUndefined();
    expect(table[`t${BEST_SCORES_MAX + 4}`]).toBeDefined();
  });

  it("reads back what it wrote and drops what it did not (the browser's storage is not ours)", () => {
    const { table } = recordBest({}, 'k', run(0.25));
    expect(parseBestTable(JSON.stringify(table))).toEqual(table);
    expect(parseBestTable(null)).toEqual({});
    expect(parseBestTable('{oops')).toEqual({});
    expect(parseBestTable('[1,2]')).toEqual({});
    expect(parseBestTable(JSON.stringify({ a: { score: 'x' }, b: { score: 1, rule: 'r', optimizer: 'o' }, c: null }))).toEqual({
      b: { score: 1, rule: 'r', optimizer: 'o' },
    });
  });
});
