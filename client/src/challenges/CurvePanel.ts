import { type BezierPath, type ChallengeAttempt, formatNumber } from '@gradient-rally/shared';
import { field, h } from '../ui/elements';
import { type CurveJob, type CurveReply, curveJobOf } from './curveJob';

type Curve = { steps: number; lr: number };

/** How a request to train the curve ended: trained (what `attempt.finish` takes), replaced by a newer one, or failed in the worker. */
export type CurveTraining = { kind: 'trained'; bezier: BezierPath; ms: number } | { kind: 'replaced' } | { kind: 'failed'; error: string };

/** What the curve's two fields are called on the page (no stable name such as "Learning rate" is a substring of them). */
export const CURVE_STEPS_LABEL = 'Curve training steps';
export const CURVE_LR_LABEL = 'Curve step size (lr)';

/**
 * Mode connectivity's own controls and judging: the Bézier curve's training
 * steps and learning rate (refused outside the challenge's `controls.curve`
 * with the field named), and the curve trained for a finished attempt in a
 * Web Worker (`curve.worker.ts`) with its progress shown, since 2000 steps
 * cost ~0.2 s of one core. The latest request wins: training for an attempt
 * the student has already left resolves to undefined.
 */
export class CurvePanel {
  readonly element: HTMLElement;
  private readonly stepsInput: HTMLInputElement;
  private readonly lrInput: HTMLInputElement;
  private readonly message = h('p', { role: 'alert', class: 'error' });
  private readonly progress = h('progress', { max: 1, value: 0, 'aria-label': 'Curve training' });
  private readonly progressText = h('p', { class: 'note' });
  private values: Curve;
  private worker: Worker | undefined;
  private nextId = 1;
  private pending: { id: number; resolve: (r: CurveTraining) => void; onProgress: (text: string) => void } | undefined;

  constructor(
    private readonly range: { steps: readonly [number, number]; lr: readonly [number, number] },
    initial: Curve,
    private readonly onChange: (curve: Curve) => void,
    /** Fields a link fixes (`hide=curveSteps,curveLr`): left out, the run keeps the link's value. */
    hidden: { steps?: boolean; lr?: boolean } = {},
    private readonly makeWorker: () => Worker = () => new Worker(new URL('./curve.worker.ts', import.meta.url), { type: 'module' }),
  ) {
    this.values = { ...initial };
    const [s0, s1] = range.steps;
    const [l0, l1] = range.lr;
    this.stepsInput = h('input', { type: 'number', min: s0, max: s1, step: 1, inputMode: 'numeric', value: String(initial.steps) });
    this.lrInput = h('input', { type: 'number', min: l0, max: l1, step: 'any', inputMode: 'decimal', value: String(initial.lr) });
    this.stepsInput.addEventListener('change', () => this.read());
    this.lrInput.addEventListener('change', () => this.read());
    this.progress.hidden = true;
    this.element = h(
      'section',
      { class: 'panel controls', 'aria-label': 'The curve between the networks' },
      h('h2', {}, 'The curve between the networks'),
      h(
        'p',
        { class: 'note' },
        'After the race the curve’s middle point is trained downhill by plain gradient descent. With 0 steps the curve is the straight line.',
      ),
      hidden.steps ? undefined : field(`${CURVE_STEPS_LABEL} (${s0} to ${s1})`, this.stepsInput),
      hidden.lr ? undefined : field(`${CURVE_LR_LABEL} (${l0} to ${l1})`, this.lrInput),
      this.message,
      this.progress,
      this.progressText,
    );
  }

  get curve(): Curve {
    return { ...this.values };
  }

  /** Shows a hint's setting (it becomes the next run's curve). */
  setValues(curve: Curve): void {
    this.values = { ...curve };
    this.stepsInput.value = String(curve.steps);
    this.lrInput.value = String(curve.lr);
    this.message.textContent = '';
  }

  private read(): void {
    const [s0, s1] = this.range.steps;
    const [l0, l1] = this.range.lr;
    const steps = Number(this.stepsInput.value);
    const lr = Number(this.lrInput.value);
    const problems: string[] = [];
    if (this.stepsInput.value.trim() === '' || !Number.isInteger(steps) || steps < s0 || steps > s1)
      problems.push(`${CURVE_STEPS_LABEL} must be a whole number from ${s0} to ${s1}.`);
    if (this.lrInput.value.trim() === '' || !Number.isFinite(lr) || lr < l0 || lr > l1)
      problems.push(`${CURVE_LR_LABEL} must be a number from ${l0} to ${l1}.`);
    if (problems.length) {
      // The run keeps the last accepted curve, and says which.
      this.message.textContent = `${problems.join(' ')} Runs still train ${this.values.steps} steps at lr ${formatNumber(this.values.lr)}.`;
      return;
    }
    this.message.textContent = '';
    this.values = { steps, lr };
    this.onChange(this.curve);
  }

  /**
   * Trains the curve for a finished attempt off the main thread; `onProgress` gets a sentence
   * as it goes. A newer request (or `cancel`) answers this one with 'replaced'.
   */
  train(a: ChallengeAttempt, onProgress: (text: string) => void): Promise<CurveTraining> {
    const job = curveJobOf(a);
    this.pending?.resolve({ kind: 'replaced' });
    this.worker ??= this.start();
    const id = this.nextId++;
    this.showProgress(0, job.steps, onProgress);
    return new Promise((resolve) => {
      this.pending = { id, resolve, onProgress };
      this.worker!.postMessage({ ...job, id } satisfies CurveJob);
    });
  }

  private showProgress(done: number, steps: number, onProgress: (text: string) => void): void {
    this.progress.hidden = steps === 0;
    this.progress.max = Math.max(1, steps);
    this.progress.value = done;
    const text = `Judging: training the curve between the two networks, ${done} of ${steps} steps…`;
    this.progressText.textContent = steps === 0 ? '' : text;
    onProgress(text);
  }

  private start(): Worker {
    const w = this.makeWorker();
    w.onmessage = (e: MessageEvent<CurveReply>) => {
      const p = this.pending;
      const r = e.data;
      if (!p || r.id !== p.id) return;
      if (r.kind === 'progress') return this.showProgress(r.done, r.steps, p.onProgress);
      this.pending = undefined;
      this.progress.hidden = true;
      if (r.kind === 'done') {
        this.progressText.textContent = r.path.trainingLoss.length
          ? `Curve trained for ${r.path.trainingLoss.length} steps in ${formatNumber(Math.round(r.ms))} ms (off the page’s main thread).`
          : 'No training steps: the curve is the straight line.';
        this.progressText.dataset.ms = String(r.ms);
        p.resolve({ kind: 'trained', bezier: r.path, ms: r.ms });
      } else {
        this.progressText.textContent = '';
        p.resolve({ kind: 'failed', error: r.error });
      }
    };
    w.onerror = () => {
      // A crashed worker answers nothing more: the next request starts a fresh one.
      this.progress.hidden = true;
      this.pending?.resolve({ kind: 'failed', error: 'the worker stopped' });
      this.pending = undefined;
      this.worker?.terminate();
      this.worker = undefined;
    };
    return w;
  }

  /** Forgets a request in flight (the student reset or changed a setting). */
  cancel(): void {
    this.pending?.resolve({ kind: 'replaced' });
    this.pending = undefined;
    this.progress.hidden = true;
    this.progressText.textContent = '';
  }

  dispose(): void {
    this.cancel();
    this.worker?.terminate();
    this.worker = undefined;
  }
}
