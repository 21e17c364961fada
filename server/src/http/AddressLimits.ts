import type { AttemptLog, WindowRule } from './AttemptLog';

/** What one address may do through the matchmaker (see `DEFAULT_ADDRESS_RULES`). */
export interface AddressRules {
  /** New games. */
  creates: WindowRule;
  /** Join and reconnect requests, found or not. */
  joins: WindowRule;
  /** Joins with a code that matches no game: the budget a code-guessing loop runs into. */
  wrongCodes: WindowRule;
  /** Seats reserved over HTTP whose WebSocket has not arrived yet, at once. */
  pendingSeats: number;
  /** Games created from this address that are still alive. */
  liveRooms: number;
}

/**
 * Defaults sized for a school: every student behind one NAT address may join
 * (and reload) within a minute, a handful of teachers may start games, while a
 * script from one address gets 20 code guesses a minute (8.9·10⁸ codes, so
 * about 10⁵ days per hit with 200 live rooms) and never more than
 * `pendingSeats` of a room's 250 seats.
 */
export const DEFAULT_ADDRESS_RULES: Omit<AddressRules, 'liveRooms'> = {
  creates: { limit: 20, seconds: 600 },
  joins: { limit: 240, seconds: 60 },
  wrongCodes: { limit: 20, seconds: 60 },
  pendingSeats: 30,
};

/** An address's share of the process's room cap: 10 % of `maxRooms`, but never fewer than 10 rooms. */
export function defaultLiveRooms(maxRooms: number): number {
  return Math.max(10, Math.ceil(maxRooms / 10));
}

/** A refusal the matchmaker route sends as is. */
export interface Refusal {
  status: 429;
  message: string;
  retryAfterSeconds?: number;
}

/** Outcome of a matchmaking call, reported back so the right budgets are kept or returned. */
export interface Ticket {
  /** The seat was reserved (and, for a create, the room exists). */
  succeeded(sessionId: string, roomId?: string): void;
  /** The call failed; `wrongCode` when no room has the code asked for. */
  failed(wrongCode?: boolean): void;
}

/**
 * Per-address limits on the matchmaker's three costly doors: creating a
 * game, reserving a seat, and trying a code. Windows slide (`AttemptLog`, in
 * memory or Redis); pending seats and live rooms are counted in this process
 * (each process enforces them for the requests it answers).
 *
 * Budgets are taken before the work and given back when it turns out not to
 * count (a join that found its game is no wrong code), so a burst of
 * parallel requests cannot all slip past a check made before any of them
 * finished.
 */
export class AddressLimits {
  private readonly pending = new Map<string, Map<string, number>>();
  private readonly pendingTimers = new Map<string, { address: string; timer: ReturnType<typeof setTimeout> }>();
  private readonly rooms = new Map<string, { live: Set<string>; inFlight: number }>();
  private readonly roomOwner = new Map<string, string>();

  constructor(
    readonly rules: AddressRules,
    private readonly log: AttemptLog,
    /** How long a reserved seat waits for its WebSocket (the room's seat reservation time). */
    private readonly seatSeconds: number,
    /** Whether a room still exists anywhere (used to drop rooms disposed in another process). */
    private readonly roomExists: (roomId: string) => Promise<boolean>,
  ) {}

  async beginCreate(address: string): Promise<Ticket | Refusal> {
    const taken = await this.log.take(`create:${address}`, this.rules.creates);
    if (!taken.ok) return tooMany('too many new games from your address', taken.retryAfterSeconds);
    const share = await this.claimRoomSlot(address);
    if (!share) {
      return {
        status: 429,
        message: `your address already runs ${this.rules.liveRooms} games on this server, the most one address may: end one before starting another`,
      };
    }
    const seat = this.claimSeat(address);
    if (!seat.ok) {
      share.release();
      return tooMany('too many joins from your address are still connecting', seat.retryAfterSeconds);
    }
    return {
      succeeded: (sessionId, roomId) => {
        this.holdSeat(address, sessionId, seat.slot);
        share.keep(roomId ?? '');
      },
      failed: () => {
        this.releaseSlot(address, seat.slot);
        share.release();
      },
    };
  }

  async beginJoin(address: string): Promise<Ticket | Refusal> {
    const joins = await this.log.take(`join:${address}`, this.rules.joins);
    if (!joins.ok) return tooMany('too many join attempts from your address', joins.retryAfterSeconds);
    // Charged up front as if wrong, refunded once the code turns out to exist.
    const guess = await this.log.take(`code:${address}`, this.rules.wrongCodes);
    if (!guess.ok) return tooMany('too many join attempts with codes that match no game from your address', guess.retryAfterSeconds);
    const seat = this.claimSeat(address);
    if (!seat.ok) {
      void this.log.refund(`code:${address}`, guess.receipt).catch(() => undefined);
      return tooMany('too many joins from your address are still connecting', seat.retryAfterSeconds);
    }
    return {
      succeeded: (sessionId) => {
        this.holdSeat(address, sessionId, seat.slot);
        void this.log.refund(`code:${address}`, guess.receipt).catch(() => undefined);
      },
      failed: (wrongCode = false) => {
        this.releaseSlot(address, seat.slot);
        if (!wrongCode) void this.log.refund(`code:${address}`, guess.receipt).catch(() => undefined);
      },
    };
  }

  /** Reconnecting with a Colyseus reconnection token: counted as a join attempt, reserves nothing new. */
  async beginReconnect(address: string): Promise<Refusal | null> {
    const joins = await this.log.take(`join:${address}`, this.rules.joins);
    return joins.ok ? null : tooMany('too many join attempts from your address', joins.retryAfterSeconds);
  }

  /** A reserved seat was taken over a WebSocket: it no longer counts as pending. */
  seatTaken(sessionId: string): void {
    const held = this.pendingTimers.get(sessionId);
    if (!held) return;
    clearTimeout(held.timer);
    this.pendingTimers.delete(sessionId);
    this.releaseSlot(held.address, sessionId);
  }

  /** A room in this process was disposed. */
  roomDisposed(roomId: string): void {
    const address = this.roomOwner.get(roomId);
    if (address === undefined) return;
    this.roomOwner.delete(roomId);
    const entry = this.rooms.get(address);
    entry?.live.delete(roomId);
    if (entry && entry.live.size === 0 && entry.inFlight === 0) this.rooms.delete(address);
  }

  /** Pending seats of an address (tests and diagnostics). */
  pendingSeats(address: string): number {
    return this.pending.get(address)?.size ?? 0;
  }

  /** Live rooms this process knows were created from an address. */
  liveRooms(address: string): number {
    return this.rooms.get(address)?.live.size ?? 0;
  }

  /** Stops the seat timers (server shutdown). */
  close(): void {
    for (const { timer } of this.pendingTimers.values()) clearTimeout(timer);
    this.pendingTimers.clear();
    this.pending.clear();
  }

  // ── pending seats: a slot is claimed before the reservation, then held under its session id ──

  private slotCounter = 0;

  private claimSeat(address: string): { ok: true; slot: string } | { ok: false; retryAfterSeconds: number } {
    let slots = this.pending.get(address);
    if (!slots) this.pending.set(address, (slots = new Map()));
    if (slots.size >= this.rules.pendingSeats) {
      const soonest = Math.min(...slots.values());
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((soonest - Date.now()) / 1000)) };
    }
    const slot = `claim-${++this.slotCounter}`;
    // A claim lasts at most as long as a reservation could; the HTTP call is bounded well below that.
    slots.set(slot, Date.now() + (this.seatSeconds + 1) * 1000);
    return { ok: true, slot };
  }

  private holdSeat(address: string, sessionId: string, slot: string): void {
    const slots = this.pending.get(address);
    if (!slots) return;
    slots.delete(slot);
    const until = Date.now() + (this.seatSeconds + 1) * 1000;
    slots.set(sessionId, until);
    // Released when the WebSocket takes the seat, or when Colyseus lets the reservation expire.
    const timer = setTimeout(() => {
      this.pendingTimers.delete(sessionId);
      this.releaseSlot(address, sessionId);
    }, until - Date.now());
    timer.unref();
    this.pendingTimers.set(sessionId, { address, timer });
  }

  private releaseSlot(address: string, slot: string): void {
    const slots = this.pending.get(address);
    if (!slots) return;
    slots.delete(slot);
    if (slots.size === 0) this.pending.delete(address);
  }

  // ── live rooms per address ──

  private async claimRoomSlot(address: string): Promise<{ keep(roomId: string): void; release(): void } | null> {
    let entry = this.rooms.get(address);
    if (!entry) this.rooms.set(address, (entry = { live: new Set(), inFlight: 0 }));
    if (entry.live.size + entry.inFlight >= this.rules.liveRooms) {
      // Rooms created through this process may have been disposed in another one: look before refusing.
      for (const id of [...entry.live]) {
        if (!(await this.roomExists(id).catch(() => true))) {
          entry.live.delete(id);
          this.roomOwner.delete(id);
        }
      }
      if (entry.live.size + entry.inFlight >= this.rules.liveRooms) return null;
    }
    entry.inFlight++;
    const owned = entry;
    return {
      keep: (roomId) => {
        owned.inFlight--;
        if (roomId) {
          owned.live.add(roomId);
          this.roomOwner.set(roomId, address);
        }
      },
      release: () => {
        owned.inFlight--;
        if (owned.live.size === 0 && owned.inFlight === 0) this.rooms.delete(address);
      },
    };
  }
}

function tooMany(what: string, seconds: number): Refusal {
  return { status: 429, message: `${what}: wait ${waitText(seconds)} and try again`, retryAfterSeconds: seconds };
}

/** "12 s", or "4 min" past two minutes. */
export function waitText(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}
