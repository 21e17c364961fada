import type { TerrainPicture } from '../terrain/TerrainRenderer';
import type { Viewport } from '../arena/Viewport';
import { EventBus } from './EventBus';

/** Every event between the DOM overlay and the Phaser scenes, with its payload. */
export interface AppEvents {
  /** The arena scene is up and drawing (payload: its size in pixels). */
  'arena-ready': { width: number; height: number };
  /** A new terrain picture to show (from the worker, already drawn to a canvas). */
  'terrain-picture': TerrainPicture;
  /** The player panned or zoomed; the overlay re-requests the terrain. */
  'view-changed': Viewport;
  /** A click on the terrain, in landscape coordinates (choose a start point). */
  'arena-clicked': { x: number; y: number };
  /** Frames drawn per second, measured by the arena scene (bench and debug). */
  fps: number;
}

/** The application's single bus. */
export const bus = new EventBus<AppEvents>();
