import { createLandscape, createOptimizer, landscapeCatalogue, Rng, SpecError, type Landscape } from '@gradient-rally/shared';
import type { ArenaStage } from '../arena/ArenaStage';
import { pointDiagnostics } from '../arena/diagnostics';
import { bus } from '../events/AppEvents';
import { DEFAULT_KNOBS, knobsToOptimizerSpec, type KnobValues } from '../input/knobs';
import { formatLoss } from '../terrain/colorScale';
import { DecisionBoundary, isMlpLandscape } from '../ui/DecisionBoundary';
import { DiagnosticsPanel } from '../ui/DiagnosticsPanel';
import { field, h } from '../ui/elements';
import { KnobsPanel, OPEN_LIMITS } from '../ui/KnobsPanel';
import { LossChart } from '../ui/LossChart';

/** The small network terrain offered in solo: a filter-normalised slice of an MLP's loss on two moons. */
const CUSTOM = '__expression__';
const SOLO_ID = 'you';

/**
 * Solo sandbox: any landscape from shared's catalogue (or a formula typed
 * live), one racer driven in the browser by shared's optimizers, with the
 * loss curve and diagnostics. No server involved.
 */
export class SoloView {
  private landscape: Landscape | undefined;
  private spec: unknown;
  private theta = new Float64Array(2);
  private start: [number, number] = [0, 0];
  private rng = new Rng('solo');
  private optimizer: ReturnType<typeof createOptimizer> | undefined;
  // A first run should visibly move: plain SGD at 0.02 crosses most catalogue terrains in a few hundred steps.
  private knobs: KnobValues = { ...DEFAULT_KNOBS, lr: 0.02 };
  private step = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly chart = new LossChart('Your loss');
  private readonly diagnostics = new DiagnosticsPanel(() => this.updateDiagnostics());
  private readonly status = h('p', { role: 'status', 'aria-live': 'polite' });
  private readonly lesson = h('p', { class: 'lesson' });
  private readonly exprError = h('p', { class: 'error', role: 'alert' });
  private readonly maxSteps = h('input', { type: 'number', min: 1, max: 100000, step: 1, value: '600' });
  private readonly speed = h('input', { type: 'number', min: 1, max: 2000, step: 1, value: '60' });
  private readonly offs: (() => void)[] = [];
  private readonly knobsPanel: KnobsPanel;
  private readonly boundary = new DecisionBoundary();

  constructor(
    private readonly stage: ArenaStage,
    side: HTMLElement,
    private readonly hint: HTMLElement,
  ) {
    const catalogue = landscapeCatalogue();
    const options = [
      ...catalogue.map((c, i) => h('option', { value: String(i) }, c.title)),
      h('option', { value: CUSTOM }, 'Your own formula…'),
    ];
    const select = h('select', {}, ...options);
    const expr = h('textarea', { rows: 2, value: 'x^2 + 3*sin(y)^2', spellcheck: false });
    const exprField = field('Expression in x and y', expr, this.exprError);
    exprField.hidden = true;
    const onPick = () => {
      exprField.hidden = select.value !== CUSTOM;
      if (select.value === CUSTOM) this.tryExpression(expr.value);
      else this.useLandscape(catalogue[Number(select.value)].spec);
    };
    select.addEventListener('change', onPick);
    let debounce: ReturnType<typeof setTimeout> | undefined;
    expr.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => this.tryExpression(expr.value), 250);
    });
    const shade = h('input', {
      type: 'checkbox',
      checked: true,
      onchange: () => {
        stage.hillShade = shade.checked;
        void stage.refresh();
      },
    });
    const lines = h('input', {
      type: 'checkbox',
      checked: true,
      onchange: () => {
        stage.contours = lines.checked;
        void stage.refresh();
      },
    });
    this.knobsPanel = new KnobsPanel(OPEN_LIMITS, this.knobs, (k) => {
      this.knobs = k;
      this.applyKnobs();
    });
    side.replaceChildren(
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Terrain'),
        field('Landscape', select),
        this.lesson,
        exprField,
        h('label', { class: 'check' }, shade, 'Hill shading'),
        h('label', { class: 'check' }, lines, 'Contour lines'),
      ),
      this.knobsPanel.element,
      h(
        'section',
        { class: 'panel controls' },
        h('h2', {}, 'Run'),
        h(
          'div',
          { class: 'buttons' },
          h('button', { type: 'button', class: 'primary', onclick: () => this.run() }, 'Run'),
          h('button', { type: 'button', onclick: () => this.pause() }, 'Pause'),
          h('button', { type: 'button', onclick: () => this.stepOnce() }, 'Step'),
          h('button', { type: 'button', onclick: () => this.reset() }, 'Reset'),
        ),
        field('Steps', this.maxSteps),
        field('Speed (steps per second)', this.speed),
        this.status,
      ),
      this.diagnostics.element,
      this.boundary.element,
      this.chart.element,
    );
    this.offs.push(
      bus.on('arena-clicked', ({ x, y }) => {
        this.start = [x, y];
        this.reset();
      }),
    );
    onPick();
  }

  private tryExpression(text: string): void {
    try {
      const spec = { kind: 'expression', expr: text };
      createLandscape(spec);
      this.exprError.textContent = '';
      this.useLandscape(spec);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      const caret = e.position !== undefined ? ` (at character ${e.position + 1})` : '';
      this.exprError.textContent = `${e.message}${caret}`;
    }
  }

  private useLandscape(spec: unknown): void {
    this.pause();
    this.landscape = createLandscape(spec);
    this.spec = spec;
    const info = this.landscape.info;
    this.lesson.textContent = `${info.lesson}${info.formula ? ` f = ${info.formula}` : ''}`;
    const b = info.bounds;
    this.start = [b.xMin + 0.2 * (b.xMax - b.xMin), b.yMax - 0.2 * (b.yMax - b.yMin)];
    this.hint.textContent = 'Click the terrain to choose where your racer starts. Drag to pan, scroll to zoom.';
    void this.stage.showLandscape(spec, b);
    this.reset();
  }

  private applyKnobs(): void {
    if (!this.landscape) return;
    const spec = knobsToOptimizerSpec(this.knobs, {
      mlp: this.landscape.dim > 2 || this.landscape.info.kind === 'mlp',
      totalSteps: Number(this.maxSteps.value),
    });
    try {
      if (this.optimizer) this.optimizer.retune(spec);
      else this.optimizer = createOptimizer(spec, this.landscape.dim);
      this.knobsPanel.showMessage(undefined);
    } catch (e) {
      this.knobsPanel.showMessage(e instanceof Error ? e.message : String(e));
    }
    this.updateDiagnostics();
  }

  private reset(): void {
    this.pause();
    if (!this.landscape) return;
    const L = this.landscape;
    this.theta = new Float64Array(L.dim);
    if (L.dim === 2) this.theta.set(this.start);
    else if (L.liftInto) L.liftInto(this.start[0], this.start[1], this.theta);
    this.optimizer = undefined;
    this.rng = new Rng('solo');
    this.step = 0;
    this.applyKnobs();
    this.chart.reset();
    this.stage.model.racers.clear();
    this.stage.model.startMarker = this.start;
    this.record('idle');
  }

  private drawn(): [number, number] {
    const L = this.landscape!;
    if (L.dim === 2) return [this.theta[0], this.theta[1]];
    const out = new Float64Array(2);
    L.projectInto?.(this.theta, out);
    return [out[0], out[1]];
  }

  private record(status: 'idle' | 'racing' | 'diverged' | 'finished'): void {
    const loss = this.landscape!.value(this.theta);
    const [x, y] = this.drawn();
    this.stage.model.upsertRacer(SOLO_ID, 0, 'You', x, y, true, status === 'idle' ? 'racing' : status);
    this.chart.push(this.step, loss);
    const word = status === 'diverged' ? 'Diverged: the loss or position overflowed.' : status === 'finished' ? 'Done.' : '';
    this.status.textContent = `Step ${this.step}, loss ${formatLoss(loss)}. ${word}`;
    const L = this.landscape!;
    this.boundary.element.hidden = !isMlpLandscape(L);
    if (isMlpLandscape(L)) this.boundary.draw(L, this.theta, status !== 'racing');
  }

  private stepOnce(): boolean {
    if (!this.landscape || !this.optimizer) return false;
    this.optimizer.stepInPlace(this.theta, this.landscape, this.rng);
    this.step++;
    const loss = this.landscape.value(this.theta);
    if (!Number.isFinite(loss) || !this.theta.every(Number.isFinite)) {
      this.record('diverged');
      this.pause();
      return false;
    }
    const done = this.step >= Number(this.maxSteps.value);
    this.record(done ? 'finished' : 'racing');
    this.updateDiagnostics();
    return !done;
  }

  private run(): void {
    this.pause();
    const perTick = () => Math.max(1, Math.round(Number(this.speed.value) / 30));
    this.timer = setInterval(() => {
      for (let i = 0, n = perTick(); i < n; i++) if (!this.stepOnce()) return this.pause();
    }, 1000 / 30);
  }

  private pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private updateDiagnostics(): void {
    const L = this.landscape;
    if (L?.dim !== 2 || !this.diagnostics.anyOn) {
      this.stage.model.diagnostics = undefined;
      this.diagnostics.show(L && L.dim !== 2 ? 'Diagnostics are drawn for 2-D terrains.' : '');
      return;
    }
    const g = new Float64Array(2);
    L.valueAndGradientInto(this.theta, g);
    const H = new Float64Array(4);
    L.hessianInto?.(this.theta, H);
    const d = pointDiagnostics(this.theta[0], this.theta[1], g, L.hessianInto ? H : undefined, this.knobs.samRadius || 0.1);
    this.stage.model.diagnostics = this.diagnostics.filter(d.view);
    this.diagnostics.show(d.text);
  }

  destroy(): void {
    this.pause();
    this.offs.forEach((off) => off());
  }
}
