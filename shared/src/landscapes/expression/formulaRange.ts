import { formatNumber } from '../../format/formatNumber';
import type { Landscape } from '../Landscape';

/**
 * Whether a formula's values can be drawn and raced on over its view. A
 * formula such as `exp(exp(exp(x)))` parses and evaluates, but its values
 * run to 1e283: the colour scale collapses into one colour (its legend read
 * "−6.73e+263 … 1.20e+283") and every racer diverges on its first step. The
 * host's formula editor and solo's check a formula with this before using it.
 */

/** The largest |loss| in a terrain's view that is still drawn and raced on. */
export const MAX_DRAWABLE_LOSS = 1e12;
/** Grid side of the sample (the view's corners and edges included). */
const SAMPLE = 41;

export interface FormulaRange {
  /** Lowest and highest finite value seen (NaN when none was finite). */
  min: number;
  max: number;
  /** Fraction of the sample where the value is not a finite number. */
  undefinedShare: number;
  /** Why the formula cannot be used, in plain words (its values are too large, or nowhere defined). */
  problem?: string;
  /** What to know before using it (undefined over part of the view). */
  warning?: string;
}

/** Samples the landscape over its view and says whether its values can be drawn. */
export function checkFormulaRange(L: Landscape): FormulaRange {
  const b = L.info.bounds;
  let min = Infinity,
    max = -Infinity,
    bad = 0;
  const p = new Float64Array(2);
  for (let i = 0; i < SAMPLE; i++) {
    for (let j = 0; j < SAMPLE; j++) {
      p[0] = b.xMin + ((b.xMax - b.xMin) * i) / (SAMPLE - 1);
      p[1] = b.yMin + ((b.yMax - b.yMin) * j) / (SAMPLE - 1);
      const v = L.value(p);
      if (!Number.isFinite(v)) bad++;
      else {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  const n = SAMPLE * SAMPLE;
  const undefinedShare = bad / n;
  const out: FormulaRange = { min: bad === n ? NaN : min, max: bad === n ? NaN : max, undefinedShare };
  if (bad === n) {
    out.problem = 'This formula has no value anywhere in the view (for example the log of a negative number): there is nothing to draw.';
    return out;
  }
  const largest = Math.max(Math.abs(min), Math.abs(max));
  if (largest > MAX_DRAWABLE_LOSS) {
    out.problem =
      `This formula's values reach ${formatNumber(Math.abs(max) >= Math.abs(min) ? max : min)} in the view, too large to draw or race on ` +
      `(at most ${formatNumber(MAX_DRAWABLE_LOSS)} either way). Try a gentler formula, e.g. exp(x) instead of exp(exp(x)), or scale it down.`;
    return out;
  }
  if (bad > 0) {
    const pct = Math.max(1, Math.round(undefinedShare * 100));
    out.warning =
      `The formula has no value over about ${pct}% of the view (grey there), e.g. a log or square root of a negative number, ` +
      'or a value too large to compute: a racer that steps there stops.';
  }
  return out;
}
