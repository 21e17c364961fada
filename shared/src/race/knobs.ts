import { formatNumber, OPTIMIZER_KINDS, parseOptimizerSpec, type OptimizerKind, type ScheduleSpec } from './deps';

/**
 * The knob table: every knob a player turns, in the one place the client
 * (knobs panel, host settings form, solo) and the server (range and lock
 * checks in `checkRacerOptimizer`) both read. A knob is a game-level name
 * ("momentum") for a field of an optimizer spec that differs by kind
 * (`momentum` for SGD and RMSProp, `betas[0]` for Adam): `knobSlot` says
 * where, and a knob with no slot for a kind does not apply to it.
 *
 * Decisions recorded here (the client once disagreed):
 * - `beta2` is Adam's β2 and RMSProp's α: both are the decay of the running
 *   average of squared gradients (torch's `betas[1]` and `alpha`), so the host's
 *   range and lock govern both, and the panel shows it for RMSProp too.
 * - Weight decay applies to Newton and L-BFGS: they add the L2 term (λ/2)‖θ‖²
 *   to the objective they model (Optimizer.stepInPlace, newton.ts), so it is a
 *   real knob there, not an ignored one.
 */

/** The knobs a player turns. Numeric ones have a host-chosen range. */
export const NUMERIC_KNOBS = ['lr', 'momentum', 'beta2', 'noise', 'samRadius', 'weightDecay', 'batchSize'] as const;
export type NumericKnob = (typeof NUMERIC_KNOBS)[number];
/** Every knob a host can lock; `schedule` has no range, only on/off by locking. */
export const KNOB_NAMES = [...NUMERIC_KNOBS, 'schedule'] as const;
export type KnobName = (typeof KNOB_NAMES)[number];

export type KnobRange = [min: number, max: number];
export type KnobRanges = Record<NumericKnob, KnobRange>;

/** The widest range a host may allow for each knob. */
export const KNOB_HARD_LIMITS: Readonly<KnobRanges> = Object.freeze({
  lr: [1e-8, 100],
  momentum: [0, 0.999],
  beta2: [0, 0.99999],
  noise: [0, 100],
  samRadius: [0, 10],
  weightDecay: [0, 1],
  batchSize: [1, 100000],
});

/** What a round allows when the host (or the terrain's preset) says nothing. */
export const DEFAULT_KNOB_RANGES: Readonly<KnobRanges> = Object.freeze({
  lr: [1e-5, 2],
  momentum: [0, 0.999],
  beta2: [0.5, 0.9999],
  noise: [0, 5],
  samRadius: [0, 1],
  weightDecay: [0, 0.1],
  batchSize: [1, 1024],
});

/** Where a knob lives in an optimizer spec of a given kind: a field, or an index of `betas`. */
export type KnobSlot = { field: string; index?: number };

export function knobSlot(kind: string, knob: KnobName): KnobSlot | null {
  switch (knob) {
    case 'momentum':
      if (kind === 'sgd' || kind === 'rmsprop') return { field: 'momentum' };
      if (kind === 'adam' || kind === 'adamw') return { field: 'betas', index: 0 };
      return null;
    case 'beta2':
      if (kind === 'adam' || kind === 'adamw') return { field: 'betas', index: 1 };
      if (kind === 'rmsprop') return { field: 'alpha' };
      return null;
    default:
      return { field: knob };
  }
}

/** Nesterov's look-ahead is a form of SGD's momentum (torch: `SGD(nesterov=True)`, needing momentum > 0); no other kind has it. */
export function nesterovApplies(kind: string): boolean {
  return kind === 'sgd';
}

/** Whether a knob means something for an optimizer kind (a knob that does not is hidden, never silently ignored). */
export function knobApplies(kind: string, knob: KnobName): boolean {
  return knobSlot(kind, knob) !== null;
}

export interface KnobDefinition {
  readonly name: KnobName;
  /** The input's accessible name (stable: browser tests and screen readers rely on it). */
  readonly label: string;
  /** A kind-specific name where the knob is that kind's own hyperparameter. */
  readonly kindLabels: Readonly<Partial<Record<OptimizerKind, string>>>;
  /** What the number measures, for a tooltip. */
  readonly unit: string;
  /** How an input shows it: a log-scale slider, a linear slider, a typed number, a whole number, a list. */
  readonly scale: 'log' | 'linear' | 'number' | 'integer' | 'choice';
  /** Slider step (linear sliders). */
  readonly step: number | null;
  /** 0 switches the knob off and is allowed whatever the host's range. */
  readonly offAtZero: boolean;
  /** Only data-backed (network) terrains have minibatches. */
  readonly dataOnly: boolean;
}

export const KNOBS: Readonly<Record<KnobName, KnobDefinition>> = Object.freeze({
  lr: knob('lr', 'Learning rate', 'step length per unit of gradient', 'log', null, false),
  momentum: knob('momentum', 'Momentum', 'fraction of the last step kept (0 to 1)', 'linear', 0.01, true, {
    adam: 'Momentum (β1)',
    adamw: 'Momentum (β1)',
  }),
  beta2: knob('beta2', 'β2', 'decay of the squared-gradient average (0 to 1)', 'linear', 0.0001, false, {
    rmsprop: 'Squared-gradient decay (α)',
  }),
  noise: knob('noise', 'Gradient noise', 'σ of the Gaussian noise added to each gradient coordinate', 'linear', 0.01, true),
  samRadius: knob('samRadius', 'SAM radius', 'ρ, a distance on the terrain', 'linear', 0.01, true),
  weightDecay: knob('weightDecay', 'Weight decay', 'λ of the (λ/2)‖θ‖² pull towards the origin', 'number', null, true),
  batchSize: knob('batchSize', 'Batch size', 'examples per gradient (0 = the full data set)', 'integer', 1, true, {}, true),
  schedule: knob('schedule', 'Learning-rate schedule', 'how the learning rate changes over the round', 'choice', null, false),
});

function knob(
  name: KnobName,
  label: string,
  unit: string,
  scale: KnobDefinition['scale'],
  step: number | null,
  offAtZero: boolean,
  kindLabels: KnobDefinition['kindLabels'] = {},
  dataOnly = false,
): KnobDefinition {
  return Object.freeze({ name, label, kindLabels: Object.freeze(kindLabels), unit, scale, step, offAtZero, dataOnly });
}

/** The label of a knob for an optimizer kind ("Momentum (β1)" for Adam). */
export function knobLabel(kind: string, knob: KnobName): string {
  const def = KNOBS[knob];
  return def.kindLabels[kind as OptimizerKind] ?? def.label;
}

/** Clamps a knob value into a range; 0 stays 0 for a knob that 0 switches off. */
export function clampKnob(ranges: Readonly<KnobRanges>, knob: NumericKnob, x: number): number {
  if (x === 0 && KNOBS[knob].offAtZero) return 0;
  const [lo, hi] = ranges[knob];
  return Math.min(hi, Math.max(lo, x));
}

/** What players see in the optimizer list. */
export const OPTIMIZER_LABELS: Readonly<Record<OptimizerKind, string>> = Object.freeze({
  sgd: 'SGD (momentum, Nesterov)',
  adam: 'Adam',
  adamw: 'AdamW (decoupled weight decay)',
  rmsprop: 'RMSProp',
  adagrad: 'Adagrad',
  newton: 'Newton (damped)',
  lbfgs: 'L-BFGS',
});

// ───────────────────────── schedules as a knob ─────────────────────────

/** The schedules a player picks from; each is sized to the round (`scheduleForChoice`). */
export const SCHEDULE_CHOICES = ['none', 'step', 'cosine', 'restarts', 'one-cycle'] as const;
export type ScheduleChoice = (typeof SCHEDULE_CHOICES)[number];

/** Step decay halves the rate every fifth of the round: at 1/5, 2/5, 3/5 and 4/5, four times in all. */
const STEP_DECAY_PARTS = 5;
/** Warm restarts: this many cosine cycles of equal length fill the round (SGDR with T_mult 1). */
export const RESTART_CYCLES = 3;

export const SCHEDULE_LABELS: Readonly<Record<ScheduleChoice, string>> = Object.freeze({
  none: 'Constant',
  step: `Step decay (halve ${STEP_DECAY_PARTS - 1} times)`,
  cosine: 'Cosine annealing',
  restarts: `Warm restarts (${RESTART_CYCLES} cosine cycles)`,
  'one-cycle': 'One-cycle (warm up, then anneal)',
});

/**
 * The schedule spec of a choice for a round of `totalUpdates` updates: cosine
 * over the whole round; warm restarts as `RESTART_CYCLES` equal cosine cycles;
 * one-cycle (torch's defaults: 30 % warm-up from lr/25, then cosine down to
 * lr/25e4) peaking at the knob's learning rate `lr`.
 */
export function scheduleForChoice(choice: ScheduleChoice, totalUpdates: number, lr = 0.01): ScheduleSpec | null {
  const total = Math.max(2, Math.round(totalUpdates));
  if (choice === 'cosine') return { kind: 'cosine', tMax: total, etaMin: 0 };
  if (choice === 'step') return { kind: 'step', stepSize: Math.max(1, Math.ceil(total / STEP_DECAY_PARTS)), gamma: 0.5 };
  if (choice === 'restarts') return { kind: 'cosine-restarts', t0: Math.max(1, Math.ceil(total / RESTART_CYCLES)), tMult: 1, etaMin: 0 };
  if (choice === 'one-cycle')
    return {
      kind: 'one-cycle',
      maxLr: lr,
      totalSteps: Math.max(4, total),
      pctStart: 0.3,
      divFactor: 25,
      finalDivFactor: 1e4,
      anneal: 'cos',
    };
  return null;
}

/** The choice a schedule spec corresponds to ('none' for no schedule). */
export function scheduleChoiceOf(schedule: unknown): ScheduleChoice {
  const kind = (schedule as { kind?: unknown } | null | undefined)?.kind;
  if (kind === 'step') return 'step';
  if (kind === 'cosine') return 'cosine';
  if (kind === 'cosine-restarts') return 'restarts';
  if (kind === 'one-cycle') return 'one-cycle';
  return 'none';
}

// ───────────────────────── knob values ⇄ optimizer spec ─────────────────────────

/** One player's knobs as the panels hold them (a plain record; `knobsToOptimizerSpec` makes the spec). */
export interface KnobValues {
  kind: OptimizerKind;
  lr: number;
  /** Momentum μ (SGD, RMSProp) or β1 (Adam, AdamW). */
  momentum: number;
  /** Adam's β2 or RMSProp's α. */
  beta2: number;
  nesterov: boolean;
  noise: number;
  samRadius: number;
  weightDecay: number;
  schedule: ScheduleChoice;
  /** Network terrains only: minibatch size (0 = full batch). */
  batchSize: number;
}

export const DEFAULT_KNOBS: Readonly<KnobValues> = Object.freeze({
  kind: 'sgd',
  lr: 0.01,
  momentum: 0,
  beta2: 0.999,
  nesterov: false,
  noise: 0,
  samRadius: 0,
  weightDecay: 0,
  schedule: 'none',
  batchSize: 0,
});

function readSlot(spec: Record<string, unknown>, slot: KnobSlot): unknown {
  const v = spec[slot.field];
  if (slot.index === undefined) return v;
  return Array.isArray(v) ? v[slot.index] : undefined;
}

/** torch's default of a knob for a kind (Adam's β1 0.9, RMSProp's α 0.99, AdamW's weight decay 0.01), or null if it does not apply. */
export function knobDefault(kind: OptimizerKind, knob: 'momentum' | 'beta2' | 'weightDecay'): number | null {
  const slot = knobSlot(kind, knob);
  if (!slot) return null;
  const v = readSlot(parseOptimizerSpec({ kind, lr: 1 }) as unknown as Record<string, unknown>, slot);
  return typeof v === 'number' ? v : null;
}

/** Switching kind starts the kind-specific knobs from the new kind's defaults (SGD's momentum 0 is not Adam's β1 0.9). */
export function knobsForKind(values: KnobValues, kind: OptimizerKind): KnobValues {
  return {
    ...values,
    kind,
    momentum: knobDefault(kind, 'momentum') ?? values.momentum,
    beta2: knobDefault(kind, 'beta2') ?? values.beta2,
    weightDecay: kind === 'adamw' ? (knobDefault(kind, 'weightDecay') ?? 0) : values.kind === 'adamw' ? 0 : values.weightDecay,
    nesterov: nesterovApplies(kind) && values.nesterov,
  };
}

/**
 * Knob values → optimizer spec JSON (what `setKnobs` sends and `createOptimizer`
 * reads), writing each knob into its slot for the kind and leaving out knobs
 * that are off or do not apply. `totalUpdates` sizes the schedule.
 */
export function knobsToOptimizerSpec(k: KnobValues, opts: { dataBacked?: boolean; totalUpdates?: number } = {}): Record<string, unknown> {
  const spec: Record<string, unknown> = { kind: k.kind, lr: k.lr };
  for (const name of ['momentum', 'beta2'] as const) {
    const slot = knobSlot(k.kind, name);
    if (!slot) continue;
    if (slot.index === undefined) spec[slot.field] = k[name];
    else {
      const betas = (spec[slot.field] as number[] | undefined) ?? [k.momentum, k.beta2];
      betas[slot.index] = k[name];
      spec[slot.field] = betas;
    }
  }
  if (nesterovApplies(k.kind) && k.nesterov && k.momentum > 0) spec.nesterov = true;
  // AdamW's default decay is not 0: an explicit 0 must be sent to switch it off.
  if (knobApplies(k.kind, 'weightDecay') && (k.weightDecay > 0 || k.kind === 'adamw')) spec.weightDecay = k.weightDecay;
  if (k.noise > 0) spec.noise = k.noise;
  if (k.samRadius > 0) spec.samRadius = k.samRadius;
  const schedule = scheduleForChoice(k.schedule, opts.totalUpdates ?? 600, k.lr);
  if (schedule) spec.schedule = schedule;
  if (opts.dataBacked && k.batchSize > 0) spec.batchSize = Math.round(k.batchSize);
  return spec;
}

/** Optimizer spec JSON (as the server echoes it, or a preset's) → knob values, the kind's defaults for what is missing. */
export function optimizerSpecToKnobs(spec: unknown): KnobValues {
  const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Record<string, unknown>;
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const kind = (OPTIMIZER_KINDS as readonly unknown[]).includes(s.kind) ? (s.kind as OptimizerKind) : 'sgd';
  const slotValue = (name: 'momentum' | 'beta2' | 'weightDecay', fallback: number) => {
    const slot = knobSlot(kind, name);
    return num(slot ? readSlot(s, slot) : undefined, knobDefault(kind, name) ?? fallback);
  };
  return {
    kind,
    lr: num(s.lr, DEFAULT_KNOBS.lr),
    momentum: slotValue('momentum', DEFAULT_KNOBS.momentum),
    beta2: slotValue('beta2', DEFAULT_KNOBS.beta2),
    nesterov: s.nesterov === true,
    noise: num(s.noise, 0),
    samRadius: num(s.samRadius, 0),
    weightDecay: slotValue('weightDecay', 0),
    schedule: scheduleChoiceOf(s.schedule),
    batchSize: num(s.batchSize, 0),
  };
}

/** An optimizer spec in a few words, for people: "SGD, lr 0.01, momentum 0.9". */
export function describeOptimizer(spec: unknown): string {
  const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Record<string, unknown>;
  const label = OPTIMIZER_LABELS[s.kind as OptimizerKind];
  const parts = [label ? label.replace(/ \(.*\)$/, '') : String(s.kind)];
  const num = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : '?');
  parts.push(`lr ${num(s.lr)}`);
  const momentum = knobSlot(String(s.kind), 'momentum');
  const mu = momentum ? readSlot(s, momentum) : undefined;
  if (typeof mu === 'number' && mu > 0) parts.push(`${momentum?.index === 0 ? 'β1' : 'momentum'} ${num(mu)}`);
  if (typeof s.noise === 'number' && s.noise > 0) parts.push(`noise ${num(s.noise)}`);
  if (typeof s.samRadius === 'number' && s.samRadius > 0) parts.push(`SAM ρ ${num(s.samRadius)}`);
  return parts.join(', ');
}
