import { describe, expect, it } from 'vitest';
import {
  parseRoomSettings,
  quantize,
  RacerStatusByte,
  RESULT_COLUMNS,
  resultsToCsv,
  resultsToJson,
  scoringExplanation,
  type PlayerView,
  type ResultRow,
} from '@gradient-rally/shared';
import { phaseText, racerRows, RoomFields, secondsLeft, type RoomStateLike } from '../../client/src/net/raceViewModel';
import { limitsFromSettings, ownPlace } from '../../client/src/room/PlayerView';

function player(over: Partial<PlayerView>): PlayerView {
  return {
    name: 'P',
    connected: true,
    slot: 0,
    optimizerKind: 'sgd',
    optimizerJson: '',
    qx: 0,
    qy: 0,
    loss: 1,
    status: RacerStatusByte.racing,
    gradientEvaluations: 0,
    score: 0,
    rank: 0,
    ...over,
  };
}
function state(players: Record<string, PlayerView>, over: Partial<RoomStateLike> = {}): RoomStateLike {
  return {
    code: 'ABC234',
    phase: 'race',
    paused: false,
    locked: false,
    round: 1,
    tick: 40,
    raceTicks: 200,
    countdownTicks: 0,
    settingsJson: '{}',
    landscapeInfoJson: '{}',
    sessionJson: '{}',
    qxMin: -4,
    qxMax: 4,
    qyMin: -2,
    qyMax: 6,
    hostConnected: true,
    players: { forEach: (cb) => Object.entries(players).forEach(([id, p]) => cb(p, id)) },
    ...over,
  };
}

describe('room state → view model', () => {
  it('decodes positions, marks the own racer, ranks by loss with diverged last', () => {
    const s = state({
      a: player({ name: 'Ada', slot: 0, loss: 0.5, qx: quantize(1, -4, 4), qy: quantize(2, -2, 6) }),
      b: player({ name: 'Bob', slot: 1, loss: 0.1 }),
      c: player({ name: 'Cy', slot: 2, loss: NaN, status: RacerStatusByte.diverged }),
    });
    const rows = racerRows(s, 'a');
    expect(rows.map((r) => r.name)).toEqual(['Bob', 'Ada', 'Cy']);
    const ada = rows.find((r) => r.own)!;
    expect(ada.name).toBe('Ada');
    expect(ada.x).toBeCloseTo(1, 3);
    expect(ada.y).toBeCloseTo(2, 3);
    expect(rows[2].status).toBe('diverged');
    expect(rows[2].lossText).toBe('NaN');
    expect(rows[1].glyph).not.toBe(rows[0].glyph);
  });
  it('after the round, a racer still moving reads "time up"', () => {
    const [row] = racerRows(state({ a: player({ name: 'A' }) }, { phase: 'results' }));
    expect(row.statusText).toBe('time up');
    expect(row.status).toBe('finished');
    expect(racerRows(state({ a: player({ name: 'A' }) }))[0].statusText).toBe('racing');
    expect(racerRows(state({ a: player({ name: 'A', loss: 0 }) }, { phase: 'lobby' }))[0].lossText).toBe('—');
  });

  it('server ranks win over loss order when present', () => {
    const rows = racerRows(state({ a: player({ name: 'A', loss: 5, rank: 1 }), b: player({ name: 'B', loss: 1, rank: 2 }) }));
    expect(rows.map((r) => r.name)).toEqual(['A', 'B']);
  });
  it("the own line's place is the podium's: ties share it, and the live order stands in before ranks exist", () => {
    const place = (players: Record<string, Partial<PlayerView>>, own: string) => {
      const rows = racerRows(state(Object.fromEntries(Object.entries(players).map(([id, p]) => [id, player(p)]))), own);
      return ownPlace(rows, rows.find((r) => r.own)!);
    };
    const tie = { a: { name: 'A', rank: 1, slot: 0 }, b: { name: 'B', rank: 1, slot: 1 }, c: { name: 'C', rank: 3, slot: 2 } };
    expect(place(tie, 'a')).toBe('tied for 1st');
    expect(place(tie, 'b')).toBe('tied for 1st'); // listed second, yet not "2nd"
    expect(place(tie, 'c')).toBe('3rd');
    expect(place({ a: { loss: 0.5 }, b: { loss: 0.1 }, c: { loss: 0.9 } }, 'a')).toBe('2nd');
    expect(place({ a: { rank: 12 }, b: { rank: 22 }, c: { rank: 23 } }, 'c')).toBe('23rd');
  });
  it('phase text and time left', () => {
    expect(secondsLeft(state({}), 50)).toBe(8); // (200 − 40) ticks × 50 ms
    expect(phaseText(state({}), 50)).toBe('Racing: 8 s left');
    expect(phaseText(state({}, { paused: true }), 50)).toBe('Paused by the host');
    expect(phaseText(state({}, { phase: 'countdown', countdownTicks: 45 }), 50)).toBe('Starting in 3 s');
    expect(phaseText(state({}, { phase: 'lobby', locked: true }), 50)).toMatch(/locked/);
    expect(secondsLeft(state({}, { raceTicks: 0 }), 50)).toBeNull();
  });
  it('JSON fields are read as typed values, parsed once per change; garbage reads as undefined', () => {
    const fields = new RoomFields();
    const settings = parseRoomSettings({ roundSeconds: 30 }).settings;
    const text = JSON.stringify(settings);
    const first = fields.settings({ settingsJson: text });
    expect(first).toEqual(settings);
    expect(fields.settings({ settingsJson: text })).toBe(first); // same text: not parsed again
    expect(fields.settings({ settingsJson: '{oops' })).toBeUndefined();
    expect(fields.settings({ settingsJson: '{}' })).toBeUndefined(); // before the first patch
    const spec = JSON.stringify(settings.defaultOptimizer);
    expect(fields.optimizer('a', { optimizerJson: spec })).toEqual(settings.defaultOptimizer);
    expect(racerRows(state({ a: player({ optimizerJson: spec }) }), 'a', fields)[0].optimizer).toEqual(settings.defaultOptimizer);
  });
  it('host settings limit the knobs panel', () => {
    const settings = parseRoomSettings({ allowedOptimizers: ['adam'], lockedKnobs: ['noise'], knobRanges: { lr: [0.001, 0.1] } }).settings;
    const l = limitsFromSettings(settings, true);
    expect(l.optimizers).toEqual(['adam']);
    expect(l.locked).toEqual(['noise']);
    expect(l.ranges.lr).toEqual([0.001, 0.1]);
    expect(l.ranges.momentum).toEqual(settings.knobRanges.momentum);
    expect(l.mlp).toBe(true);
  });
});

describe('results export', () => {
  const row = (over: Partial<ResultRow>): ResultRow => ({
    id: 'a',
    name: 'Ada',
    rank: 1,
    score: 0.3,
    settledSeconds: 2.5,
    status: 'finished',
    endPoint: [1, 2],
    drawnEndPoint: [1, 2],
    finalLoss: 0.25,
    robustLoss: 0.3,
    lambdaMax: 2,
    eigenvalues: [1, 2],
    pointClass: 'minimum',
    basin: null,
    gradientNorm: 0,
    gradientEvaluations: 100,
    updates: 100,
    joinTick: 0,
    optimizer: { kind: 'sgd', lr: 0.1 } as unknown as ResultRow['optimizer'],
    note: 'Settled, "nicely", in a basin',
    noteKind: 'minimum',
    advice: null,
    knobChanges: 0,
    ...over,
  });
  it('one CSV line per player, quoted where needed, empty for missing numbers', () => {
    const csv = resultsToCsv([row({}), row({ id: 'b', name: 'Bob, Jr', rank: 2, finalLoss: null, score: NaN })])
      .trim()
      .split('\r\n');
    expect(csv).toHaveLength(3);
    expect(csv[0].split(',')).toEqual(RESULT_COLUMNS.map(([header]) => header));
    expect(csv[0].split(',').slice(0, 3)).toEqual(['rank', 'player_id', 'name']);
    expect(csv[1]).toContain('"Settled, ""nicely"", in a basin"');
    expect(csv[1]).toContain('"{""kind"":""sgd"",""lr"":0.1}"');
    expect(csv[2].startsWith('2,b,"Bob, Jr",sgd,')).toBe(true);
    expect(csv[2]).toContain(',finished,,,0.3,'); // status, score NaN → empty, final loss null → empty, robust loss
  });
  it('a nickname a spreadsheet would run as a formula is written as text', () => {
    const names = ['=HYPERLINK("http://evil.example","win")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
    const lines = resultsToCsv(names.map((name, i) => row({ id: `p${i}`, name, rank: i + 1 })))
      .split('\r\n')
      .slice(1, -1);
    expect(lines[0]).toContain(`,"'=HYPERLINK(""http://evil.example"",""win"")",`);
    expect(lines[1]).toContain(",'+1+1,");
    expect(lines[2]).toContain(",'-2+3,");
    expect(lines[3]).toContain(",'@SUM(A1),");
    expect(lines[4]).toContain(",'\t=1,");
    expect(lines[5]).toContain(`,"'\r=1",`);
    // Numbers stay numbers: a negative loss is not escaped.
    expect(resultsToCsv([row({ finalLoss: -1.5 })])).toContain(',-1.5,');
  });
  it('JSON export carries the results and the settings', () => {
    const results = { roundId: 'r1', round: 2, scoring: { kind: 'lowest-loss' as const, decimals: 3 }, ticks: 10, rows: [row({})] };
    const parsed = JSON.parse(resultsToJson(results, { roundSeconds: 30 }));
    expect(parsed.rows[0].name).toBe('Ada');
    expect(parsed.settings).toEqual({ roundSeconds: 30 });
  });
});

describe('scoring explanation under the results', () => {
  it('says what the score is, how equal scores are split, and what robust loss means (measured in test/shared/claims)', async () => {
    expect(scoringExplanation({ scoring: { kind: 'robust-loss', radius: 0.3, samples: 64 } })).toMatch(
      /^Score: the loss averaged over nudges of the end point by 0\.3 in 64 directions, lower wins: a wide, flat basin barely notices/,
    );
    expect(scoringExplanation({ scoring: { kind: 'lowest-loss' } })).toMatch(
      /^Score: the loss where the racer ended, lower wins\. Equal scores go to whoever came to rest first\./,
    );
    expect(scoringExplanation({ scoring: { kind: 'time-to-target', target: 0.5 } })).toMatch(
      /^Score: seconds until the loss first reached 0\.5, fewer wins/,
    );
    expect(scoringExplanation(null)).toMatch(/^Score: the loss averaged over nudges of the end point in many directions/);
  });
});
