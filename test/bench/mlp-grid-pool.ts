/**
 * A worker_threads pool for the MLP grid kernel, as a server would run it:
 * each worker loads the slice problem once, then takes chunks of rows from a
 * shared queue (chunks, not halves, so a busy core does not hold up the
 * other) and writes them into one SharedArrayBuffer.
 */
import { Worker } from 'node:worker_threads';
import type { GridSpec, MlpSliceProblem } from '../../shared/src/mlp/fast';

export class MlpGridPool {
  private constructor(
    private readonly workers: Worker[],
    readonly out: Float64Array,
  ) {}

  static async create(size: number, problem: MlpSliceProblem, maxN: number): Promise<MlpGridPool> {
    const sab = new SharedArrayBuffer(maxN * maxN * 8);
    // A worker does not inherit tsx's loader (Node 20 applies `--import` hooks
    // after a worker's entry is resolved), so boot it from plain JS that
    // registers tsx and then imports the TypeScript worker.
    const api = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./mlp-grid-worker.ts', import.meta.url).href;
    const boot = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(entry)});`;
    const workers = Array.from({ length: size }, () => new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`)));
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('error', reject);
            w.once('message', () => resolve());
            w.postMessage({ type: 'load', problem, out: sab });
          }),
      ),
    );
    return new MlpGridPool(workers, new Float64Array(sab));
  }

  /** Fills `this.out` (first n·n entries) with the grid, rowsPerChunk rows per message. */
  async grid(grid: GridSpec, rowsPerChunk = 8): Promise<Float64Array> {
    await this.rows(grid, 0, grid.n, rowsPerChunk);
    return this.out.subarray(0, grid.n * grid.n);
  }

  /** Rows [r0, r1) of the grid into their place in `this.out`. */
  async rows(grid: GridSpec, r0: number, r1: number, rowsPerChunk = 8): Promise<void> {
    let next = r0;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const give = () => {
              if (next >= r1) {
                w.off('message', give);
                w.off('error', reject);
                resolve();
                return;
              }
              const from = next;
              next = Math.min(r1, next + rowsPerChunk);
              w.postMessage({ type: 'rows', grid, r0: from, r1: next });
            };
            w.on('message', give);
            w.on('error', reject);
            give();
          }),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
