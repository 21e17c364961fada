import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, createLandscape, landscapeCatalogue, LANDSCAPE_KINDS, lossGrid, SpecError, type Landscape } from '@gradient-rally/shared';

const ANALYTIC = LANDSCAPE_KINDS.filter((k) => k !== 'expression' && k !== 'mlp');
const EXPRESSIONS = ['x^2 - y^2', 'sin(x)*cos(y) + 0.1*(x^2 + y^2)', 'exp(-(x^2+y^2)) * tanh(x - y) + log(1 + x^2) + sqrt(2 + cos(y))'];

function all(): Landscape[] {
  return [
    ...ANALYTIC.map((kind) => createLandscape({ kind })),
    ...EXPRESSIONS.map((expr) => createLandscape({ kind: 'expression', expr })),
  ];
}

/** Central differences with a step scaled to the point, for checking exact derivatives. */
function numericGradient(L: Landscape, p: number[], h: number): number[] {
  return [0, 1].map((i) => {
    const a = [...p];
    const b = [...p];
    a[i] += h;
    b[i] -= h;
    return (L.value(a) - L.value(b)) / (2 * h);
  });
}

describe('every 2-D landscape', () => {
  for (const L of all()) {
    const name = L.info.kind === 'expression' ? `expression ${L.info.formula}` : L.info.kind;
    it(`${name}: exact gradient and Hessian agree with central differences`, () => {
      const { xMin, xMax, yMin, yMax } = L.info.bounds;
      fc.assert(
        fc.property(fc.double({ min: 0.02, max: 0.98, noNaN: true }), fc.double({ min: 0.02, max: 0.98, noNaN: true }), (u, v) => {
          const p = [xMin + u * (xMax - xMin), yMin + v * (yMax - yMin)];
          const g = new Float64Array(2);
          const f = L.valueAndGradientInto(p, g);
          expect(Math.abs(f - L.value(p))).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(f)));
          const scale = Math.max(1, Math.abs(xMax - xMin) / 10);
          const h = 1e-6 * scale;
          const ng = numericGradient(L, p, h);
          const H = new Float64Array(4);
          L.hessianInto!(p, H);
          expect(H[1]).toBe(H[2]);
          // Kinks (abs, the Ackley cone tip, Eggholder's |·|) are measure-zero: skip points within 1e-4 of one by checking consistency of one-sided slopes.
          const tol = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a), Math.abs(b));
          for (let i = 0; i < 2; i++) if (!tol(g[i], ng[i])) throw new Error(`∂f/∂${'xy'[i]} at ${p}: exact ${g[i]} numeric ${ng[i]}`);
          for (let i = 0; i < 2; i++) {
            const a = [...p];
            const b = [...p];
            a[i] += h;
            b[i] -= h;
            const ga = new Float64Array(2);
            const gb = new Float64Array(2);
            L.valueAndGradientInto(a, ga);
            L.valueAndGradientInto(b, gb);
            for (let j = 0; j < 2; j++) {
              const num = (ga[j] - gb[j]) / (2 * h);
              if (!tol(H[j * 2 + i], num) && Math.abs(H[j * 2 + i] - num) > 1e-4 * Math.max(1, Math.abs(num))) {
                throw new Error(`H[${j}][${i}] at ${p}: exact ${H[j * 2 + i]} numeric ${num}`);
              }
            }
          }
        }),
        { numRuns: 60, seed: 7 },
      );
    });

    it(`${name}: has a title, a lesson of a few sentences, sane bounds`, () => {
      expect(L.dim).toBe(2);
      expect(L.info.title.length).toBeGreaterThan(3);
      const sentences = L.info.lesson.split(/[.!?](\s|$)/).filter((s) => s.trim().length > 3);
      expect(sentences.length).toBeGreaterThanOrEqual(2);
      expect(L.info.bounds.xMax).toBeGreaterThan(L.info.bounds.xMin);
      expect(L.info.bounds.yMax).toBeGreaterThan(L.info.bounds.yMin);
    });
  }
});

describe('known points', () => {
  for (const kind of ANALYTIC) {
    const L = createLandscape({ kind });
    for (const p of L.info.points) {
      it(`${kind} ${p.kind} at (${p.point.map((v) => v.toFixed(4))}) is a critical point of that kind`, () => {
        const a = analyze(L, p.point);
        expect(a.value).toBeCloseTo(p.value, 9);
        if (kind === 'ackley' || kind === 'eggholder') return; // cone tip / boundary point: no zero gradient
        expect(a.gradientNorm).toBeLessThan(1e-6 * Math.max(1, Math.abs(a.value)));
        const expected = p.kind.endsWith('minimum') ? 'minimum' : p.kind === 'maximum' ? 'maximum' : undefined;
        if (expected) expect(a.kind).toBe(expected);
        else expect(['saddle', 'degenerate']).toContain(a.kind);
      });
    }
  }
  it('MATH.md facts: Rosenbrock curvature at (1,1), Matyas eigenvalues, monkey saddle degenerate', () => {
    const r = analyze(createLandscape('rosenbrock'), [1, 1]);
    expect(r.eigenvalues[0]).toBeCloseTo(0.399, 3);
    expect(r.eigenvalues[1]).toBeCloseTo(1001.6, 1);
    expect(analyze(createLandscape('matyas'), [0, 0]).eigenvalues).toEqual([expect.closeTo(0.04, 12), expect.closeTo(1, 12)]);
    expect(analyze(createLandscape('monkey-saddle'), [0, 0]).kind).toBe('degenerate');
    expect(analyze(createLandscape('saddle'), [0, 0]).index).toBe(1);
  });
});

describe('designed terrains teach what they claim', () => {
  it('sharp-vs-flat: the sharp pit is deeper, the flat floor has far lower curvature; the basins are typed, not named', () => {
    const L = createLandscape('sharp-vs-flat');
    const sharp = L.info.points.find((p) => p.basin === 'sharp')!;
    const flat = L.info.points.find((p) => p.basin === 'flat')!;
    expect(sharp.value).toBeLessThan(flat.value);
    expect(sharp.kind).toBe('global-minimum');
    const ls = analyze(L, sharp.point).eigenvalues[1];
    const lf = analyze(L, flat.point).eigenvalues[1];
    expect(ls / lf).toBeGreaterThan(20);
  });
  it('saddle-maze: has strict saddles and several minima', () => {
    const L = createLandscape('saddle-maze');
    expect(L.info.points.filter((p) => p.kind === 'saddle').length).toBeGreaterThanOrEqual(4);
    expect(L.info.points.filter((p) => p.kind.endsWith('minimum')).length).toBeGreaterThanOrEqual(4);
  });
});

describe('catalogue and grids', () => {
  it('lists every built-in 2-D terrain and the small network, each with its lesson and preset', () => {
    const c = landscapeCatalogue();
    // Every analytic kind but the unbounded classics (their bounded forms stand in) and Eggholder (minimum on the edge).
    const left = ['saddle', 'monkey-saddle', 'eggholder'];
    expect(c.map((e) => e.spec.kind).sort()).toEqual([...ANALYTIC.filter((k) => !left.includes(k)), 'mlp'].sort());
    for (const e of c) expect(e.preset).toEqual(expect.objectContaining({ settings: expect.any(Object), contrast: expect.any(Array) }));
    for (const e of c) expect(e.lesson.length).toBeGreaterThan(40);
  });
  it('lossGrid is row-major over y then x and matches value()', () => {
    const L = createLandscape('himmelblau');
    const n = 7;
    const g = lossGrid(L, { xMin: -4, xMax: 2, yMin: -1, yMax: 5, n });
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        expect(g[i * n + j]).toBe(L.value([-4 + (j * 6) / (n - 1), -1 + (i * 6) / (n - 1)]));
        expect(g[i * n + j]).toBe(
          lossGrid(createLandscape({ kind: 'expression', expr: '(x^2+y-11)^2 + (x+y^2-7)^2' }), {
            xMin: -4,
            xMax: 2,
            yMin: -1,
            yMax: 5,
            n,
          })[i * n + j],
        );
      }
  });
  it('rejects bad grids', () => {
    const L = createLandscape('booth');
    expect(() => lossGrid(L, { xMin: 1, xMax: 0, yMin: 0, yMax: 1, n: 10 })).toThrow(/grid.xMax/);
    expect(() => lossGrid(L, { xMin: 0, xMax: 1, yMin: 0, yMax: 1, n: 1e9 })).toThrow(/grid.n/);
  });
});

describe('bad landscape specs', () => {
  const cases: [unknown, RegExp][] = [
    [{ kind: 'rosenbrok' }, /landscape.kind: must be one of .*rosenbrock/],
    [{}, /landscape.kind/],
    [null, /landscape: must be an object/],
    [42, /landscape: must be an object/],
    [{ kind: 'rosenbrock', b: Number.NaN }, /landscape.b: must be a finite number in \[0, 1000\], got NaN/],
    [{ kind: 'rosenbrock', b: '100' }, /landscape.b: .*got "100"/],
    [{ kind: 'rastrigin', A: Infinity }, /landscape.A/],
    [{ kind: 'booth', scale: 2 }, /landscape.scale: is not a known field/],
    [{ kind: 'sharp-vs-flat', sharpWidth: 5 }, /landscape.sharpWidth: .*\[0.05, 0.5\]/],
    [{ kind: 'expression' }, /landscape.expr/],
  ];
  for (const [spec, msg] of cases) {
    it(`${JSON.stringify(spec)} → ${msg}`, () => {
      let err: unknown;
      try {
        createLandscape(spec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpecError);
      expect((err as Error).message).toMatch(msg);
    });
  }
});

describe('edge cases found in review', () => {
  it('a 2×2 Hessian that is isotropic up to a 1e-63 off-diagonal still gets two orthogonal eigenvectors', async () => {
    const { symmetricEigen2 } = await import('@gradient-rally/shared');
    for (const b of [3.84e-63, -1e-300, 1e-17]) {
      const { values, vectors } = symmetricEigen2(1, b, 1);
      expect(values[0]).toBeCloseTo(1, 12);
      expect(values[1]).toBeCloseTo(1, 12);
      expect(Math.abs(vectors[0][0] * vectors[1][0] + vectors[0][1] * vectors[1][1])).toBeLessThan(1e-12);
    }
    // The point a noisy racer stopped at on sharp vs flat: the step to the bowl's floor is 0.43, not 0.002.
    const a = analyze(createLandscape('sharp-vs-flat'), [0.7979302092127506, -1.033084394867039]);
    const newtonStep = Math.hypot(...a.eigenvectors.map((v, i) => (a.gradient[0] * v[0] + a.gradient[1] * v[1]) / a.eigenvalues[i]));
    expect(newtonStep).toBeCloseTo(0.4331, 3);
  });
  it('Rastrigin lists genuine local minima for any A', () => {
    for (const A of [0, 0.5, 2, 10, 40]) {
      const L = createLandscape({ kind: 'rastrigin', A });
      for (const p of L.info.points) {
        const a = analyze(L, p.point);
        expect(a.gradientNorm).toBeLessThan(1e-9 * Math.max(1, A));
        expect(a.kind).toBe('minimum');
      }
    }
  });
  it('Eggholder has a finite (sub)gradient on its kink lines', () => {
    const L = createLandscape('eggholder');
    const g = new Float64Array(2);
    for (const p of [
      [47, 0],
      [0, -47],
      [100, 53],
    ]) {
      L.valueAndGradientInto(p, g);
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
    }
  });
  it('dense eigen-decomposition of a 60×60 symmetric matrix: A·v = λ·v', async () => {
    const { symmetricEigen, Rng } = await import('@gradient-rally/shared');
    const n = 60;
    const r = new Rng(3);
    const M = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) M[i * n + j] = M[j * n + i] = r.normal();
    const { values, vectors } = symmetricEigen(M, n);
    for (let k = 0; k < n; k += 7) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += M[i * n + j] * vectors[k][j];
        expect(Math.abs(s - values[k] * vectors[k][i])).toBeLessThan(1e-10);
      }
    }
    for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
  });
});
