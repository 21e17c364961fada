/**
 * Claims: every sentence the game shows a learner, with the frequency its
 * wording implies, measured and asserted. Each test file records its claims
 * here and prints them as a table a reader can check against the texts.
 */
import { expect } from 'vitest';

/**
 * How a sentence's wording is read:
 * - 'happens' ("X happens"): at least 90 % of runs;
 * - 'can' ("can", "often", "most", "more often than not"): at least 50 %;
 * - 'better' ("A does better than B"): A better in at least 80 % of paired runs;
 * - 'about' ("about half", "three in four"): within 15 points of `target`;
 * - 'atLeast' ("at least one in six"): at least `target`;
 * - 'atMost' (an acceptance bound, "at most 5 %"): at most `target`;
 * - 'rarely' ("rarely"): at most 10 %;
 * - 'never' ("never", "does not"): in none of the runs;
 * - 'fact': a property of the terrain or a definition, computed exactly (must hold).
 */
export type Wording = 'happens' | 'can' | 'better' | 'about' | 'atLeast' | 'atMost' | 'rarely' | 'never' | 'fact';

export interface Claim {
  /** Where the text is shown: a terrain kind, 'note', 'results', 'solo'. */
  where: string;
  /** The exact sentence (or note template) as shown. */
  sentence: string;
  /** What was measured, in a few words. */
  measured: string;
  wording: Wording;
  k: number;
  n: number;
  /** For 'about': the proportion the words name. */
  target?: number;
}

const recorded: Claim[] = [];

export function threshold(c: Pick<Claim, 'wording' | 'target'>): string {
  switch (c.wording) {
    case 'happens':
      return '≥ 90 %';
    case 'can':
      return '≥ 50 %';
    case 'better':
      return '≥ 80 % of pairs';
    case 'rarely':
      return '≤ 10 %';
    case 'never':
      return 'none';
    case 'about':
      return `${Math.round(100 * (c.target ?? 0))} ± 15 %`;
    case 'atLeast':
      return `≥ ${Math.round(100 * (c.target ?? 0))} %`;
    case 'atMost':
      return `≤ ${Math.round(100 * (c.target ?? 0))} %`;
    case 'fact':
      return 'all';
  }
}

export function holds(c: Claim): boolean {
  const p = c.n === 0 ? NaN : c.k / c.n;
  switch (c.wording) {
    case 'happens':
      return p >= 0.9;
    case 'can':
      return p >= 0.5;
    case 'better':
      return p >= 0.8;
    case 'rarely':
      return p <= 0.1;
    case 'never':
      return c.k === 0;
    case 'about':
      return Math.abs(p - (c.target ?? NaN)) <= 0.15;
    case 'atLeast':
      return p >= (c.target ?? NaN);
    case 'atMost':
      return p <= (c.target ?? NaN);
    case 'fact':
      return c.k === c.n && c.n > 0;
  }
}

/** Records a claim and asserts it. Statistical claims need at least 50 runs. */
export function claim(c: Claim): void {
  recorded.push(c);
  if (c.wording !== 'fact') expect(c.n, `${c.sentence} — ${c.measured}: too few runs`).toBeGreaterThanOrEqual(50);
  expect(holds(c), `${c.where}: "${c.sentence}" — ${c.measured}: ${c.k}/${c.n}, needs ${threshold(c)}`).toBe(true);
}

/** Counts how many of `items` satisfy `test`. */
export function count<T>(items: readonly T[], test: (x: T, i: number) => boolean): number {
  let k = 0;
  items.forEach((x, i) => {
    if (test(x, i)) k++;
  });
  return k;
}

/** The sentences of a lesson (split after a full stop followed by a capital or a digit). */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=\.)(?<!\bal\.)\s+(?=[A-Z0-9(])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Asserts that every sentence of `text` was claimed under `where` in this file. */
export function expectEverySentenceClaimed(where: string, text: string): void {
  const claimed = new Set(recorded.filter((c) => c.where === where).map((c) => c.sentence));
  for (const s of sentences(text)) expect(claimed.has(s), `${where}: no claim measures "${s}"`).toBe(true);
}

/** Prints the claims recorded in this file: claim, wording, measured frequency, verdict. */
export function printClaims(title: string): void {
  const rows = recorded.map((c) => {
    const p = c.n === 0 ? '—' : `${c.k}/${c.n} (${Math.round((100 * c.k) / c.n)} %)`;
    return `| ${c.where} | ${c.sentence.replace(/\|/g, '/')} | ${c.measured} | ${threshold(c)} | ${p} | ${holds(c) ? 'true' : 'FALSE'} |`;
  });
  console.log(
    [`\n### ${title}`, '| where | sentence | measured | wording needs | measured | verdict |', '|---|---|---|---|---|---|', ...rows].join(
      '\n',
    ),
  );
}
