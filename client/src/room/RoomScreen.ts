import {
  decodeTrailSnapshot,
  landmarksOf,
  TICK_MS,
  type Bounds2D,
  type LandscapeSpec,
  type ResultsMessage,
  type RoomLandscapeInfo,
  type RoomSettings,
  type SnapshotMessage,
} from '@gradient-rally/shared';
import type { Room } from 'colyseus.js';
import type { ArenaStage } from '../arena/ArenaStage';
import { CONNECTION_TEXT, type ConnectionState } from '../net/RaceConnection';
import { phaseText, RoomFields, racerRows, type RacerRow, type RoomStateLike } from '../net/raceViewModel';
import { onServerMessage } from '../net/serverMessages';
import { h } from '../ui/elements';
import type { ScreenShell } from '../ui/ScreenShell';
import { SessionDisplay } from '../workshop/SessionDisplay';
import { ChallengeGoal } from './ChallengeGoal';
import { ResultsPanel } from './ResultsPanel';

/**
 * What the host dashboard and the player view share: the arena fed from the
 * room state (positions, trails kept locally, snapshot on (re)join), the live
 * leaderboard, the status line, the connection badge and the results panel.
 */
export class RoomScreen {
  readonly stage: ArenaStage;
  readonly leaderboard = h('tbody');
  readonly leaderboardPanel: HTMLElement;
  readonly resultsHost = h('div');
  /** Title and lesson of the room's landscape. */
  readonly lessonPanel = h('section', { class: 'panel' });
  /** The goal of the challenge the round runs (placed by the player's view and the projector). */
  readonly goal = new ChallengeGoal();
  /** The session: the instructor's note, the scoreboard across rounds, the previous round's ghosts. */
  readonly session: SessionDisplay;
  results: ResultsMessage | undefined;
  ownId: string | undefined;
  private landscapeKey = '';
  private lastTick = -1;
  private lastPhase = '';
  private frame = 0;
  private boardKey = '';
  private pendingSnapshot: SnapshotMessage | undefined;
  /** The state's JSON fields, parsed once per change. */
  readonly fields = new RoomFields();
  /** The room's settings, once the first patch has brought them. */
  settings: RoomSettings | undefined;
  landscapeSpec: LandscapeSpec | undefined;
  /** The room's terrain: title, lesson, view. */
  landscapeInfo: RoomLandscapeInfo | undefined;
  /** The view bounds of the room's landscape (what `showLandscape` fits). */
  landscapeBounds: Bounds2D | undefined;
  private resultsPanel: ResultsPanel | undefined;
  onRows: (rows: RacerRow[], state: RoomStateLike) => void = () => {};
  onPhase: (phase: string, state: RoomStateLike) => void = () => {};
  /** After the results arrive (and are shown in `resultsHost`). */
  onResults: (results: ResultsMessage) => void = () => {};

  constructor(readonly shell: ScreenShell) {
    this.stage = shell.arena();
    this.session = new SessionDisplay(this.stage);
    this.stage.model.racers.clear();
    this.stage.model.overlay = undefined;
    this.stage.model.diagnostics = undefined;
    this.stage.model.startMarker = undefined;
    this.leaderboardPanel = h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Leaderboard'),
      h(
        'table',
        { 'aria-label': 'Leaderboard' },
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Racer'), h('th', {}, 'Loss'), h('th', {}, 'Status'))),
        this.leaderboard,
      ),
    );
  }

  showConnection(s: ConnectionState): void {
    this.shell.setConnection(s, CONNECTION_TEXT[s]);
  }

  /** Binds the state and message handlers to a (new or reconnected) room. */
  bind(room: Room<RoomStateLike>): void {
    room.onStateChange(() => {
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => this.update(room.state));
    });
    onServerMessage(room, 'snapshot', (m) => this.applySnapshot(m));
    onServerMessage(room, 'results', (m) => this.showResults(m));
    this.session.bind(room);
    if (room.state?.players) this.update(room.state);
  }

  update(state: RoomStateLike): void {
    const settings = this.fields.settings(state);
    const info = this.fields.landscape(state);
    this.settings = settings;
    this.landscapeInfo = info ?? this.landscapeInfo;
    if (settings) this.goal.show(settings.challenge);
    // The landscape changes with the settings; its info (title, bounds) arrives in the same patch.
    const key = settings && info ? JSON.stringify(settings.landscape) : '';
    if (settings && info && key !== this.landscapeKey) {
      this.landscapeKey = key;
      this.landscapeSpec = settings.landscape;
      this.landscapeBounds = info.bounds;
      this.lessonPanel.replaceChildren(h('h2', {}, info.title), h('p', { class: 'lesson' }, info.lesson));
      this.stage.model.landmarks = landmarksOf(info);
      void this.stage.showLandscape(settings.landscape, info.bounds);
    }
    if (state.phase !== this.lastPhase) {
      if (state.phase === 'countdown' || (state.phase === 'race' && this.lastPhase === 'lobby')) this.stage.model.clearTrails();
      // A new round starts from the terrain's own view; during the race the view follows the racers.
      if (state.phase === 'lobby' || state.phase === 'countdown') this.stage.fit();
      if (state.phase !== 'results') {
        this.goal.showVerdict(null);
        this.results = undefined;
        this.resultsPanel?.destroy();
        this.resultsPanel = undefined;
        this.stage.model.replayFraction = undefined;
        this.resultsHost.replaceChildren();
      }
      this.lastPhase = state.phase;
      this.onPhase(state.phase, state);
    }
    this.session.update(state, this.ownId);
    const tickRate = settings?.tickRate ?? 1000 / TICK_MS;
    this.shell.setPhase(phaseText(state, 1000 / tickRate));
    const rows = racerRows(state, this.ownId, this.fields);
    const racing = state.phase === 'race' || state.phase === 'results';
    for (const r of rows) {
      // Trails only grow while the race runs; the lobby shows start points.
      const status = racing ? (r.status === 'idle' ? 'racing' : r.status) : 'idle';
      const view = this.stage.model.upsertRacer(r.id, r.slot, r.name, r.x, r.y, r.own, status);
      if (!racing) view.trail.clear();
    }
    this.stage.model.removeMissing(new Set(rows.map((r) => r.id)));
    this.stage.followRacers();
    if (this.pendingSnapshot && rows.length) {
      const m = this.pendingSnapshot;
      this.pendingSnapshot = undefined;
      if (racing) this.applySnapshotNow(m);
    }
    this.lastTick = state.tick;
    // Rebuild the table only when what it shows changed (patches arrive 10 times a second).
    const boardKey = rows
      .map((r) => `${r.id}|${r.name}|${r.lossText}|${r.statusText}|${r.optimizerName}|${r.connected}|${r.own}`)
      .join(';');
    if (boardKey !== this.boardKey)
      this.leaderboard.replaceChildren(
        ...rows.map((r, i) =>
          h(
            'tr',
            { class: r.own ? 'own' : undefined },
            h('td', {}, String(i + 1)),
            h(
              'td',
              {},
              h('span', { class: 'glyph', style: `color:${r.css}`, 'aria-hidden': 'true' }, r.glyph),
              ` ${r.name}${r.own ? ' (you)' : ''}${r.connected ? '' : ' (offline)'}`,
            ),
            h('td', { class: 'num' }, r.lossText),
            h('td', {}, `${r.statusText} · ${r.optimizerName}`),
          ),
        ),
      );
    this.boardKey = boardKey;
    this.onRows(rows, state);
  }

  private applySnapshotNow(m: SnapshotMessage): void {
    try {
      if (!m.snapshot) return;
      for (const t of decodeTrailSnapshot(m.snapshot)) {
        const r = this.stage.model.racers.get(t.id);
        if (!r) continue; // a racer that left since
        r.trail.clear();
        for (let i = 0; i + 1 < t.points.length; i += 2) r.trail.push(t.points[i], t.points[i + 1]);
      }
    } catch {
      /* an undecodable snapshot only costs the trail history */
    }
  }

  private applySnapshot(m: SnapshotMessage): void {
    // The snapshot can arrive before the first state patch is drawn: keep it until the racers exist.
    if (this.stage.model.racers.size === 0) this.pendingSnapshot = m;
    else this.applySnapshotNow(m);
  }

  showResults(m: ResultsMessage): void {
    this.results = m;
    this.resultsPanel?.destroy();
    this.resultsPanel = new ResultsPanel(m, this.landscapeSpec, this.stage, this.ownId, this.settings);
    this.resultsHost.replaceChildren(this.resultsPanel.element);
    this.resultsPanel.replay();
    this.goal.showVerdict(m.rows.find((r) => r.id === this.ownId)?.verdict ?? null);
    this.onResults(m);
  }

  /** The results' "Class view" button, for another place that shows the results (the projector's podium). */
  classViewButton(): HTMLButtonElement | undefined {
    return this.resultsPanel?.classViewButton();
  }

  get tick(): number {
    return this.lastTick;
  }
}
