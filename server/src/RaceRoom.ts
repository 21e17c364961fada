import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Room, ServerError, matchMaker, type Client } from '@colyseus/core';
import {
  ClientMessageType,
  ErrorCode,
  PATCH_MS,
  RacerStatusByte,
  RETUNE_PER_SECOND,
  SLOW_FIELDS_MS,
  COUNTDOWN_SECONDS_RANGE,
  Race,
  SpecError,
  checkRacerOptimizer,
  createOptionsSchema,
  isClientMessageType,
  joinOptionsSchema,
  parseClientMessage,
  parseSettingsWithLandscape,
  quantBounds,
  quantize,
  type ClientMessages,
  type ClientMessageTypeName,
  type ErrorCodeName,
  type ErrorMessage,
  type Landscape,
  type RaceSettings,
  type ResultRow,
  type ResultsMessage,
  type WelcomeMessage,
} from '@gradient-rally/shared';
import { Encoder } from '@colyseus/schema';
import { RaceState } from './RaceState';
import { PlayerState } from './PlayerState';
import { TokenBucket } from './TokenBucket';
import { cleanNickname } from './nicknames';
import { generateJoinCode } from './joinCode';
import type { RoundStore } from './RoundStore';
import type { Logger } from './logger';

/** What a room needs from the process: storage and logs. */
export interface RoomDeps {
  store: RoundStore;
  logger: Logger;
  /** Seconds a dropped player or host keeps their seat. */
  reconnectSeconds: number;
  /** Host secrets of live rooms in this process (the HTTP landscape library checks them). */
  hostSecrets: Set<string>;
  /** Per-client token bucket (default `RATE_LIMIT` from shared). */
  rateLimit: { burst: number; perSecond: number };
  /** Most rooms this process hosts at once: a script creating rooms in a loop cannot exhaust memory. */
  maxRooms: number;
}

/** Server-only facts about one player (never synchronised). */
interface PlayerRecord {
  id: string;
  token: string;
  name: string;
  /** Validated optimizer spec the player will race with (or races with now). */
  optimizer: Record<string, unknown>;
  /** Chosen start (start rule 'choose'), in view coordinates. */
  start: number[] | null;
  client: Client | null;
  retuneTimes: number[];
  knobChanges: number;
  inRace: boolean;
}

interface ClientData {
  role: 'host' | 'player';
  playerId?: string;
  bucket: TokenBucket;
  /** Set when a newer connection took over this player or host seat. */
  replaced?: boolean;
}

interface AuthData {
  role: 'host' | 'player';
  /** Existing player reclaimed with a token. */
  playerId?: string;
  name?: string;
  nameNote?: string;
}

const CODE_SET = 'gradient-rally:codes';
// The full state of a 100-player room (names, optimizer JSON) exceeds the 8 KB default.
Encoder.BUFFER_SIZE = Math.max(Encoder.BUFFER_SIZE, 128 * 1024);
const MAX_CATCH_UP_TICKS = 4;
const FLOAT32_MAX = 3.4028234663852886e38;

const STATUS_CODE: Record<string, number> = {
  waiting: RacerStatusByte.waiting,
  racing: RacerStatusByte.racing,
  diverged: RacerStatusByte.diverged,
  finished: RacerStatusByte.finished,
  'budget-spent': RacerStatusByte.budgetSpent,
};

/**
 * One classroom race: lobby → countdown → race → results → lobby.
 *
 * The room owns a `Race` from `@gradient-rally/shared`, steps it on a fixed
 * tick (`setSimulationInterval` plus an accumulator, so a late timer does not
 * slow the race down), and mirrors into the schema only what clients draw:
 * quantised positions every tick (sent at the patch rate), loss, status and
 * counters every SLOW_FIELDS_MS. Everything a player sends goes through one
 * entry point (`handleMessage`): rate limit, known type, schema, role, phase;
 * a refusal answers with an `error` message and changes nothing.
 *
 * The room id is the join code. The room is private (no `join`/`joinOrCreate`
 * by name): students need the code.
 */
export class RaceRoom extends Room<RaceState> {
  /** Set by `createGameServer` on a bound subclass. */
  static deps: RoomDeps;

  private deps!: RoomDeps;
  private log!: Logger;
  private hostSecret = '';
  private hostClient: Client | null = null;
  private hostSeatClaimed = false;
  /** The host's settings JSON as last accepted (partial updates merge over it). */
  private settingsInput: Record<string, unknown> = {};
  private settings!: RaceSettings;
  private countdownSeconds = 3;
  /** Seed the host fixed, or null: a fresh seed per round. */
  private fixedSeed: number | string | null = null;
  private landscape!: Landscape;
  private race: Race | null = null;
  private roundSeed: number | string = 0;
  private players = new Map<string, PlayerRecord>();
  private byToken = new Map<string, string>();
  private bannedTokens = new Set<string>();
  private nextSlot = 0;
  private tickMs = 50;
  private accumulator = 0;
  private slowEvery = 10;
  private lastResults: ResultsMessage | null = null;
  /** Results being computed for a finished race (phase is already 'results'). */
  private finishing: { race: Race; steps: Generator<number, ReturnType<Race['results']>, void>; reason: string; t0: number } | null = null;
  /** Wall-clock cost of recent simulation steps (ms), newest last: for diagnostics from a debugger or REPL. */
  readonly tickTimes: number[] = [];

  override async onCreate(options: unknown): Promise<void> {
    this.deps = (this.constructor as typeof RaceRoom).deps;
    this.log = this.deps.logger.child({ room: 'race' });
    if (matchMaker.stats.local.roomCount >= this.deps.maxRooms) {
      throw new ServerError(503, `this server already hosts ${this.deps.maxRooms} rooms: try again later`);
    }
    const parsed = createOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) throw new ServerError(400, `create options: ${parsed.error.issues[0]?.message ?? 'invalid'}`);

    this.applySettings(parsed.data.settings ?? {}); // throws SpecError → create fails with its message
    this.roomId = await this.claimCode();
    this.log = this.deps.logger.child({ room: this.roomId });
    this.hostSecret = randomBytes(18).toString('base64url');
    this.deps.hostSecrets.add(this.hostSecret);
    this.maxClients = 250;
    await this.setPrivate(true);

    const state = new RaceState();
    state.code = this.roomId;
    this.state = state;
    this.mirrorSettings();
    this.setPatchRate(PATCH_MS);
    this.setSimulationInterval((dt) => this.simulate(dt), this.tickMs);
    // Colyseus calls the wildcard with (client, type, payload), except for a
    // message literally typed '*', which it treats as this handler's own type
    // and calls with (client, payload).
    this.onMessage('*', (client: Client, ...rest: unknown[]) =>
      rest.length === 1 ? this.handleMessage(client, '*', rest[0]) : this.handleMessage(client, rest[0], rest[1]),
    );
    this.log.info({ event: 'room-created' }, 'room created');
  }

  // ───────────────────────────── joining ─────────────────────────────

  override async onAuth(_client: Client, options: unknown): Promise<AuthData> {
    if (!this.hostSeatClaimed) {
      // The first seat in a room is its creator's: the code is unknown to anyone
      // else until the creator has it.
      this.hostSeatClaimed = true;
      const name = createOptionsSchema.safeParse(options ?? {});
      if (!name.success) throw new ServerError(400, 'invalid create options');
      return { role: 'host' };
    }
    const parsed = joinOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServerError(400, `join options: ${issue?.path.join('.') || ''} ${issue?.message ?? 'invalid'}`.trim());
    }
    const opts = parsed.data;
    if (opts.hostSecret !== undefined) {
      if (opts.hostSecret !== this.hostSecret) throw new ServerError(403, 'wrong host secret');
      return { role: 'host' };
    }
    if (opts.playerToken !== undefined) {
      if (this.bannedTokens.has(opts.playerToken)) throw new ServerError(403, 'you were removed from this room by the host');
      const id = this.byToken.get(opts.playerToken);
      if (id !== undefined && this.players.has(id)) return { role: 'player', playerId: id };
      // An unknown token (e.g. from an earlier room) is a fresh join.
    }
    if (this.state.locked) throw new ServerError(423, 'this room is locked by the host');
    if (this.players.size >= this.settings.maxPlayers)
      throw new ServerError(409, `this room is full (${this.settings.maxPlayers} players)`);
    if ((this.state.phase === 'race' || this.state.phase === 'countdown') && !this.settings.lateJoin) {
      throw new ServerError(409, 'a race is running and late join is off: wait for the next round');
    }
    const taken = new Set([...this.players.values()].map((p) => p.name.toLowerCase()));
    const clean = cleanNickname(opts.name, taken);
    return { role: 'player', name: clean.name, nameNote: clean.note };
  }

  override onJoin(client: Client, _options: unknown, auth: AuthData): void {
    const data: ClientData = {
      role: auth.role,
      bucket: new TokenBucket(this.deps.rateLimit.burst, this.deps.rateLimit.perSecond, Date.now()),
    };
    client.userData = data;
    if (auth.role === 'host') {
      if (this.hostClient && this.hostClient !== client) this.replace(this.hostClient);
      this.hostClient = client;
      this.state.hostConnected = true;
      this.welcome(client, { role: 'host', hostSecret: this.hostSecret });
      this.sendCatchUp(client);
      this.log.info({ event: 'host-joined', sessionId: client.sessionId }, 'host joined');
      return;
    }
    let record: PlayerRecord;
    if (auth.playerId !== undefined) {
      record = this.players.get(auth.playerId)!;
      if (record.client && record.client !== client) this.replace(record.client);
      this.state.players.get(record.id)!.connected = true;
      this.log.info({ event: 'player-rejoined', playerId: record.id }, 'player rejoined with token');
    } else {
      // Names were checked in onAuth; two joins may have raced since, so make it unique again.
      const taken = new Set([...this.players.values()].map((p) => p.name.toLowerCase()));
      record = this.addPlayer(taken.has(auth.name!.toLowerCase()) ? cleanNickname(auth.name, taken).name : auth.name!);
    }
    record.client = client;
    data.playerId = record.id;
    this.welcome(client, { role: 'player', playerId: record.id, playerToken: record.token, name: record.name, nameNote: auth.nameNote });
    if (this.race && !record.inRace && this.state.phase === 'race') this.enterRace(record);
    this.sendCatchUp(client);
  }

  override async onLeave(client: Client, consented: boolean): Promise<void> {
    const data = client.userData as ClientData | undefined;
    if (!data || data.replaced) return;
    if (data.role === 'host') {
      if (this.hostClient === client) this.state.hostConnected = false;
      if (consented) return;
      try {
        const back = await this.allowReconnection(client, this.deps.reconnectSeconds);
        this.hostClient = back;
        this.state.hostConnected = true;
        this.sendCatchUp(back);
        this.log.info({ event: 'host-reconnected' }, 'host reconnected');
      } catch {
        /* the host can still rejoin with the secret */
      }
      return;
    }
    const record = data.playerId ? this.players.get(data.playerId) : undefined;
    if (!record || record.client !== client) return;
    record.client = null;
    const view = this.state.players.get(record.id);
    if (view) view.connected = false;
    if (consented) {
      if (!record.inRace) this.removePlayer(record.id);
      return;
    }
    try {
      const back = await this.allowReconnection(client, this.deps.reconnectSeconds);
      if (!this.players.has(record.id)) {
        back.leave(4003);
        return;
      }
      record.client = back;
      const v = this.state.players.get(record.id);
      if (v) v.connected = true;
      this.sendCatchUp(back);
      this.log.info({ event: 'player-reconnected', playerId: record.id }, 'player reconnected');
    } catch {
      // Seat expired: a lobby player leaves; a racer keeps racing, rejoinable by token.
      if (this.players.has(record.id) && !record.inRace && record.client === null) this.removePlayer(record.id);
    }
  }

  override onDispose(): void {
    // A running round is ended and saved; one whose results are being computed is finished now.
    if (this.race && (this.state.phase === 'race' || this.state.phase === 'countdown' || this.finishing)) {
      this.finishRound(this.finishing ? this.finishing.reason : 'the server shut down', true);
    }
    this.deps.hostSecrets.delete(this.hostSecret);
    void this.presence.srem(CODE_SET, this.roomId);
    this.log.info({ event: 'room-disposed' }, 'room disposed');
  }

  // ───────────────────────────── messages ─────────────────────────────

  /** The single entry point for every client message. */
  private handleMessage(client: Client, type: unknown, payload: unknown): void {
    const data = client.userData as ClientData | undefined;
    const typeName = typeof type === 'string' ? type.slice(0, 40) : String(type).slice(0, 40);
    if (!data) return;
    if (!data.bucket.take(Date.now())) {
      return this.refuse(client, typeName, ErrorCode.rateLimited, `too many messages: at most ${this.deps.rateLimit.perSecond} per second`);
    }
    if (!isClientMessageType(type)) {
      return this.refuse(client, typeName, ErrorCode.unknownType, `unknown message type ${JSON.stringify(typeName)}`);
    }
    const parsed = parseClientMessage(type, payload);
    if (!parsed.ok) return this.refuse(client, type, ErrorCode.invalid, parsed.error.message, parsed.error.path);
    try {
      if (this.finishing && (type === 'host:settings' || type === 'host:start' || type === 'host:nextRound')) {
        return this.refuse(client, type, ErrorCode.wrongPhase, 'the results are still being computed: try again in a moment');
      }
      if (type.startsWith('host:')) {
        const msg = parsed.value as { secret: string };
        if (data.role !== 'host' || msg.secret !== this.hostSecret) {
          return this.refuse(client, type, ErrorCode.forbidden, 'only the host can do that (host secret required)');
        }
      }
      this.dispatch(client, data, type, parsed.value);
    } catch (e) {
      if (e instanceof SpecError) return this.refuse(client, type, ErrorCode.outOfRange, e.message, e.path);
      this.log.error({ err: e, type }, 'message handler failed');
      this.refuse(client, type, ErrorCode.invalid, 'the server could not apply that message');
    }
  }

  private dispatch(client: Client, data: ClientData, type: ClientMessageTypeName, msg: ClientMessages[ClientMessageTypeName]): void {
    const phase = this.state.phase;
    switch (type) {
      case ClientMessageType.setKnobs:
        return this.onSetKnobs(client, data, (msg as ClientMessages['setKnobs']).optimizer);
      case ClientMessageType.chooseStart:
        return this.onChooseStart(client, data, (msg as ClientMessages['chooseStart']).point);
      case ClientMessageType.requestSnapshot:
        return this.sendSnapshot(client);
      case ClientMessageType.hostSettings: {
        if (phase !== 'lobby' && phase !== 'results')
          return this.refuse(client, type, ErrorCode.wrongPhase, 'settings can change only in the lobby or on the results screen');
        this.applySettings({ ...this.settingsInput, ...(msg as ClientMessages['host:settings']).settings });
        this.mirrorSettings();
        if (phase === 'results') this.toLobby();
        return;
      }
      case ClientMessageType.hostStart:
        if (phase !== 'lobby' && phase !== 'results')
          return this.refuse(client, type, ErrorCode.wrongPhase, `cannot start during ${phase}`);
        if (this.players.size === 0) return this.refuse(client, type, ErrorCode.wrongPhase, 'no players have joined yet');
        return this.startCountdown();
      case ClientMessageType.hostPause:
        if (phase !== 'race' || this.state.paused)
          return this.refuse(client, type, ErrorCode.wrongPhase, 'only a running race can be paused');
        this.state.paused = true;
        return;
      case ClientMessageType.hostResume:
        if (phase !== 'race' || !this.state.paused) return this.refuse(client, type, ErrorCode.wrongPhase, 'the race is not paused');
        this.state.paused = false;
        this.accumulator = 0;
        return;
      case ClientMessageType.hostEnd:
        if (phase === 'countdown') return this.toLobby();
        if (phase !== 'race') return this.refuse(client, type, ErrorCode.wrongPhase, 'no race is running');
        return this.finishRound('the host ended the round');
      case ClientMessageType.hostNextRound:
        if (phase !== 'results') return this.refuse(client, type, ErrorCode.wrongPhase, 'next round starts from the results screen');
        return this.toLobby();
      case ClientMessageType.hostKick:
        return this.kick(client, (msg as ClientMessages['host:kick']).playerId);
      case ClientMessageType.hostLock:
        this.state.locked = (msg as ClientMessages['host:lock']).locked;
        return;
    }
  }

  private onSetKnobs(client: Client, data: ClientData, optimizer: Record<string, unknown>): void {
    const record = data.playerId ? this.players.get(data.playerId) : undefined;
    if (!record) return this.refuse(client, 'setKnobs', ErrorCode.forbidden, 'only players have knobs');
    if (this.race && record.inRace && this.state.phase === 'race') {
      const now = Date.now();
      record.retuneTimes = record.retuneTimes.filter((t) => now - t < 1000);
      if (record.retuneTimes.length >= RETUNE_PER_SECOND) {
        return this.refuse(client, 'setKnobs', ErrorCode.rateLimited, `at most ${RETUNE_PER_SECOND} knob changes per second during a race`);
      }
      const spec = this.race.retune(record.id, optimizer) as unknown as Record<string, unknown>;
      record.retuneTimes.push(now);
      record.knobChanges++;
      this.setOptimizer(record, spec);
      return;
    }
    const spec = checkRacerOptimizer(this.settings, optimizer, this.landscape.dim) as unknown as Record<string, unknown>;
    this.setOptimizer(record, spec);
  }

  private onChooseStart(client: Client, data: ClientData, point: [number, number]): void {
    const record = data.playerId ? this.players.get(data.playerId) : undefined;
    if (!record) return this.refuse(client, 'chooseStart', ErrorCode.forbidden, 'only players choose a start');
    if (this.settings.startRule.kind !== 'choose')
      return this.refuse(client, 'chooseStart', ErrorCode.wrongPhase, 'this round does not let players choose their start');
    if (record.inRace) return this.refuse(client, 'chooseStart', ErrorCode.wrongPhase, 'your race has already started');
    const b = this.landscape.info.bounds;
    if (point[0] < b.xMin || point[0] > b.xMax || point[1] < b.yMin || point[1] > b.yMax) {
      return this.refuse(
        client,
        'chooseStart',
        ErrorCode.outOfRange,
        `point must lie in the view: x in [${b.xMin}, ${b.xMax}], y in [${b.yMin}, ${b.yMax}]`,
        'point',
      );
    }
    record.start = [point[0], point[1]];
    const v = this.state.players.get(record.id);
    if (v) {
      v.qx = quantize(point[0], this.state.qxMin, this.state.qxMax);
      v.qy = quantize(point[1], this.state.qyMin, this.state.qyMax);
    }
  }

  private kick(client: Client, playerId: string): void {
    const record = this.players.get(playerId);
    if (!record)
      return this.refuse(client, 'host:kick', ErrorCode.notFound, `no player with id ${JSON.stringify(playerId.slice(0, 40))}`, 'playerId');
    this.bannedTokens.add(record.token);
    const target = record.client;
    this.removePlayer(playerId);
    if (target) {
      (target.userData as ClientData).replaced = true;
      target.send('kicked', { reason: 'the host removed you from this room' });
      target.leave(4003);
    }
    this.log.info({ event: 'player-kicked', playerId }, 'player kicked');
  }

  private refuse(client: Client, type: string, code: ErrorCodeName, message: string, path?: string): void {
    const err: ErrorMessage = path ? { type, code, message, path } : { type, code, message };
    client.send('error', err);
  }

  // ───────────────────────────── players ─────────────────────────────

  private addPlayer(name: string): PlayerRecord {
    const id = `p${this.nextSlot}`;
    const token = randomBytes(18).toString('base64url');
    const record: PlayerRecord = {
      id,
      token,
      name,
      optimizer: this.settings.defaultOptimizer as unknown as Record<string, unknown>,
      start: null,
      client: null,
      retuneTimes: [],
      knobChanges: 0,
      inRace: false,
    };
    this.players.set(id, record);
    this.byToken.set(token, id);
    const view = new PlayerState();
    view.name = name;
    view.slot = this.nextSlot % 256;
    view.status = RacerStatusByte.lobby;
    this.state.players.set(id, view);
    this.setOptimizer(record, record.optimizer);
    this.placeLobbyMarker(record);
    this.nextSlot++;
    this.log.info({ event: 'player-joined', playerId: id }, 'player joined');
    return record;
  }

  private removePlayer(id: string): void {
    const record = this.players.get(id);
    if (!record) return;
    if (this.race && record.inRace) this.race.removeRacer(id);
    this.players.delete(id);
    this.byToken.delete(record.token);
    this.state.players.delete(id);
  }

  private setOptimizer(record: PlayerRecord, spec: Record<string, unknown>): void {
    record.optimizer = spec;
    const v = this.state.players.get(record.id);
    if (v) {
      v.optimizerKind = String(spec.kind);
      v.optimizerJson = JSON.stringify(spec);
    }
  }

  private replace(old: Client): void {
    (old.userData as ClientData).replaced = true;
    old.leave(4000);
  }

  private welcome(client: Client, extra: Partial<WelcomeMessage> & { role: 'host' | 'player' }): void {
    const msg: WelcomeMessage = { sessionId: client.sessionId, code: this.roomId, joinPath: `/?join=${this.roomId}`, ...extra };
    if (msg.nameNote === undefined) delete msg.nameNote;
    client.send('welcome', msg);
  }

  /** What a joining or returning client missed: trails during a race, results after one. */
  private sendCatchUp(client: Client): void {
    if (this.race && (this.state.phase === 'race' || this.state.phase === 'results')) this.sendSnapshot(client);
    if (this.state.phase === 'results' && this.lastResults) client.send('results', this.lastResults);
  }

  private sendSnapshot(client: Client): void {
    if (!this.race) return client.send('snapshot', { tick: 0, snapshot: null });
    client.send('snapshot', { tick: this.race.tickCount, snapshot: this.race.trailSnapshot() });
  }

  // ───────────────────────────── settings ─────────────────────────────

  /** Validates a full settings JSON (throws SpecError) and adopts it. */
  private applySettings(input: Record<string, unknown>): void {
    const { countdownSeconds, ...raceInput } = input;
    let countdown = this.countdownSeconds;
    if (countdownSeconds !== undefined) {
      const [lo, hi] = COUNTDOWN_SECONDS_RANGE;
      if (typeof countdownSeconds !== 'number' || !Number.isFinite(countdownSeconds) || countdownSeconds < lo || countdownSeconds > hi) {
        throw new SpecError('settings.countdownSeconds', `must be a finite number in [${lo}, ${hi}]`);
      }
      countdown = countdownSeconds;
    }
    const { settings, landscape } = parseSettingsWithLandscape(raceInput, 'settings');
    this.settings = settings;
    this.landscape = landscape;
    this.settingsInput = input;
    this.countdownSeconds = countdown;
    this.fixedSeed = raceInput.seed === undefined ? null : settings.seed;
    this.tickMs = 1000 / settings.tickRate;
    this.slowEvery = Math.max(1, Math.round(SLOW_FIELDS_MS / this.tickMs));
    if (this.state) this.setSimulationInterval((dt) => this.simulate(dt), this.tickMs);
    // Players keep their knobs when they still fit; otherwise they get the new default.
    for (const record of this.players.values()) {
      try {
        this.setOptimizer(record, checkRacerOptimizer(settings, record.optimizer, landscape.dim) as unknown as Record<string, unknown>);
      } catch {
        this.setOptimizer(record, settings.defaultOptimizer as unknown as Record<string, unknown>);
      }
      if (settings.startRule.kind !== 'choose') record.start = null;
    }
  }

  private mirrorSettings(): void {
    const s = this.state;
    s.settingsJson = JSON.stringify({ ...this.settings, countdownSeconds: this.countdownSeconds });
    const info = this.landscape.info;
    s.landscapeInfoJson = JSON.stringify({ ...info, dim: this.landscape.dim });
    const q = quantBounds(info.bounds);
    s.qxMin = q.xMin;
    s.qxMax = q.xMax;
    s.qyMin = q.yMin;
    s.qyMax = q.yMax;
    s.raceTicks = this.settings.roundSeconds === null ? 0 : Math.round(this.settings.roundSeconds * this.settings.tickRate);
    for (const record of this.players.values()) this.placeLobbyMarker(record);
  }

  private async claimCode(): Promise<string> {
    for (let i = 0; i < 20; i++) {
      const code = generateJoinCode();
      if (!(await this.presence.sismember(CODE_SET, code))) {
        await this.presence.sadd(CODE_SET, code);
        return code;
      }
    }
    throw new ServerError(503, 'could not find a free join code');
  }

  // ───────────────────────────── phases ─────────────────────────────

  private startCountdown(): void {
    this.roundSeed = this.fixedSeed ?? randomBytes(4).readUInt32LE(0);
    this.race = new Race({ ...this.settings, seed: this.roundSeed }, this.roundSeed);
    this.lastResults = null;
    this.state.round++;
    this.state.tick = 0;
    this.state.paused = false;
    this.accumulator = 0;
    for (const v of this.state.players.values()) {
      v.status = RacerStatusByte.waiting;
      v.score = 0;
      v.rank = 0;
      v.gradientEvaluations = 0;
    }
    const ticks = Math.round(this.countdownSeconds * this.settings.tickRate);
    this.state.countdownTicks = ticks;
    this.state.phase = 'countdown';
    if (ticks === 0) this.beginRace();
    this.log.info({ event: 'round-start', round: this.state.round, seed: this.roundSeed, players: this.players.size }, 'countdown');
  }

  private beginRace(): void {
    this.state.phase = 'race';
    this.state.countdownTicks = 0;
    for (const record of this.players.values()) this.enterRace(record);
    this.mirrorRacers(true);
  }

  private enterRace(record: PlayerRecord): void {
    if (!this.race || record.inRace) return;
    const opts: { optimizer: unknown; start?: number[] } = { optimizer: record.optimizer };
    // A player who did not click gets the race's seeded random start (the rule's fallback),
    // not a shared default that would stack every idle racer on one point.
    if (this.settings.startRule.kind === 'choose' && record.start) opts.start = record.start;
    try {
      this.race.addRacer(record.id, opts);
    } catch (e) {
      // Settings changed under the player's knobs: race with the default instead.
      this.log.warn({ err: e, playerId: record.id }, 'addRacer refused the player spec; using the default');
      this.race.addRacer(record.id, { ...opts, optimizer: this.settings.defaultOptimizer });
      this.setOptimizer(record, this.settings.defaultOptimizer as unknown as Record<string, unknown>);
    }
    record.inRace = true;
    record.knobChanges = 0;
    const v = this.state.players.get(record.id);
    if (v) v.status = RacerStatusByte.racing;
  }

  private toLobby(): void {
    this.race = null;
    this.state.phase = 'lobby';
    this.state.paused = false;
    this.state.countdownTicks = 0;
    this.state.tick = 0;
    for (const [id, record] of [...this.players]) {
      record.inRace = false;
      if (record.client === null) {
        this.removePlayer(id);
        continue;
      }
      const v = this.state.players.get(id)!;
      v.status = RacerStatusByte.lobby;
      v.gradientEvaluations = 0;
      this.placeLobbyMarker(record);
    }
  }

  /**
   * In the lobby, draws a racer where it will start when that is already known
   * (the shared start point, or the point the player chose), so students see
   * the starting line before the race. Random starts are drawn from the round's
   * seed at the start, so those racers appear then.
   */
  private placeLobbyMarker(record: PlayerRecord): void {
    if (this.state.phase !== 'lobby') return;
    const v = this.state.players.get(record.id);
    if (!v) return;
    const rule = this.settings.startRule;
    const p = record.start ?? (rule.kind === 'shared' && rule.point.length === 2 ? rule.point : null);
    if (!p) return;
    v.qx = quantize(p[0], this.state.qxMin, this.state.qxMax);
    v.qy = quantize(p[1], this.state.qyMin, this.state.qyMax);
  }

  /**
   * Ends the round: phase 'results' at once (no more ticks), then the
   * per-racer analysis (robust loss, Hessian, notes) one racer at a time, a
   * few milliseconds per event-loop turn, so other rooms keep their tick rate
   * while an MLP round is analysed. The round is saved (synchronously, durable)
   * before the `results` message goes out. `sync` does it all now (shutdown).
   */
  private finishRound(reason: string, sync = false): void {
    const race = this.race;
    if (!race) return;
    if (!this.finishing) {
      this.state.phase = 'results';
      this.state.paused = false;
      this.mirrorRacers(true);
      this.finishing = { race, steps: race.resultsStepwise(), reason, t0: performance.now() };
    }
    const job = this.finishing;
    if (job.race !== race) return;
    const pump = (): void => {
      if (this.finishing !== job) return;
      const deadline = performance.now() + 4;
      for (;;) {
        const r = job.steps.next();
        if (r.done) {
          this.finishing = null;
          this.saveResults(race, r.value, job.reason, job.t0);
          return;
        }
        if (!sync && performance.now() > deadline) break;
      }
      setImmediate(pump);
    };
    pump();
  }

  private saveResults(race: Race, results: ReturnType<Race['results']>, reason: string, t0: number): void {
    const record = race.record();
    const rows: ResultRow[] = results.map((r) => {
      const p = this.players.get(r.id);
      const changes = record.changes.filter((c) => c.id === r.id).length;
      return finiteOrNull({ ...r, name: p?.name ?? r.id, knobChanges: changes }) as unknown as ResultRow;
    });
    const round = this.state.round;
    const id = `${this.roomId}-${round}-${randomBytes(3).toString('hex')}`;
    const message: ResultsMessage = { roundId: id, round, scoring: this.settings.scoring, ticks: race.tickCount, rows };
    this.deps.store.saveRound(
      {
        id,
        code: this.roomId,
        round,
        finishedAt: new Date().toISOString(),
        settings: { ...this.settings, seed: this.roundSeed, countdownSeconds: this.countdownSeconds },
        seed: String(this.roundSeed),
        record: finiteOrNull(record),
        results: message,
      },
      this.hostSecret,
    );
    this.lastResults = message;
    for (const row of rows) {
      const v = this.state.players.get(row.id);
      if (!v) continue;
      v.rank = Math.min(255, row.rank);
      v.score = clampFloat32(row.score ?? FLOAT32_MAX);
    }
    // After the next patch, so clients see the final ranks and the message together.
    this.broadcast('results', message, { afterNextPatch: true });
    this.log.info(
      { event: 'round-end', roundId: id, reason, ticks: race.tickCount, ms: performance.now() - t0 },
      'round finished and saved',
    );
  }

  // ───────────────────────────── simulation ─────────────────────────────

  private simulate(dt: number): void {
    const phase = this.state.phase;
    if (phase !== 'countdown' && phase !== 'race') return;
    if (this.state.paused) return;
    this.accumulator += dt;
    let n = 0;
    while (this.accumulator >= this.tickMs && n < MAX_CATCH_UP_TICKS) {
      this.accumulator -= this.tickMs;
      n++;
      this.step();
      if (this.state.phase !== 'countdown' && this.state.phase !== 'race') break;
    }
    if (this.accumulator > this.tickMs * MAX_CATCH_UP_TICKS) this.accumulator = 0; // drop time we cannot catch up
  }

  /** One fixed tick: countdown, or race.tick() and the mirror. */
  private step(): void {
    if (this.state.phase === 'countdown') {
      this.state.countdownTicks = Math.max(0, this.state.countdownTicks - 1);
      if (this.state.countdownTicks === 0) this.beginRace();
      return;
    }
    const race = this.race!;
    const t0 = performance.now();
    race.tick();
    this.state.tick = race.tickCount;
    this.mirrorRacers(race.tickCount % this.slowEvery === 0);
    const over = race.isOver();
    this.tickTimes.push(performance.now() - t0);
    if (this.tickTimes.length > 10_000) this.tickTimes.splice(0, 5_000);
    if (over) this.finishRound('time or budget is up');
  }

  private mirrorRacers(slow: boolean): void {
    const race = this.race;
    if (!race) return;
    const s = this.state;
    let standings: Map<string, number> | null = null;
    if (slow) standings = new Map(race.standings().map((r) => [r.id, r.rank]));
    for (const r of race.racers()) {
      const v = s.players.get(r.id);
      if (!v) continue;
      v.qx = quantize(r.drawn[0], s.qxMin, s.qxMax);
      v.qy = quantize(r.drawn[1], s.qyMin, s.qyMax);
      if (slow) {
        // Loss only when it moved by more than a display digit: a settled racer costs nothing.
        if (Number.isFinite(r.loss) && Math.abs(r.loss - v.loss) > 1e-4 * Math.abs(r.loss) + 1e-12) v.loss = clampFloat32(r.loss);
        v.status = STATUS_CODE[r.status] ?? RacerStatusByte.racing;
        v.gradientEvaluations = Math.min(r.gradientEvaluations, 0xffffffff);
        v.rank = Math.min(255, standings!.get(r.id) ?? 0);
      }
    }
  }
}

function clampFloat32(v: number): number {
  if (!Number.isFinite(v)) return v > 0 ? FLOAT32_MAX : v < 0 ? -FLOAT32_MAX : 0;
  return Math.max(-FLOAT32_MAX, Math.min(FLOAT32_MAX, v));
}

/** Deep copy with NaN/±Infinity replaced by null, typed arrays by plain arrays: safe for JSON and msgpack. */
function finiteOrNull(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(v)) return v.map(finiteOrNull);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = finiteOrNull(x);
    return out;
  }
  return v;
}
