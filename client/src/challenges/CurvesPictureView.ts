import { type CurvesPicture, formatNumber } from '@gradient-rally/shared';
import { h } from '../ui/elements';
import { type EigenStripRow, spectrumTicks, spectrumTicksDescription } from './spectrumTicks';

/** Okabe–Ito colours (as the racers), each series also with its own dash so it reads without colour. */
const SERIES_STYLES = [
  { colour: '#e69f00', dash: '' },
  { colour: '#56b4e9', dash: '6 4' },
  { colour: '#009e73', dash: '2 3' },
  { colour: '#cc79a7', dash: '9 3 2 3' },
  { colour: '#f0e442', dash: '4 2' },
] as const;
const SVG_NS = 'http://www.w3.org/2000/svg';
/** The drawing's own units (the SVG scales to the panel's width; text scales with it). */
const WIDTH = 360;
const BASE_HEIGHT = 220;
const PAD = { left: 46, right: 12, top: 12, bottom: 38 };
/** A spectrum's eigenvalue ticks: one strip row per series, this tall, in drawing units. */
const STRIP_ROW = 16;
/**
 * A negative eigenvalue's tick: Paul Tol's 'bright' red beside his grey, told apart with every
 * kind of colour blindness and drawn with a ▼ on top as well, so it reads without colour.
 */
const NEGATIVE_TICK = '#ee6677';
const OTHER_TICK = '#bbbbbb';

type Scale = { lo: number; hi: number; log: boolean };
/** Each picture's clip path needs an id of its own on the page. */
let clipCounter = 0;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Ticks at 1, 2 or 5 × a power of ten, about `count` of them over [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return ticks;
}

/** Ticks at the powers of ten inside [lo, hi] (a log axis), thinned to at most 6. */
export function decadeTicks(lo: number, hi: number): number[] {
  const a = Math.ceil(Math.log10(lo) - 1e-9);
  const b = Math.floor(Math.log10(hi) + 1e-9);
  const every = Math.max(1, Math.ceil((b - a + 1) / 6));
  const ticks: number[] = [];
  for (let e = a; e <= b; e += every) ticks.push(10 ** e);
  return ticks.length ? ticks : [lo, hi];
}

/** The range an axis covers: every finite value and every mark on it; on a log axis only positive values. */
export function axisScale(values: readonly number[], log: boolean, fromZero: boolean): Scale {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  if (!v.length) return log ? { lo: 0.1, hi: 10, log } : { lo: 0, hi: 1, log };
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (log) {
    if (hi / lo < 10) {
      lo /= 3;
      hi *= 3;
    }
    // A little room above and below, as on a linear axis: 4 % of the decades shown.
    const pad = 10 ** (0.04 * Math.log10(hi / lo));
    return { lo: lo / pad, hi: hi * pad, log };
  }
  if (fromZero && lo > 0) lo = 0;
  if (hi === lo) {
    const d = Math.abs(hi) || 1;
    return { lo: lo - d / 2, hi: hi + d / 2, log };
  }
  const pad = 0.04 * (hi - lo);
  return { lo: fromZero && lo === 0 ? 0 : lo - pad, hi: hi + pad, log };
}

function toUnit(s: Scale, x: number): number {
  return s.log ? (Math.log10(x) - Math.log10(s.lo)) / (Math.log10(s.hi) - Math.log10(s.lo)) : (x - s.lo) / (s.hi - s.lo);
}

/** The x axis of a curve picture: every series' xs, every mark on x, and every eigenvalue tick. */
export function curvesXScale(p: CurvesPicture): Scale {
  const eigen = (p.eigenvalues ?? []).flatMap((r) => r.values);
  return axisScale([...p.series.flatMap((s) => s.xs), ...p.marks.filter((m) => m.axis === 'x').map((m) => m.at), ...eigen], false, false);
}

/** The text alternative: each series' start, end, lowest and highest point in words. */
export function curvesDescription(p: CurvesPicture): string {
  const parts = p.series.map((s) => {
    const pts = s.xs.map((x, i) => [x, s.ys[i]] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (!pts.length) return `${s.label}: no finite values`;
    const first = pts[0];
    const last = pts[pts.length - 1];
    const low = pts.reduce((m, q) => (q[1] < m[1] ? q : m));
    const high = pts.reduce((m, q) => (q[1] > m[1] ? q : m));
    const f = formatNumber;
    return `${s.label}: ${p.yLabel} ${f(first[1])} at ${p.xLabel} ${f(first[0])}, ${f(last[1])} at ${f(last[0])}; lowest ${f(low[1])} at ${f(low[0])}, highest ${f(high[1])} at ${f(high[0])}`;
  });
  const marks = p.marks.map((m) => `${m.label} marked at ${m.axis === 'x' ? p.xLabel : p.yLabel} ${formatNumber(m.at)}`);
  return `${p.title}. ${p.caption} ${p.yLabel}${p.log ? ' (log scale)' : ''} against ${p.xLabel}. ${[...parts, ...marks].join('. ')}.`;
}

/**
 * Draws one of shared's curve pictures (a loss curve, the Hessian's eigenvalue
 * density at the start and the end, the loss along a path between two
 * networks) as an SVG that scales to its panel: axes with ticks (decades on a
 * log scale), one line per series in its own colour and dash, the picture's
 * marks as labelled lines, and a legend in the DOM under it. The figure's
 * text alternative says in words where each curve starts, ends, and peaks.
 */
export function curvesPictureView(p: CurvesPicture): HTMLElement {
  const ys = p.series.flatMap((s) => s.ys);
  const eigen = p.eigenvalues ?? [];
  const x = curvesXScale(p);
  const strips = eigen.length ? spectrumTicks(eigen, x) : null;
  // Under the plot: the main strip's rows, then the x axis's ticks and label, then the zoomed strip (its title, rows, ticks).
  const mainStripH = strips ? strips.main.length * STRIP_ROW + 4 : 0;
  const zoomH = strips?.zoom ? 26 + strips.zoom.rows.length * STRIP_ROW + 22 : 0;
  const HEIGHT = BASE_HEIGHT + mainStripH + zoomH;
  const right = strips?.zoom ? 30 : PAD.right;
  const allPositive = ys.every((y) => !Number.isFinite(y) || y >= 0);
  const y = axisScale([...ys, ...p.marks.filter((m) => m.axis === 'y').map((m) => m.at)], p.log, !p.log && allPositive);
  const plotW = WIDTH - PAD.left - right;
  const plotH = BASE_HEIGHT - PAD.top - PAD.bottom;
  const axisY = PAD.top + plotH + mainStripH;
  const px = (v: number) => PAD.left + toUnit(x, v) * plotW;
  const py = (v: number) => PAD.top + (1 - toUnit(y, v)) * plotH;
  const r = (v: number) => v.toFixed(1);

  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'curves-svg', 'aria-hidden': 'true', focusable: 'false' });
  root.append(svg('rect', { x: PAD.left, y: PAD.top, width: plotW, height: plotH, class: 'curves-plot' }));
  for (const t of p.log ? decadeTicks(y.lo, y.hi) : linearTicks(y.lo, y.hi, 4)) {
    if (t < y.lo || t > y.hi) continue;
    root.append(
      svg('line', { x1: PAD.left, x2: WIDTH - right, y1: r(py(t)), y2: r(py(t)), class: 'curves-grid' }),
      svg('text', { x: PAD.left - 4, y: r(py(t) + 4), 'text-anchor': 'end', class: 'curves-tick' }, formatNumber(t)),
    );
  }
  for (const t of linearTicks(x.lo, x.hi, 5)) {
    if (t < x.lo || t > x.hi) continue;
    root.append(
      svg('line', { x1: r(px(t)), x2: r(px(t)), y1: axisY, y2: axisY + 4, class: 'curves-axis' }),
      svg('text', { x: r(px(t)), y: axisY + 15, 'text-anchor': 'middle', class: 'curves-tick' }, formatNumber(t)),
    );
  }
  root.append(
    svg('line', { x1: PAD.left, x2: WIDTH - right, y1: PAD.top + plotH, y2: PAD.top + plotH, class: 'curves-axis' }),
    svg('line', { x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: PAD.top + plotH, class: 'curves-axis' }),
    svg('text', { x: PAD.left + plotW / 2, y: axisY + PAD.bottom - 4, 'text-anchor': 'middle', class: 'curves-label' }, p.xLabel),
    svg(
      'text',
      { x: 12, y: PAD.top + plotH / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${PAD.top + plotH / 2})`, class: 'curves-label' },
      p.log ? `${p.yLabel} (log)` : p.yLabel,
    ),
  );
  for (const m of p.marks) {
    const horizontal = m.axis === 'y';
    if (horizontal && p.log && !(m.at > 0)) continue;
    const at = horizontal ? py(m.at) : px(m.at);
    root.append(
      horizontal
        ? svg('line', { x1: PAD.left, x2: WIDTH - right, y1: r(at), y2: r(at), class: 'curves-mark' })
        : svg('line', { x1: r(at), x2: r(at), y1: PAD.top, y2: axisY, class: 'curves-mark' }),
      horizontal
        ? svg('text', { x: WIDTH - right - 3, y: r(at - 4), 'text-anchor': 'end', class: 'curves-mark-label' }, m.label)
        : svg('text', { x: r(at + 3), y: PAD.top + 11, class: 'curves-mark-label' }, m.label),
    );
  }
  const clipId = `curves-clip-${++clipCounter}`;
  const clip = svg('clipPath', { id: clipId });
  clip.append(svg('rect', { x: PAD.left, y: PAD.top, width: plotW, height: plotH }));
  root.append(clip);
  p.series.forEach((s, i) => {
    const style = SERIES_STYLES[i % SERIES_STYLES.length];
    // A value the axis cannot show (non-finite, or ≤ 0 on a log axis) breaks the line rather than bending it.
    let d = '';
    let pen = 'M';
    for (let k = 0; k < s.xs.length; k++) {
      const vx = s.xs[k];
      const vy = s.ys[k];
      if (!Number.isFinite(vx) || !Number.isFinite(vy) || (p.log && vy <= 0)) {
        pen = 'M';
        continue;
      }
      d += `${pen}${r(px(vx))} ${r(py(vy))}`;
      pen = 'L';
    }
    root.append(
      svg('path', {
        d,
        fill: 'none',
        stroke: style.colour,
        'stroke-width': 2.2,
        'stroke-dasharray': style.dash,
        'stroke-linejoin': 'round',
        'clip-path': `url(#${clipId})`,
        class: 'curves-series',
        'data-series': s.label,
      }),
    );
  });

  if (strips) {
    const rowsAt = (rows: EigenStripRow[], top: number, strip: 'main' | 'zoom') =>
      rows.forEach((row, k) => {
        const y0 = top + k * STRIP_ROW;
        root.append(
          svg(
            'text',
            { x: PAD.left - 4, y: r(y0 + STRIP_ROW - 4), 'text-anchor': 'end', class: 'curves-tick' },
            row.label.replace(/^at the /, ''),
          ),
        );
        for (const t of row.ticks) {
          const tx = PAD.left + t.at * plotW;
          const attrs = {
            class: t.sign < 0 ? 'eigen-tick negative' : 'eigen-tick',
            'data-strip': strip,
            'data-row': row.label,
            'data-eigenvalue': t.value,
          };
          if (t.sign < 0) {
            // ▼ over a thick line: the shape says 'negative' without the colour.
            const tick = svg('g', attrs);
            tick.append(
              svg('line', { x1: r(tx), x2: r(tx), y1: r(y0 + 6), y2: r(y0 + STRIP_ROW - 1), stroke: NEGATIVE_TICK, 'stroke-width': 1.6 }),
              svg('path', { d: `M${r(tx - 3.5)} ${r(y0 + 1)}L${r(tx + 3.5)} ${r(y0 + 1)}L${r(tx)} ${r(y0 + 7)}Z`, fill: NEGATIVE_TICK }),
            );
            root.append(tick);
          } else
            root.append(
              svg('line', {
                ...attrs,
                x1: r(tx),
                x2: r(tx),
                y1: r(y0 + 4),
                y2: r(y0 + STRIP_ROW - 1),
                stroke: OTHER_TICK,
                'stroke-width': 1,
                'stroke-opacity': 0.7,
              }),
            );
        }
        if (strip === 'zoom' && row.below)
          root.append(
            svg(
              'text',
              { x: PAD.left + 2, y: r(y0 + STRIP_ROW - 4), class: 'curves-tick eigen-out', 'data-row': row.label, 'data-below': row.below },
              `‹${row.below}`,
            ),
          );
        if (strip === 'zoom' && row.above)
          root.append(
            svg('text', { x: WIDTH - 2, y: r(y0 + STRIP_ROW - 4), 'text-anchor': 'end', class: 'curves-tick eigen-out' }, `+${row.above}`),
          );
      });
    rowsAt(strips.main, PAD.top + plotH + 3, 'main');
    if (strips.zoom) {
      const { half, rows } = strips.zoom;
      const top = axisY + PAD.bottom + 6;
      root.append(
        svg(
          'text',
          { x: PAD.left, y: top + 10, class: 'curves-label' },
          `Near 0, magnified ${Math.round((x.hi - x.lo) / (2 * half))}×: ${formatNumber(-half)} to ${formatNumber(half)}`,
        ),
      );
      const stripTop = top + 20;
      const zx = (v: number) => PAD.left + ((v + half) / (2 * half)) * plotW;
      const stripBottom = stripTop + rows.length * STRIP_ROW;
      root.append(
        svg('rect', { x: PAD.left, y: stripTop, width: plotW, height: rows.length * STRIP_ROW, class: 'curves-plot' }),
        svg('line', { x1: r(zx(0)), x2: r(zx(0)), y1: stripTop, y2: stripBottom, class: 'curves-mark eigen-zoom-zero' }),
      );
      for (const t of linearTicks(-half, half, 4)) {
        root.append(
          svg('line', { x1: r(zx(t)), x2: r(zx(t)), y1: stripBottom, y2: stripBottom + 4, class: 'curves-axis' }),
          svg('text', { x: r(zx(t)), y: stripBottom + 15, 'text-anchor': 'middle', class: 'curves-tick' }, formatNumber(t)),
        );
      }
      rowsAt(rows, stripTop, 'zoom');
    }
  }

  const legend = h(
    'ul',
    { class: 'curves-legend', 'aria-hidden': 'true' },
    ...p.series.map((s, i) => {
      const style = SERIES_STYLES[i % SERIES_STYLES.length];
      const swatch = svg('svg', { viewBox: '0 0 28 8', class: 'curves-swatch' });
      swatch.append(
        svg('line', { x1: 1, x2: 27, y1: 4, y2: 4, stroke: style.colour, 'stroke-width': 2.5, 'stroke-dasharray': style.dash }),
      );
      return h('li', {}, swatch, s.label);
    }),
  );
  // The ticks' key and their counts as text under the drawing: readable on a phone, where the SVG's own text is small.
  const counts =
    strips &&
    h(
      'div',
      { class: 'eigen-key', 'aria-hidden': 'true' },
      h(
        'p',
        {},
        h('span', { class: 'eigen-key-negative' }, '▼'),
        ' a negative eigenvalue: a way down; ',
        h('span', { class: 'eigen-key-other' }, '|'),
        ' any other',
        strips.zoom ? '; ‹N, +N: below, above the magnified range' : '',
      ),
      h(
        'ul',
        {},
        ...strips.main.map((m, k) =>
          h(
            'li',
            {},
            `${m.label}: `,
            h('strong', {}, `${m.negative} negative`),
            ` (below −${formatNumber(eigen[k].tolerance)}), ${m.zero} about 0, ${m.positive} positive`,
          ),
        ),
      ),
    );
  const description = strips ? `${curvesDescription(p)} ${spectrumTicksDescription(eigen, strips)}` : curvesDescription(p);
  return h(
    'figure',
    { class: 'challenge-picture curves-picture', role: 'img', 'aria-label': description },
    h('figcaption', {}, h('strong', {}, p.title), ' ', h('span', { class: 'note' }, p.caption)),
    root,
    p.series.length > 1 ? legend : undefined,
    counts ?? undefined,
  );
}
