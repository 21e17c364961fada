import { landscapeCatalogue, presetSettingsPatch, type JoinOptions } from '@gradient-rally/shared';
import type { Room } from 'colyseus.js';
import QRCode from 'qrcode';
import { racerStyle } from '../arena/racerStyle';
import { bus } from '../events/AppEvents';
import { describeJoinFailure } from '../net/joinErrors';
import { RaceConnection, seatStore } from '../net/RaceConnection';
import type { RacerRow, RoomStateLike } from '../net/raceViewModel';
import { onServerMessage } from '../net/serverMessages';
import { h } from '../ui/elements';
import { PanelTabs } from '../ui/PanelTabs';
import type { ScreenShell } from '../ui/ScreenShell';
import { HostPresence } from './hostPresence';
import { HostWorkshop } from '../workshop/HostWorkshop';
import { HostSettingsForm } from './HostSettingsForm';
import { ProjectorBoard } from './ProjectorBoard';
import { RoomScreen } from './RoomScreen';

/** A new room starts on the first catalogue terrain (sharp vs flat) under its preset. */
const FIRST_TERRAIN = landscapeCatalogue()[0];

/** `host`: runs the game; `watch`: a read-only projector window of a game this browser hosts in another tab. */
export type HostRole = 'host' | 'watch';

/**
 * The instructor's dashboard: creates the room at once (so the join code is
 * on screen within seconds), then offers the round settings in three steps
 * (`HostSettingsForm`), the player list with kick, lock, start / pause /
 * resume / end, the live race, results with export, and a projector view.
 *
 * One host, clearly: the host link opened in a second tab of the same
 * browser opens as a read-only projector view (`HostPresence` finds the
 * hosting tab), unless asked to take over; a tab whose hosting moved
 * elsewhere is told so plainly and offers to take it back or to become the
 * projector; the host link in a browser without the game's host secret says
 * so instead of creating a new game.
 */
export class HostDashboard {
  private readonly screen: RoomScreen;
  private readonly conn: RaceConnection;
  private secret = '';
  private code = '';
  private role: HostRole = 'host';
  private presence: HostPresence | undefined;
  private readonly error = h('p', { class: 'error', role: 'alert' });
  private readonly codeBox = h('output', { class: 'join-code', 'aria-label': 'Join code' });
  private readonly link = h('a', { class: 'join-link' });
  private readonly qr = h('img', { class: 'qr', alt: 'QR code of the join link' });
  private readonly players = h('ul', { 'aria-label': 'Players' });
  private readonly buttons: Record<'start' | 'pause' | 'resume' | 'end' | 'next', HTMLButtonElement>;
  private readonly lock = h('input', { type: 'checkbox' });
  private readonly settingsForm = new HostSettingsForm((patch) => this.sendSettings(patch));
  private readonly projectorActions = h('div', { class: 'projector-actions' });
  private readonly board = new ProjectorBoard(h('img', { class: 'qr', alt: 'QR code of the join link' }), this.projectorActions);
  private tabs: PanelTabs | undefined;
  private projectorOn = false;
  private playersKey = '-';
  private phase = '';
  private moved = false;
  /** The instructor's library and builder, the session's scoreboard, history and export (issue 13). */
  private workshop: HostWorkshop | undefined;

  constructor(
    private readonly shell: ScreenShell,
    private readonly rejoinCode?: string,
    private readonly asked?: HostRole,
  ) {
    this.screen = new RoomScreen(shell);
    this.conn = new RaceConnection(
      shell.wsUrl,
      (room) => this.bind(room),
      // Once hosting moved elsewhere this tab says so in words; its socket closing is no news.
      (s) => this.moved || this.screen.showConnection(s),
    );
    const b = (label: string, cmd: () => void, cls?: string) => h('button', { type: 'button', class: cls, onclick: cmd }, label);
    this.buttons = {
      start: b('Start race', () => this.host('host:start'), 'primary'),
      pause: b('Pause', () => this.host('host:pause')),
      resume: b('Resume', () => this.host('host:resume')),
      end: b('End race', () => this.host('host:end'), 'danger'),
      next: b('Next round', () => this.host('host:nextRound')),
    };
    this.lock.addEventListener('change', () =>
      this.report(this.conn.send('host:lock', { secret: this.secret, locked: this.lock.checked })),
    );
  }

  async start(): Promise<void> {
    this.screen.showConnection('connecting');
    const code = this.rejoinCode;
    const seat = code ? seatStore.get(code) : undefined;
    if (code && !seat?.hostSecret) return this.showNotHere(code);
    let options: JoinOptions | undefined;
    if (code && seat?.hostSecret) {
      // A second tab of the hosting browser watches unless it was asked to take over.
      this.role = this.asked ?? ((await HostPresence.elsewhere(code)) ? 'watch' : 'host');
      options = this.role === 'watch' ? { hostSecret: seat.hostSecret, watch: true } : { hostSecret: seat.hostSecret };
    }
    try {
      if (code && options) await this.conn.join(code, options);
      else await this.conn.create({ settings: presetSettingsPatch(FIRST_TERRAIN) as Record<string, never> });
    } catch (e) {
      this.screen.showConnection('offline');
      this.showCard(
        'Could not host',
        describeJoinFailure(e, this.rejoinCode).message,
        h('button', { type: 'button', onclick: () => bus.emit('navigate', { to: 'host' }) }, 'Host a new game'),
      );
      return;
    }
    this.code = this.conn.code;
    if (this.role === 'watch') this.conn.rejoinOptions = options;
    this.shell.setPath(`/?host=${this.code}${this.role === 'watch' ? '&watch' : ''}`);
    this.screen.showConnection('connected');
    this.workshop = new HostWorkshop({
      screen: this.screen,
      wsUrl: this.shell.wsUrl,
      hostSecret: () => this.secret,
      code: () => this.code,
      sendSettings: (patch) => this.sendSettings(patch),
      sendSession: (settings) => this.conn.send('host:session', { secret: this.secret, ...settings }),
    });
    this.layOut();
    this.setCode(this.code);
    this.screen.onRows = (rows, state) => this.onRows(rows, state);
    this.screen.onPhase = (phase, state) => {
      this.phase = phase;
      this.onRows([], state, true);
      this.showProjector();
    };
    this.screen.onResults = () => this.showProjector();
    this.shell.setHint(matchMedia('(pointer: coarse)').matches ? 'Drag to pan, pinch to zoom.' : 'Drag to pan, scroll to zoom.');
    document.addEventListener('keydown', this.onKey);
    if (this.role === 'watch') this.setProjector(true);
  }

  /** The sidebar: on a phone, tabs (room, settings, leaderboard, results); on a wider screen, every panel. */
  private layOut(): void {
    const watch = this.role === 'watch';
    const projector = h(
      'button',
      { type: 'button', onclick: () => this.setProjector(true), title: 'Large code, names and podium for the class; Esc to leave' },
      'Projector view',
    );
    const projectorWindow = h(
      'button',
      {
        type: 'button',
        onclick: () => window.open(`/?host=${this.code}&watch`, '_blank'),
        title: 'A second window that shows the projector view while you keep these controls',
      },
      'Open projector window',
    );
    const roomPanels = [
      h(
        'section',
        { class: 'panel join-code-box' },
        h('div', {}, 'Join at this page with the code'),
        this.codeBox,
        this.link,
        h('div', {}, this.qr),
      ),
      h(
        'section',
        { class: 'panel controls' },
        h('h2', {}, 'Round'),
        h('div', { class: 'buttons' }, ...Object.values(this.buttons)),
        this.error,
        h('label', { class: 'check' }, this.lock, 'Lock the room (no new players)'),
        h('div', { class: 'buttons' }, projector, projectorWindow),
      ),
      h('section', { class: 'panel controls' }, h('h2', {}, 'Players'), this.players),
    ];
    this.tabs = new PanelTabs(
      [
        // Results first on a wide screen: after a round they are what the class looks at.
        { id: 'results', label: 'Results', content: [this.screen.resultsHost], unavailable: true, tabOrder: 4 },
        { id: 'room', label: 'Room', content: [...roomPanels, this.workshop!.sessionPanel], tabOrder: 1 },
        { id: 'board', label: 'Ranking', content: [this.screen.leaderboardPanel], tabOrder: 3 },
        { id: 'settings', label: 'Settings', content: [this.settingsForm.element, this.workshop!.libraryPanel], tabOrder: 2 },
      ],
      'room',
      { label: 'Host panels' },
    );
    this.shell.side.replaceChildren(this.tabs.element, this.board.side);
    this.shell.overlay.replaceChildren(this.board.overlay);
    this.board.showGoal(this.screen.goal.element);
    this.projectorActions.replaceChildren(
      watch
        ? h(
            'button',
            { type: 'button', onclick: () => bus.emit('navigate', { to: 'host', code: this.code, as: 'host' }) },
            'Host from this window',
          )
        : h('button', { type: 'button', onclick: () => this.setProjector(false) }, 'Exit projector view'),
    );
  }

  private onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.projectorOn && this.role === 'host') this.setProjector(false);
  };

  private setProjector(on: boolean): void {
    this.projectorOn = on;
    this.screen.stage.model.scale = on ? 1.5 : 1;
    this.showProjector();
  }

  /** The projector layout for the room's phase, and the board's content. */
  private showProjector(): void {
    const phase = this.phase === 'countdown' ? 'race' : this.phase;
    const mode = !this.projectorOn ? 'off' : phase === 'race' || phase === 'results' ? phase : 'lobby';
    this.shell.setProjector(mode);
    const styleOf = (id: string) =>
      this.screen.stage.model.racers.get(id)?.style ?? racerStyle(this.screen.results?.rows.findIndex((r) => r.id === id) ?? 0);
    const results = mode === 'results' ? this.screen.results : undefined;
    this.board.showResults(results, this.screen.settings, styleOf, results && this.screen.classViewButton());
  }

  private setCode(code: string): void {
    this.codeBox.textContent = code;
    const url = `${location.origin}/?join=${code}`;
    this.link.href = url;
    this.link.textContent = url;
    this.board.setCode(code, url);
    void QRCode.toDataURL(url, { margin: 1, width: 320 }).then((d) => {
      this.qr.src = d;
      this.board.qr.src = d;
    });
  }

  private bind(room: Room<RoomStateLike>): void {
    onServerMessage(room, 'welcome', (m) => {
      if (m.role === 'watcher') return;
      if (m.hostSecret) this.secret = m.hostSecret;
      seatStore.set(m.code, { hostSecret: this.secret });
      this.conn.rejoinOptions = { hostSecret: this.secret };
      this.presence ??= new HostPresence(m.code);
      if (m.code && m.code !== this.code) {
        this.code = m.code;
        this.setCode(m.code);
      }
    });
    onServerMessage(room, 'applied', (m) => {
      if (m.type === 'host:settings') this.settingsForm.acknowledge();
    });
    onServerMessage(room, 'error', (m) => {
      if (m.type === 'host:settings') {
        this.tabs?.select('settings');
        this.settingsForm.refuse(m.message, m.path);
      } else this.report(m.message);
    });
    onServerMessage(room, 'replaced', () => this.showMoved());
    this.screen.bind(room);
  }

  /** Hosting moved to another tab or window: this one stops, and says so. */
  private showMoved(): void {
    this.moved = true;
    this.conn.markClosed();
    this.presence?.release();
    this.presence = undefined;
    this.shell.setProjector('off');
    this.shell.setPhase('');
    this.shell.setConnection('idle');
    const code = this.code;
    this.showCard(
      'Hosting moved to another window',
      `Game ${code} is now run from another tab or window of this browser. This one has stopped: its buttons would do nothing.`,
      h(
        'button',
        { type: 'button', class: 'primary', onclick: () => bus.emit('navigate', { to: 'host', code, as: 'watch' }) },
        'Use this window as the projector',
      ),
      h('button', { type: 'button', onclick: () => bus.emit('navigate', { to: 'host', code, as: 'host' }) }, 'Host from this window again'),
    );
  }

  /** The host link in a browser that does not hold the game's host secret: say so, do not start another game. */
  private showNotHere(code: string): void {
    this.shell.setConnection('idle');
    this.showCard(
      'This game is hosted from another browser',
      `Game ${code} was started in another browser (or this browser's saved data was cleared, or the game has ended). Only the browser that started it can run it. Students join with the code.`,
      h(
        'button',
        { type: 'button', class: 'primary', onclick: () => bus.emit('navigate', { to: 'join', code }) },
        `Join ${code} as a player`,
      ),
      h('button', { type: 'button', onclick: () => bus.emit('navigate', { to: 'host' }) }, 'Host a new game'),
    );
  }

  private showCard(title: string, text: string, ...buttons: HTMLElement[]): void {
    this.shell.side.replaceChildren();
    this.shell.overlay.replaceChildren();
    this.shell.screen.replaceChildren(
      h('div', { class: 'card' }, h('h1', {}, title), h('p', { role: 'alert' }, text), h('div', { class: 'landing-choices' }, ...buttons)),
    );
    this.shell.setLayout('join');
  }

  private host(type: 'host:start' | 'host:pause' | 'host:resume' | 'host:end' | 'host:nextRound'): void {
    this.report(this.conn.send(type, { secret: this.secret }));
  }

  private report(message: string | undefined): void {
    this.error.textContent = message ?? '';
  }

  private sendSettings(patch: Record<string, unknown>): string | undefined {
    return this.conn.send('host:settings', { secret: this.secret, settings: patch as Record<string, never> });
  }

  private onRows(rows: RacerRow[], state: RoomStateLike, phaseOnly = false): void {
    const p = state.phase;
    this.buttons.start.disabled = p !== 'lobby';
    this.buttons.pause.disabled = p !== 'race' || state.paused;
    this.buttons.resume.disabled = p !== 'race' || !state.paused;
    this.buttons.end.disabled = p !== 'race' && p !== 'countdown';
    this.buttons.next.disabled = p !== 'results';
    this.lock.checked = state.locked;
    const racing = p === 'race' || p === 'countdown';
    this.settingsForm.element.hidden = racing;
    // In the lobby the player list says it all; the ranking matters once there is a race.
    this.screen.leaderboardPanel.hidden = p === 'lobby';
    this.tabs?.setAvailable('board', p !== 'lobby');
    this.tabs?.setAvailable('settings', !racing);
    this.tabs?.setAvailable('results', p === 'results');
    if (this.screen.settings) this.settingsForm.update(this.screen.settings, this.screen.landscapeInfo);
    this.workshop?.showPhase(p);
    if (phaseOnly) return;
    this.board.showPlayers(rows);
    // Rebuilt only on a change, so a Kick button is not replaced under the pointer.
    const key = rows.map((r) => `${r.id}|${r.name}|${r.optimizerName}|${r.connected}`).join(';');
    if (key === this.playersKey) return;
    this.playersKey = key;
    this.players.replaceChildren(
      ...rows.map((r) =>
        h(
          'li',
          {},
          h('span', { class: 'glyph', style: `color:${r.css}`, 'aria-hidden': 'true' }, r.glyph),
          ` ${r.name} (${r.optimizerName}${r.connected ? '' : ', offline'}) `,
          h(
            'button',
            {
              type: 'button',
              class: 'controls',
              'aria-label': `Kick ${r.name}`,
              onclick: () => this.report(this.conn.send('host:kick', { secret: this.secret, playerId: r.id })),
            },
            'Kick',
          ),
        ),
      ),
    );
    if (!rows.length) this.players.replaceChildren(h('li', { class: 'note' }, 'No players yet: share the code.'));
  }

  destroy(): void {
    this.workshop?.destroy();
    document.removeEventListener('keydown', this.onKey);
    this.presence?.release();
    this.tabs?.destroy();
    this.shell.setProjector('off');
    void this.conn.leave();
    this.shell.setConnection('idle');
  }
}
