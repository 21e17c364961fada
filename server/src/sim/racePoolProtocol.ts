import type {
  LandscapeShape,
  OptimizerSpec,
  RaceRecord,
  RaceSettings,
  RecordTail,
  RoomSettings,
  Seed,
  TrailSnapshot,
} from '@gradient-rally/shared';
import type { RaceFrame, ScoredResult } from '../room/RaceRunner';

/**
 * The messages between the main thread and a race worker (`raceWorker.ts`).
 * Everything is plain data (structured clone). A worker applies the commands
 * for one race in the order they were posted, so a race stepped there records
 * exactly what the same calls would record in this thread.
 */

/** Main → worker. `race` is the race's number in this pool. */
export type WorkerCommand =
  | { op: 'start'; race: number; settings: RaceSettings; seed: Seed }
  | { op: 'resume'; race: number; record: RaceRecord }
  | { op: 'join'; race: number; id: string; optimizer: OptimizerSpec; start: number[] | undefined }
  | { op: 'retune'; race: number; id: string; optimizer: OptimizerSpec }
  | { op: 'remove'; race: number; id: string }
  /** One tick, answered with a frame. */
  | { op: 'tick'; race: number; ranks: boolean }
  /** A frame without ticking (with ranks), answered with a frame. */
  | { op: 'frame'; race: number }
  | { op: 'trails'; race: number; ask: number }
  /** Results, judged against the challenge when not null. */
  | { op: 'score'; race: number; challenge: string | null }
  | { op: 'drop'; race: number }
  /** Parse room settings here (a network's landscape is built, its center trained): answered with `settings`. `race` is 0. */
  | { op: 'settings'; race: 0; ask: number; input: Record<string, unknown> };

/** Worker → main. */
export type WorkerReport =
  /** The race after a `tick` (`ticked`) or `frame` command: its frame and the record events since the previous report. */
  | { op: 'frame'; race: number; ticked: boolean; frame: RaceFrame; tail: RecordTail }
  /** A started or resumed race is ready: the head of its record (what `Race.record()` holds besides the events). */
  | { op: 'ready'; race: number; settings: RaceSettings; seed: Seed; frame: RaceFrame; tail: RecordTail }
  | { op: 'trails'; race: number; ask: number; snapshot: TrailSnapshot }
  | { op: 'results'; race: number; results: ScoredResult[]; frame: RaceFrame; tail: RecordTail }
  /** A command the race refused (a `SpecError`: e.g. a start where the loss is not finite); the race goes on. */
  | { op: 'refused'; race: number; command: string; message: string }
  /** The race cannot go on (a record that does not replay, a bug): the room ends the round. */
  | { op: 'failed'; race: number; message: string }
  /** The worker has loaded and takes commands. */
  | { op: 'hello'; race: 0 }
  /** Room settings parsed (`ok`), or refused with the field and why; `ms` the work took. */
  | {
      op: 'settings';
      race: 0;
      ask: number;
      ms: number;
      result: { ok: true; settings: RoomSettings; landscape: LandscapeShape } | { ok: false; path: string; message: string };
    };

/**
 * A worker's shared Int32Array: it writes the number of the race it is
 * computing into `BUSY_RACE` (0 when idle, minus the ask number while it
 * parses settings) and bumps `BUSY_COUNT` each time it
 * starts a piece of work, so the main thread can tell a worker stuck on one
 * piece (the same count for seconds) and which race held it.
 */
export const BUSY_RACE = 0;
export const BUSY_COUNT = 1;
export const BUSY_SLOTS = 2;

/** What the main thread passes a worker when it starts (`workerData`). */
export interface RaceWorkerData {
  busy: SharedArrayBuffer;
}
