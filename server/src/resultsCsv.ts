import type { ResultRow } from '@gradient-rally/shared';

const COLUMNS: [header: string, cell: (r: ResultRow) => unknown][] = [
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
];

/**
 * Results as RFC 4180 CSV, one row per player in rank order. Cells that a
 * spreadsheet would run as a formula (=, +, -, @ first) are prefixed with an
 * apostrophe: player names are untrusted input.
 */
export function resultsToCsv(rows: readonly ResultRow[]): string {
  const lines = [COLUMNS.map(([h]) => h).join(',')];
  for (const r of rows) lines.push(COLUMNS.map(([, cell]) => csvCell(cell(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
