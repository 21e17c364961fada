import { checkFormulaRange, createLandscape, FormulaError, SpecError, type Landscape } from '@gradient-rally/shared';
import { field, h } from './elements';

/** A formula that may be used: its landscape spec and the landscape built from it. */
export interface UsableFormula {
  spec: { kind: 'expression'; expr: string };
  landscape: Landscape;
}

/** Characters shown on each side of the spot a formula error points at. */
const EXCERPT = 24;

/**
 * A formula box in x and y (the host's editor, solo's own terrain): checks
 * what is typed with shared's parser and range check and says what is wrong
 * in plain words, pointing at the spot ("Missing ')': the '(' at character 4
 * is never closed." over the formula with the place marked), or warns when
 * the formula is undefined over part of the view. Values too large to draw
 * (`exp(exp(exp(x)))`) are refused.
 */
export class FormulaField {
  readonly element: HTMLElement;
  readonly input: HTMLTextAreaElement;
  private readonly message = h('p', { class: 'error', role: 'alert' });
  private readonly spot = h('p', { class: 'formula-spot', 'aria-hidden': 'true' });
  private readonly warning = h('p', { class: 'warning', role: 'status' });
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(label: string, initial: string, note?: string) {
    this.input = h('textarea', { rows: 2, spellcheck: false, value: initial, autocapitalize: 'off', autocomplete: 'off' });
    this.element = field(
      label,
      this.input,
      h('div', {}, this.message, this.spot, this.warning, note ? h('p', { class: 'note' }, note) : null),
    );
    this.spot.hidden = true;
  }

  /** Runs `fn` a moment after the player stops typing. */
  onInput(fn: () => void): void {
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(fn, 250);
    });
  }

  /** Checks the formula as it stands: usable (a warning may be shown), or undefined with the problem shown beside it. */
  check(): UsableFormula | undefined {
    const expr = this.input.value;
    const spec = { kind: 'expression' as const, expr };
    this.show('', '');
    let landscape: Landscape;
    try {
      landscape = createLandscape(spec);
    } catch (e) {
      if (e instanceof FormulaError) this.showSpot(e);
      this.show(e instanceof FormulaError ? e.problem : e instanceof SpecError ? e.message.replace(/^[\w.[\]]+: /, '') : String(e), '');
      return undefined;
    }
    const range = checkFormulaRange(landscape);
    if (range.problem) {
      this.show(range.problem, '');
      return undefined;
    }
    this.show('', range.warning ?? '');
    return { spec, landscape };
  }

  /** Shows a refusal from elsewhere (the server) beside the box. */
  showProblem(text: string): void {
    this.show(text, '');
  }

  private show(problem: string, warning: string): void {
    const changed = problem !== this.message.textContent || warning !== this.warning.textContent;
    this.message.textContent = problem;
    this.warning.textContent = warning;
    if (!problem) this.spot.hidden = true;
    // On a phone the box sits at the bottom of a scrolled panel: bring a new message into view under it.
    if (changed && (problem || warning) && this.element.isConnected) this.element.scrollIntoView({ block: 'nearest' });
  }

  /** The formula around the problem, the spot marked (a sighted reader's pointer; the sentence says it in words). */
  private showSpot(e: FormulaError): void {
    const src = e.source;
    const at = Math.min(e.position ?? 0, src.length);
    const from = Math.max(0, at - EXCERPT);
    const to = Math.min(src.length, at + EXCERPT);
    const marked = at < src.length ? src[at] : ' ';
    this.spot.replaceChildren(
      from > 0 ? '…' : '',
      src.slice(from, at),
      h('mark', {}, marked),
      src.slice(at + 1, to),
      to < src.length ? '…' : '',
    );
    this.spot.hidden = false;
  }
}
