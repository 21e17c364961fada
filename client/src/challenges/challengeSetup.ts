import {
  knobsToOptimizerSpec,
  optimizerSpecToKnobs,
  roundUpdates,
  type Challenge,
  type ChallengeHint,
  type ChallengeSetup,
  type KnobValues,
  type NetworkChoice,
  type PresetOptimizer,
  type RaceSettings,
} from '@gradient-rally/shared';

/**
 * The student's controls ⇄ a challenge setup, as plain logic tested in Node
 * (test/client/challengeSetup.test.ts): the knobs panel's values, the
 * clicked start and Newton's damping become the `ChallengeSetup` shared
 * judges, and a hint's suggested setting becomes knob values again.
 */

/** What the challenge screen's controls hold besides the knobs. */
export interface ChallengeExtras {
  /** A clicked start (challenges whose controls allow it). */
  start?: [number, number];
  /** Newton's damping λ (challenges whose controls allow it). */
  damping?: number;
  /** The network's build (network challenges whose controls offer a choice). */
  network?: NetworkChoice;
  /** Mode connectivity: the Bézier curve's training steps and learning rate (within `controls.curve`). */
  curve?: { steps: number; lr: number };
}

/**
 * Network challenges the browser plays: those whose controls and pictures it
 * draws (the slice or every weight, activation, initialisation and its scale, weight decay λ,
 * per-layer gradients, ‖w‖ as it trains, λmax beside the batch size, the spectra, the path on its own PCA plane,
 * the loss curve, a twin racer and the Bézier curve between the two) and whose explanation is measured sentence
 * by sentence (test/shared/challenges/network*.challenges.test.ts): all eight.
 */
const NETWORK_CHALLENGES_PLAYABLE: ReadonlySet<string> = new Set([
  'beyond-the-slice',
  'the-networks-saddle',
  'shape-of-a-path',
  'deep-and-vanishing',
  'just-the-right-size',
  'small-batches-flat-ends',
  'keep-the-weights-small',
  'one-valley',
]);

/**
 * Challenges the browser can play today: every one on a 2-D terrain, and the
 * network ones in `NETWORK_CHALLENGES_PLAYABLE`; the list shows the rest as
 * not yet playable.
 */
export function playableInBrowser(ch: Challenge): boolean {
  return (ch.landscape as { kind: string }).kind !== 'mlp' || NETWORK_CHALLENGES_PLAYABLE.has(ch.id);
}

/** A setup's network build (the initial one's, with the setup's choices over it). */
export function networkOf(ch: Challenge, setup: Pick<ChallengeSetup, 'network'>): NetworkChoice | undefined {
  if (!ch.initial.network && !setup.network) return undefined;
  return { ...(ch.initial.network ?? {}), ...(setup.network ?? {}) };
}

/** The knobs a setup's optimizer means (the panel's starting values). */
export function knobsOfSetup(setup: ChallengeSetup): KnobValues {
  return optimizerSpecToKnobs(setup.optimizer);
}

/** Newton's damping in a setup's optimizer (0 when absent). */
export function dampingOf(setup: ChallengeSetup): number {
  const d = (setup.optimizer as { damping?: unknown }).damping;
  return typeof d === 'number' ? d : 0;
}

/**
 * The setup one attempt runs: the knobs as an optimizer spec (a schedule
 * sized to the round's updates, as in solo and in class), the damping for
 * Newton where the challenge lets the student set it, and the clicked start
 * where it may be chosen.
 */
export function setupFromControls(ch: Challenge, settings: RaceSettings, knobs: KnobValues, extras: ChallengeExtras): ChallengeSetup {
  // On a network the batch size is a knob too (0 = the full data set): the spec carries it only when data-backed.
  const dataBacked = (ch.landscape as { kind: string }).kind === 'mlp';
  const spec = knobsToOptimizerSpec(knobs, { totalUpdates: roundUpdates(settings), dataBacked });
  const initialDamping = (ch.initial.optimizer as { damping?: unknown }).damping;
  // Damping is part of the challenge's own optimizer (Newton's), never of another kind the student picks.
  if (knobs.kind === ch.initial.optimizer.kind && (ch.controls.damping || initialDamping !== undefined)) {
    if (ch.controls.damping && extras.damping !== undefined) spec.damping = extras.damping;
    else if (initialDamping !== undefined) spec.damping = initialDamping;
  }
  const setup: ChallengeSetup = { optimizer: spec as unknown as PresetOptimizer };
  if (ch.controls.start && extras.start) setup.start = [extras.start[0], extras.start[1]];
  else if (ch.initial.start) setup.start = [ch.initial.start[0], ch.initial.start[1]];
  // Only the choices the controls offer are taken from the screen; the rest stay the challenge's.
  const network = networkOf(ch, { network: ch.controls.network ? extras.network : undefined });
  if (network) setup.network = network;
  const curve = (ch.controls.curve && extras.curve) || ch.initial.curve;
  if (curve) setup.curve = { steps: curve.steps, lr: curve.lr };
  return setup;
}

/** A hint's suggested setting as controls: the knobs and extras the screen then shows. */
export function controlsFromHint(ch: Challenge, hint: ChallengeHint): { knobs: KnobValues; extras: ChallengeExtras } {
  const optimizer = hint.try?.optimizer ?? ch.initial.optimizer;
  const setup: ChallengeSetup = { ...ch.initial, ...(hint.try ?? {}), optimizer };
  return {
    knobs: knobsOfSetup(setup),
    extras: {
      start: setup.start,
      damping: dampingOf(setup),
      network: networkOf(ch, { network: hint.try?.network }),
      curve: setup.curve && { ...setup.curve },
    },
  };
}
