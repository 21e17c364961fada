import type uPlot from 'uplot';
import { formatNumber } from '@gradient-rally/shared';
import { h } from './elements';
import { loadUPlot } from './loadUPlot';

/**
 * A racer's loss against optimizer steps (uPlot), with a log-scale option.
 * On a log scale non-positive losses cannot be drawn, so they are shifted by
 * the smallest value seen (the chart says so in its title).
 */
export class LossChart {
  readonly element: HTMLElement;
  private plot: uPlot | undefined;
  private xs: number[] = [];
  private ys: number[] = [];
  private log = false;
  private readonly host: HTMLDivElement;
  private readonly title: HTMLDivElement;
  private dirty = false;
  private uPlotClass: typeof uPlot | undefined;
  private uPlotAsked = false;

  constructor(readonly label = 'Your loss') {
    const logBox = h('input', {
      type: 'checkbox',
      id: `log-${Math.random().toString(36).slice(2)}`,
      onchange: (e: Event) => this.setLog((e.target as HTMLInputElement).checked),
    });
    this.title = h('div', { class: 'note' });
    this.host = h('div', { class: 'chart', role: 'img', 'aria-label': `${label} over steps` });
    this.element = h(
      'div',
      { class: 'panel' },
      h('h2', {}, label),
      h('label', { class: 'check' }, logBox, 'Log scale'),
      this.host,
      this.title,
    );
    requestAnimationFrame(() => this.flush());
  }

  reset(): void {
    this.xs = [];
    this.ys = [];
    this.dirty = true;
  }

  push(step: number, loss: number): void {
    if (!Number.isFinite(loss)) return;
    if (this.xs.length && step <= this.xs[this.xs.length - 1]) return;
    this.xs.push(step);
    this.ys.push(loss);
    this.dirty = true;
  }

  setLog(on: boolean): void {
    this.log = on;
    this.plot?.destroy();
    this.plot = undefined;
    this.dirty = true;
  }

  /** Redraws at most once per animation frame. */
  private flush(): void {
    // A chart in a hidden tab (phones) waits until it is shown: it takes the width it will have.
    if (this.dirty && this.element.isConnected && this.host.clientWidth > 0) {
      this.dirty = false;
      const width = this.host.clientWidth;
      let ys = this.ys;
      let note = '';
      if (this.log && ys.length) {
        const min = Math.min(...ys);
        if (min <= 0) {
          const shift = -min + 1e-6 * (Math.max(...ys) - min || 1);
          ys = ys.map((v) => v + shift);
          note = `Log scale of loss + ${formatNumber(shift)} (the loss goes to or below 0).`;
        }
      }
      this.title.textContent = note;
      const data: uPlot.AlignedData = [this.xs, ys];
      const UPlot = this.uPlotClass;
      if (!UPlot && this.xs.length === 0) {
        // Nothing to draw yet (a lobby): uPlot is not needed.
      } else if (!UPlot) {
        // Drawn on the first frame after uPlot has arrived, with the data of that moment.
        this.dirty = true;
        if (!this.uPlotAsked) {
          this.uPlotAsked = true;
          void loadUPlot().then((m) => (this.uPlotClass = m));
        }
      } else if (!this.plot) {
        this.plot = new UPlot(
          {
            width,
            height: 160,
            scales: { x: { time: false }, y: this.log ? { distr: 3 } : {} },
            axes: [
              { stroke: '#ccc', grid: { stroke: '#333' } },
              { stroke: '#ccc', grid: { stroke: '#333' }, size: 60 },
            ],
            series: [{ label: 'step' }, { label: 'loss', stroke: '#56b4e9', width: 2 }],
            legend: { show: false },
          },
          data,
          this.host,
        );
      } else this.plot.setData(data);
    }
    requestAnimationFrame(() => this.flush());
  }

  get points(): number {
    return this.xs.length;
  }
}
