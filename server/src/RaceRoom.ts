import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { matchMaker, Room, ServerError, type Client, type Presence } from '@colyseus/core';
import { Encoder } from '@colyseus/schema';
import {
  ClientMessageType,
  createOptionsSchema,
  ErrorCode,
  isClientMessageType,
  joinOptionsSchema,
  mergeRoomSettings,
  PATCH_MS,
  parseClientMessageOfType,
  ROOM_NAME,
  type ClientMessage,
  SpecError,
  type ErrorCodeName,
  type ErrorMessage,
  type GhostsMessage,
  type WelcomeMessage,
} from '@gradient-rally/shared';
import { CLAIM_TTL_SECONDS, type JoinCodeClaims, PresenceJoinCodes } from './joinCode';
import type { Logger } from './logger';
import { RaceState } from './RaceState';
import { localRaceRunners, type RaceRunnerFactory } from './room/RaceRunner';
import { RateLimiter } from './room/RateLimiter';
import type { RoomCompute } from './room/RoomCompute';
import { cryptoRoomRandom } from './room/RoomRandom';
import {
  type Actor,
  type Admission,
  type CheckedSettings,
  ComputeRefusalError,
  type FinishedRound,
  parseSettingsHere,
  RoomModel,
  type RoomCheckpoint,
  type SettingsParser,
} from './room/RoomModel';
import { RoundRecorder } from './RoundRecorder';
import type { RoundStore, StoredLiveRoom } from './RoundStore';
import type { PreparedSettings } from './sim/Simulation';
import type { WorkAllowance } from './sim/WorkAllowance';
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
  /** What rooms may compute (default: no limit). */
  compute?: RoomCompute;
  /** Where join codes are claimed (default: keys in the Colyseus presence, local or Redis). */
  joinCodes?: (presence: Presence) => JoinCodeClaims;
  /** Event-loop time for checking settings (building landscapes), shared by every room of the process. */
  settingsWork?: WorkAllowance;
  /** Parses settings that ask for a network in a race worker (null: parse them here). */
  prepareSettings?: (input: Record<string, unknown>, force?: boolean) => Promise<PreparedSettings> | null;
  /** Checkpoints being restored, by one-time ticket (filled by `restoreRooms`). */
  restoring?: Map<string, StoredLiveRoom>;
}

interface ClientData {
  role: 'host' | 'player' | 'watcher';
  playerId?: string;
  bucket: RateLimiter;
  /** Set when a newer connection took over this seat, or the player was kicked. */
  replaced?: boolean;
}

// The full state of a 100-player room (names, optimizer JSON) exceeds the 8 KB default.
Encoder.BUFFER_SIZE = Math.max(Encoder.BUFFER_SIZE, 128 * 1024);
/** Results are computed in slices of this many milliseconds, so other rooms keep their tick rate. */
const SCORING_SLICE_MS = 4;
/** A checkpoint after a change is written at most this often; a running race is checkpointed every second. */
const CHECKPOINT_AFTER_CHANGE_MS = 200;
const CHECKPOINT_RACING_MS = 1000;
/** On shutdown, how long a room waits for results a worker is computing before it gives up on them. */
const SHUTDOWN_RESULTS_WAIT_MS = 8000;
/** A restored room waits this long for its players and host before closing as empty. */
const RESTORE_GRACE_SECONDS = 180;

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
  private disposing = false;
  /** The owner value of this room's join-code claim (from the host secret, so a restored room claims its code back). */
  private claimOwner = '';
  /** Something changed since the last checkpoint; when it was written, and in which phase. */
  private dirty = true;
  private checkpointedAt = 0;
  private checkpointedPhase = '';

  override async onCreate(options: unknown): Promise<void> {
    this.deps = (this.constructor as typeof RaceRoom).deps;
    this.log = this.deps.logger.child({ room: 'race' });
    this.codes = this.deps.joinCodes?.(this.presence) ?? new PresenceJoinCodes(this.presence);
    const ticket = (options as { restoreTicket?: unknown } | null)?.restoreTicket;
    const restoring = typeof ticket === 'string' ? this.deps.restoring?.get(ticket) : undefined;
    if (restoring) {
      this.deps.restoring!.delete(ticket as string);
      await this.restoreFrom(restoring).catch((e: unknown) => {
        // 410: the checkpoint can never be restored (its code taken, its record broken); else try again on the next start.
        throw e instanceof ServerError ? e : new ServerError(503, String((e as Error)?.message ?? e));
      });
    } else {
      await this.createFresh(options);
    }
    this.roomId = this.model.code;
    this.log = this.deps.logger.child({ room: this.model.code });
    this.deps.hostSecrets.add(this.model.hostSecret);
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
    // The code's claim expires unless refreshed: a room lost with its process frees its code.
    this.clock.setInterval(() => void this.refreshCodeClaim(), (CLAIM_TTL_SECONDS * 1000) / 3);
    this.saveCheckpoint();
    if (restoring) {
      // Nobody is connected yet: give players and host time to come back before closing as empty.
      this.resetAutoDisposeTimeout(Math.max(RESTORE_GRACE_SECONDS, this.deps.reconnectSeconds));
      this.log.info({ event: 'room-restored', phase: this.model.phase, tick: this.model.raceTick }, 'room restored from its checkpoint');
    } else {
      this.log.info({ event: 'room-created' }, 'room created');
    }
  }

  private async createFresh(options: unknown): Promise<void> {
    if (matchMaker.stats.local.roomCount >= this.deps.maxRooms) {
      throw new ServerError(503, `this server already hosts ${this.deps.maxRooms} rooms: try again later`);
    }
    const parsed = createOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) throw new ServerError(400, `create options: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const settings = parsed.data.settings ?? {};
    const prepared = this.deps.prepareSettings?.(settings);
    if (prepared) {
      const p = await prepared;
      if (!p.ok) throw new ServerError(p.busy ? 503 : 400, p.message);
      this.prepared = { key: canonicalJson(settings), checked: p.checked };
    } else {
      const busy = this.deps.settingsWork?.waitMs(performance.now()) ?? 0;
      if (busy > 0)
        throw new ServerError(503, `the server is busy checking other rooms' settings: try again in ${Math.ceil(busy / 1000)} s`);
    }
    const hostSecret = cryptoRoomRandom.secret();
    this.claimOwner = claimOwnerOf(hostSecret);
    const code = await this.codes.claim(this.claimOwner).catch((err: unknown) => {
      this.log.warn({ event: 'code-claim-failed', error: String((err as Error)?.message ?? err) }, 'no join code claimed');
      throw new ServerError(503, 'could not find a free join code: try again in a moment');
    });
    const t0 = performance.now();
    try {
      this.model = new RoomModel({
        code,
        settings,
        runners: this.deps.runners ?? localRaceRunners,
        random: cryptoRoomRandom,
        compute: this.deps.compute,
        hostSecret,
        parseSettings: this.parseSettings,
      });
    } catch (e) {
      await this.codes.release(code, this.claimOwner);
      // Settings refused (a field out of range, too much work): the host's mistake, answered and logged without a stack.
      if (e instanceof SpecError || e instanceof ComputeRefusalError) {
        this.log.info({ event: 'create-refused', path: e.path }, e.message);
        throw new ServerError(400, e.message);
      }
      throw e;
    } finally {
      if (!prepared) this.deps.settingsWork?.spend(performance.now() - t0, performance.now());
      this.prepared = null;
    }
    this.recorder = new RoundRecorder(this.deps.store, this.model.hostSecret);
  }

  /** The room a checkpoint describes, under its own code (claimed back), its race replayed from the record. */
  private async restoreFrom(stored: StoredLiveRoom): Promise<void> {
    const checkpoint = stored.checkpoint as RoomCheckpoint;
    this.claimOwner = claimOwnerOf(checkpoint.hostSecret);
    if (!(await this.codes.reclaim(stored.code, this.claimOwner))) {
      throw new ServerError(410, `join code ${stored.code} is held by another room now`);
    }
    const prepared = this.deps.prepareSettings?.(checkpoint.settingsInput, true);
    if (prepared) {
      const p = await prepared;
      if (!p.ok && !p.busy) throw new ServerError(410, `its settings no longer parse: ${p.message}`);
      if (!p.ok) throw new Error(p.message);
      this.prepared = { key: canonicalJson(checkpoint.settingsInput), checked: p.checked };
    }
    try {
      this.model = RoomModel.restore(checkpoint, stored.record, {
        runners: this.deps.runners ?? localRaceRunners,
        random: cryptoRoomRandom,
        compute: this.deps.compute,
        parseSettings: this.parseSettings,
      });
    } catch (e) {
      await this.codes.release(stored.code, this.claimOwner).catch(() => undefined);
      throw new ServerError(410, `its checkpoint does not restore: ${String((e as Error)?.message ?? e)}`);
    }
    this.recorder = new RoundRecorder(this.deps.store, this.model.hostSecret);
    this.recorder.continueFrom(checkpoint.round, stored.record);
  }

  private async refreshCodeClaim(): Promise<void> {
    try {
      if (!(await this.codes.refresh(this.model.code, this.claimOwner))) {
        this.log.warn({ event: 'code-claim-lost' }, 'another room holds this join code now');
      }
    } catch (err) {
      // Redis away: the process logs the outage once; the claim is refreshed again next time.
      this.log.debug(
        { event: 'code-claim-refresh-failed', error: String((err as Error)?.message ?? err) },
        'could not refresh the join-code claim',
      );
    }
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
    if (admission.role === 'watcher') {
      // The host's projector window: sees the state and the results, holds no seat, sends nothing.
      this.welcome(client, { role: 'watcher' });
      this.sendCatchUp(client);
      return;
    }
    if (admission.role === 'host') {
      if (this.hostClient && this.hostClient !== client) this.replace(this.hostClient, 'host');
      this.hostClient = client;
      this.model.setHostConnected(true);
      this.welcome(client, { role: 'host', hostSecret: this.model.hostSecret });
      this.log.info({ event: 'host-joined', sessionId: client.sessionId }, 'host joined');
    } else {
      const player = this.model.seat(admission);
      if (!player) return client.leave(4003); // removed between admission and joining
      const previous = this.playerClients.get(player.id);
      if (previous && previous !== client) this.replace(previous, 'player');
      this.playerClients.set(player.id, client);
      data.playerId = player.id;
      const note = 'nameNote' in admission ? admission.nameNote : undefined;
      this.welcome(client, { role: 'player', playerId: player.id, playerToken: player.token, name: player.name, nameNote: note });
      const event = 'playerId' in admission ? 'player-rejoined' : 'player-joined';
      this.log.info({ event, playerId: player.id }, event === 'player-joined' ? 'player joined' : 'player rejoined with token');
    }
    this.dirty = true;
    this.sync();
    this.sendCatchUp(client);
  }

  override async onLeave(client: Client, consented: boolean): Promise<void> {
    const data = client.userData as ClientData | undefined;
    if (!data || data.replaced || data.role === 'watcher') return;
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
    this.dirty = true;
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
      this.dirty = true;
      this.sync();
    }
  }

  override async onDispose(): Promise<void> {
    this.disposing = true;
    if (!this.model) return; // creation failed
    // A running round is ended and saved; one whose results are being computed is finished now
    // (results computed in a worker are waited for: Colyseus awaits this before the process exits).
    let finished = this.model.shutdown();
    const until = performance.now() + SHUTDOWN_RESULTS_WAIT_MS;
    while (!finished && this.model.phase === 'scoring' && performance.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      finished = this.model.continueScoring(() => false);
    }
    if (finished) this.publish(finished);
    this.model.close();
    this.deps.hostSecrets.delete(this.model.hostSecret);
    try {
      this.recorder.forget(this.model.code);
    } catch (err) {
      this.log.warn(
        { event: 'checkpoint-forget-failed', error: String((err as Error)?.message ?? err) },
        'could not remove the checkpoint',
      );
    }
    void this.codes.release(this.model.code, this.claimOwner).catch(() => undefined); // it expires anyway
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
    if (data.role === 'watcher') return this.refuse(client, type, ErrorCode.forbidden, 'a projector view only watches');
    const parsed = parseClientMessageOfType(type, payload);
    if (!parsed.ok) return this.refuse(client, type, ErrorCode.invalid, parsed.error.message, parsed.error.path);
    const actor: Actor = data.role === 'host' ? { role: 'host' } : { role: 'player', playerId: data.playerId ?? '' };
    const message = parsed.value;
    if (message.type === ClientMessageType.hostSettings && !this.model.settingsRefusal(actor, message.payload.secret)) {
      // A network is built (its center trained) in a race worker first: the event loop never waits through it.
      const input = mergeRoomSettings(this.model.settingsJson, message.payload.settings);
      const prepared = this.deps.prepareSettings?.(input);
      if (prepared) {
        void prepared.then((p) => {
          if (!p.ok) return this.refuse(client, message.type, p.busy ? ErrorCode.rateLimited : ErrorCode.outOfRange, p.message, p.path);
          this.prepared = { key: canonicalJson(input), checked: p.checked };
          this.deliver(client, actor, message);
        });
        return;
      }
      // Parsed here (cheap terrains): the process still lets settings take only a bounded share of the loop.
      const busy = this.deps.settingsWork?.waitMs(performance.now()) ?? 0;
      if (busy > 0) {
        const wait = Math.ceil(busy / 1000);
        return this.refuse(
          client,
          message.type,
          ErrorCode.rateLimited,
          `the server is busy checking other rooms' settings: try again in ${wait} s`,
          'settings',
        );
      }
      const t0 = performance.now();
      this.deliver(client, actor, message);
      this.deps.settingsWork?.spend(performance.now() - t0, performance.now());
      return;
    }
    this.deliver(client, actor, message);
  }

  /** Hands a parsed message to the model, then carries out what it asks (snapshot, kick) and mirrors the state. */
  private deliver(client: Client, actor: Actor, message: ClientMessage): void {
    if (!this.model) return;
    try {
      const out = this.model.receive(actor, message, Date.now());
      if (!out.ok) return this.refuse(client, message.type, out.refusal.code, out.refusal.message, out.refusal.path);
      const effect = out.value;
      // The host's form shows "Saved" beside the field it changed.
      if (actor.role === 'host' && message.type.startsWith('host:')) client.send('applied', { type: message.type });
      if (effect.kind === 'snapshot') this.sendSnapshot(client);
      if (effect.kind === 'kicked') this.closeKicked(effect.playerId, effect.banned);
      if (effect.kind !== 'snapshot') this.dirty = true;
    } catch (e) {
      this.log.error({ err: e, type: message.type }, 'message handler failed');
      this.refuse(client, message.type, ErrorCode.invalid, 'the server could not apply that message');
    } finally {
      this.prepared = null;
    }
    this.sync();
  }

  /** Settings parsed by a race worker for the next settings change (or creation, or restore). */
  private prepared: { key: string; checked: CheckedSettings } | null = null;

  /** The model's settings parser: what a worker prepared for exactly this input, else a parse in this thread. */
  private readonly parseSettings: SettingsParser = (input) => {
    const ready = this.prepared;
    this.prepared = null;
    if (ready && ready.key === canonicalJson(input)) return ready.checked;
    return parseSettingsHere(input);
  };

  private refuse(client: Client, type: string, code: ErrorCodeName, message: string, path?: string): void {
    const err: ErrorMessage = path ? { type, code, message, path } : { type, code, message };
    client.send('error', err);
  }

  private closeKicked(playerId: string, banned: boolean): void {
    const target = this.playerClients.get(playerId);
    this.playerClients.delete(playerId);
    if (target) {
      (target.userData as ClientData).replaced = true;
      const reason = banned ? 'the host removed you from this room for the rest of the session' : 'the host removed you from this room';
      target.send('kicked', { reason });
      target.leave(4003);
    }
    this.log.info({ event: 'player-kicked', playerId, banned }, banned ? 'player kicked and banned' : 'player kicked');
  }

  /** A newer connection took this seat (another tab or window): the old one is told, then closed. */
  private replace(old: Client, role: 'host' | 'player'): void {
    (old.userData as ClientData).replaced = true;
    old.send('replaced', { role });
    old.leave(4000);
  }

  private welcome(client: Client, extra: Partial<WelcomeMessage> & { role: WelcomeMessage['role'] }): void {
    const code = this.model.code;
    const msg: WelcomeMessage = { sessionId: client.sessionId, code, joinPath: `/?join=${code}`, ...extra };
    if (msg.nameNote === undefined) delete msg.nameNote;
    client.send('welcome', msg);
  }

  /** What a joining or returning client missed: trails during a race, results after one (trails may come from a worker). */
  private sendCatchUp(client: Client): void {
    this.model.catchUp().then(
      ({ snapshot, results, ghosts }) => {
        if (!this.clients.includes(client)) return;
        if (snapshot) client.send('snapshot', snapshot);
        if (results) client.send('results', results);
        if (ghosts) client.send('ghosts', ghosts);
      },
      (err: unknown) => this.log.warn({ event: 'catch-up-failed', error: String((err as Error)?.message ?? err) }, 'no trails to send'),
    );
  }

  private sendSnapshot(client: Client): void {
    this.model.snapshot().then(
      (snapshot) => {
        if (this.clients.includes(client)) client.send('snapshot', snapshot);
      },
      () => undefined,
    );
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
    this.checkpointIfDue();
    const phase = this.model.phase;
    if (phase !== 'countdown' && phase !== 'racing') return;
    const t0 = performance.now();
    this.model.advanceTime(dt);
    this.tickTimes.push(performance.now() - t0);
    if (this.tickTimes.length > 10_000) this.tickTimes.splice(0, 5_000);
    this.sync();
  }

  /**
   * Checkpoints the room (state and new race events) after a change — a
   * join, a knob change, a phase change — at most every 200 ms, and every
   * second while a race runs, so a crash loses at most a second of race.
   */
  private checkpointIfDue(): void {
    const now = performance.now();
    const phase = this.model.phase;
    if (phase !== this.checkpointedPhase) this.dirty = true;
    const racing = phase === 'racing' || phase === 'countdown' || phase === 'scoring';
    const due =
      (this.dirty && now - this.checkpointedAt >= CHECKPOINT_AFTER_CHANGE_MS) ||
      (racing && now - this.checkpointedAt >= CHECKPOINT_RACING_MS);
    if (due) this.saveCheckpoint();
  }

  private saveCheckpoint(): void {
    this.checkpointedAt = performance.now();
    this.checkpointedPhase = this.model.phase;
    this.dirty = false;
    try {
      this.recorder.checkpoint(this.model);
    } catch (err) {
      this.log.warn({ event: 'checkpoint-failed', error: String((err as Error)?.message ?? err) }, 'could not write the checkpoint');
    }
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
    const started = performance.now();
    const deadline = started + SCORING_SLICE_MS;
    const finished = this.model.continueScoring(() => performance.now() > deadline);
    // Results computed here go on at the next turn; results a worker computes are looked for every 20 ms, not in a spin.
    if (!finished && performance.now() - started >= SCORING_SLICE_MS) return void setImmediate(() => this.pumpScoring());
    if (!finished) return void setTimeout(() => this.pumpScoring(), 20);
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
    this.dirty = true;
    this.mirror.sync(this.model);
    // After the next patch, so clients see the final ranks and the message together.
    this.broadcast('results', finished.message, { afterNextPatch: true });
    // The round's trails, the next round's ghosts, may come from a worker after the results: sent when they do.
    this.model.ghostsArrived.then((changed) => {
      if (changed && !this.disposing) this.sync();
    });
    this.log.info(
      { event: 'round-end', roundId: finished.message.roundId, reason: finished.reason, ticks: finished.message.ticks, ms },
      'round finished and saved',
    );
  }
}

/** JSON with object keys sorted, so equal settings give equal text whatever order their keys were merged in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The owner value of a room's join-code claim: derived from its host secret, so only that room (restored or not) holds it. */
function claimOwnerOf(hostSecret: string): string {
  return createHash('sha256').update(`join-code:${hostSecret}`).digest('base64url').slice(0, 22);
}

/**
 * Brings back every room checkpointed in `store` that did not close (the
 * process was killed): each under its own code, its race replayed from its
 * record, seats waiting for their tokens and the host's secret. A checkpoint
 * that can never be restored (its code taken meanwhile, a record that does
 * not replay, older than `maxAgeMs`) is logged and forgotten; one that cannot
 * be restored now (Redis away) stays for the next start. Call after the room
 * type is defined and before the server listens.
 */
export async function restoreRooms(
  deps: RoomDeps,
  options: { maxAgeMs?: number } = {},
): Promise<{ restored: string[]; dropped: { code: string; why: string }[] }> {
  const restored: string[] = [];
  const dropped: { code: string; why: string }[] = [];
  const maxAge = options.maxAgeMs ?? 24 * 3600 * 1000;
  const restoring = deps.restoring ?? new Map<string, StoredLiveRoom>();
  deps.restoring = restoring;
  for (const stored of deps.store.liveRooms()) {
    const age = Date.now() - Date.parse(stored.savedAt);
    if (!(age <= maxAge)) {
      dropped.push({ code: stored.code, why: `its last checkpoint is ${Math.round(age / 60_000)} minutes old` });
      deps.store.deleteLiveRoom(stored.code);
      continue;
    }
    const ticket = randomBytes(18).toString('base64url');
    restoring.set(ticket, stored);
    try {
      await matchMaker.handleCreateRoom(ROOM_NAME, { restoreTicket: ticket });
      restored.push(stored.code);
    } catch (err) {
      const why = String((err as Error)?.message ?? err);
      if ((err as { code?: number }).code === 410) {
        dropped.push({ code: stored.code, why });
        deps.store.deleteLiveRoom(stored.code);
      } else {
        // Redis away, a worker lost: the checkpoint stays for the next start.
        deps.logger.warn({ event: 'room-restore-postponed', room: stored.code, why }, 'a checkpointed room could not be restored now');
      }
    } finally {
      restoring.delete(ticket);
    }
  }
  for (const d of dropped)
    deps.logger.warn({ event: 'room-not-restored', room: d.code, why: d.why }, 'a checkpointed room could not be restored');
  if (restored.length > 0 || dropped.length > 0)
    deps.logger.info({ event: 'rooms-restored', restored: restored.length, dropped: dropped.length }, 'rooms restored from checkpoints');
  return { restored, dropped };
}
