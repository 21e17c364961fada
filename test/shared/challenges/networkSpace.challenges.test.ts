/**
 * Challenges 16 'beyond-the-slice' and 18 'shape-of-a-path', played in the
 * browser: every sentence of their tasks, hints and explanations, and the
 * line the challenge screen shows under the slice ⇄ every-weight control
 * (shared's `raceSpaceNote`), measured over 50 networks (one per attempt
 * seed) with the challenges' own rules. Their winnability (the initial
 * setup never passes, a searched one does) is checked in
 * networkShapes.challenges.test.ts; the hints' settings are run here too,
 * because their runs feed the explanation's claims.
 *
 * "Spread" is the measure of Li et al. (2018) that `trajectoryPlane`'s
 * `explained` adds up: the squared distance of the path's points from its
 * last one, and the share of it a plane holds (`planeShareOfPath`).
 *
 * Every run is memoised by setup and seed (harness `attempt`), and the
 * slice's lowest loss once per network, so each claim reads shared runs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  createLandscape,
  lossGrid,
  PlaneProjection,
  planeShareOfPath,
  raceSpaceNote,
  SLICE_RACE_NOTE,
  sliceMapSpec,
  trajectoryPlane,
  type ChallengeAttempt,
  type Landscape,
  type MlpLandscape,
} from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from '../claims/claims';
import { attempts, challenge, passes, SEEDS, withSetup } from './harness';

afterAll(() => {
  printClaims('Challenges on networks: the slice and the shape of a path');
});

const sgd = (lr: number, more: Record<string, unknown> = {}) => ({ kind: 'sgd' as const, lr, ...more });
const adam = (lr: number) => ({ kind: 'adam' as const, lr });

/** The map an attempt is drawn on (the slice through its starting network), built once per attempt. */
const maps = new WeakMap<ChallengeAttempt, Landscape>();
function mapOf(a: ChallengeAttempt): Landscape {
  let m = maps.get(a);
  if (!m) {
    m = createLandscape(sliceMapSpec(a.settings.landscape));
    maps.set(a, m);
  }
  return m;
}

/** The racer's drawn point on the map after the last tick. */
function drawnEnd(a: ChallengeAttempt): [number, number] {
  const t = a.trails.get('you')!;
  return [t[t.length - 2], t[t.length - 1]];
}

/** The farthest the racer's drawn point gets from its start, in the map's units. */
function farthestOnMap(a: ChallengeAttempt): number {
  const t = a.trails.get('you')!;
  let d = 0;
  for (let i = 0; i < t.length; i += 2) d = Math.max(d, Math.hypot(t[i] - t[0], t[i + 1] - t[1]));
  return d;
}

/** The share of the path's spread the map's plane holds (full-space attempts). */
const mapShare = (a: ChallengeAttempt) => planeShareOfPath((a.landscape as MlpLandscape).plane, a.pathByTick);
/** The share its own two principal directions hold. */
const pcaShare = (a: ChallengeAttempt) => {
  const { explained } = trajectoryPlane(a.pathByTick);
  return explained[0] + explained[1];
};

/** Gradient descent with backtracking on a 2-D terrain, from a point, to where it stops going down. */
function descend(L: Landscape, from: readonly number[]): number {
  const x = Float64Array.from(from);
  const g = new Float64Array(2);
  const trial = new Float64Array(2);
  let f = L.valueAndGradientInto(x, g);
  for (let it = 0; it < 300; it++) {
    const gg = g[0] * g[0] + g[1] * g[1];
    if (!(gg > 1e-14)) break;
    let t = 1;
    let ft = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 40; k++) {
      trial[0] = x[0] - t * g[0];
      trial[1] = x[1] - t * g[1];
      ft = L.value(trial);
      if (ft <= f - 0.5 * t * gg) break;
      t /= 2;
    }
    if (!(ft < f)) break;
    x.set(trial);
    f = L.valueAndGradientInto(x, g);
  }
  return f;
}

/**
 * The lowest loss found anywhere on a slice: grids over squares of half-width
 * 2, 8 and 32 (the view is about 2 wide; far out, the network's weights are
 * those of the directions scaled up and the loss levels off along each ray),
 * then descent from the eight lowest grid points that are local minima of their grid.
 */
const lowest = new Map<number, number>();
function lowestOnSlice(seed: number, slice: Landscape): number {
  let v = lowest.get(seed);
  if (v === undefined) {
    const candidates: { f: number; p: [number, number] }[] = [];
    const n = 41;
    for (const R of [2, 8, 32]) {
      const grid = lossGrid(slice, { xMin: -R, xMax: R, yMin: -R, yMax: R, n });
      const at = (i: number, j: number): [number, number] => [-R + (2 * R * j) / (n - 1), -R + (2 * R * i) / (n - 1)];
      for (let i = 1; i < n - 1; i++)
        for (let j = 1; j < n - 1; j++) {
          const f = grid[i * n + j];
          if (f <= grid[i * n + j - 1] && f <= grid[i * n + j + 1] && f <= grid[(i - 1) * n + j] && f <= grid[(i + 1) * n + j])
            candidates.push({ f, p: at(i, j) });
        }
    }
    candidates.sort((a, b) => a.f - b.f);
    v = Math.min(...candidates.slice(0, 8).map((c) => Math.min(c.f, descend(slice, c.p))));
    lowest.set(seed, v);
  }
  return v;
}

describe('beyond-the-slice: what the student reads', () => {
  const ch = challenge('beyond-the-slice');
  const S = sentences(ch.explanation);
  const onSlice = () => attempts(ch, ch.initial).map((r) => r.attempt);
  const hinted = () => attempts(ch, withSetup(ch, ch.hints[2].try!));
  /** Every weight at the initial learning rate: a student who switches before touching lr. */
  const everyWeightAtStart = () => attempts(ch, withSetup(ch, { network: { slice: false } })).map((r) => r.attempt);

  it('the task and the hints', () => {
    claim({ where: ch.id, sentence: sentences(ch.task)[0], measured: 'instruction', wording: 'fact', k: 1, n: 1 });
    const [whole, question] = sentences(ch.hints[0].text);
    // Each point (a, b) of the slice is the network center + a·d1 + b·d2: its loss is that network's, on a grid of points per network.
    let same = 0;
    for (const a of onSlice()) {
      const slice = a.landscape as MlpLandscape;
      const full = createLandscape({ ...a.settings.landscape, slice: false }) as MlpLandscape;
      const theta = new Float64Array(full.dim);
      let ok = true;
      for (const [x, y] of [
        [0, 0],
        [0.5, -0.25],
        [-1, 1],
        [3, 2],
      ]) {
        full.plane.liftInto(x, y, theta);
        ok &&= Math.abs(slice.value([x, y]) - full.value(theta)) <= 1e-12;
      }
      if (ok) same++;
    }
    claim({
      where: `${ch.id}:hint`,
      sentence: whole,
      measured: 'the slice’s loss at (a, b) equals the loss of the network center + a·d1 + b·d2 (4 points per network)',
      wording: 'fact',
      k: same,
      n: SEEDS.length,
    });
    claim({ where: `${ch.id}:hint`, sentence: question, measured: 'instruction (a question)', wording: 'fact', k: 1, n: 1 });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: 'instruction; the control is offered (controls.network.slice)',
      wording: 'fact',
      k: Number(ch.controls.network?.slice === true),
      n: 1,
    });
    const k = passes(hinted());
    console.log(`beyond-the-slice: the third hint (every weight, SGD lr 1) passes ${k}/50`);
    claim({ where: `${ch.id}:hint`, sentence: ch.hints[2].text, measured: 'following the hint passes', wording: 'happens', k, n: 50 });
    for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
    expectEverySentenceClaimed(ch.id, ch.task);
  });

  it('on the slice the racer changes two numbers, and the plane’s lowest loss is above 0.1', () => {
    const runs = onSlice();
    const lows = runs.map((a) => lowestOnSlice(a.seed, a.landscape));
    const above = count(lows, (v) => v > 0.1);
    const sorted = [...lows].sort((a, b) => a - b);
    console.log(
      `beyond-the-slice: lowest loss on the slice above 0.1 in ${above}/50; lowest ${sorted[0].toFixed(4)}, median ${sorted[25].toFixed(3)}`,
    );
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `the slice has dim 2 in every network; its lowest loss (grids to ±32 and descent) above 0.1 (smallest ${sorted[0].toFixed(3)}, median ${sorted[25].toFixed(2)})`,
      wording: 'happens',
      k: runs.every((a) => a.landscape.dim === 2) ? above : 0,
      n: 50,
    });
  });

  it('on every weight, SGD at lr 1 goes below 0.01 and below anything the slice holds', () => {
    const runs = hinted().map((r) => r.attempt);
    const nParams = (runs[0].landscape as MlpLandscape).network.nParams;
    const below = count(runs, (a) => a.you.status !== 'diverged' && a.you.loss < 0.01);
    const underSlice = count(runs, (a) => a.you.loss < lowestOnSlice(a.seed, mapOf(a)));
    console.log(
      `beyond-the-slice: ${nParams} parameters; every weight at lr 1 ends below 0.01 in ${below}/50, below the slice's lowest in ${underSlice}/50`,
    );
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `nParams = ${nParams}; SGD lr 1 on every weight ends below 0.01`,
      wording: 'happens',
      k: nParams === 42 && runs.every((a) => a.landscape.dim === 42) ? below : 0,
      n: 50,
    });
    claim({
      where: ch.id,
      sentence: S[2],
      measured: 'the network trained on every weight (SGD lr 1) ends below the lowest loss anywhere on its slice',
      wording: 'happens',
      k: underSlice,
      n: 50,
    });
    expect(S).toHaveLength(3);
    expectEverySentenceClaimed(ch.id, ch.explanation);
  });

  it('the line under the control: what the racer on the map is', () => {
    const where = `${ch.id}:screen`;
    // On the slice: the racer is a point of the map, its loss the map's value there.
    const slice = onSlice();
    const groundIsLoss = count(
      slice,
      (a) => a.landscape.dim === 2 && raceSpaceNote(a.landscape) === SLICE_RACE_NOTE && mapOf(a).value(drawnEnd(a)) === a.you.loss,
    );
    claim({
      where,
      sentence: SLICE_RACE_NOTE,
      measured: 'slice racer: the map’s loss at its drawn end equals its loss',
      wording: 'fact',
      k: groundIsLoss,
      n: 50,
    });

    const full = hinted().map((r) => r.attempt);
    const [drawn, most] = sentences(raceSpaceNote(full[0].landscape));
    // On every weight: the map drawn is the same plane (each map point's loss is the lifted network's), and the racer is the projection.
    const ab = new Float64Array(2);
    const projected = count(full, (a) => {
      const L = a.landscape as MlpLandscape;
      const map = mapOf(a) as MlpLandscape;
      L.plane.projectInto(a.you.position, ab);
      const [x, y] = drawnEnd(a);
      const theta = L.plane.liftInto(x, y, new Float64Array(L.dim));
      return ab[0] === x && ab[1] === y && Math.abs(map.value([x, y]) - L.value(theta)) <= 1e-12;
    });
    claim({
      where,
      sentence: drawn,
      measured: 'drawn end = least-squares projection of the network onto the slice’s plane, and the map there is that plane’s loss',
      wording: 'fact',
      k: projected,
      n: 50,
    });
    const pooled = [...full, ...everyWeightAtStart()];
    const mostOff = count(pooled, (a) => mapShare(a) < 0.5);
    const shares = pooled.map(mapShare).sort((a, b) => a - b);
    const farBelow = count(full, (a) => mapOf(a).value(drawnEnd(a)) >= 10 * a.you.loss);
    console.log(
      `beyond-the-slice on every weight: map plane holds under half the path's spread in ${mostOff}/100 (lr 1 and lr 0.1; median ${shares[50].toFixed(3)}, largest ${shares[99].toFixed(3)}); ground at least 10× the loss at the end (lr 1) ${farBelow}/50`,
    );
    claim({
      where,
      sentence: most,
      measured: `every weight, SGD lr 1 and 0.1: the map’s plane holds under half the path’s spread (largest ${shares[99].toFixed(2)})`,
      wording: 'happens',
      k: mostOff,
      n: 100,
    });
    claim({
      where,
      sentence: most,
      measured: 'every weight, SGD lr 1: at the end the ground under the racer is at least 10 times its loss',
      wording: 'can',
      k: farBelow,
      n: 50,
    });
    expect(raceSpaceNote(full[0].landscape)).toContain('the other 40 directions');
    expectEverySentenceClaimed(where, raceSpaceNote(full[0].landscape));
  });
});

describe('shape-of-a-path: what the student reads', () => {
  const ch = challenge('shape-of-a-path');
  const S = sentences(ch.explanation);
  const runsOf = (optimizer: ReturnType<typeof sgd> | ReturnType<typeof adam>) =>
    attempts(ch, withSetup(ch, { optimizer })).map((r) => r.attempt);
  /** The passing setups the explanation speaks of: the hint's, momentum (with and without a larger lr), Adam. */
  const smooth = {
    'SGD lr 1': () => runsOf(sgd(1)),
    'SGD lr 0.1 momentum 0.9': () => runsOf(sgd(0.1, { momentum: 0.9 })),
    'SGD lr 0.01 momentum 0.99': () => runsOf(sgd(0.01, { momentum: 0.99 })),
    'Adam lr 0.05': () => runsOf(adam(0.05)),
  };

  it('the task and the hints', () => {
    claim({ where: ch.id, sentence: sentences(ch.task)[0], measured: 'instruction', wording: 'fact', k: 1, n: 1 });
    const [barely, plane] = sentences(ch.hints[0].text);
    const initial = attempts(ch, ch.initial).map((r) => r.attempt);
    const width = initial[0].landscape.info.bounds.xMax - initial[0].landscape.info.bounds.xMin;
    const small = count(initial, (a) => farthestOnMap(a) < 0.1 * width);
    const far = Math.max(...initial.map(farthestOnMap));
    console.log(
      `shape-of-a-path at the initial lr 0.01: the racer stays within a tenth of the map's width of its start in ${small}/50 (farthest ${far.toFixed(3)} of ${width})`,
    );
    claim({
      where: `${ch.id}:hint`,
      sentence: barely,
      measured: `initial setup: the drawn racer stays within a tenth of the map’s width of its start (farthest ${far.toFixed(2)} of ${width})`,
      wording: 'happens',
      k: small,
      n: 50,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: plane,
      measured: `the network has ${initial[0].landscape.dim} parameters; the map is one plane through them`,
      wording: 'fact',
      k: Number(initial[0].landscape.dim === 114),
      n: 1,
    });
    const larger = passes(attempts(ch, withSetup(ch, { optimizer: sgd(1) })));
    const momentum = passes(attempts(ch, withSetup(ch, { optimizer: sgd(0.01, { momentum: 0.99 }) })));
    console.log(`shape-of-a-path: lr 1 passes ${larger}/50; lr 0.01 with momentum 0.99 passes ${momentum}/50`);
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: 'a larger lr (SGD lr 1) passes',
      wording: 'happens',
      k: larger,
      n: 50,
    });
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[1].text,
      measured: 'momentum alone (0.99, lr kept at 0.01) passes',
      wording: 'happens',
      k: momentum,
      n: 50,
    });
    const hinted = passes(attempts(ch, withSetup(ch, ch.hints[2].try!)));
    claim({
      where: `${ch.id}:hint`,
      sentence: ch.hints[2].text,
      measured: 'following the hint passes',
      wording: 'happens',
      k: hinted,
      n: 50,
    });
    for (const h of ch.hints) expectEverySentenceClaimed(`${ch.id}:hint`, h.text);
    expectEverySentenceClaimed(ch.id, ch.task);
  });

  it('the map’s plane holds less than a tenth of the path; its own principal plane over 95 %', () => {
    const counts = Object.entries(smooth).map(([name, runs]) => {
      const rs = runs();
      // planeShareOfPath measures what trajectoryPlane's `explained` adds up: on the path's own plane they agree.
      for (const a of rs.slice(0, 5))
        expect(planeShareOfPath(trajectoryPlane(a.pathByTick).plane, a.pathByTick)).toBeCloseTo(pcaShare(a), 6);
      const shares = rs.map(mapShare).sort((a, b) => a - b);
      const pcas = rs.map(pcaShare).sort((a, b) => a - b);
      return {
        name,
        passed: count(rs, (a) => a.finish().outcome.pass),
        tenth: count(rs, (a) => mapShare(a) < 0.1),
        over95: count(rs, (a) => pcaShare(a) > 0.95),
        text: `${name}: map ${(100 * shares[25]).toFixed(1)} % median, ${(100 * shares[49]).toFixed(1)} % largest; own plane ${(100 * pcas[0]).toFixed(1)} % smallest`,
      };
    });
    for (const c of counts)
      console.log(`shape-of-a-path ${c.text}; passes ${c.passed}/50, map under a tenth ${c.tenth}/50, own plane over 95 % ${c.over95}/50`);
    const dims = runsOf(sgd(1))[0].landscape.dim;
    claim({
      where: ch.id,
      sentence: S[0],
      measured: `${dims} parameters; the map’s plane holds under a tenth of the path’s spread: ${counts.map((c) => `${c.name} ${c.tenth}/50`).join(', ')} (the least counted)`,
      wording: 'happens',
      k: dims === 114 ? Math.min(...counts.map((c) => c.tenth)) : 0,
      n: 50,
    });
    claim({
      where: ch.id,
      sentence: S[1],
      measured: `own two principal directions hold over 95 %: ${counts.map((c) => `${c.name} ${c.over95}/50`).join(', ')} (the least counted)`,
      wording: 'happens',
      k: Math.min(...counts.map((c) => c.over95)),
      n: 50,
    });
  });

  it('at lr 3 or more the two directions hold less', () => {
    const one = runsOf(sgd(1));
    const less = [3, 5].map((lr) => {
      const rs = runsOf(sgd(lr));
      return {
        lr,
        k: count(rs, (a, i) => pcaShare(a) < pcaShare(one[i])),
        over95: count(rs, (a) => pcaShare(a) > 0.95),
        passed: count(rs, (a) => a.finish().outcome.pass),
      };
    });
    for (const l of less)
      console.log(
        `shape-of-a-path lr ${l.lr}: own plane holds less than at lr 1 (same network) in ${l.k}/50; over 95 % in ${l.over95}/50; passes ${l.passed}/50`,
      );
    claim({
      where: ch.id,
      sentence: S[2],
      measured: `same network, SGD lr 3 and 5 against lr 1: the two principal directions hold less (${less.map((l) => `lr ${l.lr} ${l.k}/50`).join(', ')}, the least counted)`,
      wording: 'better',
      k: Math.min(...less.map((l) => l.k)),
      n: 50,
    });
    expect(S).toHaveLength(3);
    expectEverySentenceClaimed(ch.id, ch.explanation);
  });
});

describe('planeShareOfPath', () => {
  it('is 1 for a path in the plane, 0 for one across it, and the squared share in between', () => {
    const e = (i: number) => Float64Array.from({ length: 4 }, (_, q) => (q === i ? 1 : 0));
    // A plane with non-orthogonal directions: the share is of the orthogonal projection, not of the coordinates.
    const plane = new PlaneProjection(new Float64Array(4), e(0), Float64Array.from([1, 1, 0, 0]));
    const path = (d: ArrayLike<number>) => [0, 1, 2].map((t) => Float64Array.from(d, (x) => t * x));
    expect(planeShareOfPath(plane, path([0.3, -2, 0, 0]))).toBeCloseTo(1, 12);
    expect(planeShareOfPath(plane, path([0, 0, 1, -1]))).toBe(0);
    expect(planeShareOfPath(plane, path([1, 0, 1, 0]))).toBeCloseTo(0.5, 12);
    expect(planeShareOfPath(plane, [new Float64Array(4)])).toBe(0);
  });
});
