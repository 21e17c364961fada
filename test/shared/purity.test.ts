import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `shared` runs identically on the server and in the browser, and a race is a
 * pure function of its settings and seed. Its tsconfig has no DOM or Node
 * types and Biome refuses Node/Colyseus/Phaser imports; this test covers what
 * neither can see: clocks, unseeded randomness and code evaluation.
 */
const ROOT = join(import.meta.dirname, '../../shared/src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/\bMath\.random\b/, 'unseeded randomness (use random/Rng.ts)'],
  [/\bDate\.now\b|\bnew Date\(/, 'the clock (time comes from the caller)'],
  [/\bperformance\.now\b/, 'the clock (time comes from the caller)'],
  [/\beval\(|new Function\(/, 'code evaluation (formulas are parsed, never evaluated)'],
  [/\b(document|window|localStorage|process)\./, 'a host API (DOM or Node)'],
];

describe('shared stays pure', () => {
  it('uses no clock, unseeded randomness, eval or host APIs', () => {
    const found: string[] = [];
    for (const file of files(ROOT)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
          for (const [re, why] of FORBIDDEN) if (re.test(code)) found.push(`${relative(ROOT, file)}:${i + 1}: ${why}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
