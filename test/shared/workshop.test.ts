import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkEntryCost,
  checkRoomCost,
  createLandscape,
  entryOptimizerFits,
  entrySettingsPatch,
  estimateRoomCost,
  LIBRARY_CLASS_SIZE,
  LIBRARY_LIMITS,
  libraryFile,
  parseLibraryEntry,
  parseLibraryFile,
  parseRoomSettings,
  raceSettingsOfRoom,
  presetSettingsPatch,
  SESSION_RULES,
  sessionRuleExplanation,
  sessionStandings,
  sessionToCsv,
  SpecError,
  SUGGESTED_ROOM_BUDGET,
  terrainTitle,
  type ResultRow,
  type SessionExportRound,
  type SessionRound,
} from '@gradient-rally/shared';

/**
 * The instructor's workshop in shared: library entries (validated once, the
 * same words on server and page), the terrain cost rule built on the room
 * cost model, the patch a room sends to use an entry, and the session
 * scoreboard's rules — each rule's one-sentence explanation checked against
 * what `sessionStandings` computes over many random sessions.
 */

const spirals = (over: Record<string, unknown> = {}) => ({
  title: 'Spirals need depth',
  lesson: 'Three relu layers with He initialisation.',
  terrain: {
    kind: 'mlp',
    dataset: 'spirals',
    samples: 200,
    noise: 0.1,
    seed: 1,
    layers: [2, 8, 8, 8, 2],
    activation: 'relu',
    init: 'he',
    slice: true,
    ...over,
  },
});

function thrown(f: () => unknown): SpecError {
  try {
    f();
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('library entries', () => {
  it('normalise the terrain, trim the text, keep the preset as written', () => {
    const e = parseLibraryEntry({ ...spirals(), title: '  Spirals need depth ', preset: { settings: { roundSeconds: 30 } } });
    expect(e.title).toBe('Spirals need depth');
    expect(e.terrain).toEqual(createLandscape(spirals().terrain).spec);
    expect(e.terrain).toMatchObject({ init: 'he', initScale: 1, testSamples: 200, weightDecay: 0 });
    expect(e.preset).toEqual({ settings: { roundSeconds: 30 }, contrast: [] });
    // A formula too.
    expect(parseLibraryEntry({ title: 'Bowl', terrain: { kind: 'expression', expr: 'x^2+y^2' } }).terrain.kind).toBe('expression');
  });

  it('refuse what a library cannot keep, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ ...spirals(), title: '' }, 'entry.title'],
      [{ ...spirals(), lesson: 'x'.repeat(LIBRARY_LIMITS.lessonChars + 1) }, 'entry.lesson'],
      [{ ...spirals(), terrain: { kind: 'himmelblau' } }, 'entry.terrain.kind'],
      [
        {
          ...spirals(),
          terrain: { kind: 'mlp', layers: [2, 2], activation: 'tanh', data: { x: [[0, 0]], y: [0] }, center: [0, 0, 0, 0, 0, 0] },
        },
        'entry.terrain.dataset',
      ],
      [spirals({ layers: [2, 8, 3] }), 'entry.terrain.layers[2]'],
      [{ ...spirals(), preset: { settings: { budget: -1 } } }, 'entry.preset.settings.budget'],
      [{ ...spirals(), preset: { settings: { scoring: { kind: 'test-loss' } } } }, ''],
      [
        { ...spirals(), terrain: { kind: 'expression', expr: 'x^2' }, preset: { settings: { scoring: { kind: 'test-loss' } } } },
        'entry.preset.settings.scoring.kind',
      ],
      [
        { ...spirals(), preset: { contrast: Array.from({ length: 5 }, () => ({ label: 'a', optimizer: { kind: 'sgd', lr: 0.01 } })) } },
        'entry.preset.contrast',
      ],
      [
        { ...spirals(), preset: { contrast: [{ label: 'x', optimizer: { kind: 'adam', lr: 0.01, betas: [0.9, 2] } }] } },
        'entry.preset.contrast[0].optimizer.betas[1]',
      ],
      [{ ...spirals(), lesson: '€'.repeat(3000) }, 'entry'],
    ];
    for (const [json, field] of cases) {
      if (field === '') {
        expect(() => parseLibraryEntry(json)).not.toThrow();
        continue;
      }
      const e = thrown(() => parseLibraryEntry(json));
      expect(e.path, e.message).toBe(field);
    }
  });

  it('a library file round-trips, and an import names the entry that is wrong', () => {
    const entries = [
      parseLibraryEntry(spirals()),
      parseLibraryEntry({ title: 'Bowl', terrain: { kind: 'expression', expr: 'x^2 + 3*y^2' } }),
    ];
    const stored = entries.map((e, i) => ({ ...e, id: `id${i}`, createdAt: 'then', updatedAt: 'now', shareId: null }));
    const file = JSON.parse(JSON.stringify(libraryFile(stored)));
    expect(Object.keys(file.entries[0]).sort()).toEqual(['lesson', 'preset', 'terrain', 'title']);
    expect(parseLibraryFile(file)).toEqual(entries);
    file.entries[1].terrain.expr = 'x^';
    expect(thrown(() => parseLibraryFile(file)).path).toBe('file.entries[1].terrain.expr');
  });
});

describe('the terrain cost rule (the room cost model, as a server applies it)', () => {
  it('a class of 40 on the default optimizer must fit the room budget: the refusal names the terrain and the model’s advice', () => {
    const heavy = spirals({ samples: 1000, layers: [2, 32, 32, 2], slice: false });
    const e = thrown(() => parseLibraryEntry(heavy));
    expect(e.path).toBe('entry.terrain');
    const cost = estimateRoomCost(
      presetSettingsPatch({ spec: createLandscape(heavy.terrain).spec, preset: { settings: {}, contrast: [] } }),
      LIBRARY_CLASS_SIZE,
      {
        assume: 'default',
      },
    );
    expect(cost.msPerSecond).toBeGreaterThan(SUGGESTED_ROOM_BUDGET.msPerSecond);
    expect(e.message).toContain(
      `a class of ${LIBRARY_CLASS_SIZE} on the default optimizer: this round would need ~${Math.round(cost.msPerSecond)} ms`,
    );
    expect(e.message).toMatch(/use a smaller network or fewer samples/);
    // The model's advice works: a smaller network on fewer samples fits.
    expect(() => parseLibraryEntry(spirals({ samples: 300, layers: [2, 16, 16, 2], slice: false }))).not.toThrow();
  });

  it('optimizers a terrain cannot carry are listed, not refused; the patch a room sends leaves them out and passes the server’s checks', () => {
    let accepted = 0;
    let newtonOff = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('moons', 'spirals', 'circles', 'xor'),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 2, max: 12 }),
        fc.constantFrom('tanh', 'relu', 'sigmoid'),
        fc.boolean(),
        fc.integer({ min: 20, max: 300 }),
        (dataset, depth, width, activation, slice, samples) => {
          const json = spirals({ dataset, samples, layers: [2, ...Array(depth).fill(width), 2], activation, init: undefined, slice });
          let entry: ReturnType<typeof parseLibraryEntry>;
          try {
            entry = parseLibraryEntry(json);
          } catch (e) {
            // Refused only for its cost, and then the class check really does not fit.
            expect((e as SpecError).path).toBe('entry.terrain');
            return;
          }
          accepted++;
          const fits = entryOptimizerFits(entry);
          if (!fits.find((f) => f.kind === 'newton')!.fits) newtonOff++;
          const patch = entrySettingsPatch(entry, {}, fits);
          const allowed = patch.allowedOptimizers as string[];
          expect(allowed.every((k) => fits.find((f) => f.kind === k)!.fits)).toBe(true);
          // What the server would check (race/cost.ts's suggested use): one player on anything allowed, a class on the default.
          const settings = raceSettingsOfRoom(parseRoomSettings(patch).settings);
          expect(() => checkRoomCost(settings, 1, SUGGESTED_ROOM_BUDGET)).not.toThrow();
          expect(() => checkRoomCost(settings, LIBRARY_CLASS_SIZE, SUGGESTED_ROOM_BUDGET, { assume: 'default' })).not.toThrow();
          expect(checkEntryCost(entry).msPerSecond).toBeCloseTo(
            estimateRoomCost(presetSettingsPatch({ spec: entry.terrain, preset: entry.preset }), LIBRARY_CLASS_SIZE, { assume: 'default' })
              .msPerSecond,
            9,
          );
        },
      ),
      { numRuns: 40 },
    );
    // The property saw both kinds of terrain: accepted ones, and ones where Newton had to be left out.
    expect(accepted).toBeGreaterThan(10);
    expect(newtonOff).toBeGreaterThan(0);
  });

  it('Newton is off on a network in full space (its dense Hessian), on in a slice', () => {
    const full = entryOptimizerFits(parseLibraryEntry(spirals({ slice: false })));
    const newton = full.find((f) => f.kind === 'newton')!;
    expect(newton.fits).toBe(false);
    expect(newton.reason).toMatch(/Newton/);
    expect(entryOptimizerFits(parseLibraryEntry(spirals())).find((f) => f.kind === 'newton')!.fits).toBe(true);
    expect(
      entrySettingsPatch(parseLibraryEntry(spirals({ slice: false })), { allowedOptimizers: ['newton', 'adam'] }).allowedOptimizers,
    ).toEqual(['adam']);
  });
});

// ───────────────────────────── session scoreboard ─────────────────────────────

function round(k: number, names: string[], scores: (number | null)[] = names.map((_, i) => i / 10)): SessionRound {
  return { roundId: `R-${k}`, round: k, title: 'T', rows: names.map((name, i) => ({ id: name, name, rank: i + 1, score: scores[i] })) };
}

/** Random sessions: up to 5 rounds of up to 6 racers drawn from 8 players, any order, scores or none. */
const sessions = fc
  .array(
    fc.tuple(
      fc.shuffledSubarray(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'], { minLength: 1, maxLength: 6 }),
      fc.array(fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: null }), { minLength: 6, maxLength: 6 }),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((rs) => rs.map(([names, scores], k) => round(k + 1, names, scores)));

describe('session standings: each rule does what its sentence says', () => {
  it('points: n − r + 1 per round, 0 for a missed one, most first', () => {
    const s = sessionStandings([round(1, ['A', 'B', 'C']), round(2, ['C', 'A'])], 'points');
    expect(s.map((x) => [x.name, x.value, x.rank, x.perRound])).toEqual([
      ['A', 3 + 1, 1, [3, 1]],
      ['C', 1 + 2, 2, [1, 2]],
      ['B', 2, 3, [2, null]],
    ]);
    expect(sessionRuleExplanation('points')).toMatch(/n − r \+ 1 points/);
    fc.assert(
      fc.property(sessions, (rounds) => {
        for (const st of sessionStandings(rounds, 'points')) {
          const byHand = rounds.reduce((t, r) => {
            const row = r.rows.find((x) => x.id === st.id);
            return t + (row ? r.rows.length - row.rank + 1 : 0);
          }, 0);
          expect(st.value).toBe(byHand);
        }
      }),
    );
  });

  it('average place: a missed round is one place behind its last racer', () => {
    const s = sessionStandings([round(1, ['A', 'B', 'C']), round(2, ['C', 'A'])], 'average-rank');
    const of = (n: string) => s.find((x) => x.name === n)!.value;
    expect(of('A')).toBe(1.5);
    expect(of('B')).toBe((2 + 3) / 2);
    expect(of('C')).toBe(2);
    fc.assert(
      fc.property(sessions, (rounds) => {
        for (const st of sessionStandings(rounds, 'average-rank')) {
          const places = rounds.map((r) => r.rows.find((x) => x.id === st.id)?.rank ?? r.rows.length + 1);
          expect(st.value).toBeCloseTo(places.reduce((a, b) => a + b, 0) / places.length, 12);
        }
      }),
    );
  });

  it('best place: lowest first, equal bests split by average place', () => {
    const s = sessionStandings([round(1, ['A', 'B']), round(2, ['B', 'A']), round(3, ['B', 'A'])], 'best-rank');
    expect(s.map((x) => [x.name, x.value, x.rank])).toEqual([
      ['B', 1, 1],
      ['A', 1, 2],
    ]);
  });

  it('total score: a missed round or one without a score counts as that round’s worst score', () => {
    const s = sessionStandings([round(1, ['A', 'B', 'C'], [0.1, 0.5, null]), round(2, ['A', 'B'], [0.2, 0.3])], 'total-score');
    const of = (n: string) => s.find((x) => x.name === n)!.value;
    expect(of('A')).toBeCloseTo(0.3, 12);
    expect(of('B')).toBeCloseTo(0.8, 12);
    expect(of('C')).toBeCloseTo(0.5 + 0.3, 12);
  });

  it('every rule: every player who raced is listed once, ranks start at 1 and never skip backwards, ties share a place', () => {
    fc.assert(
      fc.property(sessions, fc.constantFrom(...SESSION_RULES), (rounds, rule) => {
        const s = sessionStandings(rounds, rule);
        const players = new Set(rounds.flatMap((r) => r.rows.map((x) => x.id)));
        expect(s.map((x) => x.id).sort()).toEqual([...players].sort());
        expect(s[0].rank).toBe(1);
        for (let i = 1; i < s.length; i++) {
          expect(s[i].rank === s[i - 1].rank || s[i].rank === i + 1).toBe(true);
          if (s[i].rank === s[i - 1].rank) expect(s[i].value).toBe(s[i - 1].value);
        }
        for (const st of s) expect(st.perRound).toHaveLength(rounds.length);
      }),
    );
  });
});

describe('session export', () => {
  it('one CSV for every round: the round columns, then a single round’s columns, formula-escaped', () => {
    const row = (id: string, name: string, rank: number): ResultRow =>
      ({
        id,
        name,
        rank,
        score: 0.1 * rank,
        status: 'finished',
        endPoint: [0, 0],
        drawnEndPoint: [0, 0],
        finalLoss: 0.1,
        robustLoss: 0.2,
        lambdaMax: 1,
        eigenvalues: [1, 1],
        pointClass: 'minimum',
        gradientNorm: 0,
        gradientEvaluations: 10,
        updates: 10,
        joinTick: 0,
        optimizer: { kind: 'sgd' },
        note: 'ok',
        noteKind: 'minimum',
        knobChanges: 0,
      }) as unknown as ResultRow;
    const rounds: SessionExportRound[] = [2, 1].map((k) => ({
      roundId: `ABC-${k}`,
      round: k,
      finishedAt: `2026-01-0${k}T00:00:00Z`,
      title: k === 1 ? '=HYPERLINK("x")' : 'Bowl',
      settings: {},
      seed: '1',
      record: {},
      results: {
        roundId: `ABC-${k}`,
        round: k,
        scoring: { kind: 'lowest-loss', decimals: 3 },
        ticks: 10,
        rows: [row('p0', 'Ada', 1), row('p1', '+Bob', 2)],
      },
    }));
    const lines = sessionToCsv(rounds).trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 7)).toEqual(['round', 'round_id', 'finished_at', 'terrain', 'rank', 'player_id', 'name']);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '1', '2', '2']);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
    expect(lines[2]).toContain(",'+Bob,");
  });

  it('terrain titles come from the spec alone (a network is not built)', () => {
    expect(terrainTitle(parseLibraryEntry(spirals()).terrain)).toBe('Network 2-8-8-8-2 relu on spirals (2-D slice)');
    expect(terrainTitle({ kind: 'expression', expr: 'x^2' })).toBe('f(x, y) = x^2');
    expect(terrainTitle({ kind: 'himmelblau' })).toBe(createLandscape('himmelblau').info.title);
  });
});
