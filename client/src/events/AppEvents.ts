import type { TerrainPicture } from '../terrain/TerrainRenderer';
import type { Viewport } from '../arena/Viewport';
import { EventBus } from './EventBus';

/** Where a screen can send the player (the router in ui/App.ts handles `navigate`). */
export type Route =
  | { to: 'landing' }
  | { to: 'join'; code: string; message?: string }
  | { to: 'host'; code?: string; as?: 'host' | 'watch' }
  | { to: 'player'; code: string; name?: string }
  | { to: 'solo' }
  | { to: 'challenges' }
  | { to: 'challenge'; id: string };

/** Every event between the DOM overlay, the screens and the Phaser scenes, with its payload. */
export interface AppEvents {
  /** Go to another screen (screens never call the router directly). */
  navigate: Route;
  /** The arena scene is up and drawing (payload: its size in pixels). */
  'arena-ready': { width: number; height: number };
  /** A new terrain picture to show (from the worker, already drawn to a canvas). */
  'terrain-picture': TerrainPicture;
  /** The player panned or zoomed (the view stops following the racers); the overlay re-requests the terrain. */
  'view-changed': Viewport;
  /** The arena's canvas changed size (window, rotation, panels shown or hidden). */
  'arena-resized': { width: number; height: number };
  /** A click on the terrain, in landscape coordinates (choose a start point). */
  'arena-clicked': { x: number; y: number };
  /** Frames drawn per second, measured by the arena scene (bench and debug). */
  fps: number;
}

/** The application's single bus. */
export const bus = new EventBus<AppEvents>();
