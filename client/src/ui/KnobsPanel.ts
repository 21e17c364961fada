import {
  clampKnob,
  DEFAULT_KNOB_RANGES,
  formatNumber,
  KNOBS,
  knobApplies,
  knobLabel,
  knobsForKind,
  nesterovApplies,
  NUMERIC_KNOBS,
  OPTIMIZER_KINDS,
  OPTIMIZER_LABELS,
  SCHEDULE_CHOICES,
  SCHEDULE_LABELS,
  type KnobName,
  type KnobRanges,
  type KnobValues,
  type NumericKnob,
  type OptimizerKind,
  type ScheduleChoice,
} from '@gradient-rally/shared';
import { logSliderRange, lrFromSlider, sliderFromLr } from '../input/knobs';
import { field, h, uid } from './elements';

/** The knobs shown as linear sliders, in the table's order. */
const SLIDER_KNOBS = NUMERIC_KNOBS.filter((k) => KNOBS[k].scale === 'linear');

/** What the round allows: the host's settings in a room, the terrain's preset in solo. */
export interface KnobLimits {
  optimizers: readonly OptimizerKind[];
  ranges: Readonly<KnobRanges>;
  locked: readonly KnobName[];
  /** A network terrain (minibatches exist). */
  mlp: boolean;
  /** Leave locked knobs out instead of showing them disabled (a challenge shows only what the student may turn). */
  hideLocked?: boolean;
  /** Controls a shared link hides (the optimizer choice, knobs by name): left out, whatever the locks. */
  hidden?: readonly (KnobName | 'optimizer')[];
}

/** Every optimizer, shared's default ranges, nothing locked. */
export const DEFAULT_LIMITS: KnobLimits = Object.freeze({
  optimizers: OPTIMIZER_KINDS,
  ranges: DEFAULT_KNOB_RANGES,
  locked: [],
  mlp: false,
});

/**
 * The knobs panel: real labelled inputs (keyboard operable, stable accessible
 * names: "Optimizer", "Learning rate", "Momentum", "Gradient noise", "SAM
 * radius", …), built from shared's knob table and limited to what the round
 * allows: disallowed optimizers are absent, knobs that do not apply to the
 * kind hidden, locked knobs disabled, ranges clamp the inputs. Calls
 * `onChange` with the full knob values after every edit.
 */
export class KnobsPanel {
  readonly element: HTMLElement;
  private values: KnobValues;
  private readonly body: HTMLElement;
  private readonly message: HTMLElement;

  constructor(
    private limits: KnobLimits,
    initial: KnobValues,
    private readonly onChange: (v: KnobValues) => void,
  ) {
    this.values = { ...initial };
    this.body = h('div');
    this.message = h('p', { class: 'error', role: 'alert' });
    this.element = h(
      'section',
      { class: 'panel controls', 'aria-label': 'Your knobs' },
      h('h2', {}, 'Your optimizer'),
      this.body,
      this.message,
    );
    this.build();
  }

  get current(): KnobValues {
    return { ...this.values };
  }

  setLimits(limits: KnobLimits): void {
    this.limits = limits;
    this.build();
  }

  setValues(v: KnobValues): void {
    this.values = { ...v };
    this.build();
  }

  showMessage(text: string | undefined): void {
    this.message.textContent = text ?? '';
  }

  private isLocked(k: KnobName): boolean {
    return this.limits.locked.includes(k);
  }

  private isHidden(k: KnobName | 'optimizer'): boolean {
    return this.limits.hidden?.includes(k) ?? false;
  }

  private shows(k: KnobName): boolean {
    if ((this.limits.hideLocked && this.isLocked(k)) || this.isHidden(k)) return false;
    return knobApplies(this.values.kind, k) && (!KNOBS[k].dataOnly || this.limits.mlp);
  }

  private commit(patch: Partial<KnobValues>): void {
    this.values = { ...this.values, ...patch };
    this.onChange(this.current);
  }

  private clamp(k: NumericKnob, x: number): number {
    return clampKnob(this.limits.ranges, k, x);
  }

  private build(): void {
    const kinds = this.limits.optimizers.length ? this.limits.optimizers : (['sgd'] as const);
    if (!kinds.includes(this.values.kind)) this.values = knobsForKind(this.values, kinds[0]);
    const v = this.values;
    const kindSel = h(
      'select',
      {
        onchange: () => {
          // A kind's own knobs start from its defaults (SGD's momentum 0 is not Adam's β1 0.9).
          const next = knobsForKind(this.values, kindSel.value as OptimizerKind);
          this.commit({ ...next, momentum: this.clamp('momentum', next.momentum), beta2: this.clamp('beta2', next.beta2) });
          this.build();
        },
      },
      ...kinds.map((k) => h('option', { value: k, selected: k === v.kind }, OPTIMIZER_LABELS[k])),
    );
    const children: HTMLElement[] = [];
    if ((!this.limits.hideLocked || kinds.length > 1) && !this.isHidden('optimizer')) children.push(field('Optimizer', kindSel));
    if (!(this.limits.hideLocked && this.isLocked('lr')) && !this.isHidden('lr')) children.push(this.lrField());
    for (const k of SLIDER_KNOBS) {
      if (this.shows(k)) children.push(this.sliderField(k));
      if (k === 'momentum' && nesterovApplies(v.kind) && this.shows('momentum')) {
        const nesterov = h('input', {
          type: 'checkbox',
          checked: v.nesterov,
          disabled: this.isLocked('momentum'),
          onchange: () => this.commit({ nesterov: nesterov.checked }),
        });
        children.push(h('label', { class: 'check' }, nesterov, 'Nesterov look-ahead'));
      }
    }
    if (this.shows('weightDecay')) children.push(this.numberField('weightDecay', 'any', KNOBS.weightDecay.label));
    const sched = h(
      'select',
      { disabled: this.isLocked('schedule'), onchange: () => this.commit({ schedule: sched.value as ScheduleChoice }) },
      ...SCHEDULE_CHOICES.map((c) => h('option', { value: c, selected: v.schedule === c }, SCHEDULE_LABELS[c])),
    );
    if ((!this.limits.hideLocked || !this.isLocked('schedule')) && !this.isHidden('schedule'))
      children.push(field(KNOBS.schedule.label, sched));
    if (this.shows('batchSize')) children.push(this.numberField('batchSize', 1, `${KNOBS.batchSize.label} (0 = full batch)`));
    const lockedShown = this.limits.locked.filter((k) => !this.isHidden(k));
    if (lockedShown.length && !this.limits.hideLocked)
      children.push(h('p', { class: 'note' }, `Locked for this round: ${lockedShown.map((k) => knobLabel(v.kind, k)).join(', ')}.`));
    this.body.replaceChildren(...children);
  }

  /** Learning rate: a typed number and a log-scale slider over the allowed range. */
  private lrField(): HTMLElement {
    const range = this.limits.ranges.lr;
    const [lo, hi] = range;
    const locked = this.isLocked('lr');
    const lrNum = h('input', { type: 'number', min: lo, max: hi, step: 'any', value: String(this.values.lr), disabled: locked });
    const [sMin, sMax] = logSliderRange(range);
    const lrSlider = h('input', {
      type: 'range',
      min: sMin,
      max: sMax,
      step: 0.01,
      value: String(sliderFromLr(this.values.lr, range)),
      'aria-label': 'Step size on a log scale',
      disabled: locked,
      oninput: () => {
        const lr = this.clamp('lr', lrFromSlider(Number(lrSlider.value)));
        lrNum.value = String(lr);
        this.commit({ lr });
      },
    });
    lrNum.addEventListener('change', () => {
      const x = Number(lrNum.value);
      if (!Number.isFinite(x) || x <= 0) return this.showMessage(`Learning rate must be a number between ${lo} and ${hi}.`);
      const lr = this.clamp('lr', x);
      this.showMessage(lr !== x ? `Learning rate limited to [${lo}, ${hi}] for this round.` : undefined);
      lrNum.value = String(lr);
      lrSlider.value = String(sliderFromLr(lr, range));
      this.commit({ lr });
    });
    lrNum.title = KNOBS.lr.unit;
    return field(KNOBS.lr.label, lrNum, lrSlider);
  }

  /** A linear slider with its value beside it; 0 stays reachable for knobs that 0 switches off. */
  private sliderField(k: NumericKnob): HTMLElement {
    const [lo, hi] = this.limits.ranges[k];
    const min = KNOBS[k].offAtZero ? Math.min(0, lo) : lo;
    const out = h('output', {}, formatNumber(this.values[k]));
    const input = h('input', {
      id: uid('knob'),
      type: 'range',
      min,
      max: hi,
      step: KNOBS[k].step ?? 'any',
      value: String(this.values[k]),
      disabled: this.isLocked(k),
      title: KNOBS[k].unit,
      oninput: () => {
        const x = this.clamp(k, Number(input.value));
        out.textContent = formatNumber(x);
        this.commit({ [k]: x } as Partial<KnobValues>);
      },
    });
    const row = field(knobLabel(this.values.kind, k), h('div', { class: 'field-row' }, input, out));
    // The label must point at the input itself, not the row.
    row.querySelector('label')!.setAttribute('for', input.id);
    return row;
  }

  /** A typed number (weight decay, batch size), clamped on change. */
  private numberField(k: NumericKnob, step: number | 'any', label: string): HTMLElement {
    const [lo, hi] = this.limits.ranges[k];
    const integer = KNOBS[k].scale === 'integer';
    const input = h('input', {
      type: 'number',
      min: KNOBS[k].offAtZero ? 0 : lo,
      max: hi,
      step,
      value: String(this.values[k]),
      disabled: this.isLocked(k),
      title: KNOBS[k].unit,
    });
    input.addEventListener('change', () => {
      const raw = Number(input.value) || 0;
      const x = this.clamp(k, integer ? Math.round(raw) : raw);
      input.value = String(x);
      this.commit({ [k]: x } as Partial<KnobValues>);
    });
    return field(label, input);
  }
}
