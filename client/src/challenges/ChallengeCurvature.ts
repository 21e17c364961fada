import {
  fullBatchOptimizer,
  formatNumber,
  rememberFullBatchSharpnessInto,
  type Challenge,
  type ChallengeAttempt,
  type CurvesPicture,
} from '@gradient-rally/shared';
import { h } from '../ui/elements';
import type { CurvatureAnswer, CurvatureJob } from './curvatureJob';
import { curvesPictureView } from './CurvesPictureView';

/** At most one λmax request per this many milliseconds of wall time (each costs ~15 ms of a worker on a laptop). */
const LAMBDA_EVERY_MS = 300;

type JobBody = CurvatureJob extends infer J ? (J extends CurvatureJob ? Omit<J, 'id'> : never) : never;

/** One worker, many jobs: each answer goes to its job's handler (progress first, then the answer). */
class CurvatureWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly handlers = new Map<number, (a: CurvatureAnswer) => void>();

  post(job: JobBody, onAnswer: (a: CurvatureAnswer) => void): void {
    this.worker ??= this.start();
    const id = this.nextId++;
    this.handlers.set(id, (a) => {
      if (a.kind !== 'progress') this.handlers.delete(id);
      onAnswer(a);
    });
    this.worker.postMessage({ ...job, id });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.handlers.clear();
  }

  private start(): Worker {
    const w = new Worker(new URL('./curvature.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<CurvatureAnswer>) => this.handlers.get(e.data.id)?.(e.data);
    w.onerror = () => {
      // A crashed worker answers nothing more: every waiting job hears an error (and is then done on the page).
      for (const [id, handle] of [...this.handlers]) handle({ id, kind: 'error', message: 'the worker stopped' });
      this.dispose();
    };
    return w;
  }
}

interface Reference {
  done: number;
  lambdaMax?: number;
  failed?: boolean;
  /** Judging waits on these: progress while the worker trains, then done. */
  waiters: { progress: () => void; done: () => void }[];
}

/**
 * The curvature side of a network challenge's screen (challenges 17 and 21):
 * λmax where the racer is now, beside the batch size, asked of a worker at
 * most every 300 ms so a phone keeps its frame rate; the full-batch reference
 * run the goal judges against, started in a worker as soon as an attempt
 * exists (it depends only on the network and the optimizer without its batch
 * size, so it is usually done before the racer is) and handed to the attempt
 * before judging; and the spectrum pictures (at the start with the task, at
 * the start and end after a pass), computed in the worker too.
 */
export class ChallengeCurvature {
  /** λmax now, and the full-batch reference's (batch-size challenges). */
  readonly readout: HTMLElement | undefined;
  /** The spectrum at the start of the next run (spectrum challenges), shown with the task. */
  readonly startPanel: HTMLElement | undefined;
  private readonly judging = new CurvatureWorker();
  private readonly live = new CurvatureWorker();
  private readonly references = new Map<string, Reference>();
  private lambdaBusy = false;
  private lambdaAskedAt = -Infinity;
  private lambdaNow: number | undefined;
  private current: ChallengeAttempt | undefined;

  /** The curvature views a challenge needs, or undefined when it needs none. */
  static for(ch: Challenge): ChallengeCurvature | undefined {
    const live = ch.controls.knobs.includes('batchSize');
    const spectrum = ch.pictures.includes('spectrum');
    if (!live && !spectrum && !ch.goal.reference) return undefined;
    return new ChallengeCurvature(ch, live, spectrum);
  }

  private constructor(
    private readonly ch: Challenge,
    live: boolean,
    private readonly spectrum: boolean,
  ) {
    if (live) this.readout = h('p', { class: 'lambda-readout', 'data-testid': 'lambda-readout' });
    // Only a saddle challenge talks about the start's spectrum before running (its second hint).
    if (spectrum && ch.ideas.includes('high-dim-saddles'))
      this.startPanel = h('section', { class: 'panel', 'aria-label': 'Spectrum at the start' });
  }

  /** A new attempt exists (not yet run): start its reference and its start spectrum. */
  attemptReady(a: ChallengeAttempt): void {
    this.current = a;
    this.lambdaNow = undefined;
    if (this.ch.goal.reference === 'full-batch') this.referenceFor(a);
    if (this.startPanel) {
      this.startPanel.replaceChildren(
        h('h2', {}, 'Spectrum at the start'),
        h('p', { class: 'note' }, 'Computing the Hessian’s eigenvalues…'),
      );
      this.judging.post({ kind: 'start-spectrum', ...this.ref(a) }, (answer) => {
        if (this.current !== a || !this.startPanel) return;
        if (answer.kind === 'picture')
          this.startPanel.replaceChildren(
            h('h2', {}, 'Spectrum at the start'),
            curvesPictureView({ ...answer.picture, title: 'This run’s network:' }),
          );
        else if (answer.kind === 'error')
          this.startPanel.replaceChildren(h('h2', {}, 'Spectrum at the start'), h('p', { class: 'error' }, answer.message));
      });
    }
    this.showReadout();
  }

  /** The racer moved: ask for λmax where it is now, when the last answer is in and 300 ms have passed. */
  racerMoved(a: ChallengeAttempt): void {
    if (!this.readout || this.lambdaBusy || a !== this.current) return;
    const now = performance.now();
    if (now - this.lambdaAskedAt < LAMBDA_EVERY_MS) return;
    this.lambdaAskedAt = now;
    this.lambdaBusy = true;
    this.live.post({ kind: 'lambda-max', ...this.ref(a), position: Array.from(a.you.position) }, (answer) => {
      this.lambdaBusy = false;
      if (a !== this.current) return;
      if (answer.kind === 'lambda-max') this.lambdaNow = answer.lambdaMax;
      this.showReadout();
    });
  }

  /**
   * Before judging a finished attempt: resolves once the goal's reference is in the attempt's
   * memo (at once if the worker is done), saying the progress through `say` meanwhile. If the
   * worker failed, it resolves without it and the goal runs the reference on the page.
   */
  beforeJudging(a: ChallengeAttempt, say: (text: string) => void): Promise<void> | undefined {
    if (this.ch.goal.reference !== 'full-batch') return undefined;
    const r = this.referenceFor(a);
    if (r.lambdaMax !== undefined) {
      rememberFullBatchSharpnessInto(a.memo, r.lambdaMax);
      return undefined;
    }
    if (r.failed) return undefined;
    const tell = () => say(`Judging: training the full-batch reference… ${Math.round(100 * r.done)} %`);
    tell();
    return new Promise((resolve) => {
      r.waiters.push({
        progress: tell,
        done: () => {
          if (r.lambdaMax !== undefined) rememberFullBatchSharpnessInto(a.memo, r.lambdaMax);
          resolve();
        },
      });
    });
  }

  /** The challenge's spectrum picture of a finished attempt: a placeholder now, the picture when the worker has it. */
  pictures(a: ChallengeAttempt): HTMLElement[] {
    if (!this.spectrum) return [];
    const slot = h(
      'div',
      { class: 'challenge-picture' },
      h('p', { class: 'note' }, 'Computing the Hessian’s spectrum at the start and at the end…'),
    );
    this.judging.post({ kind: 'spectrum', ...this.ref(a) }, (answer) => {
      if (answer.kind === 'picture') slot.replaceWith(curvesPictureView(answer.picture as CurvesPicture));
      else if (answer.kind === 'error')
        slot.replaceChildren(h('p', { class: 'error' }, `The spectrum could not be computed: ${answer.message}.`));
    });
    return [slot];
  }

  destroy(): void {
    this.judging.dispose();
    this.live.dispose();
  }

  private ref(a: ChallengeAttempt) {
    return { challengeId: this.ch.id, setup: a.setup, seed: a.seed };
  }

  /** The full-batch reference of an attempt's network (one per network and optimizer without batch size, started once). */
  private referenceFor(a: ChallengeAttempt): Reference {
    const key = this.referenceKeyOf(a);
    const known = this.references.get(key);
    if (known) return known;
    const entry: Reference = { done: 0, waiters: [] };
    this.references.set(key, entry);
    const settle = () => {
      const ws = entry.waiters;
      entry.waiters = [];
      for (const w of ws) w.done();
    };
    this.judging.post({ kind: 'reference', ...this.ref(a) }, (answer) => {
      if (answer.kind === 'progress') {
        entry.done = answer.done;
        for (const w of entry.waiters) w.progress();
      } else if (answer.kind === 'reference') {
        entry.done = 1;
        entry.lambdaMax = answer.lambdaMax;
        settle();
      } else {
        entry.failed = true;
        this.references.delete(key);
        settle();
      }
      if (this.current && this.referenceKeyOf(this.current) === key) this.showReadout();
    });
    return entry;
  }

  private referenceKeyOf(a: ChallengeAttempt): string {
    return JSON.stringify([a.seed, a.setup.network ?? null, fullBatchOptimizer(a.setup.optimizer)]);
  }

  private showReadout(): void {
    const a = this.current;
    if (!this.readout || !a) return;
    const r = this.ch.goal.reference === 'full-batch' ? this.references.get(this.referenceKeyOf(a)) : undefined;
    const now = this.lambdaNow === undefined ? (a.lossByTick.length ? '…' : 'press Run') : formatNumber(this.lambdaNow);
    const goal = this.ch.goal.stars[0];
    const reference =
      r === undefined
        ? ''
        : r.lambdaMax !== undefined
          ? `Full-batch training of this network ends at λmax ${formatNumber(r.lambdaMax)}. Goal: end at ${formatNumber(goal * r.lambdaMax)} or less (${formatNumber(goal)} × that).`
          : r.failed
            ? 'The full-batch reference will be trained when your run is judged.'
            : `Training the full-batch reference of this network… ${Math.round(100 * r.done)} %`;
    this.readout.replaceChildren(
      h('span', { class: 'lambda-now' }, `λmax now: ${now}`),
      h('span', { class: 'note lambda-reference' }, reference),
    );
  }
}
