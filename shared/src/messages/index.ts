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
 *   Tokens and the host secret survive a server restart: the room comes back
 *   under the same code from its checkpoint, with the same racers.
 * - Host rejoin: `joinById(code, { hostSecret })` (a second host connection takes over: the first gets `replaced`).
 * - Projector window: `joinById(code, { hostSecret, watch: true })`: role `watcher`, sees the state, sends nothing.
 * - `device` (optional, every join): a random id the browser keeps, so a ban
 *   (`host:kick` with `ban: true`) holds against a new nickname.
 * - Join is refused (matchmaking error) when the room is locked, full, in a
 *   race with late join off, at its computing limit (409) or the server at its
 *   (503), or the player was banned (403); the error message says which.
 *
 * ## Client → server messages (`ClientMessage`; schemas in `clientMessageSchemas`)
 * | type              | payload                                   | who / when |
 * |-------------------|-------------------------------------------|------------|
 * | `setKnobs`        | `{ optimizer: OptimizerSpec JSON }`       | player; lobby, or live during the race (rate-limited, each change recorded with its tick) |
 * | `chooseStart`     | `{ point: [x, y] }`                       | player; before their race starts, start rule `choose` |
 * | `requestSnapshot` | `{}`                                      | anyone; answered with `snapshot` |
 * | `host:settings`   | `{ secret, settings }` (room settings JSON, partial) | host; lobby or results (merged over the current settings by `mergeRoomSettings`, then validated whole by `parseRoomSettings`; `challenge: id` applies a challenge's round) |
 * | `host:start`      | `{ secret }`                              | host; lobby or results → countdown → race |
 * | `host:pause`      | `{ secret }`                              | host; race |
 * | `host:resume`     | `{ secret }`                              | host; race (paused) |
 * | `host:end`        | `{ secret }`                              | host; countdown (→ lobby) or race (→ results) |
 * | `host:nextRound`  | `{ secret }`                              | host; results → lobby |
 * | `host:kick`       | `{ secret, playerId, ban? }`              | host; any phase (the seat's token is refused after; with `ban`, the nickname and device too, for the room's life) |
 * | `host:lock`       | `{ secret, locked }`                      | host; any phase |
 * | `host:session`    | `{ secret, rule?, ghosts?, note? }` (`sessionSettingsSchema`) | host; any phase (how rounds combine on the scoreboard, the previous round's ghosts, the instructor's note for the current terrain) |
 *
 * Every refused message (invalid payload, unknown type, wrong phase, not host,
 * wrong secret, rate limit, setting out of range) is answered with an `error`
 * message (`ErrorMessage`) and changes nothing. WebSocket frames over
 * `MAX_MESSAGE_BYTES` close that client's socket (ws `maxPayload`).
 * Rate limits (token buckets): `RATE_LIMIT` messages per client, and
 * `RETUNE_LIMIT` knob changes per racer during a race.
 *
 * ## Server → client messages (`ServerMessages`; schemas in `serverMessageSchemas`)
 * | type       | payload |
 * |------------|---------|
 * | `welcome`  | `WelcomeMessage`: your sessionId, playerId (your key in `state.players`), role, playerToken, name, hostSecret (host only) |
 * | `error`    | `ErrorMessage`: `{ type, code, message, path? }` |
 * | `snapshot` | `SnapshotMessage`: every racer's trail so far (`TrailSnapshot`), sent on join/rejoin during a race and on request |
 * | `results`  | `ResultsMessage`: the finished round, one `ResultRow` per racer, ranked, with the round's `ScoringRule` |
 * | `kicked`   | `{ reason }`, sent just before the server closes the socket |
 * | `replaced` | `{ role }`: the seat was opened in another tab or window; sent just before this socket is closed |
 * | `applied`  | `{ type }`: a `host:*` message was applied (a refused one gets an `error` of the same type instead) |
 * | `ghosts`   | `GhostsMessage`: the previous round's trails (`TrailSnapshot`) with names and slots, when ghosts are on and the terrain is the same; sent when it changes and on join/rejoin |
 *
 * Clients parse each on receipt with `parseServerMessage` (zod; numbers are
 * finite, or the message is refused).
 *
 * ## Synchronised state (`RaceStateView`, Colyseus schema, patch every `PATCH_MS`)
 * Only what clients draw. Positions are quantised to uint16 over the q box
 * (`qxMin`…`qyMax`: the view bounds widened by half their size on every side,
 * `quantBox`): decode with `dequantize`. Loss, evaluations and live rank update
 * at most every `SLOW_FIELDS_MS` (loss only when it moved by more than 0.01 %).
 * Four fields are JSON text, each with its schema: `settingsJson`
 * (`roomSettingsSchema`), `landscapeInfoJson` (`roomLandscapeInfoSchema`),
 * `sessionJson` (`sessionViewSchema`: rounds so far, the scoreboard, the
 * instructor's note) and each player's `optimizerJson` (`optimizerSpecSchema`);
 * read them with `parseJsonText`.
 * When a race ends, `phase` turns to `results` at once; the `results` message
 * follows when the analysis is done (well under a second for analytic terrains).
 * The host is not a racer: `state.players` holds racers only, keyed by player id.
 * The simulation runs every 1000 / `tickRate` ms (`state.tick` counts race
 * ticks); clients interpolate between patches and keep trails themselves.
 */
export * from './constants';
export * from './clientMessages';
export * from './serverMessages';
export * from './raceSchemas';
export * from './stateView';
export * from './workshopSchemas';
export { parseRoomSettings, raceSettingsOfRoom } from './roomSettings';
export { nicknameAllowed, nicknameProblem, NICKNAME_NOTES, numberedNickname, tidyNickname } from './nicknames';
