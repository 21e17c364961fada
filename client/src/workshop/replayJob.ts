import { replayRace, SpecError, type Bounds2D, type TrailSnapshot } from '@gradient-rally/shared';

/**
 * A stored round replayed in the browser (`replay.worker.ts`): shared's
 * `replayRace` re-runs the round's record — its settings, seed, every join,
 * knob change and removal at its tick — through a fresh race, and the trails
 * it leaves are what the history panel plays back. Each replayed end point is
 * compared with the one the server stored: on the built-in terrains and
 * networks they are equal bit for bit; through `sin`, `exp` or `log` in a
 * formula, browsers may round the last digit differently from the server, and
 * the comparison says how far apart they ended. Pure, tested in Node.
 */
export interface ReplayJob {
  id: number;
  record: unknown;
  /** The stored results' racers and where the server says each ended. */
  rows: { id: string; endPoint: number[] }[];
}

export type ReplayResult =
  | {
      id: number;
      ok: true;
      snapshot: TrailSnapshot;
      endTick: number;
      bounds: Bounds2D;
      /** Racers whose replayed end point equals the stored one exactly, of `racers`. */
      exact: number;
      racers: number;
      /** Largest |replayed − stored| over every coordinate of every end point. */
      maxDifference: number;
      ms: number;
    }
  | { id: number; ok: false; message: string };

/** Points kept per replayed trail (a 60 s round at 20 ticks/s has 1,200). */
const REPLAY_POINTS = 1500;

export function replayRound(job: ReplayJob, now: () => number = () => 0): ReplayResult {
  const t0 = now();
  try {
    const { race, positions } = replayRace(job.record);
    let exact = 0;
    let maxDifference = 0;
    for (const row of job.rows) {
      const p = positions[row.id];
      if (!p || p.length !== row.endPoint.length) {
        maxDifference = Infinity;
        continue;
      }
      let same = true;
      for (let i = 0; i < p.length; i++) {
        if (!Object.is(p[i], row.endPoint[i])) same = false;
        maxDifference = Math.max(maxDifference, Math.abs(p[i] - row.endPoint[i]));
      }
      if (same) exact++;
    }
    return {
      id: job.id,
      ok: true,
      snapshot: race.trailSnapshot({ maxPoints: REPLAY_POINTS }),
      endTick: race.tickCount,
      bounds: race.landscape.info.bounds,
      exact,
      racers: job.rows.length,
      maxDifference,
      ms: now() - t0,
    };
  } catch (e) {
    return {
      id: job.id,
      ok: false,
      message: e instanceof SpecError ? e.message : `the replay failed: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}
