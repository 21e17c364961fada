import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { Server, matchMaker } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import sirv from 'sirv';
import {
  MAX_MESSAGE_BYTES,
  OPTIMIZER_KINDS,
  RATE_LIMIT,
  ROOM_NAME,
  createLandscape,
  landscapeCatalogue,
  resultsToCsv,
  type ResultRow,
  type ResultsMessage,
} from '@gradient-rally/shared';
import { RaceRoom, restoreRooms, type RoomDeps } from './RaceRoom';
import { RoundStore } from './RoundStore';
import { createLogger, type Logger } from './logger';
import { suggestName } from './nicknames';
import { Simulation } from './sim/Simulation';

export interface GameServerOptions {
  /** 0 picks a free port (read it back from `port` after `listen`). */
  port?: number;
  host?: string;
  /** SQLite file; its folder is created. ':memory:' for throwaway storage. */
  dbPath?: string;
  /** Built client to serve (default: client/dist beside this package). */
  staticDir?: string;
  logger?: Logger;
  /** Seconds a dropped player or host keeps their seat (default 60). */
  reconnectSeconds?: number;
  /** Most rooms at once in this process (MAX_ROOMS, default 200). */
  maxRooms?: number;
  /** Per-client message rate limit (default `RATE_LIMIT` from shared). */
  rateLimit?: { burst: number; perSecond: number };
  /** With a Redis URL, rooms and matchmaking use Colyseus's Redis presence and driver. */
  redisUrl?: string;
  /**
   * host:port clients use to reach rooms living in this process (PUBLIC_ADDRESS),
   * needed when several processes share one Redis: a join made through any
   * process connects straight to the process that holds the room.
   */
  publicAddress?: string;
  /** Race worker threads (SIM_WORKERS; default the cores but one; 0 steps every race on the event loop). */
  simWorkers?: number;
}

export interface GameServer {
  colyseus: Server;
  http: HttpServer;
  store: RoundStore;
  logger: Logger;
  /** Where races run and the compute budget (see `sim/Simulation.ts`). */
  simulation: Simulation;
  /** Brings back the rooms checkpointed before the process was killed (call before `listen`). */
  restoreRooms(): Promise<{ restored: string[]; dropped: { code: string; why: string }[] }>;
  /** Resolves once listening; `port` is then the bound port. */
  listen(): Promise<number>;
  port: number;
  /** Disposes every room (a running round is finished and saved), then closes storage. */
  close(): Promise<void>;
}

const DEFAULT_STATIC = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../client/dist');

/**
 * Builds the whole server process: one HTTP server carrying the built client
 * (with index.html for `/?join=CODE`), `/health`, the results export and the
 * catalogue, plus the Colyseus WebSocket endpoint and matchmaking routes on
 * the same port. Nothing listens until `listen()`, so tests boot it in-process.
 *
 * @example
 *   const game = await createGameServer({ port: 0, dbPath: ':memory:' });
 *   const port = await game.listen();
 *   // ... new Client(`ws://127.0.0.1:${port}`)
 *   await game.close();
 */
export async function createGameServer(options: GameServerOptions = {}): Promise<GameServer> {
  const logger = options.logger ?? createLogger();
  const store = new RoundStore(options.dbPath ?? process.env.DB_PATH ?? './data/gradient-rally.sqlite');
  const staticDir = options.staticDir ?? DEFAULT_STATIC;
  const serveStatic = existsSync(staticDir) ? sirv(staticDir, { single: true, etag: true }) : null;

  const http = createServer((req, res) => {
    handleHttp(req, res, { store, logger, serveStatic, hostSecrets }).catch((err) => {
      logger.error({ err, url: req.url?.split('?')[0] }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });

  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  let presence: import('@colyseus/core').Presence | undefined;
  let driver: import('@colyseus/core').MatchMakerDriver | undefined;
  if (redisUrl) {
    const { RedisPresence } = await import('@colyseus/redis-presence');
    const { RedisDriver } = await import('@colyseus/redis-driver');
    presence = new RedisPresence(redisUrl);
    driver = new RedisDriver(redisUrl);
  }

  const colyseus = new Server({
    transport: new WebSocketTransport({ server: http, maxPayload: MAX_MESSAGE_BYTES }),
    presence,
    driver,
    publicAddress: options.publicAddress ?? process.env.PUBLIC_ADDRESS,
    greet: false,
    gracefullyShutdown: false,
    logger: colyseusLogger(logger),
  });
  const hostSecrets = new Set<string>();
  const simulation = await Simulation.create({ logger, workers: options.simWorkers });
  const deps: RoomDeps = {
    store,
    logger,
    reconnectSeconds: options.reconnectSeconds ?? 60,
    hostSecrets,
    rateLimit: options.rateLimit ?? RATE_LIMIT,
    maxRooms: options.maxRooms ?? positiveInt(process.env.MAX_ROOMS, 200),
    runners: simulation,
    compute: simulation.ledger,
    settingsWork: simulation.settingsWork,
    prepareSettings: (input, force) => simulation.prepareSettings(input, force),
  };
  class BoundRaceRoom extends RaceRoom {
    static override deps = deps;
  }
  colyseus.define(ROOM_NAME, BoundRaceRoom);

  let closed = false;
  const game: GameServer = {
    colyseus,
    http,
    store,
    logger,
    port: options.port ?? 2567,
    simulation,
    restoreRooms: () => restoreRooms(deps),
    async listen() {
      await colyseus.listen(game.port, options.host);
      const addr = http.address();
      if (addr && typeof addr === 'object') game.port = addr.port;
      (colyseus as unknown as { port: number }).port = game.port;
      logger.info({ event: 'listening', port: game.port, redis: Boolean(redisUrl), static: serveStatic ? staticDir : null }, 'listening');
      return game.port;
    },
    async close() {
      if (closed) return;
      closed = true;
      await colyseus.gracefullyShutdown(false);
      await simulation.close();
      store.close();
      logger.info({ event: 'closed' }, 'server closed');
    },
  };
  return game;
}

interface HttpDeps {
  store: RoundStore;
  logger: Logger;
  serveStatic: ReturnType<typeof sirv> | null;
  /** Host secrets of the rooms alive in this process. */
  hostSecrets: ReadonlySet<string>;
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;

  if (path === '/health') {
    return sendJson(res, 200, {
      ok: true,
      rooms: matchMaker.stats.local.roomCount,
      clients: matchMaker.stats.local.ccu,
      uptime: process.uptime(),
    });
  }

  const round = /^\/api\/rounds\/([A-Za-z0-9-]{1,64})\.(csv|json)$/.exec(path);
  if (round && req.method === 'GET') {
    const secret = url.searchParams.get('secret') ?? bearer(req.headers.authorization);
    if (!secret) return sendJson(res, 401, { error: 'host secret required (?secret= or Authorization: Bearer)' });
    const stored = deps.store.getRound(round[1], secret);
    // Same answer for "no such round" and "wrong secret": ids cannot be probed.
    if (!stored) return sendJson(res, 404, { error: 'no round with that id for this host secret' });
    const results = stored.results as ResultsMessage;
    if (round[2] === 'csv') {
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="gradient-rally-${stored.id}.csv"`,
        'cache-control': 'no-store',
      });
      res.end(resultsToCsv(results.rows as ResultRow[]));
      return;
    }
    return sendJson(res, 200, stored, {
      'content-disposition': `attachment; filename="gradient-rally-${stored.id}.json"`,
      'cache-control': 'no-store',
    });
  }

  if (path === '/api/catalogue' && req.method === 'GET') {
    return sendJson(res, 200, { landscapes: landscapeCatalogue(), optimizers: OPTIMIZER_KINDS, library: deps.store.listLandscapes() });
  }

  if (path === '/api/names/suggest' && req.method === 'GET') {
    return sendJson(res, 200, { name: suggestName() });
  }

  if (path === '/api/landscapes') {
    if (req.method === 'GET') return sendJson(res, 200, deps.store.listLandscapes());
    if (req.method === 'POST') {
      // Only a host of a live room may add to the library (students cannot fill it with junk).
      const secret = bearer(req.headers.authorization);
      if (!secret || !deps.hostSecrets.has(secret))
        return sendJson(res, 403, { error: 'host secret of a live room required (Authorization: Bearer)' });
      const body = await readBody(req, 64 * 1024);
      if (body === null) return sendJson(res, 413, { error: 'body too large (64 KB max)' });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return sendJson(res, 400, { error: 'body must be JSON: { name, spec }' });
      }
      const { name, spec } = (parsed ?? {}) as { name?: unknown; spec?: unknown };
      if (typeof name !== 'string' || name.trim() === '' || name.length > 80)
        return sendJson(res, 400, { error: 'name: 1 to 80 characters' });
      try {
        const landscape = createLandscape(spec, 'spec');
        const id = deps.store.saveLandscape(name.trim(), landscape.spec);
        return sendJson(res, 201, { id });
      } catch (e) {
        return sendJson(res, 400, { error: e instanceof Error ? e.message : 'invalid landscape' });
      }
    }
  }

  if (deps.serveStatic) return deps.serveStatic(req, res, () => sendJson(res, 404, { error: 'not found' }));
  sendJson(res, 404, { error: 'not found (client not built: run npm run build)' });
}

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

function bearer(h: string | undefined): string | null {
  const m = h ? /^Bearer\s+(.+)$/i.exec(h) : null;
  return m ? m[1].trim() : null;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolvePromise(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Colyseus logs through pino too (it calls info/warn/error/debug/trace with console-style arguments). */
function colyseusLogger(logger: Logger) {
  const child = logger.child({ component: 'colyseus' });
  const wrap =
    (level: 'info' | 'warn' | 'error' | 'debug' | 'trace') =>
    (...args: unknown[]) =>
      child[level](args.map(String).join(' '));
  return { info: wrap('info'), warn: wrap('warn'), error: wrap('error'), debug: wrap('debug'), trace: wrap('trace') };
}
