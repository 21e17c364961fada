import { formatNumber, KNOB_NAMES, KNOBS, knobLabel, knobSlot, NUMERIC_KNOBS, type NumericKnob } from '@gradient-rally/shared';
import { optimizerName } from '../net/raceViewModel';

/**
 * What the host reads when a setting is refused: the field's own name and
 * the rule in plain words, shown beside the field. The rules themselves are
 * shared's (the server refuses with shared's `SpecError`, whose message names
 * the field by its path, e.g. `settings.roundSeconds: must be a finite number
 * in [5, 1800], got 0`); this only says them the way a teacher would.
 */

/** The host form's fields, as the settings paths name them. */
export type SettingsField =
  | 'challenge'
  | 'landscape'
  | 'roundSeconds'
  | 'startRule'
  | 'scoring'
  | 'budget'
  | 'countdownSeconds'
  | 'maxPlayers'
  | 'lateJoin'
  | 'allowedOptimizers'
  | 'knobRanges'
  | 'lockedKnobs'
  | 'defaultOptimizer';

/** Names the host sees, for the fields whose name is not a knob's. */
const FIELD_NAMES: Record<SettingsField, string> = {
  challenge: 'Challenge',
  landscape: 'Terrain',
  roundSeconds: 'Round length',
  startRule: 'Start',
  scoring: 'Scoring',
  budget: 'Gradient evaluations per player',
  countdownSeconds: 'Countdown',
  maxPlayers: 'Player limit',
  lateJoin: 'Joining during a race',
  allowedOptimizers: 'Optimizers players may pick',
  knobRanges: 'Ranges players may pick from',
  lockedKnobs: 'Knobs players may change',
  defaultOptimizer: "Players' starting optimizer",
};

/** Units said after a range ("between 5 and 1800 seconds"). */
const FIELD_UNITS: Partial<Record<SettingsField, string>> = { roundSeconds: ' seconds', countdownSeconds: ' seconds' };

export interface SettingsRefusal {
  /** The form field to show it beside. */
  field: SettingsField;
  text: string;
}

/** The field a settings path belongs to (`settings.knobRanges.lr[0]` → `knobRanges`), or undefined for a path outside the form. */
export function fieldOfPath(path: string | undefined): SettingsField | undefined {
  const m = /^(?:settings\.)?([A-Za-z]+)/.exec(path ?? '');
  const key = m?.[1];
  return key && key in FIELD_NAMES ? (key as SettingsField) : undefined;
}

/**
 * A refusal in plain words: "Round length must be between 5 and 1800
 * seconds, not 0." Unknown shapes keep shared's wording, after the field's
 * name instead of its path.
 */
export function plainRefusal(path: string | undefined, message: string, fallback: SettingsField): SettingsRefusal {
  const field = fieldOfPath(path) ?? fallback;
  const rest = path && message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message.replace(/^[\w.[\]]+: /, '');
  const subject = subjectOf(path, field);
  const unit = FIELD_UNITS[field] ?? '';
  let m: RegExpExecArray | null;
  if ((m = /^must be a finite number in \[(\S+), (\S+)\], got (.+)$/.exec(rest)))
    return { field, text: `${subject} must be between ${m[1]} and ${m[2]}${unit}, not ${m[3]}.` };
  if ((m = /^must be an integer in \[(\S+), (\S+)\], got (.+)$/.exec(rest)))
    return { field, text: `${subject} must be a whole number from ${m[1]} to ${m[2]}${unit}, not ${m[3]}.` };
  if ((m = /^must have min ≤ max, got \[(\S+), (\S+)\]$/.exec(rest)))
    return { field, text: `${subject}: the lowest (${m[1]}) must not be above the highest (${m[2]}).` };
  if (/^must allow at least one of/.test(rest)) return { field, text: 'Keep at least one optimizer ticked: players need one to race.' };
  // A start on an optimizer the round does not allow: say it with the optimizers' names and what to do.
  if (field === 'defaultOptimizer' && (m = /^must be one of (.+), got "(\w+)"$/.exec(rest))) {
    const names = [...m[1].matchAll(/'(\w+)'/g)].map((k) => optimizerName(k[1]));
    return {
      field,
      text: `Players cannot start on ${optimizerName(m[2])}: it is not ticked among the optimizers players may pick (${names.join(', ')}). Tick it under “3 · Students” first.`,
    };
  }
  const sentence = rest.replace(/\s*\n[\s\S]*$/, ''); // a formula's caret drawing is for terminals
  return { field, text: `${subject}: ${sentence}${/[.!?]$/.test(sentence) ? '' : '.'}` };
}

/** "Round length", "Highest Learning rate", "Start point (x)". */
function subjectOf(path: string | undefined, field: SettingsField): string {
  const knob = /knobRanges\.(\w+)(?:\[(\d)\])?/.exec(path ?? '');
  if (knob && (NUMERIC_KNOBS as readonly string[]).includes(knob[1])) {
    const label = KNOBS[knob[1] as NumericKnob].label;
    return knob[2] === undefined ? `The ${label} range` : `${knob[2] === '0' ? 'Lowest' : 'Highest'} ${label}`;
  }
  const point = /startRule\.point\[(\d)\]/.exec(path ?? '');
  if (point) return `The start point's ${point[1] === '0' ? 'x' : 'y'}`;
  return FIELD_NAMES[field];
}

/**
 * A number typed in one of the form's number fields, checked against shared's
 * range before it is sent: the value, or the sentence to show beside the field.
 * Empty is `null` where the field allows it ("no time limit", "no budget").
 */
export function checkSettingNumber(
  field: SettingsField,
  text: string,
  range: readonly [number, number],
  options: { integer?: boolean; emptyAllowed?: boolean } = {},
): { ok: true; value: number | null } | { ok: false; text: string } {
  const t = text.trim().replace(',', '.');
  if (t === '') {
    if (options.emptyAllowed) return { ok: true, value: null };
    return { ok: false, text: `${FIELD_NAMES[field]} needs a number from ${range[0]} to ${range[1]}${FIELD_UNITS[field] ?? ''}.` };
  }
  const v = Number(t);
  const unit = FIELD_UNITS[field] ?? '';
  if (!Number.isFinite(v)) return { ok: false, text: `${FIELD_NAMES[field]} must be a number from ${range[0]} to ${range[1]}${unit}.` };
  if (options.integer && !Number.isInteger(v))
    return { ok: false, text: `${FIELD_NAMES[field]} must be a whole number, not ${formatNumber(v)}.` };
  if (v < range[0] || v > range[1])
    return { ok: false, text: `${FIELD_NAMES[field]} must be between ${range[0]} and ${range[1]}${unit}, not ${t}.` };
  return { ok: true, value: v };
}

/**
 * A refused knob change in plain words, naming the knob by its label for the
 * optimizer in use ("Learning rate is set by the host for this round:
 * 0.01."), from the path shared's check names (`optimizer.lr`,
 * `optimizer.betas[1]`).
 */
export function plainKnobRefusal(kind: string, path: string | undefined, message: string): string {
  const rest = path && message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message.replace(/^[\w.[\]]+: /, '');
  const m = /^optimizer\.(\w+)(?:\[(\d+)\])?/.exec(path ?? '');
  if (m?.[1] === 'kind') return 'That optimizer is not allowed in this round: pick one from the list.';
  const knob = m ? KNOB_NAMES.find((k) => slotMatches(knobSlot(kind, k), m[1], m[2])) : undefined;
  const label = knob ? knobLabel(kind, knob) : m?.[1] === 'nesterov' ? 'Nesterov look-ahead' : undefined;
  if (!label) return `Your knobs were not accepted: ${rest}`;
  let r: RegExpExecArray | null;
  if ((r = /^is locked by the host at (\S+?),? got/.exec(rest)) || (r = /^is locked by the host at (\S+)/.exec(rest)))
    return `${label} is set by the host for this round (${r[1] === 'null' ? 'off' : r[1]}).`;
  if ((r = /^must be in \[(\S+), (\S+)\] \(the range the host allows\), got (.+)$/.exec(rest)))
    return `${label} must be between ${r[1]} and ${r[2]} in this round, not ${r[3]}.`;
  return `${label}: ${rest}`;
}

function slotMatches(slot: { field: string; index?: number } | null, field: string, index: string | undefined): boolean {
  return !!slot && slot.field === field && (slot.index === undefined ? index === undefined : String(slot.index) === index);
}
