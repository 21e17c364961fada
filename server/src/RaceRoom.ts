import { performance } from 'node:perf_hooks';
import { matchMaker, Room, ServerError, type Client, type Presence } from '@colyseus/core';
import { Encoder } from '@colyseus/schema';
import {
  createOptionsSchema,
  ErrorCode,
  isClientMessageType,
  joinOptionsSchema,
  PATCH_MS,
  parseClientMessageOfType,
  type ErrorCodeName,
  type ErrorMessage,
  type GhostsMessage,
  type WelcomeMessage,
} from '@gradient-rally/shared';
import { type JoinCodeClaims, PresenceJoinCodes } from './joinCode';
import type { Logger } from './logger';
import { RaceState } from './RaceState';
import { localRaceRunners, type RaceRunnerFactory } from './room/RaceRunner';
import { RateLimiter } from './room/RateLimiter';
import { cryptoRoomRandom } from './room/RoomRandom';
import { type Actor, type Admission, type FinishedRound, RoomModel } from './room/RoomModel';
import { RoundRecorder } from './RoundRecorder';
import type { RoundStore } from './RoundStore';
import { StateMirror } from './StateMirror';

/** What a room needs from the process: storage, logs, limits, and where races run and codes are claimed. */
export interface RoomDeps {
  store: RoundStore;
  logger: Logger;
  /** Seconds a dropped player or host keeps their seat. */
  reconnectSeconds: number;
  /** Host secrets of live rooms in this process (the HTTP landscape library checks them). */
  hostSecrets: Set<string>;
  /** Per-client message rate (default `RATE_LIMIT` from shared). */
  rateLimit: { burst: number; perSecond: number };
  /** Most rooms this process hosts at once: a script creating rooms in a loop cannot exhaust memory. */
  maxRooms: number;
  /** Where races are stepped (default: in this thread). */
  runners?: RaceRunnerFactory;
  /** Where join codes are claimed (default: the Colyseus presence set, local or Redis). */
  joinCodes?: (presence: Presence) => JoinCodeClaims;
}

interface ClientData {
  role: 'host' | 'player';
  playerId?: string;
  bucket: RateLimiter;
  /** Set when a newer connection took over this seat, or the player was kicked. */
  replaced?: boolean;
}

// The full state of a 100-player room (names, optimizer JSON) exceeds the 8 KB default.
Encoder.BUFFER_SIZE = Math.max(Encoder.BUFFER_SIZE, 128 * 1024);
/** Results are computed in slices of this many milliseconds, so other rooms keep their tick rate. */
const SCORING_SLICE_MS = 4;

/**
 * The Colyseus side of a classroom room, and only that: it turns sockets
 * into seats (auth, join, leave, reconnection), messages into `RoomModel`
 * calls, and the model into the synchronised schema (`StateMirror`) after each
 * call and tick. The rules — phases, host rights, bans, the lock, settings,
 * retunes, results — are the model's (`room/RoomModel.ts`), tested without
 * sockets.
 *
 * Every client message goes through one entry point (`handleMessage`): rate
 * limit → known type → schema → the model (host secret, then phase); a
 * refusal answers with an `error` message and changes nothing. The room id is
 * the join code; the room is private (students need the code).
 */
export class RaceRoom extends Room<RaceState> {
  /** Set by `createGameServer` on a bound subclass. */
  static deps: RoomDeps;

  /** The room's rules and state (read by tests through `@colyseus/testing`). */
  model!: RoomModel;
  /** Wall-clock cost of recent simulation steps (ms), newest last: for diagnostics from a debugger or REPL. */
  readonly tickTimes: number[] = [];
  private deps!: RoomDeps;
  private log!: Logger;
  private mirror!: StateMirror;
  private recorder!: RoundRecorder;
  private codes!: JoinCodeClaims;
  private hostClient: Client | null = null;
  private readonly playerClients = new Map<string, Client>();
  private tickMs = 0;
  private scoringSince: number | null = null;
  /** The ghosts message last broadcast (the session's object: a new one means a change). */
  private sentGhosts: GhostsMessage | null = null;

  override async onCreate(options: unknown): Promise<void> {
    this.deps = (this.constructor as typeof RaceRoom).deps;
    this.log = this.deps.logger.child({ room: 'race' });
    if (matchMaker.stats.local.roomCount >= this.deps.maxRooms) {
      throw new ServerError(503, `this server already hosts ${this.deps.maxRooms} rooms: try again later`);
    }
    const parsed = createOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) throw new ServerError(400, `create options: ${parsed.error.issues[0]?.message ?? 'invalid'}`);

    this.codes = this.deps.joinCodes?.(this.presence) ?? new PresenceJoinCodes(this.presence);
    const code = await this.codes.claim().catch((err: unknown) => {
      this.log.warn({ err }, 'no join code claimed');
      throw new ServerError(503, 'could not find a free join code: try again in a moment');
    });
    try {
      this.model = new RoomModel({
        code,
        settings: parsed.data.settings ?? {},
        runners: this.deps.runners ?? localRaceRunners,
        random: cryptoRoomRandom,
      });
    } catch (e) {
      await this.codes.release(code);
      throw e; // a SpecError: create fails with its message, naming the field
    }
    this.roomId = code;
    this.log = this.deps.logger.child({ room: code });
    this.deps.hostSecrets.add(this.model.hostSecret);
    this.recorder = new RoundRecorder(this.deps.store, this.model.hostSecret);
    this.maxClients = 250;
    await this.setPrivate(true);

    this.state = new RaceState();
    this.mirror = new StateMirror(this.state);
    this.patchRate = PATCH_MS;
    this.sync();
    // Colyseus calls the wildcard with (client, type, payload), except for a
    // message literally typed '*', which it treats as this handler's own type
    // and calls with (client, payload).
    this.onMessage('*', (client: Client, ...rest: unknown[]) =>
      rest.length === 1 ? this.handleMessage(client, '*', rest[0]) : this.handleMessage(client, rest[0], rest[1]),
    );
    this.log.info({ event: 'room-created' }, 'room created');
  }

  // ───────────────────────────── seats ─────────────────────────────

  override async onAuth(_client: Client, options: unknown): Promise<Admission> {
    if (this.model.claimCreatorSeat()) {
      // The first seat is its creator's: nobody else knows the code yet.
      if (!createOptionsSchema.safeParse(options ?? {}).success) throw new ServerError(400, 'invalid create options');
      return { role: 'host' };
    }
    const parsed = joinOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServerError(400, `join options: ${issue?.path.join('.') || ''} ${issue?.message ?? 'invalid'}`.trim());
    }
    const admission = this.model.admit(parsed.data);
    if (!admission.ok) throw new ServerError(admission.refusal.status, admission.refusal.message);
    return admission.value;
  }

  override onJoin(client: Client, _options: unknown, admission: Admission): void {
    const data: ClientData = { role: admission.role, bucket: new RateLimiter(this.deps.rateLimit, Date.now()) };
    client.userData = data;
    if (admission.role === 'host') {
      if (this.hostClient && this.hostClient !== client) this.replace(this.hostClient);
      this.hostClient = client;
      this.model.setHostConnected(true);
      this.welcome(client, { role: 'host', hostSecret: this.model.hostSecret });
      this.log.info({ event: 'host-joined', sessionId: client.sessionId }, 'host joined');
    } else {
      const player = this.model.seat(admission);
      if (!player) return client.leave(4003); // removed between admission and joining
      const previous = this.playerClients.get(player.id);
      if (previous && previous !== client) this.replace(previous);
      this.playerClients.set(player.id, client);
      data.playerId = player.id;
      const note = 'nameNote' in admission ? admission.nameNote : undefined;
      this.welcome(client, { role: 'player', playerId: player.id, playerToken: player.token, name: player.name, nameNote: note });
      const event = 'playerId' in admission ? 'player-rejoined' : 'player-joined';
      this.log.info({ event, playerId: player.id }, event === 'player-joined' ? 'player joined' : 'player rejoined with token');
    }
    this.sync();
    this.sendCatchUp(client);
  }

  override async onLeave(client: Client, consented: boolean): Promise<void> {
    const data = client.userData as ClientData | undefined;
    if (!data || data.replaced) return;
    if (data.role === 'host') {
      if (this.hostClient !== client) return;
      this.model.setHostConnected(false);
      this.sync();
      if (consented) return;
      try {
        const back = await this.allowReconnection(client, this.deps.reconnectSeconds);
        this.hostClient = back;
        this.model.setHostConnected(true);
        this.sync();
        this.sendCatchUp(back);
        this.log.info({ event: 'host-reconnected' }, 'host reconnected');
      } catch {
        /* the host can still rejoin with the secret */
      }
      return;
    }
    const id = data.playerId;
    if (id === undefined || this.playerClients.get(id) !== client) return;
    this.playerClients.delete(id);
    this.model.disconnect(id, consented);
    this.sync();
    if (consented) return;
    try {
      const back = await this.allowReconnection(client, this.deps.reconnectSeconds);
      if (!this.model.reconnect(id)) return back.leave(4003);
      this.playerClients.set(id, back);
      this.sync();
      this.sendCatchUp(back);
      this.log.info({ event: 'player-reconnected', playerId: id }, 'player reconnected');
    } catch {
      // Seat expired: a lobby player leaves; a racer keeps racing, rejoinable by token.
      this.model.seatExpired(id);
      this.sync();
    }
  }

  override onDispose(): void {
    // A running round is ended and saved; one whose results are being computed is finished now.
    const finished = this.model?.shutdown();
    if (finished) this.publish(finished);
    if (this.model) {
      this.deps.hostSecrets.delete(this.model.hostSecret);
      void this.codes.release(this.model.code);
    }
    this.log.info({ event: 'room-disposed' }, 'room disposed');
  }

  // ───────────────────────────── messages ─────────────────────────────

  /** The single entry point for every client message. */
  private handleMessage(client: Client, type: unknown, payload: unknown): void {
    const data = client.userData as ClientData | undefined;
    const typeName = String(type).slice(0, 40);
    if (!data) return;
    if (!data.bucket.take(Date.now())) {
      return this.refuse(client, typeName, ErrorCode.rateLimited, `too many messages: at most ${this.deps.rateLimit.perSecond} per second`);
    }
    if (!isClientMessageType(type)) {
      return this.refuse(client, typeName, ErrorCode.unknownType, `unknown message type ${JSON.stringify(typeName)}`);
    }
    const parsed = parseClientMessageOfType(type, payload);
    if (!parsed.ok) return this.refuse(client, type, ErrorCode.invalid, parsed.error.message, parsed.error.path);
    const actor: Actor = data.role === 'host' ? { role: 'host' } : { role: 'player', playerId: data.playerId ?? '' };
    try {
      const out = this.model.receive(actor, parsed.value, Date.now());
      if (!out.ok) return this.refuse(client, type, out.refusal.code, out.refusal.message, out.refusal.path);
      const effect = out.value;
      if (effect.kind === 'snapshot') client.send('snapshot', this.model.snapshot());
      if (effect.kind === 'kicked') this.closeKicked(effect.playerId);
    } catch (e) {
      this.log.error({ err: e, type }, 'message handler failed');
      this.refuse(client, type, ErrorCode.invalid, 'the server could not apply that message');
    }
    this.sync();
  }

  private refuse(client: Client, type: string, code: ErrorCodeName, message: string, path?: string): void {
    const err: ErrorMessage = path ? { type, code, message, path } : { type, code, message };
    client.send('error', err);
  }

  private closeKicked(playerId: string): void {
    const target = this.playerClients.get(playerId);
    this.playerClients.delete(playerId);
    if (target) {
      (target.userData as ClientData).replaced = true;
      target.send('kicked', { reason: 'the host removed you from this room' });
      target.leave(4003);
    }
    this.log.info({ event: 'player-kicked', playerId }, 'player kicked');
  }

  private replace(old: Client): void {
    (old.userData as ClientData).replaced = true;
    old.leave(4000);
  }

  private welcome(client: Client, extra: Partial<WelcomeMessage> & { role: 'host' | 'player' }): void {
    const code = this.model.code;
    const msg: WelcomeMessage = { sessionId: client.sessionId, code, joinPath: `/?join=${code}`, ...extra };
    if (msg.nameNote === undefined) delete msg.nameNote;
    client.send('welcome', msg);
  }

  /** What a joining or returning client missed: trails during a race, results after one. */
  private sendCatchUp(client: Client): void {
    const { snapshot, results, ghosts } = this.model.catchUp();
    if (snapshot) client.send('snapshot', snapshot);
    if (results) client.send('results', results);
    if (ghosts) client.send('ghosts', ghosts);
  }

  // ───────────────────────────── clock, mirror, results ─────────────────────────────

  /**
   * After every change to the model: mirror it into the schema, keep the
   * simulation interval at the settings' tick rate, and compute results when
   * a race has ended.
   */
  private sync(): void {
    this.mirror.sync(this.model);
    const ghosts = this.model.session.ghosts(this.model.settings.landscape);
    if (ghosts !== this.sentGhosts) {
      this.sentGhosts = ghosts;
      this.broadcast('ghosts', ghosts);
    }
    if (this.model.tickMs !== this.tickMs) {
      this.tickMs = this.model.tickMs;
      this.setSimulationInterval((dt) => this.simulate(dt), this.tickMs);
    }
    if (this.model.phase === 'scoring' && this.scoringSince === null) {
      this.scoringSince = performance.now();
      setImmediate(() => this.pumpScoring());
    }
  }

  private simulate(dt: number): void {
    const phase = this.model.phase;
    if (phase !== 'countdown' && phase !== 'racing') return;
    const t0 = performance.now();
    this.model.advanceTime(dt);
    this.tickTimes.push(performance.now() - t0);
    if (this.tickTimes.length > 10_000) this.tickTimes.splice(0, 5_000);
    this.sync();
  }

  /**
   * The per-racer analysis (robust loss, Hessian, notes) a few milliseconds
   * per event-loop turn, so other rooms keep their tick rate while an MLP
   * round is analysed; then the round is saved and broadcast.
   */
  private pumpScoring(): void {
    if (this.model.phase !== 'scoring') {
      this.scoringSince = null; // finished elsewhere (shutdown)
      return;
    }
    const deadline = performance.now() + SCORING_SLICE_MS;
    const finished = this.model.continueScoring(() => performance.now() > deadline);
    if (!finished) return void setImmediate(() => this.pumpScoring());
    this.publish(finished);
    this.sync();
  }

  /** Saves the round (synchronously, durable), then broadcasts it. */
  private publish(finished: FinishedRound): void {
    const ms = this.scoringSince === null ? 0 : performance.now() - this.scoringSince;
    this.scoringSince = null;
    try {
      this.recorder.save(finished);
    } catch (err) {
      this.log.error({ err, roundId: finished.message.roundId }, 'could not store the round');
    }
    this.mirror.sync(this.model);
    // After the next patch, so clients see the final ranks and the message together.
    this.broadcast('results', finished.message, { afterNextPatch: true });
    this.log.info(
      { event: 'round-end', roundId: finished.message.roundId, reason: finished.reason, ticks: finished.message.ticks, ms },
      'round finished and saved',
    );
  }
}
