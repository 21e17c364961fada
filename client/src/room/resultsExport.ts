import type { ResultRow, ResultsMessage } from '@gradient-rally/shared';

/**
 * Results as CSV (one row per player, a header first; RFC 4180 quoting) and
 * as JSON, for the host's export buttons.
 */
export const RESULT_COLUMNS = [
  'rank',
  'name',
  'score',
  'finalLoss',
  'robustLoss',
  'lambdaMax',
  'pointClass',
  'status',
  'optimizer',
  'gradientEvaluations',
  'updates',
  'endX',
  'endY',
  'note',
] as const;

function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function resultsCsv(rows: readonly ResultRow[]): string {
  const lines = [RESULT_COLUMNS.join(',')];
  for (const r of rows) {
    const values: unknown[] = [
      r.rank,
      r.name,
      r.score,
      r.finalLoss,
      r.robustLoss,
      r.lambdaMax,
      r.pointClass,
      r.status,
      JSON.stringify(r.optimizer),
      r.gradientEvaluations,
      r.updates,
      r.drawnEndPoint?.[0],
      r.drawnEndPoint?.[1],
      r.note,
    ];
    lines.push(values.map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function resultsJson(results: ResultsMessage, settings: unknown): string {
  return JSON.stringify({ ...results, settings }, null, 2);
}
