/**
 * The catalogue as a whole (issue 10): at least 20 challenges with distinct
 * ids, every idea of the table covered, every initial setup and hinted
 * setting inside its own controls, stars that rise with a better value, and
 * every challenge measured by a claim file here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { challengeCatalogue, checkSetup, IDEA_IDS, judge } from '@gradient-rally/shared';
import { withSetup } from './harness';

const all = challengeCatalogue();

describe('challenge catalogue', () => {
  it('has at least 20 challenges with distinct ids that are safe in a link', () => {
    expect(all.length).toBeGreaterThanOrEqual(20);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const c of all) expect(c.id).toMatch(/^[a-z0-9-]{1,40}$/);
  });

  it('covers every idea of the table', () => {
    const covered = new Set(all.flatMap((c) => c.ideas));
    expect(IDEA_IDS.filter((i) => !covered.has(i))).toEqual([]);
  });

  it.each(all.map((c) => [c.id, c] as const))('%s: setups inside its controls, hints, ordered stars', (_, c) => {
    expect(() => checkSetup(c, c.initial)).not.toThrow();
    for (const h of c.hints) if (h.try) expect(() => checkSetup(c, withSetup(c, h.try!))).not.toThrow();
    expect(c.hints.length).toBeGreaterThanOrEqual(2);
    const [pass, two, three] = c.goal.stars;
    expect(pass).toBeGreaterThanOrEqual(two);
    expect(two).toBeGreaterThanOrEqual(three);
    expect(judge(c.goal, three).stars).toBe(3);
    expect(judge(c.goal, null).pass).toBe(false);
  });

  it('every challenge is measured by a claim file in this folder', () => {
    const dir = import.meta.dirname;
    const text = readdirSync(dir)
      .filter((f) => f.endsWith('.challenges.test.ts'))
      .map((f) => readFileSync(resolve(dir, f), 'utf8'))
      .join('\n');
    expect(all.filter((c) => !text.includes(`'${c.id}'`)).map((c) => c.id)).toEqual([]);
  });
});
