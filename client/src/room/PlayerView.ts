import {
  analyze,
  createLandscape,
  DEFAULT_KNOB_RANGES,
  knobsToOptimizerSpec,
  optimizerSpecToKnobs,
  roundUpdates,
  type KnobValues,
  type RoomSettings,
} from '@gradient-rally/shared';
import type { Room } from 'colyseus.js';
import { pointDiagnostics } from '../arena/diagnostics';
import { bus } from '../events/AppEvents';
import { describeJoinFailure } from '../net/joinErrors';
import { RaceConnection, seatStore } from '../net/RaceConnection';
import type { RacerRow, RoomStateLike } from '../net/raceViewModel';
import { onServerMessage } from '../net/serverMessages';
import { DecisionBoundary, isMlpLandscape } from '../ui/DecisionBoundary';
import { DiagnosticsPanel } from '../ui/DiagnosticsPanel';
import { h } from '../ui/elements';
import { PanelTabs } from '../ui/PanelTabs';
import type { ScreenShell } from '../ui/ScreenShell';
import { KnobsPanel, type KnobLimits } from '../ui/KnobsPanel';
import { LossChart } from '../ui/LossChart';
import { RoomScreen } from './RoomScreen';
import { plainKnobRefusal } from './settingsWords';

/** Words for the arena hint: a finger pinches, a mouse scrolls. */
function touchWords(): { pan: string; pick: string } {
  const touch = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
  return touch
    ? { pan: 'Drag to pan, pinch to zoom.', pick: 'Tap the terrain to choose where your racer starts.' }
    : { pan: 'Drag to pan, scroll to zoom.', pick: 'Click the terrain to choose where your racer starts.' };
}

const ORDINALS = ['th', 'st', 'nd', 'rd'];
/** 1 → "1st", 12 → "12th", 22 → "22nd". */
function ordinal(n: number): string {
  const v = n % 100;
  return `${n}${ORDINALS[(v - 20) % 10] ?? ORDINALS[v] ?? ORDINALS[0]}`;
}

/**
 * The player's own place in words, from the same ranks the podium and the
 * results table use (ties share a rank: "tied for 1st"); before the server
 * ranks anyone, the place in the leaderboard's order.
 */
export function ownPlace(rows: readonly Pick<RacerRow, 'rank'>[], own: Pick<RacerRow, 'rank'>): string {
  if (own.rank <= 0) return ordinal(rows.indexOf(own) + 1);
  const tied = rows.some((r) => r !== own && r.rank === own.rank);
  return tied ? `tied for ${ordinal(own.rank)}` : ordinal(own.rank);
}

/** Host settings → what the knobs panel allows. */
export function limitsFromSettings(
  settings: Pick<RoomSettings, 'allowedOptimizers' | 'knobRanges' | 'lockedKnobs'>,
  mlp: boolean,
): KnobLimits {
  const optimizers = settings.allowedOptimizers.length ? [...settings.allowedOptimizers] : (['sgd'] as const);
  return { optimizers, ranges: { ...DEFAULT_KNOB_RANGES, ...settings.knobRanges }, locked: [...settings.lockedKnobs], mlp };
}

/**
 * A student's seat: joins (or, after a reload, rejoins with the stored
 * token), then shows the arena with every racer, the knobs the host allows,
 * the leaderboard, the player's own loss curve and diagnostics, and the
 * results when the round ends.
 */
export class PlayerView {
  private readonly screen: RoomScreen;
  private readonly conn: RaceConnection;
  private knobs: KnobsPanel | undefined;
  private readonly chart = new LossChart('Your loss');
  private readonly diagnostics = new DiagnosticsPanel(() => this.updateDiagnostics());
  private readonly message = h('p', { class: 'error', role: 'alert' });
  /** Why the student got another name ('"Ada" is taken in this game, so you are "Ada 2".'). */
  private readonly nameNote = h('p', { class: 'name-note', role: 'status' });
  /** The student's own racer at a glance: shape, name, place, loss, status. */
  private readonly ownLine = h('p', { class: 'own-status' });
  private ownKey = '';
  private tabs: PanelTabs | undefined;
  private limitsKey = '';
  private limits: KnobLimits | undefined;
  private sendTimer: ReturnType<typeof setTimeout> | undefined;
  private knobValues: KnobValues | undefined;
  private own: RacerRow | undefined;
  private offs: (() => void)[] = [];
  private kicked = false;
  private readonly boundary = new DecisionBoundary();
  private landscape: { key: string; L: ReturnType<typeof createLandscape> } | undefined;

  constructor(
    private readonly shell: ScreenShell,
    private readonly code: string,
  ) {
    this.screen = new RoomScreen(shell);
    this.conn = new RaceConnection(
      shell.wsUrl,
      (room) => this.bind(room),
      (s) => this.screen.showConnection(s),
    );
  }

  /** Joins; on failure shows the join form with a clear message and returns false. */
  async start(name: string | undefined): Promise<boolean> {
    const seat = seatStore.get(this.code);
    if (name === undefined && !seat?.playerToken) {
      bus.emit('navigate', { to: 'join', code: this.code });
      return false;
    }
    this.screen.showConnection('connecting');
    try {
      const options =
        name === undefined
          ? { playerToken: seat!.playerToken }
          : seat?.playerToken && seat.name === name
            ? { playerToken: seat.playerToken }
            : { name };
      await this.conn.join(this.code, options);
    } catch (e) {
      this.shell.setConnection('idle');
      if (name === undefined) seatStore.clear(this.code);
      bus.emit('navigate', { to: 'join', code: this.code, message: describeJoinFailure(e, this.code).message });
      return false;
    }
    this.shell.enter('player', `/?play=${this.code}`);
    this.screen.showConnection('connected');
    this.shell.setHint(`${touchWords().pan} Your racer has a white ring.`);
    // On a phone one panel at a time under the arena, the tab bar within the thumb's reach; on a wider screen all of them.
    this.tabs = new PanelTabs(
      [
        { id: 'results', label: 'Results', content: [this.screen.resultsHost], unavailable: true, tabOrder: 0 },
        { id: 'board', label: 'Ranking', content: [this.screen.leaderboardPanel, this.screen.session.scoreboard.element], tabOrder: 2 },
        { id: 'lesson', label: 'Lesson', content: [this.screen.session.noteElement, this.screen.lessonPanel], tabOrder: 3 },
        { id: 'knobs', label: 'Knobs', content: [h('div', { id: 'knobs-slot' })], tabOrder: 1 },
        { id: 'more', label: 'Charts', content: [this.chart.element, this.diagnostics.element, this.boundary.element], tabOrder: 4 },
      ],
      'knobs',
      { label: 'Panels' },
    );
    this.shell.side.replaceChildren(this.ownLine, this.screen.goal.element, this.nameNote, this.message, this.tabs.element);
    this.boundary.element.hidden = true;
    this.screen.onRows = (rows, state) => this.onRows(rows, state);
    this.screen.onPhase = (phase) => {
      if (phase === 'countdown' || phase === 'lobby') this.chart.reset();
      this.tabs?.setAvailable('results', phase === 'results');
    };
    this.screen.onResults = () => {
      this.tabs?.setAvailable('results', true);
      this.tabs?.select('results');
    };
    this.offs.push(
      bus.on('arena-clicked', ({ x, y }) => {
        if (this.screen.settings?.startRule.kind === 'choose') this.showError(this.conn.send('chooseStart', { point: [x, y] }));
      }),
    );
    return true;
  }

  private bind(room: Room<RoomStateLike>): void {
    onServerMessage(room, 'welcome', (m) => {
      this.screen.ownId = m.playerId;
      seatStore.set(this.code, { playerToken: m.playerToken, name: m.name });
      this.conn.rejoinOptions = m.playerToken ? { playerToken: m.playerToken } : undefined;
      if (m.nameNote) this.nameNote.textContent = m.nameNote;
      // Mark the own racer now: after a reload on a still screen (results) no patch may follow the welcome.
      if (room.state?.players) this.screen.update(room.state);
    });
    onServerMessage(room, 'error', (m) => {
      if (m.type === 'chooseStart' && m.path === 'point')
        return this.showError("That point is outside this terrain's picture: choose a start on the terrain itself.");
      if (m.type !== 'setKnobs') return this.showError(m.message);
      // The server races with what it accepted: show its words and put the knobs back to it.
      this.showError(plainKnobRefusal(this.knobValues?.kind ?? 'sgd', m.path, m.message));
      this.resetKnobs();
    });
    onServerMessage(room, 'kicked', () => {
      this.kicked = true;
      this.conn.markClosed();
      seatStore.clear(this.code);
      // The server's reason says the same thing again ("the host removed you from this room"): once is enough.
      bus.emit('navigate', { to: 'join', code: this.code, message: 'The host removed you from this game.' });
    });
    onServerMessage(room, 'replaced', () => {
      this.kicked = true;
      this.conn.markClosed();
      bus.emit('navigate', {
        to: 'join',
        code: this.code,
        message: 'Your racer is now played from another tab or window. Close this one, or join again here to play from this one.',
      });
    });
    this.screen.bind(room);
  }

  private showError(text: string | undefined): void {
    this.knobs?.showMessage(text);
    if (!this.knobs) this.message.textContent = text ?? '';
  }

  private onRows(rows: RacerRow[], state: RoomStateLike): void {
    if (this.kicked) return;
    this.own = rows.find((r) => r.own);
    this.showOwn(rows);
    const settings = this.screen.settings;
    if (!settings) return; // the first patch has not brought the settings yet
    const limits = limitsFromSettings(settings, settings.landscape.kind === 'mlp');
    this.limits = limits;
    const key = JSON.stringify(limits);
    if (key !== this.limitsKey || !this.knobs) {
      const first = this.limitsKey === '';
      this.limitsKey = key;
      if (!this.knobs) {
        this.knobValues ??= optimizerSpecToKnobs(this.own?.optimizer ?? settings.defaultOptimizer);
        this.knobs = new KnobsPanel(limits, this.knobValues, (v) => this.onKnobs(v));
        document.getElementById('knobs-slot')?.replaceWith(this.knobs.element);
      } else {
        this.knobs.setLimits(limits);
        // New rules: the server kept the knobs that still fit and reset the rest (a locked knob to the host's value).
        if (!first) this.resetKnobs();
      }
    }
    if (this.own && (state.phase === 'race' || state.phase === 'results')) this.chart.push(state.tick, this.own.loss);
    const choose = settings.startRule.kind === 'choose' && state.phase === 'lobby';
    const words = touchWords();
    this.shell.setHint(choose ? `${words.pick} ${words.pan}` : `${words.pan} Your racer has a white ring.`);
    this.updateDiagnostics();
  }

  /** The knobs back to the spec the server races this player with. */
  private resetKnobs(): void {
    const spec = this.own?.optimizer ?? this.screen.settings?.defaultOptimizer;
    if (!spec || !this.knobs) return;
    clearTimeout(this.sendTimer);
    this.knobValues = optimizerSpecToKnobs(spec);
    this.knobs.setValues(this.knobValues);
  }

  /** "◆ Ada (you) · 2nd of 5 · loss 0.123 · racing" above the panels ("tied for 1st of 3" when the results share a place). */
  private showOwn(rows: RacerRow[]): void {
    const own = this.own;
    const place = own ? ownPlace(rows, own) : '';
    const key = own ? `${own.glyph}|${own.css}|${own.name}|${place}|${rows.length}|${own.lossText}|${own.statusText}` : '';
    if (key === this.ownKey) return;
    this.ownKey = key;
    if (!own) return void this.ownLine.replaceChildren();
    const racing = own.lossText !== '—';
    this.ownLine.replaceChildren(
      h('span', { class: 'glyph', style: `color:${own.css}`, 'aria-hidden': 'true' }, own.glyph),
      ' ',
      h('strong', {}, own.name),
      racing ? ` · ${place} of ${rows.length}` : ` · ${rows.length} in the game`,
      racing ? h('span', {}, ' · loss ', h('strong', {}, own.lossText)) : '',
      ` · ${own.statusText}`,
    );
  }

  private onKnobs(v: KnobValues): void {
    this.knobValues = v;
    clearTimeout(this.sendTimer);
    // Coalesce slider drags: the server accepts a few retunes per second.
    this.sendTimer = setTimeout(() => {
      const spec = knobsToOptimizerSpec(v, {
        dataBacked: this.limits?.mlp ?? false,
        totalUpdates: roundUpdates(this.screen.settings ?? {}),
      });
      this.showError(this.conn.send('setKnobs', { optimizer: spec as { kind: string } }));
    }, 300);
  }

  /** The room's landscape, built once per spec (diagnostics and the decision boundary evaluate it locally). */
  private localLandscape(): ReturnType<typeof createLandscape> | undefined {
    const spec = this.screen.landscapeSpec;
    if (!spec) return undefined;
    const key = JSON.stringify(spec);
    if (this.landscape?.key !== key) this.landscape = { key, L: createLandscape(spec) };
    return this.landscape.L;
  }

  private updateBoundary(): void {
    const L = this.localLandscape();
    const mlp = !!L && isMlpLandscape(L);
    this.boundary.element.hidden = !mlp;
    if (!mlp || !this.own || (L.dim !== 2 && !L.liftInto)) return;
    // The server sends the drawn (plane) position; on a slice that is the racer's point exactly.
    const theta = new Float64Array(L.dim);
    if (L.dim === 2) theta.set([this.own.x, this.own.y]);
    else L.liftInto!(this.own.x, this.own.y, theta);
    this.boundary.draw(L, theta);
  }

  private updateDiagnostics(): void {
    try {
      this.updateBoundary();
    } catch {
      this.boundary.element.hidden = true;
    }
    const model = this.screen.stage.model;
    if (!this.diagnostics.anyOn || !this.own || !this.screen.landscapeSpec) {
      model.diagnostics = undefined;
      return;
    }
    try {
      const L = this.localLandscape()!;
      if (L.dim !== 2) return this.diagnostics.show('Diagnostics are drawn for 2-D terrains.');
      const p = [this.own.x, this.own.y];
      const d = pointDiagnostics(analyze(L, p), p, this.knobValues?.samRadius || 0.1);
      model.diagnostics = this.diagnostics.filter(d.view);
      this.diagnostics.show(d.text);
    } catch {
      model.diagnostics = undefined;
    }
  }

  destroy(): void {
    clearTimeout(this.sendTimer);
    this.tabs?.destroy();
    this.offs.forEach((off) => off());
    void this.conn.leave();
    this.shell.setConnection('idle');
  }
}
