/**
 * The lessons report: for every catalogue terrain under its preset, 50
 * typical-class rounds (the field of test/shared/claims/field.ts: the
 * preset's contrast, eight students, an idle racer at the smallest learning
 * rate and one at the largest), and who wins them; then, on sharp vs flat,
 * how often each way out of the sharp pit ends in the flat basin, from the
 * same 100 starts around the shared start.
 *
 * Run: npm run bench -- lessons
 */
import { createLandscape, formatScore, type CatalogueEntry } from '../../shared/src/index';
import { CATALOGUE, displayed, fieldRounds, presetSettings, runRacer, startsAround } from '../shared/claims/field';

const ROUNDS = 50;
const pct = (k: number, n: number) => `${Math.round((100 * k) / n)} %`;

function presetLine(e: CatalogueEntry): string {
  const s = e.preset.settings;
  const start = s.startRule?.kind === 'shared' ? `shared (${s.startRule.point.join(', ')})` : (s.startRule?.kind ?? 'shared, seeded');
  const sc = s.scoring as Record<string, unknown>;
  const scoring = Object.entries(sc)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `start ${start}; ${s.roundSeconds} s × ${s.tickRate ?? 20} Hz × ${s.stepsPerTick ?? 2}; ${sc.kind} (${scoring}); lr [${s.knobRanges?.lr?.join(', ')}]`;
}

console.log(`\n## Win rates over ${ROUNDS} typical-class rounds per terrain (ties at 1st count for everyone tied)\n`);
console.log('| terrain | preset | idle wins | max-lr wins | contrast wins | typical wins | 1st ≠ 2nd shown | median winning score |');
console.log('|---|---|---|---|---|---|---|---|');
const t0 = Date.now();
for (const e of CATALOGUE) {
  const { settings, rounds } = fieldRounds(e.spec.kind, ROUNDS);
  const wins = (role: (r: string) => boolean) =>
    rounds.filter((r) => r.results.some((x) => x.rank === 1 && role(r.field.find((f) => f.id === x.id)!.role))).length;
  const contrast = e.preset.contrast
    .map(
      (c) =>
        `${c.label}: ${pct(
          wins((r) => r === `contrast:${c.label}`),
          ROUNDS,
        )}`,
    )
    .join('; ');
  const differ = rounds.filter(
    (r) => r.results[0].rank !== r.results[1].rank && displayed(r.results[0], settings) !== displayed(r.results[1], settings),
  ).length;
  const winning = rounds
    .map((r) => r.results[0].score)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  console.log(
    `| ${e.spec.kind} | ${presetLine(e)} | ${pct(
      wins((r) => r === 'idle'),
      ROUNDS,
    )} | ${pct(
      wins((r) => r === 'max-lr'),
      ROUNDS,
    )} | ${contrast} | ${pct(
      wins((r) => r === 'typical'),
      ROUNDS,
    )} | ${pct(differ, ROUNDS)} | ${winning.length ? formatScore(settings.scoring, winning[Math.floor(winning.length / 2)]) : '—'} |`,
  );
}

console.log('\n## Sharp vs flat: where each way out ends, from the same 100 starts around the shared start\n');
const E = CATALOGUE.find((c) => c.spec.kind === 'sharp-vs-flat')!;
const L = createLandscape(E.spec);
const settings = presetSettings(E, { startRule: { kind: 'choose' } });
const start = (E.preset.settings.startRule as { point: [number, number] }).point;
const starts = startsAround(start, 0.3, 100, 'bench-svf');
const pit = L.info.points.find((p) => p.basin === 'sharp')!.point;
const inPit = starts.map((_, i) => [pit[0] + 0.01 * Math.cos(i), pit[1] + 0.01 * Math.sin(i)]);
const cosine = { kind: 'cosine', tMax: 1200, etaMin: 0 };
const ways: [string, Record<string, unknown>][] = [
  ['plain SGD, lr 0.01', { kind: 'sgd', lr: 0.01 }],
  ['plain SGD, lr 0.003', { kind: 'sgd', lr: 0.003 }],
  ['momentum 0.9, lr 0.01', { kind: 'sgd', lr: 0.01, momentum: 0.9 }],
  ['Adam, lr 0.05', { kind: 'adam', lr: 0.05 }],
  ['SAM ρ 0.2, lr 0.01', { kind: 'sgd', lr: 0.01, samRadius: 0.2 }],
  ['SAM ρ 0.5, lr 0.01', { kind: 'sgd', lr: 0.01, samRadius: 0.5 }],
  ['SAM ρ 0.9, lr 0.01', { kind: 'sgd', lr: 0.01, samRadius: 0.9 }],
  ['noise σ 10, lr 0.01', { kind: 'sgd', lr: 0.01, noise: 10 }],
  ['noise σ 10, lr 0.01, cosine', { kind: 'sgd', lr: 0.01, noise: 10, schedule: cosine }],
  ['noise σ 5, lr 0.01, cosine', { kind: 'sgd', lr: 0.01, noise: 5, schedule: cosine }],
  ['large lr 0.05', { kind: 'sgd', lr: 0.05 }],
  ['large lr 0.3', { kind: 'sgd', lr: 0.3 }],
  ['large lr 1.5', { kind: 'sgd', lr: 1.5 }],
];
console.log('| optimizer | flat basin (from the wall) | sharp pit | diverged | median score | flat basin (started in the pit) |');
console.log('|---|---|---|---|---|---|');
for (const [name, o] of ways) {
  const wall = starts.map((s, i) => runRacer(settings, o as { kind: string }, s, `bench-svf:${name}:${i}`));
  const inside = inPit.map((s, i) => runRacer(settings, o as { kind: string }, s, `bench-svf-in:${name}:${i}`));
  const flat = wall.filter((r) => r.status !== 'diverged' && r.basin === 'flat').length;
  const sharp = wall.filter((r) => r.status !== 'diverged' && r.basin === 'sharp').length;
  const div = wall.filter((r) => r.status === 'diverged').length;
  const scores = wall
    .map((r) => r.score)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  const out = inside.filter((r) => r.status !== 'diverged' && r.basin === 'flat').length;
  console.log(
    `| ${name} | ${pct(flat, 100)} | ${pct(sharp, 100)} | ${pct(div, 100)} | ${scores.length ? formatScore(settings.scoring, scores[Math.floor(scores.length / 2)]) : '—'} | ${pct(out, 100)} |`,
  );
}
console.log(`\n(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
