import type { Phase } from '@gradient-rally/shared';

/**
 * Every state a room can be in. Clients see fewer (`Phase`): a paused race is
 * `race` with `paused` set, and results being computed already show as
 * `results` (the `results` message follows when they are ready).
 */
export const ROOM_PHASES = ['lobby', 'countdown', 'racing', 'paused', 'scoring', 'results'] as const;
export type RoomPhase = (typeof ROOM_PHASES)[number];

/**
 * What moves a room from one phase to another: host commands (`start`,
 * `pause`, `resume`, `end`, `nextRound`, `settings`), the clock
 * (`countdownDone`, `timeUp`), the analysis (`scored`) and the process
 * (`shutdown`).
 */
export const PHASE_EVENTS = [
  'start',
  'countdownDone',
  'pause',
  'resume',
  'end',
  'timeUp',
  'scored',
  'nextRound',
  'settings',
  'shutdown',
] as const;
export type PhaseEvent = (typeof PHASE_EVENTS)[number];

/**
 * The transition table: the only place that says which event is allowed in
 * which phase and where it leads. An event missing from a phase's row is
 * refused there (`refusalText` says why).
 */
export const TRANSITIONS: { readonly [P in RoomPhase]: { readonly [E in PhaseEvent]?: RoomPhase } } = {
  lobby: { start: 'countdown', settings: 'lobby' },
  countdown: { countdownDone: 'racing', end: 'lobby', shutdown: 'scoring' },
  racing: { pause: 'paused', end: 'scoring', timeUp: 'scoring', shutdown: 'scoring' },
  paused: { resume: 'racing', end: 'scoring', shutdown: 'scoring' },
  scoring: { scored: 'results' },
  results: { start: 'countdown', nextRound: 'lobby', settings: 'lobby' },
};

/** Where `event` leads from `phase`, or null when it is not allowed there. */
export function nextPhase(phase: RoomPhase, event: PhaseEvent): RoomPhase | null {
  return TRANSITIONS[phase][event] ?? null;
}

/** The phase clients see for each room phase. */
export const WIRE_PHASE: { readonly [P in RoomPhase]: Phase } = {
  lobby: 'lobby',
  countdown: 'countdown',
  racing: 'race',
  paused: 'race',
  scoring: 'results',
  results: 'results',
};

/** Why `event` is refused in `phase`, in words for the host. */
export function refusalText(event: PhaseEvent, phase: RoomPhase): string {
  if (phase === 'scoring' && (event === 'start' || event === 'settings' || event === 'nextRound')) {
    return 'the results are still being computed: try again in a moment';
  }
  switch (event) {
    case 'start':
      return `cannot start during ${WIRE_PHASE[phase]}`;
    case 'pause':
      return 'only a running race can be paused';
    case 'resume':
      return 'the race is not paused';
    case 'end':
      return 'no race is running';
    case 'nextRound':
      return 'next round starts from the results screen';
    case 'settings':
      return 'settings can change only in the lobby or on the results screen';
    default:
      return `${event} is not possible during ${WIRE_PHASE[phase]}`;
  }
}
