import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The PyTorch reference data lives in ../shared/reference beside the
 * repository (CI lays shared/ next to the clone). REFERENCE_DIR overrides it.
 */
const here = dirname(fileURLToPath(import.meta.url));
export const REFERENCE_DIR = process.env.REFERENCE_DIR ?? resolve(here, '../../../shared/reference');

export function loadReference<T = any>(name: string): T {
  const file = resolve(REFERENCE_DIR, name);
  if (!existsSync(file)) {
    throw new Error(
      `PyTorch reference data not found at ${file}: tests expect the team's shared/ folder beside the repository (as CI lays it out), or REFERENCE_DIR pointing at shared/reference`,
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** |a − b| ≤ rel·|b|, or ≤ abs near zero. Returns the relative error seen (abs error when |b| is tiny). */
export function closeness(a: number, b: number, rel: number, abs: number): { ok: boolean; err: number } {
  const d = Math.abs(a - b);
  const ok = d <= rel * Math.abs(b) || d <= abs;
  return { ok, err: Math.abs(b) > abs ? d / Math.abs(b) : d };
}
