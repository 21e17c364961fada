/**
 * What a client sends: join options and the client → server messages, each a
 * zod schema. The same parse runs in the client before sending and in the
 * server on receipt.
 */
import { z } from 'zod';
import { ClientMessageType, type ClientMessageTypeName } from './constants';
import { sessionSettingsSchema } from './workshopSchemas';

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
 * Host settings travel as plain JSON, partial, and are validated whole by
 * `parseRoomSettings` after the room merges them over its current settings
 * (field names: those of `parseRaceSettings` plus `countdownSeconds` and
 * `challenge`; the merge is `mergeRoomSettings`), so the
 * client can check them with the very same function.
 */
const settingsObject = z.record(z.string().max(40), jsonValue);

// ───────────────────────────── join options ─────────────────────────────

export const createOptionsSchema = z
  .object({
    name: z.string().max(200).optional(),
    /** Room settings JSON (see `parseRoomSettings`). */
    settings: settingsObject.optional(),
  })
  .strict();
export type CreateOptions = z.input<typeof createOptionsSchema>;

export const joinOptionsSchema = z
  .object({
    name: z.string().max(200).optional(),
    playerToken: z.string().min(8).max(64).optional(),
    hostSecret: secret.optional(),
    /** A random id the browser keeps (localStorage), so a host's ban outlasts a new nickname. */
    device: z.string().min(8).max(64).optional(),
    /** With `hostSecret`: watch the room read-only (a projector window) instead of taking over as host. */
    watch: z.literal(true).optional(),
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
  /** `ban`: also refuse the player's nickname and device for the rest of the room's life. */
  [ClientMessageType.hostKick]: z.object({ secret, playerId: z.string().min(1).max(64), ban: z.boolean().optional() }).strict(),
  [ClientMessageType.hostLock]: z.object({ secret, locked: z.boolean() }).strict(),
  [ClientMessageType.hostSession]: sessionSettingsSchema.extend({ secret }).strict(),
} as const satisfies Record<ClientMessageTypeName, z.ZodType>;

export type ClientMessages = { [K in ClientMessageTypeName]: z.infer<(typeof clientMessageSchemas)[K]> };
/** One parsed client message, discriminated by `type`. */
export type ClientMessage = { [K in ClientMessageTypeName]: { type: K; payload: ClientMessages[K] } }[ClientMessageTypeName];

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
  // The table pairs each type with its schema, so the inferred output is ClientMessages[K].
  const schema: z.ZodType = clientMessageSchemas[type];
  return parseWith(schema, payload) as ParseResult<ClientMessages[K]>;
}

/**
 * Validates a message as it arrives (type and payload separately) into one
 * `ClientMessage`, discriminated by its type: what a server hands its room logic.
 */
export function parseClientMessageOfType(type: ClientMessageTypeName, payload: unknown): ParseResult<ClientMessage> {
  const r = parseClientMessage(type, payload);
  // The payload was parsed by the schema of this very type.
  return r.ok ? { ok: true, value: { type, payload: r.value } as ClientMessage } : r;
}

/** `schema.safeParse` as a `ParseResult` whose message names the field (`optimizer.lr: …`). */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): ParseResult<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
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
