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

/**
 * Where a room claims its join code, so no two live rooms share one — across
 * processes when the claims live in Redis. A claim lasts until `release`
 * (a claim that should outlive a crash only so long would add an expiry here).
 */
export interface JoinCodeClaims {
  /** A code no live room holds, now held by the caller. */
  claim(): Promise<string>;
  release(code: string): Promise<void>;
}

/** The set operations of a Colyseus `Presence` (local, or Redis for several processes) that claims need. */
export interface CodeSetStore {
  sismember(key: string, member: string): Promise<number> | number;
  sadd(key: string, member: string): unknown;
  srem(key: string, member: string): unknown;
}

const CODE_SET = 'gradient-rally:codes';
const CLAIM_ATTEMPTS = 20;

/** Join codes claimed in a presence set (`gradient-rally:codes`). */
export class PresenceJoinCodes implements JoinCodeClaims {
  constructor(
    private readonly presence: CodeSetStore,
    private readonly generate: () => string = generateJoinCode,
  ) {}

  async claim(): Promise<string> {
    for (let i = 0; i < CLAIM_ATTEMPTS; i++) {
      const code = this.generate();
      if (!(await this.presence.sismember(CODE_SET, code))) {
        await this.presence.sadd(CODE_SET, code);
        return code;
      }
    }
    throw new Error(`could not find a free join code in ${CLAIM_ATTEMPTS} attempts`);
  }

  async release(code: string): Promise<void> {
    await this.presence.srem(CODE_SET, code);
  }
}
