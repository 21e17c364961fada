import type { ArenaStage } from '../arena/ArenaStage';
import { bus } from '../events/AppEvents';

/**
 * Bench page (`/?bench=racers&n=40&fps=0`): n racers moving on Lissajous
 * curves over a terrain, positions updated 10 times a second like room
 * patches, trails growing all the while. The page publishes what it measures
 * on `window.__gradientRallyBench` for test/bench/client.bench.ts.
 */
export interface BenchReadout {
  ready: boolean;
  terrainMs: number | null;
  fps: number | null;
  frames: number;
  renderer: string | undefined;
}

export async function runRacerBench(stage: ArenaStage, n: number): Promise<void> {
  const out: BenchReadout = { ready: false, terrainMs: null, fps: null, frames: 0, renderer: undefined };
  (window as unknown as { __gradientRallyBench: BenchReadout }).__gradientRallyBench = out;
  bus.on('fps', (f) => (out.fps = f));
  bus.on('terrain-picture', (p) => (out.terrainMs = p.elapsed));
  await stage.showLandscape({ kind: 'sharp-vs-flat' }, { xMin: -2, xMax: 2, yMin: -2, yMax: 2 });
  let t = 0;
  setInterval(() => {
    t += 0.1;
    for (let i = 0; i < n; i++) {
      const a = 1.6 * Math.sin(0.7 * t + i),
        b = 1.6 * Math.sin(0.45 * t + 2 * i);
      stage.model.upsertRacer(`r${i}`, i, `Racer ${i + 1}`, a * Math.exp(-t / 200), b * Math.exp(-t / 200), i === 0, 'racing');
    }
  }, 100);
  const count = () => {
    out.frames++;
    requestAnimationFrame(count);
  };
  requestAnimationFrame(count);
  out.renderer = stage.rendererName;
  out.ready = true;
}
