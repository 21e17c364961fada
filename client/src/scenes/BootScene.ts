import Phaser from 'phaser';
import { SceneKeys } from './SceneKeys';

/**
 * Boot: nothing to preload (the terrain is computed, the racers are drawn),
 * so it only hands over to the arena. Kept as its own scene so that assets,
 * when there are some, have one obvious home.
 */
export class BootScene extends Phaser.Scene {
  constructor() {
    super(SceneKeys.Boot);
  }

  create(): void {
    this.scene.start(SceneKeys.Arena);
  }
}
