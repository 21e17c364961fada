import { createLandscape, landscapeCatalogue, SpecError, type RoomSettings } from '@gradient-rally/shared';
import type { Room } from 'colyseus.js';
import QRCode from 'qrcode';
import { KNOB_OPTIMIZERS, OPTIMIZER_LABELS } from '../input/knobs';
import { describeJoinFailure } from '../net/joinErrors';
import { RaceConnection, seatStore } from '../net/RaceConnection';
import type { RacerRow, RoomStateLike } from '../net/raceViewModel';
import { onServerMessage } from '../net/serverMessages';
import { computeTerrain } from '../terrain/computeTerrain';
import type { App } from '../ui/App';
import { field, h } from '../ui/elements';
import { RoomScreen } from './RoomScreen';

const HOST_KNOBS = [
  ['lr', 'Learning rate'],
  ['momentum', 'Momentum / β1'],
  ['beta2', 'β2'],
  ['noise', 'Gradient noise'],
  ['samRadius', 'SAM radius'],
  ['weightDecay', 'Weight decay'],
  ['schedule', 'Schedule'],
  ['batchSize', 'Batch size'],
] as const;

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
  private readonly settingsPanel = h('section', { class: 'panel controls host-only', 'aria-label': 'Round settings' });
  private settingsBuilt = false;
  private playersKey = '-';

  constructor(
    private readonly app: App,
    private readonly rejoinCode?: string,
  ) {
    this.screen = new RoomScreen(app);
    this.conn = new RaceConnection(
      app.wsUrl,
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
      else await this.conn.create({ settings: { landscape: { kind: 'sharp-vs-flat' }, roundSeconds: 60 } });
    } catch (e) {
      this.screen.showConnection('offline');
      this.app.screen.replaceChildren(
        h(
          'div',
          { class: 'card' },
          h('h1', {}, 'Could not host'),
          h('p', { class: 'error', role: 'alert' }, describeJoinFailure(e, this.rejoinCode).message),
          h('button', { type: 'button', onclick: () => void this.app.showHost() }, 'Host a game'),
        ),
      );
      this.app.layout.dataset.mode = 'join';
      return;
    }
    this.code = this.conn.code;
    this.app.setPath(`/?host=${this.code}`);
    this.screen.showConnection('connected');
    const projector = h('button', { type: 'button', class: 'controls', onclick: () => this.toggleProjector() }, 'Projector view');
    const exitProjector = h(
      'button',
      { type: 'button', class: 'exit-projector', onclick: () => this.toggleProjector() },
      'Exit projector view',
    );
    // Results (when there are some) first: after a round they are what the class looks at.
    this.app.side.replaceChildren(
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
      this.settingsPanel,
      exitProjector,
    );
    exitProjector.hidden = true;
    this.setCode(this.code);
    this.screen.onRows = (rows, state) => this.onRows(rows, state);
    this.screen.onPhase = (_phase, state) => this.onRows([], state, true);
    this.app.hint.textContent = 'Drag to pan, scroll to zoom.';
    document.addEventListener('keydown', this.onKey);
  }

  private onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && document.body.classList.contains('projector')) this.toggleProjector();
  };

  private toggleProjector(): void {
    const on = document.body.classList.toggle('projector');
    const exit = this.app.side.querySelector<HTMLButtonElement>('.exit-projector');
    if (exit) exit.hidden = !on;
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
    this.settingsPanel.hidden = p === 'race' || p === 'countdown';
    if (!this.settingsBuilt && this.screen.settings) this.buildSettings(this.screen.settings);
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

  private buildSettings(s: RoomSettings): void {
    this.settingsBuilt = true;
    const catalogue = landscapeCatalogue();
    const currentKind = s.landscape.kind;
    const lesson = h('p', { class: 'lesson' }, catalogue.find((c) => c.spec.kind === currentKind)?.lesson ?? '');
    const cards = h('div', { class: 'catalogue', role: 'radiogroup', 'aria-label': 'Landscape' });
    catalogue.forEach((c, i) => {
      const canvas = h('canvas', { width: 48, height: 48 });
      const radio = h('input', {
        type: 'radio',
        name: 'landscape',
        value: String(i),
        checked: c.spec.kind === currentKind,
        onchange: () => {
          lesson.textContent = c.lesson;
          this.sendSettings({ landscape: c.spec });
        },
      });
      cards.append(h('label', {}, radio, canvas, c.title));
      // Previews are small and cheap; draw them a few at a time to keep the page responsive.
      setTimeout(() => drawPreview(canvas, c.spec, c.bounds), 30 * i);
    });
    const expr = h('textarea', { rows: 2, spellcheck: false, value: 'x^2 + y^2 - 1.5*exp(-((x-1)^2+(y-1)^2)/0.05)' });
    const exprError = h('p', { class: 'error', role: 'alert' });
    const exprPreview = h('canvas', { width: 96, height: 96, class: 'qr' });
    let t: ReturnType<typeof setTimeout> | undefined;
    const checkExpr = (send: boolean) => {
      try {
        const spec = { kind: 'expression', expr: expr.value };
        const L = createLandscape(spec);
        exprError.textContent = '';
        drawPreview(exprPreview, spec, L.info.bounds);
        if (send) this.sendSettings({ landscape: spec });
      } catch (e) {
        exprError.textContent =
          e instanceof SpecError ? `${e.message}${e.position !== undefined ? ` (at character ${e.position + 1})` : ''}` : String(e);
      }
    };
    expr.addEventListener('input', () => {
      clearTimeout(t);
      t = setTimeout(() => checkExpr(false), 250);
    });
    setTimeout(() => checkExpr(false), 50);
    const useExpr = h('button', { type: 'button', onclick: () => checkExpr(true) }, 'Use this formula');
    const seconds = h('input', { type: 'number', min: 5, max: 1800, step: 1, value: String(s.roundSeconds ?? 60) });
    seconds.addEventListener('change', () => this.sendSettings({ roundSeconds: Number(seconds.value) }));
    const startRule = h(
      'select',
      {
        onchange: () =>
          this.sendSettings({
            startRule: startRule.value === 'shared' ? { kind: 'shared', point: defaultStart() } : { kind: startRule.value },
          }),
      },
      h('option', { value: 'shared' }, 'Everyone starts at the same point'),
      h('option', { value: 'random' }, 'Each player starts at a random point'),
      h('option', { value: 'choose' }, 'Players click to choose'),
    );
    startRule.value = s.startRule.kind;
    const defaultStart = () => {
      const b = createLandscape(s.landscape).info.bounds;
      return [b.xMin + 0.2 * (b.xMax - b.xMin), b.yMax - 0.2 * (b.yMax - b.yMin)];
    };
    const scoring = h(
      'select',
      {
        onchange: () => this.sendSettings({ scoring: scoring.value === 'robust-loss' ? { kind: 'robust-loss' } : { kind: scoring.value } }),
      },
      h('option', { value: 'robust-loss' }, 'Flat minimum (robust loss)'),
      h('option', { value: 'lowest-loss' }, 'Lowest final loss'),
    );
    scoring.value = s.scoring.kind;
    const allowed = new Set<string>(s.allowedOptimizers);
    const optBoxes = KNOB_OPTIMIZERS.map((k) => {
      const box = h('input', {
        type: 'checkbox',
        checked: allowed.has(k),
        onchange: () => this.sendSettings({ allowedOptimizers: optBoxes.filter((b) => b.checked).map((b) => b.value) }),
      });
      box.value = k;
      return box;
    });
    const locked = new Set<string>(s.lockedKnobs);
    const knobBoxes = HOST_KNOBS.map(([k]) => {
      const box = h('input', {
        type: 'checkbox',
        checked: !locked.has(k),
        onchange: () => this.sendSettings({ lockedKnobs: knobBoxes.filter((b) => !b.checked).map((b) => b.value) }),
      });
      box.value = k;
      return box;
    });
    const budget = h('input', {
      type: 'number',
      min: 0,
      step: 1,
      value: s.budget === null ? '' : String(s.budget),
      placeholder: 'no budget',
    });
    // Empty means "no budget": the round ends on time only. SAM spends 2 evaluations per step, so a budget keeps it fair.
    budget.addEventListener('change', () =>
      this.sendSettings({ budget: budget.value.trim() === '' || Number(budget.value) === 0 ? null : Number(budget.value) }),
    );
    const countdown = h('input', { type: 'number', min: 0, max: 10, step: 1, value: String(s.countdownSeconds) });
    countdown.addEventListener('change', () => this.sendSettings({ countdownSeconds: Number(countdown.value) }));
    const maxPlayers = h('input', { type: 'number', min: 1, max: 100, step: 1, value: String(s.maxPlayers) });
    maxPlayers.addEventListener('change', () => this.sendSettings({ maxPlayers: Number(maxPlayers.value) }));
    // Learning-rate bounds players may pick from (the rest of knobRanges is kept as it is).
    const [lrLo, lrHi] = s.knobRanges.lr;
    const lrMin = h('input', { type: 'number', min: 0, step: 'any', value: String(lrLo) });
    const lrMax = h('input', { type: 'number', min: 0, step: 'any', value: String(lrHi) });
    const sendLr = () =>
      this.sendSettings({
        knobRanges: { ...this.screen.settings?.knobRanges, lr: [Number(lrMin.value), Number(lrMax.value)] },
      });
    lrMin.addEventListener('change', sendLr);
    lrMax.addEventListener('change', sendLr);
    const late = h('input', {
      type: 'checkbox',
      checked: s.lateJoin,
      onchange: () => this.sendSettings({ lateJoin: late.checked }),
    });
    this.settingsPanel.replaceChildren(
      h('h2', {}, 'Landscape'),
      cards,
      lesson,
      field('Or write a formula in x and y', expr, h('div', { class: 'field-row' }, exprPreview, useExpr)),
      exprError,
      h('h2', {}, 'Round settings'),
      field('Round length (seconds)', seconds),
      field('Start', startRule),
      field('Scoring', scoring),
      field('Gradient evaluations per player (empty: no budget)', budget),
      field('Countdown before the start (seconds)', countdown),
      field('Player limit', maxPlayers),
      h('label', { class: 'check' }, late, 'Allow joining during a race'),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Optimizers players may pick'),
        ...optBoxes.map((b, i) => h('label', { class: 'check' }, b, OPTIMIZER_LABELS[KNOB_OPTIMIZERS[i]])),
      ),
      h('div', { class: 'field-row' }, field('Lowest learning-rate', lrMin), field('Highest learning-rate', lrMax)),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Knobs players may change'),
        ...knobBoxes.map((b, i) => h('label', { class: 'check' }, b, HOST_KNOBS[i][1])),
      ),
    );
  }

  destroy(): void {
    document.removeEventListener('keydown', this.onKey);
    document.body.classList.remove('projector');
    void this.conn.leave();
    this.app.connection.dataset.state = 'idle';
  }
}

/** A small heatmap of a landscape, computed on the main thread (48² points). */
function drawPreview(canvas: HTMLCanvasElement, spec: unknown, bounds: { xMin: number; xMax: number; yMin: number; yMax: number }): void {
  try {
    const n = canvas.width;
    const r = computeTerrain({ id: 0, spec, bounds, n, hillShade: true, levels: 0 });
    canvas.getContext('2d')!.putImageData(new ImageData(r.rgba as Uint8ClampedArray<ArrayBuffer>, n, n), 0, 0);
  } catch {
    /* a preview that fails leaves the tile blank */
  }
}
