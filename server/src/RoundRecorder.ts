import type { RaceRecord, RecordCounts } from '@gradient-rally/shared';
import type { FinishedRound, RoomModel } from './room/RoomModel';
import type { RoundStore } from './RoundStore';

/**
 * A room's storage: its finished rounds (results, settings, seed and race
 * record, under the room's host secret, which the export endpoints ask for)
 * and, while it lives, checkpoints of the room and its race, so a restarted
 * process can bring it back (`RoomModel.restore`).
 *
 * `save` returns once SQLite has committed, so the room broadcasts results
 * only after they are durable. `checkpoint` writes the room's state and only
 * the race events recorded since its last write.
 */
export class RoundRecorder {
  /** The race whose record is stored (by round), and how much of it. */
  private stored: { round: number; counts: RecordCounts } | null = null;

  constructor(
    private readonly store: RoundStore,
    private readonly hostSecret: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  save(round: FinishedRound): void {
    this.store.saveRound(
      {
        id: round.message.roundId,
        code: round.code,
        round: round.message.round,
        finishedAt: this.now().toISOString(),
        settings: round.settings,
        seed: String(round.seed),
        record: round.record,
        results: round.message,
      },
      this.hostSecret,
    );
  }

  /** Writes the room's checkpoint: its state, and its race record as far as it has gone. */
  checkpoint(model: RoomModel): void {
    const checkpoint = model.checkpoint();
    let raceHead: { round: number; settings: RaceRecord['settings']; seed: RaceRecord['seed'] } | null = null;
    let dropRace = false;
    let tail = null;
    if (!checkpoint.hasRace) {
      dropRace = this.stored !== null;
      this.stored = null;
    } else {
      if (!this.stored || this.stored.round !== checkpoint.round) {
        const record = model.raceRecord()!;
        raceHead = { round: checkpoint.round, settings: record.settings, seed: record.seed };
        this.stored = { round: checkpoint.round, counts: { racers: 0, changes: 0, removals: 0 } };
      }
      const from = this.stored.counts;
      const events = model.raceRecordTail(from)!;
      tail = { from, events };
      this.stored.counts = {
        racers: from.racers + events.racers.length,
        changes: from.changes + events.changes.length,
        removals: from.removals + events.removals.length,
      };
    }
    this.store.saveLiveRoom({ code: checkpoint.code, checkpoint, raceHead, dropRace, tail }, this.now());
  }

  /** A restored room: this much of its race record is already stored. */
  continueFrom(round: number, record: RaceRecord | null): void {
    this.stored = record
      ? { round, counts: { racers: record.racers.length, changes: record.changes.length, removals: record.removals.length } }
      : null;
  }

  /** The room closed: its checkpoint is no longer needed. */
  forget(code: string): void {
    this.store.deleteLiveRoom(code);
    this.stored = null;
  }
}
