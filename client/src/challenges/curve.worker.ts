/// <reference lib="webworker" />
import { type CurveJob, trainCurve } from './curveJob';

/** Trains a challenge's Bézier curve off the main thread, reporting its progress (see `curveJob.ts`). */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<CurveJob>) => {
  trainCurve(
    event.data,
    (reply) => scope.postMessage(reply),
    () => performance.now(),
  );
};
