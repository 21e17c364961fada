import { landscapeCatalogue, presetSettingsPatch } from '@gradient-rally/shared';
import type { Room } from 'colyseus.js';
import QRCode from 'qrcode';
import { bus } from '../events/AppEvents';
import { describeJoinFailure } from '../net/joinErrors';
import { RaceConnection, seatStore } from '../net/RaceConnection';
import type { RacerRow, RoomStateLike } from '../net/raceViewModel';
import { onServerMessage } from '../net/serverMessages';
import { h } from '../ui/elements';
import type { ScreenShell } from '../ui/ScreenShell';
import { HostWorkshop } from '../workshop/HostWorkshop';
import { HostSettingsForm } from './HostSettingsForm';
import { RoomScreen } from './RoomScreen';

/** A new room starts on the first catalogue terrain (sharp vs flat) under its preset. */
const FIRST_TERRAIN = landscapeCatalogue()[0];

/**
 * The instructor's dashboard: creates the room at once (so the join code is
 * on screen within seconds), then offers the landscape catalogue with
 * previews, an expression editor with live preview, the round settings, the
 * knobs students may touch, the player list with kick, lock, start / pause /
 * resume / end, the live race, results with export, and a projector view.
 */
export class HostDashboard {
  private readonly screen: RoomScreen;
  private readonly conn: RaceConnection;
  private secret = '';
  private code = '';
  private readonly error = h('p', { class: 'error', role: 'alert' });
  private readonly codeBox = h('output', { class: 'join-code', 'aria-label': 'Join code' });
  private readonly link = h('a', { class: 'join-link' });
  private readonly qr = h('img', { class: 'qr', alt: 'QR code of the join link' });
  private readonly players = h('ul', { 'aria-label': 'Players' });
  private readonly buttons: Record<'start' | 'pause' | 'resume' | 'end' | 'next', HTMLButtonElement>;
  private readonly lock = h('input', { type: 'checkbox' });
  private readonly settingsForm = new HostSettingsForm((patch) => this.sendSettings(patch));
  private readonly exitProjector = h(
    'button',
    { type: 'button', class: 'exit-projector', onclick: () => this.toggleProjector() },
    'Exit projector view',
  );
  private playersKey = '-';
  /** The instructor's library and builder, the session's scoreboard, history and export (issue 13). */
  private workshop: HostWorkshop | undefined;

  constructor(
    private readonly shell: ScreenShell,
    private readonly rejoinCode?: string,
  ) {
    this.screen = new RoomScreen(shell);
    this.conn = new RaceConnection(
      shell.wsUrl,
      (room) => this.bind(room),
      (s) => this.screen.showConnection(s),
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
    const seat = this.rejoinCode ? seatStore.get(this.rejoinCode) : undefined;
    try {
      if (this.rejoinCode && seat?.hostSecret) await this.conn.join(this.rejoinCode, { hostSecret: seat.hostSecret });
      else await this.conn.create({ settings: presetSettingsPatch(FIRST_TERRAIN) as Record<string, never> });
    } catch (e) {
      this.screen.showConnection('offline');
      this.shell.screen.replaceChildren(
        h(
          'div',
          { class: 'card' },
          h('h1', {}, 'Could not host'),
          h('p', { class: 'error', role: 'alert' }, describeJoinFailure(e, this.rejoinCode).message),
          h('button', { type: 'button', onclick: () => bus.emit('navigate', { to: 'host' }) }, 'Host a game'),
        ),
      );
      this.shell.setLayout('join');
      return;
    }
    this.code = this.conn.code;
    this.shell.setPath(`/?host=${this.code}`);
    this.screen.showConnection('connected');
    const projector = h('button', { type: 'button', class: 'controls', onclick: () => this.toggleProjector() }, 'Projector view');
    this.workshop = new HostWorkshop({
      screen: this.screen,
      wsUrl: this.shell.wsUrl,
      hostSecret: () => this.secret,
      code: () => this.code,
      sendSettings: (patch) => this.sendSettings(patch),
      sendSession: (settings) => this.conn.send('host:session', { secret: this.secret, ...settings }),
    });
    // Results (when there are some) first: after a round they are what the class looks at.
    this.shell.side.replaceChildren(
      this.error,
      this.screen.resultsHost,
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
        h('div', { class: 'buttons' }, ...Object.values(this.buttons), projector),
        h('label', { class: 'check' }, this.lock, 'Lock the room (no new players)'),
      ),
      h('section', { class: 'panel controls' }, h('h2', {}, 'Players'), this.players),
      this.screen.leaderboardPanel,
      this.workshop.sessionPanel,
      this.workshop.libraryPanel,
      this.settingsForm.element,
      this.exitProjector,
    );
    this.exitProjector.hidden = true;
    this.setCode(this.code);
    this.screen.onRows = (rows, state) => this.onRows(rows, state);
    this.screen.onPhase = (_phase, state) => this.onRows([], state, true);
    this.shell.setHint('Drag to pan, scroll to zoom.');
    document.addEventListener('keydown', this.onKey);
  }

  private onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && document.body.classList.contains('projector')) this.toggleProjector();
  };

  private toggleProjector(): void {
    this.exitProjector.hidden = !document.body.classList.toggle('projector');
  }

  private setCode(code: string): void {
    this.codeBox.textContent = code;
    const url = `${location.origin}/?join=${code}`;
    this.link.href = url;
    this.link.textContent = url;
    void QRCode.toDataURL(url, { margin: 1, width: 320 }).then((d) => (this.qr.src = d));
  }

  private bind(room: Room<RoomStateLike>): void {
    onServerMessage(room, 'welcome', (m) => {
      if (m.hostSecret) this.secret = m.hostSecret;
      seatStore.set(m.code, { hostSecret: this.secret });
      this.conn.rejoinOptions = { hostSecret: this.secret };
      if (m.code && m.code !== this.code) {
        this.code = m.code;
        this.setCode(m.code);
      }
    });
    onServerMessage(room, 'error', (m) => this.report(m.message));
    this.screen.bind(room);
  }

  private host(type: 'host:start' | 'host:pause' | 'host:resume' | 'host:end' | 'host:nextRound'): void {
    this.report(this.conn.send(type, { secret: this.secret }));
  }

  private report(message: string | undefined): void {
    this.error.textContent = message ?? '';
  }

  private sendSettings(patch: Record<string, unknown>): void {
    this.report(this.conn.send('host:settings', { secret: this.secret, settings: patch as Record<string, never> }));
  }

  private onRows(rows: RacerRow[], state: RoomStateLike, phaseOnly = false): void {
    const p = state.phase;
    this.buttons.start.disabled = p !== 'lobby';
    this.buttons.pause.disabled = p !== 'race' || state.paused;
    this.buttons.resume.disabled = p !== 'race' || !state.paused;
    this.buttons.end.disabled = p !== 'race' && p !== 'countdown';
    this.buttons.next.disabled = p !== 'results';
    this.lock.checked = state.locked;
    this.settingsForm.element.hidden = p === 'race' || p === 'countdown';
    this.workshop?.showPhase(p);
    if (this.screen.settings) this.settingsForm.update(this.screen.settings);
    if (phaseOnly) return;
    // Rebuilt only on a change, so a Kick button is not replaced under the pointer.
    const key = rows.map((r) => `${r.id}|${r.name}|${r.optimizerKind}|${r.connected}`).join(';');
    if (key === this.playersKey) return;
    this.playersKey = key;
    this.players.replaceChildren(
      ...rows.map((r) =>
        h(
          'li',
          {},
          h('span', { class: 'glyph', style: `color:${r.css}`, 'aria-hidden': 'true' }, r.glyph),
          ` ${r.name} (${r.optimizerKind}${r.connected ? '' : ', offline'}) `,
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
    document.body.classList.remove('projector');
    void this.conn.leave();
    this.shell.setConnection('idle');
  }
}
