/// <reference lib="webworker" />
import { replayRound, type ReplayJob } from './replayJob';

/** Replays stored rounds off the main thread (a network round re-runs every update of every racer). */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<ReplayJob>) => {
  scope.postMessage(replayRound(event.data, () => performance.now()));
};
