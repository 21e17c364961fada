import { SpecError, describeValue } from './SpecError';

/**
 * Small readers for plain-JSON specs. Each one validates a single field and
 * throws a `SpecError` naming the field and the allowed range, so every spec
 * in the package reports problems the same way.
 */

export type Json = Record<string, unknown>;

export function asObject(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new SpecError(path, `must be an object, got ${describeValue(v)}`);
  }
  return v as Json;
}

export interface NumberRange {
  min?: number;
  max?: number;
  /** min is exclusive (value must be > min). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

function rangeText(r: NumberRange): string {
  const lo = r.min === undefined ? '(-∞' : `${r.minExclusive ? '(' : '['}${r.min}`;
  const hi = r.max === undefined ? '∞)' : `${r.max}${r.maxExclusive ? ')' : ']'}`;
  return `${r.integer ? 'an integer' : 'a finite number'} in ${lo}, ${hi}`;
}

export function checkNumber(v: unknown, path: string, r: NumberRange = {}): number {
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!r.integer || Number.isInteger(v)) &&
    (r.min === undefined || (r.minExclusive ? v > r.min : v >= r.min)) &&
    (r.max === undefined || (r.maxExclusive ? v < r.max : v <= r.max));
  if (!ok) throw new SpecError(path, `must be ${rangeText(r)}, got ${describeValue(v)}`);
  return v as number;
}

/** Reads `obj[key]`, using `fallback` when it is absent (undefined). */
export function numberField(obj: Json, key: string, path: string, fallback: number | undefined, r: NumberRange = {}): number {
  const v = obj[key];
  if (v === undefined) {
    if (fallback === undefined) throw new SpecError(`${path}.${key}`, `is required: ${rangeText(r)}`);
    return fallback;
  }
  return checkNumber(v, `${path}.${key}`, r);
}

export function booleanField(obj: Json, key: string, path: string, fallback: boolean): boolean {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new SpecError(`${path}.${key}`, `must be true or false, got ${describeValue(v)}`);
  return v;
}

export function enumField<T extends string>(obj: Json, key: string, path: string, allowed: readonly T[], fallback?: T): T {
  const v = obj[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new SpecError(`${path}.${key}`, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(v)}`);
  }
  return v as T;
}

export function pointField(v: unknown, path: string, dim: number): Float64Array {
  if (!Array.isArray(v) && !(v instanceof Float64Array) && !(v instanceof Float32Array)) {
    throw new SpecError(path, `must be an array of ${dim} finite numbers, got ${describeValue(v)}`);
  }
  const arr = v as ArrayLike<unknown>;
  if (arr.length !== dim) throw new SpecError(path, `must have ${dim} coordinates, got ${arr.length}`);
  const out = new Float64Array(dim);
  for (let i = 0; i < dim; i++) out[i] = checkNumber(arr[i], `${path}[${i}]`);
  return out;
}

/** Rejects keys a spec does not know, so a typo (`learningRate`) is not silently ignored. */
export function rejectUnknownKeys(obj: Json, path: string, known: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) {
      throw new SpecError(`${path}.${k}`, `is not a known field; expected one of ${known.join(', ')}`);
    }
  }
}
