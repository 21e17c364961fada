import { Rng, simulate } from '@gradient-rally/shared';

/**
 * A workload that touches every source of randomness and rounding in
 * `shared`: seeded uniform and Gaussian streams, forked streams, a noisy SAM
 * Adam run with a schedule on an expression landscape, and L-BFGS with its
 * line search. Run in Node and in Chromium; the results must be identical.
 */
export function sharedScenario() {
  const rng = new Rng('classroom-42');
  const uniforms = Array.from({ length: 5000 }, () => rng.uniform());
  const normals = Array.from({ length: 5000 }, () => rng.normal());
  const fork = new Rng(7).fork('racer-3');
  const forked = Array.from({ length: 100 }, () => fork.normal());
  const run = simulate({
    landscape: { kind: 'expression', expr: 'sin(x)*cos(y) + 0.1*(x^2 + y^2)' },
    optimizer: { kind: 'adam', lr: 0.05, noise: 0.3, samRadius: 0.05, schedule: { kind: 'cosine', tMax: 200, etaMin: 0 } },
    start: [1.5, -2],
    steps: 300,
    seed: 11,
  });
  const rosen = simulate({ landscape: 'rosenbrock', optimizer: { kind: 'lbfgs' }, start: [-1.2, 1], steps: 40 });
  return { uniforms, normals, forked, path: run.path, loss: run.loss, rosen: rosen.path };
}
