import { SpecError, describeValue } from '../spec/SpecError';

/**
 * A session is several rounds in one room; its scoreboard combines them by a
 * rule the instructor picks. Rounds on different terrains have scores on
 * different scales (a loss of 0.3 on one terrain says nothing about 0.3 on
 * another), so the default rules use ranks; "total score" is offered for a
 * session that replays one terrain under one scoring rule.
 *
 * The same function ranks the scoreboard the room shows (server), the one the
 * dashboard draws and the session export, so every view agrees.
 *
 * @example
 *   sessionStandings([{ roundId: 'A-1', round: 1, title: 'Bowl', rows: [
 *     { id: 'p0', name: 'Ada', rank: 1, score: 0.1 }, { id: 'p1', name: 'Bob', rank: 2, score: 0.3 }] }], 'points');
 *   // [{ id: 'p0', name: 'Ada', rank: 1, value: 2, perRound: [2], rounds: 1 }, { id: 'p1', …, value: 1, perRound: [1] }]
 */
export const SESSION_RULES = ['points', 'average-rank', 'best-rank', 'total-score'] as const;
export type SessionRule = (typeof SESSION_RULES)[number];
export const DEFAULT_SESSION_RULE: SessionRule = 'points';

/** Names for the rule picker and the scoreboard's heading. */
export const SESSION_RULE_LABELS: Readonly<Record<SessionRule, string>> = Object.freeze({
  points: 'Points per round',
  'average-rank': 'Average place',
  'best-rank': 'Best place in any round',
  'total-score': 'Total score (same terrain each round)',
});

/** What the number in the scoreboard's value column is, per rule. */
export const SESSION_VALUE_LABELS: Readonly<Record<SessionRule, string>> = Object.freeze({
  points: 'Points',
  'average-rank': 'Average place',
  'best-rank': 'Best place',
  'total-score': 'Total score',
});

/** The rule in one sentence, shown under the scoreboard (and tested against `sessionStandings`). */
export function sessionRuleExplanation(rule: SessionRule): string {
  switch (rule) {
    case 'points':
      return 'Each round, a racer placed r-th of n racers earns n − r + 1 points (the winner n, the last 1, a missed round 0); most points first.';
    case 'average-rank':
      return 'The mean of a player’s places over every round; a missed round counts as one place behind that round’s last racer. Lowest first.';
    case 'best-rank':
      return 'A player’s best place in any round, lowest first; equal bests are split by the better average place (a missed round counting as one place behind the last).';
    case 'total-score':
      return 'The sum of a player’s round scores, lowest first: fair only when every round has the same terrain and scoring. A missed round, or one without a score, counts as that round’s worst score.';
  }
}

export interface SessionRoundRow {
  id: string;
  name: string;
  /** 1-based place in the round (every racer has a distinct one). */
  rank: number;
  /** The round's score (lower is better), or null when the racer has none (diverged, target not reached). */
  score: number | null;
}

/** One finished round as the scoreboard needs it. */
export interface SessionRound {
  roundId: string;
  round: number;
  /** The terrain's title. */
  title: string;
  rows: SessionRoundRow[];
}

export interface SessionStanding {
  id: string;
  /** The name the player had in their latest round. */
  name: string;
  /** 1-based; players with equal values share a place ("1, 1, 3"). */
  rank: number;
  /** The combined value under the rule (points, mean place, best place or total score). */
  value: number;
  /** Per round, in round order: what that round gave the player under the rule, null when they did not race it. */
  perRound: (number | null)[];
  /** Rounds the player raced. */
  rounds: number;
}

/** Higher is better for points; lower for the others. */
export function sessionRuleHigherIsBetter(rule: SessionRule): boolean {
  return rule === 'points';
}

/** Checks a rule name; throws `SpecError` naming the field. */
export function parseSessionRule(v: unknown, path = 'rule'): SessionRule {
  if (typeof v === 'string' && (SESSION_RULES as readonly string[]).includes(v)) return v as SessionRule;
  throw new SpecError(path, `must be one of ${SESSION_RULES.map((r) => `'${r}'`).join(', ')}, got ${describeValue(v)}`);
}

/** The session's scoreboard under `rule`: every player who raced any round, best first (see `sessionRuleExplanation`). */
export function sessionStandings(rounds: readonly SessionRound[], rule: SessionRule): SessionStanding[] {
  const players = new Map<string, { name: string; places: (number | null)[]; scores: (number | null)[] }>();
  rounds.forEach((round, k) => {
    for (const row of round.rows) {
      let p = players.get(row.id);
      if (!p) {
        p = { name: row.name, places: rounds.map(() => null), scores: rounds.map(() => null) };
        players.set(row.id, p);
      }
      p.name = row.name;
      p.places[k] = row.rank;
      p.scores[k] = row.score !== null && Number.isFinite(row.score) ? row.score : null;
    }
  });
  const sizes = rounds.map((r) => r.rows.length);
  const worstScore = rounds.map((r) => {
    let worst: number | null = null;
    for (const row of r.rows)
      if (row.score !== null && Number.isFinite(row.score) && (worst === null || row.score > worst)) worst = row.score;
    return worst;
  });
  const meanPlace = (places: (number | null)[]) =>
    places.length === 0 ? 0 : places.reduce<number>((t, p, k) => t + (p ?? sizes[k] + 1), 0) / places.length;

  const out = [...players].map(([id, p]) => {
    const raced = p.places.filter((x) => x !== null).length;
    let perRound: (number | null)[];
    let value: number;
    switch (rule) {
      case 'points':
        perRound = p.places.map((r, k) => (r === null ? null : sizes[k] - r + 1));
        value = perRound.reduce<number>((t, v) => t + (v ?? 0), 0);
        break;
      case 'average-rank':
        perRound = [...p.places];
        value = meanPlace(p.places);
        break;
      case 'best-rank':
        perRound = [...p.places];
        value = Math.min(...p.places.map((r) => r ?? Infinity));
        break;
      case 'total-score':
        perRound = p.places.map((r, k) => (r === null ? null : (p.scores[k] ?? worstScore[k])));
        // A round nobody has a score in counts for nobody.
        value = p.places.reduce<number>((t, r, k) => t + (r === null || p.scores[k] === null ? (worstScore[k] ?? 0) : p.scores[k]!), 0);
        break;
    }
    return { id, name: p.name, rank: 0, value, perRound, rounds: raced, tieBreak: meanPlace(p.places) };
  });
  const sign = sessionRuleHigherIsBetter(rule) ? -1 : 1;
  const key = (s: (typeof out)[number]) => sign * s.value;
  out.sort(
    (a, b) =>
      key(a) - key(b) || (rule === 'best-rank' ? a.tieBreak - b.tieBreak : 0) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1),
  );
  out.forEach((s, i) => {
    const prev = out[i - 1];
    const tied = prev && prev.value === s.value && (rule !== 'best-rank' || prev.tieBreak === s.tieBreak);
    s.rank = tied ? prev.rank : i + 1;
  });
  return out.map(({ tieBreak: _t, ...s }) => s);
}
