import {
  ChallengeAttempt,
  challengeById,
  challengePicture,
  fullBatchSharpness,
  hessianEigenvaluesLanczos,
  runChallenge,
  startSpectrumPicture,
  type ChallengeSetup,
  type CurvesPicture,
} from '@gradient-rally/shared';

/**
 * The heavy curvature work of a network challenge, done off the main thread
 * (`curvature.worker.ts`) so a phone's page keeps its frame rate: the
 * full-batch reference run a goal judges against (started when the attempt
 * starts: it depends only on the network, i.e. the seed, and the optimizer
 * without its batch size), λmax where the racer is now, and the spectrum
 * pictures (Lanczos quadrature over all the network's weights). Every job
 * names the attempt by challenge id, setup and seed, and the worker rebuilds
 * it with shared's `ChallengeAttempt`: the same network, start and rules as
 * the page's own. Pure (no DOM): tested in Node.
 */

interface AttemptRef {
  id: number;
  challengeId: string;
  setup: ChallengeSetup;
  seed: number;
}

export type CurvatureJob =
  | (AttemptRef & { kind: 'reference' })
  | (AttemptRef & { kind: 'lambda-max'; position: number[] })
  | (AttemptRef & { kind: 'start-spectrum' })
  /** The spectrum at the start and at the end of the whole attempt, replayed here (deterministic: the same run as the page's). */
  | (AttemptRef & { kind: 'spectrum' });

export type CurvatureAnswer =
  | { id: number; kind: 'progress'; done: number }
  | { id: number; kind: 'reference'; lambdaMax: number; ms: number }
  | { id: number; kind: 'lambda-max'; lambdaMax: number }
  | { id: number; kind: 'picture'; picture: CurvesPicture; ms: number }
  | { id: number; kind: 'error'; message: string };

/** The attempt a job names, before it has run (the network, its start, the round's rules). */
function attemptOf(job: AttemptRef): ChallengeAttempt {
  const ch = challengeById(job.challengeId);
  if (!ch) throw new Error(`no challenge '${job.challengeId}'`);
  return new ChallengeAttempt(ch, job.setup, job.seed);
}

let lastAttempt: { key: string; attempt: ChallengeAttempt } | undefined;

/** The attempt for λmax jobs, kept while the page asks about the same one (a job every few hundred ms). */
function cachedAttemptOf(job: AttemptRef): ChallengeAttempt {
  const key = JSON.stringify([job.challengeId, job.setup, job.seed]);
  if (lastAttempt?.key !== key) lastAttempt = { key, attempt: attemptOf(job) };
  return lastAttempt.attempt;
}

/**
 * λmax as a race's results compute it (`race/results.ts`: Lanczos, 30 H·v products, tolerance
 * 1e-6), so the number beside the batch size is the one the goal reads at the end.
 */
export function lambdaMaxAt(a: ChallengeAttempt, position: ArrayLike<number>): number {
  const L = a.landscape;
  return hessianEigenvaluesLanczos(L, position, 1, { maxIterations: Math.min(L.dim, 30), tol: 1e-6, which: 'largest' }).values[0];
}

/** Answers one job; `post` hears progress (reference runs) and then the answer. */
export function answerCurvatureJob(job: CurvatureJob, post: (a: CurvatureAnswer) => void, now: () => number): void {
  const began = now();
  try {
    switch (job.kind) {
      case 'reference': {
        const a = attemptOf(job);
        let reported = 0;
        const lambdaMax = fullBatchSharpness(
          {
            settings: a.settings,
            seed: a.seed,
            landscape: a.landscape,
            start: a.start,
            memo: new Map(),
            you: { optimizer: job.setup.optimizer },
          },
          (done) => {
            // A few progress messages, not one per tick.
            if (done - reported >= 0.05 || done === 1) {
              reported = done;
              post({ id: job.id, kind: 'progress', done });
            }
          },
        );
        post({ id: job.id, kind: 'reference', lambdaMax, ms: now() - began });
        return;
      }
      case 'lambda-max': {
        const a = cachedAttemptOf(job);
        post({ id: job.id, kind: 'lambda-max', lambdaMax: lambdaMaxAt(a, job.position) });
        return;
      }
      case 'start-spectrum':
        post({ id: job.id, kind: 'picture', picture: startSpectrumPicture(attemptOf(job)), ms: now() - began });
        return;
      case 'spectrum': {
        const ch = challengeById(job.challengeId);
        if (!ch) throw new Error(`no challenge '${job.challengeId}'`);
        const a = runChallenge(ch, job.setup, job.seed);
        post({ id: job.id, kind: 'picture', picture: challengePicture('spectrum', a) as CurvesPicture, ms: now() - began });
        return;
      }
    }
  } catch (e) {
    post({ id: job.id, kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}
