import {
  ACTIVATIONS,
  BUDGET_RANGE,
  DATASET_KINDS,
  DATASET_LIMITS,
  formatNumber,
  INIT_SCALE_RANGE,
  INIT_SCHEMES,
  KNOB_HARD_LIMITS,
  LIBRARY_CLASS_SIZE,
  LIBRARY_LIMITS,
  MLP_LIMITS,
  OPTIMIZER_KINDS,
  OPTIMIZER_LABELS,
  ROUND_SECONDS_RANGE,
  SCORING_CHOICE_LABELS,
  type LibraryEntry,
  type OptimizerFit,
} from '@gradient-rally/shared';
import { h, uid } from '../ui/elements';
import { CLASS_RGB } from '../ui/DecisionBoundary';
import { defaultForm, entryFromForm, type EntryForm, type FormField, formFieldOf, formFromEntry } from './entryForm';
import type { PreviewJob, PreviewResult } from './previewJob';
import { WorkerJobs } from './WorkerJobs';
import './workshop.css';

/** What the editor hands back: save an entry (a new one when `id` is undefined), or use it in the room. */
export interface EditorActions {
  save(entry: LibraryEntry, id: string | undefined): Promise<{ id: string }>;
  /** Present when there is a room to use it in. */
  use?(entry: LibraryEntry, fits: OptimizerFit[]): void;
}

const DATASET_LABELS: Record<string, string> = {
  moons: 'Two moons',
  spirals: 'Two spirals',
  circles: 'Circles (one inside the other)',
  xor: 'XOR (four quadrants)',
  blobs: 'Blobs (2 to 6 classes)',
};
const INIT_LABELS: Record<string, string> = { xavier: 'Xavier (Glorot)', he: 'He (Kaiming)' };
const PREVIEW_DEBOUNCE_MS = 250;
/** Ticks a second × updates a tick: the room default, then lighter paces for a heavier terrain. */
const PACES = ['20x2', '20x1', '10x1'] as const;
const PACE_LABELS: Record<string, string> = { '20x2': '40 (smooth)', '20x1': '20', '10x1': '10 (lightest)' };

type InputName = Exclude<keyof EntryForm, 'contrast' | 'terrainKind'>;

/**
 * The instructor's workshop for one library entry, as a dialog over the
 * dashboard (wide enough for the form beside its previews): a network terrain
 * (dataset, samples, noise, seed; depth and width; activation; Xavier or He
 * and a scale; a 2-D slice or every weight) or a formula; a title and the
 * instructor's note for students; and the round it suggests (length, scoring,
 * start, the optimizer players start with, up to two comparisons).
 *
 * Every change is checked and previewed in a worker (`preview.worker.ts`:
 * shared's `parseLibraryEntry`, the same the server runs, then the terrain and
 * the initial decision boundary), so the page stays responsive on a big
 * network and whatever the server would refuse is refused here first, with
 * the sentence shown beside the field it names.
 */
export class EntryEditor {
  readonly dialog = h('dialog', { class: 'workshop-dialog', 'aria-labelledby': 'workshop-title' });
  private readonly heading = h('h2', { id: 'workshop-title' }, 'New terrain');
  private readonly inputs = {} as Record<InputName, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>;
  private readonly kindRadios: Record<'mlp' | 'expression', HTMLInputElement>;
  private readonly contrastInputs: { label: HTMLInputElement; optimizer: HTMLSelectElement; lr: HTMLInputElement }[] = [];
  private readonly errors = new Map<FormField, HTMLElement>();
  private readonly generalError = h('p', { class: 'error', role: 'alert' });
  private readonly status = h('p', { class: 'note', role: 'status', 'aria-live': 'polite' });
  private readonly networkBox = h('fieldset', { class: 'workshop-network' });
  private readonly formulaBox = h('div', { class: 'workshop-formula' });
  private readonly classesRow = h('div');
  private readonly terrainCanvas = h('canvas', { width: 240, height: 240, role: 'img', 'aria-label': 'Preview of the terrain' });
  private readonly boundaryCanvas = h('canvas', {
    width: 240,
    height: 240,
    role: 'img',
    'aria-label': 'Preview of the initial decision boundary',
  });
  private readonly boundaryBox = h('figure', { class: 'workshop-figure' });
  private readonly terrainCaption = h('figcaption', { class: 'note' });
  private readonly boundaryCaption = h('figcaption', { class: 'note' });
  private readonly costText = h('p', { class: 'note workshop-cost', 'aria-label': 'What this terrain costs the server' });
  private readonly offList = h('ul', { class: 'note workshop-off', 'aria-label': 'Optimizers this terrain cannot carry' });
  private readonly previews = h('div', { class: 'workshop-previews', 'aria-label': 'Preview' });
  private readonly saveButton = h('button', { type: 'button', class: 'primary' }, 'Save to library');
  private readonly useButton = h('button', { type: 'button' }, 'Save and use in this room');
  private readonly jobs = new WorkerJobs<PreviewJob, PreviewResult>(
    () => new Worker(new URL('./preview.worker.ts', import.meta.url), { type: 'module' }),
  );
  private editingId: string | undefined;
  private latest: Extract<PreviewResult, { ok: true }> | undefined;
  private checking: Promise<unknown> = Promise.resolve();
  /** Counts changes: a check's answer counts only if nothing changed since it was asked. */
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Called after a save, with the stored entry's id. */
  onSaved: (id: string) => void = () => {};

  constructor(private readonly actions: EditorActions) {
    const text = (name: 'title', label: string, attrs: Record<string, unknown>) =>
      this.field(name, label, h('input', { type: 'text', ...attrs }));
    const number = (name: InputName, label: string, attrs: Record<string, unknown> = {}) =>
      this.field(name, label, h('input', { type: 'number', inputMode: 'decimal', ...attrs }));
    const select = (name: InputName, label: string, options: readonly string[], labels: Record<string, string> = {}) =>
      this.field(name, label, h('select', {}, ...options.map((o) => h('option', { value: o }, labels[o] ?? o))));

    this.kindRadios = {
      mlp: h('input', { type: 'radio', name: 'workshop-kind', value: 'mlp' }),
      expression: h('input', { type: 'radio', name: 'workshop-kind', value: 'expression' }),
    };
    for (const r of Object.values(this.kindRadios)) r.addEventListener('change', () => this.changed());

    this.networkBox.append(
      h('legend', {}, 'Network'),
      h(
        'div',
        { class: 'workshop-grid' },
        select('dataset', 'Dataset', DATASET_KINDS, DATASET_LABELS),
        number('samples', 'Samples', { min: DATASET_LIMITS.minSamples, max: DATASET_LIMITS.maxSamples, step: 1 }),
        number('noise', 'Noise (0 clean, 1 overlapping)', { step: 0.05 }),
        number('dataSeed', 'Data seed', { step: 1 }),
        number('depth', 'Hidden layers', { max: MLP_LIMITS.maxHiddenLayers, step: 1 }),
        number('width', 'Units per hidden layer', { max: MLP_LIMITS.maxHiddenUnits, step: 1 }),
        this.classesRow,
        select('activation', 'Activation', ACTIVATIONS),
        select('init', 'Initialisation', INIT_SCHEMES, INIT_LABELS),
        number('initScale', 'Initial weight scale', { min: INIT_SCALE_RANGE[0], max: INIT_SCALE_RANGE[1], step: 'any' }),
        this.wide(
          select('space', 'Race in', ['slice', 'full'], {
            slice: 'a 2-D slice through the initial weights',
            full: 'all the weights (drawn on a plane)',
          }),
        ),
      ),
    );
    this.classesRow.append(number('classes', 'Classes', { max: DATASET_LIMITS.maxBlobClasses, step: 1 }));
    this.formulaBox.append(
      this.field('expr', 'Formula in x and y', h('textarea', { rows: 3, spellcheck: false, maxLength: 500 })),
      h('p', { class: 'note' }, 'Operators + − * / ^; sin cos tan exp log sqrt abs tanh; pi and e.'),
    );

    const optimizerOptions = OPTIMIZER_KINDS.map((k) => [k, OPTIMIZER_LABELS[k]] as const);
    const contrastRows = [0, 1].map((i) => {
      const label = h('input', {
        type: 'text',
        maxLength: LIBRARY_LIMITS.contrastLabelChars,
        placeholder: i === 0 ? 'e.g. Plain SGD' : 'e.g. Adam',
      });
      const optimizer = h('select', {}, ...optimizerOptions.map(([k, l]) => h('option', { value: k }, l)));
      const lr = h('input', { type: 'number', inputMode: 'decimal', step: 'any' });
      this.contrastInputs.push({ label, optimizer, lr });
      for (const el of [label, optimizer, lr]) el.addEventListener('input', () => this.changed());
      const error = h('p', { class: 'error', role: 'alert' });
      this.errors.set(`contrast${i}`, error);
      return h(
        'div',
        { class: 'workshop-contrast' },
        this.labelled(`Comparison ${i + 1}: what students try`, label),
        this.labelled(`Comparison ${i + 1}: optimizer`, optimizer),
        this.labelled(`Comparison ${i + 1}: step size`, lr),
        error,
      );
    });

    const terrainError = h('p', { class: 'error', role: 'alert' });
    this.errors.set('terrain', terrainError);
    const presetError = h('p', { class: 'error', role: 'alert' });
    this.errors.set('preset', presetError);
    this.errors.set('entry', this.generalError);

    const form = h(
      'div',
      { class: 'workshop-form' },
      text('title', 'Title', { maxLength: LIBRARY_LIMITS.titleChars, placeholder: 'e.g. Spirals need depth' }),
      this.field(
        'lesson',
        'Your note for students (shown as the instructor’s note)',
        h('textarea', { rows: 3, maxLength: LIBRARY_LIMITS.lessonChars, placeholder: 'What should they notice?' }),
      ),
      h(
        'fieldset',
        { class: 'workshop-kind' },
        h('legend', {}, 'Terrain'),
        h('label', { class: 'check' }, this.kindRadios.mlp, 'A network on a dataset'),
        h('label', { class: 'check' }, this.kindRadios.expression, 'A formula in x and y'),
      ),
      this.networkBox,
      this.formulaBox,
      terrainError,
      h(
        'fieldset',
        {},
        h('legend', {}, 'The round it suggests'),
        h(
          'div',
          { class: 'workshop-grid' },
          number('roundSeconds', 'Seconds per round', { min: ROUND_SECONDS_RANGE[0], max: ROUND_SECONDS_RANGE[1], step: 1 }),
          select('pace', 'Updates per second', PACES, PACE_LABELS),
          number('budget', 'Gradient evaluations each (empty: none)', { min: BUDGET_RANGE[0], max: BUDGET_RANGE[1], step: 1 }),
          select('scoring', 'Winner is', ['robust-loss', 'lowest-loss', 'test-loss'], SCORING_CHOICE_LABELS),
          select('start', 'Racers start', ['shared', 'random', 'choose'], {
            shared: 'all at one point',
            random: 'each at a random point',
            choose: 'where each clicks',
          }),
          this.field('optimizer', 'Players start with', h('select', {}, ...optimizerOptions.map(([k, l]) => h('option', { value: k }, l)))),
          number('lr', 'Their step size', { step: 'any' }),
          number('lrLow', 'Smallest step size they may pick', { min: KNOB_HARD_LIMITS.lr[0], max: KNOB_HARD_LIMITS.lr[1], step: 'any' }),
          number('lrHigh', 'Largest step size they may pick', { min: KNOB_HARD_LIMITS.lr[0], max: KNOB_HARD_LIMITS.lr[1], step: 'any' }),
        ),
        h('p', { class: 'note' }, 'Comparisons (optional): the settings your lesson asks students to try, in order.'),
        ...contrastRows,
        presetError,
      ),
    );

    this.boundaryBox.append(this.boundaryCanvas, this.boundaryCaption);
    const previews = this.previews;
    previews.append(
      h(
        'div',
        { class: 'workshop-figures' },
        h('figure', { class: 'workshop-figure' }, this.terrainCanvas, this.terrainCaption),
        this.boundaryBox,
      ),
      this.costText,
      this.offList,
      this.status,
      this.generalError,
      h(
        'div',
        { class: 'buttons' },
        this.saveButton,
        this.useButton,
        h('button', { type: 'button', onclick: () => this.close() }, 'Close'),
      ),
    );
    this.saveButton.addEventListener('click', () => void this.save(false));
    this.useButton.addEventListener('click', () => void this.save(true));
    this.useButton.hidden = !actions.use;

    this.dialog.append(h('div', { class: 'workshop-head' }, this.heading), h('div', { class: 'workshop-body' }, form, previews));
    this.dialog.addEventListener('close', () => clearTimeout(this.timer));
    document.body.append(this.dialog);
  }

  /** Opens the dialog on a new entry (network or formula), or on a stored one to edit. */
  open(
    start: { kind?: 'mlp' | 'expression'; id?: string; entry?: Pick<LibraryEntry, 'title' | 'lesson' | 'terrain' | 'preset'> } = {},
  ): void {
    this.editingId = start.id;
    this.heading.textContent = start.id ? `Edit “${start.entry?.title ?? ''}”` : 'New terrain for your library';
    this.saveButton.textContent = start.id ? 'Save changes' : 'Save to library';
    this.write(start.entry ? formFromEntry(start.entry) : defaultForm(start.kind ?? 'mlp'));
    this.status.textContent = '';
    if (!this.dialog.open) this.dialog.showModal();
    this.changed(true);
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }

  /** Checks a stored entry in the preview worker (what a room needs to use it: the optimizers it can carry). */
  prepare(entry: LibraryEntry): Promise<PreviewResult | undefined> {
    return this.jobs.run({ entry });
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.jobs.dispose();
    this.dialog.remove();
  }

  // ───────────────────────────── form ⇄ inputs ─────────────────────────────

  private field(name: InputName, label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
    this.inputs[name] = input;
    input.addEventListener('input', () => this.changed());
    const error = h('p', { class: 'error', role: 'alert' });
    this.errors.set(name, error);
    return this.labelled(label, input, error);
  }

  /** A field spanning two grid columns (a long choice). */
  private wide(field: HTMLElement): HTMLElement {
    field.classList.add('wide');
    return field;
  }

  private labelled(label: string, input: HTMLElement, error?: HTMLElement): HTMLElement {
    input.id ||= uid('workshop');
    if (error) {
      error.id = `${input.id}-error`;
      input.setAttribute('aria-describedby', error.id);
    }
    return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, error);
  }

  private read(): EntryForm {
    const v = (k: InputName) => this.inputs[k].value;
    return {
      title: v('title'),
      lesson: v('lesson'),
      terrainKind: this.kindRadios.expression.checked ? 'expression' : 'mlp',
      expr: v('expr'),
      dataset: v('dataset'),
      samples: v('samples'),
      noise: v('noise'),
      dataSeed: v('dataSeed'),
      depth: v('depth'),
      width: v('width'),
      classes: v('classes'),
      activation: v('activation'),
      init: v('init'),
      initScale: v('initScale'),
      space: v('space') === 'full' ? 'full' : 'slice',
      roundSeconds: v('roundSeconds'),
      pace: v('pace'),
      budget: v('budget'),
      lrLow: v('lrLow'),
      lrHigh: v('lrHigh'),
      scoring: v('scoring'),
      start: v('start'),
      optimizer: v('optimizer'),
      lr: v('lr'),
      contrast: this.contrastInputs.map((c) => ({ label: c.label.value, optimizer: c.optimizer.value, lr: c.lr.value })),
    };
  }

  private write(f: EntryForm): void {
    for (const [k, input] of Object.entries(this.inputs)) input.value = String(f[k as InputName]);
    this.kindRadios[f.terrainKind].checked = true;
    f.contrast.forEach((c, i) => {
      const row = this.contrastInputs[i];
      if (!row) return;
      row.label.value = c.label;
      row.optimizer.value = c.optimizer;
      row.lr.value = c.lr;
    });
  }

  // ───────────────────────────── checking and preview ─────────────────────────────

  /** A change: show the right part of the form, then check and preview shortly (the latest change wins). */
  private changed(now = false): void {
    const f = this.read();
    this.networkBox.hidden = f.terrainKind !== 'mlp';
    this.formulaBox.hidden = f.terrainKind !== 'expression';
    this.classesRow.hidden = f.dataset !== 'blobs';
    this.boundaryBox.hidden = f.terrainKind !== 'mlp';
    (this.inputs.scoring.querySelector('option[value="test-loss"]') as HTMLOptionElement).disabled = f.terrainKind !== 'mlp';
    this.latest = undefined;
    this.generation++;
    this.saveButton.disabled = true;
    this.useButton.disabled = true;
    this.status.textContent = 'Checking…';
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), now ? 0 : PREVIEW_DEBOUNCE_MS);
  }

  private check(): Promise<unknown> {
    const form = this.read();
    const json = entryFromForm(form);
    // The preview does not wait for a title; saving does.
    const untitled = form.title.trim() === '';
    if (untitled) json.title = 'Untitled';
    const generation = this.generation;
    const run = this.jobs.run({ entry: json }).then((r) => {
      // Superseded: by a newer job, or by a change whose own check has not started yet (the debounce).
      if (!r || generation !== this.generation) return;
      for (const el of this.errors.values()) el.textContent = '';
      for (const input of [...Object.values(this.inputs), ...this.contrastInputs.flatMap((c) => [c.label, c.optimizer, c.lr])]) {
        input.removeAttribute('aria-invalid');
      }
      this.previews.classList.toggle('stale', !r.ok);
      if (!r.ok) {
        const at = formFieldOf(r.field, Number(form.depth));
        const beside = this.errors.get(at);
        // Beside its input the field's path adds nothing; elsewhere it says what is meant.
        (beside ?? this.generalError).textContent =
          beside && r.message.startsWith(`${r.field}: `) ? r.message.slice(r.field.length + 2) : r.message;
        const input = (this.inputs as Record<string, HTMLElement>)[at];
        input?.setAttribute('aria-invalid', 'true');
        this.status.textContent = 'Fix the field marked in red to save.';
        return;
      }
      this.show(r);
      if (untitled) {
        this.errors.get('title')!.textContent = 'Give it a title to save it.';
        this.status.textContent = 'Preview ready. A title is all that is missing.';
        return;
      }
      this.latest = r;
      this.saveButton.disabled = false;
      this.useButton.disabled = false;
      this.status.textContent = `Checked: the server will accept it. Preview ready (${Math.round(r.timings.check + r.timings.terrain + r.timings.boundary)} ms in the background).`;
    });
    this.checking = run;
    return run;
  }

  private show(r: Extract<PreviewResult, { ok: true }>): void {
    paint(this.terrainCanvas, r.terrain.rgba, r.terrain.n);
    const net = r.params !== null;
    const range = `loss ${formatNumber(r.terrain.scale.min)} (dark) to ${formatNumber(r.terrain.scale.max)} (bright)${r.terrain.scale.kind === 'log' ? ', log scale' : ''}`;
    this.terrainCaption.textContent = net
      ? `${r.title}: ${r.params} parameters${r.dim === 2 ? '' : ', drawn on a plane through the initial weights'}; ${range}.`
      : `${r.title}; ${range}.`;
    if (r.boundary) {
      const b = r.boundary;
      paint(this.boundaryCanvas, b.rgba, b.n);
      drawPoints(this.boundaryCanvas, b.points, b.labels, b.bounds);
      const pct = (v: number | null) => (v === null ? '—' : `${Math.round(100 * v)} %`);
      this.boundaryCaption.textContent = `Where every racer starts: the initial weights classify ${pct(b.trainAccuracy)} of the training points right${
        b.testAccuracy === null ? '' : ` (${pct(b.testAccuracy)} of held-out ones)`
      }. Tint: the predicted class, stronger when surer.`;
    }
    this.costText.textContent = `A class of ${LIBRARY_CLASS_SIZE} on the starting optimizer needs ~${formatNumber(r.classMsPerSecond)} ms of computing per second of race; the server allows ${formatNumber(r.budgetMsPerSecond)} ms per room.`;
    const off = r.fits.filter((f) => !f.fits);
    this.offList.replaceChildren(
      ...off.map((f) => h('li', {}, h('strong', {}, `${OPTIMIZER_LABELS[f.kind]} is off on this terrain`), `: ${f.reason ?? ''}`)),
    );
  }

  private async save(andUse: boolean): Promise<void> {
    await this.checking;
    const r = this.latest;
    if (!r) return;
    this.saveButton.disabled = true;
    this.useButton.disabled = true;
    this.status.textContent = 'Saving…';
    try {
      const saved = await this.actions.save(r.entry, this.editingId);
      this.editingId = saved.id;
      this.status.textContent = andUse ? 'Saved, and in use in this room.' : 'Saved to your library.';
      this.onSaved(saved.id);
      if (andUse) {
        this.actions.use?.(r.entry, r.fits);
        this.close();
      }
    } catch (e) {
      const field = (e as { field?: string }).field;
      const message = e instanceof Error ? e.message : String(e);
      (field ? (this.errors.get(formFieldOf(field)) ?? this.generalError) : this.generalError).textContent = message;
      this.status.textContent = 'Not saved.';
    } finally {
      this.saveButton.disabled = false;
      this.useButton.disabled = false;
    }
  }
}

function paint(canvas: HTMLCanvasElement, rgba: Uint8ClampedArray, n: number): void {
  const tmp = document.createElement('canvas');
  tmp.width = tmp.height = n;
  tmp.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), n, n), 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = true;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}

/** The training points over the boundary: class 0 circles, class 1 crosses, others squares (never colour alone). */
function drawPoints(
  canvas: HTMLCanvasElement,
  points: Float32Array,
  labels: Uint8Array,
  b: { xMin: number; xMax: number; yMin: number; yMax: number },
): void {
  const ctx = canvas.getContext('2d')!;
  const W = canvas.width,
    H = canvas.height;
  for (let i = 0; i < labels.length; i++) {
    const px = ((points[2 * i] - b.xMin) / (b.xMax - b.xMin)) * W;
    const py = H - ((points[2 * i + 1] - b.yMin) / (b.yMax - b.yMin)) * H;
    const rgb = CLASS_RGB[labels[i] % CLASS_RGB.length];
    const colour = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = labels[i] === 1 ? colour : '#000';
    ctx.fillStyle = colour;
    if (labels[i] === 0) {
      ctx.beginPath();
      ctx.arc(px, py, 2.8, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    } else if (labels[i] === 1) {
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(px - 3, py - 3);
      ctx.lineTo(px + 3, py + 3);
      ctx.moveTo(px + 3, py - 3);
      ctx.lineTo(px - 3, py + 3);
      ctx.stroke();
    } else {
      ctx.fillRect(px - 2.5, py - 2.5, 5, 5);
      ctx.strokeRect(px - 2.5, py - 2.5, 5, 5);
    }
  }
}
