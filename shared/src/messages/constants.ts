/**
 * The protocol's names and numbers: room name, join codes, limits, timings,
 * phases, status bytes, message types and error codes.
 */

export const ROOM_NAME = 'race';
/** Join-code characters: no 0/O, 1/I/L, so a code read off a projector is unambiguous. */
export const JOIN_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const JOIN_CODE_LENGTH = 6;
export const NAME_MAX_LENGTH = 20;
/** ws `maxPayload`: larger frames close the sender's socket. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/** A rate: at most `burst` at once, refilled at `perSecond` (a token bucket). */
export interface RateLimit {
  burst: number;
  perSecond: number;
}
/** Every message a client sends. */
export const RATE_LIMIT = { burst: 30, perSecond: 15 } as const satisfies RateLimit;
/** Knob changes a racer makes during a race (each is recorded and replayed). */
export const RETUNE_LIMIT = { burst: 4, perSecond: 4 } as const satisfies RateLimit;

/** Simulation tick, patch interval, slow-field interval (milliseconds). */
export const TICK_MS = 50;
export const PATCH_MS = 100;
export const SLOW_FIELDS_MS = 1000;

/** Seconds of countdown before a race (the room's one setting beside the race settings). */
export const COUNTDOWN_SECONDS_RANGE = [0, 10] as const;
export const DEFAULT_COUNTDOWN_SECONDS = 3;

/**
 * The phase clients see. The room has more states than this (a paused race,
 * results being computed): `paused` is a flag beside `race`, and the room
 * shows `results` as soon as the race ends, before the `results` message.
 */
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
  hostSession: 'host:session',
} as const;
export type ClientMessageTypeName = (typeof ClientMessageType)[keyof typeof ClientMessageType];

export const ServerMessageType = {
  welcome: 'welcome',
  error: 'error',
  snapshot: 'snapshot',
  results: 'results',
  kicked: 'kicked',
  replaced: 'replaced',
  applied: 'applied',
  ghosts: 'ghosts',
} as const;
export type ServerMessageTypeName = (typeof ServerMessageType)[keyof typeof ServerMessageType];

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
