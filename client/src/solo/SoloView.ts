import {
  landmarksOf,
  analyze,
  clampKnob,
  createLandscape,
  DEFAULT_PRESET,
  describeOptimizer,
  formatNumber,
  knobsToOptimizerSpec,
  landscapeCatalogue,
  optimizerSpecToKnobs,
  parseOptimizerSpec,
  roundUpdates,
  formatScore,
  knobApplies,
  knobLabel,
  KNOBS,
  NUMERIC_KNOBS,
  scoringExplanation,
  stepCost,
  type Bounds2D,
  type KnobValues,
  type RaceSettings,
} from '@gradient-rally/shared';
import type { ArenaStage } from '../arena/ArenaStage';
import { pointDiagnostics } from '../arena/diagnostics';
import { bus } from '../events/AppEvents';
import { DecisionBoundary, isMlpLandscape } from '../ui/DecisionBoundary';
import { DiagnosticsPanel } from '../ui/DiagnosticsPanel';
import { field, h } from '../ui/elements';
import { FormulaField } from '../ui/FormulaField';
import { DEFAULT_LIMITS, KnobsPanel, type KnobLimits } from '../ui/KnobsPanel';
import { PanelTabs } from '../ui/PanelTabs';
import { LossChart } from '../ui/LossChart';
import type { ScreenShell } from '../ui/ScreenShell';
import { ShareLinkPanel, type HideableControl } from '../share/ShareLinkPanel';
import {
  catalogueId,
  decodeSoloLink,
  encodeSoloLink,
  fixedByLinkText,
  linkProblemsText,
  linkTerrainOf,
  pinHiddenKnobs,
  soloTerrainOf,
  type LinkControl,
} from '../share/setupLink';
import { BEST_SCORES_KEY, bestKey, parseBestTable, recordBest, SOLO_RACER, SoloRound, soloSettings, type SoloTerrain } from './soloRound';

const CUSTOM = '__expression__';
/** Round ticks per second of real time: 1 plays a round as long as a class's. */
const SPEEDS = [1, 5, 20, 100] as const;
/** The address bar follows the setup this long after the last change (a dragged slider writes once). */
const ADDRESS_DELAY_MS = 300;

/**
 * Solo play: any terrain of shared's catalogue (or a formula typed live),
 * one racer in a one-racer `Race` under the terrain's preset, run in the
 * browser with no server. When the run ends it shows the score under the
 * round's rule, the "what happened" note a class would read, and the best
 * score on the terrain (kept in this browser).
 *
 * The setup is a link (`share/setupLink.ts`): the page opens the one its
 * address names, the address bar follows every change, "Copy link" hands it
 * on, and controls the link hides are left out (a line says so).
 */
export class SoloView {
  private terrain: SoloTerrain | undefined;
  private settings: RaceSettings | undefined;
  private round: SoloRound | undefined;
  /** The round whose score is shown (a round is recorded once). */
  private scored: SoloRound | undefined;
  /** The player's clicked start (view coordinates), or undefined for the preset's start rule. */
  private customStart: [number, number] | undefined;
  private knobs: KnobValues = optimizerSpecToKnobs(undefined);
  private timer: ReturnType<typeof setInterval> | undefined;
  private tickDebt = 0;
  /** Parameters of the terrain (2, or a network's count). */
  private dim = 2;
  private readonly chart = new LossChart('Your loss');
  private readonly diagnostics = new DiagnosticsPanel(() => this.updateDiagnostics());
  private readonly status = h('p', { role: 'status', 'aria-live': 'polite' });
  private readonly rules = h('p', { class: 'note' });
  private readonly lesson = h('p', { class: 'lesson' });
  private readonly formula = new FormulaField(
    'Expression in x and y',
    'x^2 + 3*sin(y)^2',
    'Use x, y, numbers, + - * / ^ and functions such as sin, exp, log, sqrt, abs. The terrain changes as you type.',
  );
  private tabs: PanelTabs | undefined;
  private readonly speed = h(
    'select',
    {},
    ...SPEEDS.map((s) => h('option', { value: String(s), selected: s === 5 }, s === 1 ? 'Real time, as in class' : `${s}× faster`)),
  );
  private readonly contrast = h('section', { class: 'panel controls', 'aria-label': 'Try the comparison' });
  private readonly scorePanel = h('section', { class: 'panel', 'aria-label': 'Your score' });
  private readonly presetStart = h('button', { type: 'button', onclick: () => this.useStart(undefined) }, "Use the terrain's start");
  private readonly offs: (() => void)[] = [];
  private readonly knobsPanel: KnobsPanel;
  private readonly boundary = new DecisionBoundary();
  private readonly stage: ArenaStage;
  /** Controls the opening link hides, and the knobs it set (kept while its optimizer is chosen). */
  private readonly hidden: readonly LinkControl[];
  private readonly pinned: KnobValues;
  /** A linked formula's view (solo's own formulas use the default one). */
  private formulaBounds: Bounds2D | undefined;
  private addressTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly linkNotice = h('div', { class: 'link-notice' });
  private readonly share: ShareLinkPanel;

  /** `search`: the address's query that opened solo (`?solo&terrain=…`), read by `decodeSoloLink`. */
  constructor(
    private readonly shell: ScreenShell,
    search = '',
  ) {
    const linked = decodeSoloLink(search);
    this.hidden = linked.link.hidden;
    this.pinned = linked.link.knobs;
    const stage = (this.stage = shell.arena());
    stage.model.racers.clear();
    const catalogue = landscapeCatalogue();
    const options = [
      ...catalogue.map((c, i) => h('option', { value: String(i) }, c.title)),
      h('option', { value: CUSTOM }, 'Your own formula…'),
    ];
    const select = h('select', {}, ...options);
    const exprField = this.formula.element;
    exprField.hidden = true;
    const onPick = () => {
      exprField.hidden = select.value !== CUSTOM || this.hidden.includes('terrain');
      if (select.value === CUSTOM) this.tryExpression();
      else {
        this.formulaBounds = undefined;
        this.useTerrain(catalogue[Number(select.value)]);
      }
    };
    select.addEventListener('change', onPick);
    // Typing a formula only changes the terrain while "Your own formula…" is the one chosen.
    this.formula.onInput(() => {
      if (select.value === CUSTOM) this.tryExpression();
    });
    const shade = h('input', {
      type: 'checkbox',
      checked: true,
      onchange: () => {
        stage.hillShade = shade.checked;
        void stage.refresh();
      },
    });
    const lines = h('input', {
      type: 'checkbox',
      checked: true,
      onchange: () => {
        stage.contours = lines.checked;
        void stage.refresh();
      },
    });
    this.knobsPanel = new KnobsPanel(this.limits(), this.knobs, (k) => this.onKnobs(k));
    this.share = new ShareLinkPanel((extra) => this.shareUrl(extra));
    this.contrast.hidden = true;
    this.scorePanel.hidden = true;
    this.presetStart.hidden = true;
    const landscapeField = field('Landscape', select);
    landscapeField.hidden = this.hidden.includes('terrain');
    const terrainPanel = h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Terrain'),
      landscapeField,
      // The box right under the choice: on a phone its messages stay in view while typing.
      exprField,
      this.lesson,
      h('label', { class: 'check' }, shade, 'Hill shading'),
      h('label', { class: 'check' }, lines, 'Contour lines'),
    );
    const runPanel = h(
      'section',
      { class: 'panel controls' },
      h('h2', {}, 'Run'),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', class: 'primary', onclick: () => this.run() }, 'Run'),
        h('button', { type: 'button', onclick: () => this.pause() }, 'Pause'),
        h('button', { type: 'button', onclick: () => this.stepOnce() }, 'Step'),
        h('button', { type: 'button', onclick: () => this.reset() }, 'Reset'),
        this.presetStart,
      ),
      field('Speed', this.speed),
      this.rules,
      this.status,
    );
    // The wide screen's order is the panels' order; on a phone they are tabs, "Run" first.
    this.tabs = new PanelTabs(
      [
        { id: 'terrain', label: 'Terrain', content: [terrainPanel], tabOrder: 3 },
        { id: 'score', label: 'Run', content: [this.scorePanel, this.contrast, runPanel, this.share.element], tabOrder: 1 },
        { id: 'knobs', label: 'Knobs', content: [this.knobsPanel.element], tabOrder: 2 },
        { id: 'more', label: 'Charts', content: [this.diagnostics.element, this.boundary.element, this.chart.element], tabOrder: 4 },
      ],
      'score',
      { label: 'Panels' },
    );
    shell.side.replaceChildren(this.linkNotice, this.tabs.element);
    shell.setPhase('Solo');
    this.offs.push(
      bus.on('arena-clicked', ({ x, y }) => {
        if (!this.hidden.includes('start')) this.useStart([x, y]);
      }),
    );
    // The linked terrain (the first of the catalogue for a plain `/?solo`), then its knobs and start.
    const t = linked.link.terrain;
    if ('id' in t) select.value = String(catalogue.findIndex((e) => catalogueId(e) === t.id));
    else {
      select.value = CUSTOM;
      this.formula.input.value = t.formula;
      this.formulaBounds = t.bounds;
    }
    exprField.hidden = select.value !== CUSTOM || this.hidden.includes('terrain');
    this.useTerrain(linked.terrain);
    this.knobs = pinHiddenKnobs(linked.link.knobs, this.pinned, this.hidden);
    this.knobsPanel.setValues(this.knobs);
    this.customStart = linked.link.start;
    this.reset();
    this.showLinkNotice(linkProblemsText(linked.problems), linked.terrain.title);
  }

  /** What the opening link could not use (in words naming each field), and which controls it fixes. */
  private showLinkNotice(problems: string, terrainTitle: string): void {
    const fixed = fixedByLinkText(this.hidden, this.knobs, terrainTitle, formatNumber);
    this.linkNotice.replaceChildren(
      ...(problems ? [h('p', { class: 'error', role: 'alert' }, problems)] : []),
      ...(fixed ? [h('p', { class: 'note link-fixed' }, 'Some controls are fixed by this link: ', fixed, '.')] : []),
    );
    this.linkNotice.hidden = !problems && !fixed;
  }

  /** The setup as it stands, as a link query (no `?`), with `extraHidden` hidden too. */
  private linkQuery(extraHidden: readonly LinkControl[] = []): string | undefined {
    if (!this.terrain || !this.settings) return undefined;
    const hidden = [...new Set([...this.hidden, ...extraHidden])];
    const link = {
      terrain: linkTerrainOf(this.terrain.spec),
      knobs: this.knobs,
      hidden,
      ...(this.customStart ? { start: this.customStart } : {}),
    };
    try {
      return encodeSoloLink(link, this.settings);
    } catch {
      return undefined;
    }
  }

  /** The address bar follows the setup, a moment after the last change. */
  private followAddress(): void {
    clearTimeout(this.addressTimer);
    this.addressTimer = setTimeout(() => this.writeAddress(), ADDRESS_DELAY_MS);
  }

  private writeAddress(): void {
    clearTimeout(this.addressTimer);
    const q = this.linkQuery();
    if (q) this.shell.setPath(`/?${q}`);
  }

  /** The link "Copy link" hands on: this page's address for the setup (keeping `?server=`), with the chosen controls hidden. */
  private shareUrl(extraHidden: readonly LinkControl[]): string {
    this.writeAddress();
    const url = new URL(location.href);
    const server = url.searchParams.get('server');
    url.search = `?${this.linkQuery(extraHidden) ?? 'solo'}${server ? `&server=${encodeURIComponent(server)}` : ''}`;
    url.hash = '';
    return url.href;
  }

  /** The controls the share panel offers to hide: those shown now and not hidden already. */
  private offerHiding(): void {
    const kind = this.knobs.kind;
    const mlp = this.settings?.landscape.kind === 'mlp';
    const list: HideableControl[] = [
      { control: 'terrain', label: 'Terrain' },
      { control: 'start', label: 'Start' },
      { control: 'optimizer', label: 'Optimizer' },
      ...NUMERIC_KNOBS.filter((k) => knobApplies(kind, k) && (!KNOBS[k].dataOnly || mlp)).map((k) => ({
        control: k,
        label: knobLabel(kind, k),
      })),
      { control: 'schedule', label: 'Schedule' },
    ];
    this.share.setControls(list.filter((c) => !this.hidden.includes(c.control)));
  }

  /** Uses the typed formula when it can be drawn; otherwise the box says what is wrong and the terrain stays. */
  private tryExpression(): void {
    const ok = this.formula.check();
    if (!ok) return;
    if (!this.formulaBounds) return this.useTerrain({ spec: ok.spec, preset: DEFAULT_PRESET });
    // A linked formula keeps the link's view: its range is checked over that view.
    try {
      this.useTerrain(soloTerrainOf({ formula: ok.spec.expr, bounds: this.formulaBounds }));
    } catch (e) {
      this.formula.showProblem(e instanceof Error ? e.message.replace(/^[\w.[\]]+: /, '') : String(e));
    }
  }

  private useTerrain(terrain: SoloTerrain): void {
    this.pause();
    this.terrain = terrain;
    this.customStart = undefined;
    this.settings = soloSettings(terrain);
    const L = createLandscape(this.settings.landscape);
    this.dim = L.dim;
    const info = L.info;
    // The catalogue's expression lesson speaks of an instructor; here the player wrote the formula.
    this.lesson.textContent =
      info.kind === 'expression'
        ? `Your own terrain: f(x, y) = ${info.formula}. Nobody has marked its minima: run optimizers from the same start and compare where they settle.`
        : `${info.lesson}${info.formula ? ` f = ${info.formula}` : ''}`;
    // A link's hidden knobs go with the player to another terrain, inside that terrain's ranges (they cannot be turned there).
    const knobs = pinHiddenKnobs(optimizerSpecToKnobs(this.settings.defaultOptimizer), this.pinned, this.hidden);
    for (const k of NUMERIC_KNOBS) knobs[k] = clampKnob(this.settings.knobRanges, k, knobs[k]);
    this.knobs = knobs;
    this.knobsPanel.setLimits(this.limits());
    this.knobsPanel.setValues(this.knobs);
    this.showContrast();
    const touch = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
    const view = touch ? 'Drag to pan, pinch to zoom.' : 'Drag to pan, scroll to zoom.';
    this.shell.setHint(
      this.hidden.includes('start') ? view : `${touch ? 'Tap' : 'Click'} the terrain to choose where your racer starts. ${view}`,
    );
    this.stage.model.landmarks = landmarksOf(info);
    void this.stage.showLandscape(this.settings.landscape, info.bounds);
    this.reset();
  }

  private limits(): KnobLimits {
    const s = this.settings;
    if (!s) return DEFAULT_LIMITS;
    const hidden = this.hidden.filter((c): c is Exclude<LinkControl, 'terrain' | 'start'> => c !== 'terrain' && c !== 'start');
    return { optimizers: s.allowedOptimizers, ranges: s.knobRanges, locked: s.lockedKnobs, mlp: s.landscape.kind === 'mlp', hidden };
  }

  /** The lesson's suggested comparison, one button per setting to try. */
  private showContrast(): void {
    // The comparison turns the knobs: a link that hides some leaves it out.
    const list = this.hidden.some((c) => c !== 'terrain' && c !== 'start') ? [] : (this.terrain?.preset.contrast ?? []);
    this.contrast.hidden = list.length === 0;
    this.contrast.replaceChildren(
      h('h2', {}, 'Try the comparison'),
      h('p', { class: 'note' }, 'The lesson compares these settings. Run each from the same start and compare the scores.'),
      h(
        'div',
        { class: 'buttons' },
        ...list.map((c) =>
          h(
            'button',
            {
              type: 'button',
              onclick: () => {
                this.knobs = optimizerSpecToKnobs(c.optimizer);
                this.knobsPanel.setValues(this.knobs);
                this.reset();
              },
            },
            c.label,
          ),
        ),
      ),
    );
  }

  private optimizerSpec(): Record<string, unknown> {
    const s = this.settings!;
    const dataBacked = s.landscape.kind === 'mlp';
    // A budget round sizes the schedule by the updates the budget pays for (SAM costs two evaluations an update).
    const cost = stepCost(parseOptimizerSpec(knobsToOptimizerSpec(this.knobs, { dataBacked })), this.dim);
    return knobsToOptimizerSpec(this.knobs, { dataBacked, totalUpdates: roundUpdates(s, cost) });
  }

  private onKnobs(k: KnobValues): void {
    this.knobs = pinHiddenKnobs(k, this.pinned, this.hidden);
    this.offerHiding();
    this.followAddress();
    const round = this.round;
    // Mid-run the knobs retune the racer, as in class; before a run or after it they set up the next one.
    if (round?.started && !round.isOver()) {
      try {
        round.retune(this.optimizerSpec());
        this.knobsPanel.showMessage(undefined);
      } catch (e) {
        this.knobsPanel.showMessage(e instanceof Error ? e.message : String(e));
      }
      this.updateDiagnostics();
    } else this.reset();
  }

  private useStart(start: [number, number] | undefined): void {
    this.customStart = start;
    this.reset();
  }

  private reset(): void {
    this.pause();
    if (!this.terrain) return;
    this.round = undefined;
    this.scorePanel.hidden = true;
    this.presetStart.hidden = !this.customStart || this.hidden.includes('start');
    try {
      this.settings = soloSettings(this.terrain, this.customStart);
    } catch (e) {
      // A click outside the terrain's area: keep the previous start.
      this.status.textContent = `That start is outside this terrain: ${e instanceof Error ? e.message : String(e)}.`;
      this.customStart = undefined;
      this.presetStart.hidden = true;
      this.settings = soloSettings(this.terrain);
    }
    const s = this.settings;
    this.offerHiding();
    this.followAddress();
    this.rules.textContent = roundRulesText(s);
    try {
      this.round = new SoloRound(s, this.optimizerSpec());
      this.knobsPanel.showMessage(undefined);
    } catch (e) {
      this.knobsPanel.showMessage(e instanceof Error ? e.message : String(e));
      this.stage.model.racers.clear();
      return;
    }
    this.chart.reset();
    this.stage.model.racers.clear();
    const v = this.round.racer;
    this.stage.model.startMarker = [v.drawn[0], v.drawn[1]];
    this.trace();
    this.record();
  }

  /** Adds the racer's current point to its trail and the loss chart (after every tick). */
  private trace(): void {
    const round = this.round!;
    const v = round.racer;
    const status = v.status === 'diverged' ? 'diverged' : v.status === 'racing' && !round.isOver() ? 'racing' : 'finished';
    this.stage.model.upsertRacer(SOLO_RACER, 0, 'You', v.drawn[0], v.drawn[1], true, round.started ? status : 'racing');
    this.stage.followRacers();
    this.chart.push(v.updates, v.loss);
  }

  /** The status line, the decision boundary and, once the round is over, the score (once a frame). */
  private record(): void {
    const round = this.round!;
    const v = round.racer;
    const over = round.isOver();
    this.status.textContent = `Step ${v.updates}, loss ${formatNumber(v.loss)}.${over ? ' Round over.' : ''}`;
    const L = round.race.landscape;
    this.boundary.element.hidden = !isMlpLandscape(L);
    if (isMlpLandscape(L)) this.boundary.draw(L, v.position, over || round.racer.status !== 'racing');
    this.updateDiagnostics();
    if (over && this.scored !== round) this.showScore();
  }

  /** Shows (and records) a finished round's score, once per round. */
  private showScore(): void {
    const round = this.round!;
    this.scored = round;
    const { result, ruleName, scoreText } = round.outcome();
    const counted = !this.customStart && result.score !== null;
    let bestLine = this.customStart
      ? "Runs from your own start are not compared with the terrain's best: use the terrain's start for that."
      : '';
    if (counted) {
      const table = parseBestTable(storedBest());
      const run = { score: result.score!, rule: ruleName, optimizer: describeOptimizer(result.optimizer) };
      const r = recordBest(table, bestKey(round.settings), run);
      try {
        localStorage.setItem(BEST_SCORES_KEY, JSON.stringify(r.table));
      } catch {
        /* storage full or blocked: the score is still shown, just not kept */
      }
      const best = r.improved ? run : r.previous!;
      bestLine = r.improved
        ? r.previous
          ? `A new best on this terrain (the last best was ${formatScore(round.settings.scoring, r.previous.score)}).`
          : 'Your first score on this terrain: it is your best so far.'
        : `Your best on this terrain: ${formatScore(round.settings.scoring, best.score)}, with ${best.optimizer}.`;
    } else if (!this.customStart) {
      const best = parseBestTable(storedBest())[bestKey(round.settings)];
      if (best) bestLine = `Your best on this terrain: ${formatScore(round.settings.scoring, best.score)}, with ${best.optimizer}.`;
    }
    this.scorePanel.replaceChildren(
      h('h2', {}, 'Your score'),
      h('p', { class: 'score' }, h('strong', {}, scoreText), ` (${ruleName}; lower wins)`),
      h('p', {}, bestLine),
      h('p', {}, h('strong', {}, 'What happened: '), result.note),
      h('p', { class: 'note' }, scoringExplanation(round.settings)),
    );
    this.scorePanel.hidden = false;
  }

  private stepOnce(): boolean {
    const round = this.round;
    if (!round || round.isOver()) return false;
    const going = round.tick();
    this.trace();
    this.record();
    return going;
  }

  private run(): void {
    this.pause();
    if (this.round?.isOver()) this.reset();
    const round = this.round;
    if (!round) return;
    // Ticks owed at the chosen speed, paid 30 times a second (fractions carry over).
    this.tickDebt = 0;
    this.timer = setInterval(() => {
      this.tickDebt += (round.settings.tickRate * Number(this.speed.value)) / 30;
      let going = true;
      for (; this.tickDebt >= 1 && going; this.tickDebt--) {
        going = round.tick();
        this.trace();
      }
      this.record();
      if (!going) this.pause();
    }, 1000 / 30);
  }

  private pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private updateDiagnostics(): void {
    const round = this.round;
    const L = round?.race.landscape;
    if (!round || L?.dim !== 2 || !this.diagnostics.anyOn) {
      this.stage.model.diagnostics = undefined;
      this.diagnostics.show(L && L.dim !== 2 ? 'Diagnostics are drawn for 2-D terrains.' : '');
      return;
    }
    const p = round.racer.position;
    const d = pointDiagnostics(analyze(L, p), p, this.knobs.samRadius || 0.1);
    this.stage.model.diagnostics = this.diagnostics.filter(d.view);
    this.diagnostics.show(d.text);
  }

  destroy(): void {
    this.pause();
    clearTimeout(this.addressTimer);
    this.tabs?.destroy();
    this.offs.forEach((off) => off());
  }
}

/** The stored best scores' text; null when the browser blocks storage (private modes may throw). */
function storedBest(): string | null {
  try {
    return localStorage.getItem(BEST_SCORES_KEY);
  } catch {
    return null;
  }
}

/** "A round: 60 s of 20 ticks, 2 updates a tick (2400 updates); score: robust loss." */
function roundRulesText(s: RaceSettings): string {
  const length =
    s.roundSeconds === null
      ? `a budget of ${s.budget} gradient evaluations`
      : `${s.roundSeconds} s at ${s.tickRate} ticks a second, ${s.stepsPerTick} updates a tick (${roundUpdates(s)} updates)` +
        (s.budget === null ? '' : `, at most ${s.budget} gradient evaluations`);
  return `A round here is ${length}, as in class; it ends early if your racer diverges.`;
}
