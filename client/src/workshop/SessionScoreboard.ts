import {
  formatNumber,
  SESSION_RULE_LABELS,
  SESSION_VALUE_LABELS,
  sessionRuleExplanation,
  type SessionRule,
  type SessionView,
} from '@gradient-rally/shared';
import { h } from '../ui/elements';

/**
 * The session's scoreboard: every player who raced a round, best first, under
 * the rule the host chose (the server ranks it with shared's
 * `sessionStandings`; this only draws it), one column per round and the
 * combined value, with the rule in one sentence underneath. Students, the
 * projector and the host see the same table; the host's controls (rule,
 * ghosts, export) are in `HostWorkshop`.
 */
export class SessionScoreboard {
  readonly element = h('section', { class: 'panel session-board', 'aria-label': 'Session scoreboard' });
  private readonly heading = h('h2', {});
  private readonly table = h('table', { 'aria-label': 'Session standings' });
  private readonly explanation = h('p', { class: 'note' });
  private readonly more = h('p', { class: 'note' });
  private key = '';
  private lastView: SessionView | undefined;
  private lastOwnId: string | undefined;

  constructor() {
    this.element.append(this.heading, h('div', { class: 'table-scroll' }, this.table), this.explanation, this.more);
    this.element.hidden = true;
  }

  /** `ownId`: a student's own row is marked, as in the results table, so a phone finds it at a glance. */
  update(view: SessionView | undefined, ownId?: string): void {
    // Called on every state patch: the same parsed view and viewer cost nothing.
    if (view === this.lastView && ownId === this.lastOwnId) return;
    this.lastView = view;
    this.lastOwnId = ownId;
    const key = view ? JSON.stringify([view.rule, view.rounds.length, view.standings, view.more, ownId]) : '';
    if (key === this.key) return;
    this.key = key;
    // Shown once a round has finished (before that there is nothing to combine).
    this.element.hidden = !view || view.rounds.length === 0;
    if (!view) return;
    const rule: SessionRule = view.rule;
    const rounds = view.rounds;
    this.heading.textContent = `Session: ${rounds.length} round${rounds.length === 1 ? '' : 's'} · ${SESSION_RULE_LABELS[rule]}`;
    const value = (v: number) => (rule === 'points' ? String(v) : formatNumber(v));
    this.table.replaceChildren(
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', class: 'num' }, '#'),
          h('th', { scope: 'col' }, 'Player'),
          ...rounds.map((r) => h('th', { scope: 'col', class: 'num round-col', title: r.title }, `R${r.round}`)),
          h('th', { scope: 'col', class: 'num' }, SESSION_VALUE_LABELS[rule]),
        ),
      ),
      h(
        'tbody',
        {},
        ...view.standings.map((s) =>
          h(
            'tr',
            { 'data-player': s.id, class: s.id === ownId ? 'own' : undefined },
            h('td', { class: 'num' }, String(s.rank)),
            h('td', {}, s.name),
            ...s.perRound.map((v) => h('td', { class: 'num round-col' }, v === null ? '—' : value(v))),
            h('td', { class: 'num' }, h('strong', {}, value(s.value))),
          ),
        ),
      ),
    );
    this.explanation.textContent = sessionRuleExplanation(rule);
    this.more.textContent = view.more > 0 ? `…and ${view.more} more players (the export has them all).` : '';
  }
}
