import Phaser from 'phaser';
import type { ArenaModel } from '../arena/ArenaModel';
import { ArenaScene } from './ArenaScene';
import { BootScene } from './BootScene';

/** Phaser configuration: one canvas that fills `parent`, resized with it. */
export function gameConfig(parent: HTMLElement, model: ArenaModel): Phaser.Types.Core.GameConfig {
  return {
    type: Phaser.AUTO,
    parent,
    backgroundColor: '#12121c',
    scale: { mode: Phaser.Scale.RESIZE, width: parent.clientWidth || 800, height: parent.clientHeight || 600 },
    banner: false,
    audio: { noAudio: true },
    scene: [new BootScene(), new ArenaScene(model)],
  };
}
