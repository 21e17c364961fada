import { formatNumber } from './deps';

/**
 * How the game names a scoring rule and writes a score, wherever one is shown
 * (the results table's explanation, solo's score line, the host's rule list).
 * Scores follow `results.ts`: lower wins under every rule; time-to-target is
 * in seconds of the round.
 */

/** Short names, as in "Score 0.42 (robust loss)". */
const SCORING_NAMES: Readonly<Record<string, string>> = Object.freeze({
  'robust-loss': 'robust loss',
  'lowest-loss': 'lowest loss',
  'time-to-target': 'time to target',
  'test-loss': 'test loss',
});

/** What the host picks from: the rule and why a teacher would. */
export const SCORING_CHOICE_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'robust-loss': 'Flat minimum (robust loss)',
  'lowest-loss': 'Lowest final loss',
  'time-to-target': 'Fastest to a target loss',
  'test-loss': 'Lowest loss on held-out data',
});

type RuleLike = { kind?: unknown; radius?: unknown; samples?: unknown; target?: unknown; decimals?: unknown } | null | undefined;

export function scoringRuleName(rule: RuleLike): string {
  const kind = typeof rule?.kind === 'string' ? rule.kind : 'robust-loss';
  return SCORING_NAMES[kind] ?? kind.replace(/-/g, ' ');
}

/**
 * A score as text with its unit: "0.545", "14.20 s"; "no score" when the rule gave none (diverged, target
 * not reached). With the rule's `decimals` (every parsed rule has them) it prints exactly the digits that
 * ranks compare, so equal texts are equal scores; without, three significant digits.
 */
export function formatScore(rule: RuleLike, score: number | null): string {
  if (score === null || !Number.isFinite(score)) return 'no score';
  const d = rule?.decimals;
  const text = typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= 20 ? score.toFixed(d) : formatNumber(score);
  return rule?.kind === 'time-to-target' ? `${text} s` : text;
}

/** A settling time as the results table shows it beside the score ("3.2 s"), or "moving" for a racer never at rest. */
export function formatSettledSeconds(seconds: number | null): string {
  return seconds === null ? 'moving' : `${seconds.toFixed(1)} s`;
}

/**
 * The results table's "Class" cell: the kind of point the racer ended on, or
 * what it was doing when there is none. A racer with no class that came to
 * rest is on a slope (its gradient is not zero: every note of that case says
 * so); one that never came to rest is "still moving" — never "racing" beside a
 * settling time (issue 8: the Class column and the note never disagree).
 */
export function resultClassText(row: { pointClass: string | null; status: string; settledSeconds: number | null }): string {
  if (row.pointClass) return row.pointClass;
  if (row.status !== 'racing') return row.status;
  return row.settledSeconds === null ? 'still moving' : 'on a slope';
}

/**
 * The sentences under a results table (and solo's score): what the score is,
 * how equal scores are split, what the sharpness column means. Each one is
 * measured, rule by rule and preset by preset, by
 * test/shared/claims/rounds.claims.test.ts.
 */
export function scoringExplanation(settings: unknown): string {
  const scoring = ((settings as { scoring?: RuleLike } | null)?.scoring ?? { kind: 'robust-loss' }) as Exclude<RuleLike, null | undefined>;
  const settle = 'Equal scores go to whoever came to rest first.';
  const sharpness = 'Sharpness λmax is the steepest curvature at the end point.';
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? formatNumber(v) : null);
  switch (scoring.kind) {
    case 'lowest-loss':
      return `Score: the loss where the racer ended, lower wins. ${settle} ${sharpness}`;
    case 'time-to-target':
      return `Score: seconds until the loss first reached ${num(scoring.target) ?? 'the target'}, fewer wins; racers that never reached it share the last place. ${sharpness}`;
    case 'test-loss':
      return `Score: the loss on held-out data the network never trained on, lower wins. ${settle} ${sharpness}`;
    default: {
      const by = num(scoring.radius);
      const samples = typeof scoring.samples === 'number' ? `${scoring.samples} directions` : 'many directions';
      return (
        `Score: the loss averaged over nudges of the end point${by ? ` by ${by}` : ''} in ${samples}, lower wins: ` +
        `a wide, flat basin barely notices the nudges, a narrow, sharp one does. ${settle} ${sharpness}`
      );
    }
  }
}
