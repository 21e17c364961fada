import { describe, expect, it } from 'vitest';
import { checkFormulaRange, createLandscape, landscapeCatalogue, MAX_DRAWABLE_LOSS } from '@gradient-rally/shared';

/**
 * Issue 9: `exp(exp(exp(x)))` was accepted and drew one solid colour with a
 * legend "−6.73e+263 … 1.20e+283". A formula is checked over its view before
 * the host (or a solo player) uses it.
 */
const formula = (expr: string) => createLandscape({ kind: 'expression', expr });

describe('checkFormulaRange', () => {
  it('refuses a formula whose values overflow the view, saying how large they get', () => {
    const r = checkFormulaRange(formula('exp(exp(exp(x)))'));
    expect(r.problem).toMatch(/too large to draw or race on/);
    expect(r.max).toBeGreaterThan(MAX_DRAWABLE_LOSS);
    expect(checkFormulaRange(formula('-exp(exp(x+y))')).problem).toMatch(/values reach -\d/);
  });

  it('refuses a formula defined nowhere in the view', () => {
    expect(checkFormulaRange(formula('log(-1 - x^2)')).problem).toMatch(/no value anywhere/);
  });

  it('warns about a formula undefined over part of the view, and says how much', () => {
    const r = checkFormulaRange(formula('log(x) + y^2'));
    expect(r.problem).toBeUndefined();
    expect(r.undefinedShare).toBeGreaterThan(0.4);
    expect(r.undefinedShare).toBeLessThan(0.6);
    expect(r.warning).toMatch(/about 5\d% of the view/);
  });

  it('accepts ordinary formulas, and every catalogue terrain drawn as a formula would pass', () => {
    for (const expr of ['x^2 + 3*sin(y)^2', 'x^2 + y^2 - 1.5*exp(-((x-1)^2+(y-1)^2)/0.05)', 'exp(x^2 + y^2)', '(x^2+y-11)^2+(x+y^2-7)^2']) {
      const r = checkFormulaRange(formula(expr));
      expect(r.problem, expr).toBeUndefined();
      expect(r.warning, expr).toBeUndefined();
    }
    for (const entry of landscapeCatalogue().filter((c) => c.spec.kind !== 'mlp')) {
      const L = createLandscape(entry.spec);
      const r = checkFormulaRange(L);
      expect(r.problem, entry.title).toBeUndefined();
    }
  });
});
