/**
 * Milliseconds of event-loop time the process lets requests spend on work
 * it cannot price in advance — checking a room's settings builds its
 * landscape, ~90 ms for the largest network — as a bucket of at most
 * `burstMs` refilled at `perSecondMs`. Callers ask `waitMs` first, refuse
 * while it is above 0, and `spend` what the work took: however many rooms
 * send settings at once, they take at most that share of the loop.
 *
 * @example
 *   if (allowance.waitMs(now) > 0) return refuse('the server is busy: try again in a moment');
 *   const t0 = performance.now(); applySettings(); allowance.spend(performance.now() - t0, performance.now());
 */
export class WorkAllowance {
  private available: number;
  private last: number;

  constructor(
    readonly burstMs = 400,
    readonly perSecondMs = 100,
    now = 0,
  ) {
    this.available = burstMs;
    this.last = now;
  }

  /** Milliseconds until work may start (0: now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.available > 0 ? 0 : Math.ceil((-this.available * 1000) / this.perSecondMs) + 1;
  }

  /** Work that took `ms` was done (the bucket may go below zero: the next caller waits longer). */
  spend(ms: number, now: number): void {
    this.refill(now);
    this.available -= Math.max(0, ms);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.available = Math.min(this.burstMs, this.available + (elapsed * this.perSecondMs) / 1000);
  }
}
