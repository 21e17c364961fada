import {
  quantBox,
  quantize,
  RacerStatusByte,
  type OptimizerSpec,
  type RacerStatus,
  type RacerStatusCode,
  type ResultRow,
  type ResultsMessage,
  type RoomSettings,
  type SessionView,
} from '@gradient-rally/shared';
import { PlayerState } from './PlayerState';
import type { RaceState } from './RaceState';
import { WIRE_PHASE } from './room/phases';
import type { RaceFrame, RacerFrame } from './room/RaceRunner';
import type { RoomModel, RoomPlayer } from './room/RoomModel';

const FLOAT32_MAX = 3.4028234663852886e38;

const STATUS_BYTE: { readonly [S in RacerStatus]: RacerStatusCode } = {
  waiting: RacerStatusByte.waiting,
  racing: RacerStatusByte.racing,
  diverged: RacerStatusByte.diverged,
  finished: RacerStatusByte.finished,
  'budget-spent': RacerStatusByte.budgetSpent,
};

/**
 * Copies what clients draw from the room model into the Colyseus schema, and
 * nothing else: the model never sees the schema. `sync` is cheap to call after
 * every message and tick: a schema field assigned its current value costs
 * nothing, and the JSON fields are rebuilt only when their source changed.
 *
 * The wire types are narrower than the model's numbers, so the mirror clamps:
 * positions are quantised to uint16 over the q box, loss and score to the
 * float32 range (never NaN), ranks to uint8, evaluations to uint32.
 */
export class StateMirror {
  private shownSettings: RoomSettings | null = null;
  private shownSession: SessionView | null = null;
  private readonly shownSpec = new WeakMap<PlayerState, OptimizerSpec>();
  private shownSlowVersion = -1;
  private frameIndex: { frame: RaceFrame; byId: Map<string, RacerFrame> } | null = null;
  private resultsIndex: { results: ResultsMessage; byId: Map<string, ResultRow> } | null = null;

  constructor(readonly state: RaceState) {}

  sync(model: RoomModel): void {
    const s = this.state;
    s.code = model.code;
    s.phase = WIRE_PHASE[model.phase];
    s.paused = model.phase === 'paused';
    s.locked = model.locked;
    s.round = model.round;
    s.tick = model.raceTick;
    s.countdownTicks = model.countdownTicks;
    s.hostConnected = model.hostConnected;
    if (model.settings !== this.shownSettings) this.syncSettings(model);
    const session = model.session.view(model.settings.landscape);
    if (session !== this.shownSession) {
      this.shownSession = session;
      s.sessionJson = JSON.stringify(session);
    }

    for (const id of [...s.players.keys()]) if (!model.players.has(id)) s.players.delete(id);
    const racers = this.racersById(model.frame);
    const rows = this.rowsById(model.results);
    const slow = model.slowVersion !== this.shownSlowVersion;
    this.shownSlowVersion = model.slowVersion;
    for (const player of model.players.values()) {
      let view = s.players.get(player.id);
      if (!view) {
        view = new PlayerState();
        view.slot = player.slot % 256;
        s.players.set(player.id, view);
      }
      view.name = player.name;
      view.connected = player.connected;
      if (this.shownSpec.get(view) !== player.optimizer) {
        this.shownSpec.set(view, player.optimizer);
        view.optimizerKind = player.optimizer.kind;
        view.optimizerJson = JSON.stringify(player.optimizer);
      }
      this.syncRacer(model, player, view, racers.get(player.id), rows?.get(player.id), slow);
    }
  }

  private syncSettings(model: RoomModel): void {
    const s = this.state;
    const settings = model.settings;
    this.shownSettings = settings;
    s.settingsJson = JSON.stringify(settings);
    s.landscapeInfoJson = JSON.stringify({ ...model.landscape.info, dim: model.landscape.dim });
    const q = quantBox(model.landscape.info.bounds);
    s.qxMin = q.xMin;
    s.qxMax = q.xMax;
    s.qyMin = q.yMin;
    s.qyMax = q.yMax;
    s.raceTicks = settings.roundSeconds === null ? 0 : Math.round(settings.roundSeconds * settings.tickRate);
  }

  private syncRacer(
    model: RoomModel,
    player: Readonly<RoomPlayer>,
    view: PlayerState,
    racer: RacerFrame | undefined,
    row: ResultRow | undefined,
    slow: boolean,
  ): void {
    const s = this.state;
    const phase = model.phase;
    if (phase === 'lobby' || phase === 'countdown') {
      view.status = phase === 'lobby' ? RacerStatusByte.lobby : RacerStatusByte.waiting;
      view.gradientEvaluations = 0;
      view.rank = 0;
      view.score = 0;
      // Where the racer will start, when that is already known (the shared point or the one the
      // player chose), so students see the starting line; random starts appear when the race begins.
      const rule = model.settings.startRule;
      const marker = player.start ?? (rule.kind === 'shared' && rule.point.length === 2 ? rule.point : null);
      if (phase === 'lobby' && marker) {
        view.qx = quantize(marker[0], s.qxMin, s.qxMax);
        view.qy = quantize(marker[1], s.qyMin, s.qyMax);
      }
      return;
    }
    if (!racer) {
      view.status = RacerStatusByte.lobby; // joined after the race, watching
      return;
    }
    view.status = STATUS_BYTE[racer.status];
    view.qx = quantize(racer.x, s.qxMin, s.qxMax);
    view.qy = quantize(racer.y, s.qyMin, s.qyMax);
    if (slow) {
      // Loss only when it moved by more than a display digit: a settled racer costs nothing.
      if (Number.isFinite(racer.loss) && Math.abs(racer.loss - view.loss) > 1e-4 * Math.abs(racer.loss) + 1e-12) {
        view.loss = clampFloat32(racer.loss);
      }
      view.gradientEvaluations = Math.min(racer.gradientEvaluations, 0xffffffff);
      view.rank = Math.min(255, model.ranks?.get(player.id) ?? 0);
    }
    if (row) {
      view.rank = Math.min(255, row.rank);
      view.score = clampFloat32(row.score ?? FLOAT32_MAX);
    }
  }

  private racersById(frame: RaceFrame | null): Map<string, RacerFrame> {
    if (!frame) return new Map();
    if (this.frameIndex?.frame !== frame) this.frameIndex = { frame, byId: new Map(frame.racers.map((r) => [r.id, r])) };
    return this.frameIndex.byId;
  }

  private rowsById(results: ResultsMessage | null): Map<string, ResultRow> | null {
    if (!results) return null;
    if (this.resultsIndex?.results !== results) this.resultsIndex = { results, byId: new Map(results.rows.map((r) => [r.id, r])) };
    return this.resultsIndex.byId;
  }
}

function clampFloat32(v: number): number {
  if (!Number.isFinite(v)) return v > 0 ? FLOAT32_MAX : v < 0 ? -FLOAT32_MAX : 0;
  return Math.max(-FLOAT32_MAX, Math.min(FLOAT32_MAX, v));
}
