import { formatScore, formatSettledSeconds, scoringRuleName, type ResultRow, type ScoringRule } from '@gradient-rally/shared';
import type { RacerStyle } from '../arena/racerStyle';
import { h } from '../ui/elements';

/**
 * The podium: first, second and third place as the results rank them, ties
 * included. Ranks come from shared's results, which give racers with equal
 * scores (and settling times) the same rank ("1, 1, 3"): three identical
 * scores share the top step, and nobody stands on a step their rank does not
 * reach.
 */
export interface PodiumStep {
  /** 1, 2 or 3. */
  place: number;
  rows: ResultRow[];
}

/** Rows on each step, top three places only, in place order; an empty place is left out. */
export function podiumSteps(rows: readonly ResultRow[]): PodiumStep[] {
  const steps: PodiumStep[] = [];
  for (const place of [1, 2, 3]) {
    const on = rows.filter((r) => r.rank === place);
    if (on.length) steps.push({ place, rows: on });
  }
  return steps;
}

const ORDINAL = ['', '1st', '2nd', '3rd'];

/**
 * When the racer came to rest, the tie-break between equal scores ("at rest
 * after 4.5 s", "still moving"), labelled; nothing under time-to-target (its
 * score is a time already) or without a score.
 */
export function settledText(scoring: ScoringRule | undefined, row: ResultRow): string {
  if (scoring?.kind === 'time-to-target' || row.score === null) return '';
  return row.settledSeconds === null ? 'still moving at the end' : `at rest after ${formatSettledSeconds(row.settledSeconds)}`;
}

/** "1st", "Tied for 1st". */
export function placeText(step: PodiumStep): string {
  return step.rows.length > 1 ? `Tied for ${ORDINAL[step.place]}` : ORDINAL[step.place];
}

/**
 * The podium as a list of steps (second, first, third from left to right, as
 * podiums stand), each with its place, the names on it and their score
 * ("Score 0.0123"), under a caption naming the round's rule ("Score: robust
 * loss, lower wins.").
 */
export function podiumElement(
  rows: readonly ResultRow[],
  scoring: ScoringRule | undefined,
  styleOf: (id: string) => RacerStyle,
  options: { big?: boolean } = {},
): HTMLElement {
  const steps = podiumSteps(rows);
  const rule = scoringRuleName(scoring);
  const byPlace = new Map(steps.map((s) => [s.place, s]));
  const shown = [2, 1, 3].map((p) => byPlace.get(p)).filter((s): s is PodiumStep => s !== undefined);
  const list = h(
    'ol',
    { class: `podium${options.big ? ' podium-big' : ''}`, 'aria-label': 'Podium' },
    ...shown.map((step) =>
      h(
        'li',
        { class: `p${step.place}`, value: step.place },
        h('span', { class: 'place' }, placeText(step)),
        h(
          'ul',
          { class: 'podium-names' },
          ...step.rows.map((r) => {
            const st = styleOf(r.id);
            return h('li', {}, h('span', { class: 'glyph', style: `color:${st.css}`, 'aria-hidden': 'true' }, st.glyph), ` ${r.name}`);
          }),
        ),
        // Tied rows share one score and settling time (that is what a tie is), so the step shows them once.
        h('span', { class: 'podium-score' }, 'Score ', h('strong', {}, formatScore(scoring, step.rows[0].score))),
        settledText(scoring, step.rows[0]) ? h('span', { class: 'podium-settled' }, settledText(scoring, step.rows[0])) : null,
      ),
    ),
  );
  // What the numbers are, once for the podium: the round's rule, lower wins (the projector's podium has the full explanation under it).
  return options.big
    ? list
    : h('figure', { class: 'podium-figure' }, list, h('figcaption', { class: 'note' }, `Score: ${rule}, lower wins.`));
}
