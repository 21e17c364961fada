import { parseServerMessage, type ServerMessages, type ServerMessageTypeName } from '@gradient-rally/shared';
import type { Room } from 'colyseus.js';

/**
 * Binds a handler to one server message type, after parsing each message
 * once with its protocol schema (`serverMessageSchemas`): handlers receive
 * typed, finite values. A message that does not parse means client and
 * server disagree on the protocol; it is reported on the console (where the
 * browser tests look for errors) and not handled.
 *
 * @example
 *   onServerMessage(room, 'results', (m) => showResults(m)); // m: ResultsMessage
 */
export function onServerMessage<K extends ServerMessageTypeName>(
  room: Pick<Room, 'onMessage'>,
  type: K,
  handler: (message: ServerMessages[K]) => void,
): void {
  room.onMessage(type, (raw: unknown) => {
    const r = parseServerMessage(type, raw);
    if (r.ok) handler(r.value);
    else console.error(`Refused a '${type}' message from the server: ${r.error.message}`);
  });
}
