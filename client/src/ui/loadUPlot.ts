import type uPlot from 'uplot';

let uPlotModule: Promise<typeof uPlot> | undefined;

/**
 * uPlot and its stylesheet, fetched the first time a chart has something to
 * draw: a student's first screen (the lobby and the terrain) does not wait on
 * the chart library over a slow school link.
 *
 * @example const UPlot = await loadUPlot(); new UPlot(options, data, element);
 */
export function loadUPlot(): Promise<typeof uPlot> {
  uPlotModule ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => m.default);
  return uPlotModule;
}
