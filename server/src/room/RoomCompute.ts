import type { LandscapeShape, OptimizerSpec, RaceSettings } from '@gradient-rally/shared';

/** Why racers could not run: the room's own limit, or the whole server's. */
export interface ComputeRefusal {
  scope: 'room' | 'server';
  /** ms of computing per second the room would need, and what it may have. */
  neededMs: number;
  limitMs: number;
}

/**
 * What a room may compute (`sim/ComputeLedger.ts` keeps the account for the
 * process). The model asks before every change that adds work — settings,
 * a player joining, a knob change — and reports what it runs after each
 * accepted change and each player leaving.
 */
export interface RoomCompute {
  /**
   * Why a room with these settings and these players' optimizers could not
   * run here — in plain words naming what to lower, with the setting to
   * lower first (`settings.…`) — or null. Charges nothing. `landscape` is
   * the one these settings built (pricing needs it; building it again for a
   * large network costs more than the check).
   */
  checkSettings(
    room: string,
    settings: RaceSettings,
    racers: readonly OptimizerSpec[],
    landscape?: LandscapeShape,
  ): { path: string; message: string } | null;
  /** Why a room running `racers` (one per player) could not run now, or null; a change that lowers the work always fits. */
  refuseRacers(room: string, settings: RaceSettings, racers: readonly OptimizerSpec[], landscape?: LandscapeShape): ComputeRefusal | null;
  /** The room now runs these racers under these settings. */
  charge(room: string, settings: RaceSettings, racers: readonly OptimizerSpec[], landscape?: LandscapeShape): void;
  release(room: string): void;
}

/** No limits (unit tests of other rules, tools). */
export const unlimitedCompute: RoomCompute = {
  checkSettings: () => null,
  refuseRacers: () => null,
  charge: () => undefined,
  release: () => undefined,
};
