import { Client, type Room } from 'colyseus.js';
import {
  parseClientMessage,
  ROOM_NAME,
  type ClientMessages,
  type ClientMessageTypeName,
  type CreateOptions,
  type JoinOptions,
} from '@gradient-rally/shared';
import type { RoomStateLike } from './raceViewModel';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';

export const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Connection lost: reconnecting…',
  offline: 'Disconnected: the server cannot be reached',
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

/** Colyseus close code for a leave the client asked for. */
const CLOSE_CONSENTED = 4000;
const RECONNECT_DELAYS_MS = [300, 800, 1500, 3000, 5000, 8000];

/**
 * One seat in a race room, kept alive: creates or joins the room, validates
 * every outgoing message with the protocol's schemas, and when the socket
 * drops, reconnects on its own (Colyseus reconnection token first, then a
 * fresh join with the stored player token or host secret). `onRoom` runs for
 * the first room and again for each reconnected one, so handlers are bound
 * to whichever room object is live.
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
    return this.attach(await this.client.joinById<RoomStateLike>(code, options));
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
    // A socket the server already closed (the seat moved to another tab) has nothing left to leave.
    if (this.room?.connection.isOpen) await this.room.leave(true).catch(() => undefined);
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

  private async reconnect(token: string): Promise<void> {
    this.setState('reconnecting');
    for (const delay of RECONNECT_DELAYS_MS) {
      await new Promise((r) => setTimeout(r, delay));
      if (this.closing) return;
      try {
        this.attach(await this.client.reconnect<RoomStateLike>(token));
        return;
      } catch {
        if (this.rejoinOptions) {
          try {
            this.attach(await this.client.joinById<RoomStateLike>(this.code, this.rejoinOptions));
            return;
          } catch {
            /* try again after the next delay */
          }
        }
      }
    }
    this.setState('offline');
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    this.onState(s);
  }
}
