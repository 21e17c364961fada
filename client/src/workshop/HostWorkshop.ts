import {
  entrySettingsPatch,
  SESSION_RULE_LABELS,
  SESSION_RULES,
  type LibraryEntry,
  type OptimizerFit,
  type SessionSettings,
  type SessionView,
} from '@gradient-rally/shared';
import type { RoomScreen } from '../room/RoomScreen';
import { httpBase } from '../net/serverUrl';
import { download, h } from '../ui/elements';
import { EntryEditor } from './EntryEditor';
import { instructorKey } from './instructorKey';
import { LandscapeLibraryPanel } from './LandscapeLibraryPanel';
import { LibraryClient, LibraryError } from './LibraryClient';
import { RoundHistory } from './RoundHistory';

export interface HostWorkshopDeps {
  screen: RoomScreen;
  /** The game server's WebSocket address (`chooseServer`'s): the library and exports live there. */
  wsUrl: string;
  hostSecret(): string;
  code(): string;
  sendSettings(patch: Record<string, unknown>): void;
  /** Sends `host:session`; returns a refusal to show, if any. */
  sendSession(settings: SessionSettings): string | undefined;
}

/**
 * The instructor's workshop in the host dashboard: the library of their own
 * terrains with the builder (`LandscapeLibraryPanel`, `EntryEditor`), and the
 * session — how rounds combine on the scoreboard, ghosts of the last round,
 * "Export session", and the history of rounds with their replays
 * (`RoundHistory`). The dashboard places `libraryPanel` and `sessionPanel`
 * and tells it the phase; everything else happens here.
 */
export class HostWorkshop {
  readonly libraryPanel: HTMLElement;
  readonly sessionPanel = h('div', { class: 'session-panels' });
  private readonly editor: EntryEditor;
  private readonly library: LandscapeLibraryPanel;
  private readonly history: RoundHistory;
  private readonly rule = h('select', {}, ...SESSION_RULES.map((r) => h('option', { value: r }, SESSION_RULE_LABELS[r])));
  private readonly ghosts = h('input', { type: 'checkbox' });
  private readonly exports: HTMLButtonElement[];
  private readonly message = h('p', { class: 'error', role: 'alert' });
  private readonly ghostNote = h('p', { class: 'note', 'aria-live': 'polite' });

  constructor(private readonly deps: HostWorkshopDeps) {
    const base = httpBase(deps.wsUrl);
    // The key belongs to this server: made for its origin, sent nowhere else (see instructorKey.ts).
    const client = new LibraryClient(base, instructorKey(base));
    let panel: LandscapeLibraryPanel | undefined;
    this.editor = new EntryEditor({
      save: (entry, id) => panel!.save(entry, id),
      use: (entry, fits) => this.apply(entry, fits),
    });
    const use = async (entry: LibraryEntry) => {
      const checked = await this.editor.prepare(entry);
      if (!checked) throw new LibraryError('the check was interrupted: try again');
      if (!checked.ok) throw new LibraryError(checked.message, checked.field);
      this.apply(checked.entry, checked.fits);
    };
    panel = new LandscapeLibraryPanel({ client, editor: this.editor, use, origin: location.origin });
    this.library = panel;
    this.libraryPanel = panel.element;
    void panel.refresh();

    this.history = new RoundHistory({
      stage: deps.screen.stage,
      session: deps.screen.session,
      base,
      hostSecret: deps.hostSecret,
      roomTerrain: () =>
        deps.screen.landscapeSpec && deps.screen.landscapeBounds
          ? { spec: deps.screen.landscapeSpec, bounds: deps.screen.landscapeBounds }
          : undefined,
    });
    this.rule.addEventListener('change', () => this.session({ rule: this.rule.value as SessionSettings['rule'] }));
    this.ghosts.addEventListener('change', () => this.session({ ghosts: this.ghosts.checked }));
    this.exports = (['csv', 'json'] as const).map((format) =>
      h('button', { type: 'button', onclick: () => void this.exportSession(format) }, `Export session (${format.toUpperCase()})`),
    );
    const controls = h(
      'section',
      { class: 'panel controls host-only', 'aria-label': 'Session settings' },
      h('h2', {}, 'Session'),
      h('div', { class: 'field' }, h('label', { for: 'session-rule' }, 'Combine rounds by'), this.rule),
      h('label', { class: 'check' }, this.ghosts, 'Show the last round’s racers as ghosts'),
      this.ghostNote,
      h('div', { class: 'buttons' }, ...this.exports),
      this.message,
    );
    this.rule.id = 'session-rule';
    this.sessionPanel.append(deps.screen.session.noteElement, controls, deps.screen.session.scoreboard.element, this.history.element);
    const previous = deps.screen.session.onView;
    deps.screen.session.onView = (view) => {
      previous(view);
      this.showSession(view);
    };
    if (deps.screen.session.view) this.showSession(deps.screen.session.view);
    deps.screen.session.onGhosts = () => this.showGhostNote();
  }

  /** The dashboard's phase: the library is for setting up (lobby, results), like the settings form. */
  showPhase(phase: string): void {
    this.libraryPanel.hidden = phase === 'race' || phase === 'countdown';
    this.library.markInUse(this.deps.screen.landscapeSpec);
    if (phase === 'race' || phase === 'countdown') this.history.closeRound();
  }

  destroy(): void {
    this.history.destroy();
    this.editor.destroy();
  }

  /** Makes an entry the room's terrain under its preset, and its lesson the instructor's note. */
  private apply(entry: LibraryEntry, fits: readonly OptimizerFit[]): void {
    const patch = entrySettingsPatch(entry, { allowedOptimizers: this.deps.screen.settings?.allowedOptimizers }, fits);
    this.deps.sendSettings(patch);
    // The note names its terrain: should the settings be refused, it shows nowhere rather than on the old terrain.
    this.session({ note: { title: entry.title, text: entry.lesson, terrain: entry.terrain } });
  }

  private session(settings: SessionSettings): void {
    this.message.textContent = this.deps.sendSession(settings) ?? '';
  }

  private showSession(view: SessionView): void {
    if (document.activeElement !== this.rule) this.rule.value = view.rule;
    this.ghosts.checked = view.ghosts;
    for (const b of this.exports) b.disabled = view.rounds.length === 0;
    this.history.update(view);
    this.showGhostNote();
  }

  /** Whether ghosts will show, and why not: they race only on the terrain they raced on. */
  private showGhostNote(): void {
    const view = this.deps.screen.session.view;
    const round = this.deps.screen.session.ghostRound;
    if (!view?.ghosts || view.rounds.length === 0) this.ghostNote.textContent = '';
    else if (round > 0)
      this.ghostNote.textContent = `Ghosts: round ${round}’s racers, faded, each where it was at the same moment of its round (shown in the lobby and the race).`;
    else this.ghostNote.textContent = 'No ghosts now: the terrain changed since the last round (ghosts race only on their own terrain).';
  }

  private async exportSession(format: 'csv' | 'json'): Promise<void> {
    const code = this.deps.code();
    try {
      const res = await fetch(`${httpBase(this.deps.wsUrl)}/api/sessions/${encodeURIComponent(code)}.${format}?rule=${this.rule.value}`, {
        credentials: 'omit',
        headers: { authorization: `Bearer ${this.deps.hostSecret()}` },
      });
      if (!res.ok)
        throw new Error(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `the server answered ${res.status}`);
      download(`gradient-rally-session-${code}.${format}`, format === 'csv' ? 'text/csv' : 'application/json', await res.text());
      this.message.textContent = '';
    } catch (e) {
      this.message.textContent = `The session could not be exported: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}
