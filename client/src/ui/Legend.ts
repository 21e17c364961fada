import { interpolateViridis } from 'd3-scale-chromatic';
import type { LegendTick, LossScale } from '../terrain/colorScale';
import { h, replaceChildren } from './elements';

/** The loss colour bar with its ticks, and whether the scale is logarithmic. */
export function drawLegend(el: HTMLElement, scale: LossScale, ticks: LegendTick[]): void {
  const stops = Array.from({ length: 11 }, (_, i) => `${interpolateViridis(i / 10)} ${i * 10}%`).join(', ');
  replaceChildren(
    el,
    h('div', {}, `Loss${scale.kind === 'log' ? ' (log scale)' : ''}`),
    h('div', { class: 'legend-bar', style: `background: linear-gradient(to right, ${stops})` }),
    h('div', { class: 'legend-ticks' }, ...ticks.filter((_, i) => i % 2 === 0).map((t) => h('span', {}, t.text))),
  );
}
