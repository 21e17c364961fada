import { formatScore, KNOBS, type ResultsMessage } from '@gradient-rally/shared';
import type { ArenaStage } from '../arena/ArenaStage';
import { racerStyle, type RacerStyle } from '../arena/racerStyle';
import { h } from '../ui/elements';
import {
  axisFraction,
  CLASS_MEASURES,
  classScatter,
  type ClassMeasure,
  type ClassScatter,
  measureDirection,
  pathsBounds,
  scoreShades,
  sharedEndRanks,
  thinPath,
  variedKnobs,
} from './classPlot';
import './classView.css';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes (numbers written as they are). */
function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: (Node | string)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/**
 * Score shade → colour: blue (best) through pale to red (worst), a diverging
 * scheme (ColorBrewer RdBu) that stays readable with the common colour-vision
 * deficiencies and stands out on the viridis terrain; each end point also
 * carries its rank, so colour is never the only cue.
 */
const SHADE_STOPS = [
  [33, 102, 172],
  [247, 247, 247],
  [178, 24, 43],
] as const;
export function shadeColour(t: number): string {
  const u = Math.min(1, Math.max(0, t)) * 2;
  const i = Math.min(1, Math.floor(u));
  const f = u - i;
  const c = SHADE_STOPS[i].map((a, k) => Math.round(a + (SHADE_STOPS[i + 1][k] - a) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** The end point of a racer the rule gave no score (it ended there, but e.g. never reached the target). */
const NO_SCORE = '#9a9ab0';

const MEASURE_NAMES: Readonly<Record<ClassMeasure, string>> = { score: 'Score', lambdaMax: 'Sharpness λmax' };

/**
 * The class view (issue 10): what no single player sees — every path and end
 * point of the round together on the terrain (each end point coloured by its
 * score and numbered by its rank), and a scatter of a knob the class varied
 * against the score or the sharpness, one dot per student (the name on hover,
 * focus or tap), with the same numbers as a table. Diverged students sit in a
 * row of crosses above the plot and in the table, never dropped. The paths
 * are the arena's own trails of the round, the terrain the arena's picture.
 * A modal dialog, so it opens the same way from the results panel, the
 * projector's podium and a phone.
 */
export class ClassView {
  readonly dialog = h('dialog', { class: 'class-view', 'aria-labelledby': 'class-view-title' });
  private readonly knobSelect = h('select', { id: 'class-view-knob' });
  private readonly measureSelect = h('select', { id: 'class-view-measure' });
  private readonly plotHost = h('div', { class: 'class-plot' });
  private readonly tableHost = h('div', { class: 'table-scroll' });
  private readonly readout = h('p', { class: 'class-readout', 'aria-live': 'polite' }, 'Tap or hover a dot for the student’s name.');
  private readonly changedNote = h('p', { class: 'note' });
  private readonly direction = h('p', { class: 'note' });
  /** The name shown beside the dot last hovered, focused or tapped. */
  private dotName: SVGTextElement | undefined;

  /** `ownId`: the viewing player's racer, marked "(you)" (none for the host). */
  constructor(
    private readonly results: ResultsMessage,
    private readonly stage: ArenaStage,
    private readonly ownId?: string,
  ) {
    const rows = results.rows;
    const styleOf = (id: string): RacerStyle => stage.model.racers.get(id)?.style ?? racerStyle(rows.findIndex((r) => r.id === id));
    for (const k of variedKnobs(rows)) this.knobSelect.append(h('option', { value: k }, KNOBS[k].label));
    for (const m of CLASS_MEASURES) this.measureSelect.append(h('option', { value: m }, MEASURE_NAMES[m]));
    this.knobSelect.addEventListener('change', () => this.drawScatter());
    this.measureSelect.addEventListener('change', () => this.drawScatter());
    // Esc closes the dialog only (the host page would also leave the projector view on it).
    this.dialog.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') e.stopPropagation();
    });
    this.dialog.addEventListener('close', () => this.dialog.remove());
    this.dialog.append(
      h(
        'div',
        { class: 'class-view-head' },
        h('h2', { id: 'class-view-title' }, `Class view, round ${results.round}`),
        h('button', { type: 'button', onclick: () => this.dialog.close() }, 'Close'),
      ),
      h(
        'div',
        { class: 'class-view-body' },
        h(
          'section',
          { class: 'class-paths', 'aria-labelledby': 'class-paths-title' },
          h('h3', { id: 'class-paths-title' }, 'Every path and end point'),
          this.pathsFigure(styleOf),
        ),
        h(
          'section',
          { class: 'class-scatter', 'aria-labelledby': 'class-scatter-title' },
          h('h3', { id: 'class-scatter-title' }, 'One dot per student'),
          h(
            'div',
            { class: 'class-controls' },
            h('div', { class: 'field' }, h('label', { for: this.knobSelect.id }, 'Knob (x-axis)'), this.knobSelect),
            h('div', { class: 'field' }, h('label', { for: this.measureSelect.id }, 'Measure (y-axis)'), this.measureSelect),
          ),
          this.plotHost,
          this.readout,
          this.direction,
          this.changedNote,
          this.tableHost,
        ),
      ),
    );
    this.drawScatter();
  }

  open(): void {
    document.body.append(this.dialog);
    this.dialog.showModal();
  }

  /** The terrain picture the arena drew, every racer's trail in its own colour, end points shaded by score and numbered by rank. */
  private pathsFigure(styleOf: (id: string) => RacerStyle): HTMLElement {
    const rows = this.results.rows;
    const picture = this.stage.lastPicture;
    const trails = rows.map((r) => this.stage.model.racers.get(r.id)?.trail.points() ?? new Float32Array(0));
    const b = pathsBounds(picture?.bounds, [...trails, ...rows.filter((r) => r.status !== 'diverged').map((r) => r.drawnEndPoint)]);
    const W = 1000;
    const H = Math.round((W * (b.yMax - b.yMin)) / (b.xMax - b.xMin));
    const px = (x: number) => ((x - b.xMin) / (b.xMax - b.xMin)) * W;
    const py = (y: number) => ((b.yMax - y) / (b.yMax - b.yMin)) * H;
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'class-paths-svg', role: 'img', 'aria-labelledby': 'class-paths-desc' });
    svg.append(s('rect', { x: 0, y: 0, width: W, height: H, fill: '#202030' }));
    if (picture) {
      const pb = picture.bounds;
      svg.append(
        s('image', {
          href: picture.canvas.toDataURL(),
          x: px(pb.xMin),
          y: py(pb.yMax),
          width: px(pb.xMax) - px(pb.xMin),
          height: py(pb.yMin) - py(pb.yMax),
          preserveAspectRatio: 'none',
        }),
      );
    }
    const shades = scoreShades(rows);
    const finite = (v: number) => Number.isFinite(v) && Math.abs(v) < 1e6;
    rows.forEach((r, i) => {
      const pts = thinPath(trails[i]);
      const coords: string[] = [];
      for (let k = 0; k + 1 < pts.length; k += 2) coords.push(`${px(pts[k]).toFixed(1)},${py(pts[k + 1]).toFixed(1)}`);
      const diverged = r.status === 'diverged';
      if (coords.length >= 2)
        svg.append(
          s('polyline', {
            class: 'class-path',
            'data-id': r.id,
            points: coords.join(' '),
            stroke: styleOf(r.id).css,
            ...(diverged ? { 'stroke-dasharray': '10 8' } : {}),
          }),
        );
    });
    // End points over every path, the best last so it is on top; racers that ended together share its number.
    const endAt = (id: string): [number, number] | undefined => {
      const r = rows.find((o) => o.id === id);
      if (!r || r.status === 'diverged' || !finite(r.drawnEndPoint[0]) || !finite(r.drawnEndPoint[1])) return undefined;
      return [px(r.drawnEndPoint[0]), py(r.drawnEndPoint[1])];
    };
    const together = sharedEndRanks(rows, endAt, 8);
    for (const r of [...rows].reverse()) {
      const [ex, ey] = r.drawnEndPoint;
      if (!finite(ex) || !finite(ey)) continue;
      const x = px(ex);
      const y = py(ey);
      const label = (together.get(r.id) ?? [r.rank]).join('·');
      const shade = shades.get(r.id);
      const name = `${r.name}: ${r.status === 'diverged' ? 'diverged here' : `rank ${r.rank}, score ${formatScore(this.results.scoring, r.score)}`}`;
      if (r.status === 'diverged')
        svg.append(s('path', { class: 'class-end class-end-apart', 'data-id': r.id, d: cross(x, y, 14) }, s('title', {}, name)));
      else
        svg.append(
          s(
            'g',
            { class: 'class-end', 'data-id': r.id },
            s('title', {}, name),
            // Grey: it ended here, but the rule gave it no score (a target never reached).
            s('circle', {
              cx: x,
              cy: y,
              r: Math.max(16, 6 + 6 * label.length),
              fill: shade === null || shade === undefined ? NO_SCORE : shadeColour(shade),
            }),
            s('text', { x, y, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, label),
          ),
        );
    }
    const scored = rows.filter((r) => r.score !== null && r.status !== 'diverged');
    const best = scored[0];
    const worst = scored.at(-1);
    const legend = h(
      'ol',
      { class: 'class-legend', 'aria-label': 'Racers on the terrain' },
      ...rows.map((r) => {
        const st = styleOf(r.id);
        const shade = shades.get(r.id);
        return h(
          'li',
          {},
          h('span', { class: 'glyph', style: `color:${st.css}`, 'aria-hidden': 'true' }, st.glyph),
          ` ${r.rank}. ${r.name}${r.id === this.ownId ? ' (you)' : ''} `,
          r.status === 'diverged'
            ? h('span', { class: 'note' }, '✕ diverged')
            : h('span', {
                class: 'swatch',
                style: `background:${shade === null || shade === undefined ? NO_SCORE : shadeColour(shade)}`,
                'aria-hidden': 'true',
              }),
          r.status === 'diverged' ? '' : ` ${formatScore(this.results.scoring, r.score)}`,
        );
      }),
    );
    return h(
      'figure',
      {},
      svg,
      h(
        'figcaption',
        { id: 'class-paths-desc' },
        'Each line is a student’s path in their racer’s colour; each disc is where they ended, numbered by rank and coloured by score',
        best && worst && best !== worst
          ? ` (blue ${formatScore(this.results.scoring, best.score)}, best, to red ${formatScore(this.results.scoring, worst.score)}, worst)`
          : '',
        rows.some((r) => r.status !== 'diverged' && r.score === null) ? '; grey: no score' : '',
        '; a cross marks where a diverged racer was last seen.',
      ),
      legend,
    );
  }

  private drawScatter(): void {
    const knob = this.knobSelect.value as ClassScatter['knob'];
    const measure = this.measureSelect.value as ClassMeasure;
    const plot = classScatter(this.results.rows, knob, measure, this.results.scoring);
    const shades = scoreShades(this.results.rows);
    this.dotName = undefined;
    this.plotHost.replaceChildren(this.scatterSvg(plot, shades));
    this.direction.textContent = measureDirection(measure);
    this.plotHost.dataset.knob = knob;
    this.plotHost.dataset.measure = measure;
    this.changedNote.textContent =
      plot.changedKnobs > 0
        ? `Knobs as each student ended the round; ${plot.changedKnobs} of ${this.results.rows.length} changed theirs during it.`
        : 'Each student kept their knobs for the whole round.';
    this.tableHost.replaceChildren(
      h(
        'table',
        { 'aria-label': 'Class scatter as a table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Student'),
            h('th', { scope: 'col' }, plot.x.label),
            h('th', { scope: 'col' }, plot.y.label),
          ),
        ),
        h(
          'tbody',
          {},
          ...plot.points.map((p) =>
            h(
              'tr',
              { class: p.id === this.ownId ? 'own' : undefined },
              h('td', {}, this.nameOf(p)),
              h('td', { class: 'num' }, p.xText),
              h('td', { class: 'num' }, p.yText),
            ),
          ),
          ...plot.apart.map((a) =>
            h('tr', { class: 'apart' }, h('td', {}, this.nameOf(a)), h('td', { class: 'num' }, a.xText), h('td', {}, `✕ ${a.reason}`)),
          ),
        ),
      ),
    );
    this.readout.textContent = 'Tap or hover a dot for the student’s name.';
  }

  /** Axes with ticks, one dot per student, and the row of crosses above for the students the plot cannot place. */
  private scatterSvg(plot: ClassScatter, shades: Map<string, number | null>): SVGSVGElement {
    const W = 640;
    const H = 440;
    const left = 86;
    const right = 20;
    const apartRow = plot.apart.length ? 64 : 0;
    const top = 16 + apartRow;
    const bottom = 66;
    const plotW = W - left - right;
    const plotH = H - top - bottom;
    const X = (v: number) => left + axisFraction(plot.x, v) * plotW;
    const Y = (v: number) => top + (1 - axisFraction(plot.y, v)) * plotH;
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'class-scatter-svg', role: 'group', 'aria-label': 'Scatter of the class' });
    const axes = s('g', { class: 'axes', 'aria-hidden': 'true' });
    axes.append(s('rect', { x: left, y: top, width: plotW, height: plotH, class: 'plot-area' }));
    for (const t of plot.x.ticks) {
      const x = X(t.value);
      axes.append(s('line', { x1: x, x2: x, y1: top, y2: top + plotH, class: 'grid' }));
      axes.append(s('text', { x, y: top + plotH + 22, 'text-anchor': 'middle' }, t.text));
    }
    for (const t of plot.y.ticks) {
      const y = Y(t.value);
      axes.append(s('line', { x1: left, x2: left + plotW, y1: y, y2: y, class: 'grid' }));
      axes.append(s('text', { x: left - 8, y, 'text-anchor': 'end', 'dominant-baseline': 'central' }, t.text));
    }
    axes.append(
      s(
        'text',
        { x: left + plotW / 2, y: H - 12, 'text-anchor': 'middle', class: 'axis-label' },
        `${plot.x.label}${plot.x.log ? ' (log scale)' : ''}`,
      ),
      s(
        'text',
        { x: 18, y: top + plotH / 2, 'text-anchor': 'middle', transform: `rotate(-90 18 ${top + plotH / 2})`, class: 'axis-label' },
        `${plot.y.label}${plot.y.log ? ' (log)' : ''}`,
      ),
    );
    svg.append(axes);
    if (!plot.points.length)
      svg.append(
        s(
          'text',
          { x: left + plotW / 2, y: top + plotH / 2, 'text-anchor': 'middle', class: 'apart-label', 'aria-hidden': 'true' },
          'No student has this measure: see the table',
        ),
      );
    if (plot.apart.length) {
      const y = 22 + apartRow / 2;
      svg.append(
        s(
          'text',
          { x: left, y: 16, 'dominant-baseline': 'central', class: 'apart-label', 'aria-hidden': 'true' },
          'Not plotted (see the table):',
        ),
      );
      let noKnob = 0;
      plot.apart.forEach((a) => {
        // At their knob value when they have one, else side by side in the margin left of the axis.
        const x = a.x !== null ? X(a.x) : 16 + (noKnob++ % 3) * 24;
        svg.append(
          this.marker(
            s('path', { d: cross(x, y, 10), class: 'class-dot class-dot-apart', 'data-id': a.id }),
            `${a.name}: ${a.xText}, ${a.reason}`,
            `${a.name}: ${plot.x.label.toLowerCase()} ${a.xText}, ${a.reason}`,
          ),
        );
      });
    }
    for (const p of plot.points) {
      const shade = shades.get(p.id);
      const dot = s('circle', {
        cx: X(p.x),
        cy: Y(p.y),
        r: 11,
        class: 'class-dot',
        'data-id': p.id,
        fill: shade === null || shade === undefined ? '#999' : shadeColour(shade),
      });
      const measure = MEASURE_NAMES[plot.measure].toLowerCase();
      svg.append(
        this.marker(
          dot,
          `${p.name}: ${p.xText}, ${measure} ${p.yText}`,
          `${p.name}: ${plot.x.label.toLowerCase()} ${p.xText}, ${measure} ${p.yText}`,
        ),
      );
    }
    return svg;
  }

  private nameOf(p: { id: string; name: string }): string {
    return p.id === this.ownId ? `${p.name} (you)` : p.name;
  }

  /** Writes `name` beside the mark (left of it when the mark is in the right half), over everything else. */
  private nameBeside(el: SVGElement, name: string): void {
    const svg = el.ownerSVGElement;
    if (!svg) return;
    const box = (el as SVGGraphicsElement).getBBox();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const left = x > svg.viewBox.baseVal.width / 2;
    this.dotName ??= s('text', { class: 'dot-name', 'aria-hidden': 'true' });
    this.dotName.textContent = name;
    this.dotName.setAttribute('x', String(left ? x - 18 : x + 18));
    this.dotName.setAttribute('y', String(y));
    this.dotName.setAttribute('text-anchor', left ? 'end' : 'start');
    this.dotName.setAttribute('dominant-baseline', 'central');
    svg.append(this.dotName);
  }

  /**
   * A focusable mark that names its student on hover, focus or tap (in the readout under the plot). Its own
   * label leaves the knob's name out: the player's page still has its knob inputs, found by those names.
   */
  private marker(el: SVGElement, label: string, text: string): SVGElement {
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', label);
    el.append(s('title', {}, text));
    const show = () => {
      this.readout.textContent = text;
      for (const other of this.plotHost.querySelectorAll('.class-dot.active')) other.classList.remove('active');
      el.classList.add('active');
      this.nameBeside(el, label.split(':')[0]);
    };
    el.addEventListener('pointerenter', show);
    el.addEventListener('focus', show);
    el.addEventListener('click', show);
    return el;
  }
}

/** An × of half-size `r` centred on (x, y), as an SVG path. */
function cross(x: number, y: number, r: number): string {
  return `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`;
}
