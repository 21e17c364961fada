/**
 * What the server sends: one zod schema per server → client message, with the
 * types inferred from them. A client parses each message once on receipt
 * (`parseServerMessage`) and hands typed values to its screens.
 */
import { z } from 'zod';
import { type ParseResult, parseWith } from './clientMessages';
import { ErrorCode, type ServerMessageTypeName } from './constants';
import { resultRowSchema, scoringRuleSchema, trailSnapshotSchema } from './raceSchemas';
import { ghostsMessageSchema } from './workshopSchemas';

export const welcomeMessageSchema = z.object({
  sessionId: z.string(),
  /** Your key in `state.players` (players only). */
  playerId: z.string().optional(),
  /** `watcher`: a host's read-only projector view (joined with the host secret and `watch`). */
  role: z.enum(['host', 'player', 'watcher']),
  code: z.string(),
  /** Relative join link, `/?join=CODE`. */
  joinPath: z.string(),
  /** Keep it (localStorage) to rejoin after a reload. The host has none. */
  playerToken: z.string().optional(),
  /** Host only. Needed in every `host:*` message and to rejoin as host. */
  hostSecret: z.string().optional(),
  name: z.string().optional(),
  /** Why the requested name was changed, when it was. */
  nameNote: z.string().optional(),
});
export type WelcomeMessage = z.infer<typeof welcomeMessageSchema>;

export const errorMessageSchema = z.object({
  /** The message type that was refused (or `join`). */
  type: z.string(),
  code: z.enum(ErrorCode),
  /** Human-readable; names the field and what was allowed. */
  message: z.string(),
  /** Dotted path of the offending field, when there is one. */
  path: z.string().optional(),
});
export type ErrorMessage = z.infer<typeof errorMessageSchema>;

/**
 * Trails so far: the race module's `TrailSnapshot` (16-bit quantised, base64;
 * decode with `decodeTrailSnapshot`), taken at `tick`; null before a race.
 */
export const snapshotMessageSchema = z.object({
  tick: z.number().int(),
  snapshot: trailSnapshotSchema.nullable(),
});
export type SnapshotMessage = z.infer<typeof snapshotMessageSchema>;

export const resultsMessageSchema = z.object({
  roundId: z.string(),
  round: z.number().int(),
  scoring: scoringRuleSchema,
  /** Ticks the race ran. */
  ticks: z.number().int(),
  /** Ranked, one per racer. */
  rows: z.array(resultRowSchema),
  /** What ended the round: its time or budget, the host's End race, or the server stopping. */
  endedBy: z.enum(['time', 'host', 'shutdown']).optional(),
});
export type ResultsMessage = z.infer<typeof resultsMessageSchema>;

export const kickedMessageSchema = z.object({ reason: z.string() });
export type KickedMessage = z.infer<typeof kickedMessageSchema>;

/** The same seat was opened elsewhere (another tab or window): this connection is closed right after. */
export const replacedMessageSchema = z.object({ role: z.enum(['host', 'player']) });
export type ReplacedMessage = z.infer<typeof replacedMessageSchema>;

/** A host message was applied (its refusal would be an `error` with the same `type`): what the host's "Saved" waits for. */
export const appliedMessageSchema = z.object({ type: z.string() });
export type AppliedMessage = z.infer<typeof appliedMessageSchema>;

export const serverMessageSchemas = {
  welcome: welcomeMessageSchema,
  error: errorMessageSchema,
  snapshot: snapshotMessageSchema,
  results: resultsMessageSchema,
  kicked: kickedMessageSchema,
  replaced: replacedMessageSchema,
  applied: appliedMessageSchema,
  ghosts: ghostsMessageSchema,
} as const satisfies Record<ServerMessageTypeName, z.ZodType>;

export type ServerMessages = { [K in ServerMessageTypeName]: z.infer<(typeof serverMessageSchemas)[K]> };

/**
 * Validates one server message on receipt.
 *
 * @example
 *   room.onMessage('results', (raw) => {
 *     const r = parseServerMessage('results', raw);
 *     if (r.ok) showResults(r.value);
 *   });
 */
export function parseServerMessage<K extends ServerMessageTypeName>(type: K, payload: unknown): ParseResult<ServerMessages[K]> {
  // The table pairs each type with its schema, so the inferred output is ServerMessages[K].
  const schema: z.ZodType = serverMessageSchemas[type];
  return parseWith(schema, payload) as ParseResult<ServerMessages[K]>;
}
