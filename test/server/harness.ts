/**
 * Shared set-up for the server integration tests: boots the real game server
 * in-process on a free port (SQLite in a temp folder), and wraps colyseus.js
 * rooms so tests can wait on messages and state without racing them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Room } from 'colyseus.js';
import { ColyseusTestServer } from '@colyseus/testing';
import { ROOM_NAME, type ErrorMessage, type WelcomeMessage } from '@gradient-rally/shared';
import { createGameServer, type GameServer } from '../../server/src/createGameServer';
import { createLogger } from '../../server/src/logger';
import type { RaceRoom } from '../../server/src/RaceRoom';

export interface Booted {
  game: GameServer;
  port: number;
  dbPath: string;
  /** @colyseus/testing wrapper around our server (sdk + room lookup). */
  colyseus: ColyseusTestServer;
  client(): Client;
  http(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Per-address limits lifted, for tests about something else. */
export const UNLIMITED_ADDRESSES = {
  creates: { limit: 1e6, seconds: 60 },
  joins: { limit: 1e6, seconds: 60 },
  wrongCodes: { limit: 1e6, seconds: 60 },
  pendingSeats: 1e6,
  liveRooms: 1e6,
};

export async function bootGame(
  options: { reconnectSeconds?: number; rateLimit?: { burst: number; perSecond: number }; maxRooms?: number } = {},
): Promise<Booted> {
  const dir = mkdtempSync(join(tmpdir(), 'gr-server-'));
  const dbPath = join(dir, 'rounds.sqlite');
  const game = await createGameServer({
    port: 0,
    host: '127.0.0.1',
    dbPath,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    reconnectSeconds: options.reconnectSeconds ?? 20,
    staticDir: join(dir, 'no-client'),
    rateLimit: options.rateLimit,
    maxRooms: options.maxRooms,
    // Every bot connects from 127.0.0.1, standing in for a class on its own devices; with REDIS_URL set the
    // per-address windows are shared by every test file. The limits have their own tests (http-hardening).
    addressRules: UNLIMITED_ADDRESSES,
  });
  const port = await game.listen();
  const colyseus = new ColyseusTestServer(game.colyseus);
  return {
    game,
    port,
    dbPath,
    colyseus,
    client: () => new Client(`ws://127.0.0.1:${port}`),
    http: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init),
    close: () => game.close(),
  };
}

/** A colyseus.js room plus everything it received, in order. */
export class Bot {
  readonly messages: { type: string | number; message: any }[] = [];
  welcome: WelcomeMessage | undefined;
  closedWith: number | undefined;

  constructor(readonly room: Room<any>) {
    room.onMessage('*', (type, message) => {
      this.messages.push({ type, message });
      if (type === 'welcome') this.welcome = message as WelcomeMessage;
    });
    room.onLeave((code) => {
      this.closedWith = code;
    });
  }

  get state(): any {
    return this.room.state;
  }

  get errors(): ErrorMessage[] {
    return this.messages.filter((m) => m.type === 'error').map((m) => m.message as ErrorMessage);
  }

  send(type: string, payload?: unknown): void {
    this.room.send(type, payload as any);
  }

  /** Host actions carry the secret. */
  host(type: string, payload: Record<string, unknown> = {}): void {
    this.room.send(type, { secret: this.welcome!.hostSecret, ...payload });
  }

  /** Resolves with the first message of `type` (after index `from`) that satisfies `pred`. */
  async next(type: string, pred: (m: any) => boolean = () => true, timeoutMs = 10_000, from = 0): Promise<any> {
    let found: any;
    await until(
      () => {
        for (let i = from; i < this.messages.length; i++) {
          const m = this.messages[i];
          if (m.type === type && pred(m.message)) {
            found = m.message;
            return true;
          }
        }
        return false;
      },
      timeoutMs,
      `message '${type}'`,
    );
    return found;
  }

  /** Sends a message and resolves with the next `error` reply to it. */
  async expectError(type: string, payload: unknown): Promise<ErrorMessage> {
    const from = this.messages.length;
    this.room.send(type, payload as any);
    return this.next('error', () => true, 5_000, from);
  }

  player(id = this.welcome?.playerId): any {
    return id ? this.room.state.players?.get(id) : undefined;
  }
}

export async function until(pred: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function createHost(client: Client, settings: Record<string, unknown> = {}, name = 'Teacher'): Promise<Bot> {
  const bot = new Bot(await client.create(ROOM_NAME, { name, settings }));
  await until(() => bot.welcome !== undefined && bot.state?.code !== undefined, 5_000, 'host welcome');
  return bot;
}

export async function joinPlayer(client: Client, code: string, options: Record<string, unknown> = {}): Promise<Bot> {
  const bot = new Bot(await client.joinById(code, options));
  await until(() => bot.welcome !== undefined && bot.player() !== undefined, 5_000, 'player welcome');
  return bot;
}

/** The server-side room behind a join code (servers booted in this process). */
export function roomOf(server: Booted, code: string): RaceRoom {
  const room = server.colyseus.getRoomById(code);
  if (!room) throw new Error(`no room ${code} in this process`);
  return room as unknown as RaceRoom;
}

/**
 * Waits until the bot's copy of the state shows what the server's schema
 * holds now (phase, tick, pause and every racer's position): the last patch
 * has arrived. Use it where a test would otherwise sleep "for the patch".
 */
export async function caughtUp(bot: Bot, room: RaceRoom, timeoutMs = 5_000): Promise<void> {
  const same = (): boolean => {
    const mine = bot.state;
    const theirs = room.state;
    if (!mine?.players || mine.phase !== theirs.phase || mine.tick !== theirs.tick || mine.paused !== theirs.paused) return false;
    if (mine.players.size !== theirs.players.size) return false;
    for (const [id, p] of theirs.players) {
      const q = mine.players.get(id);
      if (!q || q.qx !== p.qx || q.qy !== p.qy || q.optimizerJson !== p.optimizerJson) return false;
    }
    return true;
  };
  await until(same, timeoutMs, 'the client state to catch up with the server');
}

export async function waitForPhase(bot: Bot, phase: string, timeoutMs = 20_000): Promise<void> {
  await until(() => bot.state?.phase === phase, timeoutMs, `phase ${phase}`);
}

/** Short rounds for tests: a small budget, no countdown. */
export function quickSettings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { landscape: { kind: 'sharp-vs-flat' }, roundSeconds: 5, tickRate: 20, stepsPerTick: 2, countdownSeconds: 0, seed: 7, ...extra };
}
