/// <reference lib="webworker" />
import { computeTerrain, type TerrainJob } from './computeTerrain';

/**
 * Terrain worker: computes loss grids, colours and contours off the main
 * thread, so pan, zoom and landscape changes never stall the race drawing.
 * Replies with the pixels transferred (not copied).
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<TerrainJob>) => {
  const job = event.data;
  try {
    const result = computeTerrain(job, () => performance.now());
    const transfer: Transferable[] = [result.rgba.buffer];
    for (const c of result.contours) for (const r of c.rings) transfer.push(r.buffer);
    scope.postMessage({ ok: true, result }, transfer);
  } catch (e) {
    scope.postMessage({ ok: false, id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
};
