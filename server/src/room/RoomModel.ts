import {
  checkRacerOptimizer,
  ClientMessageType,
  ErrorCode,
  mergeRoomSettings,
  parseRoomSettings,
  raceSettingsOfRoom,
  RETUNE_LIMIT,
  SLOW_FIELDS_MS,
  SpecError,
  terrainTitle,
  type ClientMessage,
  type ErrorCodeName,
  type GhostsMessage,
  type JoinOptions,
  type LandscapeShape,
  type OptimizerSpec,
  type RaceRecord,
  type RateLimit,
  type RecordCounts,
  type RecordTail,
  type ResultRow,
  type ResultsMessage,
  type RoomSettings,
  type Seed,
  type SnapshotMessage,
} from '@gradient-rally/shared';
import { cleanNickname } from '../nicknames';
import { nextPhase, refusalText, WIRE_PHASE, type PhaseEvent, type RoomPhase } from './phases';
import type { RaceFrame, RaceRunner, RaceRunnerFactory, ScoringJob } from './RaceRunner';
import { RateLimiter } from './RateLimiter';
import { unlimitedCompute, type ComputeRefusal, type RoomCompute } from './RoomCompute';
import type { RoomRandom } from './RoomRandom';
import { Session } from './Session';

/** Why a message was refused; the room answers with an `error` message and changes nothing. */
export interface Refusal {
  code: ErrorCodeName;
  message: string;
  path?: string;
}
export type Outcome<T = undefined> = { ok: true; value: T } | { ok: false; refusal: Refusal };

/** Why a join was refused: an HTTP-like status and a sentence for the student. */
export interface JoinRefusal {
  status: 403 | 409 | 423 | 503;
  message: string;
}

/** Who may take a seat, decided before the socket is accepted (a watcher is the host's read-only projector window). */
export type Admission =
  | { role: 'host' }
  | { role: 'watcher' }
  | { role: 'player'; playerId: string }
  | { role: 'player'; name: string; nameNote?: string; device?: string };

/** Who sent a message. */
export type Actor = { role: 'host' } | { role: 'player'; playerId: string };

/** What the room must do besides mirroring the state after a message. */
export type Effect = { kind: 'none' } | { kind: 'snapshot' } | { kind: 'kicked'; playerId: string; banned: boolean };

/** One player (never synchronised as is; the state mirror shows what clients draw). */
export interface RoomPlayer {
  readonly id: string;
  /** Rejoin secret (localStorage); refused once the player is kicked. */
  readonly token: string;
  /** Stable index for colour and shape. */
  readonly slot: number;
  name: string;
  connected: boolean;
  /** The validated spec the player races with (or will). */
  optimizer: OptimizerSpec;
  /** Chosen start (start rule 'choose'), in view coordinates. */
  start: [number, number] | null;
  inRace: boolean;
  /** The browser's device id (join option), so a ban holds after the seat is gone. */
  device: string | null;
}

/** A finished round, ready to store and broadcast. */
export interface FinishedRound {
  code: string;
  message: ResultsMessage;
  /** The settings the round ran with (its seed filled in). */
  settings: RoomSettings;
  seed: Seed;
  record: RaceRecord;
  reason: string;
}

export interface RoomModelOptions {
  /** The room's join code (also the prefix of its round ids). */
  code: string;
  /** Room settings JSON (`parseRoomSettings`); throws `SpecError` when invalid. */
  settings: Record<string, unknown>;
  runners: RaceRunnerFactory;
  random: RoomRandom;
  retuneLimit?: RateLimit;
  /** What the room may compute (default: no limit). */
  compute?: RoomCompute;
  /** The host secret, when the caller drew it already (it names the room's join-code claim); default: a fresh one. */
  hostSecret?: string;
  /** How settings JSON is parsed (default `parseSettingsHere`; a server may hand over settings a race worker parsed). */
  parseSettings?: SettingsParser;
}

/** Room settings parsed, and what the room needs of their landscape (its shape: dimension, view, data size). */
export interface CheckedSettings {
  settings: RoomSettings;
  landscape: LandscapeShape;
}

/** Parses room settings JSON; throws `SpecError` naming the field. */
export type SettingsParser = (input: Record<string, unknown>) => CheckedSettings;

/** Parses room settings in this thread (building the landscape). */
export const parseSettingsHere: SettingsParser = (input) => {
  const { settings, landscape } = parseRoomSettings(input, 'settings');
  return { settings, landscape: { dim: landscape.dim, info: landscape.info, dataSize: landscape.dataSize } };
};

/**
 * A room's whole state as plain JSON, apart from its race record (kept
 * beside it, growing as the race runs): what `RoomModel.restore` needs to
 * bring the room back after the process died, under the same code, with
 * the same seats, secrets and bans.
 */
export interface RoomCheckpoint {
  format: 'gradient-rally/room-checkpoint';
  version: 1;
  code: string;
  hostSecret: string;
  phase: RoomPhase;
  locked: boolean;
  round: number;
  countdownTicks: number;
  /** The settings JSON as last accepted (`settings` is parsed from it again). */
  settingsInput: Record<string, unknown>;
  roundSeed: Seed;
  players: Omit<RoomPlayer, 'connected'>[];
  nextSlot: number;
  bannedTokens: string[];
  bannedNames: string[];
  bannedDevices: string[];
  /** Why the round ended, while its results are computed. */
  scoringReason: string | null;
  /** What ended the round being scored (absent in checkpoints written before it was kept). */
  scoringEndedBy?: ResultsMessage['endedBy'];
  results: ResultsMessage | null;
  /** Whether the round has a race (its record is stored beside the checkpoint). */
  hasRace: boolean;
}

/** A timer that fires late catches up by at most this many ticks; the rest of the lag is dropped. */
const MAX_CATCH_UP_TICKS = 4;

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const NONE: Outcome<Effect> = ok({ kind: 'none' });
function refuse(code: ErrorCodeName, message: string, path?: string): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: path === undefined ? { code, message } : { code, message, path } };
}

/**
 * One classroom room as plain logic: players, host rights, bans and the
 * lock, settings, the phase (moved only through `TRANSITIONS`), the race and
 * its results. No sockets, timers or Colyseus: the adapter (`RaceRoom`)
 * translates connections and messages into these calls, a state mirror copies
 * what clients draw into the schema, and the clock is whatever calls
 * `advanceTime`. A refused call returns its `Refusal` and changes nothing.
 *
 * @example
 *   const room = new RoomModel({ code: 'ABC234', settings: {}, runners: localRaceRunners, random: cryptoRoomRandom });
 *   room.claimCreatorSeat();
 *   const ada = room.seat({ role: 'player', name: 'Ada' });
 *   room.receive({ role: 'host' }, { type: 'host:start', payload: { secret: room.hostSecret } }, Date.now());
 *   room.advanceTime(50);
 */
export class RoomModel {
  readonly code: string;
  readonly hostSecret: string;
  phase: RoomPhase = 'lobby';
  locked = false;
  hostConnected = false;
  /** Rounds started so far. */
  round = 0;
  /** Ticks left in the countdown. */
  countdownTicks = 0;
  settings!: RoomSettings;
  /** The landscape's shape (the landscape itself lives with the race). */
  landscape!: LandscapeShape;
  /** The race after its latest tick (null between rounds). */
  frame: RaceFrame | null = null;
  /** Live ranks as of the latest slow tick (`SLOW_FIELDS_MS`). */
  ranks: ReadonlyMap<string, number> | null = null;
  /** Counts slow ticks, so a mirror updates slow fields (loss, evaluations, rank) only when they were refreshed. */
  slowVersion = 0;
  /** The latest round's results, once computed. */
  results: ResultsMessage | null = null;
  roundSeed: Seed = 0;
  /** The rounds played so far: scoreboard, ghosts, the instructor's note (`Session.ts`). */
  readonly session = new Session();
  /** Resolves when the last round's trails (its ghosts) are in, true if that changed the ghosts message (a worker sends trails later). */
  ghostsArrived: Promise<boolean> = Promise.resolve(false);

  private readonly runners: RaceRunnerFactory;
  private readonly random: RoomRandom;
  private readonly retuneLimit: RateLimit;
  /** The settings JSON as last accepted: a partial update merges over it. */
  private settingsInput: Record<string, unknown> = {};
  /** A seed the host fixed, or null: a fresh seed per round. */
  private fixedSeed: Seed | null = null;
  private readonly playersById = new Map<string, RoomPlayer>();
  private readonly byToken = new Map<string, string>();
  /** Tokens of removed seats (refused with a clear sentence); names and devices of players banned for the room's life. */
  private readonly bannedTokens = new Set<string>();
  private readonly bannedNames = new Set<string>();
  private readonly bannedDevices = new Set<string>();
  private readonly compute: RoomCompute;
  private readonly parseSettings: SettingsParser;
  private readonly retunes = new Map<string, RateLimiter>();
  private nextSlot = 0;
  private creatorSeatClaimed = false;
  private race: RaceRunner | null = null;
  private scoring: { job: ScoringJob; reason: string; endedBy: ResultsMessage['endedBy'] } | null = null;
  private accumulatorMs = 0;

  constructor(options: RoomModelOptions, restoring = false) {
    this.code = options.code;
    this.runners = options.runners;
    this.random = options.random;
    this.retuneLimit = options.retuneLimit ?? RETUNE_LIMIT;
    this.compute = options.compute ?? unlimitedCompute;
    this.parseSettings = options.parseSettings ?? parseSettingsHere;
    if (restoring) {
      // A checkpoint's settings were accepted once: they are adopted again without the compute checks.
      this.adoptSettings(options.settings);
    } else {
      this.applySettings(options.settings);
    }
    this.hostSecret = options.hostSecret ?? this.random.secret();
  }

  /**
   * The room a checkpoint describes, its race (if any) resumed from `record`
   * — bitwise, by replay — in the phase it was in. Every seat starts
   * disconnected: players and host come back with their stored token and
   * secret. Throws when the checkpoint or record cannot be used.
   */
  static restore(checkpoint: RoomCheckpoint, record: RaceRecord | null, options: Omit<RoomModelOptions, 'code' | 'settings'>): RoomModel {
    const cp = checkpoint;
    if (cp.format !== 'gradient-rally/room-checkpoint' || cp.version !== 1) throw new Error('not a room checkpoint this server can read');
    const model = new RoomModel({ ...options, code: cp.code, settings: cp.settingsInput, hostSecret: cp.hostSecret }, true);
    model.creatorSeatClaimed = true; // the host rejoins with the secret, never as "the first seat"
    model.locked = cp.locked;
    model.round = cp.round;
    model.countdownTicks = cp.countdownTicks;
    model.roundSeed = cp.roundSeed;
    model.nextSlot = cp.nextSlot;
    for (const t of cp.bannedTokens) model.bannedTokens.add(t);
    for (const n of cp.bannedNames) model.bannedNames.add(n);
    for (const d of cp.bannedDevices) model.bannedDevices.add(d);
    for (const p of cp.players) {
      model.playersById.set(p.id, { ...p, connected: false });
      model.byToken.set(p.token, p.id);
    }
    model.results = cp.results;
    model.phase = cp.phase;
    if (cp.hasRace) {
      if (!record) throw new Error(`checkpoint of ${cp.code} says it has a race, but no record was stored`);
      model.race = model.runners.resume(record);
      model.frame = model.race.frame(false);
      if (cp.phase === 'scoring')
        model.scoring = {
          job: model.race.score(model.settings.challenge),
          reason: cp.scoringReason ?? 'the round ended',
          endedBy: cp.scoringEndedBy,
        };
    } else if (cp.phase !== 'lobby') {
      model.phase = 'lobby'; // a phase that needs a race cannot go on without one
    }
    model.compute.charge(model.code, model.settings, model.racerSpecs(), model.landscape);
    return model;
  }

  /** The room's state as plain JSON (see `RoomCheckpoint`); the race record is read with `raceRecordTail`. */
  checkpoint(): RoomCheckpoint {
    return {
      format: 'gradient-rally/room-checkpoint',
      version: 1,
      code: this.code,
      hostSecret: this.hostSecret,
      phase: this.phase,
      locked: this.locked,
      round: this.round,
      countdownTicks: this.countdownTicks,
      settingsInput: this.settingsInput,
      roundSeed: this.roundSeed,
      players: [...this.playersById.values()].map(({ connected: _connected, ...p }) => ({ ...p })),
      nextSlot: this.nextSlot,
      bannedTokens: [...this.bannedTokens],
      bannedNames: [...this.bannedNames],
      bannedDevices: [...this.bannedDevices],
      scoringReason: this.scoring?.reason ?? null,
      scoringEndedBy: this.scoring?.endedBy,
      results: this.results,
      hasRace: this.race !== null,
    };
  }

  /**
   * The race record (null between rounds): whole (`from` null), or its events
   * after `from` and its tick now, to append to a copy already stored.
   */
  raceRecordTail(from: RecordCounts): RecordTail | null {
    return this.race ? this.race.recordTail(from) : null;
  }

  raceRecord(): RaceRecord | null {
    return this.race ? this.race.record() : null;
  }

  /** The room is closing: its race is freed and its compute released. */
  close(): void {
    this.race?.dispose();
    this.compute.release(this.code);
  }

  // ───────────────────────────── reading ─────────────────────────────

  /** The settings JSON as last accepted (a partial change merges over it). */
  get settingsJson(): Readonly<Record<string, unknown>> {
    return this.settingsInput;
  }

  get players(): ReadonlyMap<string, Readonly<RoomPlayer>> {
    return this.playersById;
  }

  get tickMs(): number {
    return 1000 / this.settings.tickRate;
  }

  /** Ticks between slow-field refreshes. */
  get slowEvery(): number {
    return Math.max(1, Math.round(SLOW_FIELDS_MS / this.tickMs));
  }

  /** Ticks the race has run, as of the frame shown (0 between rounds and during the countdown). */
  get raceTick(): number {
    return this.frame?.tick ?? this.race?.tickCount ?? 0;
  }

  get hasRace(): boolean {
    return this.race !== null;
  }

  /** What a (re)joining client missed: trails during a race, results after one (trails may come from a worker), the session's ghosts. */
  async catchUp(): Promise<{ snapshot?: SnapshotMessage; results?: ResultsMessage; ghosts?: GhostsMessage }> {
    const wire = WIRE_PHASE[this.phase];
    const out: { snapshot?: SnapshotMessage; results?: ResultsMessage; ghosts?: GhostsMessage } = {};
    const ghosts = this.session.ghosts(this.settings.landscape);
    if (ghosts.snapshot) out.ghosts = ghosts;
    if (this.race && (wire === 'race' || wire === 'results')) out.snapshot = await this.snapshot();
    if (WIRE_PHASE[this.phase] === 'results' && this.results) out.results = this.results;
    return out;
  }

  async snapshot(): Promise<SnapshotMessage> {
    if (!this.race) return { tick: 0, snapshot: null };
    const snapshot = await this.race.trailSnapshot();
    return { tick: snapshot.tick, snapshot };
  }

  // ───────────────────────────── seats ─────────────────────────────

  /** The first seat in a room is its creator's (the host): true once, for that seat. */
  claimCreatorSeat(): boolean {
    if (this.creatorSeatClaimed) return false;
    this.creatorSeatClaimed = true;
    return true;
  }

  /** Decides a join: host (secret), returning player (token), or a new player; or refuses with a reason. */
  admit(options: JoinOptions): { ok: true; value: Admission } | { ok: false; refusal: JoinRefusal } {
    const no = (status: JoinRefusal['status'], message: string) => ({ ok: false as const, refusal: { status, message } });
    if (options.watch && options.hostSecret === undefined) return no(403, 'a projector view needs the host secret');
    if (options.hostSecret !== undefined) {
      if (options.hostSecret !== this.hostSecret) return no(403, 'wrong host secret');
      return { ok: true, value: options.watch ? { role: 'watcher' } : { role: 'host' } };
    }
    if (options.device !== undefined && this.bannedDevices.has(options.device)) return no(403, BANNED_TEXT);
    if (options.playerToken !== undefined) {
      const id = this.byToken.get(options.playerToken);
      if (id !== undefined && this.playersById.has(id)) return { ok: true, value: { role: 'player', playerId: id } };
      // A removed seat's token is refused with a sentence; other unknown tokens (an earlier room's) join afresh.
      if (this.bannedTokens.has(options.playerToken) && options.name === undefined) {
        return no(403, 'the host removed you from this room: join again with a nickname');
      }
    }
    if (options.name !== undefined && this.isBannedName(options.name)) return no(403, BANNED_TEXT);
    if (this.locked) return no(423, 'this room is locked by the host');
    if (this.playersById.size >= this.settings.maxPlayers) return no(409, `this room is full (${this.settings.maxPlayers} players)`);
    const wire = WIRE_PHASE[this.phase];
    if ((wire === 'race' || wire === 'countdown') && !this.settings.lateJoin) {
      return no(409, 'a race is running and late join is off: wait for the next round');
    }
    const refusal = this.compute.refuseRacers(
      this.code,
      this.settings,
      [...this.racerSpecs(), this.settings.defaultOptimizer],
      this.landscape,
    );
    if (refusal) return no(refusal.scope === 'server' ? 503 : 409, joinComputeText(refusal));
    const clean = cleanNickname(options.name, this.takenNames());
    const value: Admission = { role: 'player', name: clean.name };
    if (clean.note) value.nameNote = clean.note;
    if (options.device !== undefined) value.device = options.device;
    return { ok: true, value };
  }

  /**
   * Seats an admitted player: a new one, or a returning one (connected again).
   * A player joining a running race races from the next tick. Null when the
   * returning player was removed since admission.
   */
  seat(admission: Exclude<Admission, { role: 'host' } | { role: 'watcher' }>): RoomPlayer | null {
    let player: RoomPlayer;
    if ('playerId' in admission) {
      const found = this.playersById.get(admission.playerId);
      if (!found) return null;
      player = found;
      player.connected = true;
    } else {
      // Admission checked the name; another join may have taken it since.
      const taken = this.takenNames();
      player = this.addPlayer(
        taken.has(admission.name.toLowerCase()) ? cleanNickname(admission.name, taken).name : admission.name,
        admission.device ?? null,
      );
      this.compute.charge(this.code, this.settings, this.racerSpecs(), this.landscape);
    }
    if (this.race && !player.inRace && (this.phase === 'racing' || this.phase === 'paused')) {
      this.enterRace(player);
      this.frame = this.race.frame(false);
    }
    return player;
  }

  /** A player's socket closed. A lobby player who left on purpose leaves the room; anyone else keeps the seat for now. */
  disconnect(playerId: string, consented: boolean): void {
    const player = this.playersById.get(playerId);
    if (!player) return;
    player.connected = false;
    if (consented && !player.inRace) this.removePlayer(playerId);
  }

  /** A dropped player is back on the same seat; false when the seat is gone (kicked meanwhile). */
  reconnect(playerId: string): boolean {
    const player = this.playersById.get(playerId);
    if (!player) return false;
    player.connected = true;
    return true;
  }

  /** The reconnection window closed: a lobby player leaves; a racer keeps racing, rejoinable with their token. */
  seatExpired(playerId: string): void {
    const player = this.playersById.get(playerId);
    if (player && !player.inRace && !player.connected) this.removePlayer(playerId);
  }

  setHostConnected(connected: boolean): void {
    this.hostConnected = connected;
  }

  // ───────────────────────────── messages ─────────────────────────────

  /**
   * One parsed client message from `actor`. Host messages need the host's
   * seat and secret; then the phase decides. `now` (ms) is for rate limits.
   */
  receive(actor: Actor, message: ClientMessage, now: number): Outcome<Effect> {
    if (message.type.startsWith('host:')) {
      const secret = (message.payload as { secret: string }).secret;
      if (actor.role !== 'host' || secret !== this.hostSecret) {
        return refuse(ErrorCode.forbidden, 'only the host can do that (host secret required)');
      }
    }
    try {
      switch (message.type) {
        case ClientMessageType.setKnobs:
          return this.setKnobs(actor, message.payload.optimizer, now);
        case ClientMessageType.chooseStart:
          return this.chooseStart(actor, message.payload.point);
        case ClientMessageType.requestSnapshot:
          return ok({ kind: 'snapshot' });
        case ClientMessageType.hostSettings:
          return this.changeSettings(message.payload.settings);
        case ClientMessageType.hostStart:
          return this.start();
        case ClientMessageType.hostPause:
          return this.move('pause');
        case ClientMessageType.hostResume: {
          const out = this.move('resume');
          if (out.ok) this.accumulatorMs = 0;
          return out;
        }
        case ClientMessageType.hostEnd:
          return this.end();
        case ClientMessageType.hostNextRound: {
          const out = this.move('nextRound');
          if (out.ok) this.toLobby();
          return out;
        }
        case ClientMessageType.hostKick:
          return this.kick(message.payload.playerId, message.payload.ban === true);
        case ClientMessageType.hostLock:
          this.locked = message.payload.locked;
          return NONE;
        case ClientMessageType.hostSession: {
          const { secret: _secret, ...settings } = message.payload;
          this.session.configure(settings, this.settings.landscape);
          return NONE;
        }
      }
    } catch (e) {
      // Settings and knobs are checked by the race module: its message names the field and the range.
      if (e instanceof SpecError) return refuse(ErrorCode.outOfRange, e.message, e.path);
      if (e instanceof ComputeRefusalError) return refuse(ErrorCode.outOfRange, e.message, e.path);
      throw e;
    }
  }

  /**
   * Why a settings change from `actor` would be refused before its content
   * is looked at (not the host, or a phase where settings cannot change), or
   * null: a server checks this before it spends work parsing the settings.
   */
  settingsRefusal(actor: Actor, secret: string): Refusal | null {
    if (actor.role !== 'host' || secret !== this.hostSecret) {
      return { code: ErrorCode.forbidden, message: 'only the host can do that (host secret required)' };
    }
    if (nextPhase(this.phase, 'settings') === null) return { code: ErrorCode.wrongPhase, message: refusalText('settings', this.phase) };
    return null;
  }

  private setKnobs(actor: Actor, optimizer: unknown, now: number): Outcome<Effect> {
    const player = actor.role === 'player' ? this.playersById.get(actor.playerId) : undefined;
    if (!player) return refuse(ErrorCode.forbidden, 'only players have knobs');
    const spec = checkRacerOptimizer(this.settings, optimizer, this.landscape.dim);
    const specs = [...this.playersById.values()].map((p) => (p === player ? spec : p.optimizer));
    const refusal = this.compute.refuseRacers(this.code, this.settings, specs, this.landscape);
    if (refusal) return refuse(ErrorCode.outOfRange, retuneComputeText(refusal), 'optimizer');
    if (this.race && player.inRace && (this.phase === 'racing' || this.phase === 'paused')) {
      // A live change is recorded and replayed: limited per racer (a refused one costs nothing).
      if (!this.retuneLimiter(player.id, now).take(now)) {
        return refuse(ErrorCode.rateLimited, `at most ${this.retuneLimit.perSecond} knob changes per second during a race`);
      }
      player.optimizer = this.race.retune(player.id, spec);
    } else {
      player.optimizer = spec;
    }
    this.compute.charge(this.code, this.settings, this.racerSpecs(), this.landscape);
    return NONE;
  }

  private chooseStart(actor: Actor, point: [number, number]): Outcome<Effect> {
    const player = actor.role === 'player' ? this.playersById.get(actor.playerId) : undefined;
    if (!player) return refuse(ErrorCode.forbidden, 'only players choose a start');
    if (this.settings.startRule.kind !== 'choose') {
      return refuse(ErrorCode.wrongPhase, 'this round does not let players choose their start');
    }
    if (player.inRace) return refuse(ErrorCode.wrongPhase, 'your race has already started');
    const b = this.landscape.info.bounds;
    if (point[0] < b.xMin || point[0] > b.xMax || point[1] < b.yMin || point[1] > b.yMax) {
      return refuse(ErrorCode.outOfRange, `point must lie in the view: x in [${b.xMin}, ${b.xMax}], y in [${b.yMin}, ${b.yMax}]`, 'point');
    }
    player.start = [point[0], point[1]];
    return NONE;
  }

  /** Merges a partial settings JSON over the current one and adopts it whole, or refuses it (throws `SpecError`). */
  private changeSettings(patch: Record<string, unknown>): Outcome<Effect> {
    const target = nextPhase(this.phase, 'settings');
    if (target === null) return refuse(ErrorCode.wrongPhase, refusalText('settings', this.phase));
    this.applySettings(mergeRoomSettings(this.settingsInput, patch));
    if (this.phase === 'results') this.toLobby();
    return NONE;
  }

  private start(): Outcome<Effect> {
    const target = nextPhase(this.phase, 'start');
    if (target === null) return refuse(ErrorCode.wrongPhase, refusalText('start', this.phase));
    if (this.playersById.size === 0) return refuse(ErrorCode.wrongPhase, 'no players have joined yet');
    const full = this.session.refuseStart();
    if (full) return refuse(ErrorCode.wrongPhase, full);
    this.roundSeed = this.fixedSeed ?? this.random.seed();
    const raceSettings = raceSettingsOfRoom(this.settings);
    this.race?.dispose();
    this.race = this.runners.start({ ...raceSettings, seed: this.roundSeed }, this.roundSeed);
    this.results = null;
    this.frame = null;
    this.ranks = null;
    this.round++;
    this.accumulatorMs = 0;
    this.countdownTicks = Math.round(this.settings.countdownSeconds * this.settings.tickRate);
    this.phase = target;
    if (this.countdownTicks === 0) this.beginRace();
    return NONE;
  }

  private end(): Outcome<Effect> {
    const target = nextPhase(this.phase, 'end');
    if (target === null) return refuse(ErrorCode.wrongPhase, refusalText('end', this.phase));
    if (target === 'lobby') this.toLobby();
    else this.finish('end', 'the host ended the round');
    return NONE;
  }

  /**
   * Removes a player. Their seat's token is refused from now on (they may
   * join again under a new nickname); with `ban`, their nickname and device
   * are refused too for the rest of the room's life.
   */
  private kick(playerId: string, ban: boolean): Outcome<Effect> {
    const player = this.playersById.get(playerId);
    if (!player) return refuse(ErrorCode.notFound, `no player with id ${JSON.stringify(playerId.slice(0, 40))}`, 'playerId');
    this.bannedTokens.add(player.token);
    if (ban) {
      this.bannedNames.add(nameKey(player.name));
      if (player.device) this.bannedDevices.add(player.device);
    }
    this.removePlayer(playerId);
    return ok({ kind: 'kicked', playerId, banned: ban });
  }

  /** A transition with no side work of its own (pause, resume, next round). */
  private move(event: PhaseEvent): Outcome<Effect> {
    const target = nextPhase(this.phase, event);
    if (target === null) return refuse(ErrorCode.wrongPhase, refusalText(event, this.phase));
    this.phase = target;
    return NONE;
  }

  // ───────────────────────────── the clock ─────────────────────────────

  /**
   * Wall-clock time passed (ms): steps as many fixed ticks as it covers, so a
   * late timer does not slow the race down, at most `MAX_CATCH_UP_TICKS` at
   * once. Only a countdown or a running race uses time.
   */
  advanceTime(dtMs: number): void {
    if (this.phase !== 'countdown' && this.phase !== 'racing') return;
    this.accumulatorMs += dtMs;
    let n = 0;
    while (this.accumulatorMs >= this.tickMs && n < MAX_CATCH_UP_TICKS) {
      this.accumulatorMs -= this.tickMs;
      n++;
      this.tick();
      if (this.phase !== 'countdown' && this.phase !== 'racing') break;
    }
    if (this.accumulatorMs > this.tickMs * MAX_CATCH_UP_TICKS) this.accumulatorMs = 0; // drop time we cannot catch up
  }

  /** One fixed tick: the countdown, or the race. */
  tick(): void {
    if (this.phase === 'countdown') {
      this.countdownTicks = Math.max(0, this.countdownTicks - 1);
      if (this.countdownTicks === 0) this.beginRace();
      return;
    }
    if (this.phase !== 'racing' || !this.race) return;
    if (this.race.failure) return this.finish('end', this.race.failure);
    const slow = (this.race.tickCount + 1) % this.slowEvery === 0;
    const before = this.frame;
    this.frame = this.race.advance(slow);
    // A worker's frame can be a tick behind: ranks are refreshed when a new frame carries them.
    if (this.frame !== before && this.frame.ranks) this.refreshRanks(this.frame);
    if (this.frame.over) this.finish('timeUp', this.race.failure ?? 'time or budget is up');
  }

  // ───────────────────────────── results ─────────────────────────────

  /**
   * Computes results until `stop()` says so (call again on a later turn while
   * `phase` is 'scoring'); the finished round once they are all done, and the
   * phase is then 'results'.
   */
  continueScoring(stop: () => boolean): FinishedRound | null {
    if (this.phase !== 'scoring' || !this.scoring || !this.race) return null;
    const results = this.scoring.job.continue(stop);
    if (!results) return null;
    const { reason, endedBy } = this.scoring;
    this.scoring = null;
    // The final frame and ranks (a worker sends them with the results).
    this.frame = this.race.frame(false);
    if (this.frame.ranks) this.refreshRanks(this.frame);
    const record = this.race.record();
    const rows: ResultRow[] = results.map((r) => ({
      ...r,
      name: this.playersById.get(r.id)?.name ?? r.id,
      knobChanges: record.changes.filter((c) => c.id === r.id).length,
    }));
    this.results = {
      roundId: `${this.code}-${this.round}-${this.random.tag()}`,
      round: this.round,
      scoring: this.settings.scoring,
      ticks: record.endTick,
      rows,
      endedBy,
    };
    this.phase = nextPhase(this.phase, 'scored') ?? this.phase;
    this.ghostsArrived = this.session.roundFinished({
      results: this.results,
      title: terrainTitle(this.settings.landscape),
      landscape: this.settings.landscape,
      trails: this.race.trailSnapshot(),
      slots: new Map([...this.playersById.values()].map((p) => [p.id, p.slot])),
    });
    return {
      code: this.code,
      message: this.results,
      settings: { ...this.settings, seed: this.roundSeed },
      seed: this.roundSeed,
      record,
      reason,
    };
  }

  /**
   * The process is stopping: a running round ends now and its results are
   * computed to the end (they are stored before the process exits). Null
   * when no round was running.
   */
  shutdown(): FinishedRound | null {
    if (nextPhase(this.phase, 'shutdown') !== null) this.finish('shutdown', 'the server shut down');
    return this.continueScoring(() => false);
  }

  // ───────────────────────────── internals ─────────────────────────────

  /**
   * Validates a full settings JSON (throws `SpecError`), checks the work it
   * would take (throws `ComputeRefusalError` naming what to lower) and adopts
   * it; players keep knobs that still fit.
   */
  private applySettings(input: Record<string, unknown>): void {
    const { settings, landscape } = this.parseSettings(input);
    const specs = [...this.playersById.values()].map((p) => fitOptimizer(settings, landscape.dim, p.optimizer));
    const refusal = this.compute.checkSettings(this.code, settings, specs, landscape);
    if (refusal) throw new ComputeRefusalError(refusal.path, refusal.message);
    this.adoptParsed(input, settings, landscape);
    this.compute.charge(this.code, settings, specs, landscape);
  }

  /** Adopts settings already accepted once (a checkpoint's). */
  private adoptSettings(input: Record<string, unknown>): void {
    const { settings, landscape } = this.parseSettings(input);
    this.adoptParsed(input, settings, landscape);
  }

  private adoptParsed(input: Record<string, unknown>, settings: RoomSettings, landscape: LandscapeShape): void {
    this.settings = settings;
    this.landscape = landscape;
    this.settingsInput = input;
    this.fixedSeed = input.seed === undefined ? null : settings.seed;
    for (const player of this.playersById.values()) {
      player.optimizer = fitOptimizer(settings, landscape.dim, player.optimizer);
      if (settings.startRule.kind !== 'choose') player.start = null;
    }
  }

  /** Every player's optimizer (what the room is charged for: lobby players race next). */
  private racerSpecs(): OptimizerSpec[] {
    return [...this.playersById.values()].map((p) => p.optimizer);
  }

  private beginRace(): void {
    this.phase = nextPhase(this.phase, 'countdownDone') ?? this.phase;
    this.countdownTicks = 0;
    for (const player of this.playersById.values()) this.enterRace(player);
    if (this.race) {
      this.frame = this.race.frame(true);
      this.refreshRanks(this.frame);
    }
  }

  /** Puts a player on the track: with their knobs, or the default when the settings changed under them. */
  private enterRace(player: RoomPlayer): void {
    const race = this.race;
    if (!race || player.inRace) return;
    // A player who did not click gets the race's seeded random start (the rule's fallback),
    // not a shared default that would stack every idle racer on one point.
    const start = this.settings.startRule.kind === 'choose' && player.start ? player.start : undefined;
    for (const spec of [player.optimizer, this.settings.defaultOptimizer]) {
      try {
        player.optimizer = race.join(player.id, spec, start);
        player.inRace = true;
        return;
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
      }
    }
    // Refused even with the default (the host lowered the player limit below the room): watches this round.
  }

  private finish(event: 'end' | 'timeUp' | 'shutdown', reason: string): void {
    const target = nextPhase(this.phase, event);
    if (target === null || !this.race) return;
    this.phase = target;
    this.frame = this.race.frame(true);
    this.refreshRanks(this.frame);
    this.scoring = {
      job: this.race.score(this.settings.challenge),
      reason,
      endedBy: event === 'end' ? 'host' : event === 'timeUp' ? 'time' : 'shutdown',
    };
  }

  private toLobby(): void {
    this.race?.dispose();
    this.race = null;
    this.scoring = null;
    this.frame = null;
    this.ranks = null;
    this.phase = 'lobby';
    this.countdownTicks = 0;
    for (const [id, player] of [...this.playersById]) {
      player.inRace = false;
      if (!player.connected) this.removePlayer(id);
    }
  }

  private refreshRanks(frame: RaceFrame): void {
    this.ranks = frame.ranks;
    this.slowVersion++;
  }

  private addPlayer(name: string, device: string | null): RoomPlayer {
    const slot = this.nextSlot++;
    const player: RoomPlayer = {
      id: `p${slot}`,
      token: this.random.secret(),
      slot,
      name,
      connected: true,
      optimizer: this.settings.defaultOptimizer,
      start: null,
      inRace: false,
      device,
    };
    this.playersById.set(player.id, player);
    this.byToken.set(player.token, player.id);
    return player;
  }

  private removePlayer(id: string): void {
    const player = this.playersById.get(id);
    if (!player) return;
    if (this.race && player.inRace) this.race.remove(id);
    this.playersById.delete(id);
    this.byToken.delete(player.token);
    this.retunes.delete(id);
    this.compute.charge(this.code, this.settings, this.racerSpecs(), this.landscape);
  }

  private retuneLimiter(id: string, now: number): RateLimiter {
    let limiter = this.retunes.get(id);
    if (!limiter) this.retunes.set(id, (limiter = new RateLimiter(this.retuneLimit, now)));
    return limiter;
  }

  private takenNames(): Set<string> {
    return new Set([...this.playersById.values()].map((p) => p.name.toLowerCase()));
  }

  /** A nickname as typed, or as it would be cleaned, matches a banned one. */
  private isBannedName(name: string): boolean {
    if (this.bannedNames.size === 0) return false;
    return this.bannedNames.has(nameKey(name)) || this.bannedNames.has(nameKey(cleanNickname(name, new Set()).name));
  }
}

/** Settings refused for the work they would take (the setting to lower first, plain words). */
export class ComputeRefusalError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const BANNED_TEXT = 'the host has removed you from this room';

/** Nicknames compare without case or spacing. */
function nameKey(name: string): string {
  return name.toLowerCase().replace(/\s+/g, '');
}

/** The spec if these settings allow it, else the settings' default. */
function fitOptimizer(settings: RoomSettings, dim: number, spec: OptimizerSpec): OptimizerSpec {
  try {
    return checkRacerOptimizer(settings, spec, dim);
  } catch {
    return settings.defaultOptimizer;
  }
}

function joinComputeText(r: ComputeRefusal): string {
  return r.scope === 'server'
    ? 'this server is at its computing limit right now: try again in a few minutes'
    : `this room is at its computing limit (another player would need ~${Math.round(r.neededMs)} ms of computing per second; the limit is ${Math.round(r.limitMs)}): the host can lower the steps per tick or the tick rate, or allow lighter optimizers`;
}

function retuneComputeText(r: ComputeRefusal): string {
  return r.scope === 'server'
    ? 'the server is at its computing limit right now: keep your optimizer, or pick a lighter one (Newton, L-BFGS and SAM cost the most)'
    : `this change would take the room over its computing limit (~${Math.round(r.neededMs)} ms per second; the limit is ${Math.round(r.limitMs)}): keep your optimizer, or pick a lighter one (Newton, L-BFGS and SAM cost the most)`;
}
