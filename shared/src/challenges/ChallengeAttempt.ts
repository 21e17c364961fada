import type { Landscape } from '../landscapes/Landscape';
import { Race } from '../race/Race';
import type { RaceSettings } from '../race/RaceSettings';
import type { RacerResult, RacerView } from '../race/types';
import { type Challenge, type ChallengeEvidence, type ChallengeOutcome, type ChallengeSetup, judge } from './Challenge';
import { attemptStart, challengeSettings } from './challengeSettings';
import type { BezierPath } from '../mlp/connectivity';
import { rememberBezierInto } from './goals';

/** The student's racer id in an attempt (and in a class round, each player's own). */
export const YOU = 'you';
/** The second racer of a two-network challenge. */
export const TWIN = 'twin';

/**
 * One attempt at a challenge: a `Race` under the challenge's rules with the
 * student's racer (and a twin where the challenge has one), stepped tick by
 * tick so solo can draw it, recording what the goal and the pictures need
 * (the loss after every tick; on networks, the parameters too). `finish()`
 * computes the round's results once and judges them.
 *
 * @example
 *   const a = new ChallengeAttempt(challengeById('booth-edge')!, { optimizer: { kind: 'sgd', lr: 0.108 } }, 1);
 *   while (a.tick());
 *   a.finish().outcome.pass; // true
 */
export class ChallengeAttempt {
  readonly race: Race;
  readonly settings: RaceSettings;
  readonly landscape: Landscape;
  /** Where the student's racer started (ℝ^dim). */
  readonly start: number[];
  readonly lossByTick: number[] = [];
  /** Drawn positions per racer: x0, y0, x1, y1, … (the start first, then one point per tick). */
  readonly trails = new Map<string, number[]>();
  /** Networks: the student's parameters at the start and after every tick. */
  readonly pathByTick: Float64Array[] = [];
  /**
   * Values the goal and the pictures compute once (a reference run, a trained curve), kept
   * with the attempt so one computed elsewhere (a worker's) can be handed in before `finish()`.
   */
  readonly memo = new Map<string, unknown>();
  private finished: { evidence: ChallengeEvidence; outcome: ChallengeOutcome } | undefined;

  /** Throws `SpecError` (naming the field) for a setup outside the challenge's controls or rules. */
  constructor(
    readonly challenge: Challenge,
    readonly setup: ChallengeSetup,
    readonly seed: number,
  ) {
    this.settings = challengeSettings(challenge, setup, seed);
    this.race = new Race(this.settings, seed);
    this.landscape = this.race.landscape;
    const start = challenge.twin ? attemptStart(challenge, setup, seed) : undefined;
    const you = this.race.addRacer(YOU, { optimizer: setup.optimizer, start });
    if (challenge.twin) this.race.addRacer(TWIN, { optimizer: setup.optimizer, start: challenge.twin.start });
    this.start = Array.from(you.position);
    for (const v of this.race.racers()) this.trails.set(v.id, [v.drawn[0], v.drawn[1]]);
    if (this.landscape.dim > 2) this.pathByTick.push(Float64Array.from(you.position));
  }

  get you(): RacerView {
    return this.race.racer(YOU)!;
  }

  get twin(): RacerView | undefined {
    return this.race.racer(TWIN);
  }

  isOver(): boolean {
    return this.race.isOver();
  }

  /** One tick of the round; false once it is over. */
  tick(): boolean {
    if (this.race.isOver()) return false;
    this.race.tick();
    const you = this.you;
    this.lossByTick.push(you.loss);
    for (const v of this.race.racers()) this.trails.get(v.id)!.push(v.drawn[0], v.drawn[1]);
    if (this.landscape.dim > 2) this.pathByTick.push(Float64Array.from(you.position));
    return !this.race.isOver();
  }

  /** Where the student's racer and the twin ended (the round must be over): the two ends of the curve the goal trains. */
  endPoints(): { you: number[]; twin: number[] | undefined } {
    if (!this.race.isOver()) throw new Error('the attempt is still running');
    return { you: Array.from(this.you.position), twin: this.twin && Array.from(this.twin.position) };
  }

  /** Changes the student's knobs mid-run (validated as in a class; the twin keeps its own). */
  retune(optimizer: unknown): void {
    this.race.retune(YOU, optimizer);
  }

  /**
   * The results, judged (computed once; the round must be over). `known`: work
   * already done elsewhere for this attempt, used by the first call instead of
   * doing it again — the Bézier curve between the two racers, trained (off the
   * browser's main thread) with `curveTrainingOf`'s options between
   * `endPoints()`.
   */
  finish(known: { bezier?: BezierPath } = {}): { evidence: ChallengeEvidence; outcome: ChallengeOutcome; results: RacerResult[] } {
    if (!this.race.isOver()) throw new Error('the attempt is still running');
    if (!this.finished) {
      const results = this.race.results();
      const evidence: ChallengeEvidence = {
        challenge: this.challenge,
        setup: this.setup,
        seed: this.seed,
        settings: this.settings,
        landscape: this.landscape,
        you: results.find((r) => r.id === YOU)!,
        twin: results.find((r) => r.id === TWIN),
        start: this.start,
        lossByTick: this.lossByTick,
        pathByTick: this.landscape.dim > 2 ? this.pathByTick : undefined,
        memo: this.memo,
      };
      if (known.bezier) rememberBezierInto(evidence.memo, known.bezier);
      this.finished = { evidence, outcome: judge(this.challenge.goal, this.challenge.goal.measure(evidence)) };
    }
    return {
      ...this.finished,
      results: this.finished.evidence.twin ? [this.finished.evidence.you, this.finished.evidence.twin] : [this.finished.evidence.you],
    };
  }
}

/** Runs a whole attempt at once (tests, previews). */
export function runChallenge(challenge: Challenge, setup: ChallengeSetup, seed: number): ChallengeAttempt {
  const a = new ChallengeAttempt(challenge, setup, seed);
  while (a.tick());
  return a;
}

/**
 * Judges one row of a class round's results against a challenge whose goal
 * reads only results (`goal.needs === 'result'`); null when the goal needs
 * the whole run (those are judged in solo).
 */
export function judgeResult(
  challenge: Challenge,
  result: RacerResult,
  settings: RaceSettings,
  landscape: Landscape,
  /** Where this racer started (a race record's join), when the start rule is not 'shared'. */
  racerStart?: readonly number[],
  /** Values the goal memoises (`ChallengeEvidence.memo`): a caller judging many rows may pass ones that do not depend on the row. */
  memo: Map<string, unknown> = new Map(),
): ChallengeOutcome | null {
  if (challenge.goal.needs !== 'result') return null;
  const start = settings.startRule.kind === 'shared' ? settings.startRule.point : racerStart ? Array.from(racerStart) : result.endPoint;
  const evidence: ChallengeEvidence = {
    challenge,
    setup: { optimizer: result.optimizer as unknown as ChallengeSetup['optimizer'] },
    seed: 1,
    settings,
    landscape,
    you: result,
    start: start.length === landscape.dim ? start : result.endPoint,
    memo,
  };
  return judge(challenge.goal, challenge.goal.measure(evidence));
}
