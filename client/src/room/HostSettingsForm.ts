import {
  BUDGET_RANGE,
  COUNTDOWN_SECONDS_RANGE,
  createLandscape,
  DEFAULT_KNOB_RANGES,
  DEFAULT_PRESET,
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
  SpecError,
  type Bounds2D,
  type CatalogueEntry,
  type KnobRanges,
  type OptimizerKind,
  type RoomSettings,
} from '@gradient-rally/shared';
import { computeTerrain } from '../terrain/computeTerrain';
import { field, h } from '../ui/elements';

/** The room's settings as the host's form reads them (the parsed settings the server echoes, plus the countdown). */
export type RoomSettingsView = RoomSettings;

/** Scoring rules offered in the list; a preset's other rule (time to target, test loss) is shown while it is in force. */
const OFFERED_SCORING = ['robust-loss', 'lowest-loss'] as const;

/**
 * The host's round settings: the terrain catalogue with previews (picking a
 * tile applies the terrain's preset: start, length, scoring, knob ranges,
 * default optimizer), a formula editor with live preview, the round rules,
 * the optimizers and knob ranges players may pick from and the knobs they may
 * change. Every limit comes from shared (the same the server checks). Sends
 * each change as a settings patch; `update` shows what the server accepted.
 */
export class HostSettingsForm {
  readonly element = h('section', { class: 'panel controls host-only', 'aria-label': 'Round settings' });
  private readonly catalogue: CatalogueEntry[] = landscapeCatalogue();
  /** Refreshes one input from the accepted settings (skipped while the host is typing in it). */
  private readonly syncs: ((s: RoomSettingsView) => void)[] = [];
  private settings: RoomSettingsView | undefined;
  private built = false;
  private key = '';

  constructor(private readonly send: (patch: Record<string, unknown>) => void) {}

  /** Shows the room's settings: builds the form on the first call, refreshes its values after. */
  update(settings: RoomSettingsView): void {
    const key = JSON.stringify(settings);
    if (key === this.key) return;
    this.key = key;
    this.settings = settings;
    if (!this.built) this.build();
    for (const sync of this.syncs) sync(settings);
  }

  /** The catalogue entry of the room's terrain, if it is one. */
  private currentEntry(s = this.settings): CatalogueEntry | undefined {
    const key = JSON.stringify(s?.landscape ?? null);
    return this.catalogue.find((c) => JSON.stringify(c.spec) === key);
  }

  /** Keeps `input` showing `read(settings)` unless it has the focus. */
  private bind<T extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(input: T, read: (s: RoomSettingsView) => string): T {
    this.syncs.push((s) => {
      if (document.activeElement !== input) input.value = read(s);
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
    const lesson = h('p', { class: 'lesson' });
    const contrast = h('p', { class: 'note' });
    const optimizerNote = h('p', { class: 'note' });
    this.syncs.push((s) => {
      const entry = this.currentEntry(s);
      lesson.textContent = entry?.lesson ?? '';
      const list = entry?.preset.contrast ?? [];
      contrast.textContent = list.length ? `The lesson compares: ${list.map((c) => c.label).join('; then ')}.` : '';
      optimizerNote.textContent = `Players start with ${describeOptimizer(s.defaultOptimizer)}.`;
    });

    const cards = h('div', { class: 'catalogue', role: 'radiogroup', 'aria-label': 'Landscape' });
    this.catalogue.forEach((c, i) => {
      const canvas = h('canvas', { width: 48, height: 48 });
      const radio = h('input', {
        type: 'radio',
        name: 'landscape',
        value: String(i),
        onchange: () => this.send(presetSettingsPatch(c, { allowedOptimizers: this.allowed() })),
      });
      this.bindCheck(radio, () => this.currentEntry() === c);
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
        if (send) this.send(presetSettingsPatch({ spec, preset: DEFAULT_PRESET }, { allowedOptimizers: this.allowed() }));
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

    // Empty means no time limit (a budget-only round).
    const seconds = this.numberInput(ROUND_SECONDS_RANGE, 1, 'roundSeconds', (s) =>
      s.roundSeconds === null ? '' : String(s.roundSeconds),
    );
    const startRule = this.bind(
      h(
        'select',
        { onchange: () => this.send({ startRule: this.startRuleFor(startRule.value) }) },
        h('option', { value: 'shared' }, 'Everyone starts at the same point'),
        h('option', { value: 'random' }, 'Each player starts at a random point'),
        h('option', { value: 'choose' }, 'Players click to choose'),
      ),
      (s) => s.startRule.kind,
    );
    const scoring = h('select', { onchange: () => this.send({ scoring: this.scoringFor(scoring.value) }) });
    this.syncs.push((s) => {
      const kind = s.scoring.kind;
      const kinds: string[] = [...OFFERED_SCORING];
      if (!kinds.includes(kind)) kinds.push(kind);
      scoring.replaceChildren(...kinds.map((k) => h('option', { value: k, selected: k === kind }, SCORING_CHOICE_LABELS[k] ?? k)));
    });
    const budget = this.bind(
      h('input', { type: 'number', min: BUDGET_RANGE[0], max: BUDGET_RANGE[1], step: 1, placeholder: 'no budget' }),
      (s) => (s.budget === null ? '' : String(s.budget)),
    );
    // Empty means "no budget": the round ends on time only. SAM spends 2 evaluations per step, so a budget keeps it fair.
    budget.addEventListener('change', () =>
      this.send({ budget: budget.value.trim() === '' || Number(budget.value) === 0 ? null : Number(budget.value) }),
    );
    const countdown = this.numberInput(COUNTDOWN_SECONDS_RANGE, 1, 'countdownSeconds', (s) => String(s.countdownSeconds));
    const maxPlayers = this.numberInput(MAX_PLAYERS_RANGE, 1, 'maxPlayers', (s) => String(s.maxPlayers));
    const late = this.bindCheck(h('input', { type: 'checkbox', onchange: () => this.send({ lateJoin: late.checked }) }), (s) => s.lateJoin);

    const optBoxes = OPTIMIZER_KINDS.map((k) => {
      const box = h('input', {
        type: 'checkbox',
        value: k,
        onchange: () => this.send({ allowedOptimizers: optBoxes.filter((b) => b.checked).map((b) => b.value) }),
      });
      return this.bindCheck(box, () => this.allowed().includes(k));
    });
    const rangeRows = NUMERIC_KNOBS.map((k) => {
      const [min, max] = KNOB_HARD_LIMITS[k];
      const step = KNOBS[k].scale === 'integer' ? 1 : 'any';
      const send = () => this.send({ knobRanges: { ...this.ranges(), [k]: [Number(lo.value), Number(hi.value)] } });
      const lo = this.bind(h('input', { type: 'number', min, max, step, 'aria-label': `Lowest ${KNOBS[k].label}`, onchange: send }), () =>
        String(this.ranges()[k][0]),
      );
      const hi = this.bind(h('input', { type: 'number', min, max, step, 'aria-label': `Highest ${KNOBS[k].label}`, onchange: send }), () =>
        String(this.ranges()[k][1]),
      );
      return h('tr', {}, h('th', { scope: 'row', title: KNOBS[k].unit }, KNOBS[k].label), h('td', {}, lo), h('td', {}, hi));
    });
    const lockBoxes = KNOB_NAMES.map((k) => {
      const box = h('input', {
        type: 'checkbox',
        value: k,
        onchange: () => this.send({ lockedKnobs: lockBoxes.filter((b) => !b.checked).map((b) => b.value) }),
      });
      return this.bindCheck(box, (s) => !s.lockedKnobs.includes(k));
    });

    this.element.replaceChildren(
      h('h2', {}, 'Landscape'),
      h(
        'p',
        { class: 'note' },
        'Picking a terrain applies its suggested round (start, length, scoring, knob ranges); change any of it below.',
      ),
      cards,
      lesson,
      contrast,
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
        ...optBoxes.map((b, i) => h('label', { class: 'check' }, b, OPTIMIZER_LABELS[OPTIMIZER_KINDS[i]])),
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
        h('p', { class: 'note' }, kindLabelsNote()),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Knobs players may change'),
        ...lockBoxes.map((b, i) => h('label', { class: 'check' }, b, KNOBS[KNOB_NAMES[i]].label)),
      ),
    );
  }

  /** A number input bounded by shared's range for its setting, sending on change. */
  private numberInput(
    range: readonly [number, number],
    step: number,
    name: string,
    read: (s: RoomSettingsView) => string,
  ): HTMLInputElement {
    const input = h('input', { type: 'number', min: range[0], max: range[1], step });
    input.addEventListener('change', () => this.send({ [name]: input.value.trim() === '' ? null : Number(input.value) }));
    return this.bind(input, read);
  }

  private allowed(): OptimizerKind[] {
    return this.settings?.allowedOptimizers ?? [...OPTIMIZER_KINDS];
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
