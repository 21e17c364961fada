import {
  resultClassText,
  formatNumber,
  formatScore,
  formatSettledSeconds,
  resultsMessageSchema,
  type LandscapeSpec,
  type ResultsMessage,
  type SessionView,
} from '@gradient-rally/shared';
import type { ArenaStage } from '../arena/ArenaStage';
import { racerStyle } from '../arena/racerStyle';
import { h } from '../ui/elements';
import type { SessionDisplay } from './SessionDisplay';
import { overlayTrails } from './SessionDisplay';
import type { ReplayJob, ReplayResult } from './replayJob';
import { WorkerJobs } from './WorkerJobs';

/** How long a replay takes to play, whatever the round's length. */
const REPLAY_MS = 6000;

export interface HistoryDeps {
  stage: ArenaStage;
  session: SessionDisplay;
  /** `http(s)://host:port` of the game server. */
  base: string;
  hostSecret(): string;
  /** The room's own terrain, to put back when a replay of another round closes. */
  roomTerrain(): { spec: LandscapeSpec; bounds: { xMin: number; xMax: number; yMin: number; yMax: number } } | undefined;
}

/**
 * The session's rounds in the dashboard: any earlier round opens its results
 * (fetched from storage with the host secret, `/api/rounds/:id.json`) and
 * plays its exact replay in the browser: the stored record (settings, seed,
 * every join, retune and removal at its tick) re-run by shared's
 * `replayRace` in a worker, drawn on the arena in place of the live racers,
 * on that round's terrain. Each replayed end point is compared with the one
 * the server stored, and the panel says how they agree.
 */
export class RoundHistory {
  readonly element = h('section', { class: 'panel controls host-only', 'aria-label': 'Round history' });
  private readonly list = h('ul', { class: 'round-history' });
  private readonly detail = h('div', { 'aria-live': 'polite' });
  private readonly jobs = new WorkerJobs<ReplayJob, ReplayResult>(
    () => new Worker(new URL('./replay.worker.ts', import.meta.url), { type: 'module' }),
  );
  private open: { roundId: string; stored: StoredRoundJson } | undefined;
  private animation = 0;
  private key = '';

  constructor(private readonly deps: HistoryDeps) {
    this.element.append(h('h2', {}, 'Rounds this session'), this.list, this.detail);
    this.element.hidden = true;
  }

  update(view: SessionView): void {
    const key = JSON.stringify(view.rounds);
    if (key === this.key) return;
    this.key = key;
    this.element.hidden = view.rounds.length === 0;
    this.list.replaceChildren(
      ...view.rounds.map((r) =>
        h(
          'li',
          {},
          h(
            'span',
            {},
            h('strong', {}, `Round ${r.round}`),
            ` · ${r.title} · ${r.racers} racer${r.racers === 1 ? '' : 's'}${r.winner ? ` · won by ${r.winner}` : ''}`,
          ),
          h(
            'button',
            { type: 'button', 'aria-label': `Open round ${r.round}`, onclick: () => void this.openRound(r.roundId, r.round) },
            'Open',
          ),
        ),
      ),
    );
  }

  /** Shows a stored round's results, with the button that replays it. */
  async openRound(roundId: string, round: number): Promise<void> {
    this.closeRound();
    this.detail.replaceChildren(h('p', { class: 'note' }, `Loading round ${round}…`));
    let stored: StoredRoundJson;
    try {
      const res = await fetch(`${this.deps.base}/api/rounds/${encodeURIComponent(roundId)}.json`, {
        credentials: 'omit',
        headers: { authorization: `Bearer ${this.deps.hostSecret()}` },
      });
      if (!res.ok)
        throw new Error(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `the server answered ${res.status}`);
      const json = (await res.json()) as { results: unknown; record: unknown; settings: { landscape: LandscapeSpec } };
      const results = resultsMessageSchema.parse(json.results);
      stored = { results, record: json.record, landscape: json.settings.landscape };
    } catch (e) {
      this.detail.replaceChildren(
        h('p', { class: 'error', role: 'alert' }, `Round ${round} could not be loaded: ${e instanceof Error ? e.message : String(e)}`),
      );
      return;
    }
    this.open = { roundId, stored };
    const check = h('p', { class: 'note replay-check', role: 'status' });
    const play = h('button', { type: 'button', class: 'primary' }, `Play round ${round}'s replay`);
    play.addEventListener('click', () => void this.play(stored, check, play));
    this.detail.replaceChildren(
      h('h2', {}, `Round ${round} results`),
      roundTable(stored.results),
      h('div', { class: 'buttons' }, play, h('button', { type: 'button', onclick: () => this.closeRound() }, 'Back to the live room')),
      check,
    );
  }

  closeRound(): void {
    cancelAnimationFrame(this.animation);
    const wasReplaying = this.open !== undefined;
    this.open = undefined;
    this.detail.replaceChildren();
    if (!wasReplaying) return;
    this.deps.session.endReplay();
    const own = this.deps.roomTerrain();
    if (own) void this.deps.stage.showLandscape(own.spec, own.bounds);
  }

  destroy(): void {
    cancelAnimationFrame(this.animation);
    this.jobs.dispose();
  }

  private async play(stored: StoredRoundJson, check: HTMLElement, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    check.textContent = 'Replaying the round from its record in this browser…';
    const r = await this.jobs.run({
      record: stored.record,
      rows: stored.results.rows.map((row) => ({ id: row.id, endPoint: row.endPoint })),
    });
    button.disabled = false;
    if (!r || this.open?.stored !== stored) return;
    if (!r.ok) {
      check.textContent = `The replay failed: ${r.message}`;
      return;
    }
    const n = r.racers;
    check.textContent =
      r.exact === n
        ? `Replayed from the stored record in ${formatNumber(r.ms / 1000)} s: all ${n} end point${n === 1 ? '' : 's'} equal the server’s, bit for bit.`
        : Number.isFinite(r.maxDifference)
          ? `Replayed from the stored record in ${formatNumber(r.ms / 1000)} s: ${r.exact} of ${n} end points equal the server’s bit for bit, the rest agree to ${formatNumber(r.maxDifference)} (this browser rounds some functions of the formula in the last digit differently).`
          : `Replayed from the stored record: ${r.exact} of ${n} racers end where the server’s did; some are missing from the replay.`;
    // The round's own terrain, then its racers drawn from their start to their end.
    if (JSON.stringify(stored.landscape) !== JSON.stringify(this.deps.roomTerrain()?.spec)) {
      await this.deps.stage.showLandscape(stored.landscape, r.bounds);
    }
    const names = stored.results.rows.map((row, i) => ({ id: row.id, name: row.name, slot: slotOf(row, i) }));
    const trails = overlayTrails(r.snapshot, names, (name) => name);
    const t0 = performance.now();
    const step = () => {
      if (this.open?.stored !== stored) return;
      const f = Math.min(1, (performance.now() - t0) / REPLAY_MS);
      this.deps.session.showReplay(trails, Math.round(f * r.endTick));
      if (f < 1) this.animation = requestAnimationFrame(step);
    };
    cancelAnimationFrame(this.animation);
    step();
  }
}

interface StoredRoundJson {
  results: ResultsMessage;
  record: unknown;
  landscape: LandscapeSpec;
}

/**
 * A racer's colour-and-shape slot, for drawing a stored round as it looked: results do not store
 * slots, but the room names each player after theirs (`p<slot>`); anything else falls back to its row.
 */
function slotOf(row: ResultsMessage['rows'][number], index: number): number {
  const m = /^p(\d{1,4})$/.exec(row.id);
  return m ? Number(m[1]) : index;
}

function roundTable(results: ResultsMessage): HTMLElement {
  const f = (v: number | null) => (v === null ? '—' : formatNumber(v));
  // The score as the live results table shows it: the rule's decimals, and the settling time that splits
  // equal scores (but under time-to-target), so rows that read the same share a rank here too.
  const score = (r: ResultsMessage['rows'][number]) =>
    results.scoring.kind === 'time-to-target' || r.score === null
      ? formatScore(results.scoring, r.score)
      : `${formatScore(results.scoring, r.score)} · ${formatSettledSeconds(r.settledSeconds)}`;
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { 'aria-label': `Round ${results.round} results` },
      h('thead', {}, h('tr', {}, ...['Rank', 'Player', 'Score', 'Final loss', 'Class'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...results.rows.map((r, i) => {
          const st = racerStyle(slotOf(r, i));
          return h(
            'tr',
            {},
            h('td', { class: 'num' }, String(r.rank)),
            h('td', {}, h('span', { class: 'glyph', style: `color:${st.css}`, 'aria-hidden': 'true' }, st.glyph), ` ${r.name}`),
            h('td', { class: 'num nowrap' }, score(r)),
            h('td', { class: 'num' }, f(r.finalLoss)),
            h('td', {}, resultClassText(r)),
          );
        }),
      ),
    ),
  );
}
