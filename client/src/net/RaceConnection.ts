import { Client, type Room } from 'colyseus.js';
import {
  parseClientMessage,
  ROOM_NAME,
  type ClientMessages,
  type ClientMessageTypeName,
  type CreateOptions,
  type JoinOptions,
} from '@gradient-rally/shared';
import { describeJoinFailure } from './joinErrors';
import type { RoomStateLike } from './raceViewModel';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'ended' | 'closed';

/**
 * What the connection badge says (short: it sits in a phone's header). While
 * the server is away (a restart takes seconds to a minute) the page keeps
 * trying and says so; the seat and the round are where they were once the
 * server is back.
 */
export const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Connection lost: reconnecting…',
  offline: 'Server unreachable: still trying…',
  ended: 'This game is gone from the server',
  closed: 'Left the game',
};

/** Where a seat's rejoin secrets are kept: one entry per join code. */
export interface Seat {
  playerToken?: string;
  hostSecret?: string;
  name?: string;
}
export const seatStore = {
  get(code: string): Seat | undefined {
    try {
      return JSON.parse(localStorage.getItem(`gradient-rally:seat:${code}`) ?? 'null') ?? undefined;
    } catch {
      return undefined;
    }
  },
  set(code: string, seat: Seat): void {
    localStorage.setItem(`gradient-rally:seat:${code}`, JSON.stringify(seat));
  },
  clear(code: string): void {
    localStorage.removeItem(`gradient-rally:seat:${code}`);
  },
};

/** A random id this browser keeps, sent with joins so a host's ban outlasts a new nickname. */
export function deviceId(): string | undefined {
  try {
    let id = localStorage.getItem('gradient-rally:device');
    if (!id) {
      const bytes = crypto.getRandomValues(new Uint8Array(12));
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      localStorage.setItem('gradient-rally:device', id);
    }
    return id;
  } catch {
    return undefined; // storage blocked: joins work without it
  }
}

/** Colyseus close code for a leave the client asked for. */
const CLOSE_CONSENTED = 4000;
/** Waits before each attempt: quick at first (a Wi-Fi blip), then `RECONNECT_EVERY_MS` for as long as it takes. */
const RECONNECT_DELAYS_MS = [300, 800, 1500, 3000, 5000];
const RECONNECT_EVERY_MS = 6000;
/** After this long without success the words change from "reconnecting" to "the server cannot be reached". */
const OFFLINE_AFTER_MS = 8000;
/**
 * The room is given up after the server has answered "no such game" this many
 * times in a row (a restarting server restores its rooms before it listens,
 * so a server that answers has them).
 */
const GONE_AFTER_ANSWERS = 3;

/**
 * One seat in a race room, kept alive: creates or joins the room, validates
 * every outgoing message with the protocol's schemas, and when the socket
 * drops, reconnects on its own — Colyseus reconnection token first, then a
 * fresh join with the stored player token or host secret, for as long as the
 * server is away (see `reconnect`). `onRoom` runs for the first room and
 * again for each reconnected one, so handlers are bound to whichever room
 * object is live.
 */
export class RaceConnection {
  readonly client: Client;
  room: Room<RoomStateLike> | undefined;
  state: ConnectionState = 'connecting';
  private closing = false;
  code = '';
  /** Options for a fresh join when the reconnection token no longer works. */
  rejoinOptions: JoinOptions | undefined;

  constructor(
    url: string,
    private readonly onRoom: (room: Room<RoomStateLike>) => void,
    private readonly onState: (s: ConnectionState) => void,
  ) {
    this.client = new Client(url);
  }

  async create(options: CreateOptions): Promise<Room<RoomStateLike>> {
    return this.attach(await this.client.create<RoomStateLike>(ROOM_NAME, options));
  }

  async join(code: string, options: JoinOptions): Promise<Room<RoomStateLike>> {
    this.code = code;
    return this.attach(await this.client.joinById<RoomStateLike>(code, { ...options, device: deviceId() }));
  }

  /** Validates then sends; returns the validation message when refused locally. */
  send<K extends ClientMessageTypeName>(type: K, payload: ClientMessages[K]): string | undefined {
    const r = parseClientMessage(type, payload);
    if (!r.ok) return r.error.message;
    if (!this.room || this.state !== 'connected') return 'Not connected: your change will need to be made again once reconnected.';
    this.room.send(type, r.value);
    return undefined;
  }

  /** Leave for good (no reconnection). */
  async leave(): Promise<void> {
    this.closing = true;
    this.setState('closed');
    await this.room?.leave(true).catch(() => undefined);
  }

  /** Marks the seat closed by the server (kicked): no reconnection attempts. */
  markClosed(): void {
    this.closing = true;
    this.setState('closed');
  }

  private attach(room: Room<RoomStateLike>): Room<RoomStateLike> {
    this.room = room;
    this.code = room.roomId;
    room.onLeave((code) => {
      if (this.room !== room) return;
      if (this.closing || code === CLOSE_CONSENTED) return this.setState('closed');
      void this.reconnect(room.reconnectionToken);
    });
    this.onRoom(room);
    this.setState('connected');
    return room;
  }

  /**
   * Gets the seat back after the socket dropped: the Colyseus reconnection
   * token first (a blip), then a fresh join with the stored player token or
   * host secret (the server restarted: the room is restored under its code).
   * Tries quickly at first, then every few seconds with some jitter (so a
   * class does not knock in step) for as long as the server is away, and
   * at once when the browser says it is online again. Stops when the
   * server answers that the game is gone, or that this seat was removed.
   */
  private async reconnect(token: string): Promise<void> {
    this.setState('reconnecting');
    const since = Date.now();
    let goneAnswers = 0;
    for (let attempt = 0; ; attempt++) {
      const base = RECONNECT_DELAYS_MS[attempt] ?? RECONNECT_EVERY_MS;
      await this.pause(base * (0.75 + 0.5 * Math.random()));
      if (this.closing) return;
      try {
        this.attach(await this.client.reconnect<RoomStateLike>(token));
        return;
      } catch {
        /* the token only works while the same server process holds the seat */
      }
      if (this.rejoinOptions) {
        try {
          this.attach(await this.client.joinById<RoomStateLike>(this.code, { ...this.rejoinOptions, device: deviceId() }));
          return;
        } catch (e) {
          const failure = describeJoinFailure(e, this.code);
          if (failure.kind === 'kicked') return this.setState('closed');
          goneAnswers = failure.kind === 'wrong-code' ? goneAnswers + 1 : 0;
          if (goneAnswers >= GONE_AFTER_ANSWERS) return this.setState('ended');
        }
      }
      if (this.closing) return;
      if (Date.now() - since >= OFFLINE_AFTER_MS && this.state !== 'offline') this.setState('offline');
    }
  }

  /** Waits `ms`, or less when the browser comes back online. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        globalThis.removeEventListener?.('online', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      globalThis.addEventListener?.('online', done);
    });
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    this.onState(s);
  }
}
