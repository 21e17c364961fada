import {
  resultClassText,
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
import { passedLine, verdictText } from './ChallengeGoal';
import { ClassView } from './ClassView';
import { podiumElement } from './podium';

/** The results table's columns, each cell labelled with its header (a narrow panel shows each row as a card). */
const COLUMNS = ['Rank', 'Nickname', 'Score', 'At rest after', 'Final loss', 'Robust loss', 'λmax (sharpness)', 'Class', 'Goal'] as const;

/** "The host ended the round after 12 s." */
function endedText(results: ResultsMessage, settings: RoomSettings | undefined): string {
  const seconds = settings ? Math.round(results.ticks / settings.tickRate) : undefined;
  const after = seconds === undefined ? '' : ` after ${seconds} s`;
  switch (results.endedBy) {
    case 'host':
      return `The host ended the round${after}.`;
    case 'shutdown':
      return `The server stopped the round${after}.`;
    case 'time':
      return settings?.roundSeconds === null
        ? 'The round ended when every budget was spent.'
        : `The round ran its full ${seconds ?? settings?.roundSeconds} s (or every racer stopped first).`;
    default:
      return '';
  }
}

/**
 * The results screen: podium, the table labelled "Results" (one row per
 * player: rank, nickname, score, when it came to rest, final loss, robust loss, sharpness, class,
 * what happened), every trajectory replayed together on the arena, and the
 * loss along the straight line between the top two end points.
 */
export class ResultsPanel {
  readonly element: HTMLElement;
  private replayTimer = 0;
  private classView: ClassView | undefined;
  /** Says "Replaying…" while the trails play (they start by themselves when results arrive). */
  private readonly replayButton = h('button', { type: 'button', onclick: () => this.replay() }, 'Replay trajectories');

  constructor(
    readonly results: ResultsMessage,
    landscapeSpec: LandscapeSpec | undefined,
    private readonly stage: ArenaStage,
    private readonly ownId: string | undefined,
    settings: RoomSettings | undefined,
  ) {
    const rows = results.rows;
    // The score exactly as ranks compare it (the rule's decimals) and, in its own labelled column, the settling
    // time that splits equal scores under every rule but time-to-target: rows that show the same two texts share a
    // rank (shared's rankResults). A bare "1.140 · 1.4 s" left a student guessing what the seconds were.
    const settledCell = (r: (typeof rows)[number]) =>
      results.scoring.kind === 'time-to-target' || r.score === null
        ? '—'
        : r.settledSeconds === null
          ? 'still moving'
          : formatSettledSeconds(r.settledSeconds);
    const slotOf = (id: string) => stage.model.racers.get(id)?.style ?? racerStyle(rows.findIndex((r) => r.id === id));
    const podium = podiumElement(rows, results.scoring, slotOf);
    const f = (v: number | null) => (v === null ? '—' : formatNumber(v));
    const cell = (i: number, text: HTMLElement | string, num = false) =>
      h('td', { class: num ? 'num' : undefined, role: 'cell', 'data-label': COLUMNS[i] }, text);
    // A challenge round's rows are judged against its goal (the server's verdicts): a "Goal" column, and "N of M passed".
    const passed = passedLine(rows);
    const columns = passed ? COLUMNS : COLUMNS.slice(0, -1);
    // Explicit roles: the narrow layout restyles rows as cards, and the table must stay a table to assistive technology.
    const table = h(
      'table',
      { 'aria-label': 'Results', role: 'table' },
      h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, ...columns.map((t) => h('th', { scope: 'col', role: 'columnheader' }, t)))),
      h(
        'tbody',
        { role: 'rowgroup' },
        ...rows.map((r) => {
          const st = slotOf(r.id);
          return h(
            'tr',
            { class: r.id === ownId ? 'own' : undefined, role: 'row' },
            cell(0, String(r.rank), true),
            cell(1, h('span', {}, h('span', { class: 'glyph', style: `color:${st.css}`, 'aria-hidden': 'true' }, st.glyph), ` ${r.name}`)),
            cell(2, formatScore(results.scoring, r.score), true),
            cell(3, settledCell(r), true),
            cell(4, f(r.finalLoss), true),
            cell(5, f(r.robustLoss), true),
            cell(6, f(r.lambdaMax), true),
            cell(7, resultClassText(r)),
            passed ? cell(8, verdictText(r.verdict)) : null,
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
      h('p', { class: 'note' }, endedText(results, settings)),
      passed ? h('p', { class: 'challenge-passed' }, passed) : null,
      podium,
      h('div', { class: 'table-scroll' }, table),
      h('p', { class: 'note' }, scoringExplanation(settings)),
      h(
        'div',
        { class: 'buttons' },
        this.classViewButton(),
        this.replayButton,
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
              width: Math.max(200, line.clientWidth || 300),
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

  /** A button opening the class view of this round (the panel has one; the projector's podium asks for another). */
  classViewButton(): HTMLButtonElement {
    return h(
      'button',
      {
        type: 'button',
        class: 'primary',
        title: 'Every path and end point together, and one dot per student',
        onclick: () => this.openClassView(),
      },
      'Class view',
    );
  }

  /** Every path and end point of the round, and a knob against the score or sharpness, one dot per student. */
  openClassView(): void {
    this.classView?.dialog.close();
    this.classView = new ClassView(this.results, this.stage, this.ownId);
    this.classView.open();
  }

  /** The round is over for this panel (the next one starts): its class view, a snapshot of this round, closes with it. */
  destroy(): void {
    this.classView?.dialog.close();
    this.classView = undefined;
    cancelAnimationFrame(this.replayTimer);
  }

  /** Plays every trail from the start to its end together, over four seconds. */
  replay(): void {
    cancelAnimationFrame(this.replayTimer);
    const t0 = performance.now();
    const tick = () => {
      const f = Math.min(1, (performance.now() - t0) / 4000);
      this.stage.model.replayFraction = f;
      this.replayButton.textContent = f < 1 ? 'Replaying…' : 'Replay trajectories';
      if (f < 1) this.replayTimer = requestAnimationFrame(tick);
      else this.stage.model.replayFraction = undefined;
    };
    tick();
  }
}
