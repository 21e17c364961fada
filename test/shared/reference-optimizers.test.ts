import { describe, expect, it } from 'vitest';
import { analyze, createLandscape, simulate } from '@gradient-rally/shared';
import { closeness, loadReference } from './referenceData';

/**
 * Replays every run and Hessian case of optimizers.json (PyTorch 1.13,
 * float64). The file's `conventions` block is the contract: path and loss
 * within 1e-9 relative (1e-12 absolute near zero) at every step, eigenvalues
 * within 1e-9, the same kind, divergence at the same step.
 */
const ref = loadReference('optimizers.json');
const REL = 1e-9;
const ABS = 1e-12;

describe('optimizers.json runs', () => {
  let worst = 0;
  for (const [i, run] of (ref.runs as any[]).entries()) {
    const name = `#${i} ${run.landscape.kind}${run.landscape.expr ? ` "${run.landscape.expr}"` : ''} ${JSON.stringify(run.optimizer)}`;
    it(name, () => {
      const r = simulate({ landscape: run.landscape, optimizer: run.optimizer, start: run.start, steps: run.steps });
      expect(r.diverged).toBe(run.diverged);
      expect(r.path.length).toBe(run.path.length);
      for (let s = 0; s < run.path.length; s++) {
        for (let c = 0; c < 2; c++) {
          const { ok, err } = closeness(r.path[s][c], run.path[s][c], REL, ABS);
          worst = Math.max(worst, err);
          if (!ok) expect.fail(`step ${s} coord ${c}: ours ${r.path[s][c]} torch ${run.path[s][c]} (rel err ${err})`);
        }
        const { ok, err } = closeness(r.loss[s], run.loss[s], REL, ABS);
        worst = Math.max(worst, err);
        if (!ok) expect.fail(`step ${s} loss: ours ${r.loss[s]} torch ${run.loss[s]} (rel err ${err})`);
      }
    });
  }
  it('reports the largest error', () => {
    console.log(`optimizers.json runs: largest relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(REL);
  });
});

describe('optimizers.json Hessians', () => {
  let worst = 0;
  for (const [i, h] of (ref.hessians as any[]).entries()) {
    it(`#${i} ${h.landscape.kind} at ${h.point}`, () => {
      const a = analyze(createLandscape(h.landscape), h.point);
      expect(a.kind).toBe(h.kind);
      const check = (ours: number, theirs: number, what: string) => {
        const { ok, err } = closeness(ours, theirs, REL, ABS);
        worst = Math.max(worst, err);
        if (!ok) expect.fail(`${what}: ours ${ours} torch ${theirs} (rel err ${err})`);
      };
      check(a.value, h.value, 'value');
      for (let c = 0; c < 2; c++) check(a.gradient[c], h.gradient[c], `gradient[${c}]`);
      for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) check(a.hessian[r][c], h.hessian[r][c], `hessian[${r}][${c}]`);
      for (let k = 0; k < 2; k++) check(a.eigenvalues[k], h.eigenvalues[k], `eigenvalue ${k}`);
    });
  }
  it('reports the largest error', () => {
    console.log(`optimizers.json Hessians: largest relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(REL);
  });
});
