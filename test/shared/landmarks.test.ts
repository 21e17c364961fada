import { describe, expect, it } from 'vitest';
import { analyze, createLandscape, landmarksOf, landscapeCatalogue, LANDMARK_LABELS } from '@gradient-rally/shared';

/**
 * The words the arena writes beside a terrain's marked minima are claims:
 * "sharp minimum" and "flat minimum" are minima (positive curvature both
 * ways) and the sharp one is far more curved than the flat one.
 */
describe('landmarks on the arena', () => {
  const marked = landscapeCatalogue().filter((e) => landmarksOf(createLandscape(e.spec).info).length > 0);

  it('at least the sharp-vs-flat terrain marks its pit and its floor', () => {
    expect(marked.map((e) => e.spec.kind)).toContain('sharp-vs-flat');
  });

  it.each(marked.map((e) => [e.title, e] as const))(
    '%s: every mark is a minimum, the sharp one at least 10× as curved as the flat one',
    (_, e) => {
      const L = createLandscape(e.spec);
      const marks = landmarksOf(L.info);
      const lambdaMax = (p: [number, number]) => Math.max(...analyze(L, p).eigenvalues);
      for (const m of marks) {
        const a = analyze(L, m.point);
        expect(
          a.eigenvalues.every((v) => v > 0),
          `${m.label} at ${m.point}`,
        ).toBe(true);
        expect(m.label).toBe(LANDMARK_LABELS[m.basin]);
      }
      const sharp = marks.filter((m) => m.basin === 'sharp').map((m) => lambdaMax(m.point));
      const flat = marks.filter((m) => m.basin === 'flat').map((m) => lambdaMax(m.point));
      for (const s of sharp) for (const f of flat) expect(s).toBeGreaterThan(10 * f);
    },
  );
});
