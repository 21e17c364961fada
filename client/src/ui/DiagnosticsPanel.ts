import type { DiagnosticsView } from '../arena/ArenaModel';
import { h } from './elements';

/**
 * The diagnostics toggles (gradient arrow, SAM point and ball, curvature
 * ellipse) and the line of text describing the point (critical-point class).
 */
export class DiagnosticsPanel {
  readonly element: HTMLElement;
  private readonly gradient = h('input', { type: 'checkbox' });
  private readonly sam = h('input', { type: 'checkbox' });
  private readonly ellipse = h('input', { type: 'checkbox' });
  private readonly text = h('p', { role: 'status', 'aria-live': 'polite' });

  constructor(onToggle: () => void) {
    for (const box of [this.gradient, this.sam, this.ellipse]) box.addEventListener('change', onToggle);
    this.element = h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Diagnostics'),
      h('label', { class: 'check' }, this.gradient, 'Gradient arrow (downhill)'),
      h('label', { class: 'check' }, this.sam, 'SAM point and ball'),
      h('label', { class: 'check' }, this.ellipse, 'Curvature ellipse and point type'),
      this.text,
    );
  }

  get anyOn(): boolean {
    return this.gradient.checked || this.sam.checked || this.ellipse.checked;
  }

  /** Switches one part on from code (a challenge's eigen picture after a pass), as if the player had ticked it. */
  switchOn(part: 'gradient' | 'sam' | 'ellipse'): void {
    this[part].checked = true;
  }

  /** Keeps only the parts the player switched on. */
  filter(v: DiagnosticsView): DiagnosticsView {
    return {
      x: v.x,
      y: v.y,
      gradient: this.gradient.checked ? v.gradient : undefined,
      sam: this.sam.checked ? v.sam : undefined,
      ellipse: this.ellipse.checked ? v.ellipse : undefined,
    };
  }

  show(text: string): void {
    this.text.textContent = this.ellipse.checked || !text.includes(':') ? text : text.replace(/^[^:]*: curvature[^;]*; /, '');
  }
}
