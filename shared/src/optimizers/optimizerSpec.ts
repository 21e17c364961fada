import { SpecError, describeValue } from '../spec/SpecError';
import { asObject, booleanField, checkNumber, enumField, numberField, rejectUnknownKeys, type Json } from '../spec/fields';
import { parseSchedule, type ScheduleSpec } from './schedules';

export const OPTIMIZER_KINDS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'newton', 'lbfgs'] as const;
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

/** The game knobs that wrap any optimizer. */
export interface KnobSpec {
  /** Learning rate (for one-cycle, ignored in favour of schedule.maxLr, as torch does). */
  lr: number;
  weightDecay: number;
  /** σ of additive Gaussian gradient noise g ← g + σξ (0 = off). */
  noise: number;
  /** SAM radius ρ (0 = off). Foret et al. 2021. */
  samRadius: number;
  /** ASAM (Kwon et al. 2021): scale the SAM perturbation by |θ|. */
  samAdaptive: boolean;
  /** torch's clip_grad_norm_ threshold, or null for no clipping. */
  clipNorm: number | null;
  schedule: ScheduleSpec | null;
  /** Minibatch size on data-backed landscapes (MLP), or null for the full batch. */
  batchSize: number | null;
}

export type OptimizerSpec = KnobSpec &
  (
    | { kind: 'sgd'; momentum: number; dampening: number; nesterov: boolean }
    | { kind: 'adam' | 'adamw'; betas: [number, number]; eps: number; amsgrad: boolean }
    | { kind: 'rmsprop'; alpha: number; eps: number; momentum: number; centered: boolean }
    | { kind: 'adagrad'; lrDecay: number; initialAccumulatorValue: number; eps: number }
    | { kind: 'newton'; damping: number; levenbergMarquardt: boolean; lineSearch: boolean }
    | { kind: 'lbfgs'; historySize: number; lineSearch: 'strong-wolfe' | 'none' }
  );

const KNOB_KEYS = ['kind', 'lr', 'weightDecay', 'noise', 'samRadius', 'samAdaptive', 'clipNorm', 'schedule', 'batchSize'];

const OWN_KEYS: Record<OptimizerKind, string[]> = {
  sgd: ['momentum', 'dampening', 'nesterov'],
  adam: ['betas', 'eps', 'amsgrad'],
  adamw: ['betas', 'eps', 'amsgrad'],
  rmsprop: ['alpha', 'eps', 'momentum', 'centered'],
  adagrad: ['lrDecay', 'initialAccumulatorValue', 'eps'],
  newton: ['damping', 'levenbergMarquardt', 'lineSearch'],
  lbfgs: ['historySize', 'lineSearch'],
};

/** torch's default learning rates (SGD has none in torch; we require it there). */
const DEFAULT_LR: Record<OptimizerKind, number | undefined> = {
  sgd: undefined,
  adam: 1e-3,
  adamw: 1e-3,
  rmsprop: 1e-2,
  adagrad: 1e-2,
  newton: 1,
  lbfgs: 1,
};

const LR = { min: 0, minExclusive: true, max: 100 } as const;
const UNIT_OPEN = { min: 0, max: 1, maxExclusive: true } as const;

function betasField(o: Json, path: string): [number, number] {
  const v = o.betas;
  if (v === undefined) return [0.9, 0.999];
  if (!Array.isArray(v) || v.length !== 2)
    throw new SpecError(`${path}.betas`, `must be a pair [β1, β2] with each in [0, 1), got ${describeValue(v)}`);
  return [checkNumber(v[0], `${path}.betas[0]`, UNIT_OPEN), checkNumber(v[1], `${path}.betas[1]`, UNIT_OPEN)];
}

/**
 * Validates an optimizer spec (torch.optim constructor arguments in camelCase
 * plus the game knobs) and fills in torch's defaults. Throws `SpecError`
 * naming the field and its allowed range.
 *
 * @example
 *   parseOptimizerSpec({ kind: 'adam', lr: 0.05, samRadius: 0.05 })
 */
export function parseOptimizerSpec(spec: unknown, path = 'optimizer'): OptimizerSpec {
  const o = asObject(spec, path);
  const kind = enumField(o, 'kind', path, OPTIMIZER_KINDS);
  rejectUnknownKeys(o, path, [...KNOB_KEYS, ...OWN_KEYS[kind]]);
  const knobs: KnobSpec = {
    lr: numberField(o, 'lr', path, DEFAULT_LR[kind], LR),
    weightDecay: numberField(o, 'weightDecay', path, kind === 'adamw' ? 1e-2 : 0, { min: 0, max: 10 }),
    noise: numberField(o, 'noise', path, 0, { min: 0, max: 100 }),
    samRadius: numberField(o, 'samRadius', path, 0, { min: 0, max: 10 }),
    samAdaptive: booleanField(o, 'samAdaptive', path, false),
    clipNorm:
      o.clipNorm === undefined || o.clipNorm === null
        ? null
        : checkNumber(o.clipNorm, `${path}.clipNorm`, { min: 0, minExclusive: true, max: 1e9 }),
    schedule: parseSchedule(o.schedule, `${path}.schedule`),
    batchSize:
      o.batchSize === undefined || o.batchSize === null
        ? null
        : checkNumber(o.batchSize, `${path}.batchSize`, { min: 1, max: 1e6, integer: true }),
  };
  switch (kind) {
    case 'sgd': {
      const momentum = numberField(o, 'momentum', path, 0, UNIT_OPEN);
      const dampening = numberField(o, 'dampening', path, 0, { min: 0, max: 1 });
      const nesterov = booleanField(o, 'nesterov', path, false);
      if (nesterov && (momentum <= 0 || dampening !== 0)) {
        throw new SpecError(`${path}.nesterov`, `needs momentum > 0 and dampening = 0 (got momentum ${momentum}, dampening ${dampening})`);
      }
      return { kind, ...knobs, momentum, dampening, nesterov };
    }
    case 'adam':
    case 'adamw':
      return {
        kind,
        ...knobs,
        betas: betasField(o, path),
        eps: numberField(o, 'eps', path, 1e-8, { min: 0, minExclusive: true, max: 1 }),
        amsgrad: booleanField(o, 'amsgrad', path, false),
      };
    case 'rmsprop':
      return {
        kind,
        ...knobs,
        alpha: numberField(o, 'alpha', path, 0.99, UNIT_OPEN),
        eps: numberField(o, 'eps', path, 1e-8, { min: 0, minExclusive: true, max: 1 }),
        momentum: numberField(o, 'momentum', path, 0, UNIT_OPEN),
        centered: booleanField(o, 'centered', path, false),
      };
    case 'adagrad':
      return {
        kind,
        ...knobs,
        lrDecay: numberField(o, 'lrDecay', path, 0, { min: 0, max: 10 }),
        initialAccumulatorValue: numberField(o, 'initialAccumulatorValue', path, 0, { min: 0, max: 100 }),
        eps: numberField(o, 'eps', path, 1e-10, { min: 0, minExclusive: true, max: 1 }),
      };
    case 'newton':
      return {
        kind,
        ...knobs,
        damping: numberField(o, 'damping', path, 0, { min: 0, max: 1e6 }),
        levenbergMarquardt: booleanField(o, 'levenbergMarquardt', path, false),
        lineSearch: booleanField(o, 'lineSearch', path, false),
      };
    case 'lbfgs':
      return {
        kind,
        ...knobs,
        historySize: numberField(o, 'historySize', path, 100, { min: 1, max: 1000, integer: true }),
        lineSearch: enumField(o, 'lineSearch', path, ['strong-wolfe', 'none'] as const, 'strong-wolfe'),
      };
  }
}
