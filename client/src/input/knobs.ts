import { formatNumber, type KnobRange } from '@gradient-rally/shared';

/**
 * The knob table itself (names, labels, ranges, where each knob sits in an
 * optimizer spec, knob values ⇄ spec) is shared's `race/knobs.ts`, the same
 * one the server checks against. What is left here is how an input shows a
 * log-scale knob: the learning-rate slider runs over log10(lr) inside the
 * range the round allows.
 */
export function lrFromSlider(position: number): number {
  // Snapped to the digits the panel shows, so the value sent is the value read.
  return Number(formatNumber(10 ** position));
}

/** The slider's ends for an allowed range. */
export function logSliderRange(range: Readonly<KnobRange>): [min: number, max: number] {
  return [Math.log10(range[0]), Math.log10(range[1])];
}

export function sliderFromLr(lr: number, range: Readonly<KnobRange>): number {
  const [lo, hi] = logSliderRange(range);
  return Math.min(hi, Math.max(lo, Math.log10(lr)));
}
