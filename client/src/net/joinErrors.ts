/**
 * Turns whatever a failed join throws (a Colyseus matchmaking error, a
 * network failure, the server's own refusal text) into one clear sentence
 * for a student, with a kind the UI can react to.
 */
export type JoinFailureKind = 'wrong-code' | 'locked' | 'full' | 'late' | 'kicked' | 'server-down' | 'other';

export interface JoinFailure {
  kind: JoinFailureKind;
  message: string;
}

/** Colyseus matchmaking code for "no room with this id". */
const MATCHMAKE_INVALID_ROOM_ID = 4212;

export function describeJoinFailure(error: unknown, code?: string): JoinFailure {
  const message = field(error, 'message');
  const text = typeof message === 'string' ? message : typeof error === 'string' ? error : '';
  const lower = text.toLowerCase();
  const errorCode = field(error, 'code');
  const numeric = typeof errorCode === 'number' ? errorCode : undefined;
  if (/kick|removed/.test(lower)) return { kind: 'kicked', message: 'The host removed you from this game.' };
  if (/lock/.test(lower)) return { kind: 'locked', message: 'This game is locked: the host is not letting new players in right now.' };
  if (/full/.test(lower)) return { kind: 'full', message: 'This game is full. Ask the host to raise the player limit.' };
  if (/late join|already (started|racing)|in progress/.test(lower))
    return { kind: 'late', message: 'This race has already started and the host does not allow late joins. Wait for the next round.' };
  if (numeric === MATCHMAKE_INVALID_ROOM_ID || /not found|no room|invalid room|expired/.test(lower)) {
    return {
      kind: 'wrong-code',
      message: `No game with the code ${code ? `“${code}”` : 'you typed'}. Check the code on the host’s screen.`,
    };
  }
  if (
    field(error, 'type') === 'error' || // a WebSocket error event
    /failed to fetch|networkerror|econnrefused|load failed|network|fetch|socket|offline/.test(lower) ||
    (error instanceof TypeError && !numeric)
  ) {
    return {
      kind: 'server-down',
      message: 'Cannot reach the game server. Check your connection, or ask the host whether the server is running.',
    };
  }
  return { kind: 'other', message: text ? `Could not join: ${text}` : 'Could not join the game.' };
}

/** A property of whatever was thrown (an Error, a Colyseus error, an event), read without assuming its shape. */
function field(thrown: unknown, key: 'message' | 'code' | 'type'): unknown {
  return typeof thrown === 'object' && thrown !== null ? Reflect.get(thrown, key) : undefined;
}
