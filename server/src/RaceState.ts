import { schema, type SchemaType } from '@colyseus/schema';
import { PlayerState } from './PlayerState';

/**
 * The synchronised room state (see `RaceStateView` in `@gradient-rally/shared`
 * for the documented shape). Players are keyed by their stable player id, not
 * by session id, so a reconnecting or reloading student keeps their entry.
 */
export const RaceState = schema(
  {
    code: { type: 'string', default: '' },
    phase: { type: 'string', default: 'lobby' },
    paused: { type: 'boolean', default: false },
    locked: { type: 'boolean', default: false },
    round: { type: 'uint16', default: 0 },
    tick: { type: 'uint32', default: 0 },
    raceTicks: { type: 'uint32', default: 0 },
    countdownTicks: { type: 'uint16', default: 0 },
    settingsJson: { type: 'string', default: '{}' },
    landscapeInfoJson: { type: 'string', default: '{}' },
    qxMin: { type: 'float64', default: 0 },
    qxMax: { type: 'float64', default: 1 },
    qyMin: { type: 'float64', default: 0 },
    qyMax: { type: 'float64', default: 1 },
    hostConnected: { type: 'boolean', default: false },
    players: { map: PlayerState },
  },
  'RaceState',
);
export type RaceState = SchemaType<typeof RaceState>;
