import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLandscape,
  createMlpLandscape,
  createOptimizer,
  Race,
  Rng,
  SpecError,
  scheduledLearningRate,
  simulate,
  transforms,
} from '@gradient-rally/shared';
import { fma } from '../../shared/src/linalg/fma';
import { BatchOracle, type GradientOracle, SharpnessAwareOracle } from '../../shared/src/optimizers/oracles';

/**
 * Each knob is a transform (or, for SAM and minibatches, a gradient oracle)
 * whose docstring states its equation; these tests hold each one to it,
 * bit for bit where the arithmetic is the same, statistically for noise.
 */

const { addNoise, applyUpdatesInPlace, clipByGlobalNorm, injectLearningRate, scaleByLearningRate, chain } = transforms;
type StepContext = transforms.StepContext;

const vector = (n: number) => fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: n, maxLength: n });

function context(over: Partial<StepContext> = {}): StepContext {
  return { step: 0, params: new Float64Array(2), lr: 0.1, rng: new Rng(0), stepScale: 1, paramScale: 1, ...over };
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

describe('clipByGlobalNorm: g ← g·min(1, c/(‖g‖ + 1e-6))', () => {
  it('scales by exactly torch’s coefficient (reciprocal()·c) and leaves short gradients alone', () => {
    fc.assert(
      fc.property(vector(5), fc.double({ min: 1e-3, max: 100, noNaN: true }), (g, c) => {
        const u = Float64Array.from(g);
        const t = clipByGlobalNorm({ clipNorm: c });
        t.updateInPlace(u, t.init(5), context());
        const coef = Math.min((1 / (norm(g) + 1e-6)) * c, 1);
        for (let i = 0; i < 5; i++) expect(u[i]).toBe(g[i] * coef);
        expect(norm(u)).toBeLessThanOrEqual(c * (1 + 1e-12));
        if (norm(g) + 1e-6 <= c) expect(Array.from(u)).toEqual(g);
      }),
      { seed: 21 },
    );
  });
  it('does nothing when clipNorm is null', () => {
    const u = Float64Array.of(3e9, -4e9);
    clipByGlobalNorm({ clipNorm: null }).updateInPlace(u, null, context());
    expect(Array.from(u)).toEqual([3e9, -4e9]);
  });
  it('is the clipping a racer gets: an SGD step with clipNorm c moves θ by at most lr·c', () => {
    const L = createLandscape('rosenbrock');
    const r = simulate({ landscape: L, optimizer: { kind: 'sgd', lr: 0.01, clipNorm: 2 }, start: [-1.5, 2.5], steps: 1 });
    const moved = Math.hypot(r.path[1][0] - r.path[0][0], r.path[1][1] - r.path[0][1]);
    expect(moved).toBeLessThanOrEqual(0.01 * 2 * (1 + 1e-12));
    expect(moved).toBeGreaterThan(0.01 * 2 * 0.999); // Rosenbrock's gradient there is far longer than 2
  });
});

describe('addNoise: g ← g + σξ, ξ ~ N(0, I) from the step’s stream', () => {
  it('adds σ times the stream’s next normals, one per coordinate in order', () => {
    fc.assert(
      fc.property(vector(4), fc.double({ min: 1e-3, max: 10, noNaN: true }), fc.integer(), (g, sigma, seed) => {
        const u = Float64Array.from(g);
        const t = addNoise({ noise: sigma });
        t.updateInPlace(u, t.init(4), context({ rng: new Rng(seed) }));
        const ref = new Rng(seed);
        for (let i = 0; i < 4; i++) expect(u[i]).toBe(g[i] + sigma * ref.normal());
      }),
      { seed: 22 },
    );
  });
  it('σ = 0 neither changes g nor draws from the stream', () => {
    const rng = new Rng(7);
    const before = JSON.stringify(rng.state);
    const u = Float64Array.of(1, 2, 3);
    addNoise({ noise: 0 }).updateInPlace(u, null, context({ rng }));
    expect(Array.from(u)).toEqual([1, 2, 3]);
    expect(JSON.stringify(rng.state)).toBe(before);
  });
  it('has mean g and standard deviation σ per coordinate (20 000 draws)', () => {
    const t = addNoise({ noise: 0.5 });
    const ctx = context({ rng: new Rng(3) });
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    const u = new Float64Array(1);
    for (let k = 0; k < n; k++) {
      u[0] = 2;
      t.updateInPlace(u, null, ctx);
      sum += u[0];
      sumSq += (u[0] - 2) ** 2;
    }
    // Mean within 5 standard errors (0.5/√n); the sample σ within 3%.
    expect(Math.abs(sum / n - 2)).toBeLessThan((5 * 0.5) / Math.sqrt(n));
    expect(Math.sqrt(sumSq / n)).toBeGreaterThan(0.5 * 0.97);
    expect(Math.sqrt(sumSq / n)).toBeLessThan(0.5 * 1.03);
  });
});

describe('injectLearningRate: update k gets lr_k = schedule(k), read live', () => {
  const schedules = [
    null,
    { kind: 'step' as const, stepSize: 7, gamma: 0.5 },
    { kind: 'cosine' as const, tMax: 40, etaMin: 1e-4 },
    { kind: 'cosine-restarts' as const, t0: 5, tMult: 2, etaMin: 0 },
    { kind: 'one-cycle' as const, maxLr: 0.3, totalSteps: 50, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4, anneal: 'cos' as const },
  ];
  it('hands the inner chain the scheduled rate of ctx.step', () => {
    for (const schedule of schedules) {
      const seen: number[] = [];
      const spy = { init: () => null, updateInPlace: (_u: Float64Array, _s: null, ctx: StepContext) => void seen.push(ctx.lr) };
      const h = { lr: 0.05, schedule };
      const t = injectLearningRate(h, spy);
      for (let k = 0; k < 60; k++) t.updateInPlace(new Float64Array(1), null, context({ step: k, lr: Number.NaN }));
      expect(seen).toEqual(Array.from({ length: 60 }, (_, k) => scheduledLearningRate(schedule, 0.05, k)));
    }
  });
  it('reads the record on every update, so a retuned lr applies from the next one', () => {
    const h = { lr: 0.05, schedule: null };
    const t = injectLearningRate(h, scaleByLearningRate());
    const ctx = context();
    t.updateInPlace(new Float64Array(1), null, ctx);
    expect(ctx.stepScale).toBe(0.05);
    h.lr = 0.2;
    t.updateInPlace(new Float64Array(1), null, ctx);
    expect(ctx.stepScale).toBe(0.2);
  });
});

describe('the sign flip happens once, in applyUpdatesInPlace: θ ← fma(−stepScale, u, θ·paramScale)', () => {
  it('scaleByLearningRate then applyUpdatesInPlace is torch’s param.add_(g, alpha=−lr), one rounding', () => {
    fc.assert(
      fc.property(vector(3), vector(3), fc.double({ min: 1e-6, max: 10, noNaN: true }), (theta, g, lr) => {
        const th = Float64Array.from(theta);
        const u = Float64Array.from(g);
        const ctx = context({ lr });
        chain(scaleByLearningRate()).updateInPlace(u, [null], ctx);
        applyUpdatesInPlace(th, u, ctx);
        for (let i = 0; i < 3; i++) expect(th[i]).toBe(fma(-lr, g[i], theta[i]));
      }),
      { seed: 23 },
    );
  });
  it('applies a decoupled decay factor to θ before the step', () => {
    const th = Float64Array.of(2, -4);
    applyUpdatesInPlace(th, Float64Array.of(0.5, 0.25), context({ stepScale: 0.1, paramScale: 0.9 }));
    expect(Array.from(th)).toEqual([fma(-0.1, 0.5, 2 * 0.9), fma(-0.1, 0.25, -4 * 0.9)]);
  });
  it('every first-order chain hands over a step along the gradient: the first update moves θ downhill', () => {
    const L = createLandscape('himmelblau');
    for (const optimizer of [
      { kind: 'sgd', lr: 1e-3 },
      { kind: 'sgd', lr: 1e-3, momentum: 0.9, nesterov: true },
      { kind: 'adam', lr: 1e-2 },
      { kind: 'adamw', lr: 1e-2 },
      { kind: 'rmsprop', lr: 1e-3 },
      { kind: 'rmsprop', lr: 1e-3, momentum: 0.5, centered: true },
      { kind: 'adagrad', lr: 1e-2 },
    ]) {
      const g = new Float64Array(2);
      L.valueAndGradientInto([0.5, -0.3], g);
      const r = simulate({ landscape: L, optimizer, start: [0.5, -0.3], steps: 1 });
      const d = [r.path[1][0] - 0.5, r.path[1][1] + 0.3];
      expect(d[0] * g[0] + d[1] * g[1], JSON.stringify(optimizer)).toBeLessThan(0);
      expect(r.loss[1]).toBeLessThan(r.loss[0]);
    }
  });
});

/** A landscape's gradient as an oracle that counts its calls and remembers where it was asked. */
function recordingOracle(L: GradientOracle): GradientOracle & { asked: number[][] } {
  const asked: number[][] = [];
  return {
    asked,
    valueAndGradientInto(theta, grad) {
      asked.push(Array.from(theta));
      return L.valueAndGradientInto(theta, grad);
    },
  };
}

describe('SharpnessAwareOracle: ∇f(θ+ε) with ε = ρ·g/(‖g‖+1e-12), ASAM ε = ρ·θ²⊙g/(‖|θ|⊙g‖+1e-12)', () => {
  const L = createLandscape('six-hump-camel');
  it('SAM asks the wrapped oracle at θ and at θ+ε, hands on ∇f(θ+ε) and reports f(θ)', () => {
    fc.assert(
      fc.property(vector(2), fc.double({ min: 1e-3, max: 0.5, noNaN: true }), (t, rho) => {
        const theta = t.map((v) => v / 500);
        const inner = recordingOracle(L);
        const sam = new SharpnessAwareOracle(inner, { samRadius: rho, samAdaptive: false }, 2);
        const got = new Float64Array(2);
        const f = sam.valueAndGradientInto(theta, got);
        const g = new Float64Array(2);
        expect(f).toBe(L.valueAndGradientInto(theta, g));
        const scale = rho / (norm(g) + 1e-12);
        const probe = [theta[0] + scale * g[0], theta[1] + scale * g[1]];
        expect(inner.asked).toEqual([theta, probe]);
        const want = new Float64Array(2);
        L.valueAndGradientInto(probe, want);
        expect(Array.from(got)).toEqual(Array.from(want));
        // ‖ε‖ = ρ·‖g‖/(‖g‖ + 1e-12): ρ unless the gradient is nearly zero.
        const length = Math.hypot(probe[0] - theta[0], probe[1] - theta[1]);
        expect(length / rho).toBeCloseTo(norm(g) / (norm(g) + 1e-12), 9);
      }),
      { seed: 24 },
    );
  });
  it('ASAM scales the perturbation coordinate-wise by θ²', () => {
    const theta = [0.8, -0.3];
    const inner = recordingOracle(L);
    const sam = new SharpnessAwareOracle(inner, { samRadius: 0.1, samAdaptive: true }, 2);
    sam.valueAndGradientInto(theta, new Float64Array(2));
    const g = new Float64Array(2);
    L.valueAndGradientInto(theta, g);
    const scale = 0.1 / (Math.hypot(Math.abs(theta[0]) * g[0], Math.abs(theta[1]) * g[1]) + 1e-12);
    expect(inner.asked[1][0]).toBeCloseTo(theta[0] + scale * theta[0] ** 2 * g[0], 15);
    expect(inner.asked[1][1]).toBeCloseTo(theta[1] + scale * theta[1] ** 2 * g[1], 15);
  });
  it('ρ = 0 passes the oracle through: one question, its answer', () => {
    const inner = recordingOracle(L);
    const got = new Float64Array(2);
    new SharpnessAwareOracle(inner, { samRadius: 0, samAdaptive: false }, 2).valueAndGradientInto([0.5, 0.5], got);
    const want = new Float64Array(2);
    L.valueAndGradientInto([0.5, 0.5], want);
    expect(inner.asked).toHaveLength(1);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
  it('an SGD step with SAM is θ − lr·∇f(θ+ε), two gradient evaluations', () => {
    const opt = createOptimizer({ kind: 'sgd', lr: 0.01, samRadius: 0.05 }, 2);
    const theta = Float64Array.of(0.5, -0.3);
    const info = opt.stepInPlace(theta, L, new Rng(0));
    const g = new Float64Array(2);
    L.valueAndGradientInto([0.5, -0.3], g);
    const scale = 0.05 / (norm(g) + 1e-12);
    const ge = new Float64Array(2);
    L.valueAndGradientInto([0.5 + scale * g[0], -0.3 + scale * g[1]], ge);
    expect(Array.from(theta)).toEqual([fma(-0.01, ge[0], 0.5), fma(-0.01, ge[1], -0.3)]);
    expect(info.gradientEvaluations).toBe(2);
  });
});

describe('BatchOracle: one objective per step, the same minibatch for every question in it', () => {
  const mlp = createMlpLandscape({
    kind: 'mlp',
    dataset: 'moons',
    samples: 64,
    noise: 0.15,
    layers: [2, 6, 2],
    activation: 'tanh',
    seed: 5,
  });
  const theta = Float64Array.from(mlp.center);

  it('draws B once: a second question at the same θ gets the same gradient; the caller’s stream moves by one draw', () => {
    const rng = new Rng(9);
    const control = new Rng(9);
    const batch = new BatchOracle().beginStep(mlp, 8, rng);
    const a = new Float64Array(mlp.dim);
    const b = new Float64Array(mlp.dim);
    const fa = batch.valueAndGradientInto(theta, a);
    const fb = batch.valueAndGradientInto(theta, b);
    expect(fb).toBe(fa);
    expect(Array.from(b)).toEqual(Array.from(a));
    const c = new Float64Array(mlp.dim);
    expect(mlp.stochasticGradientInto(theta, c, 8, control)).toBe(fa);
    expect(Array.from(c)).toEqual(Array.from(a));
    expect(rng.state).toEqual(control.state);
    expect(batch.evaluations).toBe(2);
  });
  it('a new step draws a new batch', () => {
    const rng = new Rng(9);
    const batch = new BatchOracle();
    const a = new Float64Array(mlp.dim);
    const b = new Float64Array(mlp.dim);
    batch.beginStep(mlp, 8, rng).valueAndGradientInto(theta, a);
    batch.beginStep(mlp, 8, rng).valueAndGradientInto(theta, b);
    expect(Array.from(b)).not.toEqual(Array.from(a));
    expect(batch.evaluations).toBe(1);
  });
  it('the full batch (no batch size, or one at least the data size) is the landscape’s gradient and draws nothing', () => {
    for (const size of [null, 64, 1000]) {
      const rng = new Rng(9);
      const before = JSON.stringify(rng.state);
      const g = new Float64Array(mlp.dim);
      const f = new BatchOracle().beginStep(mlp, size, rng).valueAndGradientInto(theta, g);
      const want = new Float64Array(mlp.dim);
      expect(f).toBe(mlp.valueAndGradientInto(theta, want));
      expect(Array.from(g)).toEqual(Array.from(want));
      expect(JSON.stringify(rng.state)).toBe(before);
    }
  });
  it('SAM on a minibatch asks ∇f_B at θ+ε on the same B as at θ', () => {
    const rng = new Rng(4);
    const batch = new BatchOracle().beginStep(mlp, 8, rng);
    const sam = new SharpnessAwareOracle(batch, { samRadius: 0.05, samAdaptive: false }, mlp.dim);
    const got = new Float64Array(mlp.dim);
    sam.valueAndGradientInto(theta, got);
    // By hand: g_B at θ from the stream, then g_B at θ+ε from the same stream position.
    const g = new Float64Array(mlp.dim);
    mlp.stochasticGradientInto(theta, g, 8, new Rng(4));
    const scale = 0.05 / (norm(g) + 1e-12);
    const probe = theta.map((v, i) => v + scale * g[i]);
    const want = new Float64Array(mlp.dim);
    mlp.stochasticGradientInto(probe, want, 8, new Rng(4));
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(batch.evaluations).toBe(2);
  });
});

describe('hyperparameters live in the optimizer state; spec is a frozen snapshot', () => {
  it('the spec is deeply frozen and replaced, not rewritten, by retune', () => {
    const opt = createOptimizer({ kind: 'adam', lr: 0.05, schedule: { kind: 'step', stepSize: 5, gamma: 0.5 } }, 2);
    const kept = opt.spec;
    expect(Object.isFrozen(kept)).toBe(true);
    expect(kept.kind === 'adam' && Object.isFrozen(kept.betas)).toBe(true);
    expect(Object.isFrozen(kept.schedule)).toBe(true);
    opt.retune({ kind: 'adam', lr: 0.01, betas: [0.5, 0.9] });
    expect(kept.lr).toBe(0.05);
    expect(kept.kind === 'adam' && kept.betas).toEqual([0.9, 0.999]);
    expect(opt.spec.lr).toBe(0.01);
    expect(opt.state.hyperparams).toEqual(opt.spec);
  });
  it('a same-kind retune keeps Adam’s moments and count; another kind starts fresh; the schedule’s step carries on', () => {
    const L = createLandscape('rosenbrock');
    const opt = createOptimizer({ kind: 'adam', lr: 0.01 }, 2);
    const th = Float64Array.of(-1.2, 1);
    for (let k = 0; k < 5; k++) opt.stepInPlace(th, L, new Rng(0));
    const adam = () => (opt.state.transform as { count: number; mu: Float64Array }[])[1];
    const mu = Array.from(adam().mu);
    opt.retune({ kind: 'adam', lr: 0.001 });
    expect(adam().count).toBe(5);
    expect(Array.from(adam().mu)).toEqual(mu);
    opt.stepInPlace(th, L, new Rng(0));
    expect(adam().count).toBe(6);
    opt.retune({ kind: 'rmsprop', lr: 0.001 });
    expect(opt.updates).toBe(6);
    expect(opt.state.count).toBe(6);
    expect((opt.state.transform as { nu: Float64Array }[])[1].nu.every((v) => v === 0)).toBe(true);
  });
  it('retuning a knob on or off mid-run changes the steps from then on, like a run started with it', () => {
    const L = createLandscape('himmelblau');
    const run = (spec: object, at: number | null, to: object) => {
      const opt = createOptimizer(spec, 2);
      const th = Float64Array.of(0.5, -0.3);
      const rng = new Rng(1);
      for (let k = 0; k < 20; k++) {
        if (k === at) opt.retune(to);
        opt.stepInPlace(th, L, rng);
      }
      return Array.from(th);
    };
    const base = { kind: 'sgd', lr: 0.01 };
    // SGD without momentum has no state, so switching a knob at step 0 equals starting with it.
    for (const knob of [{ clipNorm: 1 }, { noise: 0.3 }, { samRadius: 0.05 }, { samRadius: 0.05, samAdaptive: true }]) {
      expect(run(base, 0, { ...base, ...knob })).toEqual(run({ ...base, ...knob }, null, base));
      expect(run({ ...base, ...knob }, 10, base)).not.toEqual(run({ ...base, ...knob }, null, base));
    }
  });
});

describe('an optimizer that cannot run on this landscape', () => {
  it('is refused when it is made or retuned, not at its first step', () => {
    const net = createLandscape({
      kind: 'mlp',
      dataset: 'moons',
      samples: 40,
      noise: 0.1,
      layers: [2, 20, 16, 2],
      activation: 'tanh',
      seed: 1,
    });
    expect(net.dim).toBeGreaterThan(400);
    expect(() => createOptimizer({ kind: 'newton' }, net.dim)).toThrow(/optimizer\.kind: newton needs a dense Hessian/);
    const adam = createOptimizer({ kind: 'adam', lr: 0.01 }, net.dim);
    expect(() => adam.retune({ kind: 'newton' })).toThrow(/limited to 400 parameters/);
    expect(adam.spec.kind).toBe('adam');
    const race = new Race({ landscape: net.spec, roundSeconds: 5 });
    expect(() => race.addRacer('ada', { optimizer: { kind: 'newton' } })).toThrow(SpecError);
  });
});
