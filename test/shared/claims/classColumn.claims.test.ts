/**
 * The results table's Class column (shared's `resultClassText`) says what the
 * row's note says: a racer without a point class that came to rest is "on a
 * slope" (its note says it came to rest on a slope, or barely moves, with a
 * gradient that is not zero); one that never came to rest is "still moving".
 * Measured on sharp-vs-flat's contrast (the noisy racers under a cosine
 * schedule are the ones that come to rest off a critical point), 60 starts.
 */
import { describe, expect, it } from 'vitest';
import { resultClassText } from '@gradient-rally/shared';
import { entry, presetSettings, runRacer, startsAround } from './field';

const E = entry('sharp-vs-flat');
const settings = presetSettings(E, { startRule: { kind: 'choose' } });
const presetStart = (E.preset.settings.startRule as { point: [number, number] }).point;
const starts = startsAround(presetStart, 0.3, 60, 'class-column-starts');

describe('the Class column agrees with the note', () => {
  it('every racer of the lesson’s contrast, from 60 starts', () => {
    let slope = 0;
    let moving = 0;
    for (const c of E.preset.contrast) {
      starts.forEach((s, i) => {
        const r = runRacer(settings, c.optimizer, s, `class-column:${c.label}:${i}`, { results: true }).result!;
        const text = resultClassText(r);
        if (r.pointClass) return expect(text).toBe(r.pointClass);
        expect(text).not.toBe('racing');
        if (text === 'on a slope') {
          slope++;
          expect(r.note, r.note).toMatch(/on a slope|on the slope|Barely moving/);
        }
        if (text === 'still moving') {
          moving++;
          expect(r.settledSeconds).toBeNull();
        }
      });
    }
    console.log(`[class column] ${slope} rows "on a slope", ${moving} "still moving", every note agreeing`);
    expect(slope).toBeGreaterThan(0);
  });
});
