/// <reference lib="webworker" />
import { computePreview, type PreviewJob } from './previewJob';

/**
 * The builder's preview off the main thread: validation, the cost model, the
 * terrain's loss grid and the initial decision boundary (a network's grid is
 * thousands of passes over its data), so typing in the builder stays smooth.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<PreviewJob>) => {
  const job = event.data;
  try {
    const result = computePreview(job, () => performance.now());
    const transfer: Transferable[] = [];
    if (result.ok) {
      transfer.push(result.terrain.rgba.buffer);
      if (result.boundary) transfer.push(result.boundary.rgba.buffer, result.boundary.points.buffer, result.boundary.labels.buffer);
    }
    scope.postMessage(result, transfer);
  } catch (e) {
    scope.postMessage({ id: job.id, ok: false, field: '', message: `the preview failed: ${e instanceof Error ? e.message : String(e)}` });
  }
};
