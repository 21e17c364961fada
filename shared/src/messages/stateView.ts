/**
 * The synchronised room state as clients see it (the server's Colyseus schema
 * classes are checked against these with `satisfies`), and the typed reading
 * of its three JSON text fields.
 */
import type { z } from 'zod';
import { type ParseResult, parseWith } from './clientMessages';
import type { Phase, RacerStatusCode } from './constants';

/** One racer as clients see it (Colyseus schema `PlayerState`). */
export interface PlayerView {
  name: string;
  connected: boolean;
  /** Stable per-room index for colour and shape. */
  slot: number;
  optimizerKind: string;
  /** The player's current optimizer spec as JSON text (`optimizerSpecSchema`). */
  optimizerJson: string;
  /** Quantised position (uint16 over the q box; `dequantize`). */
  qx: number;
  qy: number;
  loss: number;
  status: RacerStatusCode;
  gradientEvaluations: number;
  score: number;
  rank: number;
}

/** The room state as clients see it (Colyseus schema `RaceState`). */
export interface RaceStateView {
  code: string;
  phase: Phase;
  paused: boolean;
  locked: boolean;
  round: number;
  tick: number;
  /** Ticks the race lasts (0 when budget-only); ticks left in the countdown. */
  raceTicks: number;
  countdownTicks: number;
  /** The validated room settings, JSON text (`roomSettingsSchema`). */
  settingsJson: string;
  /** Landscape info JSON (`roomLandscapeInfoSchema`: title, lesson, bounds, points, wideRange, dim). */
  landscapeInfoJson: string;
  /** Quantisation box of positions: the view bounds widened by half their size on every side (`quantBox`). */
  qxMin: number;
  qxMax: number;
  qyMin: number;
  qyMax: number;
  hostConnected: boolean;
  /** The session so far, JSON text (`sessionViewSchema`): rounds played, the scoreboard under the host's rule, ghosts on or off, the instructor's note. */
  sessionJson: string;
  /** Keyed by player id (stable across reconnects; also the racer id in results). */
  players: Map<string, PlayerView>;
}

/**
 * Parses one of the state's JSON text fields with its schema.
 *
 * @example
 *   const r = parseJsonText(roomSettingsSchema, state.settingsJson);
 *   if (r.ok) r.value.tickRate;
 */
export function parseJsonText<T>(schema: z.ZodType<T>, text: string): ParseResult<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: { path: '', message: 'is not JSON' } };
  }
  return parseWith(schema, value);
}

/**
 * A reader for one of the state's JSON text fields that parses each distinct
 * text once: screens read the state on every patch, while the field changes
 * only when its source does.
 *
 * @example
 *   const settings = jsonFieldReader(roomSettingsSchema);
 *   room.onStateChange((s) => { const r = settings(s.settingsJson); if (r.ok) draw(r.value); });
 */
export function jsonFieldReader<T>(schema: z.ZodType<T>): (text: string) => ParseResult<T> {
  let lastText: string | undefined;
  let last: ParseResult<T> = { ok: false, error: { path: '', message: 'not read yet' } };
  return (text) => {
    if (text !== lastText) {
      lastText = text;
      last = parseJsonText(schema, text);
    }
    return last;
  };
}
