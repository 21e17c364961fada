import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DEFAULT_SESSION_RULE,
  SESSION_RULES,
  sessionToCsv,
  sessionToJson,
  terrainTitle,
  type LandscapeSpec,
  type ResultsMessage,
  type SessionExportRound,
  type SessionRule,
} from '@gradient-rally/shared';
import type { RoundStore } from '../RoundStore';
import type { AttemptLog } from './AttemptLog';
import { sendJson } from './requestBody';
import { bearerToken, takeWindow, type WorkshopRules } from './workshopLimits';

export interface SessionRouteDeps {
  store: RoundStore;
  attempts: AttemptLog;
  rules: WorkshopRules;
  addressOf(req: IncomingMessage): string;
}

const SESSION_PATH = /^\/api\/sessions\/([A-Za-z0-9]{4,12})\.(csv|json)$/;

export function isSessionPath(path: string): boolean {
  return path.startsWith('/api/sessions/');
}

/**
 * `GET /api/sessions/:code.csv|json` with the room's host secret
 * (`Authorization: Bearer`, as `/api/rounds/:id`): every round the room
 * played, in one file (shared's `sessionToCsv` / `sessionToJson`; the JSON has
 * each round's settings, seed, replay record and results, and the scoreboard
 * under `?rule=`, default points). A wrong secret and an unknown code get the
 * same 404. Counted per address (`WorkshopRules.exports`).
 */
export async function handleSession(req: IncomingMessage, res: ServerResponse, path: string, deps: SessionRouteDeps): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendJson(res, 405, { error: `${req.method} is not accepted on ${path.slice(0, 80)}` });
  }
  const m = SESSION_PATH.exec(path);
  if (!m) return sendJson(res, 404, { error: 'no session export at that path: /api/sessions/CODE.csv or .json' });
  const secret = bearerToken(req.headers.authorization);
  if (!secret) return sendJson(res, 401, { error: 'the room’s host secret is required (Authorization: Bearer)' });
  const url = new URL(req.url ?? '/', 'http://localhost');
  const ruleText = url.searchParams.get('rule') ?? DEFAULT_SESSION_RULE;
  if (!(SESSION_RULES as readonly string[]).includes(ruleText)) {
    return sendJson(res, 400, { error: `rule: must be one of ${SESSION_RULES.join(', ')}`, field: 'rule' });
  }
  if (
    !(await takeWindow(
      deps.attempts,
      res,
      `session-export:${deps.addressOf(req)}`,
      deps.rules.exports,
      'too many session exports from your address',
    ))
  ) {
    return;
  }
  const code = m[1].toUpperCase();
  const stored = deps.store.roundsOfHost(code, secret);
  if (stored.length === 0) return sendJson(res, 404, { error: 'no finished rounds for that code and host secret' });
  const rounds: SessionExportRound[] = stored.map((r) => ({
    roundId: r.id,
    round: r.round,
    finishedAt: r.finishedAt,
    title: terrainTitle((r.settings as { landscape: LandscapeSpec }).landscape),
    settings: r.settings,
    seed: r.seed,
    record: r.record,
    results: r.results as ResultsMessage,
  }));
  const name = `gradient-rally-session-${code}`;
  if (m[2] === 'csv') {
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}.csv"`,
      'cache-control': 'no-store',
    });
    res.end(sessionToCsv(rounds));
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="${name}.json"`,
    'cache-control': 'no-store',
  });
  res.end(sessionToJson(code, ruleText as SessionRule, rounds));
}
