import {
  createLandscape,
  formatNumber,
  formatScore,
  formatSettledSeconds,
  lineLoss,
  resultsToCsv,
  resultsToJson,
  scoringExplanation,
  type LandscapeSpec,
  type ResultsMessage,
  type RoomSettings,
} from '@gradient-rally/shared';
import type uPlot from 'uplot';
import type { ArenaStage } from '../arena/ArenaStage';
import { racerStyle } from '../arena/racerStyle';
import { download, h } from '../ui/elements';
import { loadUPlot } from '../ui/loadUPlot';

/**
 * The results screen: podium, the table labelled "Results" (one row per
 * player: rank, nickname, final loss, robust loss, sharpness, class, score,
 * what happened), every trajectory replayed together on the arena, and the
 * loss along the straight line between the top two end points.
 */
export class ResultsPanel {
  readonly element: HTMLElement;
  private replayTimer = 0;

  constructor(
    readonly results: ResultsMessage,
    landscapeSpec: LandscapeSpec | undefined,
    private readonly stage: ArenaStage,
    ownId: string | undefined,
    settings: RoomSettings | undefined,
  ) {
    const rows = results.rows;
    // The score exactly as ranks compare it: the rule's decimals, and under every rule but time-to-target the
    // settling time that splits equal scores, so rows that show the same text share a rank (shared's rankResults).
    const scoreText = (r: (typeof rows)[number]) =>
      results.scoring.kind === 'time-to-target' || r.score === null
        ? formatScore(results.scoring, r.score)
        : `${formatScore(results.scoring, r.score)} · ${formatSettledSeconds(r.settledSeconds)}`;
    const slotOf = (id: string) => stage.model.racers.get(id)?.style ?? racerStyle(rows.findIndex((r) => r.id === id));
    const podium = h(
      'div',
      { class: 'podium', 'aria-label': 'Podium' },
      ...[1, 0, 2]
        .filter((i) => rows[i])
        .map((i) =>
          h(
            'div',
            { class: `p${i + 1}` },
            h('strong', {}, `${i + 1}.`),
            h('br'),
            rows[i].name,
            h('br'),
            h('span', { class: 'note' }, scoreText(rows[i])),
          ),
        ),
    );
    const f = (v: number | null) => (v === null ? '—' : formatNumber(v));
    const table = h(
      'table',
      { 'aria-label': 'Results' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Rank', 'Nickname', 'Score', 'Final loss', 'Robust loss', 'λmax (sharpness)', 'Class'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...rows.map((r) => {
          const st = slotOf(r.id);
          return h(
            'tr',
            { class: r.id === ownId ? 'own' : undefined },
            h('td', { class: 'num' }, String(r.rank)),
            h('td', {}, h('span', { class: 'glyph', style: `color:${st.css}`, 'aria-hidden': 'true' }, st.glyph), ` ${r.name}`),
            h('td', { class: 'num' }, scoreText(r)),
            h('td', { class: 'num' }, f(r.finalLoss)),
            h('td', { class: 'num' }, f(r.robustLoss)),
            h('td', { class: 'num' }, f(r.lambdaMax)),
            h('td', {}, r.pointClass ?? r.status),
          );
        }),
      ),
    );
    const notes = h('ul', { 'aria-label': 'What happened' }, ...rows.map((r) => h('li', {}, h('strong', {}, `${r.name}: `), r.note)));
    const line = h('div', { class: 'chart' });
    const lineText = h('p', { class: 'note' });
    this.element = h(
      'section',
      { class: 'panel results' },
      h('h2', {}, `Results, round ${results.round}`),
      podium,
      h('div', { class: 'table-scroll' }, table),
      h('p', { class: 'note' }, scoringExplanation(settings)),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', onclick: () => this.replay() }, 'Replay trajectories'),
        h(
          'button',
          { type: 'button', onclick: () => download(`gradient-rally-round-${results.round}.csv`, 'text/csv', resultsToCsv(rows)) },
          'Export CSV',
        ),
        h(
          'button',
          {
            type: 'button',
            onclick: () => download(`gradient-rally-round-${results.round}.json`, 'application/json', resultsToJson(results, settings)),
          },
          'Export JSON',
        ),
      ),
      h('h2', {}, 'What happened'),
      notes,
      h('h2', {}, 'Loss on the line between the top two'),
      line,
      lineText,
    );
    if (rows.length >= 2 && landscapeSpec) {
      requestAnimationFrame(async () => {
        // The chart library is fetched when a chart is first drawn, not with the page.
        const UPlot = await loadUPlot();
        try {
          const L = createLandscape(landscapeSpec);
          const p = lineLoss(L, rows[0].endPoint, rows[1].endPoint, { n: 41, from: -0.5, to: 1.5 });
          lineText.textContent = `α = 0 is ${rows[0].name}'s end point, α = 1 is ${rows[1].name}'s. Barrier between them: ${formatNumber(p.barrier)}${p.barrier < 1e-3 ? ' (connected: same basin).' : ' (a ridge separates them).'}`;
          new UPlot(
            {
              width: Math.max(240, line.clientWidth || 320),
              height: 150,
              scales: { x: { time: false } },
              legend: { show: false },
              axes: [
                { stroke: '#ccc', grid: { stroke: '#333' } },
                { stroke: '#ccc', grid: { stroke: '#333' }, size: 60 },
              ],
              series: [{ label: 'α' }, { label: 'loss', stroke: '#e69f00', width: 2 }],
            },
            [p.alphas, p.losses.map((v) => (Number.isFinite(v) ? v : null))] as unknown as uPlot.AlignedData,
            line,
          );
        } catch (e) {
          lineText.textContent = `Line profile unavailable: ${e instanceof Error ? e.message : String(e)}`;
        }
      });
    } else lineText.textContent = 'Needs at least two finishers.';
  }

  /** Plays every trail from the start to its end together, over four seconds. */
  replay(): void {
    cancelAnimationFrame(this.replayTimer);
    const t0 = performance.now();
    const tick = () => {
      const f = Math.min(1, (performance.now() - t0) / 4000);
      this.stage.model.replayFraction = f;
      if (f < 1) this.replayTimer = requestAnimationFrame(tick);
      else this.stage.model.replayFraction = undefined;
    };
    tick();
  }
}
