/**
 * The score, on every catalogue terrain under its preset: the acceptance
 * criteria of a score that honestly rewards minima (flat ones where the rule
 * is robust loss), measured over 50 typical-class rounds each, and the
 * sentences under the results table.
 *
 * - idling (the smallest learning rate allowed) wins at most 5 % of rounds;
 * - the largest learning rate allowed wins at most 5 %;
 * - the best achievable score lies at a minimum (within 2 % of the view's
 *   diagonal of the minimum gradient flow reaches from it), never on a saddle,
 *   a maximum or a slope; under time-to-target, every point of the target set
 *   drains to a minimum within 5 % of the diagonal;
 * - ties show as ties: adjacent rows share a rank exactly when their displayed
 *   score and settling time are the same;
 * - in most rounds 1st and 2nd differ in what the table shows.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import {
  analyze,
  createLandscape,
  createOptimizer,
  drainToKnownMinimum,
  formatScore,
  hasTestLoss,
  Race,
  Rng,
  robustLoss,
  roundScore,
  scoreOf,
  scoringExplanation,
  type Landscape,
  type RaceSettings,
  type Seed,
} from '@gradient-rally/shared';
import { claim, count, expectEverySentenceClaimed, printClaims, sentences } from './claims';
import { CATALOGUE, displayed, entry, fieldRounds, presetSettings, roundUpdates, runRound, typicalField } from './field';

/** Gradient flow (descent with a backtracking line search) from p; returns where it stops. */
function drain(L: Landscape, p: readonly number[]): number[] {
  const b = L.info.bounds;
  const diag = Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);
  const x = Float64Array.from(p);
  const g = new Float64Array(2);
  const t2 = new Float64Array(2);
  let f = L.valueAndGradientInto(x, g);
  let t = 1e-3 * diag;
  for (let it = 0; it < 20000; it++) {
    const gg = g[0] * g[0] + g[1] * g[1];
    if (!(gg > 1e-24)) break;
    let ft = Infinity;
    for (let k = 0; k < 60; k++) {
      t2[0] = x[0] - t * g[0];
      t2[1] = x[1] - t * g[1];
      ft = L.value(t2);
      if (ft <= f - 0.5 * t * gg) break;
      t /= 2;
    }
    if (!(ft <= f - 0.5 * t * gg)) break;
    x.set(t2);
    f = L.valueAndGradientInto(x, g);
    t *= 2;
  }
  return Array.from(x);
}

/** The score a racer resting at p would get (before rounding), under the round's rule. */
function scoreAt(L: Landscape, s: RaceSettings, p: number[]): number {
  const sc = s.scoring;
  if (sc.kind === 'robust-loss') return robustLoss(L, p, { radius: sc.radius, samples: sc.samples, seed: 'robust:best' });
  if (sc.kind === 'test-loss' && hasTestLoss(L)) return L.evaluate(p).testLoss ?? Infinity;
  return L.value(p);
}

/** The best score over the view: an n×n grid, then a pattern search from its best point. */
function bestScorePoint(L: Landscape, s: RaceSettings, n: number): number[] {
  const b = L.info.bounds;
  let best = [0, 0];
  let bestV = Infinity;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const p = [b.xMin + ((b.xMax - b.xMin) * i) / (n - 1), b.yMin + ((b.yMax - b.yMin) * j) / (n - 1)];
      const v = scoreAt(L, s, p);
      if (v < bestV) {
        bestV = v;
        best = p;
      }
    }
  let step = (b.xMax - b.xMin) / (n - 1);
  while (step > 1e-7 * (b.xMax - b.xMin)) {
    let moved = false;
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]) {
      const q = [best[0] + dx * step, best[1] + dy * step];
      const v = scoreAt(L, s, q);
      if (v < bestV) {
        bestV = v;
        best = q;
        moved = true;
      }
    }
    if (!moved) step /= 2;
  }
  return best;
}

afterAll(() => printClaims('The score and the notes on every catalogue terrain (preset rules, 50 typical-class rounds each)'));

describe.each(CATALOGUE.map((e) => [e.spec.kind, e] as const))('%s under its preset', (kind, e) => {
  const L = createLandscape(e.spec);
  const b = e.bounds;
  const diag = Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);

  it('neither idling nor the largest learning rate wins; ties show as ties; 1st and 2nd differ', () => {
    const { settings, rounds } = fieldRounds(kind);
    const n = rounds.length;
    const wins = (id: string) => count(rounds, (r) => r.results.some((x) => x.id === id && x.rank === 1));
    claim({
      where: kind,
      sentence: 'acceptance: idling (the smallest learning rate) wins',
      measured: `SGD lr ${settings.knobRanges.lr[0]} ranked 1st (ties included)`,
      wording: 'atMost',
      target: 0.05,
      k: wins('idle'),
      n,
    });
    claim({
      where: kind,
      sentence: 'acceptance: the largest learning rate wins',
      measured: `SGD lr ${settings.knobRanges.lr[1]} ranked 1st (ties included)`,
      wording: 'atMost',
      target: 0.05,
      k: wins('max-lr'),
      n,
    });
    let pairs = 0;
    let consistent = 0;
    for (const r of rounds)
      for (let i = 1; i < r.results.length; i++) {
        pairs++;
        const sameRank = r.results[i].rank === r.results[i - 1].rank;
        const sameText = displayed(r.results[i], settings) === displayed(r.results[i - 1], settings);
        if (sameRank === sameText) consistent++;
      }
    claim({
      where: kind,
      sentence: 'acceptance: ties show as ties',
      measured: `adjacent rows: same rank exactly when the same score and settling time are shown (${pairs} pairs)`,
      wording: 'fact',
      k: consistent,
      n: pairs,
    });
    const differ = count(
      rounds,
      (r) => r.results[0].rank !== r.results[1].rank && displayed(r.results[0], settings) !== displayed(r.results[1], settings),
    );
    claim({
      where: kind,
      sentence: 'acceptance: 1st and 2nd differ in the displayed digits in most rounds',
      measured: 'rounds where the table shows 1st and 2nd differently',
      wording: 'can',
      k: differ,
      n,
    });
  });

  it('the best achievable score lies at a minimum', () => {
    const { settings } = fieldRounds(kind);
    const sc = settings.scoring;
    if (sc.kind === 'time-to-target') {
      // Where racers score: the points at which finishers first reached the target, over every round.
      const { rounds } = fieldRounds(kind);
      const ends = rounds.flatMap((r) => r.results.filter((x) => x.status === 'finished').map((x) => x.endPoint));
      const atMinimum = count(ends, (p) => {
        const m = drain(L, p);
        return analyze(L, m).kind === 'minimum' && Math.hypot(m[0] - p[0], m[1] - p[1]) <= 0.05 * diag;
      });
      const higher = L.info.points.filter((q) => q.kind === 'saddle' || q.kind === 'maximum').every((q) => q.value > sc.target);
      claim({
        where: kind,
        sentence: 'acceptance: the best achievable score lies at a minimum',
        measured: `target loss ${sc.target}, above no saddle or maximum: ${higher}; finishing points (${ends.length}) that drain to a minimum within 5 % of the view's diagonal`,
        wording: 'fact',
        k: higher ? atMinimum : 0,
        n: ends.length,
      });
      return;
    }
    const p = bestScorePoint(L, settings, L.dataSize === undefined ? 121 : 41);
    const m = drain(L, p);
    const a = analyze(L, m);
    const d = Math.hypot(m[0] - p[0], m[1] - p[1]);
    claim({
      where: kind,
      sentence: 'acceptance: the best achievable score lies at a minimum',
      measured: `best ${sc.kind} over the view at (${p.map((v) => v.toPrecision(4)).join(', ')}); gradient flow from there ends ${(d / diag).toExponential(1)} of the diagonal away, at a ${a.kind} (λ ${a.eigenvalues.map((v) => v.toPrecision(3)).join(', ')})`,
      wording: 'fact',
      k: Number(a.kind === 'minimum' && d <= 0.02 * diag),
      n: 1,
    });
  });
});

describe.each(CATALOGUE.map((e) => [e.spec.kind] as const))('the explanation under the results table, %s', (kind) => {
  it('every sentence of it holds in the rounds', () => {
    const { settings, rounds } = fieldRounds(kind);
    const where = `results:${kind}`;
    const text = scoringExplanation(settings);
    const S = sentences(text);
    const L = createLandscape(settings.landscape);
    const sc = settings.scoring;
    const rows = rounds.flatMap((r) => r.results.map((x) => ({ r, x })));

    // What the score is: the rule applied at the end point, rounded as shown.
    const scored = rows.filter(({ x }) => x.status !== 'diverged');
    const ruleHolds = count(scored, ({ r, x }) => {
      let raw: number | null;
      if (sc.kind === 'robust-loss') raw = robustLoss(L, x.endPoint, { radius: sc.radius, samples: sc.samples, seed: `robust:${r.seed}` });
      else if (sc.kind === 'time-to-target') {
        const v = r.race.racer(x.id)!;
        raw = v.finishUpdates === null ? null : v.finishUpdates / (settings.stepsPerTick * settings.tickRate);
      } else raw = L.value(x.endPoint);
      return roundScore(raw, sc) === x.score;
    });
    claim({
      where,
      sentence: `${S[0]} (what it is)`,
      measured: `non-diverged racers (${scored.length}): the score shown is the rule applied at the end point, rounded as shown`,
      wording: 'fact',
      k: ruleHolds,
      n: scored.length,
    });
    if (sc.kind === 'robust-loss') {
      // "A wide, flat basin barely notices the nudges, a narrow, sharp one does": pairs at rest in minima, λ_max ≥ 1.5× apart.
      let pairs = 0;
      let agree = 0;
      for (const r of rounds) {
        const rest = r.results.filter(
          (x) => x.pointClass === 'minimum' && x.lambdaMax !== null && x.robustLoss !== null && x.finalLoss !== null,
        );
        for (let a = 0; a < rest.length; a++)
          for (let b = a + 1; b < rest.length; b++) {
            const [flat, sharp] = rest[a].lambdaMax! < rest[b].lambdaMax! ? [rest[a], rest[b]] : [rest[b], rest[a]];
            if (sharp.lambdaMax! < 1.5 * flat.lambdaMax!) continue;
            pairs++;
            if (sharp.robustLoss! - sharp.finalLoss! > flat.robustLoss! - flat.finalLoss!) agree++;
          }
      }
      claim({
        where,
        sentence: S[0],
        measured: `pairs of racers at rest in minima whose λ_max differ ≥ 1.5× (${pairs}): the sharper one loses more to the nudges`,
        wording: 'happens',
        k: agree,
        n: pairs,
      });
    } else claim({ where, sentence: S[0], measured: 'as above', wording: 'fact', k: ruleHolds, n: scored.length });

    if (sc.kind !== 'time-to-target') {
      let ties = 0;
      let first = 0;
      for (const r of rounds)
        for (let i = 1; i < r.results.length; i++) {
          const [a, b] = [r.results[i - 1], r.results[i]];
          if (a.score === null || a.score !== b.score || a.rank === b.rank) continue;
          ties++;
          if ((a.settledSeconds ?? Infinity) < (b.settledSeconds ?? Infinity)) first++;
        }
      claim({
        where,
        sentence: 'Equal scores go to whoever came to rest first.',
        measured: `equal scores ranked apart (${ties}): the higher one came to rest sooner`,
        wording: 'fact',
        k: first,
        n: ties,
      });
    } else {
      let none = 0;
      let level = 0;
      for (const r of rounds) {
        const last = Math.max(...r.results.map((x) => x.rank));
        for (const x of r.results.filter((y) => y.score === null)) {
          none++;
          if (x.rank === last) level++;
        }
      }
      claim({
        where,
        sentence: S[0],
        measured: `racers without a time (${none}): all on the last rank`,
        wording: 'fact',
        k: level,
        n: none,
      });
    }

    const withLambda = rows.filter(({ x }) => x.lambdaMax !== null);
    const sharpness = count(withLambda, ({ x }) => {
      if (L.dim !== 2 || L.dataSize !== undefined) return x.eigenvalues.length > 0 && x.lambdaMax === Math.max(...x.eigenvalues);
      return Math.max(...analyze(L, x.endPoint).eigenvalues) === x.lambdaMax;
    });
    claim({
      where,
      sentence: 'Sharpness λmax is the steepest curvature at the end point.',
      measured: `racers with a λmax (${withLambda.length}): it is the largest Hessian eigenvalue at their end point`,
      wording: 'fact',
      k: sharpness,
      n: withLambda.length,
    });

    expectEverySentenceClaimed(where, text);
  });
});

describe('the explanation under the results table, test loss', () => {
  it('the score is the loss on held-out data at the end point', () => {
    const e = entry('mlp');
    const settings = presetSettings(e, { scoring: { kind: 'test-loss' }, roundSeconds: 5 });
    const S = sentences(scoringExplanation(settings));
    const L = createLandscape(settings.landscape);
    let n = 0;
    let k = 0;
    for (let i = 0; i < 10; i++) {
      const seed = `test-loss:${i}`;
      const { results } = runRound(settings, typicalField(e, settings, seed, roundUpdates(settings)), seed);
      for (const x of results) {
        if (x.status === 'diverged' || !hasTestLoss(L)) continue;
        n++;
        if (roundScore(L.evaluate(x.endPoint).testLoss, settings.scoring) === x.score) k++;
      }
    }
    claim({
      where: 'results:test-loss',
      sentence: S[0],
      measured: `racers of 10 short moons rounds scored by test loss (${n}): the score is the held-out loss at the end point, rounded as shown`,
      wording: 'fact',
      k,
      n,
    });
    claim({
      where: 'results:test-loss',
      sentence: S[1],
      measured: 'the same rule as every non-timed score (measured on every terrain above)',
      wording: 'fact',
      k: 1,
      n: 1,
    });
    claim({
      where: 'results:test-loss',
      sentence: S[2],
      measured: 'the same sentence as every terrain above',
      wording: 'fact',
      k: 1,
      n: 1,
    });
    expectEverySentenceClaimed('results:test-loss', scoringExplanation(settings));
  });
});

// ───────────────────────── the "what happened" notes ─────────────────────────

/** Every result row of every terrain's typical-class rounds, with its round. */
function allRows() {
  return CATALOGUE.flatMap((c) => {
    const { settings, rounds } = fieldRounds(c.spec.kind);
    return rounds.flatMap((r) => r.results.map((x) => ({ kind: c.spec.kind, settings, round: r, x })));
  });
}

/** Re-runs one racer of a round alone, with `change` applied to its optimizer (same id, start, seed and rules). */
function rerun(
  settings: RaceSettings,
  seed: Seed,
  id: string,
  optimizer: Record<string, unknown>,
  start: number[],
  change: Record<string, unknown>,
) {
  const race = new Race({ ...settings, seed, startRule: { kind: 'choose' } }, seed);
  const v = race.addRacer(id, { optimizer: { ...optimizer, ...change }, start: start.length === 2 ? start : undefined });
  while (!race.isOver()) race.tick();
  return { status: v.status, score: scoreOf(race, v) };
}

describe('the notes', () => {
  const rows = allRows();
  const startOf = (r: (typeof rows)[number]) => {
    const f = r.round.field.find((x) => x.id === r.x.id)!;
    if (f.start) return f.start;
    const rule = r.settings.startRule;
    if (rule.kind === 'shared') return rule.point;
    return r.round.race.record().racers.find((j) => j.id === r.x.id)!.start;
  };

  it('advice is given only when the re-run with it scored better, and says what it scored', () => {
    const advised = rows.filter((r) => r.x.advice !== null && r.kind !== 'mlp');
    const ok = count(advised, (r) => {
      const out = rerun(
        r.settings,
        r.round.seed,
        r.x.id,
        r.round.field.find((f) => f.id === r.x.id)!.optimizer,
        startOf(r),
        r.x.advice!.change,
      );
      const better = r.x.score === null || (out.score !== null && out.score < r.x.score);
      return (
        out.status !== 'diverged' &&
        out.score === r.x.advice!.score &&
        better &&
        r.x.note.includes(`would have scored ${formatScore(r.settings.scoring, out.score)}`)
      );
    });
    claim({
      where: 'note',
      sentence: 'Re-run from the same start with the same random draws, <change> would have scored <S> instead of <O>.',
      measured: `every advised racer of every terrain's 50 rounds (${advised.length} of ${rows.length} rows), re-run independently with the change: same score S, better than its own`,
      wording: 'fact',
      k: ok,
      n: advised.length,
    });
  });

  it('the Class column and the note never disagree', () => {
    const atPoint: Record<string, string[]> = {
      'global-minimum': ['minimum'],
      'local-minimum': ['minimum'],
      minimum: ['minimum'],
      saddle: ['saddle', 'degenerate'],
      maximum: ['maximum'],
    };
    const agree = count(rows, (r) => {
      const want = atPoint[r.x.noteKind];
      return want ? want.includes(r.x.pointClass ?? '') && r.x.settledSeconds !== null : r.x.pointClass === null;
    });
    claim({
      where: 'note',
      sentence: 'Class column ↔ note kind',
      measured: `rows whose Class is a critical point exactly when the note says the racer rests at one (${rows.length} rows)`,
      wording: 'fact',
      k: agree,
      n: rows.length,
    });
  });

  it('after the host ends a round early, no note speaks of time running out', () => {
    let n = 0;
    let clean = 0;
    for (const kind of ['sharp-vs-flat', 'rosenbrock', 'rastrigin']) {
      const e = entry(kind);
      const settings = presetSettings(e);
      for (let k = 0; k < 20; k++) {
        const seed = `early:${kind}:${k}`;
        const field = typicalField(e, settings, seed, roundUpdates(settings));
        const half = Math.round(((settings.roundSeconds ?? 60) * settings.tickRate) / 2);
        for (const x of runRound(settings, field, seed, { endAtTick: half }).results) {
          n++;
          if (!/time ran out|when time|time was up/i.test(x.note)) clean++;
        }
      }
    }
    claim({
      where: 'note',
      sentence: 'no "when time ran out" after End race',
      measured: 'notes of 60 rounds ended at half time by the host',
      wording: 'fact',
      k: clean,
      n,
    });
  });

  it('a diverged SGD racer is told lr·λ_max at its last finite point, above its stability limit', () => {
    const told = rows.filter(
      (r) => r.x.noteKind === 'diverged' && r.x.note.includes('where gradient descent steps overshoot the valley floor'),
    );
    const over = count(told, (r) => {
      const o = r.x.optimizer as unknown as { lr: number; momentum: number; nesterov: boolean; schedule: unknown };
      const limit = o.nesterov ? (2 * (1 + o.momentum)) / (1 + 2 * o.momentum) : 2 * (1 + o.momentum);
      const L = createLandscape(r.settings.landscape);
      const top = Math.max(...analyze(L, r.x.endPoint).eigenvalues);
      return o.schedule !== null || (o.lr * top > limit && top === r.x.lambdaMax);
    });
    claim({
      where: 'note',
      sentence:
        'Diverged after <n> updates: at the last finite point <P> the steepest curvature is λ_max = <λ>, so lr·λ_max = <lr> × <λ> = <p>, above <limit>, where gradient descent steps overshoot the valley floor by more than they correct.',
      measured: `SGD racers told so (${told.length}): λ_max recomputed at the last finite point, and lr·λ_max above the limit for their momentum`,
      wording: 'fact',
      k: over,
      n: told.length,
    });
  });

  it('"plain gradient steps cannot leave" a local minimum; the minima notes name the right points', () => {
    const local = rows.filter((r) => r.x.noteKind === 'local-minimum');
    const stays = count(local, (r) => {
      const L = createLandscape(r.settings.landscape);
      if (L.dim !== 2 || L.dataSize !== undefined) return true;
      const a = analyze(L, r.x.endPoint);
      const o = createOptimizer({ kind: 'sgd', lr: 1 / a.eigenvalues[1] }, 2);
      const th = Float64Array.from(r.x.endPoint);
      const rng = new Rng(0);
      for (let i = 0; i < 500; i++) o.stepInPlace(th, L, rng);
      const b = L.info.bounds;
      return (
        a.kind === 'minimum' &&
        Math.hypot(th[0] - r.x.endPoint[0], th[1] - r.x.endPoint[1]) < 0.02 * Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin)
      );
    });
    claim({
      where: 'note',
      sentence: 'Every direction goes uphill from here, so plain gradient steps cannot leave.',
      measured: `racers told they stopped in a local minimum (${local.length}): Hessian positive definite there, and 500 plain steps at lr 1/λ_max from there stay within 2 % of the view's diagonal (the "near a critical point" the note needs)`,
      wording: 'fact',
      k: stays,
      n: local.length,
    });
    const global = rows.filter((r) => r.x.noteKind === 'global-minimum');
    const really = count(global, (r) => {
      const L = createLandscape(r.settings.landscape);
      const b = L.info.bounds;
      const m = drainToKnownMinimum(L, r.x.endPoint);
      const d = m ? Math.hypot(m.point[0] - r.x.endPoint[0], m.point[1] - r.x.endPoint[1]) : Infinity;
      return m?.kind === 'global-minimum' && d <= 0.002 * Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin) && r.x.pointClass === 'minimum';
    });
    claim({
      where: 'note',
      sentence: 'Reached the global minimum: loss <X> (the lowest possible is <Y>).',
      measured: `racers told so (${global.length}): at rest in a minimum, within the settle distance (0.2 % of the view's diagonal) of a known global minimum that gradient flow from there reaches`,
      wording: 'fact',
      k: really,
      n: global.length,
    });
  });

  it('moving racers: "still going downhill" is going lower; bouncing and jittering ones are not at rest', () => {
    const downhill = rows.filter(
      (r) => r.x.noteKind === 'still-moving' && r.x.note.startsWith('Still going downhill') && r.x.status !== 'budget-spent',
    );
    // Independently: the same racer cut 5 % of its ticks short had a higher loss.
    const sample = downhill.filter((_, i) => i % Math.max(1, Math.floor(downhill.length / 60)) === 0);
    const lower = count(sample, (r) => {
      const ticks = r.round.race.tickCount - r.x.joinTick;
      const cut = r.round.race.tickCount - Math.max(2, Math.ceil(0.05 * ticks));
      const race = new Race({ ...r.settings, seed: r.round.seed }, r.round.seed);
      const v = race.addRacer(r.x.id, {
        optimizer: r.round.field.find((f) => f.id === r.x.id)!.optimizer,
        start: r.settings.startRule.kind === 'choose' ? startOf(r) : undefined,
      });
      while (race.tickCount < cut) race.tick();
      return r.x.finalLoss !== null && r.x.finalLoss < v.loss;
    });
    claim({
      where: 'note',
      sentence: 'Still going downhill at the end of the round: loss <X> (gradient norm <g>).',
      measured: `${sample.length} of the ${downhill.length} racers told so, re-run to 5 % before the end: their final loss is lower than it was then`,
      wording: 'happens',
      k: lower,
      n: sample.length,
    });
    const moving = rows.filter((r) => ['bouncing', 'jittering', 'still-moving'].includes(r.x.noteKind));
    claim({
      where: 'note',
      sentence: 'Bouncing … / Still jittering … / Still moving … but no longer getting lower …',
      measured: `every racer told it is still moving (${moving.length}) is not at rest (no settling time) and has no Class`,
      wording: 'fact',
      k: count(moving, (r) => r.x.settledSeconds === null && r.x.pointClass === null),
      n: moving.length,
    });
    const jitter = rows.filter((r) => r.x.noteKind === 'jittering' && r.x.basin !== null);
    const drained = count(jitter, (r) => {
      const L = createLandscape(r.settings.landscape);
      return drainToKnownMinimum(L, r.x.endPoint)?.basin === r.x.basin;
    });
    claim({
      where: 'note',
      sentence: 'Still jittering in the basin of the <label> at <Q> …',
      measured: `jittering racers named a flat or sharp basin (${jitter.length}): gradient flow from their end point goes there`,
      wording: 'fact',
      k: drained,
      n: jitter.length,
    });
  });

  it('racers at rest away from a critical point are told what holds there', () => {
    const resting = rows.filter((r) => r.x.noteKind === 'stopped');
    const ok = count(resting, (r) => {
      if (r.x.settledSeconds === null || r.x.pointClass !== null) return false;
      const L = createLandscape(r.settings.landscape);
      const g = new Float64Array(L.dim);
      L.valueAndGradientInto(r.x.endPoint, g);
      const gn = Math.hypot(...g);
      const o = r.x.optimizer as unknown as { lr: number; samRadius: number };
      if (r.x.note.includes('SAM steps with the gradient')) {
        const probe = r.x.endPoint.map((v, i) => v + (o.samRadius * g[i]) / (gn + 1e-12));
        const h = new Float64Array(L.dim);
        L.valueAndGradientInto(probe, h);
        return Math.hypot(...h) < 0.1 * gn;
      }
      const b = L.info.bounds;
      if (r.x.note.startsWith('Barely moving')) return o.lr * gn < 1e-4 * Math.hypot(b.xMax - b.xMin, b.yMax - b.yMin);
      return r.x.note.startsWith('Came to rest');
    });
    claim({
      where: 'note',
      sentence:
        'Came to rest on a slope … SAM steps with the gradient ρ uphill, and that one is almost zero … / Barely moving: its steps are only lr·‖g‖ long … / Came to rest …',
      measured: `racers told so (${resting.length}): at rest, no Class, and the SAM gradient (under a tenth of the slope) or the step length (under 1e-4 of the view) recomputed`,
      wording: 'fact',
      k: ok,
      n: resting.length,
    });
  });

  it("Newton's method is drawn to saddles and maxima: the sentences its notes add", () => {
    const svf = createLandscape('sharp-vs-flat');
    const rim = svf.info.points.find((p) => p.kind === 'saddle')!.point;
    const him = createLandscape('himmelblau');
    const max = him.info.points.find((p) => p.kind === 'maximum')!.point;
    const rng = new Rng('newton-notes');
    const near = (c: number[], r: number) =>
      Array.from({ length: 60 }, () => [c[0] + r * (2 * rng.uniform() - 1), c[1] + r * (2 * rng.uniform() - 1)]);
    const lands = (L: Landscape, starts: number[][], target: number[]) =>
      count(starts, (s) => {
        const o = createOptimizer({ kind: 'newton', lr: 1 }, 2);
        const th = Float64Array.from(s);
        const g = new Rng(0);
        for (let i = 0; i < 50; i++) o.stepInPlace(th, L, g);
        return Math.hypot(th[0] - target[0], th[1] - target[1]) < 1e-6;
      });
    claim({
      where: 'note',
      sentence: "Newton's method is drawn to saddles as much as to minima: it seeks any point where the gradient vanishes.",
      measured: 'Newton (lr 1) from 60 starts within 0.01 of the pit’s rim on sharp vs flat ends on that saddle',
      wording: 'happens',
      k: lands(svf, near(rim, 0.01), rim),
      n: 60,
    });
    claim({
      where: 'note',
      sentence: "Newton's method heads for any point where the gradient vanishes, maxima included.",
      measured: "Newton (lr 1) from 60 starts within 0.3 of Himmelblau's maximum ends on it",
      wording: 'happens',
      k: lands(him, near(max, 0.3), max),
      n: 60,
    });
  });

  it("solo shows a round's own note and explanation, and its round ends early when the racer diverges", () => {
    // Solo (client/src/solo) plays one racer under the same rules as a class round and shows that racer's
    // note and the explanation under the table — the texts measured above — plus its round rules.
    const source = readFileSync(fileURLToPath(new URL('../../../client/src/solo/SoloView.ts', import.meta.url)), 'utf8');
    const showsMeasured = source.includes('result.note') && source.includes('scoringExplanation(round.settings)');
    const sentence = 'A round here is <length>, as in class; it ends early if your racer diverges.';
    const shown = source.includes('as in class; it ends early if your racer diverges.');
    // Alone in a race, a diverged racer ends it: diverged racers of the analytic terrains, re-run alone.
    const diverged = rows.filter((r) => r.x.status === 'diverged' && r.kind !== 'mlp').slice(0, 120);
    const ends = count(diverged, (r) => {
      const race = new Race({ ...r.settings, seed: r.round.seed, startRule: { kind: 'choose' } }, r.round.seed);
      const v = race.addRacer(r.x.id, { optimizer: r.round.field.find((f) => f.id === r.x.id)!.optimizer, start: startOf(r) });
      while (!race.isOver()) race.tick();
      return v.status === 'diverged' && (race.maxTicks === null || race.tickCount < race.maxTicks);
    });
    claim({
      where: 'solo',
      sentence,
      measured: `SoloView shows the round's note and explanation: ${showsMeasured}, and this sentence: ${shown}; diverged racers re-run alone (${diverged.length}): the round ended at their divergence, before its time`,
      wording: 'fact',
      k: showsMeasured && shown ? ends : 0,
      n: diverged.length,
    });
  });
});
