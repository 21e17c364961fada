import { type BarsPicture, formatNumber } from '@gradient-rally/shared';
import { h } from '../ui/elements';

/**
 * Draws one of shared's bar pictures (a network's ‖∂L/∂W‖ per layer) as plain
 * DOM rows: a label, a bar, and the value written out, so it reads at any
 * width, on a phone as on a projector, and a screen reader reads the numbers.
 * On a log scale the bars span the decades between the smallest and the
 * largest value (the smallest still drawn a sliver), so a thousandfold drop
 * shows as a staircase rather than one visible bar.
 */
export function barsPictureView(p: BarsPicture): HTMLElement {
  const values = p.bars.map((b) => b.value);
  const finite = values.filter((v) => Number.isFinite(v) && (!p.log || v > 0));
  const max = finite.length ? Math.max(...finite) : 1;
  const min = finite.length ? Math.min(...finite) : 0;
  // A log axis covers at least one decade below the largest bar, so equal bars stay full length.
  const lo = p.log ? Math.log10(Math.min(min, max / 10)) - 0.3 : 0;
  const hi = p.log ? Math.log10(max) : max;
  const share = (v: number) => {
    if (!Number.isFinite(v) || (p.log && v <= 0)) return 0;
    const x = p.log ? (Math.log10(v) - lo) / (hi - lo) : v / (hi || 1);
    return Math.max(0.01, Math.min(1, x));
  };
  const rows = p.bars.map((b) => {
    const bar = h('span', { class: 'bars-bar' });
    bar.style.width = `${(100 * share(b.value)).toFixed(1)}%`;
    return h(
      'li',
      { class: 'bars-row' },
      h('span', { class: 'bars-label' }, b.label),
      h('span', { class: 'bars-track' }, bar),
      h('span', { class: 'bars-value' }, formatNumber(b.value)),
    );
  });
  return h(
    'figure',
    {
      class: 'challenge-picture bars-picture',
      role: 'img',
      'aria-label': `${p.title}. ${p.caption} ${p.bars.map((b) => `${b.label}: ${formatNumber(b.value)}`).join('; ')}.`,
    },
    h('figcaption', {}, h('strong', {}, p.title), ' ', h('span', { class: 'note' }, p.caption)),
    h('ol', { class: 'bars-list', 'aria-hidden': 'true' }, ...rows),
  );
}
