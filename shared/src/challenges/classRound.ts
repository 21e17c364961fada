import type { Landscape } from '../landscapes/Landscape';
import { PRESET_SETTING_FIELDS } from '../landscapes/preset';
import { DEFAULT_KNOB_RANGES } from '../race/knobs';
import { presetSettingsPatch } from '../race/presetSettings';
import type { Race } from '../race/Race';
import type { RaceSettings } from '../race/RaceSettings';
import type { RacerResult } from '../race/types';
import { SpecError, describeValue } from '../spec/SpecError';
import type { Challenge, ChallengeOutcome, NetworkChoice } from './Challenge';
import { challengeById, challengeCatalogue } from './catalogue';
import { judgeResult } from './ChallengeAttempt';
import { challengeLandscape } from './challengeSettings';

/**
 * A challenge run as a class round: the host applies `challengeRoomSettings`
 * (the challenge's preset in room settings fields, with `challenge: id`), every
 * player races under it, and each results row is judged by the challenge's goal
 * (`judgeClassRound`). One round races one terrain with one set of rules for
 * everybody, so a challenge whose goal needs a student's own network, Newton's
 * damping or the whole run cannot be judged there (`classRoundRefusal` says why).
 */

/** The room settings fields a challenge's round sets (every one of them, so nothing of the last round carries over). */
export const CHALLENGE_ROUND_FIELDS = ['landscape', ...PRESET_SETTING_FIELDS, 'allowedOptimizers', 'lockedKnobs'] as const;

/**
 * Why this challenge cannot be run as a class round (one sentence for the
 * host), or null when it can: its goal must read only a results row, and every
 * choice it gives the student must be one a player makes in a room (an
 * optimizer, its knobs, a start).
 */
export function classRoundRefusal(ch: Challenge): string | null {
  if (ch.goal.needs !== 'result')
    return 'its goal needs the whole run (a loss curve, a reference run or a trained path), which a round’s results do not keep';
  if (ch.controls.network) {
    const choices = Object.keys(ch.controls.network).map((k) => NETWORK_CHOICE_WORDS[k as keyof NetworkChoice] ?? k);
    return `each student chooses their own network (${choices.join(', ')}), and a class round races one network for everybody`;
  }
  if (ch.controls.damping) return 'Newton’s damping is not a knob players turn in a class round';
  return null;
}

const NETWORK_CHOICE_WORDS: Record<keyof NetworkChoice, string> = {
  activation: 'activation',
  init: 'initialisation',
  initScale: 'initialisation scale',
  weightDecay: 'weight decay',
  slice: 'the slice or every weight',
};

/** The challenges a host can run as a class round, in catalogue order. */
export function classRoundChallenges(): readonly Challenge[] {
  return challengeCatalogue().filter((ch) => classRoundRefusal(ch) === null);
}

/**
 * The settings JSON a host applies to run `ch` as a round: the challenge's
 * terrain (a network as the first attempt draws it) and preset, its allowed
 * optimizers and locks, every other round rule at the room default, and
 * `challenge: id`. Start-choosing challenges let players click their start.
 * Room fields the preset does not own (player limit, late join, countdown,
 * seed) are left out, so the host's stay.
 *
 * @example
 *   parseRoomSettings(challengeRoomSettings(challengeById('booth-edge')!)).settings.challenge; // 'booth-edge'
 */
export function challengeRoomSettings(ch: Challenge): Record<string, unknown> & { challenge: string } {
  const p = ch.preset.settings;
  const patch = presetSettingsPatch(
    { spec: challengeLandscape(ch, ch.initial, 1), preset: ch.preset },
    { allowedOptimizers: p.allowedOptimizers },
  );
  return {
    ...patch,
    startRule: ch.controls.start ? { kind: 'choose' } : patch.startRule,
    defaultOptimizer: patch.defaultOptimizer ?? ch.initial.optimizer,
    allowedOptimizers: [...p.allowedOptimizers],
    lockedKnobs: [...p.lockedKnobs],
    challenge: ch.id,
  };
}

/** JSON with object keys sorted, and knob ranges with the defaults filled in: equal settings compare equal. */
function settingValueKey(field: string, value: unknown): string {
  const v = field === 'knobRanges' && value && typeof value === 'object' ? { ...DEFAULT_KNOB_RANGES, ...value } : value;
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );
}

/**
 * A host's partial settings merged over the room's current settings JSON, with
 * the challenge rule: a patch naming a challenge applies its whole round
 * (`challengeRoomSettings`, over anything else in the patch); `challenge: null`
 * clears it; a patch that changes one of the round's fields (a new terrain, a
 * longer round, a knob unlocked) clears it too, since the round is then no
 * longer that challenge. An unknown id is kept for `parseRoomSettings` to refuse.
 * The server merges with this (the room, and the race worker it asks first).
 */
export function mergeRoomSettings(
  current: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current, ...patch };
  const id = patch.challenge;
  if (typeof id === 'string') {
    const ch = challengeById(id);
    return ch ? { ...merged, ...challengeRoomSettings(ch) } : merged;
  }
  if (id === null) {
    delete merged.challenge;
    return merged;
  }
  if (typeof current.challenge === 'string') {
    const changed = CHALLENGE_ROUND_FIELDS.some((f) => f in patch && settingValueKey(f, patch[f]) !== settingValueKey(f, current[f]));
    if (changed) delete merged.challenge;
  }
  return merged;
}

/**
 * The challenge a room's settings JSON names, checked: it must be a catalogue
 * id, runnable as a class round, and the settings must not set one of its
 * round's fields to something else. Returns the settings JSON with the
 * challenge's round filled in, and the id (null when none). Throws `SpecError`.
 */
export function checkRoomChallenge(
  input: Record<string, unknown>,
  path = 'settings',
): { input: Record<string, unknown>; challenge: string | null } {
  const { challenge: id, ...rest } = input;
  if (id === undefined || id === null) return { input: rest, challenge: null };
  const ch = typeof id === 'string' ? challengeById(id) : undefined;
  if (!ch) {
    throw new SpecError(
      `${path}.challenge`,
      `must be the id of a challenge (one of ${classRoundChallenges()
        .map((c) => c.id)
        .join(', ')}) or null, got ${describeValue(id)}`,
    );
  }
  const refusal = classRoundRefusal(ch);
  if (refusal) throw new SpecError(`${path}.challenge`, `“${ch.title}” is judged in solo only: ${refusal}`);
  const { challenge: _id, ...round } = challengeRoomSettings(ch);
  for (const f of CHALLENGE_ROUND_FIELDS) {
    if (f in rest && settingValueKey(f, rest[f]) !== settingValueKey(f, round[f])) {
      throw new SpecError(`${path}.${f}`, `is set by the challenge “${ch.title}”: clear the challenge to change it`);
    }
  }
  return { input: { ...rest, ...round }, challenge: ch.id };
}

/**
 * The memoised values of a goal (goals.ts) that depend only on the round's settings, seed and the
 * racer's start, never on the racer's own run: rows from the same start share them.
 */
const START_ONLY_MEMO = ['reference', 'full-batch', 'full-batch-lambda', 'balance'];

/**
 * Judges every row of a class round's results against the challenge's goal
 * (`judgeResult`), by racer id; `starts` are the racers' starts from the race
 * record (needed when players chose them). Rows of a goal that needs the whole
 * run get no verdict.
 */
export function judgeClassRound(
  ch: Challenge,
  results: readonly RacerResult[],
  settings: RaceSettings,
  landscape: Landscape,
  starts: ReadonlyMap<string, readonly number[]>,
): Map<string, ChallengeOutcome> {
  const verdicts = new Map<string, ChallengeOutcome>();
  // A reference run costs a whole round (Adam on Rosenbrock: ~40 ms); rows from one start share it.
  const byStart = new Map<string, Map<string, unknown>>();
  for (const r of results) {
    const start = settings.startRule.kind === 'shared' ? settings.startRule.point : starts.get(r.id);
    const key = JSON.stringify(start ?? null);
    const memo = new Map(byStart.get(key));
    const v = judgeResult(ch, r, settings, landscape, starts.get(r.id), memo);
    byStart.set(key, new Map([...memo].filter(([k]) => START_ONLY_MEMO.includes(k))));
    if (v) verdicts.set(r.id, v);
  }
  return verdicts;
}

/**
 * A finished race judged as a round of the challenge `id` (null: no challenge,
 * no verdicts). The starts come from the race's record. Where a race's results
 * are computed (the room's thread or a race worker), this judges them there.
 */
export function judgeRaceResults(id: string | null, race: Race, results: readonly RacerResult[]): Map<string, ChallengeOutcome> | null {
  const ch = id === null ? undefined : challengeById(id);
  if (!ch) return null;
  const starts = new Map(race.record().racers.map((r) => [r.id, r.start] as const));
  return judgeClassRound(ch, results, race.settings, race.landscape, starts);
}

/** "3 of 4 passed": how many judged rows passed the goal. */
export function passedText(verdicts: readonly (Pick<ChallengeOutcome, 'pass'> | null | undefined)[]): string {
  const judged = verdicts.filter((v) => v);
  return `${judged.filter((v) => v?.pass).length} of ${judged.length} passed`;
}
