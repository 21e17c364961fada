import {
  BUDGET_RANGE,
  challengeById,
  challengeCatalogue,
  classRoundRefusal,
  COUNTDOWN_SECONDS_RANGE,
  DEFAULT_KNOB_RANGES,
  DEFAULT_PRESET,
  defaultOptimizerFor,
  describeOptimizer,
  KNOB_HARD_LIMITS,
  KNOB_NAMES,
  KNOBS,
  landscapeCatalogue,
  MAX_PLAYERS_RANGE,
  NUMERIC_KNOBS,
  OPTIMIZER_KINDS,
  OPTIMIZER_LABELS,
  presetSettingsPatch,
  ROUND_SECONDS_RANGE,
  SCORING_CHOICE_LABELS,
  scoringRuleName,
  type Bounds2D,
  type CatalogueEntry,
  type KnobRanges,
  type OptimizerKind,
  type RoomLandscapeInfo,
  type RoomSettings,
} from '@gradient-rally/shared';
import { computeTerrain } from '../terrain/computeTerrain';
import { field, h } from '../ui/elements';
import { FormulaField } from '../ui/FormulaField';
import { PanelTabs } from '../ui/PanelTabs';
import { checkSettingNumber, plainRefusal, type SettingsField } from './settingsWords';

/** The room's settings as the host's form reads them (the parsed settings the server echoes, plus the countdown). */
export type RoomSettingsView = RoomSettings;

/** Scoring rules offered in the list; a preset's other rule (time to target, test loss) is shown while it is in force. */
const OFFERED_SCORING = ['robust-loss', 'lowest-loss'] as const;

/** The form's three steps, in the order a host sets a round up. */
type Step = 'terrain' | 'round' | 'students';
const STEP_OF: Record<SettingsField, Step> = {
  challenge: 'terrain',
  landscape: 'terrain',
  roundSeconds: 'round',
  startRule: 'round',
  scoring: 'round',
  budget: 'round',
  countdownSeconds: 'round',
  maxPlayers: 'round',
  lateJoin: 'round',
  allowedOptimizers: 'students',
  knobRanges: 'students',
  lockedKnobs: 'students',
  defaultOptimizer: 'students',
};

/** A field's status line: a setting, or the formula box (which changes the landscape too). */
type StatusKey = SettingsField | 'formula';

/** Where a field says "Saved" or why it was refused. */
interface FieldStatus {
  saved: HTMLElement;
  refused: HTMLElement;
}

/**
 * The host's round settings in three steps — terrain, round, what students
 * may change — each a tab, with a one-line summary above them.
 *
 * Every change goes the same way: the control sends a settings patch, the
 * field says "Saving…", then "Saved" when the server acknowledges it
 * (`applied`), or shows the refusal beside the field in plain words and puts
 * the control back to what the room has (`refuse`). Numbers are checked
 * against shared's ranges before they are sent, and refused the same way.
 * Patches are answered in order, so the oldest pending change is the one
 * an answer is about.
 *
 * Picking a terrain tile applies its preset (start, length, scoring, knob
 * ranges, default optimizer); a formula is checked (parse, overflow) and used
 * with "Use this formula". Every limit comes from shared, as the server's.
 */
export class HostSettingsForm {
  readonly element = h('section', { class: 'panel controls host-only', 'aria-label': 'Round settings' });
  private readonly catalogue: CatalogueEntry[] = landscapeCatalogue();
  /** Refreshes inputs from the accepted settings; `force` also overwrites a field that has the focus (a refusal). */
  private readonly syncs: ((s: RoomSettingsView, force: boolean) => void)[] = [];
  private readonly statuses = new Map<StatusKey, FieldStatus>();
  /** Changes sent and not yet answered, oldest first: the field, and the status line of the control that sent it. */
  private readonly pending: { field: SettingsField; at: StatusKey }[] = [];
  private settings: RoomSettingsView | undefined;
  /**
   * The starting optimizer this form last sent and the server has not shown back yet: the
   * server acknowledges a change ('applied') before the state patch with it arrives, so a host
   * unticking boxes quickly would otherwise compute the next change from the old one.
   */
  private sentDefault: OptimizerKind | undefined;
  /**
   * The optimizers this form last sent as allowed while that change is unanswered or its state
   * patch has not come: a patch from before it must not tick a box the host just unticked (the
   * next untick would then send it back as allowed).
   */
  private sentAllowed: OptimizerKind[] | undefined;
  private info: RoomLandscapeInfo | undefined;
  private built = false;
  private key = '';
  private tabs: PanelTabs | undefined;
  private readonly summary = h('p', { class: 'settings-summary' });

  /** `send` returns a refusal made before anything left the page (validation, not connected), else undefined. */
  constructor(private readonly send: (patch: Record<string, unknown>) => string | undefined) {}

  /** Shows the room's settings (and its terrain's title and lesson): builds the form on the first call, refreshes it after. */
  update(settings: RoomSettingsView, info?: RoomLandscapeInfo): void {
    const key = JSON.stringify([settings, info?.title, info?.lesson]);
    if (key === this.key) return;
    this.key = key;
    this.settings = settings;
    this.info = info;
    if (settings.defaultOptimizer.kind === this.sentDefault) this.sentDefault = undefined;
    // A patch after the server answered the last change of the list shows that change (answers come before patches).
    if (!this.pending.some((p) => p.field === 'allowedOptimizers')) this.sentAllowed = undefined;
    if (!this.built) this.build();
    for (const sync of this.syncs) sync(settings, false);
  }

  /** The server applied the oldest pending change. */
  acknowledge(): void {
    const sent = this.pending.shift();
    if (!sent) return;
    const st = this.statuses.get(sent.at);
    if (st) st.saved.textContent = 'Saved';
  }

  /**
   * The server refused the oldest pending change: say why beside the control
   * that sent it (and, when the refusal names another field, beside that one
   * too), and put the controls back.
   */
  refuse(message: string, path: string | undefined): void {
    const sent = this.pending.shift() ?? { field: 'landscape', at: 'landscape' };
    if (sent.field === 'allowedOptimizers') this.sentAllowed = undefined;
    const r = plainRefusal(path, message, sent.field);
    this.showRefusal(sent.at, r.text, r.field);
  }

  /** Opens the step a field is in (e.g. the one a refusal points at). */
  showStep(step: Step): void {
    this.tabs?.select(step);
  }

  private showRefusal(at: StatusKey, text: string, named?: SettingsField): void {
    if (at === 'allowedOptimizers') this.sentDefault = undefined;
    for (const key of new Set([at, named ?? at])) {
      const st = this.statuses.get(key);
      if (!st) continue;
      st.saved.textContent = '';
      st.refused.textContent = text;
    }
    this.showStep(STEP_OF[at === 'formula' ? 'landscape' : at]);
    // Every control back to what the room has: the refused value is not in force.
    if (this.settings) for (const sync of this.syncs) sync(this.settings, true);
  }

  /** Every change goes through here: clear old notes, say "Saving…" where it was made, send. True when it left the page. */
  private change(field: SettingsField, patch: Record<string, unknown>, at: StatusKey = field): boolean {
    for (const st of this.statuses.values()) {
      st.saved.textContent = '';
      st.refused.textContent = '';
    }
    const local = this.send(patch);
    if (local !== undefined) {
      this.showRefusal(at, local);
      return false;
    }
    this.pending.push({ field, at });
    const st = this.statuses.get(at);
    if (st) st.saved.textContent = 'Saving…';
    return true;
  }

  /** The "Saved" / refusal lines of a field, placed right under its control. */
  private status(field: StatusKey): HTMLElement {
    const st: FieldStatus = {
      saved: h('span', { class: 'saved', role: 'status' }),
      refused: h('p', { class: 'error', role: 'alert' }),
    };
    this.statuses.set(field, st);
    return h('div', { class: 'field-status', 'data-field': field }, st.saved, st.refused);
  }

  /** The catalogue entry of the room's terrain, if it is one. */
  private currentEntry(s = this.settings): CatalogueEntry | undefined {
    const key = JSON.stringify(s?.landscape ?? null);
    return this.catalogue.find((c) => JSON.stringify(c.spec) === key);
  }

  /** Keeps `input` showing `read(settings)` unless the host is typing in it. */
  private bind<T extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(input: T, read: (s: RoomSettingsView) => string): T {
    this.syncs.push((s, force) => {
      if (force || document.activeElement !== input) input.value = read(s);
    });
    return input;
  }

  private bindCheck(input: HTMLInputElement, read: (s: RoomSettingsView) => boolean): HTMLInputElement {
    this.syncs.push((s) => {
      input.checked = read(s);
    });
    return input;
  }

  private build(): void {
    this.built = true;
    this.syncs.push((s) => (this.summary.textContent = this.summaryText(s)));
    this.tabs = new PanelTabs(
      [
        { id: 'terrain', label: '1 · Terrain', content: this.terrainStep() },
        { id: 'round', label: '2 · Round', content: this.roundStep() },
        { id: 'students', label: '3 · Students', content: this.studentsStep() },
      ],
      'terrain',
      { label: 'Settings steps', always: true, className: 'settings-steps' },
    );
    this.element.replaceChildren(h('h2', {}, 'Round settings'), this.summary, this.tabs.element);
  }

  /** "Sharp vs flat · 60 s · score: robust loss · 7 optimizers, 8 knobs open", after "Challenge: …" when one is set. */
  private summaryText(s: RoomSettingsView): string {
    const challenge = s.challenge ? challengeById(s.challenge) : undefined;
    const title = `${challenge ? `Challenge: ${challenge.title} · ` : ''}${this.info?.title ?? this.currentEntry(s)?.title ?? 'Your formula'}`;
    const length = s.roundSeconds === null ? `budget ${s.budget}` : `${s.roundSeconds} s`;
    const open = KNOB_NAMES.length - s.lockedKnobs.length;
    return `${title} · ${length} · score: ${scoringRuleName(s.scoring)} · ${s.allowedOptimizers.length} optimizer${s.allowedOptimizers.length === 1 ? '' : 's'}, ${open} of ${KNOB_NAMES.length} knobs open`;
  }

  private terrainStep(): HTMLElement[] {
    const lessonTitle = h('h3', {});
    const lesson = h('p', { class: 'lesson' });
    const contrast = h('p', { class: 'note' });
    this.syncs.push((s) => {
      const entry = this.currentEntry(s);
      // The room's own landscape info: a formula's lesson describes the formula, not the last tile.
      lessonTitle.textContent = this.info?.title ?? entry?.title ?? '';
      lesson.textContent = this.info?.lesson ?? entry?.lesson ?? '';
      const list = entry?.preset.contrast ?? [];
      contrast.textContent = list.length ? `The lesson compares: ${list.map((c) => c.label).join('; then ')}.` : '';
    });

    const cards = h('div', { class: 'catalogue', role: 'radiogroup', 'aria-label': 'Landscape' });
    this.catalogue.forEach((c, i) => {
      const canvas = h('canvas', { width: 48, height: 48 });
      const radio = h('input', {
        type: 'radio',
        name: 'landscape',
        value: String(i),
        onchange: () => this.change('landscape', presetSettingsPatch(c, { allowedOptimizers: this.allowed() })),
      });
      this.bindCheck(radio, () => this.currentEntry() === c);
      cards.append(h('label', {}, radio, canvas, c.title));
      // Previews are small and cheap; draw them a few at a time to keep the page responsive.
      setTimeout(() => drawPreview(canvas, c.spec, c.bounds), 30 * i);
    });

    const formula = new FormulaField(
      'Or write a formula in x and y',
      'x^2 + y^2 - 1.5*exp(-((x-1)^2+(y-1)^2)/0.05)',
      'Use x, y, numbers, + - * / ^ and functions such as sin, exp, log, sqrt, abs.',
    );
    const preview = h('canvas', { width: 96, height: 96, class: 'qr', 'aria-hidden': 'true' });
    const useFormula = h('button', { type: 'button' }, 'Use this formula');
    const check = () => {
      const ok = formula.check();
      useFormula.disabled = !ok;
      if (ok) drawPreview(preview, ok.spec, ok.landscape.info.bounds);
      return ok;
    };
    formula.onInput(check);
    setTimeout(check, 50);
    useFormula.addEventListener('click', () => {
      const ok = check();
      if (ok)
        this.change(
          'landscape',
          presetSettingsPatch({ spec: ok.spec, preset: DEFAULT_PRESET }, { allowedOptimizers: this.allowed() }),
          'formula',
        );
    });
    return [
      ...this.challengeChoice(),
      h(
        'p',
        { class: 'note' },
        'Pick a terrain: it brings its suggested round (start, length, scoring, knob ranges). Change any of it in steps 2 and 3.',
      ),
      cards,
      this.status('landscape'),
      lessonTitle,
      lesson,
      contrast,
      formula.element,
      h('div', { class: 'field-row' }, preview, useFormula),
      this.status('formula'),
    ];
  }

  /**
   * The challenge to run as this round: its preset comes with it (terrain, round, optimizers, locks) and
   * everyone sees its goal; the results judge each player. A new terrain or rule clears it (the server
   * says so in the settings it echoes). Challenges a round cannot judge are listed, disabled, with why.
   */
  private challengeChoice(): HTMLElement[] {
    const all = challengeCatalogue();
    const select = this.bind(
      h(
        'select',
        { onchange: () => this.change('challenge', { challenge: select.value === '' ? null : select.value }) },
        h('option', { value: '' }, 'None: set the round up yourself'),
        ...all.map((c, i) =>
          h(
            'option',
            { value: c.id, disabled: classRoundRefusal(c) !== null },
            `${i + 1}. ${c.title}${classRoundRefusal(c) ? ' (solo only)' : ''}`,
          ),
        ),
      ),
      (s) => s.challenge ?? '',
    );
    const task = h('p', { class: 'challenge-task', 'aria-live': 'polite' });
    this.syncs.push((s) => {
      const ch = s.challenge ? challengeById(s.challenge) : undefined;
      task.textContent = ch ? `Goal: ${ch.task} Each player's result is judged against it.` : '';
    });
    const solo = all.filter((c) => classRoundRefusal(c));
    const why = h(
      'details',
      { class: 'note' },
      h('summary', {}, `Why ${solo.length} challenges are solo only`),
      h('ul', {}, ...solo.map((c) => h('li', {}, h('strong', {}, `${c.title}: `), `${classRoundRefusal(c)}.`))),
    );
    return [field('Run a challenge as this round', select, this.status('challenge')), task, why];
  }

  private roundStep(): HTMLElement[] {
    const seconds = this.numberInput('roundSeconds', ROUND_SECONDS_RANGE, { integer: false, emptyAllowed: true }, (s) =>
      s.roundSeconds === null ? '' : String(s.roundSeconds),
    );
    const startRule = this.bind(
      h(
        'select',
        { onchange: () => this.change('startRule', { startRule: this.startRuleFor(startRule.value) }) },
        h('option', { value: 'shared' }, 'Everyone starts at the same point'),
        h('option', { value: 'random' }, 'Each player starts at a random point'),
        h('option', { value: 'choose' }, 'Players click to choose'),
      ),
      (s) => s.startRule.kind,
    );
    const scoring = h('select', { onchange: () => this.change('scoring', { scoring: this.scoringFor(scoring.value) }) });
    this.syncs.push((s) => {
      const kind = s.scoring.kind;
      const kinds: string[] = [...OFFERED_SCORING];
      if (!kinds.includes(kind)) kinds.push(kind);
      scoring.replaceChildren(...kinds.map((k) => h('option', { value: k, selected: k === kind }, SCORING_CHOICE_LABELS[k] ?? k)));
    });
    // Empty means "no budget": the round ends on time only. SAM spends 2 evaluations per step, so a budget keeps it fair.
    const budget = this.numberInput('budget', BUDGET_RANGE, { integer: true, emptyAllowed: true }, (s) =>
      s.budget === null ? '' : String(s.budget),
    );
    budget.placeholder = 'no budget';
    const countdown = this.numberInput('countdownSeconds', COUNTDOWN_SECONDS_RANGE, {}, (s) => String(s.countdownSeconds));
    const maxPlayers = this.numberInput('maxPlayers', MAX_PLAYERS_RANGE, { integer: true }, (s) => String(s.maxPlayers));
    const late = this.bindCheck(
      h('input', { type: 'checkbox', onchange: () => this.change('lateJoin', { lateJoin: late.checked }) }),
      (s) => s.lateJoin,
    );
    return [
      field('Round length (seconds)', seconds, this.status('roundSeconds')),
      field('Start', startRule, this.status('startRule')),
      field('Scoring', scoring, this.status('scoring')),
      field('Gradient evaluations per player (empty: no budget)', budget, this.status('budget')),
      field('Countdown before the start (seconds)', countdown, this.status('countdownSeconds')),
      field('Player limit', maxPlayers, this.status('maxPlayers')),
      h('label', { class: 'check' }, late, 'Allow joining during a race'),
      this.status('lateJoin'),
    ];
  }

  private studentsStep(): HTMLElement[] {
    const optimizerNote = h('p', { class: 'note' });
    this.syncs.push((s) => (optimizerNote.textContent = `Players start with ${describeOptimizer(s.defaultOptimizer)}.`));
    const optBoxes = OPTIMIZER_KINDS.map((k) => {
      const box = h('input', {
        type: 'checkbox',
        value: k,
        onchange: () => {
          const allowed = optBoxes.filter((b) => b.checked).map((b) => b.value);
          // Refused here, as the server would: a round needs an optimizer to race with.
          if (allowed.length === 0)
            return this.showRefusal('allowedOptimizers', 'Keep at least one optimizer ticked: players need one to race.');
          // Players start with an allowed optimizer: when the one they started with is unticked, shared picks another.
          const start = this.sentDefault ?? this.settings?.defaultOptimizer.kind;
          const patch: Record<string, unknown> = { allowedOptimizers: allowed };
          if (start && !allowed.includes(start)) {
            const next = defaultOptimizerFor(allowed as OptimizerKind[], this.ranges().lr);
            patch.defaultOptimizer = next;
            this.sentDefault = next.kind as OptimizerKind;
          }
          if (this.change('allowedOptimizers', patch)) this.sentAllowed = allowed as OptimizerKind[];
        },
      });
      return this.bindCheck(box, () => this.allowed().includes(k));
    });
    const rangeRows = NUMERIC_KNOBS.map((k) => {
      const [min, max] = KNOB_HARD_LIMITS[k];
      const step = KNOBS[k].scale === 'integer' ? 1 : 'any';
      const send = (which: 0 | 1, input: HTMLInputElement) => {
        const checked = checkSettingNumber('knobRanges', input.value, KNOB_HARD_LIMITS[k], { integer: KNOBS[k].scale === 'integer' });
        if (!checked.ok)
          return this.showRefusal(
            'knobRanges',
            checked.text.replace(/^Ranges players may pick from/, `${which ? 'Highest' : 'Lowest'} ${KNOBS[k].label}`),
          );
        const range = [...this.ranges()[k]] as [number, number];
        range[which] = checked.value!;
        this.change('knobRanges', { knobRanges: { ...this.ranges(), [k]: range } });
      };
      const lo: HTMLInputElement = this.bind(
        h('input', { type: 'number', min, max, step, 'aria-label': `Lowest ${KNOBS[k].label}`, onchange: () => send(0, lo) }),
        () => String(this.ranges()[k][0]),
      );
      const hi: HTMLInputElement = this.bind(
        h('input', { type: 'number', min, max, step, 'aria-label': `Highest ${KNOBS[k].label}`, onchange: () => send(1, hi) }),
        () => String(this.ranges()[k][1]),
      );
      return h('tr', {}, h('th', { scope: 'row', title: KNOBS[k].unit }, KNOBS[k].label), h('td', {}, lo), h('td', {}, hi));
    });
    const lockBoxes = KNOB_NAMES.map((k) => {
      const box = h('input', {
        type: 'checkbox',
        value: k,
        onchange: () => this.change('lockedKnobs', { lockedKnobs: lockBoxes.filter((b) => !b.checked).map((b) => b.value) }),
      });
      return this.bindCheck(box, (s) => !s.lockedKnobs.includes(k));
    });
    return [
      h(
        'fieldset',
        {},
        h('legend', {}, 'Optimizers players may pick'),
        ...optBoxes.map((b, i) => h('label', { class: 'check' }, b, OPTIMIZER_LABELS[OPTIMIZER_KINDS[i]])),
        this.status('allowedOptimizers'),
        optimizerNote,
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Ranges players may pick from'),
        h(
          'table',
          { class: 'knob-ranges', 'aria-label': 'Knob ranges' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, 'Knob'), h('th', { scope: 'col' }, 'Lowest'), h('th', { scope: 'col' }, 'Highest')),
          ),
          h('tbody', {}, ...rangeRows),
        ),
        this.status('knobRanges'),
        h('p', { class: 'note' }, kindLabelsNote()),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Knobs players may change'),
        ...lockBoxes.map((b, i) => h('label', { class: 'check' }, b, KNOBS[KNOB_NAMES[i]].label)),
        this.status('lockedKnobs'),
      ),
    ];
  }

  /** A number input bounded by shared's range for its setting, checked on change, then sent. */
  private numberInput(
    name: SettingsField,
    range: readonly [number, number],
    options: { integer?: boolean; emptyAllowed?: boolean },
    read: (s: RoomSettingsView) => string,
  ): HTMLInputElement {
    const input = h('input', { type: 'number', min: range[0], max: range[1], step: options.integer ? 1 : 'any', inputMode: 'decimal' });
    input.addEventListener('change', () => {
      const checked = checkSettingNumber(name, input.value, range, options);
      if (!checked.ok) return this.showRefusal(name, checked.text);
      this.change(name, { [name]: checked.value });
    });
    return this.bind(input, read);
  }

  /** The allowed optimizers as this form last sent them, or else as the room's settings say (a terrain tile sent right after an untick keeps it). */
  private allowed(): OptimizerKind[] {
    return this.sentAllowed ?? this.settings?.allowedOptimizers ?? [...OPTIMIZER_KINDS];
  }

  private ranges(): KnobRanges {
    return { ...DEFAULT_KNOB_RANGES, ...this.settings?.knobRanges };
  }

  /** A start rule by kind: the terrain preset's point for a shared start when it has one (else shared picks a seeded point). */
  private startRuleFor(kind: string): unknown {
    const preset = this.currentEntry()?.preset.settings.startRule;
    if (kind === 'shared') return preset?.kind === 'shared' ? preset : { kind: 'shared' };
    return { kind };
  }

  /** A scoring rule by kind: the terrain preset's parameters when it uses that rule (else shared's defaults for the terrain). */
  private scoringFor(kind: string): unknown {
    const preset = this.currentEntry()?.preset.settings.scoring;
    return preset?.kind === kind ? preset : { kind };
  }
}

/** Which optimizers call a knob by another name ("β2: RMSProp's Squared-gradient decay (α)"), from the knob table. */
function kindLabelsNote(): string {
  const parts: string[] = [];
  for (const k of NUMERIC_KNOBS) {
    const byLabel = new Map<string, string[]>();
    for (const [kind, label] of Object.entries(KNOBS[k].kindLabels)) {
      byLabel.set(label, [...(byLabel.get(label) ?? []), OPTIMIZER_LABELS[kind as OptimizerKind].replace(/ \(.*\)$/, '')]);
    }
    for (const [label, kinds] of byLabel) parts.push(`${KNOBS[k].label} is ${kinds.join(' and ')}'s “${label}”`);
  }
  return parts.length ? `${parts.join('; ')}.` : '';
}

/** A small heatmap of a landscape, computed on the main thread (48² points). */
function drawPreview(canvas: HTMLCanvasElement, spec: unknown, bounds: Bounds2D): void {
  try {
    const n = canvas.width;
    const r = computeTerrain({ id: 0, spec, bounds, n, hillShade: true, levels: 0 });
    canvas.getContext('2d')!.putImageData(new ImageData(r.rgba as Uint8ClampedArray<ArrayBuffer>, n, n), 0, 0);
  } catch {
    /* a preview that fails leaves the tile blank */
  }
}
