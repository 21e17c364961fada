import {
  KNOBS,
  landmarksOf,
  analyze,
  ChallengeAttempt,
  challengeById,
  weightNorm,
  challengePicture,
  challengeCatalogue,
  challengeSettings,
  createLandscape,
  describeOptimizer,
  formatNumber,
  IDEAS,
  type BarsPicture,
  type Challenge,
  type CurvesPicture,
  type ChallengeOutcome,
  type KnobValues,
  type MlpLandscape,
  type RaceSettings,
  type TerrainPicture,
} from '@gradient-rally/shared';
import type { ArenaStage } from '../arena/ArenaStage';
import { pointDiagnostics } from '../arena/diagnostics';
import { racerStyle } from '../arena/racerStyle';
import { bus } from '../events/AppEvents';
import { DiagnosticsPanel } from '../ui/DiagnosticsPanel';
import { field, h } from '../ui/elements';
import { KnobsPanel } from '../ui/KnobsPanel';
import { LossChart } from '../ui/LossChart';
import type { ScreenShell } from '../ui/ScreenShell';
import { ChallengeLinking } from '../share/ChallengeLinking';
import { loadProgress, recordPass, saveProgress, starsText } from './challengeProgress';
import { barsPictureView } from './BarsPictureView';
import { RaceSpacePanel } from './RaceSpacePanel';
import { CurvePanel } from './CurvePanel';
import { curvesPictureView } from './CurvesPictureView';
import { ChallengeCurvature } from './ChallengeCurvature';
import { type ChallengeExtras, controlsFromHint, playableInBrowser, setupFromControls } from './challengeSetup';
import { terrainPictureView } from './TerrainPictureView';
import './challenges.css';

/** Round ticks per second of real time: 1 plays a round as long as a class's. */
const SPEEDS = [1, 5, 20, 100] as const;
const RACER = 'you';
/** The second racer of a two-network challenge (shared's `TWIN`), drawn in the next racer style with its own name. */
const TWIN_RACER = 'twin';
/** Milliseconds of stepping per animation frame at most: a network's tick costs up to a millisecond, so a fast speed on a slow phone plays slower instead of freezing the page. */
const FRAME_BUDGET_MS = 12;
const ACTIVATION_NAMES: Record<string, string> = { sigmoid: 'Sigmoid', tanh: 'tanh', relu: 'relu' };
const INIT_NAMES: Record<string, string> = { xavier: 'Xavier (variance 1 over the mean fan)', he: 'He (variance 2 over the fan-in)' };

/**
 * One guided challenge: its goal above the arena, only the controls it lets
 * the student turn, runs judged by shared's check (pass and stars), hints one
 * at a time, and after a pass the explanation with the run's pictures (the
 * path stays drawn on the terrain; the loss curve beside the text).
 * Each run is a `ChallengeAttempt` (shared's `Race` under the challenge's
 * rules, the attempt's seed counting 1, 2, 3, … so jittered starts differ).
 */
export class ChallengeView {
  private attempt: ChallengeAttempt | undefined;
  private knobs: KnobValues;
  private extras: ChallengeExtras;
  private runs = 0;
  private judged: ChallengeAttempt | undefined;
  private hintsShown = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private tickDebt = 0;
  private readonly settings: RaceSettings;
  private readonly stage: ArenaStage;
  private readonly offs: (() => void)[] = [];
  private readonly knobsPanel: KnobsPanel;
  private readonly chart = new LossChart('Loss as it runs');
  private readonly diagnostics = new DiagnosticsPanel(() => this.updateDiagnostics());
  private readonly status = h('p', { role: 'status', 'aria-live': 'polite' });
  private readonly best = h('p', { class: 'challenge-best' });
  private readonly result = h('section', { class: 'panel challenge-result', 'aria-label': 'Result', tabindex: -1 });
  private readonly hintList = h('ol', { class: 'hint-list', 'aria-label': 'Hints' });
  private readonly hintButton = h('button', { type: 'button', onclick: () => this.revealHint() }, 'Show a hint');
  private readonly startButton = h('button', { type: 'button', onclick: () => this.useStart(undefined) }, 'Use the challenge’s start');
  private readonly dampingInput: HTMLInputElement | undefined;
  /** The network's build choices the challenge offers (activation, initialisation), keyed by the setup's field. */
  private readonly networkSelects = new Map<'activation' | 'init', HTMLSelectElement>();
  /** The network's number choices the challenge offers (initial scale, weight decay λ). */
  private readonly networkNumbers = new Map<'initScale' | 'weightDecay', HTMLInputElement>();
  /** Weight-decay challenges: ‖w‖ now over ‖w‖ at the start, as the racer trains (the first hint says to watch it). */
  private readonly weightReadout = h('p', { role: 'status', class: 'note' });
  private readonly networkMessage = h('p', { role: 'alert', class: 'error' });
  private startWeightNorm = 0;
  /** Mode connectivity: the curve's steps and lr, and its training (in a worker) when a run is judged. */
  private readonly curvePanel: CurvePanel | undefined;
  /** Networks: the gradient of each layer at the start of the next run, so a choice shows its effect before running. */
  private readonly gradientsPanel: HTMLElement | undefined;
  /** 'Beyond the slice': race on the slice or on every weight, the map staying the slice. */
  private readonly raceSpace: RaceSpacePanel | undefined;
  /** Networks whose lesson is curvature: λmax beside the batch size, the full-batch reference and the spectra, from a worker. */
  private readonly curvature: ChallengeCurvature | undefined;
  /** The terrain spec the arena shows (a network challenge draws each attempt's own network). */
  private shownSpec = '';
  private readonly speed = h(
    'select',
    {},
    ...SPEEDS.map((s) => h('option', { value: String(s), selected: s === 20 }, s === 1 ? 'Real time, as in class' : `${s}× faster`)),
  );

  /** Opens a challenge by id; an unknown or not-yet-playable id shows a message and a way to the list. */
  static open(shell: ScreenShell, id: string, search = ''): ChallengeView | undefined {
    const ch = challengeById(id);
    if (ch && playableInBrowser(ch)) return new ChallengeView(shell, ch, search);
    shell.setLayout('landing');
    shell.screen.append(
      h(
        'div',
        { class: 'card' },
        h('h1', {}, 'Challenge not found'),
        h(
          'p',
          { role: 'alert' },
          ch
            ? `“${ch.title}” trains a network, and the views it needs are not in the browser yet.`
            : `There is no challenge called “${id.slice(0, 60)}”.`,
        ),
        h('button', { type: 'button', class: 'primary', onclick: () => bus.emit('navigate', { to: 'challenges' }) }, 'All challenges'),
      ),
    );
    return undefined;
  }

  /** The link's setup, hidden controls, notice and share panel (`share/ChallengeLinking.ts`). */
  private readonly link: ChallengeLinking;

  private constructor(
    shell: ScreenShell,
    private readonly ch: Challenge,
    search: string,
  ) {
    document.body.classList.add('challenge-screen');
    this.settings = challengeSettings(ch, ch.initial, 1);
    this.link = new ChallengeLinking(shell, ch, search);
    this.knobs = this.link.opened.knobs;
    this.extras = this.link.openedExtras;
    const stage = (this.stage = shell.arena());
    stage.model.racers.clear();
    stage.model.diagnostics = undefined;
    const c = ch.controls;
    this.knobsPanel = new KnobsPanel(
      {
        optimizers: c.optimizers,
        ranges: this.settings.knobRanges,
        locked: this.settings.lockedKnobs,
        mlp: (ch.landscape as { kind: string }).kind === 'mlp',
        hideLocked: true,
        hidden: this.link.hiddenKnobs,
      },
      this.knobs,
      (k) => this.onKnobs(k),
    );
    this.knobsPanel.element.hidden = c.knobs.length === 0 && c.optimizers.length === 1;
    if (c.damping && !this.link.hides('damping')) {
      const [lo, hi] = c.damping;
      const input = h('input', { type: 'number', min: lo, max: hi, step: 'any', value: String(this.extras.damping ?? 0) });
      input.addEventListener('change', () => {
        const x = Number(input.value);
        if (!Number.isFinite(x) || x < lo || x > hi) return this.knobsPanel.showMessage(`Damping must be a number from ${lo} to ${hi}.`);
        this.extras = { ...this.extras, damping: x };
        this.reset();
      });
      this.dampingInput = input;
    }
    for (const [key, names] of [
      ['activation', ACTIVATION_NAMES],
      ['init', INIT_NAMES],
    ] as const) {
      const options = c.network?.[key];
      if (!options || this.link.hidesNetwork(key)) continue;
      const current = this.extras.network?.[key];
      const select = h('select', {}, ...options.map((o) => h('option', { value: o, selected: o === current }, names[o] ?? o)));
      select.addEventListener('change', () => {
        this.extras = { ...this.extras, network: { ...this.extras.network, [key]: select.value } };
        this.reset();
      });
      this.networkSelects.set(key, select);
    }
    for (const [key, text] of [
      ['initScale', 'Initial scale (1 = the scheme’s own size)'],
      ['weightDecay', `${KNOBS.weightDecay.label} λ`],
    ] as const) {
      const range = c.network?.[key];
      if (!range || this.link.hidesNetwork(key)) continue;
      const [lo, hi] = range;
      const input = h('input', { type: 'number', min: lo, max: hi, step: 'any', value: String(this.extras.network?.[key] ?? lo) });
      input.addEventListener('change', () => {
        const x = Number(input.value);
        if (input.value.trim() === '' || !Number.isFinite(x) || x < lo || x > hi)
          return void (this.networkMessage.textContent = `${text} must be a number from ${lo} to ${hi}.`);
        this.networkMessage.textContent = '';
        this.extras = { ...this.extras, network: { ...this.extras.network, [key]: x } };
        this.reset();
      });
      this.networkNumbers.set(key, input);
    }
    if (c.curve)
      this.curvePanel = new CurvePanel(
        c.curve,
        this.extras.curve ?? { steps: c.curve.steps[0], lr: c.curve.lr[0] },
        (curve) => {
          this.extras = { ...this.extras, curve };
          this.reset();
        },
        { steps: this.link.hides('curveSteps'), lr: this.link.hides('curveLr') },
      );
    this.curvature = ChallengeCurvature.for(ch);
    if (this.curvature?.readout) this.knobsPanel.element.append(this.curvature.readout);
    if (ch.pictures.includes('layer-norms')) this.gradientsPanel = h('section', { class: 'panel', 'aria-label': 'Layer gradients' });
    if (c.network?.slice) {
      const nParams = (createLandscape({ ...ch.landscape, slice: false } as typeof ch.landscape) as MlpLandscape).network.nParams;
      this.raceSpace = new RaceSpacePanel(
        nParams,
        this.extras.network?.slice ?? true,
        (slice) => {
          this.extras = { ...this.extras, network: { ...this.extras.network, slice } };
          this.reset();
        },
        !this.link.hidesNetwork('slice'),
      );
    }

    const index = challengeCatalogue().indexOf(ch);
    shell.setPhase(`Challenge ${index + 1} of ${challengeCatalogue().length}`);
    shell.screen.append(
      h(
        'section',
        { class: 'challenge-goal', 'aria-label': 'Goal' },
        h(
          'div',
          { class: 'challenge-goal-head' },
          h('h1', {}, `${index + 1}. ${ch.title}`),
          h(
            'a',
            {
              href: '/?challenges',
              onclick: (e: Event) => {
                e.preventDefault();
                bus.emit('navigate', { to: 'challenges' });
              },
            },
            'All challenges',
          ),
        ),
        h('p', { class: 'challenge-task' }, ch.task),
        h('p', { class: 'note' }, `About: ${ch.ideas.map((i) => IDEAS[i]).join(' · ')}. ${this.fixedText()}`),
        this.best,
      ),
    );
    this.result.hidden = true;
    this.startButton.hidden = true;
    const startNote =
      c.start && !this.link.hides('start')
        ? h('p', { class: 'note' }, 'Tap or click the terrain to choose where your racer starts.', ' ', this.startButton)
        : undefined;
    const panels: (HTMLElement | undefined)[] = [
      this.link.notice,
      this.result,
      h(
        'section',
        { class: 'panel controls' },
        h('h2', {}, 'Run'),
        h(
          'div',
          { class: 'buttons' },
          h('button', { type: 'button', class: 'primary', onclick: () => this.run() }, 'Run'),
          h('button', { type: 'button', onclick: () => this.pause() }, 'Pause'),
          h('button', { type: 'button', onclick: () => this.reset() }, 'Reset'),
        ),
        field('Speed', this.speed),
        startNote,
        ch.twin ? this.racerKey() : undefined,
        this.status,
      ),
      this.raceSpace?.element,
      this.networkSelects.size || this.networkNumbers.size || c.network?.weightDecay
        ? h(
            'section',
            { class: 'panel controls', 'aria-label': 'Network' },
            h('h2', {}, 'Build the network'),
            this.networkSelects.get('activation') && field('Activation', this.networkSelects.get('activation')!),
            this.networkSelects.get('init') && field('Initialisation', this.networkSelects.get('init')!),
            this.networkNumbers.get('initScale') &&
              field('Initial scale (1 = the scheme’s own size)', this.networkNumbers.get('initScale')!),
            this.networkNumbers.get('weightDecay') && field('Weight decay λ', this.networkNumbers.get('weightDecay')!),
            this.networkMessage,
            c.network?.weightDecay && this.weightReadout,
          )
        : undefined,
      this.gradientsPanel,
      this.knobsPanel.element,
      this.curvePanel?.element,
      this.curvature?.startPanel,
      this.dampingInput
        ? h(
            'section',
            { class: 'panel controls' },
            h('h2', {}, 'Newton’s damping'),
            field('Damping λ (added to every curvature)', this.dampingInput),
          )
        : undefined,
      h(
        'section',
        { class: 'panel', 'aria-label': 'Hints' },
        h('h2', {}, 'Hints'),
        h('p', { class: 'note' }, `${ch.hints.length} hints, each a little more direct than the last.`),
        this.hintList,
        this.hintButton,
      ),
      this.diagnostics.element,
      this.chart.element,
      this.link.share.element,
    ];
    shell.side.replaceChildren(...panels.filter((p): p is HTMLElement => p !== undefined));
    shell.setHint(
      c.start && !this.link.hides('start')
        ? 'Tap the terrain to choose your start. Drag to pan, pinch or scroll to zoom.'
        : 'Drag to pan, pinch or scroll to zoom.',
    );
    this.offs.push(
      bus.on('arena-clicked', ({ x, y }) => {
        if (c.start && !this.link.hides('start')) this.useStart([x, y]);
      }),
    );
    this.showBest();
    this.startButton.hidden = !c.start || this.extras.start === ch.initial.start;
    if ((ch.landscape as { kind: string }).kind !== 'mlp') {
      const info = createLandscape(ch.landscape).info;
      stage.model.landmarks = landmarksOf(info);
      void stage.showLandscape(ch.landscape, info.bounds);
      this.shownSpec = JSON.stringify(ch.landscape);
    } else stage.model.landmarks = [];
    this.reset();
  }

  /** Who is who on the map when a twin races beside the student's racer (shape and colour, as the arena draws them). */
  private racerKey(): HTMLElement {
    const [you, twin] = [racerStyle(0), racerStyle(1)];
    return h(
      'p',
      { class: 'note racer-key' },
      'On the map: ',
      h('span', { style: `color: ${you.css}` }, you.glyph),
      ` You (${you.colourName}) and `,
      h('span', { style: `color: ${twin.css}` }, twin.glyph),
      ` Twin (${twin.colourName}), both trained by your optimizer from different starts.`,
    );
  }

  /** "Fixed here: SGD, lr 0.1." — what the student may not change, in a few words. */
  private fixedText(): string {
    const c = this.ch.controls;
    const parts: string[] = [];
    if (c.knobs.length === 0 && c.optimizers.length === 1) parts.push(describeOptimizer(this.ch.initial.optimizer));
    else if (!c.knobs.includes('lr') && c.optimizers.length === 1)
      parts.push(`learning rate ${formatNumber(Number(this.ch.initial.optimizer.lr))}`);
    if (this.ch.networkPerSeed) parts.push('the data and the starting weights, drawn anew for each run');
    else if (!c.start) parts.push('the start');
    return parts.length ? `Fixed here: ${parts.join('; ')}.` : '';
  }

  private showBest(): void {
    const p = loadProgress([this.ch.id])[this.ch.id];
    this.best.textContent = p ? `Your best: ${starsText(p.stars)} (${this.ch.goal.format(p.best)})` : '';
    this.best.setAttribute('aria-label', p ? `Your best: ${p.stars} of 3 stars` : '');
  }

  private onKnobs(k: KnobValues): void {
    this.knobs = k;
    // A challenge judges one setup per run: a change starts the next run afresh.
    this.reset();
  }

  private useStart(start: [number, number] | undefined): void {
    this.extras = { ...this.extras, start: start ?? this.ch.initial.start };
    this.startButton.hidden = !start;
    this.reset();
  }

  private reset(): void {
    this.pause();
    this.curvePanel?.cancel();
    ({ knobs: this.knobs, extras: this.extras } = this.link.follow(this.knobs, this.extras));
    this.attempt = undefined;
    this.stage.model.racers.clear();
    this.chart.reset();
    let attempt: ChallengeAttempt;
    try {
      const setup = setupFromControls(this.ch, this.settings, this.knobs, this.extras);
      attempt = new ChallengeAttempt(this.ch, setup, this.runs + 1);
      this.knobsPanel.showMessage(undefined);
    } catch (e) {
      this.knobsPanel.showMessage(e instanceof Error ? e.message : String(e));
      this.status.textContent = 'Change the setting above to run.';
      return;
    }
    this.attempt = attempt;
    this.curvature?.attemptReady(attempt);
    this.showAttemptTerrain(attempt);
    this.raceSpace?.show(attempt);
    this.showGradients(attempt);
    this.startWeightNorm = this.weightNormOf(attempt);
    this.showWeightNorm();
    const v = attempt.you;
    this.stage.model.startMarker = [v.drawn[0], v.drawn[1]];
    this.trace();
    this.status.textContent = `Ready: ${describeOptimizer(attempt.setup.optimizer)}. Press Run.`;
    this.updateDiagnostics();
  }

  /** Networks: the arena draws this attempt's own network (each choice and each run's seed builds a different one). */
  private showAttemptTerrain(a: ChallengeAttempt): void {
    // Racing on every weight or on the slice, 'Beyond the slice' draws the same slice.
    const map = this.raceSpace?.mapOf(a) ?? { spec: a.settings.landscape, landscape: a.landscape };
    const spec = JSON.stringify(map.spec);
    if (spec === this.shownSpec) return;
    this.shownSpec = spec;
    this.stage.model.landmarks = landmarksOf(map.landscape.info);
    void this.stage.showLandscape(map.spec, map.landscape.info.bounds);
  }

  /** ‖w‖ over the network's real weights where the racer is now (0 on a 2-D terrain). */
  private weightNormOf(a: ChallengeAttempt): number {
    if (a.landscape.dim <= 2) return 0;
    const L = a.landscape as MlpLandscape;
    return weightNorm(L, L.paramsInto(a.you.position, new Float64Array(L.network.nParams)));
  }

  private showWeightNorm(): void {
    const a = this.attempt;
    if (!a || !this.ch.controls.network?.weightDecay) return;
    const ratio = this.weightNormOf(a) / this.startWeightNorm;
    this.weightReadout.textContent = `‖w‖ now over ‖w‖ at the start: ${formatNumber(ratio)} (the goal: at most ${formatNumber(this.ch.goal.stars[0])}).`;
  }

  /** The gradient of each layer at the next run's start, and the first layer's over the last's against the goal's 1/100. */
  private showGradients(a: ChallengeAttempt): void {
    if (!this.gradientsPanel) return;
    const p = challengePicture('layer-norms', a) as BarsPicture;
    const first = p.bars[0].value;
    const last = p.bars[p.bars.length - 1].value;
    const ratio = first / last;
    const ok = ratio >= 0.01;
    const ratioText = `First layer’s gradient over the last’s: ${ratio >= 0.01 ? formatNumber(ratio) : `1/${formatNumber(Math.round(1 / ratio))}`}`;
    // The 1/100 verdict is the goal of the challenge whose task names it ('Deep and vanishing'); elsewhere the ratio alone.
    const judged = this.ch.task.includes('1/100');
    this.gradientsPanel.replaceChildren(
      h('h2', {}, 'Gradient of each layer'),
      barsPictureView({ ...p, title: 'At the start of this run:' }),
      h('p', {}, `Loss at the start: ${formatNumber(a.landscape.value(a.start))}.`),
      h(
        'p',
        { class: judged ? `gradient-balance ${ok ? 'balanced' : 'vanished'}` : 'gradient-balance', role: 'status' },
        judged ? `${ratioText} (${ok ? 'at least 1/100: fine' : 'below 1/100: vanished'}).` : `${ratioText}.`,
      ),
    );
  }

  private trace(): void {
    const a = this.attempt!;
    const v = a.you;
    const started = a.lossByTick.length > 0;
    const status = v.status === 'diverged' ? 'diverged' : a.isOver() ? 'finished' : 'racing';
    this.stage.model.upsertRacer(RACER, 0, 'You', v.drawn[0], v.drawn[1], true, started ? status : 'racing');
    const twin = a.twin;
    if (twin) {
      const twinStatus = twin.status === 'diverged' ? 'diverged' : a.isOver() ? 'finished' : 'racing';
      this.stage.model.upsertRacer(TWIN_RACER, 1, 'Twin', twin.drawn[0], twin.drawn[1], false, started ? twinStatus : 'racing');
    }
    this.chart.push(v.updates, v.loss);
    // A network's racers (and a twin starting at the view's corner) leave the drawn square: the view grows to keep them in, as in solo.
    this.stage.followRacers();
  }

  private run(): void {
    this.pause();
    if (!this.attempt || this.attempt.isOver()) this.reset();
    const a = this.attempt;
    if (!a) return;
    if (a.lossByTick.length === 0) this.runs++;
    this.result.hidden = true;
    this.tickDebt = 0;
    this.timer = setInterval(() => {
      // At most a second of ticks owed: a speed the machine cannot keep up with plays slower rather than piling up.
      this.tickDebt = Math.min(
        this.tickDebt + (a.settings.tickRate * Number(this.speed.value)) / 30,
        a.settings.tickRate * Number(this.speed.value),
      );
      const began = performance.now();
      let going = true;
      for (; this.tickDebt >= 1 && going && performance.now() - began < FRAME_BUDGET_MS; this.tickDebt--) {
        going = a.tick();
        this.trace();
      }
      const v = a.you;
      this.status.textContent = `Step ${v.updates}, loss ${formatNumber(v.loss)}.${a.twin ? ` The twin: loss ${formatNumber(a.twin.loss)}.` : ''}`;
      this.showWeightNorm();
      this.raceSpace?.show(a);
      this.curvature?.racerMoved(a);
      this.updateDiagnostics();
      if (!going) {
        this.pause();
        void this.judge(a);
      }
    }, 1000 / 30);
  }

  private pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Judges a finished run once: the verdict, the stars, and after a pass the explanation. */
  private async judge(a: ChallengeAttempt): Promise<void> {
    if (this.judged === a) return;
    this.judged = a;
    let known = {};
    if (this.curvePanel) {
      // The curve between the two networks trains in a worker, its progress shown (up to ~0.2 s of one core).
      const t = await this.curvePanel.train(a, (text) => (this.status.textContent = text));
      if (t.kind === 'replaced' || this.attempt !== a) return;
      // A worker that failed leaves the goal to train the curve itself, here.
      if (t.kind === 'trained') known = { bezier: t.bezier };
    }
    // A goal against a reference run waits for the worker training it (started with the attempt).
    const waiting = this.curvature?.beforeJudging(a, (text) => {
      if (this.attempt === a) this.status.textContent = text;
    });
    if (waiting) void waiting.then(() => this.attempt === a && this.announce(a, known));
    else this.announce(a, known);
  }

  private announce(a: ChallengeAttempt, known: Parameters<ChallengeAttempt['finish']>[0] = {}): void {
    // The main thread's share of judging (results, goal, explanation), in the browser's performance timeline.
    const began = performance.now();
    const { outcome } = a.finish(known);
    this.status.textContent = `Run ${this.runs} over: ${outcome.summary}`;
    if (outcome.pass && outcome.value !== null) {
      const ids = challengeCatalogue().map((c) => c.id);
      saveProgress(recordPass(loadProgress(ids), this.ch.id, outcome.stars, outcome.value));
      this.showBest();
    }
    this.showResult(a, outcome);
    performance.measure('challenge judged', { start: began });
  }

  private showResult(a: ChallengeAttempt, outcome: ChallengeOutcome): void {
    const children: (HTMLElement | string)[] = [
      h('h2', {}, outcome.pass ? 'Passed!' : 'Not yet'),
      h('p', { class: 'challenge-stars-big', 'aria-label': `${outcome.stars} of 3 stars` }, outcome.pass ? starsText(outcome.stars) : ''),
      h('p', {}, outcome.summary),
    ];
    const twin = a.twin;
    if (twin) children.push(h('p', {}, `Your network ended at loss ${formatNumber(a.you.loss)}, the twin at ${formatNumber(twin.loss)}.`));
    if (outcome.pass) {
      if (this.ch.pictures.includes('eigen')) {
        this.diagnostics.switchOn('ellipse');
        this.updateDiagnostics();
      }
      const s = a.settings;
      const chart = new LossChart('Loss of your run');
      for (let k = 0; k < a.lossByTick.length; k++) chart.push((k + 1) * s.stepsPerTick, a.lossByTick[k]);
      const next = this.nextChallenge();
      children.push(
        h('h3', {}, 'Why it worked'),
        h('p', { class: 'challenge-explanation' }, this.ch.explanation),
        ...this.terrainPictures(a),
        ...this.barPictures(a),
        ...this.barrierPictures(a),
        ...(this.curvature?.pictures(a) ?? []),
        h('p', { class: 'note' }, this.pictureNote(a)),
        chart.element,
      );
      if (next)
        children.push(
          h(
            'button',
            { type: 'button', class: 'primary', onclick: () => bus.emit('navigate', { to: 'challenge', id: next.id }) },
            `Next: ${next.title}`,
          ),
        );
    } else {
      // The two paths' losses are what to look at before the next try (the first hint asks how high the line climbs).
      if (outcome.value !== null) children.push(...this.barrierPictures(a));
      if (this.hintsShown < this.ch.hints.length)
        children.push(h('p', { class: 'note' }, 'Stuck? The hints below reveal one idea at a time.'));
    }
    this.result.replaceChildren(...children);
    this.result.hidden = false;
    this.result.focus({ preventScroll: true });
    this.result.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  /** The challenge's pictures drawn on a terrain (path, eigen-directions, line-search trials, a network path's own PCA plane), each computed by shared from this run. */
  private terrainPictures(a: ChallengeAttempt): HTMLElement[] {
    const kinds = this.ch.pictures.filter((k) => k === 'path' || k === 'eigen' || k === 'trials' || k === 'pca-plane');
    // Every terrain picture draws the path: with none listed, the path alone (on a 2-D terrain; a network's path stays on the big map).
    if (!kinds.length && a.landscape.dim > 2) return [];
    return (kinds.length ? kinds : (['path'] as const)).map((k) => terrainPictureView(challengePicture(k, a) as TerrainPicture));
  }

  /** The challenge's bar pictures (a network's gradient per layer at the start of this run). */
  private barPictures(a: ChallengeAttempt): HTMLElement[] {
    return this.ch.pictures.filter((k) => k === 'layer-norms').map((k) => barsPictureView(challengePicture(k, a) as BarsPicture));
  }

  /** The loss along the straight line and the trained curve between the two networks (the attempt's curve is already trained). */
  private barrierPictures(a: ChallengeAttempt): HTMLElement[] {
    return this.ch.pictures.filter((k) => k === 'barrier').map((k) => curvesPictureView(challengePicture(k, a) as CurvesPicture));
  }

  /** Where to look at the pictures of this run. */
  private pictureNote(a: ChallengeAttempt): string {
    const parts = [
      a.landscape.dim > 2
        ? 'The big map shows the loss on a plane through the starting network, and your racer where it projects onto that plane (training moves every one of the network’s weights, many more directions than the map’s two).'
        : 'Your path also stays drawn on the big terrain map, from the start marker to where the racer ended.',
    ];
    if (this.ch.twin) parts.push('The twin, trained by the same optimizer from another start, is drawn on the same plane.');
    if (this.ch.pictures.includes('eigen'))
      parts.push('The ellipse at the end point shows the curvature’s directions: long along the gentle one, short along the steep one.');
    return parts.join(' ');
  }

  private nextChallenge(): Challenge | undefined {
    const all = challengeCatalogue();
    return all.slice(all.indexOf(this.ch) + 1).find(playableInBrowser);
  }

  private revealHint(): void {
    if (this.hintsShown >= this.ch.hints.length) return;
    const hint = this.ch.hints[this.hintsShown++];
    const item = h('li', {}, hint.text);
    if (hint.try) {
      item.append(
        ' ',
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              const { knobs, extras } = controlsFromHint(this.ch, hint);
              this.knobs = knobs;
              this.extras = extras;
              this.knobsPanel.setValues(knobs);
              if (this.dampingInput) this.dampingInput.value = String(extras.damping ?? 0);
              for (const [key, select] of this.networkSelects) select.value = String(extras.network?.[key] ?? '');
              for (const [key, input] of this.networkNumbers) input.value = String(extras.network?.[key] ?? '');
              this.raceSpace?.setSlice(extras.network?.slice ?? true);
              if (extras.curve) this.curvePanel?.setValues(extras.curve);
              this.startButton.hidden = !this.ch.controls.start || extras.start === this.ch.initial.start;
              this.reset();
            },
          },
          'Use this setting',
        ),
      );
    }
    this.hintList.append(item);
    this.hintButton.textContent =
      this.hintsShown < this.ch.hints.length ? `Show hint ${this.hintsShown + 1} of ${this.ch.hints.length}` : 'No more hints';
    this.hintButton.disabled = this.hintsShown >= this.ch.hints.length;
  }

  private updateDiagnostics(): void {
    const a = this.attempt;
    if (!a || !this.diagnostics.anyOn) {
      this.stage.model.diagnostics = undefined;
      this.diagnostics.show('');
      return;
    }
    const p = a.you.position;
    const d = pointDiagnostics(analyze(a.landscape, p), p, this.knobs.samRadius || 0.1);
    this.stage.model.diagnostics = this.diagnostics.filter(d.view);
    this.diagnostics.show(d.text);
  }

  destroy(): void {
    this.pause();
    this.curvePanel?.dispose();
    this.link.destroy();
    this.curvature?.destroy();
    this.offs.forEach((off) => off());
    this.stage.model.diagnostics = undefined;
    document.body.classList.remove('challenge-screen');
  }
}
