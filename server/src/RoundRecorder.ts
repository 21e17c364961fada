import type { FinishedRound } from './room/RoomModel';
import type { RoundStore } from './RoundStore';

/**
 * Stores a room's finished rounds: results, settings, seed and the race
 * record, under the room's host secret (which the export endpoints ask for).
 * `save` returns once SQLite has committed, so the room broadcasts results
 * only after they are durable.
 */
export class RoundRecorder {
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
}
