import { scoringExplanation, type ResultsMessage, type RoomSettings } from '@gradient-rally/shared';
import type { RacerStyle } from '../arena/racerStyle';
import type { RacerRow } from '../net/raceViewModel';
import { h } from '../ui/elements';
import { passedLine } from './ChallengeGoal';
import { podiumElement } from './podium';

/**
 * What the projector shows the room, by phase (the page's projector layout
 * does the rest: the sidebar's controls hidden, the arena as large as it can
 * be):
 * - lobby: the join link, a large code and QR, and the wall of names as
 *   students join (in their racer's colour and shape);
 * - race: the arena fills the screen; the code sits small in a corner for
 *   latecomers;
 * - results: the podium over the arena, full screen, with the rule's name on
 *   each score and ties shown as ties.
 */
export class ProjectorBoard {
  /** Goes in the sidebar (shown in the lobby). */
  readonly side = h('section', { class: 'projector-board', 'aria-label': 'Join this game' });
  /** Goes over the arena (corner code during the race, podium after it). */
  readonly overlay = h('div', { class: 'projector-overlay' });
  private readonly code = h('span', { class: 'join-code' });
  private readonly corner = h('p', { class: 'projector-corner' });
  private readonly link = h('span', { class: 'join-link' });
  private readonly wall = h('ul', { class: 'name-wall', 'aria-label': 'Players who joined' });
  private readonly count = h('p', { class: 'wall-count' });
  private readonly podium = h('div', { class: 'projector-podium' });
  private wallKey = '';

  constructor(
    readonly qr: HTMLImageElement,
    actions: HTMLElement,
  ) {
    this.side.append(
      h('p', { class: 'projector-join' }, 'Join at ', this.link),
      h('p', { class: 'projector-code' }, 'with the code ', this.code),
      h('div', { class: 'projector-qr' }, qr),
      this.count,
      this.wall,
    );
    // The actions last: over the podium, so "Exit projector view" stays reachable.
    this.overlay.append(this.corner, this.podium, actions);
    this.podium.hidden = true;
  }

  /** `url` is the join link (the QR holds it whole); the words show the site alone, read off a wall more easily. */
  setCode(code: string, url: string): void {
    const site = url.replace(/^https?:\/\//, '').replace(/\/?\?join=.*$/, '');
    this.code.textContent = code;
    this.link.textContent = site;
    this.corner.textContent = `Join at ${site} · code ${code}`;
  }

  /** The wall of names (rebuilt only when someone joins, leaves or renames). */
  showPlayers(rows: readonly RacerRow[]): void {
    const key = rows.map((r) => `${r.id}|${r.name}|${r.connected}`).join(';');
    if (key === this.wallKey) return;
    this.wallKey = key;
    const byJoin = [...rows].sort((a, b) => a.slot - b.slot);
    this.wall.replaceChildren(
      ...byJoin.map((r) =>
        h(
          'li',
          { class: r.connected ? undefined : 'offline' },
          h('span', { class: 'glyph', style: `color:${r.css}`, 'aria-hidden': 'true' }, r.glyph),
          ` ${r.name}`,
        ),
      ),
    );
    this.count.textContent =
      rows.length === 0 ? 'Waiting for the first player…' : `${rows.length} player${rows.length === 1 ? '' : 's'} in the game`;
  }

  /** The round's goal (a challenge round's `ChallengeGoal`), shown over the arena in the lobby and during the race. */
  showGoal(goal: HTMLElement): void {
    goal.classList.add('projector-goal');
    this.overlay.prepend(goal);
  }

  /** `action`: a button under the podium (the class view). */
  showResults(
    results: ResultsMessage | undefined,
    settings: RoomSettings | undefined,
    styleOf: (id: string) => RacerStyle,
    action?: HTMLElement,
  ): void {
    if (!results) {
      this.podium.hidden = true;
      this.podium.replaceChildren();
      return;
    }
    this.podium.replaceChildren(
      h('h2', {}, `Round ${results.round}: the podium`),
      podiumElement(results.rows, results.scoring, styleOf, { big: true }),
      h('p', { class: 'note' }, scoringExplanation(settings)),
      ...(action ? [action] : []),
    );
    const passed = passedLine(results.rows);
    if (passed) this.podium.insertBefore(h('p', { class: 'challenge-passed' }, passed), this.podium.children[1]);
    this.podium.hidden = false;
  }
}
