import {
  assumedFrom,
  estimateRoomCost,
  roomCostRefusal,
  type ComputeBudget,
  type LandscapeShape,
  type OptimizerSpec,
  type RaceSettings,
  type RoomCost,
} from '@gradient-rally/shared';
import type { ComputeRefusal, RoomCompute } from '../room/RoomCompute';

/** Where a room's race is stepped: on the event loop, or in the worker pool. */
export type SimLane = 'main' | 'pool';

export interface ComputeLimits {
  /** What one room may use, wherever it runs (ms of one core per second, longest tick, one racer's results). */
  room: ComputeBudget;
  /** What all rooms stepped on the event loop may use together (ms of one core per second). */
  mainMsPerSecond: number;
  /** What all rooms in the worker pool may use together; 0 when there is no pool (every room is on the event loop). */
  poolMsPerSecond: number;
  /**
   * A room whose full class at its costliest allowed choices could need more
   * than this runs in the pool: on the event loop stay only rooms that could
   * never hold up the others, whatever their players pick.
   */
  heavy: { msPerSecond: number; tickMs: number };
}

/** What the cost model says about one settings object, computed once. */
interface Price {
  /** The settings priced (race settings: no countdown) and their landscape. */
  settings: RaceSettings;
  landscape: LandscapeShape | undefined;
  /** One player at the costliest choice the rules allow (the settings check). */
  worst1: RoomCost;
  /** One player on the default optimizer. */
  default1: { ms: number; tick: number };
  /** One racer per distinct `assumedFrom` of its spec. */
  byOptimizer: Map<string, { ms: number; tick: number }>;
  lane: SimLane;
}

const PRICE_CACHE_SIZE = 128;

/**
 * The process's account of simulation work, built on shared's cost model
 * (`estimateRoomCost`, calibrated on the project's machine): every room's
 * current cost, by lane, against the limits. Refuses, in words that name
 * what to lower, settings whose worst single player or full class would
 * exceed one room's budget, and any change (settings, a player joining, a
 * knob change) that would take a room over its budget or its lane over the
 * process's.
 *
 * The cost model is linear in racers (each racer's work plus its share of
 * the standings), so a room's cost is the sum of its racers' prices, each
 * priced once per settings and distinct optimizer — cheap enough to check
 * on every knob change.
 *
 * @example
 *   const ledger = new ComputeLedger(limitsFor({ workers: 1 }));
 *   ledger.checkSettings('ABC234', settings, []); // null, or { path: 'settings.allowedOptimizers', message: '…' }
 *   ledger.refuseRacers('ABC234', settings, specs); // null, or { scope: 'server', … }
 *   ledger.charge('ABC234', settings, specs);
 */
export class ComputeLedger implements RoomCompute {
  private readonly rooms = new Map<string, { lane: SimLane; ms: number }>();
  private readonly prices = new Map<string, Price>();
  /** The same settings object is priced once (a room's settings stay one object between changes). */
  private readonly byObject = new WeakMap<object, Price>();

  constructor(readonly limits: ComputeLimits) {}

  /** ms of one core per second the rooms of a lane are charged now. */
  used(lane: SimLane): number {
    let sum = 0;
    for (const r of this.rooms.values()) if (r.lane === lane) sum += r.ms;
    return sum;
  }

  capacity(lane: SimLane): number {
    return lane === 'main' ? this.limits.mainMsPerSecond : this.limits.poolMsPerSecond;
  }

  /** Where a round with these settings runs: networks always in the pool (building one is heavy work too), others by price. */
  laneFor(settings: RaceSettings): SimLane {
    if (this.limits.poolMsPerSecond > 0 && settings.landscape.kind === 'mlp') return 'pool';
    return this.price(settings).lane;
  }

  /** The room's charge now (0 when it has none). */
  chargeOf(room: string): number {
    return this.rooms.get(room)?.ms ?? 0;
  }

  checkSettings(
    room: string,
    settings: RaceSettings,
    racers: readonly OptimizerSpec[],
    landscape?: LandscapeShape,
  ): { path: string; message: string } | null {
    const budget = this.limits.room;
    const price = this.price(settings, landscape);
    const at = (players: number, options: { assume?: 'default'; racers?: OptimizerSpec[] }) =>
      estimateRoomCost(price.settings, players, { ...options, landscape: price.landscape });
    const single = roomCostRefusal(price.worst1, budget);
    if (single) return { path: `settings.${single.field}`, message: single.message };
    const n = settings.maxPlayers;
    if (price.default1.ms * n > budget.msPerSecond || price.default1.tick * n > budget.tickMs) {
      const full = roomCostRefusal(at(n, { assume: 'default' }), budget);
      if (full) return { path: `settings.${full.field}`, message: `with a full room on the default optimizer, ${full.message}` };
    }
    const now = this.sum(price, racers);
    if (now.ms > budget.msPerSecond || now.tick > budget.tickMs) {
      const cost = at(racers.length, { assume: 'default', racers: [...racers] });
      const refusal = roomCostRefusal(cost, budget);
      if (refusal) return { path: `settings.${refusal.field}`, message: `with the players' current optimizers, ${refusal.message}` };
    }
    const lane = price.lane;
    const free = this.capacity(lane) - (this.used(lane) - this.sameLaneCharge(room, lane));
    const need = racers.length > 0 ? now : price.default1;
    if (need.ms > free) {
      const cost = at(Math.max(1, racers.length), { assume: 'default', racers: [...racers] });
      const refusal = roomCostRefusal(cost, { ...budget, msPerSecond: Math.max(free, 0.01) });
      return {
        path: `settings.${refusal?.field ?? 'stepsPerTick'}`,
        message: `the server is busy with other rooms right now: ${refusal?.message ?? `this round would need ~${Math.round(need.ms)} ms of computing per second and ~${Math.max(0, Math.round(free))} are free`}`,
      };
    }
    return null;
  }

  refuseRacers(room: string, settings: RaceSettings, racers: readonly OptimizerSpec[], landscape?: LandscapeShape): ComputeRefusal | null {
    const budget = this.limits.room;
    const price = this.price(settings, landscape);
    const need = this.sum(price, racers);
    const before = this.rooms.get(room);
    const current = before?.ms ?? 0;
    if (need.ms <= current) return null; // less work always fits
    if (need.ms > budget.msPerSecond || need.tick > budget.tickMs) {
      return { scope: 'room', neededMs: need.ms, limitMs: need.ms > budget.msPerSecond ? budget.msPerSecond : budget.tickMs };
    }
    const lane = price.lane;
    const free = this.capacity(lane) - (this.used(lane) - this.sameLaneCharge(room, lane));
    if (need.ms > free) return { scope: 'server', neededMs: need.ms, limitMs: Math.max(0, free) };
    return null;
  }

  charge(room: string, settings: RaceSettings, racers: readonly OptimizerSpec[], landscape?: LandscapeShape): void {
    const price = this.price(settings, landscape);
    const need = racers.length > 0 ? this.sum(price, racers) : price.default1;
    this.rooms.set(room, { lane: price.lane, ms: need.ms });
  }

  release(room: string): void {
    this.rooms.delete(room);
  }

  private sameLaneCharge(room: string, lane: SimLane): number {
    const r = this.rooms.get(room);
    return r && r.lane === lane ? r.ms : 0;
  }

  private sum(price: Price, racers: readonly OptimizerSpec[]): { ms: number; tick: number } {
    let ms = 0;
    let tick = 0;
    for (const spec of racers) {
      const p = this.racerPrice(price, spec);
      ms += p.ms;
      tick += p.tick;
    }
    return { ms, tick };
  }

  private racerPrice(price: Price, spec: OptimizerSpec): { ms: number; tick: number } {
    const key = JSON.stringify(assumedFrom(spec));
    let p = price.byOptimizer.get(key);
    if (!p) {
      const c = estimateRoomCost(price.settings, 1, { racers: [spec], landscape: price.landscape });
      p = { ms: c.msPerSecond, tick: c.tickMs };
      price.byOptimizer.set(key, p);
    }
    return p;
  }

  private price(given: RaceSettings, landscape?: LandscapeShape): Price {
    const known = this.byObject.get(given);
    if (known) return known;
    // A room's settings carry its countdown and challenge too, which cost nothing (and the race settings parser refuses).
    const {
      countdownSeconds: _countdown,
      challenge: _challenge,
      ...settings
    } = given as RaceSettings & { countdownSeconds?: number; challenge?: string | null };
    // The seed changes nothing in the cost; rooms that differ only by it share a price.
    const { seed: _seed, ...rest } = settings;
    const key = JSON.stringify(rest);
    let p = this.prices.get(key);
    if (p) {
      this.prices.delete(key); // most recently used last
      this.prices.set(key, p);
    } else {
      const worst1 = estimateRoomCost(settings, 1, { landscape });
      const d = estimateRoomCost(settings, 1, { assume: 'default', landscape });
      const n = settings.maxPlayers;
      const heavy = this.limits.heavy;
      const pool = this.limits.poolMsPerSecond > 0;
      const lane: SimLane =
        pool && (settings.landscape.kind === 'mlp' || worst1.msPerSecond * n > heavy.msPerSecond || worst1.tickMs * n > heavy.tickMs)
          ? 'pool'
          : 'main';
      p = { settings, landscape, worst1, default1: { ms: d.msPerSecond, tick: d.tickMs }, byOptimizer: new Map(), lane };
      this.prices.set(key, p);
      if (this.prices.size > PRICE_CACHE_SIZE) this.prices.delete(this.prices.keys().next().value!);
    }
    this.byObject.set(given, p);
    return p;
  }
}
