import {
  judgeRaceResults,
  Race,
  resumeRace,
  type ChallengeOutcome,
  type OptimizerSpec,
  type RaceRecord,
  type RacerResult,
  type RacerStatus,
  type RaceSettings,
  type RecordCounts,
  type RecordTail,
  type Seed,
  type TrailSnapshot,
} from '@gradient-rally/shared';

/** One racer after a tick: what the room mirrors (plain data, safe to copy between threads). */
export interface RacerFrame {
  id: string;
  status: RacerStatus;
  /** Drawn position (the view plane). */
  x: number;
  y: number;
  loss: number;
  gradientEvaluations: number;
}

/** The race as the room sees it after a tick. */
export interface RaceFrame {
  tick: number;
  /** Time is up, or every racer has stopped. */
  over: boolean;
  racers: RacerFrame[];
  /** Live ranks by racer id (`Race.standings`), when they were asked for: they cost a robust loss per racer. */
  ranks: ReadonlyMap<string, number> | null;
}

/** A racer's result, judged against the round's challenge when it runs one (`judgeRaceResults`). */
export type ScoredResult = RacerResult & { verdict?: ChallengeOutcome };

/**
 * Results being computed, a racer at a time: `continue` works until `stop()`
 * says so and returns the ranked results once they are all done, else null.
 * A room calls it again on later event-loop turns until it has them.
 */
export interface ScoringJob {
  continue(stop: () => boolean): ScoredResult[] | null;
}

/**
 * What a room needs from its race, and nothing more. Everything crossing this
 * interface is plain data (specs, frames, records, results), and every call
 * either returns at once or is polled (`ScoringJob`) or awaited (trails), so
 * a race can run behind it in this thread (`localRaceRunners`) or, for heavy
 * rounds, in a `worker_threads` pool (`sim/RacePool.ts`): there `advance`
 * posts the tick and answers with the newest frame the worker has sent (a
 * tick or two behind), and `continue` returns null until the results arrive.
 *
 * Commands are applied in call order and recorded with their tick, so
 * `record()` replays bitwise wherever the race ran.
 */
export interface RaceRunner {
  /** Ticks asked for so far (a worker may not have taken the last ones yet; the frame says where it is). */
  readonly tickCount: number;
  /** Adds a racer (throws `SpecError` for a spec or start the rules refuse); returns the spec it races with. */
  join(id: string, optimizer: OptimizerSpec, start: number[] | undefined): OptimizerSpec;
  /** Changes a racer's optimizer from the next tick (throws `SpecError`); returns the normalised spec. */
  retune(id: string, optimizer: OptimizerSpec): OptimizerSpec;
  remove(id: string): void;
  /** One tick; the newest frame. */
  advance(withRanks: boolean): RaceFrame;
  /** The newest frame, without ticking. */
  frame(withRanks: boolean): RaceFrame;
  trailSnapshot(): Promise<TrailSnapshot>;
  /** The race as a record so far (`replayRace` reproduces it). */
  record(): RaceRecord;
  /** The record's events after `from`, and its tick: what a checkpoint appends. */
  recordTail(from: RecordCounts): RecordTail;
  /** Starts computing the results (robust loss, curvature, notes), judged against the challenge `challenge` when not null. */
  score(challenge: string | null): ScoringJob;
  /** Why the race cannot go on (its worker failed on it), or null; the room then ends the round. */
  readonly failure: string | null;
  /** The room is done with this race (a worker frees it). */
  dispose(): void;
}

/** Starts races, and resumes one from its record (a checkpoint: `replayRace` is bitwise). */
export interface RaceRunnerFactory {
  start(settings: RaceSettings, seed: Seed): RaceRunner;
  resume(record: RaceRecord): RaceRunner;
}

/** Races stepped in this thread. */
export const localRaceRunners: RaceRunnerFactory = {
  start: (settings, seed) => new LocalRaceRunner(new Race({ ...settings, seed }, seed)),
  resume: (record) => new LocalRaceRunner(resumeRace(record)),
};

/** What a room mirrors of a race after a tick (here and in a race worker). */
export function frameOf(race: Race, withRanks: boolean): RaceFrame {
  return {
    tick: race.tickCount,
    over: race.isOver(),
    racers: race.racers().map((r) => ({
      id: r.id,
      status: r.status,
      x: r.drawn[0],
      y: r.drawn[1],
      loss: r.loss,
      gradientEvaluations: r.gradientEvaluations,
    })),
    ranks: withRanks ? new Map(race.standings().map((s) => [s.id, s.rank])) : null,
  };
}

/** Results with their verdicts (here and in a race worker). */
export function judged(results: RacerResult[], verdicts: ReadonlyMap<string, ChallengeOutcome> | null): ScoredResult[] {
  if (!verdicts) return results;
  return results.map((r) => {
    const verdict = verdicts.get(r.id);
    return verdict ? { ...r, verdict } : r;
  });
}

class LocalRaceRunner implements RaceRunner {
  readonly failure = null;

  constructor(private readonly race: Race) {}

  get tickCount(): number {
    return this.race.tickCount;
  }

  join(id: string, optimizer: OptimizerSpec, start: number[] | undefined): OptimizerSpec {
    return this.race.addRacer(id, start ? { optimizer, start } : { optimizer }).optimizer;
  }

  retune(id: string, optimizer: OptimizerSpec): OptimizerSpec {
    return this.race.retune(id, optimizer);
  }

  remove(id: string): void {
    this.race.removeRacer(id);
  }

  advance(withRanks: boolean): RaceFrame {
    this.race.tick();
    return this.frame(withRanks);
  }

  frame(withRanks: boolean): RaceFrame {
    return frameOf(this.race, withRanks);
  }

  trailSnapshot(): Promise<TrailSnapshot> {
    return Promise.resolve(this.race.trailSnapshot());
  }

  record(): RaceRecord {
    return this.race.record();
  }

  recordTail(from: RecordCounts): RecordTail {
    return this.race.recordTail(from);
  }

  dispose(): void {}

  score(challenge: string | null): ScoringJob {
    const race = this.race;
    const steps = race.resultsStepwise();
    return {
      continue(stop) {
        for (;;) {
          const r = steps.next();
          if (r.done) return judged(r.value, judgeRaceResults(challenge, race, r.value));
          if (stop()) return null;
        }
      },
    };
  }
}
