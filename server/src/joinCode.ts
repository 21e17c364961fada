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
 * processes when the claims live in Redis. A claim names its owner (a value
 * only that room knows, kept in its checkpoint) and expires after
 * `CLAIM_TTL_SECONDS` unless refreshed: a room refreshes it while it lives,
 * so the code of a room lost with its process is free again soon after, and
 * the same room restored from its checkpoint takes its code back.
 */
export interface JoinCodeClaims {
  /** A code no live room holds, now held by `owner`. */
  claim(owner: string): Promise<string>;
  /** This very code for `owner` again (a restored room): true when it was free or still `owner`'s. */
  reclaim(code: string, owner: string): Promise<boolean>;
  /** Keeps `owner`'s claim alive for another TTL; false when the code is no longer `owner`'s. */
  refresh(code: string, owner: string): Promise<boolean>;
  /** Gives the code up (only `owner`'s claim is removed). */
  release(code: string, owner: string): Promise<void>;
}

/** The key-value operations of a Colyseus `Presence` (local, or Redis for several processes) that claims need. */
export interface CodeKeyStore {
  get(key: string): unknown;
  setex(key: string, value: string, seconds: number): unknown;
  expire(key: string, seconds: number): unknown;
  del(key: string): unknown;
}

/** How long a claim outlives its last refresh (a room refreshes every third of it). */
export const CLAIM_TTL_SECONDS = 180;
const CLAIM_PREFIX = 'gradient-rally:code:';
const CLAIM_ATTEMPTS = 20;

/**
 * Join codes claimed as keys in the presence (`gradient-rally:code:<CODE>` →
 * owner, with an expiry). Claiming reads the key, sets it if free, and
 * reads it back, so of two processes drawing the same random code at the
 * same moment (1 in 8.9·10⁸ per draw) the later write wins and the other
 * draws again.
 */
export class PresenceJoinCodes implements JoinCodeClaims {
  constructor(
    private readonly presence: CodeKeyStore,
    private readonly generate: () => string = generateJoinCode,
    private readonly ttlSeconds = CLAIM_TTL_SECONDS,
  ) {}

  async claim(owner: string): Promise<string> {
    for (let i = 0; i < CLAIM_ATTEMPTS; i++) {
      const code = this.generate();
      if (await this.reclaim(code, owner)) return code;
    }
    throw new Error(`could not find a free join code in ${CLAIM_ATTEMPTS} attempts`);
  }

  async reclaim(code: string, owner: string): Promise<boolean> {
    const key = CLAIM_PREFIX + code;
    const holder = await this.presence.get(key);
    if (holder !== null && holder !== undefined && holder !== owner) return false;
    await this.presence.setex(key, owner, this.ttlSeconds);
    return (await this.presence.get(key)) === owner;
  }

  async refresh(code: string, owner: string): Promise<boolean> {
    const key = CLAIM_PREFIX + code;
    const holder = await this.presence.get(key);
    if (holder === owner) {
      await this.presence.expire(key, this.ttlSeconds);
      return true;
    }
    if (holder !== null && holder !== undefined) return false;
    // Expired meanwhile (Redis was away longer than the TTL): nobody took it, take it again.
    return this.reclaim(code, owner);
  }

  async release(code: string, owner: string): Promise<void> {
    const key = CLAIM_PREFIX + code;
    if ((await this.presence.get(key)) === owner) await this.presence.del(key);
  }
}
