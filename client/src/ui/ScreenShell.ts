import type { ArenaStage } from '../arena/ArenaStage';

/** The page layouts (`#layout[data-mode]` picks the CSS). */
export type Mode = 'landing' | 'join' | 'solo' | 'host' | 'player';

/** The connection badge: a room connection's state, or idle when no room is open. */
export type ConnectionBadge = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'ended' | 'closed';

/**
 * All a screen (host dashboard, player seat, solo sandbox) may touch of the
 * page: two slots to fill, the arena, three status setters and the address.
 * Screens go elsewhere by emitting `navigate` on the bus (events/AppEvents.ts),
 * never by calling the router, so no screen imports `App` (and the import
 * graph has no cycle through it).
 */
export interface ScreenShell {
  /** The centre slot: cards (landing, join form, a screen's error). */
  readonly screen: HTMLElement;
  /** The sidebar slot: a screen's panels. */
  readonly side: HTMLElement;
  /** The game server's WebSocket address (fixed at load; `?server=` overrides it). */
  readonly wsUrl: string;
  /** The arena (created on first use, shared by every screen). */
  arena(): ArenaStage;
  /** The line under the arena ("Drag to pan…"). */
  setHint(text: string): void;
  /** The status line in the top bar ("Racing: 8 s left"). */
  setPhase(text: string): void;
  setConnection(state: ConnectionBadge, text?: string): void;
  /** Starts a screen: ends the previous one, empties the slots, sets the layout and the address. */
  enter(mode: Mode, path: string): void;
  /** Changes the layout only (a screen that shows a card instead of its panels). */
  setLayout(mode: Mode): void;
  /** Changes the address bar only (e.g. once the room's code is known). */
  setPath(path: string): void;
  /** What to run when the player leaves the current screen. */
  onLeave(fn: () => void): void;
}
