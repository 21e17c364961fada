import {
  DEFAULT_KNOBS,
  KNOB_OPTIMIZERS,
  knobApplies,
  LR_LOG10_RANGE,
  lrFromSlider,
  momentumLabel,
  OPTIMIZER_LABELS,
  sliderFromLr,
  type KnobName,
  type KnobOptimizer,
  type KnobValues,
} from '../input/knobs';
import { field, h, uid } from './elements';

export type Range = [number, number];

/** What the host allows (all of it in solo). */
export interface KnobLimits {
  optimizers: readonly KnobOptimizer[];
  ranges: Partial<Record<Exclude<KnobName, 'schedule'>, Range>>;
  locked: readonly KnobName[];
  mlp: boolean;
}

export const OPEN_LIMITS: KnobLimits = {
  optimizers: KNOB_OPTIMIZERS,
  ranges: {
    lr: [1e-5, 10],
    momentum: [0, 0.999],
    beta2: [0.5, 0.9999],
    noise: [0, 5],
    samRadius: [0, 2],
    weightDecay: [0, 1],
    batchSize: [0, 512],
  },
  locked: [],
  mlp: false,
};

/**
 * The knobs panel: real labelled inputs (keyboard operable, stable accessible
 * names: "Optimizer", "Learning rate", "Momentum", "Gradient noise", "SAM
 * radius", …), limited to what the host allows: disallowed optimizers are
 * absent, locked knobs disabled, ranges clamp the inputs. Calls `onChange`
 * with the full knob values after every edit.
 */
export class KnobsPanel {
  readonly element: HTMLElement;
  private values: KnobValues;
  private readonly inputs: Partial<Record<KnobName | 'kind', HTMLInputElement | HTMLSelectElement>> = {};
  private readonly rows: Partial<Record<KnobName, HTMLElement>> = {};
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

  private range(k: Exclude<KnobName, 'schedule'>): Range {
    return this.limits.ranges[k] ?? OPEN_LIMITS.ranges[k]!;
  }

  private isLocked(k: KnobName): boolean {
    return this.limits.locked.includes(k);
  }

  private commit(patch: Partial<KnobValues>): void {
    this.values = { ...this.values, ...patch };
    this.onChange(this.current);
  }

  private build(): void {
    const v = this.values;
    const kinds = this.limits.optimizers.length ? this.limits.optimizers : (['sgd'] as const);
    if (!kinds.includes(v.kind)) v.kind = kinds[0];
    const kindSel = h(
      'select',
      {
        onchange: () => {
          const kind = kindSel.value as KnobOptimizer;
          // Adam's β1 default is 0.9; SGD's momentum default is 0: switching kinds starts from the kind's default.
          const momentum = kind === 'adam' || kind === 'adamw' ? 0.9 : 0;
          this.commit({ kind, momentum: this.clampKnob('momentum', momentum) });
          this.build();
        },
      },
      ...kinds.map((k) => h('option', { value: k, selected: k === v.kind }, OPTIMIZER_LABELS[k])),
    );
    this.inputs.kind = kindSel;

    const [lrMin, lrMax] = this.range('lr');
    const lrNum = h('input', { type: 'number', min: lrMin, max: lrMax, step: 'any', value: String(v.lr), disabled: this.isLocked('lr') });
    const lrSlider = h('input', {
      type: 'range',
      min: Math.max(LR_LOG10_RANGE[0], Math.log10(lrMin)),
      max: Math.min(LR_LOG10_RANGE[1], Math.log10(lrMax)),
      step: 0.01,
      value: String(sliderFromLr(v.lr)),
      'aria-label': 'Step size on a log scale',
      disabled: this.isLocked('lr'),
      oninput: () => {
        const lr = this.clampKnob('lr', lrFromSlider(Number(lrSlider.value)));
        lrNum.value = String(lr);
        this.commit({ lr });
      },
    });
    lrNum.addEventListener('change', () => {
      const x = Number(lrNum.value);
      if (!Number.isFinite(x) || x <= 0) return this.showMessage(`Learning rate must be a number between ${lrMin} and ${lrMax}.`);
      const lr = this.clampKnob('lr', x);
      if (lr !== x) this.showMessage(`Learning rate limited to [${lrMin}, ${lrMax}] by the host.`);
      else this.showMessage(undefined);
      lrNum.value = String(lr);
      lrSlider.value = String(sliderFromLr(lr));
      this.commit({ lr });
    });
    this.inputs.lr = lrNum;

    const children: HTMLElement[] = [field('Optimizer', kindSel), field('Learning rate', lrNum, lrSlider)];
    const slider = (k: 'momentum' | 'beta2' | 'noise' | 'samRadius', label: string, step: number) => {
      const [lo, hi] = this.range(k);
      const out = h('output', {}, String(v[k]));
      const input = h('input', {
        id: uid('knob'),
        type: 'range',
        min: lo,
        max: hi,
        step,
        value: String(v[k]),
        disabled: this.isLocked(k),
        oninput: () => {
          out.textContent = input.value;
          this.commit({ [k]: Number(input.value) } as Partial<KnobValues>);
        },
      });
      this.inputs[k] = input;
      const row = field(label, h('div', { class: 'field-row' }, input, out));
      // The label must point at the input itself, not the row.
      row.querySelector('label')!.setAttribute('for', input.id);
      this.rows[k] = row;
      if (knobApplies(v.kind, k)) children.push(row);
    };
    slider('momentum', momentumLabel(v.kind), 0.01);
    slider('beta2', 'β2', 0.0001);
    slider('noise', 'Gradient noise', 0.01);
    slider('samRadius', 'SAM radius', 0.01);
    if (knobApplies(v.kind, 'momentum') && v.kind === 'sgd') {
      const nesterov = h('input', {
        type: 'checkbox',
        checked: v.nesterov,
        disabled: this.isLocked('momentum'),
        onchange: () => this.commit({ nesterov: nesterov.checked }),
      });
      children.push(h('label', { class: 'check' }, nesterov, 'Nesterov look-ahead'));
    }
    if (knobApplies(v.kind, 'weightDecay')) {
      const [lo, hi] = this.range('weightDecay');
      const wd = h('input', {
        type: 'number',
        min: lo,
        max: hi,
        step: 'any',
        value: String(v.weightDecay),
        disabled: this.isLocked('weightDecay'),
      });
      wd.addEventListener('change', () => {
        const x = this.clampKnob('weightDecay', Number(wd.value) || 0);
        wd.value = String(x);
        this.commit({ weightDecay: x });
      });
      this.inputs.weightDecay = wd;
      children.push(field('Weight decay', wd));
    }
    const sched = h(
      'select',
      { disabled: this.isLocked('schedule'), onchange: () => this.commit({ schedule: sched.value as KnobValues['schedule'] }) },
      h('option', { value: 'none', selected: v.schedule === 'none' }, 'Constant'),
      h('option', { value: 'step', selected: v.schedule === 'step' }, 'Step decay (halve 5 times)'),
      h('option', { value: 'cosine', selected: v.schedule === 'cosine' }, 'Cosine annealing'),
    );
    this.inputs.schedule = sched;
    children.push(field('Learning-rate schedule', sched));
    if (this.limits.mlp) {
      const [lo, hi] = this.range('batchSize');
      const bs = h('input', {
        type: 'number',
        min: lo,
        max: hi,
        step: 1,
        value: String(v.batchSize),
        disabled: this.isLocked('batchSize'),
      });
      bs.addEventListener('change', () => {
        const x = Math.round(this.clampKnob('batchSize', Number(bs.value) || 0));
        bs.value = String(x);
        this.commit({ batchSize: x });
      });
      children.push(field('Batch size (0 = full batch)', bs));
    }
    if (this.limits.locked.length) children.push(h('p', { class: 'note' }, `Set by the host: ${this.limits.locked.join(', ')}.`));
    this.body.replaceChildren(...children);
  }

  private clampKnob(k: Exclude<KnobName, 'schedule'>, x: number): number {
    const [lo, hi] = this.range(k);
    return Math.min(hi, Math.max(lo, x));
  }
}

export { DEFAULT_KNOBS };
