import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, nicknameProblem, tidyNickname } from '@gradient-rally/shared';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Reads a join code as a person types it: case, spaces and dashes do not
 * matter ("abc-234" → "ABC234"); the look-alikes the alphabet leaves out are
 * mapped to what they were surely meant to be (O→0 is not in the alphabet
 * either, so O and 0 are reported, not guessed).
 */
export function parseJoinCode(text: string): Parsed<string> {
  const code = text.toUpperCase().replace(/[\s\-_.]/g, '');
  if (code.length === 0) return { ok: false, message: 'Type the join code shown on the host’s screen.' };
  for (const ch of code) {
    if (!JOIN_CODE_ALPHABET.includes(ch)) {
      return {
        ok: false,
        message: `“${ch}” cannot appear in a join code (codes use ${JOIN_CODE_ALPHABET.length} letters and digits without 0, O, 1, I or L).`,
      };
    }
  }
  if (code.length !== JOIN_CODE_LENGTH)
    return { ok: false, message: `A join code has ${JOIN_CODE_LENGTH} characters; this one has ${code.length}.` };
  return { ok: true, value: code };
}

/**
 * A nickname as typed, by shared's nickname rule (the server applies the same):
 * tidied, not too long, not profane; empty is allowed (the server picks a friendly one).
 */
export function parseNickname(text: string): Parsed<string> {
  const problem = nicknameProblem(text);
  if (problem) return { ok: false, message: problem };
  return { ok: true, value: tidyNickname(text) };
}

/** A number typed in a field: finite and inside [min, max]. */
export function parseNumberField(text: string, label: string, min: number, max: number): Parsed<number> {
  const t = text.trim().replace(',', '.');
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v)) return { ok: false, message: `${label} must be a number between ${min} and ${max}.` };
  if (v < min || v > max) return { ok: false, message: `${label} must be between ${min} and ${max}; got ${v}.` };
  return { ok: true, value: v };
}
