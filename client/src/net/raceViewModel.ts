import {
  dequantize,
  jsonFieldReader,
  OPTIMIZER_LABELS,
  optimizerSpecSchema,
  PATCH_MS,
  RacerStatusByte,
  roomLandscapeInfoSchema,
  roomSettingsSchema,
  type OptimizerKind,
  type OptimizerSpec,
  type ParseResult,
  type Phase,
  type PlayerView,
  type RaceStateView,
  type RacerStatusCode,
  type RoomLandscapeInfo,
  type RoomSettings,
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

/**
 * The state's three JSON text fields as typed values: each parsed with its
 * protocol schema once per distinct text, so screens read typed settings,
 * landscape info and optimizer specs on every patch at no cost. A field that
 * is not (yet) valid reads as undefined — before the first patch the state
 * holds '{}' — and the screens wait for the next patch.
 */
export class RoomFields {
  private readonly settingsField = jsonFieldReader(roomSettingsSchema);
  private readonly landscapeField = jsonFieldReader(roomLandscapeInfoSchema);
  private readonly optimizerFields = new Map<string, (text: string) => ParseResult<OptimizerSpec>>();

  settings(state: Pick<RaceStateView, 'settingsJson'>): RoomSettings | undefined {
    return parsedOrUndefined(this.settingsField(state.settingsJson));
  }

  landscape(state: Pick<RaceStateView, 'landscapeInfoJson'>): RoomLandscapeInfo | undefined {
    return parsedOrUndefined(this.landscapeField(state.landscapeInfoJson));
  }

  /** A player's optimizer spec (keyed by player id, so each player's text is parsed once per change). */
  optimizer(playerId: string, player: Pick<PlayerView, 'optimizerJson'>): OptimizerSpec | undefined {
    let field = this.optimizerFields.get(playerId);
    if (!field) this.optimizerFields.set(playerId, (field = jsonFieldReader(optimizerSpecSchema)));
    return parsedOrUndefined(field(player.optimizerJson));
  }
}

function parsedOrUndefined<T>(r: ParseResult<T>): T | undefined {
  return r.ok ? r.value : undefined;
}

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
  /** The optimizer's name for people ("SGD", "Adam", "L-BFGS"), not its key. */
  optimizerName: string;
  /** The racer's current optimizer spec, parsed from its `optimizerJson`. */
  optimizer: OptimizerSpec | undefined;
  rank: number;
}

/** Every racer (the host is not one), with decoded position, in leaderboard order (rank, then loss, then slot). */
export function racerRows(state: RoomStateLike, ownId?: string, fields: RoomFields = new RoomFields()): RacerRow[] {
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
      optimizerName: optimizerName(p.optimizerKind),
      optimizer: fields.optimizer(id, p),
      rank: p.rank,
    });
  });
  const lossKey = (r: RacerRow) => (Number.isFinite(r.loss) && r.status !== 'diverged' ? r.loss : Infinity);
  rows.sort((a, b) => (a.rank > 0 && b.rank > 0 ? a.rank - b.rank : 0) || lossKey(a) - lossKey(b) || a.slot - b.slot);
  return rows;
}

/** "SGD" for 'sgd', "AdamW" for 'adamw': shared's label without its parenthesis. */
export function optimizerName(kind: string): string {
  const label = OPTIMIZER_LABELS[kind as OptimizerKind];
  return label ? label.replace(/ \(.*\)$/, '') : kind;
}

/**
 * One line for the status bar: what is happening in the room, whether it is
 * locked (in any phase), and in the lobby how long the coming round lasts.
 */
export function phaseText(state: RoomStateLike, tickMs: number): string {
  const locked = state.locked ? ' (room locked)' : '';
  switch (state.phase) {
    case 'lobby': {
      const length = state.raceTicks ? ` (round: ${Math.round((state.raceTicks * tickMs) / 1000)} s)` : '';
      return `Lobby${locked}: waiting for the host to start${length}`;
    }
    case 'countdown': {
      const s = Math.max(0, Math.ceil((state.countdownTicks * tickMs) / 1000));
      return `Starting in ${s} s${locked}`;
    }
    case 'race': {
      if (state.paused) return `Paused by the host${locked}`;
      const left = secondsLeft(state, tickMs);
      return (left === null ? 'Racing' : `Racing: ${left} s left`) + locked;
    }
    case 'results':
      return `Round over: results${locked}`;
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

/** Patch interval, re-exported for the interpolation in the player view. */
export const STATE_PATCH_MS = PATCH_MS;
