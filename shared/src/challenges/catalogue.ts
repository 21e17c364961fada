import { formatNumber } from '../format/formatNumber';
import { SHARP_VS_FLAT_GEOMETRY } from '../landscapes/designed';
import type { LandscapeSpec } from '../landscapes/Landscape';
import type { PresetOptimizer, PresetSettings } from '../landscapes/preset';
import type { MlpLandscape } from '../mlp/MlpLandscape';
import type { OptimizerKind } from '../optimizers/optimizerSpec';
import { KNOB_NAMES, type KnobName, scheduleForChoice } from '../race/knobs';
import type { Challenge, ChallengeControls, ChallengeGoal, ChallengeHint, ChallengeSetup, PictureKind } from './Challenge';
import {
  bezierBetween,
  finalLoss,
  flatBasinScore,
  fractionOfReference,
  fullBatchSharpness,
  gradientBalance,
  lossAtFractions,
  secondsToTarget,
  weightNorm,
} from './goals';
import type { IdeaId } from './ideas';

/**
 * The challenges, in the order a student meets them: each builds on the
 * last (step size and curvature; where a racer ends; schedules; sharp and
 * flat; networks). Every number in a text was measured with the challenge's
 * own rules over at least 50 seeds (test/shared/challenges/); change a
 * challenge and those tests say whether its texts are still true.
 */

interface Definition {
  id: string;
  title: string;
  ideas: IdeaId[];
  landscape: LandscapeSpec | Record<string, unknown>;
  /** Round rules in `parseRaceSettings` fields (start, length, scoring, knob ranges). */
  round: Omit<PresetSettings, 'defaultOptimizer'>;
  controls: ChallengeControls;
  initial: ChallengeSetup;
  task: string;
  hints: ChallengeHint[];
  explanation: string;
  pictures: PictureKind[];
  goal: ChallengeGoal;
  startJitter?: [number, number];
  networkPerSeed?: boolean;
  twin?: { start: [number, number] };
}

function define(d: Definition): Challenge {
  const lockedKnobs = KNOB_NAMES.filter((k) => !d.controls.knobs.includes(k)) as KnobName[];
  return Object.freeze({
    id: d.id,
    title: d.title,
    ideas: Object.freeze(d.ideas),
    landscape: d.landscape as LandscapeSpec,
    preset: {
      settings: {
        ...d.round,
        defaultOptimizer: d.initial.optimizer,
        allowedOptimizers: [...d.controls.optimizers] as OptimizerKind[],
        lockedKnobs,
      },
      contrast: [],
    },
    controls: d.controls,
    initial: d.initial,
    task: d.task,
    hints: Object.freeze(d.hints),
    explanation: d.explanation,
    pictures: Object.freeze(d.pictures),
    goal: d.goal,
    startJitter: (d.startJitter ?? [0, 0]) as [number, number],
    networkPerSeed: d.networkPerSeed ?? false,
    twin: d.twin,
  });
}

const sgd = (lr: number, more: Record<string, unknown> = {}): PresetOptimizer => ({ kind: 'sgd', lr, ...more });
const shared = (x: number, y: number) => ({ kind: 'shared' as const, point: [x, y] as [number, number] });
const timeToTarget = (target: number) => ({ kind: 'time-to-target', target, decimals: 2 });
const lowestLoss = (decimals = 3) => ({ kind: 'lowest-loss', decimals });

/** The small network most network challenges train: two hidden tanh layers of 8 on two moons. */
const SMALL_NETWORK = { kind: 'mlp', dataset: 'moons', samples: 160, noise: 0.15, layers: [2, 8, 8, 2], activation: 'tanh', seed: 100 };

// ───────────────────────── 1. step size and curvature ─────────────────────────

const boothEdge = define({
  id: 'booth-edge',
  title: 'The edge of stability',
  ideas: ['lr-and-start', 'anisotropy'],
  landscape: { kind: 'booth' },
  round: { startRule: shared(-6, -5), roundSeconds: 30, scoring: timeToTarget(1e-4), knobRanges: { lr: [1e-4, 0.2] } },
  startJitter: [0.3, 0.3],
  controls: { optimizers: ['sgd'], knobs: ['lr'] },
  initial: { optimizer: sgd(0.01) },
  task: 'Find the largest learning rate at which plain SGD still reaches loss 0.0001 on Booth within the round. Within 5 % of the true limit passes; within 2 % earns two stars, within 1 % three.',
  hints: [
    { text: 'Raise the learning rate until the racer no longer gets there, then come back down in small steps.' },
    { text: 'Turn on the eigen-directions: Booth curves 18 across its valley and 2 along it, everywhere.' },
    {
      text: 'Gradient descent settles on a quadratic exactly when lr is below 2 over the largest curvature: try lr 0.108.',
      try: { optimizer: sgd(0.108) },
    },
  ],
  explanation:
    'Booth is a quadratic bowl whose curvatures are 2 and 18 at every point. ' +
    'Each step multiplies the distance along a direction of curvature λ by 1 − lr·λ, so the steep direction shrinks only while lr stays below 2/18 ≈ 0.111. ' +
    'Between 1/18 and 2/18 the racer crosses the valley at every step, each swing shorter than the last; at lr 0.112 the swings grow and it never reaches the target.',
  pictures: ['eigen', 'loss-curve'],
  goal: {
    label: 'how far below the limit 2/18 your learning rate was:',
    needs: 'result',
    measure: (ev) => (ev.you.status === 'finished' ? (2 / 18 - ev.you.optimizer.lr) / (2 / 18) : null),
    stars: [0.05, 0.02, 0.01],
    format: (v) => `${formatNumber(Math.round(1000 * v) / 10)} %`,
    missing: 'the racer did not reach loss 0.0001 in the round',
  },
});

const matyasMomentum = define({
  id: 'matyas-momentum',
  title: 'Momentum in a long valley',
  ideas: ['momentum', 'anisotropy'],
  landscape: { kind: 'matyas' },
  round: { startRule: shared(-7, -4), roundSeconds: 30, scoring: timeToTarget(1e-4), knobRanges: { lr: [1e-4, 3], momentum: [0, 0.99] } },
  startJitter: [0.3, 0.3],
  controls: { optimizers: ['sgd'], knobs: ['momentum'] },
  initial: { optimizer: sgd(0.1) },
  task: 'Reach loss 0.0001 on Matyas within 3 seconds. The learning rate is fixed at 0.1: only momentum may change.',
  hints: [
    { text: 'Watch how the racer spends the round: crossing the valley, or walking along its floor?' },
    { text: 'Momentum keeps a fraction of the last step, so steps that point the same way add up.' },
    { text: 'Try momentum 0.9.', try: { optimizer: sgd(0.1, { momentum: 0.9 }) } },
  ],
  explanation:
    'Matyas is a quadratic valley that curves 1.0 across and only 0.04 along its floor. ' +
    'At lr 0.1 each plain step removes 0.4 % of the distance left along the floor, so plain SGD needs about 29 s. ' +
    'With momentum 0.9 it reaches the target over ten times sooner.',
  pictures: ['eigen', 'loss-curve'],
  goal: secondsToTarget(1e-4, [3, 2, 1.7]),
});

const ADAM_ON_ROSENBROCK: PresetOptimizer = { kind: 'adam', lr: 0.1 };

const rosenbrockMomentum = define({
  id: 'rosenbrock-momentum',
  title: 'Beat Adam with momentum alone',
  ideas: ['momentum', 'adaptive'],
  landscape: { kind: 'rosenbrock' },
  round: {
    startRule: shared(-1.2, 1),
    roundSeconds: 60,
    scoring: timeToTarget(1e-3),
    knobRanges: { lr: [1e-5, 0.1], momentum: [0, 0.99] },
  },
  startJitter: [0.05, 0.05],
  controls: { optimizers: ['sgd'], knobs: ['lr', 'momentum'] },
  initial: { optimizer: sgd(0.001) },
  task: 'Adam at lr 0.1, the fastest Adam this round allows, reaches loss 0.001 in 14 to 22 s from this start. Get there sooner with plain SGD and momentum.',
  hints: [
    { text: 'Plain SGD must keep its learning rate small enough for the valley’s steep walls.' },
    { text: 'Momentum lets the small steps along the curved floor add up.' },
    { text: 'Try lr 0.002 with momentum 0.9.', try: { optimizer: sgd(0.002, { momentum: 0.9 }) } },
  ],
  explanation:
    'Rosenbrock’s valley floor is curved and almost flat, and its walls are about 2500 times steeper, so plain SGD must take tiny steps and does not reach the target in the round. ' +
    'With momentum 0.9 the along-the-floor parts of successive steps add up, ten steps’ worth. ' +
    'SGD at lr 0.002 with momentum 0.9 reaches loss 0.001 in under 10 s, in less than 55 % of Adam’s time.',
  pictures: ['path', 'loss-curve'],
  goal: fractionOfReference(ADAM_ON_ROSENBROCK, 'Adam at lr 0.1', [0.99, 0.6, 0.45]),
});

const plateau = define({
  id: 'mesa',
  title: 'Cross the mesa',
  ideas: ['plateaus', 'adaptive'],
  landscape: {
    kind: 'expression',
    expr: 'tanh(((x - 2)^2 + (y - 1)^2)/8)',
    bounds: { xMin: -6, xMax: 6, yMin: -6, yMax: 6 },
    title: 'A mesa',
  },
  round: { startRule: shared(-4, -3), roundSeconds: 20, scoring: timeToTarget(0.01), knobRanges: { lr: [1e-4, 3] } },
  startJitter: [0.3, 0.3],
  controls: { optimizers: ['sgd', 'adam', 'rmsprop', 'adagrad'], knobs: ['lr'] },
  initial: { optimizer: sgd(0.01) },
  task: 'Reach loss 0.01 in the pit at the mesa’s centre within 10 seconds.',
  hints: [
    { text: 'Look at the gradient’s size where the racer starts: is any learning rate big enough to make it count?' },
    { text: 'Some optimizers divide each step by the size of the recent gradients.' },
    { text: 'Try Adam at lr 0.1.', try: { optimizer: { kind: 'adam', lr: 0.1 } } },
  ],
  explanation:
    'On the mesa’s top the slope is below 0.0001, so each SGD step moves less than lr × 0.0001: at every learning rate this round allows, SGD does not reach the pit within the round. ' +
    'Adam and Adagrad divide each coordinate’s step by the size of its recent gradients, so their first step moves each coordinate by lr, however flat the ground is. ' +
    'Adam at lr 0.1 crosses the mesa and reaches the target in under 3 s.',
  pictures: ['path', 'loss-curve'],
  goal: secondsToTarget(0.01, [10, 3, 1]),
});

// ───────────────────────── 2. where a racer ends ─────────────────────────

const styblinskiStart = define({
  id: 'pick-a-basin',
  title: 'Pick your basin',
  ideas: ['lr-and-start', 'local-minima'],
  landscape: { kind: 'styblinski-tang' },
  round: { startRule: shared(2, 2), roundSeconds: 30, scoring: lowestLoss(2), knobRanges: { lr: [1e-4, 0.2] } },
  startJitter: [0.2, 0.2],
  controls: { optimizers: ['sgd'], knobs: [], start: true },
  initial: { optimizer: sgd(0.01), start: [2, 2] },
  task: 'With plain SGD at lr 0.01, end at Styblinski–Tang’s deepest minimum (loss below −78). You choose only where to start: click the terrain.',
  hints: [
    { text: 'Run it from the start it has and see which of the four basins it ends in.' },
    { text: 'Each quadrant holds one basin; the deepest is in the bottom-left.' },
    { text: 'Start near (−2, −2).', try: { start: [-2, -2] } },
  ],
  explanation:
    'Styblinski–Tang has one basin per quadrant, the deepest at (−2.90, −2.90) with loss −78.3. ' +
    'SGD at lr 0.01 ends in the basin of the quadrant it starts in: the start decides everything.',
  pictures: ['path'],
  goal: {
    label: 'seconds until the racer came to rest at the deepest minimum:',
    needs: 'result',
    measure: (ev) => (ev.you.finalLoss !== null && ev.you.finalLoss < -78 ? (ev.you.settledSeconds ?? 30) : null),
    stars: [30, 8, 5],
    format: (v) => `${formatNumber(v)} s`,
    missing: 'the racer did not end at the deepest minimum',
  },
});

const saddleEscape = define({
  id: 'off-the-ridge',
  title: 'Off the ridge',
  ideas: ['saddles', 'noise-escape'],
  landscape: { kind: 'saddle-valleys' },
  round: {
    startRule: shared(-1.5, 0),
    roundSeconds: 5,
    scoring: lowestLoss(),
    knobRanges: { lr: [1e-4, 1.5], momentum: [0, 0.99], noise: [0, 2] },
  },
  startJitter: [0.2, 0],
  controls: { optimizers: ['sgd'], knobs: ['lr', 'momentum', 'noise'] },
  initial: { optimizer: sgd(0.05) },
  task: 'Started exactly on the x axis, get into one of the two valleys (loss −0.9 or lower) within the round’s 200 steps.',
  hints: [
    { text: 'Where does plain SGD stop, and which way is down from there?' },
    { text: 'On the axis the slope has no y part. What could give the racer one?' },
    { text: 'Try gradient noise σ 0.1.', try: { optimizer: sgd(0.05, { noise: 0.1 }) } },
  ],
  explanation:
    'On the x axis the slope of x² − 2y² + y⁴ is (2x, 0): no force pushes along y, so plain SGD, with or without momentum, never leaves the axis. ' +
    'At learning rates from 0.03 to 0.5 it slides into the saddle at the centre and stops there. ' +
    'The saddle curves downward along y (curvature −4), so any y away from 0 grows at every step. ' +
    'Gradient noise supplies that y: with σ as small as 0.01 the racer rolls into a valley within 200 steps.',
  pictures: ['path', 'loss-curve'],
  goal: finalLoss([-0.9, -0.99, -0.999]),
});

const newtonSaddle = define({
  id: 'newtons-compass',
  title: 'Newton’s compass',
  ideas: ['newton-saddles', 'saddles'],
  landscape: { kind: 'saddle-valleys' },
  round: { startRule: shared(-1.5, 0.3), roundSeconds: 5, scoring: lowestLoss(), knobRanges: { lr: [1e-4, 1] } },
  startJitter: [0.1, 0.005],
  controls: { optimizers: ['newton'], knobs: [], start: true },
  initial: { optimizer: { kind: 'newton', lr: 1 }, start: [-1.5, 0.3] },
  task: 'Newton’s method from this start lands on the saddle. Choose a start, as close to the x axis as you can, from which it reaches a valley instead (loss −0.9 or lower).',
  hints: [
    { text: 'Newton jumps to where its quadratic picture of the terrain is flat, whatever kind of flat point that is.' },
    { text: 'Try starts farther from the axis, then move closer.' },
    { text: 'Start at y = 0.5.', try: { start: [-1.5, 0.5] } },
  ],
  explanation:
    'Newton’s method jumps to the flat point of its quadratic picture of the terrain, and it does not care whether that point is a minimum, a maximum or a saddle. ' +
    'Along y the terrain is −2y² + y⁴, and from y the Newton step lands at 2y³/(3y² − 1): closer to the axis whenever |y| < 1/√5 ≈ 0.447. ' +
    'So from every start with |y| below 0.447 it converges to the saddle, and from starts a little farther out its first jump carries it to a valley.',
  pictures: ['path', 'eigen'],
  goal: {
    label: 'distance of your start from the x axis:',
    needs: 'result',
    measure: (ev) => (ev.you.finalLoss !== null && ev.you.finalLoss <= -0.9 ? Math.abs(ev.start[1]) : null),
    stars: [Number.POSITIVE_INFINITY, 0.6, 0.47],
    format: formatNumber,
    missing: 'Newton did not reach a valley',
  },
});

const newtonDamping = define({
  id: 'trust-region',
  title: 'A trust region for Newton',
  ideas: ['line-search', 'newton-saddles'],
  landscape: { kind: 'monkey-bowl' },
  round: { startRule: shared(0.4, 0.1), roundSeconds: 10, scoring: lowestLoss(), knobRanges: { lr: [1e-4, 1] } },
  startJitter: [0.02, 0.02],
  controls: { optimizers: ['newton'], knobs: [], damping: [0, 10] },
  initial: { optimizer: { kind: 'newton', lr: 1, damping: 0 } },
  task: 'Plain Newton’s method falls into the monkey saddle’s flat centre. Give it the smallest damping with which it reaches a valley (loss −0.8 or lower).',
  hints: [
    { text: 'At the centre the curvature vanishes, and Newton divides by it.' },
    { text: 'Damping λ adds λ to every curvature before dividing: large λ turns Newton into small gradient steps.' },
    { text: 'Try damping 2.', try: { optimizer: { kind: 'newton', lr: 1, damping: 2 } } },
  ],
  explanation:
    'Newton’s step divides the slope by the curvature, and at the monkey saddle’s centre both vanish: plain Newton halves its distance to the centre at every step. ' +
    'Damping λ adds λ to every curvature, so the step −(H + λI)⁻¹∇f can never be longer than the slope divided by λ plus the smallest curvature: it is Newton trusted only within a region around the current point. ' +
    'With damping 2 or more, Newton rolls into a valley.',
  pictures: ['trials', 'loss-curve'],
  goal: {
    label: 'damping:',
    needs: 'result',
    measure: (ev) =>
      ev.you.finalLoss !== null && ev.you.finalLoss <= -0.8 ? ((ev.you.optimizer as unknown as { damping: number }).damping ?? 0) : null,
    stars: [10, 2, 1],
    format: formatNumber,
    missing: 'Newton did not reach a valley',
  },
});

const lbfgsBudget = define({
  id: 'hundred-gradients',
  title: 'A hundred gradients',
  ideas: ['line-search'],
  landscape: { kind: 'rosenbrock' },
  round: {
    startRule: shared(-1.2, 1),
    roundSeconds: 60,
    budget: 100,
    scoring: timeToTarget(1e-3),
    knobRanges: { lr: [1e-5, 2], momentum: [0, 0.99] },
  },
  startJitter: [0.05, 0.05],
  controls: { optimizers: ['sgd', 'adam', 'lbfgs'], knobs: ['lr', 'momentum'] },
  initial: { optimizer: sgd(0.001) },
  task: 'Reach loss 0.001 on Rosenbrock using at most 100 gradient evaluations.',
  hints: [
    { text: 'One gradient per step is not enough here: you need steps that know about curvature.' },
    { text: 'L-BFGS estimates the curvature from its last few gradients and searches along each step.' },
    { text: 'Try L-BFGS at lr 1.', try: { optimizer: { kind: 'lbfgs', lr: 1 } } },
  ],
  explanation:
    'SGD and Adam spend one gradient per step, and within 100 of them they rarely reach the target. ' +
    'L-BFGS models the curvature from its last gradients and steps toward the bottom of that model; its line search tries points along the step until the loss falls enough and the slope flattens (the strong Wolfe conditions). ' +
    'The picture shows every point the line search tried: most steps are accepted at the first try.',
  pictures: ['trials', 'loss-curve'],
  goal: {
    label: 'gradient evaluations used:',
    needs: 'result',
    measure: (ev) => (ev.you.status === 'finished' ? ev.you.gradientEvaluations : null),
    stars: [100, 75, 60],
    format: (v) => `${v}`,
    missing: 'the racer did not reach loss 0.001 within 100 gradient evaluations',
  },
});

// ───────────────────────── 3. many minima and schedules ─────────────────────────

const rastriginCosine = define({
  id: 'settle-in-the-middle',
  title: 'Settle in the middle',
  ideas: ['local-minima', 'schedules'],
  landscape: { kind: 'rastrigin' },
  round: { startRule: shared(2.3, -3.2), roundSeconds: 60, scoring: lowestLoss(), knobRanges: { lr: [1e-4, 1.5] } },
  startJitter: [0.2, 0.2],
  controls: { optimizers: ['sgd'], knobs: ['lr', 'schedule'] },
  initial: { optimizer: sgd(0.002) },
  task: 'End in Rastrigin’s central dimple, the global minimum (loss below 0.5), from this start far out in the egg crate.',
  hints: [
    { text: 'With small steps the racer stops in the first dimple it meets.' },
    { text: 'A learning rate above 0.005 cannot settle in any dimple, so it must come down before the end.' },
    { text: 'Try lr 0.02 with warm restarts.', try: { optimizer: sgd(0.02, { schedule: scheduleForChoice('restarts', 2400) }) } },
  ],
  explanation:
    'Each dimple’s bottom curves at about 397, so a learning rate above 2/397 ≈ 0.005 cannot settle in any of them: at a constant lr 0.02 the racer bounces far out over the egg crate and never rests. ' +
    'A schedule that starts above that limit and ends near zero lets the racer bounce first and settle last. ' +
    'From lr 0.02, the cosine schedule ends in the central dimple in most runs, and three warm restarts in nine runs out of ten or more.',
  pictures: ['path', 'loss-curve'],
  goal: finalLoss([0.5, 0.01, 0.0001]),
});

const ackleyCone = define({
  id: 'rest-on-a-cone',
  title: 'Rest on a cone',
  ideas: ['schedules', 'local-minima'],
  landscape: { kind: 'ackley' },
  round: { startRule: shared(3.3, -2.6), roundSeconds: 60, scoring: lowestLoss(), knobRanges: { lr: [1e-4, 3] } },
  startJitter: [0.2, 0.2],
  controls: { optimizers: ['sgd'], knobs: ['lr', 'schedule'] },
  initial: { optimizer: sgd(0.2) },
  task: 'Come to rest at the very bottom of Ackley’s crater: end with loss 0.05 or lower.',
  hints: [
    { text: 'At a constant lr 0.2 the racer never comes to rest. Why?' },
    { text: 'The tip is a cone: the slope does not shrink as the racer gets close.' },
    { text: 'Keep lr 0.2 and add the cosine schedule.', try: { optimizer: sgd(0.2, { schedule: scheduleForChoice('cosine', 2400) }) } },
  ],
  explanation:
    'At a constant learning rate of 0.2 the racer jumps over Ackley’s ripples and never comes to rest. ' +
    'The crater’s tip is a cone: the slope stays near 2.8 right up to it, so at a constant learning rate a racer that reaches the tip keeps overshooting it. ' +
    'The cosine schedule shrinks the steps to zero, and the racer settles at the tip.',
  pictures: ['path', 'loss-curve'],
  goal: finalLoss([0.05, 0.005, 0.0005]),
});

const ANYTIME = [1 / 3, 2 / 3, 1] as const;

const ackleyAnytime = define({
  id: 'any-time-now',
  title: 'The whistle can blow at any time',
  ideas: ['schedules'],
  landscape: { kind: 'ackley' },
  round: { startRule: shared(3.3, -2.6), roundSeconds: 60, scoring: lowestLoss(), knobRanges: { lr: [1e-4, 3] } },
  startJitter: [0.2, 0.2],
  controls: { optimizers: ['sgd'], knobs: ['lr', 'schedule'] },
  initial: { optimizer: sgd(0.2, { schedule: scheduleForChoice('cosine', 2400) }) },
  task: 'Be at rest at the bottom of the crater (loss 0.05 or lower) at 20 s, at 40 s and at the end of the round.',
  hints: [
    { text: 'The cosine schedule only brings the learning rate down at the very end of the round.' },
    { text: 'Could the learning rate come down, go back up, and come down again?' },
    { text: 'Try warm restarts with lr 0.2.', try: { optimizer: sgd(0.2, { schedule: scheduleForChoice('restarts', 2400) }) } },
  ],
  explanation:
    'One cosine schedule reaches a small learning rate only at the end of the round: at 20 s and 40 s the racer is still taking big steps around the tip. ' +
    'Warm restarts run three shorter cosine cycles, each ending with the learning rate near zero and the racer at rest at the tip, then jump back up. ' +
    'So with restarts a good point is ready at the end of every cycle, not only at the end of the round.',
  pictures: ['loss-curve', 'path'],
  goal: {
    label: 'the largest loss at 20 s, 40 s and 60 s:',
    needs: 'run',
    measure: (ev) => {
      if (ev.you.status === 'diverged') return null;
      const at = lossAtFractions(ev, ANYTIME);
      return at.every(Number.isFinite) ? Math.max(...at) : null;
    },
    stars: [0.05, 0.005, 0.0005],
    format: formatNumber,
    missing: 'the racer diverged',
  },
});

// ───────────────────────── 4. sharp and flat ─────────────────────────

const SVF_ROUND = {
  startRule: shared(SHARP_VS_FLAT_GEOMETRY.start[0], SHARP_VS_FLAT_GEOMETRY.start[1]),
  roundSeconds: 30,
  scoring: { kind: 'robust-loss', radius: 0.3, samples: 64, decimals: 3 },
};

const flatByLargeSteps = define({
  id: 'too-big-for-the-pit',
  title: 'Too big for the pit',
  ideas: ['sharp-flat', 'lr-and-start'],
  landscape: { kind: 'sharp-vs-flat' },
  round: { ...SVF_ROUND, knobRanges: { lr: [1e-4, 3] } },
  startJitter: [0.2, 0.2],
  controls: { optimizers: ['sgd'], knobs: ['lr'] },
  initial: { optimizer: sgd(0.01) },
  task: 'End in the wide bowl, not the narrow pit in its wall, with plain SGD: only the learning rate may change.',
  hints: [
    { text: 'Turn on the eigen-directions in the pit: how sharply does it curve?' },
    { text: 'Gradient descent cannot settle where the curvature is above 2 over the learning rate.' },
    { text: 'Try lr 0.1.', try: { optimizer: sgd(0.1) } },
  ],
  explanation:
    'The pit curves about 125 times more sharply than the bowl (125 against 1). ' +
    'Gradient descent cannot settle where the curvature exceeds 2/lr, so from lr 0.05 up the pit cannot hold the racer, while the bowl holds it for any lr below 2. ' +
    'Plain SGD at lr 0.01 slides down the wall into the pit and stays.',
  pictures: ['eigen', 'loss-curve'],
  goal: flatBasinScore([Number.POSITIVE_INFINITY, 0.7, 0.6]),
});

const flatBySam = define({
  id: 'look-uphill',
  title: 'Look uphill first',
  ideas: ['sam', 'sharp-flat'],
  landscape: { kind: 'sharp-vs-flat' },
  round: { ...SVF_ROUND, knobRanges: { lr: [1e-4, 3], samRadius: [0, 1] } },
  startJitter: [0.2, 0.2],
  controls: { optimizers: ['sgd'], knobs: ['samRadius'] },
  initial: { optimizer: sgd(0.01) },
  task: 'Reach the wide bowl at lr 0.01, where plain SGD falls into the pit: use SAM only.',
  hints: [
    { text: 'SAM measures the slope a distance ρ uphill of the racer, and steps with that slope.' },
    { text: 'The pit is about 0.08 wide. What does the slope look like from farther away than that?' },
    { text: 'Try SAM radius 0.5.', try: { optimizer: sgd(0.01, { samRadius: 0.5 }) } },
  ],
  explanation:
    'SAM takes each step with the gradient measured ρ uphill of where the racer stands. ' +
    'With ρ between 0.3 and 0.7 that point lies beyond the pit’s rim, so the pit’s pull does not show in the step, and the racer ends in the bowl. ' +
    'With ρ 0.1 or less it falls into the pit as plain SGD does.',
  pictures: ['path', 'loss-curve'],
  goal: flatBasinScore([Number.POSITIVE_INFINITY, 0.8, 0.7]),
});

const PIT = [-0.073, 0.055] as [number, number];

const flatByNoise = define({
  id: 'shake-it-out',
  title: 'Shake it out of the pit',
  ideas: ['noise-escape', 'sharp-flat'],
  landscape: { kind: 'sharp-vs-flat' },
  round: { ...SVF_ROUND, startRule: shared(PIT[0], PIT[1]), knobRanges: { lr: [1e-4, 3], noise: [0, 20] } },
  startJitter: [0.01, 0.01],
  controls: { optimizers: ['sgd'], knobs: ['noise', 'schedule'] },
  initial: { optimizer: sgd(0.01) },
  task: 'The racer starts at the bottom of the pit. With lr fixed at 0.01, get it out and end in the wide bowl.',
  hints: [
    { text: 'The slope cannot help: at the bottom of the pit it is zero.' },
    { text: 'Random kicks land in the wide bowl far more often than in the narrow pit.' },
    {
      text: 'Try gradient noise σ 10 with the cosine schedule.',
      try: { optimizer: sgd(0.01, { noise: 10, schedule: scheduleForChoice('cosine', 1200) }) },
    },
  ],
  explanation:
    'At the bottom of the pit the slope is zero, so plain SGD stays there. ' +
    'Gradient noise of σ 10 at lr 0.01 kicks the racer out of the pit, and the wide bowl keeps it: a kick is far more likely to land in the bowl than back in the narrow pit. ' +
    'With the cosine schedule the kicks fade out over the round, and the racer ends in the bowl.',
  pictures: ['path', 'loss-curve'],
  goal: flatBasinScore([Number.POSITIVE_INFINITY, 0.7, 0.6]),
});

// ───────────────────────── 5. networks ─────────────────────────

const networkSlice = define({
  id: 'beyond-the-slice',
  title: 'Beyond the slice',
  ideas: ['slicing'],
  landscape: { kind: 'mlp', dataset: 'moons', samples: 160, noise: 0.15, layers: [2, 8, 2], activation: 'tanh', seed: 200, slice: true },
  networkPerSeed: true,
  round: { startRule: shared(0, 0), roundSeconds: 30, scoring: lowestLoss(), knobRanges: { lr: [1e-4, 5] } },
  controls: { optimizers: ['sgd', 'adam'], knobs: ['lr'], network: { slice: true } },
  initial: { optimizer: sgd(0.1), network: { slice: true } },
  task: 'Train the small network on the two moons to a loss of 0.1 or lower.',
  hints: [
    { text: 'Each point of this map is a whole network. How many of its weights can the racer change?' },
    { text: 'Switch the race from the slice to every weight.' },
    { text: 'Race on every weight with SGD at lr 1.', try: { optimizer: sgd(1), network: { slice: false } } },
  ],
  explanation:
    'The slice is a plane through the starting network along two random directions: a racer on it changes only two numbers, and in nearly every network the lowest loss anywhere on that plane is above 0.1. ' +
    'The network has 42 weights and biases; racing on all of them, SGD at lr 1 brings the loss below 0.01. ' +
    'A slice is a picture of the loss, not the space the network trains in.',
  pictures: ['path', 'loss-curve'],
  goal: finalLoss([0.1, 0.01, 0.003]),
});

const networkSaddle = define({
  id: 'the-networks-saddle',
  title: 'The network’s first saddle',
  ideas: ['high-dim-saddles', 'spectrum'],
  landscape: { ...SMALL_NETWORK, initScale: 0.01 },
  networkPerSeed: true,
  round: {
    startRule: shared(0, 0),
    roundSeconds: 30,
    scoring: lowestLoss(),
    knobRanges: { lr: [1e-4, 5], momentum: [0, 0.99], noise: [0, 1] },
  },
  controls: { optimizers: ['sgd'], knobs: ['lr', 'momentum', 'noise'] },
  initial: { optimizer: sgd(0.05) },
  task: 'This network starts with its weights a hundred times smaller than usual. Train it to a loss of 0.3 or lower.',
  hints: [
    { text: 'Look at the loss at the start: ln 2 ≈ 0.693, a coin toss, and the slope is almost zero.' },
    { text: 'The spectrum at the start has negative eigenvalues: there is a way down, but it is gentle.' },
    { text: 'Try lr 0.5.', try: { optimizer: sgd(0.5) } },
  ],
  explanation:
    'With tiny weights the network starts almost exactly on a critical point: the gradient is below 0.001 and the loss is ln 2 ≈ 0.693. ' +
    'Its Hessian there has a negative eigenvalue: the point is a saddle, not a minimum, and at lr 0.05 SGD does not get off it within the round. ' +
    'SGD at lr 0.5 escapes and then slows down again at a loss between 0.15 and 0.35, where the Hessian still has a negative eigenvalue: another saddle.',
  pictures: ['spectrum', 'loss-curve'],
  goal: finalLoss([0.3, 0.1, 0.01]),
});

const pcaPath = define({
  id: 'shape-of-a-path',
  title: 'The shape of a path',
  ideas: ['pca'],
  landscape: SMALL_NETWORK,
  networkPerSeed: true,
  round: { startRule: shared(0, 0), roundSeconds: 20, scoring: timeToTarget(0.01), knobRanges: { lr: [1e-4, 5], momentum: [0, 0.99] } },
  controls: { optimizers: ['sgd', 'adam'], knobs: ['lr', 'momentum'] },
  initial: { optimizer: sgd(0.01) },
  task: 'Train the network on every one of its weights to loss 0.01 within 10 seconds, then look at its path.',
  hints: [
    { text: 'Watch the racer on the map: it barely moves. The map is only one plane of 114 dimensions.' },
    { text: 'Try a larger learning rate, or momentum.' },
    { text: 'Try SGD at lr 1.', try: { optimizer: sgd(1) } },
  ],
  explanation:
    'The map is a plane through the starting network along two random directions, and the path through 114 weights and biases hardly shows on it: that plane holds less than a tenth of the path’s spread, so the racer seems to barely move. ' +
    'The plane of the path’s own two principal directions (Li et al. 2018) shows it whole: with SGD at lr 1, with momentum or with Adam, those two directions hold over 95 % of the path’s spread. ' +
    'At lr 3 or more the path spreads over more directions, and they hold less.',
  pictures: ['pca-plane', 'path'],
  goal: secondsToTarget(0.01, [10, 4, 2]),
});

const VANISHING_NETWORK = { kind: 'mlp', dataset: 'moons', samples: 160, noise: 0.15, layers: [2, 6, 6, 6, 6, 6, 6, 2], seed: 300 };

const vanishing = define({
  id: 'deep-and-vanishing',
  title: 'Deep and vanishing',
  ideas: ['vanishing-exploding', 'initialisation'],
  landscape: { ...VANISHING_NETWORK, activation: 'sigmoid', init: 'xavier' },
  networkPerSeed: true,
  round: { startRule: shared(0, 0), roundSeconds: 30, scoring: lowestLoss(), knobRanges: { lr: [1e-4, 5] } },
  controls: { optimizers: ['sgd'], knobs: ['lr'], network: { activation: ['sigmoid', 'tanh', 'relu'], init: ['xavier', 'he'] } },
  initial: { optimizer: sgd(0.5), network: { activation: 'sigmoid', init: 'xavier' } },
  task: 'Build the six-layer network so that at the start its first layer’s gradient is at least 1/100 of its last layer’s, and train it to loss 0.1 or lower.',
  hints: [
    { text: 'Look at the gradient of each layer: how much smaller is the first than the last?' },
    { text: 'A sigmoid’s slope is at most 1/4. What does that do over six layers?' },
    { text: 'Try tanh with Xavier initialisation.', try: { network: { activation: 'tanh', init: 'xavier' } } },
  ],
  explanation:
    'A sigmoid’s slope is at most 1/4, so the backward pass shrinks the gradient layer after layer: with six sigmoid layers the first layer’s gradient starts below 1/100 of the last’s in nearly every network, whichever initialisation. ' +
    'With tanh, whose slope is 1 at zero, and Xavier’s weights, of variance 1 over the layer’s mean fan, gradients pass back at about the same size: the first layer’s starts within a factor of 10 of the last’s in nearly every network. ' +
    'Relu with He’s weights, of variance 2 over the layer’s fan-in, does the same.',
  pictures: ['layer-norms', 'loss-curve'],
  goal: {
    label: 'final loss:',
    needs: 'result',
    measure: (ev) => (gradientBalance(ev) >= 0.01 && ev.you.status !== 'diverged' ? ev.you.finalLoss : null),
    stars: [0.1, 0.01, 0.001],
    format: formatNumber,
    missing: 'the gradients vanished: at the start the first layer’s was below 1/100 of the last layer’s',
  },
});

const initScale = define({
  id: 'just-the-right-size',
  title: 'Just the right size',
  ideas: ['initialisation', 'vanishing-exploding'],
  landscape: { kind: 'mlp', dataset: 'moons', samples: 160, noise: 0.15, layers: [2, 8, 8, 8, 8, 8, 8, 2], activation: 'relu', seed: 400 },
  networkPerSeed: true,
  round: { startRule: shared(0, 0), roundSeconds: 20, scoring: lowestLoss(), knobRanges: { lr: [1e-4, 5] } },
  controls: { optimizers: ['sgd'], knobs: [], network: { init: ['xavier', 'he'], initScale: [0.1, 5] } },
  initial: { optimizer: sgd(0.1), network: { init: 'he', initScale: 3 } },
  task: 'This six-layer relu network is initialised three times too large. Choose its initialisation so that SGD at lr 0.1 trains it to loss 0.05 or lower.',
  hints: [
    { text: 'Look at the loss and the layer gradients at the start: how large are they?' },
    { text: 'He initialisation is sized for relu: each layer passes its signal on at about the same size.' },
    { text: 'Try He at scale 1.', try: { network: { init: 'he', initScale: 1 } } },
  ],
  explanation:
    'He initialisation draws each weight with variance 2 over the layer’s fan-in, sized so that a relu layer passes its signal on at about the same size: at scale 1 the first layer’s gradient starts within a factor of 10 of the last’s in nearly every network. ' +
    'Three times larger, the loss at the start is above 10, and training switches every relu off, so no gradient reaches the hidden layers and the loss stays at ln 2 ≈ 0.693. ' +
    'Three times smaller, every layer’s gradient starts below 0.01.',
  pictures: ['layer-norms', 'loss-curve'],
  goal: finalLoss([0.05, 0.005, 0.001]),
});

const batchSharpness = define({
  id: 'small-batches-flat-ends',
  title: 'Small batches, flat ends',
  ideas: ['batch-size', 'spectrum', 'sharp-flat'],
  landscape: SMALL_NETWORK,
  networkPerSeed: true,
  round: { startRule: shared(0, 0), roundSeconds: 30, scoring: lowestLoss(), knobRanges: { lr: [1e-4, 5], batchSize: [1, 160] } },
  controls: { optimizers: ['sgd'], knobs: ['batchSize'] },
  initial: { optimizer: sgd(0.5) },
  task: 'At lr 0.5, train the network to loss 0.05 or lower and end where its sharpest curvature, λmax, is at most 0.7 times what full-batch training of the same network reaches.',
  hints: [
    { text: 'Watch λmax beside the batch size as the racer trains.' },
    { text: 'A minibatch gradient is a noisy estimate of the full one.' },
    { text: 'Try batches of 4.', try: { optimizer: sgd(0.5, { batchSize: 4 }) } },
  ],
  explanation:
    'On full batches at lr 0.5 the network ends where λmax is between 0.1 and 1, about 0.3 in the typical network. ' +
    'On batches of 4 examples the same network, at the same learning rate, ends where λmax is at most 0.7 times that, in nine networks out of ten or more: a flatter place.',
  pictures: ['spectrum', 'loss-curve'],
  goal: {
    label: 'λmax as a fraction of full-batch training’s:',
    needs: 'run',
    measure: (ev) => {
      if (ev.you.status === 'diverged' || ev.you.finalLoss === null || ev.you.finalLoss > 0.05 || ev.you.lambdaMax === null) return null;
      return ev.you.lambdaMax / fullBatchSharpness(ev);
    },
    stars: [0.7, 0.55, 0.45],
    format: (v) => formatNumber(v),
    missing: 'the racer did not reach loss 0.05',
    reference: 'full-batch',
  },
});

const WEIGHT_DECAY_NETWORK = {
  kind: 'mlp',
  dataset: 'moons',
  samples: 60,
  noise: 0.2,
  testSamples: 400,
  layers: [2, 16, 16, 2],
  activation: 'tanh',
  seed: 500,
  weightDecay: 0,
};

const weightDecay = define({
  id: 'keep-the-weights-small',
  title: 'Keep the weights small',
  ideas: ['weight-decay'],
  landscape: WEIGHT_DECAY_NETWORK,
  networkPerSeed: true,
  round: { startRule: shared(0, 0), roundSeconds: 30, scoring: { kind: 'test-loss', decimals: 3 }, knobRanges: { lr: [1e-4, 5] } },
  controls: { optimizers: ['sgd'], knobs: [], network: { weightDecay: [0, 0.1] } },
  initial: { optimizer: sgd(0.5), network: { weightDecay: 0 } },
  task: 'Classify every training point correctly and end with the network’s weights at most 1.2 times as large as they started (‖w‖ at the end over ‖w‖ at the start).',
  hints: [
    { text: 'Without weight decay, watch ‖w‖: on data it can separate, cross-entropy keeps pushing the weights to grow.' },
    { text: 'Weight decay adds λ·w to each weight’s gradient, a pull toward zero that the loss must fight.' },
    { text: 'Try weight decay 0.005.', try: { network: { weightDecay: 0.005 } } },
  ],
  explanation:
    'Once every training point is classified correctly, cross-entropy can still be lowered by making the network more confident, so without weight decay ‖w‖ keeps growing over the round. ' +
    'Weight decay adds (λ/2)‖w‖² over the network’s real weights to the loss, so each weight feels a pull λ·w toward zero, and the weights stop where that pull balances the data’s. ' +
    'Pull too hard and the network no longer fits every training point: λ trades the size of the weights against the fit.',
  pictures: ['loss-curve'],
  goal: {
    label: '‖w‖ at the end over ‖w‖ at the start:',
    needs: 'result',
    measure: (ev) => {
      if (ev.you.status === 'diverged') return null;
      const L = ev.landscape as MlpLandscape;
      const p = L.paramsInto(ev.you.endPoint, new Float64Array(L.network.nParams));
      if (L.evaluate(ev.you.endPoint).trainAccuracy < 1) return null;
      const p0 = L.paramsInto(ev.start, new Float64Array(L.network.nParams));
      return weightNorm(L, p) / weightNorm(L, p0);
    },
    stars: [1.2, 1.1, 1],
    format: (v) => formatNumber(v),
    missing: 'the network does not classify every training point correctly',
  },
});

const modeConnectivity = define({
  id: 'one-valley',
  title: 'Two networks, one valley',
  ideas: ['mode-connectivity'],
  landscape: SMALL_NETWORK,
  networkPerSeed: true,
  round: { startRule: shared(-1, -1), roundSeconds: 20, scoring: lowestLoss(), knobRanges: { lr: [1e-4, 5] } },
  twin: { start: [1, 1] },
  controls: { optimizers: ['sgd'], knobs: ['lr'], curve: { steps: [0, 2000], lr: [0.01, 2] } },
  initial: { optimizer: sgd(1), curve: { steps: 0, lr: 0.05 } },
  task: 'Two networks train from different starts to loss 0.01. Bend the path between them, a Bézier curve you train, until its highest point is at most 0.05 above the two ends.',
  hints: [
    { text: 'With no training the curve is the straight line between the two networks. How high does it climb?' },
    { text: 'Training moves the curve’s middle point downhill, averaged over the whole curve.' },
    { text: 'Train the curve for 1000 steps at lr 1.', try: { curve: { steps: 1000, lr: 1 } } },
  ],
  explanation:
    'The straight line between the two trained networks climbs to a loss more than 0.5 above its ends: averaging two good networks’ weights gives a bad one. ' +
    'A quadratic Bézier curve whose middle point is trained (Garipov et al. 2018) bends around that hill and stays within 0.05 of the ends: the two networks lie in one connected valley.',
  pictures: ['barrier'],
  goal: {
    label: 'highest point of the curve above its ends:',
    needs: 'run',
    measure: (ev) => {
      if (!ev.twin || ev.you.finalLoss === null || ev.twin.finalLoss === null) return null;
      if (ev.you.finalLoss > 0.01 || ev.twin.finalLoss > 0.01) return null;
      return Math.max(0, bezierBetween(ev).barrier);
    },
    stars: [0.05, 0.02, 0.01],
    format: formatNumber,
    missing: 'the two networks did not both reach loss 0.01',
  },
});

const CATALOGUE: readonly Challenge[] = Object.freeze([
  boothEdge,
  matyasMomentum,
  rosenbrockMomentum,
  plateau,
  styblinskiStart,
  saddleEscape,
  newtonSaddle,
  newtonDamping,
  lbfgsBudget,
  rastriginCosine,
  ackleyCone,
  ackleyAnytime,
  flatByLargeSteps,
  flatBySam,
  flatByNoise,
  networkSlice,
  networkSaddle,
  pcaPath,
  vanishing,
  initScale,
  batchSharpness,
  weightDecay,
  modeConnectivity,
]);

/**
 * Every challenge, in order (each builds on the last; any can be opened directly).
 *
 * @example
 *   for (const c of challengeCatalogue()) console.log(c.id, c.title, c.ideas);
 */
export function challengeCatalogue(): readonly Challenge[] {
  return CATALOGUE;
}

/** A challenge by its id (the `?challenge=` of its link), or undefined. */
export function challengeById(id: string): Challenge | undefined {
  return CATALOGUE.find((c) => c.id === id);
}
