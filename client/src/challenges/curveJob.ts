import {
  type BezierPath,
  type ChallengeAttempt,
  createLandscape,
  curveTrainingOf,
  type LandscapeSpec,
  trainBezierPath,
} from '@gradient-rally/shared';

/**
 * Training the Bézier curve between an attempt's two networks, as a job for
 * a worker: judging 'one-valley' at the controls' 2000 steps costs ~0.2 s of
 * one core, too long for the main thread. Plain data in and out, and the
 * same shared call the goal makes (`curveTrainingOf`'s options between the
 * attempt's end points), so the curve the worker returns is the one the goal
 * would have trained: bit for bit in Node (test/client/challenges.test.ts); in
 * a browser the worker's loss runs on shared's WebAssembly kernel and the
 * page's on the plain loops, which agree to ~1e-14 relative.
 */
export interface CurveJob {
  id: number;
  /** The attempt's own network (its seed draws the data and the weights). */
  landscape: LandscapeSpec;
  theta0: number[];
  theta1: number[];
  steps: number;
  lr: number;
  seed: number;
}

export type CurveReply =
  | { id: number; kind: 'progress'; done: number; steps: number }
  | { id: number; kind: 'done'; path: BezierPath; ms: number }
  | { id: number; kind: 'error'; error: string };

/** Progress messages per job at most (one per 2 % of its steps): enough for a bar, few enough to cost nothing. */
const PROGRESS_MESSAGES = 50;

/** The job that trains a finished attempt's curve (its two racers' end points, the setup's steps and lr, the attempt's seed). */
export function curveJobOf(a: ChallengeAttempt): Omit<CurveJob, 'id'> {
  const { you, twin } = a.endPoints();
  if (!twin) throw new Error(`challenge '${a.challenge.id}' has no twin to join`);
  const o = curveTrainingOf({ challenge: a.challenge, setup: a.setup, seed: a.seed });
  return { landscape: a.settings.landscape, theta0: you, theta1: twin, steps: o.steps, lr: o.lr, seed: o.seed };
}

/** Runs one job, posting progress as it trains and then the trained curve (or the error in words). */
export function trainCurve(job: CurveJob, post: (reply: CurveReply) => void, now: () => number): void {
  const began = now();
  try {
    const every = Math.max(1, Math.ceil(job.steps / PROGRESS_MESSAGES));
    const path = trainBezierPath(createLandscape(job.landscape), job.theta0, job.theta1, {
      steps: job.steps,
      lr: job.lr,
      seed: job.seed,
      onStep: (done) => {
        if (done % every === 0 && done < job.steps) post({ id: job.id, kind: 'progress', done, steps: job.steps });
      },
    });
    post({ id: job.id, kind: 'done', path, ms: now() - began });
  } catch (e) {
    post({ id: job.id, kind: 'error', error: e instanceof Error ? e.message : String(e) });
  }
}
