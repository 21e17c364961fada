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

type RuleLike = { kind?: unknown; radius?: unknown; target?: unknown } | null | undefined;

export function scoringRuleName(rule: RuleLike): string {
  const kind = typeof rule?.kind === 'string' ? rule.kind : 'robust-loss';
  return SCORING_NAMES[kind] ?? kind.replace(/-/g, ' ');
}

/** A score as text with its unit: "0.123", "4.5 s"; "no score" when the rule gave none (diverged, target not reached). */
export function formatScore(rule: RuleLike, score: number | null): string {
  if (score === null || !Number.isFinite(score)) return 'no score';
  return rule?.kind === 'time-to-target' ? `${formatNumber(score)} s` : formatNumber(score);
}

/**
 * One sentence under a results table on what the score means: students asked
 * what "robust loss" is, and the answer is the lesson of the round.
 */
export function scoringExplanation(settings: unknown): string {
  const scoring = (settings as { scoring?: { kind?: string; radius?: number; target?: number } } | null)?.scoring;
  const robust =
    'Robust loss is the average loss after nudging the end point a little in many directions' +
    (scoring?.radius ? ` (distance ${formatNumber(scoring.radius)})` : '') +
    ': a wide, flat basin barely notices, a narrow, sharp one shoots up. Sharpness λmax is the steepest curvature there.';
  switch (scoring?.kind) {
    case 'lowest-loss':
      return `Score: the final loss (lower wins). ${robust}`;
    case 'time-to-target':
      return `Score: seconds of the round needed to reach loss ${formatNumber(scoring.target ?? NaN)} (fewer wins). ${robust}`;
    case 'test-loss':
      return `Score: the loss on held-out data the network never trained on (lower wins). ${robust}`;
    default:
      return `Score: the robust loss (lower wins), so flat minima beat sharp ones. ${robust}`;
  }
}
