import { SpecError, describeValue } from '../spec/SpecError';
import { asObject, enumField, numberField, rejectUnknownKeys } from '../spec/fields';

/**
 * Learning-rate schedules: the learning rate of update k (k = 0, 1, …) as a
 * pure function of k and the base learning rate, with torch.optim.lr_scheduler
 * semantics (formulas in MATH.md).
 */
export type ScheduleSpec =
  | { kind: 'step'; stepSize: number; gamma: number }
  | { kind: 'cosine'; tMax: number; etaMin: number }
  | { kind: 'cosine-restarts'; t0: number; tMult: number; etaMin: number }
  | {
      kind: 'one-cycle';
      maxLr: number;
      totalSteps: number;
      pctStart: number;
      divFactor: number;
      finalDivFactor: number;
      anneal: 'cos' | 'linear';
    };

export const SCHEDULE_KINDS = ['step', 'cosine', 'cosine-restarts', 'one-cycle'] as const;

const MAX_STEPS = 1e9;

/** Validates a schedule spec and fills in torch's defaults. */
export function parseSchedule(v: unknown, path: string): ScheduleSpec | null {
  if (v === undefined || v === null) return null;
  const o = asObject(v, path);
  const kind = enumField(o, 'kind', path, SCHEDULE_KINDS);
  switch (kind) {
    case 'step':
      rejectUnknownKeys(o, path, ['kind', 'stepSize', 'gamma']);
      return {
        kind,
        stepSize: numberField(o, 'stepSize', path, undefined, { min: 1, max: MAX_STEPS, integer: true }),
        gamma: numberField(o, 'gamma', path, 0.1, { min: 0, max: 10 }),
      };
    case 'cosine':
      rejectUnknownKeys(o, path, ['kind', 'tMax', 'etaMin']);
      return {
        kind,
        tMax: numberField(o, 'tMax', path, undefined, { min: 1, max: MAX_STEPS, integer: true }),
        etaMin: numberField(o, 'etaMin', path, 0, { min: 0, max: 100 }),
      };
    case 'cosine-restarts':
      rejectUnknownKeys(o, path, ['kind', 't0', 'tMult', 'etaMin']);
      return {
        kind,
        t0: numberField(o, 't0', path, undefined, { min: 1, max: MAX_STEPS, integer: true }),
        tMult: numberField(o, 'tMult', path, 1, { min: 1, max: 100, integer: true }),
        etaMin: numberField(o, 'etaMin', path, 0, { min: 0, max: 100 }),
      };
    case 'one-cycle': {
      rejectUnknownKeys(o, path, ['kind', 'maxLr', 'totalSteps', 'pctStart', 'divFactor', 'finalDivFactor', 'anneal']);
      const s = {
        kind,
        maxLr: numberField(o, 'maxLr', path, undefined, { min: 0, minExclusive: true, max: 100 }),
        totalSteps: numberField(o, 'totalSteps', path, undefined, { min: 2, max: MAX_STEPS, integer: true }),
        pctStart: numberField(o, 'pctStart', path, 0.3, { min: 0, max: 1, minExclusive: true, maxExclusive: true }),
        divFactor: numberField(o, 'divFactor', path, 25, { min: 0, minExclusive: true, max: 1e12 }),
        finalDivFactor: numberField(o, 'finalDivFactor', path, 1e4, { min: 0, minExclusive: true, max: 1e12 }),
        anneal: enumField(o, 'anneal', path, ['cos', 'linear'] as const, 'cos'),
      };
      const warm = s.pctStart * s.totalSteps - 1;
      if (!(warm > 0) || !(warm < s.totalSteps - 1)) {
        throw new SpecError(
          `${path}.pctStart`,
          `leaves no warm-up or no annealing phase for totalSteps ${s.totalSteps} (got ${describeValue(s.pctStart)})`,
        );
      }
      return s;
    }
  }
}

function annealCos(start: number, end: number, pct: number): number {
  // torch: end + (start - end) / 2.0 * (cos(pi * pct) + 1)
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

/**
 * Learning rate of update k.
 * - step: lr·γ^⌊k/stepSize⌋
 * - cosine (Loshchilov & Hutter 2017, no restarts): etaMin + (lr − etaMin)(1 + cos(πk/tMax))/2, not clamped after tMax
 * - cosine-restarts (SGDR): as cosine within a cycle of length T_i, T_{i+1} = T_i·tMult
 * - one-cycle (Smith & Topin 2019): from maxLr/divFactor up to maxLr by step pctStart·total − 1, then down to
 *   start/finalDivFactor at step total − 1; clamped there afterwards (torch raises instead). The base lr is ignored.
 */
export function scheduledLearningRate(schedule: ScheduleSpec | null, lr: number, k: number): number {
  if (!schedule) return lr;
  switch (schedule.kind) {
    case 'step':
      return lr * schedule.gamma ** Math.floor(k / schedule.stepSize);
    case 'cosine':
      return schedule.etaMin + ((lr - schedule.etaMin) * (1 + Math.cos((Math.PI * k) / schedule.tMax))) / 2;
    case 'cosine-restarts': {
      let ti = schedule.t0;
      let tcur = k;
      if (schedule.tMult === 1) tcur = k % ti;
      else {
        while (tcur >= ti) {
          tcur -= ti;
          ti *= schedule.tMult;
        }
      }
      return schedule.etaMin + ((lr - schedule.etaMin) * (1 + Math.cos((Math.PI * tcur) / ti))) / 2;
    }
    case 'one-cycle': {
      const initial = schedule.maxLr / schedule.divFactor;
      const min = initial / schedule.finalDivFactor;
      const warmEnd = schedule.pctStart * schedule.totalSteps - 1;
      const end = schedule.totalSteps - 1;
      const step = Math.min(k, end);
      const anneal = schedule.anneal === 'cos' ? annealCos : annealLinear;
      if (step <= warmEnd) return anneal(initial, schedule.maxLr, step / warmEnd);
      return anneal(schedule.maxLr, min, (step - warmEnd) / (end - warmEnd));
    }
  }
}
