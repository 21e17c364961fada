import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, getBearerToken, matchMaker } from '@colyseus/core';
import type { Logger } from '../logger';
import type { AddressLimits, Refusal, Ticket } from './AddressLimits';
import { parseJsonObject, readBodyWithin, sendJson } from './requestBody';

/** The only matchmaker calls the client makes (colyseus.js `create`, `joinById`, `reconnect`); the room is private, so `join` and `joinOrCreate` find nothing and are not offered. */
const ROUTE = /^\/matchmake\/(create|joinById|reconnect)\/([A-Za-z0-9_-]{1,64})$/;

export const UNAVAILABLE = 'the game service is temporarily unavailable: try again in a moment';

export interface MatchmakeDeps {
  limits: AddressLimits;
  logger: Logger;
  /** Largest request body accepted (the create options carry the room's settings). */
  maxBodyBytes: number;
  /** Longest a matchmaking call may take before the caller is told the service is unavailable. */
  callTimeoutMs: number;
  /** False while a service the matchmaker needs (Redis) is unreachable. */
  available(): boolean;
  /** The caller's address as limits count it (see `clientAddress`). */
  addressOf(req: IncomingMessage): string;
}

/** True for every path the matchmaker answers (exact prefix `/matchmake/` or `/matchmake`). */
export function isMatchmakePath(path: string): boolean {
  return path === '/matchmake' || path.startsWith('/matchmake/');
}

/**
 * Colyseus 0.16's matchmaker HTTP surface, rebuilt with bounds (Colyseus's
 * own handler treats any URL containing `/matchmake` as matchmaking, reads
 * bodies without limit, and never answers a PUT):
 * - exact paths only, `POST` (and the CORS preflight `OPTIONS`); anything
 *   else under `/matchmake` is 404, a wrong method 405 with `Allow`;
 * - a body of at most `maxBodyBytes`, refused with 413 without reading on;
 * - per-address limits (`AddressLimits`) before any room is touched, refused
 *   with 429 and `Retry-After`;
 * - Redis down, or a call slower than `callTimeoutMs`: 503 with one plain
 *   sentence.
 * Successful answers and Colyseus's own refusals keep Colyseus's wire format
 * (200 with the seat reservation, or 200 with `{ code, error }`), which
 * colyseus.js expects.
 */
export async function handleMatchmake(req: IncomingMessage, res: ServerResponse, path: string, deps: MatchmakeDeps): Promise<void> {
  const route = ROUTE.exec(path);
  if (!route) return sendJson(res, 404, { error: `no matchmaking route at ${path.slice(0, 80)}` });
  const [, method, target] = route;
  cors(req, res);
  if (req.method === 'OPTIONS') {
    res.writeHead(204);
    res.end();
    return;
  }
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST, OPTIONS');
    return sendJson(res, 405, { error: `${req.method} is not accepted here: matchmaking takes POST` });
  }
  if (method === 'create' && !matchMaker.getRoomClass(target)) return sendJson(res, 404, { error: `no game type "${target}"` });

  const body = await readBodyWithin(req, res, deps.maxBodyBytes, 'the request body');
  if (body === null) return;
  const options = parseJsonObject(body);
  if (!options) return sendJson(res, 400, { error: 'the request body must be a JSON object of options' });
  if (!deps.available()) return unavailable(res, deps, method);

  const address = deps.addressOf(req);
  let ticket: Ticket | null = null;
  let refusal: Refusal | null = null;
  try {
    if (method === 'create') {
      const t = await deps.limits.beginCreate(address);
      if ('status' in t) refusal = t;
      else ticket = t;
    } else if (method === 'joinById') {
      const t = await deps.limits.beginJoin(address);
      if ('status' in t) refusal = t;
      else ticket = t;
    } else {
      refusal = await deps.limits.beginReconnect(address);
    }
  } catch (err) {
    // The attempt log lives in Redis when Redis is configured: no budget can be checked, so nothing is admitted.
    deps.logger.debug({ event: 'limits-unavailable', error: (err as Error).message }, 'address limits could not be checked');
    return unavailable(res, deps, method);
  }
  if (refusal) {
    deps.logger.info({ event: 'matchmake-limited', method, address, retryAfter: refusal.retryAfterSeconds }, refusal.message);
    return sendJson(res, refusal.status, { code: refusal.status, error: refusal.message }, retryAfter(refusal.retryAfterSeconds));
  }

  const context = { token: getBearerToken(req.headers.authorization ?? ''), headers: req.headers, ip: address, req };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), deps.callTimeoutMs);
  });
  try {
    const call =
      method === 'create'
        ? matchMaker.create(target, options, context)
        : method === 'joinById'
          ? matchMaker.joinById(target, options, context)
          : matchMaker.reconnect(target, options);
    const outcome = await Promise.race([call, timeout]);
    if (outcome === 'timeout') {
      // The call may still finish; its seat then expires unused, and the ticket's claim with it.
      call.then((r) => ticket?.succeeded(r.sessionId, r.room.roomId)).catch(() => ticket?.failed());
      deps.logger.warn({ event: 'matchmake-timeout', method, ms: deps.callTimeoutMs }, 'matchmaking call timed out');
      return sendJson(res, 503, { code: 503, error: UNAVAILABLE });
    }
    ticket?.succeeded(outcome.sessionId, outcome.room.roomId);
    deps.logger.debug({ event: 'matchmake', method, room: outcome.room.roomId }, 'seat reserved');
    return sendJson(res, 200, outcome);
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    const message = typeof err.message === 'string' ? err.message : String(e);
    const code = typeof err.code === 'number' ? err.code : ErrorCode.MATCHMAKE_UNHANDLED;
    const wrongCode = code === ErrorCode.MATCHMAKE_INVALID_ROOM_ID && /not found/.test(message);
    ticket?.failed(wrongCode);
    if (!deps.available() || isConnectionFailure(message)) return unavailable(res, deps, method, message);
    // A refusal of what the caller asked for (bad settings, unknown code, full room): info, without a stack.
    deps.logger.info({ event: 'matchmake-refused', method, code, reason: message.slice(0, 300) }, 'matchmaking refused');
    return sendJson(res, 200, { code, error: message });
  } finally {
    clearTimeout(timer);
  }
}

function unavailable(res: ServerResponse, deps: MatchmakeDeps, method: string, cause?: string): void {
  deps.logger.debug({ event: 'matchmake-unavailable', method, cause }, 'matchmaking refused: service unavailable');
  sendJson(res, 503, { code: 503, error: UNAVAILABLE }, { 'retry-after': '5' });
}

/** Errors that say a backing service (Redis, another process) could not be reached, not that the request was wrong. */
function isConnectionFailure(message: string): boolean {
  return /max retries per request|connection is closed|stream isn't writeable|ECONNREFUSED|ETIMEDOUT|ipc_timeout|timed out/i.test(message);
}

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

/**
 * colyseus.js sends credentials with its requests, so a cross-origin page
 * (Vite's dev server, or a client hosted apart from the server) needs its
 * own origin echoed rather than `*`. Nothing here is guarded by cookies.
 */
function cors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('access-control-allow-origin', typeof origin === 'string' && origin ? origin : '*');
  res.setHeader('access-control-allow-credentials', 'true');
  res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
  res.setHeader('access-control-allow-headers', 'Content-Type, Accept, Authorization');
  res.setHeader('access-control-max-age', '600');
  res.setHeader('vary', 'Origin');
}
