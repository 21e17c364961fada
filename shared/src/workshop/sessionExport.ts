import type { ResultRow, ResultsMessage } from '../messages/index';
import { csvCell, RESULT_COLUMNS } from '../messages/resultsExport';
import { createLandscape } from '../landscapes/createLandscape';
import type { LandscapeSpec } from '../landscapes/Landscape';
import { sessionStandings, type SessionRound, type SessionRule, type SessionStanding } from './sessionScore';

/**
 * "Export session": every round of a room in one file. The CSV has one row per
 * player per round — the round's number, id, terrain and end time, then the
 * very columns of a single round's export (`RESULT_COLUMNS`, formula-escaped)
 * — so a spreadsheet filter on `round` gives back each round's own table. The
 * JSON keeps every round whole (settings, seed, replay record, results) plus
 * the scoreboard under the room's rule.
 *
 * Used by the server's `/api/sessions/:code.csv|json` (the dashboard's
 * "Export session" buttons download those).
 */
export interface SessionExportRound {
  roundId: string;
  round: number;
  finishedAt: string;
  /** The terrain's title. */
  title: string;
  settings: unknown;
  seed: string;
  record: unknown;
  results: ResultsMessage;
}

export const SESSION_FILE_FORMAT = 'gradient-rally/session';

/**
 * A terrain's name for a session's history and export, from its spec alone:
 * a network is not built (describing one evaluates it), a formula shows
 * its title or itself, a built-in terrain its catalogue title.
 *
 * @example
 *   terrainTitle({ kind: 'mlp', dataset: 'spirals', layers: [2, 8, 8, 8, 2], activation: 'relu', slice: true, … });
 *   // "Network 2-8-8-8-2 relu on spirals (2-D slice)"
 */
export function terrainTitle(spec: LandscapeSpec): string {
  if (spec.kind === 'mlp') {
    const data = 'dataset' in spec ? spec.dataset : 'its data';
    const slice = 'dataset' in spec ? spec.slice === true : spec.directions !== undefined;
    return `Network ${spec.layers.join('-')} ${spec.activation} on ${data} (${slice ? '2-D slice' : 'all weights'})`;
  }
  if (spec.kind === 'expression') return spec.title ?? `f(x, y) = ${spec.expr.length > 60 ? `${spec.expr.slice(0, 60)}…` : spec.expr}`;
  try {
    return createLandscape(spec).info.title;
  } catch {
    return spec.kind;
  }
}

const SESSION_COLUMNS = ['round', 'round_id', 'finished_at', 'terrain'] as const;

/** Every round's results as one CSV (CRLF line ends), rounds in order, players in rank order. */
export function sessionToCsv(rounds: readonly SessionExportRound[]): string {
  const lines = [[...SESSION_COLUMNS, ...RESULT_COLUMNS.map(([header]) => header)].join(',')];
  for (const r of [...rounds].sort((a, b) => a.round - b.round)) {
    const lead = [r.round, r.roundId, r.finishedAt, r.title].map(csvCell);
    for (const row of r.results.rows as ResultRow[])
      lines.push([...lead, ...RESULT_COLUMNS.map(([, cell]) => csvCell(cell(row)))].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The scoreboard's input from stored rounds. */
export function sessionRoundsOf(rounds: readonly SessionExportRound[]): SessionRound[] {
  return [...rounds]
    .sort((a, b) => a.round - b.round)
    .map((r) => ({
      roundId: r.roundId,
      round: r.round,
      title: r.title,
      rows: r.results.rows.map((row) => ({ id: row.id, name: row.name, rank: row.rank, score: row.score })),
    }));
}

export interface SessionFile {
  format: typeof SESSION_FILE_FORMAT;
  version: 1;
  code: string;
  rule: SessionRule;
  standings: SessionStanding[];
  rounds: SessionExportRound[];
}

/** Every round whole, and the scoreboard under `rule`. */
export function sessionToJson(code: string, rule: SessionRule, rounds: readonly SessionExportRound[]): string {
  const sorted = [...rounds].sort((a, b) => a.round - b.round);
  const file: SessionFile = {
    format: SESSION_FILE_FORMAT,
    version: 1,
    code,
    rule,
    standings: sessionStandings(sessionRoundsOf(sorted), rule),
    rounds: sorted,
  };
  return JSON.stringify(file, null, 2);
}
