/**
 * # The wire protocol between a Gradient Rally client and the `RaceRoom`
 *
 * One Colyseus room type, named `ROOM_NAME` (`'race'`). Its `roomId` **is** the
 * join code: 6 characters from `JOIN_CODE_ALPHABET` (no 0/O, 1/I/L), so a
 * student joins with `client.joinById(code, joinOptions)` and the join link is
 * `/?join=CODE`.
 *
 * ## Joining
 * - Host creates: `client.create(ROOM_NAME, CreateOptions)` → the creator is the
 *   host and receives `welcome` with `hostSecret` (given to nobody else).
 * - Player joins: `client.joinById(code, JoinOptions)` with `{ name }`. A name that
 *   is empty, profane or too long is replaced by a friendly generated one; a
 *   taken one gets a number ("Ada 2"); `welcome.name` is the name in use and
 *   `welcome.nameNote` says why it changed. `GET /api/names/suggest` offers one.
 * - Rejoin after a reload: `joinById(code, { playerToken })` with the token from
 *   `welcome` gets the same racer back (kicked tokens are refused). A dropped
 *   socket can also use Colyseus's `client.reconnect(room.reconnectionToken)`.
 * - Host rejoin: `joinById(code, { hostSecret })`.
 * - Join is refused (matchmaking error) when the room is locked, full, or in a
 *   race with late join off; the error message says which.
 *
 * ## Client → server messages (`ClientMessage`; schemas in `clientMessageSchemas`)
 * | type              | payload                                   | who / when |
 * |-------------------|-------------------------------------------|------------|
 * | `setKnobs`        | `{ optimizer: OptimizerSpec JSON }`       | player; lobby, or live during the race (rate-limited, each change recorded with its tick) |
 * | `chooseStart`     | `{ point: [x, y] }`                       | player; lobby, start rule `choose` |
 * | `requestSnapshot` | `{}`                                      | anyone; answered with `snapshot` |
 * | `host:settings`   | `{ secret, settings }` (race settings JSON, partial; + `countdownSeconds`) | host; lobby or results (merged over the current settings, then validated whole by `parseRaceSettings`) |
 * | `host:start`      | `{ secret }`                              | host; lobby → countdown → race |
 * | `host:pause`      | `{ secret }`                              | host; race |
 * | `host:resume`     | `{ secret }`                              | host; race (paused) |
 * | `host:end`        | `{ secret }`                              | host; countdown or race → results |
 * | `host:nextRound`  | `{ secret }`                              | host; results → lobby |
 * | `host:kick`       | `{ secret, playerId }`                    | host; any phase |
 * | `host:lock`       | `{ secret, locked }`                      | host; any phase |
 *
 * Every refused message (invalid payload, unknown type, wrong phase, not host,
 * wrong secret, rate limit, setting out of range) is answered with an `error`
 * message (`ErrorMessage`) and changes nothing. WebSocket frames over
 * `MAX_MESSAGE_BYTES` close that client's socket (ws `maxPayload`).
 * Rate limit: `RATE_LIMIT` messages per client (token bucket) and at most
 * `RETUNE_PER_SECOND` `setKnobs` per second.
 *
 * ## Server → client messages (`ServerMessages`)
 * | type       | payload |
 * |------------|---------|
 * | `welcome`  | `WelcomeMessage`: your sessionId, playerId (your key in `state.players`), role, playerToken, name, hostSecret (host only) |
 * | `error`    | `ErrorMessage`: `{ type, code, message, path? }` |
 * | `snapshot` | `SnapshotMessage`: every racer's trail so far (compact), sent on join/rejoin during a race and on request |
 * | `results`  | `ResultsMessage`: the finished round, one row per player, ranked |
 * | `kicked`   | `{ reason }`, sent just before the server closes the socket |
 *
 * ## Synchronised state (`RaceStateView`, Colyseus schema, patch every `PATCH_MS`)
 * Only what clients draw. Positions are quantised to uint16 over `state.qBounds`
 * (the view bounds widened by half their size on every side): decode with
 * `dequantize`. Loss, status, evaluations and live rank update at most every
 * `SLOW_FIELDS_MS` (loss only when it moved by more than 0.01 %).
 * When a race ends, `phase` turns to `results` at once; the `results` message
 * follows when the analysis is done (well under a second for analytic terrains).
 * The host is not a racer: `state.players` holds racers only, keyed by player id.
 * The simulation runs every `TICK_MS` (`state.tick` counts race ticks); clients
 * interpolate between patches and keep trails themselves.
 */
import { z } from 'zod';
import type { RacerResult } from '../race/index';

// ───────────────────────────── constants ─────────────────────────────

export const ROOM_NAME = 'race';
/** Join-code characters: no 0/O, 1/I/L, so a code read off a projector is unambiguous. */
export const JOIN_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const JOIN_CODE_LENGTH = 6;
export const NAME_MAX_LENGTH = 20;
/** ws `maxPayload`: larger frames close the sender's socket. */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** Token bucket per client: capacity and refill per second. */
export const RATE_LIMIT = { burst: 30, perSecond: 15 } as const;
export const RETUNE_PER_SECOND = 4;
/** Simulation tick, patch interval, slow-field interval (milliseconds). */
export const TICK_MS = 50;
export const PATCH_MS = 100;
export const SLOW_FIELDS_MS = 1000;
export const QUANT_MAX = 65535;

export const PHASES = ['lobby', 'countdown', 'race', 'results'] as const;
export type Phase = (typeof PHASES)[number];

/** `Player.status` byte. */
export const RacerStatusByte = {
  lobby: 0,
  racing: 1,
  diverged: 2,
  finished: 3,
  budgetSpent: 4,
  waiting: 5,
} as const;
export type RacerStatusCode = (typeof RacerStatusByte)[keyof typeof RacerStatusByte];

export const ClientMessageType = {
  setKnobs: 'setKnobs',
  chooseStart: 'chooseStart',
  requestSnapshot: 'requestSnapshot',
  hostSettings: 'host:settings',
  hostStart: 'host:start',
  hostPause: 'host:pause',
  hostResume: 'host:resume',
  hostEnd: 'host:end',
  hostNextRound: 'host:nextRound',
  hostKick: 'host:kick',
  hostLock: 'host:lock',
} as const;
export type ClientMessageTypeName = (typeof ClientMessageType)[keyof typeof ClientMessageType];

export const ServerMessageType = {
  welcome: 'welcome',
  error: 'error',
  snapshot: 'snapshot',
  results: 'results',
  kicked: 'kicked',
} as const;

export const ErrorCode = {
  invalid: 'invalid',
  unknownType: 'unknown-type',
  forbidden: 'forbidden',
  wrongPhase: 'wrong-phase',
  rateLimited: 'rate-limited',
  outOfRange: 'out-of-range',
  notFound: 'not-found',
} as const;
export type ErrorCodeName = (typeof ErrorCode)[keyof typeof ErrorCode];

// ───────────────────────────── building blocks ─────────────────────────────

/** z.number() in zod 4 already refuses NaN and ±Infinity. */
const num = z.number();
const point2 = z.tuple([num, num]);
const secret = z.string().min(8).max(64);
/**
 * Plain JSON with finite numbers only (so NaN/Infinity never reach a factory),
 * short strings and bounded nesting; the factories in `shared` check meaning.
 */
type JsonValue = number | boolean | string | null | JsonValue[] | { [k: string]: JsonValue };
const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([num, z.boolean(), z.string().max(2000), z.null(), z.array(jsonValue).max(4096), z.record(z.string().max(40), jsonValue)]),
);
/** A plain-JSON spec (landscape or optimizer), checked in depth by `shared`'s factories. */
const specObject = z.object({ kind: z.string().min(1).max(40) }).catchall(jsonValue);

/**
 * Host settings travel as plain JSON and are validated by the race module's
 * `parseRaceSettings` (field names: landscape, allowedOptimizers, knobRanges,
 * lockedKnobs, defaultOptimizer, startRule, roundSeconds, budget, tickRate,
 * stepsPerTick, scoring, lateJoin, maxPlayers, seed), so the client can check
 * them with the very same function. The room adds only `countdownSeconds`.
 */
const settingsObject = z.record(z.string().max(40), jsonValue);
export const COUNTDOWN_SECONDS_RANGE = [0, 10] as const;

// ───────────────────────────── join options ─────────────────────────────

export const createOptionsSchema = z
  .object({
    name: z.string().max(200).optional(),
    /** Race settings JSON (see `parseRaceSettings`) plus optional `countdownSeconds`. */
    settings: settingsObject.optional(),
  })
  .strict();
export type CreateOptions = z.input<typeof createOptionsSchema>;

export const joinOptionsSchema = z
  .object({
    name: z.string().max(200).optional(),
    playerToken: z.string().min(8).max(64).optional(),
    hostSecret: secret.optional(),
  })
  .strict();
export type JoinOptions = z.input<typeof joinOptionsSchema>;

// ───────────────────────────── client → server ─────────────────────────────

export const clientMessageSchemas = {
  [ClientMessageType.setKnobs]: z.object({ optimizer: specObject }).strict(),
  [ClientMessageType.chooseStart]: z.object({ point: point2 }).strict(),
  [ClientMessageType.requestSnapshot]: z.object({}).strict(),
  [ClientMessageType.hostSettings]: z.object({ secret, settings: settingsObject }).strict(),
  [ClientMessageType.hostStart]: z.object({ secret }).strict(),
  [ClientMessageType.hostPause]: z.object({ secret }).strict(),
  [ClientMessageType.hostResume]: z.object({ secret }).strict(),
  [ClientMessageType.hostEnd]: z.object({ secret }).strict(),
  [ClientMessageType.hostNextRound]: z.object({ secret }).strict(),
  [ClientMessageType.hostKick]: z.object({ secret, playerId: z.string().min(1).max(64) }).strict(),
  [ClientMessageType.hostLock]: z.object({ secret, locked: z.boolean() }).strict(),
} as const satisfies Record<ClientMessageTypeName, z.ZodType>;

export type ClientMessages = { [K in ClientMessageTypeName]: z.infer<(typeof clientMessageSchemas)[K]> };

export function isClientMessageType(t: unknown): t is ClientMessageTypeName {
  return typeof t === 'string' && Object.hasOwn(clientMessageSchemas, t);
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: { path: string; message: string } };

/**
 * Validates one client message; the same call runs in the client before
 * sending and in the server on receipt.
 *
 * @example
 *   const r = parseClientMessage('setKnobs', { optimizer: { kind: 'sgd', lr: 0.1 } });
 *   if (!r.ok) showError(r.error.message);
 */
export function parseClientMessage<K extends ClientMessageTypeName>(type: K, payload: unknown): ParseResult<ClientMessages[K]> {
  const r = clientMessageSchemas[type].safeParse(payload);
  if (r.success) return { ok: true, value: r.data as ClientMessages[K] };
  return { ok: false, error: zodIssue(r.error) };
}

function zodIssue(err: z.ZodError): { path: string; message: string } {
  const issue = err.issues[0];
  if (issue && issue.code === 'unrecognized_keys') {
    const base = issue.path.map(String).join('.');
    const key = issue.keys[0];
    const path = base ? `${base}.${key}` : key;
    return { path, message: `${path}: is not a known field here` };
  }
  const path = issue
    ? issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
        .join('.')
        .replace(/\.\[/g, '[')
    : '';
  const text = issue?.code === 'invalid_union' ? 'must be plain JSON with finite numbers (no NaN or Infinity)' : issue?.message;
  const message = issue ? (path ? `${path}: ${text}` : String(text)) : 'invalid message';
  return { path, message };
}

// ───────────────────────────── server → client ─────────────────────────────

export interface WelcomeMessage {
  sessionId: string;
  /** Your key in `state.players` (players only). */
  playerId?: string;
  role: 'host' | 'player';
  code: string;
  /** Relative join link, `/?join=CODE`. */
  joinPath: string;
  /** Keep it (localStorage) to rejoin after a reload. The host has none. */
  playerToken?: string;
  /** Host only. Needed in every `host:*` message and to rejoin as host. */
  hostSecret?: string;
  name?: string;
  /** Why the requested name was changed, when it was. */
  nameNote?: string;
}

export interface ErrorMessage {
  /** The message type that was refused (or `join`). */
  type: string;
  code: ErrorCodeName;
  /** Human-readable; names the field and what was allowed. */
  message: string;
  /** Dotted path of the offending field, when there is one. */
  path?: string;
}

/**
 * Trails so far: the race module's `TrailSnapshot` (16-bit quantised, base64;
 * decode with `decodeTrailSnapshot`), plus the session id each racer id maps to
 * (they are equal in the room) and the tick it was taken at.
 */
export interface SnapshotMessage {
  tick: number;
  snapshot: unknown;
}

/** One ranked row: the race module's `RacerResult` plus the room's own columns. */
export type ResultRow = RacerResult & {
  name: string;
  /** Knob changes this player made during the round. */
  knobChanges: number;
};

export interface ResultsMessage {
  roundId: string;
  round: number;
  scoring: unknown;
  /** Ticks the race ran. */
  ticks: number;
  rows: ResultRow[];
}

export interface KickedMessage {
  reason: string;
}

export interface ServerMessages {
  welcome: WelcomeMessage;
  error: ErrorMessage;
  snapshot: SnapshotMessage;
  results: ResultsMessage;
  kicked: KickedMessage;
}

// ───────────────────────────── synchronised state ─────────────────────────────

/** One racer as clients see it (Colyseus schema `Player`). */
export interface PlayerView {
  name: string;
  connected: boolean;
  /** Stable per-room index for colour and shape. */
  slot: number;
  optimizerKind: string;
  /** The player's current optimizer spec as JSON text. */
  optimizerJson: string;
  /** Quantised position (uint16 over `qBounds`). */
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
  /** The validated settings, JSON text. */
  settingsJson: string;
  /** Landscape info JSON (title, lesson, bounds, points, wideRange). */
  landscapeInfoJson: string;
  qxMin: number;
  qxMax: number;
  qyMin: number;
  qyMax: number;
  hostConnected: boolean;
  /** Keyed by player id (stable across reconnects; also the racer id in results). */
  players: Map<string, PlayerView>;
}

/** Quantisation box for a view: the bounds widened by half their size on every side. */
export function quantBounds(b: { xMin: number; xMax: number; yMin: number; yMax: number }) {
  const w = b.xMax - b.xMin;
  const h = b.yMax - b.yMin;
  return { xMin: b.xMin - w / 2, xMax: b.xMax + w / 2, yMin: b.yMin - h / 2, yMax: b.yMax + h / 2 };
}

/** View coordinate → uint16 (clamped; non-finite → 0). */
export function quantize(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return 0;
  const q = Math.round(((v - lo) / (hi - lo)) * QUANT_MAX);
  return q < 0 ? 0 : q > QUANT_MAX ? QUANT_MAX : q;
}

/** uint16 → view coordinate. */
export function dequantize(q: number, lo: number, hi: number): number {
  return lo + (q / QUANT_MAX) * (hi - lo);
}

/** Encodes a Float32Array as base64 (no Node Buffer, no btoa dependency). */
export function encodeFloat32Base64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += abc[(n >> 18) & 63] + abc[(n >> 12) & 63] + abc[(n >> 6) & 63] + abc[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += abc[(n >> 18) & 63] + abc[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += abc[(n >> 18) & 63] + abc[(n >> 12) & 63] + abc[(n >> 6) & 63] + '=';
  }
  return out;
}

/** Inverse of `encodeFloat32Base64`. */
export function decodeFloat32Base64(s: string): Float32Array {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = s.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n =
      (abc.indexOf(clean[i]) << 18) |
      (abc.indexOf(clean[i + 1]) << 12) |
      ((i + 2 < clean.length ? abc.indexOf(clean[i + 2]) : 0) << 6) |
      (i + 3 < clean.length ? abc.indexOf(clean[i + 3]) : 0);
    if (o < bytes.length) bytes[o++] = (n >> 16) & 255;
    if (o < bytes.length) bytes[o++] = (n >> 8) & 255;
    if (o < bytes.length) bytes[o++] = n & 255;
  }
  return new Float32Array(bytes.buffer, 0, Math.floor(bytes.length / 4));
}
