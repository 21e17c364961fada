import Phaser from 'phaser';
import type { ArenaModel } from '../arena/ArenaModel';
import { ArenaScene } from './ArenaScene';
import { BootScene } from './BootScene';

/** Phaser configuration: one canvas that fills `parent`, resized with it. */
/**
 * `fpsLimit` caps the frame rate (default 30: the race state changes 10 times a
 * second, and a classroom of laptops should not spin their fans); 0 uncaps it
 * (the FPS bench).
 */
export function gameConfig(
  parent: HTMLElement,
  model: ArenaModel,
  fpsLimit = 30,
  renderer: 'webgl' | 'canvas' | 'auto' = 'auto',
): Phaser.Types.Core.GameConfig {
  return {
    type: renderer === 'canvas' ? Phaser.CANVAS : renderer === 'webgl' ? Phaser.WEBGL : Phaser.AUTO,
    parent,
    backgroundColor: '#12121c',
    scale: { mode: Phaser.Scale.RESIZE, width: parent.clientWidth || 800, height: parent.clientHeight || 600 },
    banner: false,
    fps: { limit: fpsLimit },
    audio: { noAudio: true },
    scene: [new BootScene(), new ArenaScene(model)],
  };
}
