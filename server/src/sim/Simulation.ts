import { availableParallelism } from 'node:os';
import {
  SUGGESTED_PROCESS_MS_PER_SECOND,
  SUGGESTED_ROOM_BUDGET,
  type RaceRecord,
  type RaceSettings,
  type Seed,
} from '@gradient-rally/shared';
import type { Logger } from '../logger';
import type { CheckedSettings } from '../room/RoomModel';
import { localRaceRunners, type RaceRunner, type RaceRunnerFactory } from '../room/RaceRunner';
import { ComputeLedger, type ComputeLimits } from './ComputeLedger';
import { RacePool } from './RacePool';
import { WorkAllowance } from './WorkAllowance';

export interface SimulationOptions {
  logger: Logger;
  /** Race worker threads (SIM_WORKERS; default: the cores but one, at least 1; 0: every race on the event loop). */
  workers?: number;
  /** One room's budget, ms of one core per second (ROOM_COMPUTE_MS, default 150). */
  roomMsPerSecond?: number;
  /** All rooms on the event loop together (SERVER_COMPUTE_MS, default 600). */
  mainMsPerSecond?: number;
  /** All rooms in one worker together (WORKER_COMPUTE_MS, default 600). */
  workerMsPerSecond?: number;
}

/**
 * Where races run and how much they may compute: the `ComputeLedger`
 * (budgets per room and per process, from shared's cost model) and the
 * `RaceRunnerFactory` rooms use — heavy rounds (networks, Newton: see
 * `ComputeLimits.heavy`) in the `RacePool`, light ones on the event loop,
 * and every resumed round (a checkpoint replayed after a restart) in the
 * pool, so a long replay never holds up the event loop.
 *
 * Defaults, in ms of one core of the calibration machine per second:
 * a room 150 (15 % of a core), ticks ≤ 25 ms, one racer's results ≤ 100 ms
 * (`SUGGESTED_ROOM_BUDGET`); the event loop 600 in all
 * (`SUGGESTED_PROCESS_MS_PER_SECOND`: it keeps the rest for sockets, patches
 * and bursts); each worker 600. A room goes to the pool when its full class
 * at the costliest allowed choices could need over 50 ms per second or a
 * 5 ms tick.
 */
export class Simulation implements RaceRunnerFactory {
  readonly ledger: ComputeLedger;
  readonly pool: RacePool | null;
  /** Event-loop time for parsing settings here: 100 ms per second, bursts of 400 ms. */
  readonly settingsWork = new WorkAllowance(400, 100, performance.now());
  /** Worker time for building networks from settings: 250 ms per second, bursts of 1 s. */
  readonly networkBuilds = new WorkAllowance(1000, 250, performance.now());

  private constructor(ledger: ComputeLedger, pool: RacePool | null) {
    this.ledger = ledger;
    this.pool = pool;
  }

  static async create(options: SimulationOptions): Promise<Simulation> {
    const env = process.env;
    const workers = options.workers ?? whole(env.SIM_WORKERS, 'SIM_WORKERS', Math.max(1, availableParallelism() - 1));
    const room = options.roomMsPerSecond ?? positive(env.ROOM_COMPUTE_MS, 'ROOM_COMPUTE_MS', SUGGESTED_ROOM_BUDGET.msPerSecond);
    const main = options.mainMsPerSecond ?? positive(env.SERVER_COMPUTE_MS, 'SERVER_COMPUTE_MS', SUGGESTED_PROCESS_MS_PER_SECOND);
    const perWorker = options.workerMsPerSecond ?? positive(env.WORKER_COMPUTE_MS, 'WORKER_COMPUTE_MS', SUGGESTED_PROCESS_MS_PER_SECOND);
    const limits: ComputeLimits = {
      room: { ...SUGGESTED_ROOM_BUDGET, msPerSecond: room },
      mainMsPerSecond: main,
      poolMsPerSecond: workers * perWorker,
      heavy: { msPerSecond: 50, tickMs: 5 },
    };
    const pool = workers > 0 ? new RacePool({ size: workers, logger: options.logger.child({ component: 'race-pool' }) }) : null;
    await pool?.ready();
    return new Simulation(new ComputeLedger(limits), pool);
  }

  start(settings: RaceSettings, seed: Seed): RaceRunner {
    if (this.pool && this.ledger.laneFor(settings) === 'pool') return this.pool.start(settings, seed);
    return localRaceRunners.start(settings, seed);
  }

  resume(record: RaceRecord): RaceRunner {
    return this.pool ? this.pool.resume(record) : localRaceRunners.resume(record);
  }

  /**
   * Settings that ask for a network are parsed in a worker (building the
   * network and training its center takes from milliseconds to seconds):
   * resolves with the parsed settings, or the refusal to send; null when the
   * settings are cheap to parse in this thread (or there is no pool).
   * `force` skips the allowance (a room being restored).
   */
  prepareSettings(input: Record<string, unknown>, force = false): Promise<PreparedSettings> | null {
    if (!this.pool || !asksForNetwork(input)) return null;
    const now = performance.now();
    const wait = force ? 0 : this.networkBuilds.waitMs(now);
    if (wait > 0) {
      return Promise.resolve({
        ok: false,
        busy: true,
        path: 'settings',
        message: `the server is busy building other rooms' networks: try again in ${Math.ceil(wait / 1000)} s`,
      });
    }
    return this.pool.checkSettings(input).then(
      ({ ms, result }) => {
        this.networkBuilds.spend(ms, performance.now());
        return result.ok ? { ok: true, checked: { settings: result.settings, landscape: result.landscape } } : { ...result, busy: false };
      },
      (err: unknown) => ({
        ok: false,
        busy: true,
        path: 'settings',
        message: `the server could not check these settings just now (${String((err as Error)?.message ?? err)}): try again in a moment`,
      }),
    );
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/** Settings parsed off the event loop, or the refusal to send (`busy`: try again later, not the settings' fault). */
export type PreparedSettings = { ok: true; checked: CheckedSettings } | { ok: false; busy: boolean; path: string; message: string };

/** Whether settings JSON asks for a network landscape. */
function asksForNetwork(input: Record<string, unknown>): boolean {
  const l = input.landscape;
  return l === 'mlp' || (typeof l === 'object' && l !== null && (l as { kind?: unknown }).kind === 'mlp');
}

function whole(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw new Error(`${name} must be a whole number of worker threads from 0 to 64, got ${JSON.stringify(text)}`);
  return n;
}

function positive(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 100_000)
    throw new Error(`${name} must be a number of milliseconds of computing per second above 0, got ${JSON.stringify(text)}`);
  return n;
}
