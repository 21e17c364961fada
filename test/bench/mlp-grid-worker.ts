/**
 * Worker half of `mlp-grid-pool.ts`: holds one grid evaluator and fills the
 * rows it is handed into a SharedArrayBuffer the main thread reads.
 */
import { parentPort } from 'node:worker_threads';
import { createMlpGridEvaluator, type GridSpec, type MlpGridEvaluator, type MlpSliceProblem } from '../../shared/src/mlp/fast';

type Message =
  | { type: 'load'; problem: MlpSliceProblem; out: SharedArrayBuffer }
  | { type: 'rows'; grid: GridSpec; r0: number; r1: number };

let evaluator: MlpGridEvaluator | null = null;
let out: Float64Array | null = null;

parentPort!.on('message', (msg: Message) => {
  if (msg.type === 'load') {
    evaluator = createMlpGridEvaluator(msg.problem);
    out = new Float64Array(msg.out);
    parentPort!.postMessage({ type: 'loaded' });
  } else {
    evaluator!.rowsInto(msg.grid, msg.r0, msg.r1, out!.subarray(0, msg.grid.n * msg.grid.n));
    parentPort!.postMessage({ type: 'done' });
  }
});
