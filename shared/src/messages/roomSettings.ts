import type { Landscape } from '../landscapes/Landscape';
import { checkRoomChallenge } from '../challenges/classRound';
import { parseSettingsWithLandscape } from '../race/RaceSettings';
import { asObject, checkNumber } from '../spec/fields';
import { COUNTDOWN_SECONDS_RANGE, DEFAULT_COUNTDOWN_SECONDS } from './constants';
import type { RaceSettings } from '../race/RaceSettings';
import type { RoomSettings } from './raceSchemas';

/**
 * Validates a room's settings JSON: the race settings (`parseRaceSettings`,
 * every field named there) plus the room's own `countdownSeconds` and
 * `challenge` (a catalogue id run as a class round, or null: `checkRoomChallenge`). Throws
 * `SpecError` naming the field and its range. The server runs it on create
 * and on `host:settings`; the host's page can run it before sending.
 *
 * @example
 *   const { settings } = parseRoomSettings({ landscape: { kind: 'himmelblau' }, countdownSeconds: 5 });
 *   settings.countdownSeconds; // 5
 */
export function parseRoomSettings(json: unknown, path = 'settings'): { settings: RoomSettings; landscape: Landscape } {
  const { countdownSeconds, ...roomInput } = asObject(json === undefined ? {} : json, path);
  // A challenge fills in its round's fields (and refuses settings that change one of them).
  const { input: raceInput, challenge } = checkRoomChallenge(roomInput, path);
  const countdown =
    countdownSeconds === undefined
      ? DEFAULT_COUNTDOWN_SECONDS
      : checkNumber(countdownSeconds, `${path}.countdownSeconds`, { min: COUNTDOWN_SECONDS_RANGE[0], max: COUNTDOWN_SECONDS_RANGE[1] });
  const { settings, landscape } = parseSettingsWithLandscape(raceInput, path);
  return { settings: { ...settings, countdownSeconds: countdown, challenge }, landscape };
}

/**
 * The race settings inside a room's settings: the room's own fields
 * (`countdownSeconds`, `challenge`) left out, as `parseRaceSettings` and the
 * cost model take them. One place, so a room field added later cannot leak
 * into a race.
 */
export function raceSettingsOfRoom(room: RoomSettings): RaceSettings {
  const { countdownSeconds: _countdown, challenge: _challenge, ...race } = room;
  return race;
}
