import { schema, type SchemaType } from '@colyseus/schema';
import type { RaceStateView } from '@gradient-rally/shared';
import { PlayerState, type SchemaFieldsOf } from './PlayerState';

/**
 * The synchronised room state: `RaceStateView` in `@gradient-rally/shared`
 * (checked by `satisfies`). Players are keyed by their stable player id, not
 * by session id, so a reconnecting or reloading student keeps their entry.
 * Written only by `StateMirror`.
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
    sessionJson: { type: 'string', default: '{}' },
    players: { map: PlayerState },
  } satisfies SchemaFieldsOf<RaceStateView>,
  'RaceState',
);
export type RaceState = SchemaType<typeof RaceState>;
