import type { ResultRow, ResultsMessage } from './index';

/**
 * The one results export, used by the host's "Export CSV" / "Export JSON"
 * buttons and by the server's `/api/rounds/:id.csv`, so a teacher gets the
 * same columns whichever way the file was made.
 *
 * Nicknames are untrusted input, and a spreadsheet runs a cell that begins
 * with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
 * formula: such text cells get a leading apostrophe (OWASP's advice for CSV
 * injection), which spreadsheets show as plain text. Numbers are written as
 * numbers (a negative loss stays a number).
 */
type Column = readonly [header: string, cell: (r: ResultRow) => unknown];

export const RESULT_COLUMNS: readonly Column[] = Object.freeze<Column[]>([
  ['rank', (r) => r.rank],
  ['player_id', (r) => r.id],
  ['name', (r) => r.name],
  ['optimizer', (r) => r.optimizer.kind],
  ['optimizer_spec', (r) => JSON.stringify(r.optimizer)],
  ['status', (r) => r.status],
  ['score', (r) => r.score],
  ['final_loss', (r) => r.finalLoss],
  ['robust_loss', (r) => r.robustLoss],
  ['lambda_max', (r) => r.lambdaMax],
  ['point_class', (r) => r.pointClass],
  ['gradient_norm', (r) => r.gradientNorm],
  ['gradient_evaluations', (r) => r.gradientEvaluations],
  ['updates', (r) => r.updates],
  ['join_tick', (r) => r.joinTick],
  ['knob_changes', (r) => r.knobChanges],
  ['end_point', (r) => JSON.stringify(r.endPoint)],
  ['end_x', (r) => r.drawnEndPoint?.[0]],
  ['end_y', (r) => r.drawnEndPoint?.[1]],
  ['note', (r) => r.note],
]);

/** A challenge round's verdict on each row (`ResultRow.verdict`): written only when the round ran a challenge. */
export const CHALLENGE_COLUMNS: readonly Column[] = Object.freeze<Column[]>([
  ['goal_passed', (r) => (r.verdict ? r.verdict.pass : undefined)],
  ['goal_stars', (r) => r.verdict?.stars],
  ['goal_value', (r) => r.verdict?.value],
]);

/** Text a spreadsheet would evaluate as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: empty for missing or non-finite numbers, formula-escaped text, RFC 4180 quoting. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  if (typeof v !== 'number' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Results as CSV: a header, then one row per player in rank order, CRLF line ends (a challenge round adds its goal's columns). */
export function resultsToCsv(rows: readonly ResultRow[]): string {
  const columns = rows.some((r) => r.verdict) ? [...RESULT_COLUMNS, ...CHALLENGE_COLUMNS] : RESULT_COLUMNS;
  const lines = [columns.map(([header]) => header).join(',')];
  for (const r of rows) lines.push(columns.map(([, cell]) => csvCell(cell(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Results as JSON: the results message with the round's settings beside it. */
export function resultsToJson(results: ResultsMessage, settings: unknown): string {
  return JSON.stringify({ ...results, settings }, null, 2);
}
