import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `shared` owns every rule the client shows (issue 11): optimizer kinds, the
 * knob table, ranges, tolerances and classification, number formatting and
 * the results export. This test fails when a file in `client/` declares one
 * of them again. Each pattern is checked against the code it was written for
 * (the client's old copies, quoted below), so none of them can silently stop
 * matching.
 */
const ROOT = join(import.meta.dirname, '../../client/src');

const KINDS = '(?:sgd|adam|adamw|rmsprop|adagrad|newton|lbfgs)';
const KNOBS = '(?:lr|momentum|beta2|noise|samRadius|weightDecay|batchSize|schedule)';
const COLUMNS =
  '(?:rank|player_?[iI]d|final_?[lL]oss|robust_?[lL]oss|lambda_?[mM]ax|point_?[cC]lass|gradient_?[eE]valuations|end_?[xX]|end_?[yY])';

interface Rule {
  what: string;
  pattern: RegExp;
  /** The re-declaration this rule was written against (quoted from the client before issue 11). */
  caught: string;
}

const RULES: Rule[] = [
  {
    what: 'a list of optimizer kinds (use OPTIMIZER_KINDS)',
    pattern: new RegExp(`(['"])${KINDS}\\1\\s*[,|]\\s*(['"])${KINDS}\\2`),
    caught: "export const KNOB_OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'newton', 'lbfgs'] as const;",
  },
  {
    what: 'a per-kind rule written as a comparison with an optimizer kind (use knobSlot / knobApplies / knobLabel)',
    pattern: new RegExp(`kind\\s*[!=]==?\\s*(['"])${KINDS}\\1`),
    caught: "case 'beta2':\n      return kind === 'adam' || kind === 'adamw';",
  },
  {
    what: 'a table keyed by optimizer kind (use OPTIMIZER_LABELS or shared)',
    pattern: new RegExp(`^\\s*${KINDS}\\s*:\\s*['"]`, 'm'),
    caught: "  sgd: 'SGD (momentum, Nesterov)',\n  adam: 'Adam',",
  },
  {
    what: 'a list or union of knob names (use KNOB_NAMES / NUMERIC_KNOBS and KNOBS)',
    pattern: new RegExp(`(['"])${KNOBS}\\1\\s*[,|]\\s*(['"])${KNOBS}\\2`),
    caught: "export type KnobName = 'lr' | 'momentum' | 'beta2' | 'noise' | 'samRadius' | 'weightDecay' | 'batchSize' | 'schedule';",
  },
  {
    what: 'a knob paired with its own label (use KNOBS[knob].label / knobLabel)',
    pattern: new RegExp(`\\[\\s*(['"])${KNOBS}\\1\\s*,\\s*['"]`),
    caught: "const HOST_KNOBS = [\n  ['lr', 'Learning rate'],\n  ['momentum', 'Momentum / β1'],",
  },
  {
    what: 'a knob range written as numbers (use KNOB_HARD_LIMITS / DEFAULT_KNOB_RANGES / the round settings)',
    pattern: new RegExp(`\\b${KNOBS}\\s*:\\s*\\[\\s*-?[\\d.]+(?:e-?\\d+)?\\s*,`),
    caught: '  ranges: {\n    lr: [1e-5, 10],\n    momentum: [0, 0.999],',
  },
  {
    what: 'a fallback range written as numbers',
    pattern: /\?\?\s*\[\s*-?[\d.]+(?:e-?\d+)?\s*,\s*-?[\d.]+/,
    caught: 'const [lrLo, lrHi] = ranges.lr ?? [1e-4, 1];',
  },
  {
    what: 'a range constant (ranges belong to shared: *_RANGE, *_LIMITS)',
    pattern: /\b[A-Z][A-Z0-9_]*_(?:RANGE|LIMITS?)\s*=/,
    caught: 'export const LR_LOG10_RANGE = [-5, 1] as const;',
  },
  {
    what: 'an input bounded by a number literal (bound it by the shared range it enforces)',
    pattern: /h\(\s*'input'[^)]*\b(?:min|max)\s*:\s*-?\d/,
    caught: "const seconds = h('input', { type: 'number', min: 5, max: 1800, step: 1, value: String(s.roundSeconds ?? 60) });",
  },
  {
    what: 'a tolerance constant (use shared: EIGENVALUE_TOLERANCE, classifyEigenvalues)',
    pattern: /\b(?:const|let)\s+\w*(?:TOL|TOLERANCE|EPSILON)\w*\s*=/i,
    caught: '/** Relative tolerance below which an eigenvalue counts as zero (degenerate point). */\nconst ZERO_TOL = 1e-6;',
  },
  {
    what: 'a critical-point classification or eigen-decomposition (use analyze / classifyEigenvalues / symmetricEigen2)',
    pattern: /function\s+(?:classify\w*|eigen\w*)\s*\(|return\s+['"](?:minimum|maximum|saddle|degenerate)['"]/,
    caught: "export function classify(values: [number, number]): PointDiagnostics['kind'] {\n  if (values[0] > 0) return 'minimum';",
  },
  {
    what: 'number formatting of its own (use formatNumber; a cache key may use more digits)',
    pattern: /\.to(?:Exponential|Precision)\([1-4]\)/,
    caught: '  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);\n  return Number(v.toPrecision(3)).toString();',
  },
  {
    what: 'a results export column (use RESULT_COLUMNS / resultsToCsv)',
    pattern: new RegExp(`(['"])${COLUMNS}\\1\\s*,\\s*\\n?\\s*(['"])\\w+\\2`),
    caught: "export const RESULT_COLUMNS = [\n  'rank',\n  'name',\n  'score',\n  'finalLoss',",
  },
  {
    what: 'CSV quoting of its own (use csvCell / resultsToCsv)',
    pattern: /replace\(\/"\/g,\s*'""'\)/,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: quoted source code, not a template
    caught: '  return /[",\\n\\r]/.test(s) ? `"${s.replace(/"/g, \'""\')}"` : s;',
  },
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Comments may name rules (they explain why the code defers to shared). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('the client re-declares no rule that shared owns', () => {
  it.each(RULES.map((r) => [r.what, r] as const))('each pattern catches the code it was written for: %s', (_what, rule) => {
    expect(rule.pattern.test(code(rule.caught))).toBe(true);
  });

  it('no file in client/src declares an optimizer kind, knob, range, tolerance, format or export column', () => {
    const found: string[] = [];
    for (const file of files(ROOT)) {
      const text = code(readFileSync(file, 'utf8'));
      for (const rule of RULES) {
        const m = rule.pattern.exec(text);
        if (!m) continue;
        const line = text.slice(0, m.index).split('\n').length;
        found.push(`${relative(ROOT, file)}:${line}: ${rule.what}: ${m[0].trim()}`);
      }
    }
    expect(found).toEqual([]);
  });
});
