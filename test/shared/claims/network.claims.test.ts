/**
 * The small moons network (a 2-D slice of a [2, 8, 2] tanh network's loss):
 * every lesson sentence and its view, measured under the preset's rules from
 * its shared start. Networks cost far more per step than formulas, so this
 * file runs 60 racers per claim and no more.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLandscape, MOONS_NETWORK_SPEC, type MlpLandscape } from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from './claims';
import { entry, logUniform, once, presetSettings, runRacer, type RacerOutcome } from './field';

const N = 60;
const E = entry('mlp');
const L = createLandscape(E.spec) as MlpLandscape;
const S = sentences(E.lesson);
const settings = presetSettings(E);
const b = E.bounds;
const inView = (p: readonly number[]) => p[0] >= b.xMin && p[0] <= b.xMax && p[1] >= b.yMin && p[1] <= b.yMax;

function runs(name: string, optimizer: (i: number) => Record<string, unknown>, results = false): RacerOutcome[] {
  return once(`mlp:${name}`, () =>
    Array.from({ length: N }, (_, i) => runRacer(settings, optimizer(i) as { kind: string }, undefined, `mlp:${name}:${i}`, { results })),
  );
}

afterAll(() => printClaims('The moons network (preset rules, shared start (0, 0))'));

describe('the moons network', () => {
  it('is the catalogue network, started at (0, 0), the network its weights were initialised to', () => {
    expect(E.spec).toEqual(createLandscape(MOONS_NETWORK_SPEC).spec);
    const start = (E.preset.settings.startRule as { point: number[] }).point;
    const p = L.paramsInto([0, 0], new Float64Array(L.network.nParams));
    const same = p.every((v, i) => v === L.center[i]);
    const lossAtStart = L.value([0, 0]);
    const ok =
      same && start[0] === 0 && start[1] === 0 && inView(start) && Math.abs(lossAtStart - L.network.loss(L.center, L.train)) < 1e-12;
    claim({
      where: 'mlp',
      sentence: S[0],
      measured: `(0, 0) maps to the initial weights: ${same}; preset start (${start.join(', ')}), inside the view [${b.xMin}, ${b.xMax}] × [${b.yMin}, ${b.yMax}]; loss there ${lossAtStart.toFixed(3)} = the network's`,
      wording: 'fact',
      k: Number(ok),
      n: 1,
    });
  });

  it('the view holds the start and the valley descent reaches; racers under the preset stay in it', () => {
    const sgdLrs = logUniform(0.05, 2, N, 'mlp-sgd');
    const adamLrs = logUniform(0.01, 0.1, N, 'mlp-adam');
    const sgd = runs('sgd', (i) => ({ kind: 'sgd', lr: sgdLrs[i] }));
    const adam = runs('adam', (i) => ({ kind: 'adam', lr: adamLrs[i] }));
    // The valley: where a long, careful descent from the start ends; the same on two other networks.
    const framedOn = (spec: unknown) => {
      const e = { ...E, spec: spec as typeof E.spec };
      const v = runRacer(
        presetSettings(e, { roundSeconds: 120, startRule: { kind: 'shared', point: [0, 0] } }),
        { kind: 'sgd', lr: 0.5 },
        undefined,
        'mlp-valley',
      );
      const bb = createLandscape(spec).info.bounds;
      const holds = (p: readonly number[]) => p[0] >= bb.xMin && p[0] <= bb.xMax && p[1] >= bb.yMin && p[1] <= bb.yMax;
      return holds([0, 0]) && holds(v.drawn);
    };
    const specs = [MOONS_NETWORK_SPEC, { ...MOONS_NETWORK_SPEC, seed: 3 }, { ...MOONS_NETWORK_SPEC, dataset: 'circles', seed: 11 }];
    const framed = specs.map(framedOn);
    const stay = (x: RacerOutcome) => x.status !== 'diverged' && inView(x.drawn);
    claim({
      where: 'mlp',
      sentence: S[1],
      measured: `start and descent's valley inside the view, for moons and two other networks: ${framed.join(', ')}; racers in view at the end: SGD lr log-uniform in [0.05, 2] ${count(sgd, stay)}/${N}, Adam lr in [0.01, 0.1] ${count(adam, stay)}/${N} (smaller shown)`,
      wording: 'happens',
      k: framed.every(Boolean) ? Math.min(count(sgd, stay), count(adam, stay)) : 0,
      n: N,
    });
  });

  it('on small batches a racer keeps moving where the same racer on full batches comes to rest', () => {
    const batches = logUniform(4, 64, N, 'mlp-batch').map(Math.round);
    const lrs = logUniform(0.2, 1, N, 'mlp-batch-lr');
    const small = runs('batch', (i) => ({ kind: 'sgd', lr: lrs[i], batchSize: batches[i] }), true);
    const full = runs('full', (i) => ({ kind: 'sgd', lr: lrs[i] }), true);
    claim({
      where: 'mlp',
      sentence: S[2],
      measured: `SGD lr log-uniform in [0.2, 1], paired: with batches of ${Math.min(...batches)}–${Math.max(...batches)} (of ${L.dataSize}) still moving at the end while on full batches at rest`,
      wording: 'better',
      k: count(small, (x, i) => x.result!.settledSeconds === null && full[i].result!.settledSeconds !== null),
      n: N,
    });
  });

  it('every sentence is measured', () => expectEverySentenceClaimed('mlp', E.lesson));
});
