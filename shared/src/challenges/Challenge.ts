import type { Landscape, LandscapeSpec } from '../landscapes/Landscape';
import type { PresetOptimizer, TerrainPreset } from '../landscapes/preset';
import type { Activation, InitScheme } from '../mlp/Mlp';
import type { OptimizerKind } from '../optimizers/optimizerSpec';
import type { KnobName } from '../race/knobs';
import type { RaceSettings } from '../race/RaceSettings';
import type { RacerResult } from '../race/types';
import type { IdeaId } from './ideas';

/**
 * A guided challenge: a terrain under a preset, a goal a student can win,
 * the controls they may use to win it, hints revealed one at a time, and an
 * explanation (with pictures of what happened) shown after success.
 *
 * Every sentence of `explanation` is a claim measured over at least 50 seeds
 * with the challenge's own rules (test/shared/challenges/), and so is every
 * hint that suggests a setting (`ChallengeHint.try`): following it passes.
 */
export interface Challenge {
  id: string;
  title: string;
  /** The ideas of the table (`IDEAS`) this challenge is about. */
  ideas: readonly IdeaId[];
  /** The terrain (for network terrains: before the student's choices and the attempt's seed). */
  landscape: LandscapeSpec;
  /**
   * The round as a host applies it: settings in `parseRaceSettings` fields (start, length, scoring,
   * knob ranges, the default optimizer, the allowed optimizers and locks) and the comparison to try.
   */
  preset: ChallengePreset;
  /** What the student may change; everything else is fixed at `initial`. */
  controls: ChallengeControls;
  /** The setup a student starts from (never passes: the tests check it). */
  initial: ChallengeSetup;
  /** The goal, as a student reads it. */
  task: string;
  hints: readonly ChallengeHint[];
  /** Shown after success: why it worked, in sentences each measured. */
  explanation: string;
  /** The pictures drawn beside the explanation, in order. */
  pictures: readonly PictureKind[];
  goal: ChallengeGoal;
  /**
   * 2-D terrains: the attempt's start is the chosen (or preset) start moved by up to these
   * distances along x and y (a seeded draw), so no goal rests on one lucky point.
   */
  startJitter: readonly [dx: number, dy: number];
  /** Network terrains: each attempt draws its own data and initial weights from its seed. */
  networkPerSeed: boolean;
  /** A second racer trained beside the student's with the same optimizer (mode connectivity), from this start. */
  twin?: { start: [number, number] };
}

/** A terrain preset plus the allowed optimizers and the locks: everything a host applies to run the challenge. */
export interface ChallengePreset extends TerrainPreset {
  settings: TerrainPreset['settings'] & { allowedOptimizers: OptimizerKind[]; lockedKnobs: KnobName[] };
}

/** What a student may change in a challenge. */
export interface ChallengeControls {
  optimizers: readonly OptimizerKind[];
  /** Knobs the student turns; the others are locked at `initial.optimizer`'s values. */
  knobs: readonly KnobName[];
  /** The start is chosen by clicking the terrain. */
  start?: boolean;
  /** Network terrains: the choices offered (each absent one is fixed by the terrain). */
  network?: {
    activation?: readonly Activation[];
    init?: readonly InitScheme[];
    initScale?: readonly [number, number];
    /** λ of the network's own penalty (λ/2)‖w‖² on its real weights (biases left out). */
    weightDecay?: readonly [number, number];
    /** Race on the 2-D slice or on every weight. */
    slice?: boolean;
  };
  /** Newton's damping λ (the step is −(H + λI)⁻¹∇f). */
  damping?: readonly [number, number];
  /** Mode connectivity: the Bézier curve's training steps and learning rate. */
  curve?: { steps: readonly [number, number]; lr: readonly [number, number] };
}

export interface NetworkChoice {
  activation?: Activation;
  init?: InitScheme;
  initScale?: number;
  weightDecay?: number;
  slice?: boolean;
}

/** One attempt's choices: the optimizer spec JSON and, where the controls allow, the rest. */
export interface ChallengeSetup {
  optimizer: PresetOptimizer;
  /** A point of the view (start-choosing challenges). */
  start?: [number, number];
  network?: NetworkChoice;
  curve?: { steps: number; lr: number };
}

export interface ChallengeHint {
  text: string;
  /** The setting the hint suggests, merged over the initial setup: the tests check it passes. */
  try?: Partial<Omit<ChallengeSetup, 'optimizer'>> & { optimizer?: PresetOptimizer };
}

/**
 * The success check: one number, lower is better, or null when the goal was
 * not met at all. Passing is `value ≤ stars[0]`; two and three stars are
 * `value ≤ stars[1]` and `≤ stars[2]`.
 */
export interface ChallengeGoal {
  /** What the number is, e.g. "seconds to reach loss 0.0001". */
  label: string;
  /**
   * 'result': the measure reads only the racer's result row (so a class round can be
   * judged from its results); 'run': it needs the attempt's record (loss per tick, a
   * reference run or a trained path).
   */
  needs: 'result' | 'run';
  measure(ev: ChallengeEvidence): number | null;
  stars: readonly [pass: number, two: number, three: number];
  format(value: number): string;
  /** Why a run that produced no number did not pass, in a few words. */
  missing: string;
  /**
   * The reference run the measure compares against ('full-batch': `fullBatchSharpness`). It depends
   * only on the network and the optimizer without its batch size, so a client computes it while the
   * racer trains (in a worker) and hands it in through `rememberFullBatchSharpnessInto`.
   */
  reference?: 'full-batch';
}

/** Everything a goal and a picture may read about one finished attempt. */
export interface ChallengeEvidence {
  challenge: Challenge;
  setup: ChallengeSetup;
  seed: number;
  settings: RaceSettings;
  landscape: Landscape;
  /** The student's racer, and the twin's when there is one. */
  you: RacerResult;
  twin?: RacerResult;
  /** The start the racer was given (a point of ℝ^dim). */
  start: number[];
  /** The student's loss after each tick ('run' evidence only). */
  lossByTick?: readonly number[];
  /** The student's parameters after each tick ('run' evidence only; networks only). */
  pathByTick?: readonly Float64Array[];
  /** Values computed once and shared by the goal and the pictures (a reference run, a trained curve, …). */
  memo: Map<string, unknown>;
}

/** The verdict on one attempt. */
export interface ChallengeOutcome {
  pass: boolean;
  stars: 0 | 1 | 2 | 3;
  value: number | null;
  /** "12.3 s", or the goal's `missing` words. */
  valueText: string;
  /** One sentence for the student: what was measured against the goal. */
  summary: string;
}

/**
 * The picture kinds drawn after success (computed by `challengePicture`):
 * - 'path': the terrain with the racer's path, start and end (2-D, or the drawing plane of a network);
 * - 'eigen': the path with the Hessian's eigen-directions at the end point, scaled by curvature;
 * - 'trials': the path with every point the optimizer's line search tried, and each accepted step;
 * - 'loss-curve': the loss per second, on a log scale where it spans decades, with the goal's marks;
 * - 'spectrum': the Hessian's eigenvalue density at the start and at the end (Lanczos quadrature);
 * - 'layer-norms': ‖∂L/∂W‖ per layer at the start, input first, on a log scale;
 * - 'pca-plane': the path on the plane of its own two principal directions, over the loss there;
 * - 'barrier': the loss along the straight line and along the trained Bézier curve between two networks.
 */
export type PictureKind = 'path' | 'eigen' | 'trials' | 'loss-curve' | 'spectrum' | 'layer-norms' | 'pca-plane' | 'barrier';

/** Judges a measured value against a goal. */
export function judge(goal: ChallengeGoal, value: number | null): ChallengeOutcome {
  const ok = value !== null && Number.isFinite(value) && value <= goal.stars[0];
  const stars = !ok ? 0 : value <= goal.stars[2] ? 3 : value <= goal.stars[1] ? 2 : 1;
  const valueText = value === null || !Number.isFinite(value) ? goal.missing : goal.format(value);
  const target = Number.isFinite(goal.stars[0]) ? ` (the goal: ${goal.format(goal.stars[0])} or less)` : '';
  const summary = ok
    ? `Passed with ${stars} star${stars === 1 ? '' : 's'}: ${goal.label} ${valueText}.`
    : value === null || !Number.isFinite(value)
      ? `Not yet: ${goal.missing}.`
      : `Not yet: ${goal.label} ${valueText}${target}.`;
  return { pass: ok, stars: stars as 0 | 1 | 2 | 3, value: value !== null && Number.isFinite(value) ? value : null, valueText, summary };
}
