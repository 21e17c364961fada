import { randomInt } from 'node:crypto';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from '@gradient-rally/shared';

/**
 * A fresh join code: JOIN_CODE_LENGTH characters from an alphabet without
 * 0/O and 1/I/L, so it survives being read off a projector. 31^6 ≈ 8.9·10⁸
 * codes: guessing a live one is not a practical way into a class.
 *
 * @example generateJoinCode() // 'K7MZ3Q'
 */
export function generateJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** Normalises what a student typed (case, spaces, dashes) into a code, or null when it cannot be one. */
export function normalizeJoinCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== JOIN_CODE_LENGTH) return null;
  for (const ch of code) if (!JOIN_CODE_ALPHABET.includes(ch)) return null;
  return code;
}
