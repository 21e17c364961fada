import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { Server, matchMaker } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import {
  MAX_MESSAGE_BYTES,
  OPTIMIZER_KINDS,
  RATE_LIMIT,
  ROOM_NAME,
  landscapeCatalogue,
  resultsToCsv,
  type ResultRow,
  type ResultsMessage,
} from '@gradient-rally/shared';
import { RaceRoom, restoreRooms, type RoomDeps } from './RaceRoom';
import { RoundStore } from './RoundStore';
import { colyseusLogger, createLogger, type Logger } from './logger';
import { suggestName } from './nicknames';
import { Simulation } from './sim/Simulation';
import { RedisLink } from './RedisLink';
import { AddressLimits, DEFAULT_ADDRESS_RULES, defaultLiveRooms, type AddressRules } from './http/AddressLimits';
import { MemoryAttemptLog, RedisAttemptLog, type WindowRule } from './http/AttemptLog';
import { clientAddress } from './http/clientAddress';
import { handleMatchmake, isMatchmakePath } from './http/matchmakeRoute';
import { closeUnread, refuseTooLarge, sendJson } from './http/requestBody';
import { applyHeaders, securityHeaders, serverOrigin } from './http/securityHeaders';
import { staticClient } from './http/staticClient';
import { LandscapeLibrary } from './LandscapeLibrary';
import { handleLibrary, isLibraryPath } from './http/libraryRoute';
import { handleSession, isSessionPath } from './http/sessionRoute';
import { DEFAULT_WORKSHOP_RULES, type WorkshopRules } from './http/workshopLimits';

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
  /**
   * Reverse proxies in front of this server whose `X-Forwarded-For` entries
   * are trusted (TRUST_PROXY, default 0: the TCP peer is the client; see `clientAddress`).
   */
  trustProxy?: number;
  /** Per-address matchmaking limits (defaults: `DEFAULT_ADDRESS_RULES`; env LIMIT_CREATES, LIMIT_JOINS, LIMIT_WRONG_CODES, LIMIT_PENDING_SEATS, MAX_ROOMS_PER_ADDRESS). */
  addressRules?: Partial<AddressRules>;
  /** Seconds a seat reserved over HTTP waits for its WebSocket (SEAT_RESERVATION_SECONDS, default 8; Colyseus's own is 15). */
  seatReservationSeconds?: number;
  /** Other game servers the page may connect to (ALLOWED_SERVERS, comma-separated): added to the CSP's connect-src. */
  allowedServers?: string[];
  /** Per-address limits on the landscape library, shared links and session exports (default `DEFAULT_WORKSHOP_RULES`). */
  workshopRules?: Partial<WorkshopRules>;
  /** Entries in the whole landscape library, every instructor together (LIBRARY_MAX_ENTRIES, default 50,000). */
  libraryMaxEntries?: number;
}

export interface GameServer {
  colyseus: Server;
  http: HttpServer;
  store: RoundStore;
  /** The instructors' landscape libraries (same SQLite file, own table). */
  library: LandscapeLibrary;
  logger: Logger;
  /** Where races run and the compute budget (see `sim/Simulation.ts`). */
  simulation: Simulation;
  /** Brings back the rooms checkpointed before the process was killed (call before `listen`). */
  restoreRooms(): Promise<{ restored: string[]; dropped: { code: string; why: string }[] }>;
  /** The per-address matchmaking limits in force (tests read their counters). */
  limits: AddressLimits;
  /** Resolves once listening; `port` is then the bound port. */
  listen(): Promise<number>;
  port: number;
  /** Disposes every room (a running round is finished and saved), then closes storage. */
  close(): Promise<void>;
}

const DEFAULT_STATIC = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../client/dist');

/** Slowloris bounds: the headers within 10 s, the whole request (headers and body) within 20 s. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 20_000;
/** A matchmaking call slower than this answers "temporarily unavailable". */
const MATCHMAKE_TIMEOUT_MS = 10_000;

/**
 * Builds the whole server process: one HTTP server carrying the built client
 * (with index.html for `/?join=CODE`), `/health`, the results export and the
 * catalogue, plus the Colyseus WebSocket endpoint and matchmaking routes on
 * the same port. Nothing listens until `listen()`, so tests boot it in-process.
 *
 * Every response carries the security headers (`securityHeaders`); the
 * matchmaker's routes are ours (`handleMatchmake`), not Colyseus's, so that
 * they are bounded in size, time, method and rate per address.
 *
 * @example
 *   const game = await createGameServer({ port: 0, dbPath: ':memory:' });
 *   const port = await game.listen();
 *   // ... new Client(`ws://127.0.0.1:${port}`)
 *   await game.close();
 */
export async function createGameServer(options: GameServerOptions = {}): Promise<GameServer> {
  const logger = options.logger ?? createLogger();
  const staticDir = options.staticDir ?? DEFAULT_STATIC;
  const serveStatic = staticClient(staticDir);
  const maxRooms = options.maxRooms ?? positiveInt(process.env.MAX_ROOMS, 200);
  const trustProxy = options.trustProxy ?? nonNegativeInt(process.env.TRUST_PROXY, 0, 'TRUST_PROXY');
  const seatSeconds = options.seatReservationSeconds ?? positiveInt(process.env.SEAT_RESERVATION_SECONDS, 8);
  const allowedServers = options.allowedServers ?? listFromEnv(process.env.ALLOWED_SERVERS);
  for (const a of allowedServers) if (!serverOrigin(a)) throw new Error(`ALLOWED_SERVERS: "${a}" is not an http(s):// or ws(s):// address`);
  const headers = securityHeaders(allowedServers);

  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;

  const rules: AddressRules = {
    creates: windowFromEnv(process.env.LIMIT_CREATES, DEFAULT_ADDRESS_RULES.creates, 'LIMIT_CREATES'),
    joins: windowFromEnv(process.env.LIMIT_JOINS, DEFAULT_ADDRESS_RULES.joins, 'LIMIT_JOINS'),
    wrongCodes: windowFromEnv(process.env.LIMIT_WRONG_CODES, DEFAULT_ADDRESS_RULES.wrongCodes, 'LIMIT_WRONG_CODES'),
    pendingSeats: positiveInt(process.env.LIMIT_PENDING_SEATS, DEFAULT_ADDRESS_RULES.pendingSeats),
    liveRooms: positiveInt(process.env.MAX_ROOMS_PER_ADDRESS, defaultLiveRooms(maxRooms)),
    ...options.addressRules,
  };
  // Settings are checked above; only now are files and connections opened.
  const libraryMaxEntries = options.libraryMaxEntries ?? positiveInt(process.env.LIBRARY_MAX_ENTRIES, 50_000);
  const workshopRules: WorkshopRules = { ...DEFAULT_WORKSHOP_RULES, ...options.workshopRules };
  const dbPath = options.dbPath ?? process.env.DB_PATH ?? './data/gradient-rally.sqlite';
  const store = new RoundStore(dbPath);
  const library = new LandscapeLibrary(dbPath, { maxEntries: libraryMaxEntries });
  const redis = redisUrl ? new RedisLink(redisUrl, logger) : null;
  // One sliding-window log for every per-address limit (matchmaker and workshop).
  const attempts = redis ? new RedisAttemptLog(redis.commands) : new MemoryAttemptLog();
  const limits = new AddressLimits(rules, attempts, seatSeconds, async (roomId) => Boolean(await matchMaker.getRoomById(roomId)));
  const addressOf = (req: IncomingMessage) => clientAddress(req, trustProxy);
  let warnedForwarded = trustProxy > 0;

  const http = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 });
  const colyseus = new Server({
    transport: new WebSocketTransport({ server: http, maxPayload: MAX_MESSAGE_BYTES }),
    presence: redis?.presence,
    driver: redis?.driver,
    publicAddress: options.publicAddress ?? process.env.PUBLIC_ADDRESS,
    greet: false,
    gracefullyShutdown: false,
    logger: colyseusLogger(logger),
  });
  // Colyseus wrapped the server's request listeners with its own matchmaker
  // (any URL containing "/matchmake", unbounded bodies); ours replaces it.
  http.removeAllListeners('request');
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    applyHeaders(res, headers);
    closeUnread(req, res);
    if (!warnedForwarded && req.headers['x-forwarded-for']) {
      warnedForwarded = true;
      logger.warn(
        { event: 'forwarded-ignored' },
        'requests carry X-Forwarded-For but TRUST_PROXY is 0: every client behind the proxy shares its address limits; set TRUST_PROXY to the number of proxies',
      );
    }
    const path = pathOf(req.url);
    const route = isMatchmakePath(path)
      ? handleMatchmake(req, res, path, {
          limits,
          logger,
          maxBodyBytes: MAX_MESSAGE_BYTES,
          callTimeoutMs: MATCHMAKE_TIMEOUT_MS,
          available: () => matchMaker.state !== matchMaker.MatchMakerState.SHUTTING_DOWN && (redis?.available ?? true),
          addressOf,
        })
      : isLibraryPath(path)
        ? handleLibrary(req, res, path, { library, attempts, rules: workshopRules, logger, addressOf })
        : isSessionPath(path)
          ? handleSession(req, res, path, { store, attempts, rules: workshopRules, addressOf })
          : handleHttp(req, res, path, { store, logger, serveStatic });
    route.catch((err) => {
      logger.error({ err, url: path }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });

  const hostSecrets = new Set<string>();
  const simulation = await Simulation.create({ logger, workers: options.simWorkers });
  const deps: RoomDeps = {
    store,
    logger,
    reconnectSeconds: options.reconnectSeconds ?? 60,
    hostSecrets,
    rateLimit: options.rateLimit ?? RATE_LIMIT,
    maxRooms,
    runners: simulation,
    compute: simulation.ledger,
    settingsWork: simulation.settingsWork,
    prepareSettings: (input, force) => simulation.prepareSettings(input, force),
  };
  class BoundRaceRoom extends RaceRoom {
    static override deps = deps;
    constructor() {
      super();
      // A seat reserved over HTTP and never taken holds a place in the room (and keeps an
      // empty room alive) only this long; a phone on a slow link connects well within it.
      this.seatReservationTime = seatSeconds;
    }
  }
  const handler = colyseus.define(ROOM_NAME, BoundRaceRoom);
  handler.on('join', (_room: unknown, client: { sessionId: string }) => limits.seatTaken(client.sessionId));
  handler.on('dispose', (room: { roomId: string }) => limits.roomDisposed(room.roomId));

  let closed = false;
  const game: GameServer = {
    colyseus,
    http,
    store,
    library,
    logger,
    limits,
    port: options.port ?? 2567,
    simulation,
    restoreRooms: () => restoreRooms(deps),
    async listen() {
      await colyseus.listen(game.port, options.host);
      const addr = http.address();
      if (addr && typeof addr === 'object') game.port = addr.port;
      (colyseus as unknown as { port: number }).port = game.port;
      logger.info(
        {
          event: 'listening',
          port: game.port,
          redis: Boolean(redisUrl),
          static: serveStatic ? staticDir : null,
          trustProxy,
          seatSeconds,
          rules,
        },
        'listening',
      );
      return game.port;
    },
    async close() {
      if (closed) return;
      closed = true;
      await colyseus.gracefullyShutdown(false);
      await simulation.close();
      limits.close();
      store.close();
      library.close();
      logger.info({ event: 'closed' }, 'server closed');
    },
  };
  return game;
}

interface HttpDeps {
  store: RoundStore;
  logger: Logger;
  serveStatic: ReturnType<typeof staticClient>;
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, path: string, deps: HttpDeps): Promise<void> {
  // Everything here only reads: other methods are refused, and so is any body (before a byte of it is read).
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendJson(res, 405, { error: `${req.method} is not accepted on ${path.slice(0, 80)}` });
  }
  if (hasBody(req)) return refuseTooLarge(req, res, `${req.method} ${path.slice(0, 80)} takes no request body`);

  if (path === '/health') {
    return sendJson(res, 200, {
      ok: true,
      rooms: matchMaker.stats.local.roomCount,
      clients: matchMaker.stats.local.ccu,
      uptime: process.uptime(),
      memoryMB: Math.round(process.memoryUsage.rss() / (1024 * 1024)),
    });
  }

  const round = /^\/api\/rounds\/([A-Za-z0-9-]{1,64})\.(csv|json)$/.exec(path);
  if (round) {
    const url = new URL(req.url ?? '/', 'http://localhost');
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

  // The instructors' own landscapes are private to their keys (`/api/landscapes`), never listed here.
  if (path === '/api/catalogue') return sendJson(res, 200, { landscapes: landscapeCatalogue(), optimizers: OPTIMIZER_KINDS });
  if (path === '/api/names/suggest') return sendJson(res, 200, { name: suggestName() });
  if (path === '/api' || path.startsWith('/api/')) return sendJson(res, 404, { error: `no API route at ${path.slice(0, 80)}` });

  if (deps.serveStatic) return deps.serveStatic(req, res, () => sendJson(res, 404, { error: 'not found' }));
  sendJson(res, 404, { error: 'not found (client not built: run npm run build)' });
}

/** The path of a request URL (no query), tolerant of junk. */
function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q >= 0 ? raw.slice(0, q) : raw;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

function bearer(h: string | undefined): string | null {
  const m = h ? /^Bearer\s+(.+)$/i.exec(h) : null;
  return m ? m[1].trim() : null;
}

function nonNegativeInt(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a whole number ≥ 0 (the number of proxies in front of the server), got "${text}"`);
  return n;
}

function listFromEnv(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** "N/S": at most N attempts in any S seconds. */
function windowFromEnv(text: string | undefined, fallback: WindowRule, name: string): WindowRule {
  if (text === undefined || text === '') return fallback;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new Error(`${name} must read "N/S" (N attempts per S seconds, both ≥ 1), got "${text}"`);
  return { limit: Number(m[1]), seconds: Number(m[2]) };
}
