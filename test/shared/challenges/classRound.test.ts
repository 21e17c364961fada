/**
 * A challenge as a class round (issue 10, "In class"): the settings a host
 * applies (`challengeRoomSettings`) for every challenge, which challenges a
 * round can judge and why the others are judged in solo only, the server's
 * merge rule (a new terrain clears the challenge), and each row of a real
 * round judged: the challenge's initial setup does not pass, its last hint's
 * setting does, raced side by side in one round from the preset's start.
 */
import { describe, expect, it } from 'vitest';
import {
  challengeCatalogue,
  challengeRoomSettings,
  checkRoomChallenge,
  classRoundChallenges,
  classRoundRefusal,
  judgeRaceResults,
  judgeResult,
  mergeRoomSettings,
  parseRaceSettings,
  parseRoomSettings,
  passedText,
  Race,
  resultsToCsv,
  SpecError,
  type Challenge,
} from '@gradient-rally/shared';
import { withSetup } from './harness';

const all = challengeCatalogue();
const offered = classRoundChallenges();

function specError(f: () => unknown): SpecError {
  try {
    f();
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('no SpecError was thrown');
}

describe('challengeRoomSettings', () => {
  it.each(all.map((c) => [c.id, c] as const))('%s: parses with parseRaceSettings and is the challenge’s preset', (_, c) => {
    const { challenge, ...race } = challengeRoomSettings(c);
    expect(challenge).toBe(c.id);
    const s = parseRaceSettings(race);
    const p = c.preset.settings;
    expect(s.allowedOptimizers).toEqual(p.allowedOptimizers);
    expect([...s.lockedKnobs].sort()).toEqual([...p.lockedKnobs].sort());
    expect(s.roundSeconds).toBe(p.roundSeconds === undefined ? 30 : p.roundSeconds);
    expect(s.defaultOptimizer.kind).toBe(c.initial.optimizer.kind);
    expect(s.startRule.kind).toBe(c.controls.start ? 'choose' : 'shared');
  });
});

describe('which challenges a class round can judge', () => {
  it('offers every challenge whose goal reads a results row and whose choices a player makes in a room', () => {
    expect(offered.map((c) => c.id)).toEqual(
      all.filter((c) => c.goal.needs === 'result' && !c.controls.network && !c.controls.damping).map((c) => c.id),
    );
    // Printed for the report: what is offered, and why the rest are judged in solo only.
    for (const c of all) console.log(`${c.id} | ${classRoundRefusal(c) ?? 'class round'}`);
    expect(offered.length).toBeGreaterThanOrEqual(14);
  });

  it.each(offered.map((c) => [c.id, c] as const))('%s: parseRoomSettings accepts it and names the challenge', (_, c) => {
    expect(parseRoomSettings(challengeRoomSettings(c)).settings.challenge).toBe(c.id);
  });

  it.each(all.filter((c) => classRoundRefusal(c)).map((c) => [c.id, c] as const))('%s: refused, saying why', (_, c) => {
    const e = specError(() => checkRoomChallenge(challengeRoomSettings(c)));
    expect(e.path).toBe('settings.challenge');
    expect(e.message).toContain('is judged in solo only');
    expect(e.message).toContain(classRoundRefusal(c));
  });

  it('an unknown id is refused naming the field and the ids there are', () => {
    const e = specError(() => parseRoomSettings({ challenge: 'no-such-thing' }));
    expect(e.path).toBe('settings.challenge');
    expect(e.message).toContain('must be the id of a challenge');
    expect(e.message).toContain('booth-edge');
    expect(specError(() => parseRoomSettings({ challenge: 7 })).path).toBe('settings.challenge');
  });

  it('settings that name a challenge but change a field of its round are refused naming the field', () => {
    const e = specError(() => parseRoomSettings({ ...challengeRoomSettings(offered[0]), roundSeconds: 600 }));
    expect(e.path).toBe('settings.roundSeconds');
    expect(e.message).toContain('clear the challenge');
    // Only the challenge named: its round is filled in.
    expect(parseRoomSettings({ challenge: 'booth-edge' }).settings.landscape).toEqual({ kind: 'booth' });
  });
});

describe('mergeRoomSettings: the challenge rule', () => {
  const booth = challengeRoomSettings(offered[0]);
  it('a patch naming a challenge applies its whole round over the current settings', () => {
    const merged = mergeRoomSettings({ landscape: { kind: 'himmelblau' }, roundSeconds: 90, maxPlayers: 12 }, { challenge: 'booth-edge' });
    expect(merged).toMatchObject({ ...booth, maxPlayers: 12 });
  });
  it('a new terrain, or any other value of its round, clears it; the same value or a room field keeps it', () => {
    expect(mergeRoomSettings(booth, { landscape: { kind: 'himmelblau' } }).challenge).toBeUndefined();
    expect(mergeRoomSettings(booth, { lockedKnobs: [] }).challenge).toBeUndefined();
    expect(mergeRoomSettings(booth, { knobRanges: { ...(booth.knobRanges as object), lr: [0.001, 1] } }).challenge).toBeUndefined();
    expect(mergeRoomSettings(booth, { landscape: { kind: 'booth' } }).challenge).toBe('booth-edge');
    expect(mergeRoomSettings(booth, { maxPlayers: 4, countdownSeconds: 0 }).challenge).toBe('booth-edge');
    expect(mergeRoomSettings(booth, { challenge: null }).challenge).toBeUndefined();
  });
});

/** One class round of `c` with two racers: the initial setup and the last hinted setting. */
function classRound(c: Challenge) {
  const { settings } = parseRoomSettings({ ...challengeRoomSettings(c), seed: 7 });
  const { countdownSeconds: _c, challenge: id, ...raceSettings } = settings;
  const race = new Race(raceSettings, 7);
  const hinted = withSetup(c, [...c.hints].reverse().find((h) => h.try)?.try ?? {});
  for (const [name, setup] of [
    ['initial', c.initial],
    ['hinted', hinted],
  ] as const) {
    const start = c.controls.start ? setup.start : undefined;
    race.addRacer(name, start ? { optimizer: setup.optimizer, start } : { optimizer: setup.optimizer });
  }
  while (!race.isOver()) race.tick();
  const results = race.results();
  return { verdicts: judgeRaceResults(id, race, results)!, results };
}

describe('a class round judged row by row', () => {
  it.each(offered.map((c) => [c.id, c] as const))('%s: the initial setup does not pass; the last hint’s setting does', (_, c) => {
    const { verdicts } = classRound(c);
    const initial = verdicts.get('initial')!;
    const hinted = verdicts.get('hinted')!;
    console.log(`${c.id} | initial: ${initial.summary} | hinted: ${hinted.summary}`);
    expect(initial.pass).toBe(false);
    expect(initial.stars).toBe(0);
    expect(hinted.pass).toBe(true);
    expect(hinted.stars).toBeGreaterThanOrEqual(1);
    expect(passedText([initial, hinted])).toBe('1 of 2 passed');
  });

  it('with chosen starts, each row is judged from its own start (newtons-compass: the distance of the start from the axis)', () => {
    const { verdicts } = classRound(all.find((c) => c.id === 'newtons-compass')!);
    expect(verdicts.get('hinted')).toMatchObject({ pass: true, value: 0.5 });
  });

  it('rows from one start share the reference run, and get the verdicts each would get alone (rosenbrock-momentum)', () => {
    const c = all.find((x) => x.id === 'rosenbrock-momentum')!;
    const { settings } = parseRoomSettings({ ...challengeRoomSettings(c), seed: 3 });
    const { countdownSeconds: _c, challenge: id, ...raceSettings } = settings;
    const race = new Race(raceSettings, 3);
    for (const m of [0, 0.5, 0.8, 0.9, 0.95]) race.addRacer(`m${m}`, { optimizer: { kind: 'sgd', lr: 0.002, momentum: m } });
    while (!race.isOver()) race.tick();
    const results = race.results();
    const shared = judgeRaceResults(id, race, results)!;
    const alone = results.map((r) => judgeResult(c, r, race.settings, race.landscape));
    expect(results.map((r) => shared.get(r.id))).toEqual(alone);
    expect(new Set(alone.map((v) => v?.valueText)).size).toBeGreaterThan(2);
  });

  it('the CSV export carries each row’s verdict only when the round ran a challenge', () => {
    const { verdicts, results } = classRound(offered[0]);
    const rows = results.map((r) => ({ ...r, name: r.id, knobChanges: 0, verdict: verdicts.get(r.id) }));
    const [header, ...lines] = resultsToCsv(rows).trim().split('\r\n');
    expect(header.endsWith(',goal_passed,goal_stars,goal_value')).toBe(true);
    const hinted = lines.find((l) => l.includes(',hinted,'))!;
    expect(hinted).toMatch(/,true,1,0\.02\d*$/);
    expect(resultsToCsv(rows.map(({ verdict: _v, ...r }) => r))).not.toContain('goal_passed');
  });

  it('no challenge, no verdicts', () => {
    const race = new Race(parseRaceSettings({ landscape: { kind: 'booth' }, roundSeconds: 5 }), 1);
    expect(judgeRaceResults(null, race, [])).toBeNull();
  });
});
