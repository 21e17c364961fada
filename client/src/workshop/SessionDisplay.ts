import {
  decodeTrailSnapshot,
  jsonFieldReader,
  sessionViewSchema,
  type GhostsMessage,
  type RaceStateView,
  type SessionView,
  type TrailSnapshot,
} from '@gradient-rally/shared';
import type { Room } from 'colyseus.js';
import type { OverlayTrail } from '../arena/ArenaModel';
import type { ArenaStage } from '../arena/ArenaStage';
import { racerStyle } from '../arena/racerStyle';
import { onServerMessage } from '../net/serverMessages';
import type { RoomStateLike } from '../net/raceViewModel';
import { h } from '../ui/elements';
import { SessionScoreboard } from './SessionScoreboard';
import './workshop.css';

/**
 * The session as every room screen shows it (host, projector, students):
 * the instructor's note for the current terrain, the scoreboard across
 * rounds, and the previous round's racers as ghosts on the arena while the
 * next round is set up and raced (drawn faded, each where it was at the same
 * tick of its own round). It also owns the arena's overlay for a stored round
 * replayed from the history (`showReplay`), so ghosts and a replay never
 * draw over each other.
 */
export class SessionDisplay {
  /** "The instructor's note": the library entry's lesson, marked as the instructor's own words. */
  readonly noteElement = h('section', { class: 'panel instructor-note', 'aria-label': 'The instructor’s note' });
  readonly scoreboard = new SessionScoreboard();
  view: SessionView | undefined;
  /** Runs when the session view changes (rounds, scoreboard, rule, note). */
  onView: (view: SessionView) => void = () => {};
  private readonly readView = jsonFieldReader(sessionViewSchema);
  private ghosts: OverlayTrail[] = [];
  /** The round the ghosts come from (0: none). */
  ghostRound = 0;
  /** Runs when the ghosts change (a round ended, ghosts turned on or off, the terrain changed). */
  onGhosts: (round: number) => void = () => {};
  private replaying = false;
  private noteKey = '';

  constructor(private readonly stage: ArenaStage) {
    this.noteElement.hidden = true;
  }

  bind(room: Room<RoomStateLike>): void {
    onServerMessage(room, 'ghosts', (m) => this.setGhosts(m));
  }

  /** Every state patch: the session field (parsed once per change), where the ghosts are; `ownId` marks a student's row. */
  update(state: Pick<RaceStateView, 'sessionJson' | 'tick'> & { phase: string }, ownId?: string): void {
    const r = this.readView(state.sessionJson ?? '{}');
    if (r.ok && r.value !== this.view) {
      this.view = r.value;
      this.showNote(r.value);
      this.onView(r.value);
    }
    this.scoreboard.update(this.view, ownId);
    if (this.replaying) return;
    const phase = state.phase;
    // Ghosts keep the new round company: the whole path while it is set up, then tick for tick.
    const on = this.ghosts.length > 0 && (phase === 'lobby' || phase === 'countdown' || phase === 'race');
    this.stage.model.overlay = on
      ? { kind: 'ghosts', trails: this.ghosts, uptoTick: phase === 'race' ? state.tick : undefined }
      : undefined;
  }

  /** Plays a stored round on the arena instead of the live racers (the history's replay). */
  showReplay(trails: OverlayTrail[], uptoTick: number): void {
    this.replaying = true;
    this.stage.model.overlay = { kind: 'replay', trails, uptoTick };
  }

  endReplay(): void {
    this.replaying = false;
    this.stage.model.overlay = undefined;
  }

  private setGhosts(m: GhostsMessage): void {
    this.ghosts = m.snapshot ? overlayTrails(m.snapshot, m.racers, (name) => `${name} (round ${m.round})`) : [];
    this.ghostRound = m.snapshot ? m.round : 0;
    this.onGhosts(this.ghostRound);
  }

  private showNote(view: SessionView): void {
    const key = JSON.stringify(view.note);
    if (key === this.noteKey) return;
    this.noteKey = key;
    this.noteElement.hidden = view.note === null;
    if (!view.note) return this.noteElement.replaceChildren();
    this.noteElement.replaceChildren(h('p', { class: 'note-kind' }, 'The instructor’s note'), h('h2', {}, view.note.title));
    if (view.note.text) this.noteElement.append(h('p', { class: 'note-text' }, view.note.text));
  }
}

/** Decoded trails as arena overlay trails, styled by each racer's slot and labelled by `label(name)`. */
export function overlayTrails(
  snapshot: TrailSnapshot,
  racers: readonly { id: string; name: string; slot: number }[],
  label: (name: string) => string,
): OverlayTrail[] {
  const byId = new Map(racers.map((r) => [r.id, r]));
  return decodeTrailSnapshot(snapshot).map((t, i) => {
    const r = byId.get(t.id);
    return { id: t.id, label: label(r?.name ?? t.id), style: racerStyle(r?.slot ?? i), points: t.points, ticks: t.ticks };
  });
}
