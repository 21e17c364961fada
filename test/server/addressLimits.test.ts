import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { AddressLimits, waitText } from '../../server/src/http/AddressLimits';
import { MemoryAttemptLog } from '../../server/src/http/AttemptLog';
import { addressKey, clientAddress } from '../../server/src/http/clientAddress';

/** The pure parts of the per-address limits: which address a request counts under, and the sliding windows. */

function req(peer: string, forwarded?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  } as unknown as IncomingMessage;
}

describe('client address', () => {
  it('is the TCP peer unless proxies are trusted; X-Forwarded-For cannot be forged past the trusted hops', () => {
    expect(clientAddress(req('203.0.113.7', '1.2.3.4'), 0)).toBe('203.0.113.7');
    // One proxy (ours, at 10.0.0.2) appended the address it saw; anything left of it is the client's own claim.
    expect(clientAddress(req('10.0.0.2', '1.2.3.4, 198.51.100.9'), 1)).toBe('198.51.100.9');
    expect(clientAddress(req('10.0.0.2', '198.51.100.9'), 1)).toBe('198.51.100.9');
    // Two proxies: the client is second from the right.
    expect(clientAddress(req('10.0.0.3', 'forged, 198.51.100.9, 10.0.0.2'), 2)).toBe('198.51.100.9');
    // Trusted hops but no header: the peer; more hops than entries: the leftmost known.
    expect(clientAddress(req('10.0.0.2'), 1)).toBe('10.0.0.2');
    expect(clientAddress(req('10.0.0.2', '198.51.100.9'), 5)).toBe('198.51.100.9');
  });

  it('counts IPv4-mapped IPv6 as IPv4, other IPv6 per /64, and junk under one key', () => {
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('[2001:db8::5]:443')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('198.51.100.2:5000')).toBe('198.51.100.2');
    expect(addressKey('not an address')).toBe('unparsed');
    expect(addressKey('unknown')).toBe('unparsed');
  });
});

describe('sliding-window attempt log', () => {
  it('admits `limit` attempts in any window, says when the next fits, and has no double burst at a boundary', () => {
    const log = new MemoryAttemptLog();
    const rule = { limit: 3, seconds: 10 };
    expect(log.takeNow('a', rule, 0).ok).toBe(true);
    expect(log.takeNow('a', rule, 4000).ok).toBe(true);
    expect(log.takeNow('a', rule, 9000).ok).toBe(true);
    expect(log.takeNow('a', rule, 9500)).toEqual({ ok: false, retryAfterSeconds: 1 }); // the attempt at 0 leaves at 10 000
    expect(log.takeNow('a', rule, 10_001).ok).toBe(true);
    // A fixed window would reset at 20 000 and let three more through at once; here only one slot has freed.
    expect(log.takeNow('a', rule, 14_001).ok).toBe(true);
    expect(log.takeNow('a', rule, 14_002)).toEqual({ ok: false, retryAfterSeconds: 5 });
    expect(log.takeNow('b', rule, 14_002).ok).toBe(true); // per key
  });

  it('gives an attempt back on refund', async () => {
    const log = new MemoryAttemptLog();
    const rule = { limit: 1, seconds: 60 };
    const first = log.takeNow('k', rule, 0);
    expect(log.takeNow('k', rule, 1).ok).toBe(false);
    if (!first.ok) throw new Error('first attempt refused');
    await log.refund('k', first.receipt);
    expect(log.takeNow('k', rule, 2).ok).toBe(true);
  });

  it('stays bounded under address churn', () => {
    const log = new MemoryAttemptLog();
    for (let i = 0; i < 150_000; i++) log.takeNow(`addr-${i}`, { limit: 5, seconds: 60 }, i);
    expect(log.size).toBeLessThanOrEqual(100_000);
  });
});

describe('address limits', () => {
  const rules = {
    creates: { limit: 5, seconds: 60 },
    joins: { limit: 100, seconds: 60 },
    wrongCodes: { limit: 3, seconds: 60 },
    pendingSeats: 2,
    liveRooms: 2,
  };

  it('charges a wrong code only when the code was wrong', async () => {
    const limits = new AddressLimits(rules, new MemoryAttemptLog(), 8, async () => true);
    for (let i = 0; i < 10; i++) {
      const t = await limits.beginJoin('a');
      if ('status' in t) throw new Error(t.message);
      t.failed(false); // e.g. the room was locked: not a guess
    }
    for (let i = 0; i < 3; i++) {
      const t = await limits.beginJoin('a');
      if ('status' in t) throw new Error(t.message);
      t.failed(true);
    }
    const refused = await limits.beginJoin('a');
    expect('status' in refused && refused.message).toMatch(
      /^too many join attempts with codes that match no game from your address: wait \d+ s and try again$/,
    );
    limits.close();
  });

  it('holds at most `pendingSeats` reservations until their sockets arrive', async () => {
    const limits = new AddressLimits(rules, new MemoryAttemptLog(), 8, async () => true);
    const a = await limits.beginJoin('x');
    const b = await limits.beginJoin('x');
    if ('status' in a || 'status' in b) throw new Error('refused too early');
    a.succeeded('s1');
    b.succeeded('s2');
    const c = await limits.beginJoin('x');
    expect('status' in c && c.message).toMatch(/still connecting: wait [1-9] s/);
    limits.seatTaken('s1');
    expect(limits.pendingSeats('x')).toBe(1);
    const d = await limits.beginJoin('x');
    expect('status' in d).toBe(false);
    limits.close();
  });

  it("caps an address's live rooms, and frees the slot when a room is disposed (here or elsewhere)", async () => {
    const alive = new Set<string>();
    const limits = new AddressLimits(rules, new MemoryAttemptLog(), 8, async (id) => alive.has(id));
    for (const id of ['R1', 'R2']) {
      const t = await limits.beginCreate('h');
      if ('status' in t) throw new Error(t.message);
      alive.add(id);
      t.succeeded(`s-${id}`, id);
      limits.seatTaken(`s-${id}`);
    }
    const third = await limits.beginCreate('h');
    expect('status' in third && third.message).toMatch(/already runs 2 games/);
    limits.roomDisposed('R1');
    alive.delete('R1');
    const fourth = await limits.beginCreate('h');
    if ('status' in fourth) throw new Error(fourth.message);
    alive.add('R3');
    fourth.succeeded('s-R3', 'R3');
    expect(limits.liveRooms('h')).toBe(2);
    // R2 is disposed in another process (no event here): noticed when the cap is reached.
    alive.delete('R2');
    const fifth = await limits.beginCreate('h');
    expect('status' in fifth).toBe(false);
    expect(limits.liveRooms('h')).toBe(1);
    limits.close();
  });

  it('words waits plainly', () => {
    expect(waitText(12)).toBe('12 s');
    expect(waitText(587)).toBe('10 min');
  });
});
