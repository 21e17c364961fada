import { challengeById, passedText, type ResultRow } from '@gradient-rally/shared';
import { h } from '../ui/elements';

/**
 * The goal of the challenge a round runs, for everyone in the room: its title
 * and the task as the student reads it in solo ("Find the largest learning
 * rate…"), and a word that each result is judged against it. A `<details>`,
 * open by default, so a student on a phone can fold it away once read. Hidden
 * while the round runs no challenge.
 */
export class ChallengeGoal {
  readonly element = h('details', { class: 'challenge-goal', open: true, hidden: true, 'aria-label': 'Goal of this round' });
  private shown: string | null = null;
  private readonly verdict = h('span', { class: 'challenge-goal-verdict' });

  /** Shows the challenge `id`'s goal (null: none). */
  show(id: string | null | undefined): void {
    const next = id ?? null;
    if (next === this.shown) return;
    this.shown = next;
    const ch = next === null ? undefined : challengeById(next);
    this.element.hidden = !ch;
    if (!ch) return this.element.replaceChildren();
    this.element.replaceChildren(
      h('summary', {}, h('span', { class: 'challenge-goal-label' }, 'Goal'), ` ${ch.title}`, this.verdict),
      h('p', {}, ch.task),
      h('p', { class: 'note' }, 'Your result is judged against this goal when the round ends.'),
    );
  }

  /**
   * The player's own verdict after a round ("· Passed ★★★ · 1.6 s"), on the goal's one line: the goal
   * folds so the results have the room (a tap opens it again). Null: a new round, the goal open again.
   */
  showVerdict(verdict: ResultRow['verdict'] | null): void {
    this.verdict.textContent = verdict ? ` · ${verdictText(verdict)}` : '';
    this.verdict.classList.toggle('passed', verdict?.pass === true);
    this.element.open = !verdict;
  }
}

/** "Goal: 3 of 4 passed" for a challenge round's results (rows judged by the server), else null. */
export function passedLine(rows: readonly ResultRow[]): string | null {
  return rows.some((r) => r.verdict) ? `Goal: ${passedText(rows.map((r) => r.verdict))}` : null;
}

/** A row's verdict in a results cell: "Passed ★★☆ · 2.8 %", "Not yet · 55 %", "—" when it was not judged. */
export function verdictText(verdict: ResultRow['verdict']): string {
  if (!verdict) return '—';
  const value = verdict.value === null ? '' : ` · ${verdict.valueText}`;
  return verdict.pass ? `Passed ${'★'.repeat(verdict.stars)}${'☆'.repeat(3 - verdict.stars)}${value}` : `Not yet${value}`;
}
