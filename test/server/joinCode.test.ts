import { describe, expect, it } from 'vitest';
import { LocalPresence } from '@colyseus/core';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from '@gradient-rally/shared';
import { generateJoinCode, normalizeJoinCode, PresenceJoinCodes } from '../../server/src/joinCode';

async function until(pred: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('join codes', () => {
  it(`are ${JOIN_CODE_LENGTH} characters from an alphabet without 0/O, 1/I/L, and spread over it`, () => {
    expect(JOIN_CODE_ALPHABET).not.toMatch(/[0O1IL]/);
    const counts = new Map<string, number>();
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateJoinCode();
      expect(code).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`));
      codes.add(code);
      for (const ch of code) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(codes.size).toBeGreaterThan(1990); // 31^6 codes: repeats in 2000 draws are rare
    expect(counts.size).toBe(JOIN_CODE_ALPHABET.length);
    // Each character about 12000 / 31 ≈ 387 times; far tails only.
    for (const n of counts.values()) expect(n).toBeGreaterThan(250);
  });

  it('normalises what a student typed, or says it cannot be a code', () => {
    expect(normalizeJoinCode('k7m z3q')).toBe('K7MZ3Q');
    expect(normalizeJoinCode('K7M-Z3Q')).toBe('K7MZ3Q');
    expect(normalizeJoinCode('K7MZ3')).toBeNull();
    expect(normalizeJoinCode('K7MZ3QQ')).toBeNull();
    expect(normalizeJoinCode('K7MZ3O')).toBeNull(); // O is not in the alphabet
    expect(normalizeJoinCode('')).toBeNull();
  });

  it('are claimed once: a taken code is skipped, a released one is free again', async () => {
    const presence = new LocalPresence();
    const sequence = ['AAAAAA', 'AAAAAA', 'BBBBBB', 'AAAAAA'];
    const claims = new PresenceJoinCodes(presence, () => sequence.shift()!);
    expect(await claims.claim('room-1')).toBe('AAAAAA');
    expect(await claims.claim('room-2')).toBe('BBBBBB');
    await claims.release('AAAAAA', 'room-2'); // not its code: nothing happens
    expect(await claims.reclaim('AAAAAA', 'room-3')).toBe(false);
    await claims.release('AAAAAA', 'room-1');
    expect(await claims.claim('room-3')).toBe('AAAAAA');
  });

  it('give up with a clear error when no free code turns up', async () => {
    const claims = new PresenceJoinCodes(new LocalPresence(), () => 'CCCCCC');
    await claims.claim('room-1');
    await expect(claims.claim('room-2')).rejects.toThrow(/could not find a free join code/);
  });

  it('expire with their room unless refreshed, and the same room takes its code back after a restart', async () => {
    const presence = new LocalPresence();
    // A one-second TTL stands in for the real three minutes.
    const claims = new PresenceJoinCodes(presence, () => 'DDDDDD', 1);
    expect(await claims.claim('room-1')).toBe('DDDDDD');
    // The process dies without releasing: the claim still holds for another room...
    expect(await claims.reclaim('DDDDDD', 'room-2')).toBe(false);
    // ...but the room itself (restored from its checkpoint, same owner) gets it back at once.
    expect(await claims.reclaim('DDDDDD', 'room-1')).toBe(true);
    // Refreshed every 300 ms, it outlives its one-second TTL.
    const t0 = Date.now();
    while (Date.now() - t0 < 1_600) {
      expect(await claims.refresh('DDDDDD', 'room-1')).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(await presence.get('gradient-rally:code:DDDDDD')).toBe('room-1');
    // Left alone, it expires and the code is free for anyone.
    await until(async () => (await presence.get('gradient-rally:code:DDDDDD')) === undefined, 5_000);
    expect(await claims.reclaim('DDDDDD', 'room-2')).toBe(true);
  });
});
