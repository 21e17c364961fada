import {
  dequantize,
  PATCH_MS,
  RacerStatusByte,
  type Phase,
  type PlayerView,
  type RaceStateView,
  type RacerStatusCode,
} from '@gradient-rally/shared';
import { formatLoss } from '../terrain/colorScale';
import { racerStyle } from '../arena/racerStyle';

/**
 * Room state (as Colyseus decodes it) → what the overlay and arena show.
 * Pure functions over a structural type, so they are tested in Node with
 * plain objects and run in the browser on the live schema.
 */
export interface PlayersLike {
  forEach(cb: (player: PlayerView, sessionId: string) => void): void;
}

/** The room state as this module reads it: the protocol's `RaceStateView`, with any map-like players. */
export type RoomStateLike = Omit<RaceStateView, 'phase' | 'players'> & {
  phase: Phase | string;
  players: PlayersLike;
};

export const STATUS_TEXT: Record<RacerStatusCode, string> = {
  [RacerStatusByte.lobby]: 'ready',
  [RacerStatusByte.racing]: 'racing',
  [RacerStatusByte.diverged]: 'diverged',
  [RacerStatusByte.finished]: 'finished',
  [RacerStatusByte.budgetSpent]: 'budget spent',
  [RacerStatusByte.waiting]: 'waiting',
};

export interface RacerRow {
  id: string;
  name: string;
  slot: number;
  glyph: string;
  colourName: string;
  css: string;
  connected: boolean;
  own: boolean;
  x: number;
  y: number;
  loss: number;
  lossText: string;
  status: 'idle' | 'racing' | 'diverged' | 'finished';
  statusText: string;
  optimizerKind: string;
  rank: number;
}

/** Every racer (the host is not one), with decoded position, in leaderboard order (rank, then loss, then slot). */
export function racerRows(state: RoomStateLike, ownId?: string): RacerRow[] {
  const rows: RacerRow[] = [];
  state.players.forEach((p, id) => {
    const style = racerStyle(p.slot);
    // A racer still moving when the round ended is "time up", not racing.
    const timeUp = state.phase === 'results' && p.status === RacerStatusByte.racing;
    const code = (timeUp ? RacerStatusByte.finished : p.status) as RacerStatusCode;
    rows.push({
      id,
      name: p.name,
      slot: p.slot,
      glyph: style.glyph,
      colourName: style.colourName,
      css: style.css,
      connected: p.connected,
      own: id === ownId,
      x: dequantize(p.qx, state.qxMin, state.qxMax),
      y: dequantize(p.qy, state.qyMin, state.qyMax),
      loss: p.loss,
      // Before the race the server has not evaluated anyone: a dash, not a misleading 0.
      lossText: state.phase === 'lobby' || state.phase === 'countdown' ? '—' : formatLoss(p.loss),
      status:
        code === RacerStatusByte.racing
          ? 'racing'
          : code === RacerStatusByte.diverged
            ? 'diverged'
            : code === RacerStatusByte.finished || code === RacerStatusByte.budgetSpent
              ? 'finished'
              : 'idle',
      statusText: timeUp ? 'time up' : (STATUS_TEXT[code] ?? 'unknown'),
      optimizerKind: p.optimizerKind,
      rank: p.rank,
    });
  });
  const lossKey = (r: RacerRow) => (Number.isFinite(r.loss) && r.status !== 'diverged' ? r.loss : Infinity);
  rows.sort((a, b) => (a.rank > 0 && b.rank > 0 ? a.rank - b.rank : 0) || lossKey(a) - lossKey(b) || a.slot - b.slot);
  return rows;
}

/** One line for the status bar: what is happening in the room. */
export function phaseText(state: RoomStateLike, tickMs: number): string {
  switch (state.phase) {
    case 'lobby':
      return state.locked ? 'Lobby (room locked): waiting for the host to start' : 'Lobby: waiting for the host to start';
    case 'countdown': {
      const s = Math.max(0, Math.ceil((state.countdownTicks * tickMs) / 1000));
      return `Starting in ${s} s`;
    }
    case 'race': {
      if (state.paused) return 'Paused by the host';
      const left = secondsLeft(state, tickMs);
      return left === null ? 'Racing' : `Racing: ${left} s left`;
    }
    case 'results':
      return 'Round over: results';
    default:
      return String(state.phase);
  }
}

/** Seconds left in a timed race, or null without a time limit. */
export function secondsLeft(state: RoomStateLike, tickMs: number): number | null {
  if (!state.raceTicks) return null;
  // state.tick counts race ticks (it starts at 0 when the countdown ends).
  const elapsed = Math.max(0, state.tick);
  return Math.max(0, Math.ceil(((state.raceTicks - elapsed) * tickMs) / 1000));
}

/** Parses one of the state's JSON text fields; `fallback` when empty or malformed. */
export function parseJsonField<T>(text: string, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Patch interval, re-exported for the interpolation in the player view. */
export const STATE_PATCH_MS = PATCH_MS;
