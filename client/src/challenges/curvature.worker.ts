/// <reference lib="webworker" />
import { answerCurvatureJob, type CurvatureJob } from './curvatureJob';

/** A network challenge's curvature work off the main thread: the full-batch reference, λmax now, the spectra. */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<CurvatureJob>) => {
  answerCurvatureJob(
    event.data,
    (answer) => scope.postMessage(answer),
    () => performance.now(),
  );
};
