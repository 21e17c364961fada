/**
 * The knobs a player turns, and how they become an optimizer spec (plain
 * JSON for `createOptimizer` / `setKnobs`). Each optimizer kind accepts its
 * own torch-style fields, so the mapping emits only the fields the kind
 * knows: "momentum" is `momentum` for sgd and rmsprop and `betas[0]` (β1) for
 * adam and adamw.
 */
export const KNOB_OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'newton', 'lbfgs'] as const;
export type KnobOptimizer = (typeof KNOB_OPTIMIZERS)[number];

export const OPTIMIZER_LABELS: Record<KnobOptimizer, string> = {
  sgd: 'SGD (momentum, Nesterov)',
  adam: 'Adam',
  adamw: 'AdamW (decoupled weight decay)',
  rmsprop: 'RMSProp',
  adagrad: 'Adagrad',
  newton: 'Newton (damped)',
  lbfgs: 'L-BFGS',
};

export type ScheduleChoice = 'none' | 'step' | 'cosine';

export interface KnobValues {
  kind: KnobOptimizer;
  lr: number;
  /** Momentum μ (sgd, rmsprop) or β1 (adam, adamw). */
  momentum: number;
  beta2: number;
  nesterov: boolean;
  noise: number;
  samRadius: number;
  weightDecay: number;
  schedule: ScheduleChoice;
  /** MLP terrains only: minibatch size (0 = full batch). */
  batchSize: number;
}

export const DEFAULT_KNOBS: KnobValues = {
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
};

export type KnobName = 'lr' | 'momentum' | 'beta2' | 'noise' | 'samRadius' | 'weightDecay' | 'batchSize' | 'schedule';

/** Which knobs mean something for a kind (the others are hidden, not silently ignored). */
export function knobApplies(kind: KnobOptimizer, knob: KnobName): boolean {
  switch (knob) {
    case 'momentum':
      return kind === 'sgd' || kind === 'rmsprop' || kind === 'adam' || kind === 'adamw';
    case 'beta2':
      return kind === 'adam' || kind === 'adamw';
    case 'weightDecay':
      return kind !== 'newton' && kind !== 'lbfgs';
    default:
      return true;
  }
}

/** Label of the "momentum" knob for a kind. */
export function momentumLabel(kind: KnobOptimizer): string {
  return kind === 'adam' || kind === 'adamw' ? 'Momentum (β1)' : 'Momentum';
}

/**
 * Knob values → optimizer spec JSON. `totalSteps` sizes the schedules (a
 * cosine over the whole round; a step decay halving four times in it).
 */
export function knobsToOptimizerSpec(k: KnobValues, opts: { mlp?: boolean; totalSteps?: number } = {}): Record<string, unknown> {
  const spec: Record<string, unknown> = { kind: k.kind, lr: k.lr };
  if (k.kind === 'sgd') {
    spec.momentum = k.momentum;
    if (k.nesterov && k.momentum > 0) spec.nesterov = true;
  } else if (k.kind === 'rmsprop') {
    spec.momentum = k.momentum;
  } else if (k.kind === 'adam' || k.kind === 'adamw') {
    spec.betas = [k.momentum, k.beta2];
  }
  if (knobApplies(k.kind, 'weightDecay') && (k.weightDecay > 0 || k.kind === 'adamw')) spec.weightDecay = k.weightDecay;
  if (k.noise > 0) spec.noise = k.noise;
  if (k.samRadius > 0) spec.samRadius = k.samRadius;
  const total = Math.max(2, Math.round(opts.totalSteps ?? 600));
  if (k.schedule === 'cosine') spec.schedule = { kind: 'cosine', tMax: total, etaMin: 0 };
  if (k.schedule === 'step') spec.schedule = { kind: 'step', stepSize: Math.max(1, Math.round(total / 5)), gamma: 0.5 };
  if (opts.mlp && k.batchSize > 0) spec.batchSize = Math.round(k.batchSize);
  return spec;
}

/** Optimizer spec JSON (as the server echoes it) → knob values, defaults for what is missing. */
export function optimizerSpecToKnobs(spec: unknown): KnobValues {
  const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Record<string, unknown>;
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const kind = (KNOB_OPTIMIZERS as readonly string[]).includes(String(s.kind)) ? (s.kind as KnobOptimizer) : 'sgd';
  const betas = Array.isArray(s.betas) ? s.betas : [];
  const sched = (s.schedule as { kind?: string } | undefined)?.kind;
  return {
    kind,
    lr: num(s.lr, DEFAULT_KNOBS.lr),
    momentum: kind === 'adam' || kind === 'adamw' ? num(betas[0], 0.9) : num(s.momentum, 0),
    beta2: num(betas[1], 0.999),
    nesterov: s.nesterov === true,
    noise: num(s.noise, 0),
    samRadius: num(s.samRadius, 0),
    weightDecay: num(s.weightDecay, kind === 'adamw' ? 0.01 : 0),
    schedule: sched === 'cosine' || sched === 'step' ? sched : 'none',
    batchSize: num(s.batchSize, 0),
  };
}

/** Learning-rate slider: the slider runs over log10(lr). */
export const LR_LOG10_RANGE = [-5, 1] as const;
export function lrFromSlider(position: number): number {
  return Number(Math.pow(10, position).toPrecision(3));
}
export function sliderFromLr(lr: number): number {
  const p = Math.log10(lr);
  return Math.min(LR_LOG10_RANGE[1], Math.max(LR_LOG10_RANGE[0], p));
}
