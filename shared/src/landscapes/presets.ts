import type { TerrainPreset } from './preset';
import { SHARP_VS_FLAT_GEOMETRY } from './designed';

/**
 * The tuned preset of every catalogue terrain: how its lesson is played.
 * Each is measured by test/shared/claims/ (every lesson sentence, under
 * exactly these rules) and by `npm run bench -- lessons`:
 * - a scoring rule whose best achievable score lies in the basin of a
 *   minimum, with its radius or target scaled to the terrain's features;
 * - knob ranges whose ends are not winning strategies (the smallest learning
 *   rate barely moves; the largest is past stability);
 * - a round long enough for the lesson to happen, short enough to keep the
 *   race a race.
 */
const sharpVsFlat: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [...SHARP_VS_FLAT_GEOMETRY.start] },
    roundSeconds: 30,
    tickRate: 20,
    stepsPerTick: 2,
    scoring: { kind: 'robust-loss', radius: 0.3, samples: 64, decimals: 3 },
    knobRanges: { lr: [1e-4, 3], noise: [0, 20], samRadius: [0, 1] },
    defaultOptimizer: { kind: 'sgd', lr: 0.01 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.01', optimizer: { kind: 'sgd', lr: 0.01 } },
    { label: 'SAM ρ 0.5, lr 0.01', optimizer: { kind: 'sgd', lr: 0.01, samRadius: 0.5 } },
    {
      label: 'Noise σ 10, lr 0.01, cosine schedule',
      optimizer: { kind: 'sgd', lr: 0.01, noise: 10, schedule: { kind: 'cosine', tMax: 1200, etaMin: 0 } },
    },
    { label: 'Large learning rate, lr 0.3', optimizer: { kind: 'sgd', lr: 0.3 } },
  ],
};

const cosine = (tMax: number) => ({ kind: 'cosine', tMax, etaMin: 0 });

const saddleMaze: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [1.5, 0] },
    roundSeconds: 30,
    scoring: { kind: 'lowest-loss', decimals: 3 },
    knobRanges: { lr: [1e-4, 3], noise: [0, 2] },
    defaultOptimizer: { kind: 'sgd', lr: 0.1 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.1', optimizer: { kind: 'sgd', lr: 0.1 } },
    { label: 'Momentum 0.9, lr 0.1', optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 } },
    { label: 'SGD lr 0.1 with noise σ 0.1', optimizer: { kind: 'sgd', lr: 0.1, noise: 0.1 } },
  ],
};

const rosenbrock: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [-1.2, 1] },
    roundSeconds: 60,
    scoring: { kind: 'time-to-target', target: 0.001, decimals: 2 },
    knobRanges: { lr: [1e-5, 0.1] },
    defaultOptimizer: { kind: 'sgd', lr: 0.001 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.001', optimizer: { kind: 'sgd', lr: 0.001 } },
    { label: 'Momentum 0.9, lr 0.001', optimizer: { kind: 'sgd', lr: 0.001, momentum: 0.9 } },
    { label: 'Adam, lr 0.1', optimizer: { kind: 'adam', lr: 0.1 } },
  ],
};

const himmelblau: TerrainPreset = {
  settings: {
    startRule: { kind: 'choose' },
    roundSeconds: 30,
    scoring: { kind: 'robust-loss', radius: 0.1, samples: 64, decimals: 3 },
    knobRanges: { lr: [1e-4, 0.05] },
    defaultOptimizer: { kind: 'sgd', lr: 0.01 },
  },
  contrast: [
    { label: 'SGD lr 0.01 from the bottom-left, (−3, −2)', optimizer: { kind: 'sgd', lr: 0.01 }, start: [-3, -2] },
    { label: 'SGD lr 0.01 from the top-right, (2, 1)', optimizer: { kind: 'sgd', lr: 0.01 }, start: [2, 1] },
  ],
};

const rastrigin: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [2.3, -3.2] },
    roundSeconds: 60,
    scoring: { kind: 'lowest-loss', decimals: 3 },
    knobRanges: { lr: [1e-4, 1.5] },
    defaultOptimizer: { kind: 'sgd', lr: 0.002 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.002', optimizer: { kind: 'sgd', lr: 0.002 } },
    { label: 'SGD lr 0.03, constant', optimizer: { kind: 'sgd', lr: 0.03 } },
    { label: 'SGD lr 0.03 with the cosine schedule', optimizer: { kind: 'sgd', lr: 0.03, schedule: cosine(2400) } },
  ],
};

const ackley: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [3.3, -2.6] },
    roundSeconds: 60,
    scoring: { kind: 'lowest-loss', decimals: 3 },
    knobRanges: { lr: [1e-4, 3] },
    defaultOptimizer: { kind: 'sgd', lr: 0.01 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.01', optimizer: { kind: 'sgd', lr: 0.01 } },
    { label: 'SGD lr 0.2, constant', optimizer: { kind: 'sgd', lr: 0.2 } },
    { label: 'SGD lr 0.2 with the cosine schedule', optimizer: { kind: 'sgd', lr: 0.2, schedule: cosine(2400) } },
  ],
};

const beale: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [-2, -1.5] },
    roundSeconds: 60,
    scoring: { kind: 'lowest-loss', decimals: 3 },
    knobRanges: { lr: [1e-5, 1] },
    defaultOptimizer: { kind: 'sgd', lr: 0.001 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.001', optimizer: { kind: 'sgd', lr: 0.001 } },
    { label: 'Plain SGD, lr 0.01', optimizer: { kind: 'sgd', lr: 0.01 } },
    { label: 'Adam, lr 0.1', optimizer: { kind: 'adam', lr: 0.1 } },
  ],
};

const goldsteinPrice: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [1, 1.2] },
    roundSeconds: 30,
    scoring: { kind: 'lowest-loss', decimals: 2 },
    knobRanges: { lr: [1e-7, 1] },
    defaultOptimizer: { kind: 'adam', lr: 0.01 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.001', optimizer: { kind: 'sgd', lr: 0.001 } },
    { label: 'Adam, lr 0.01', optimizer: { kind: 'adam', lr: 0.01 } },
    { label: 'Adam, lr 0.1', optimizer: { kind: 'adam', lr: 0.1 } },
  ],
};

const sixHumpCamel: TerrainPreset = {
  settings: {
    startRule: { kind: 'choose' },
    roundSeconds: 30,
    scoring: { kind: 'lowest-loss', decimals: 3 },
    knobRanges: { lr: [1e-4, 1] },
    defaultOptimizer: { kind: 'sgd', lr: 0.01 },
  },
  contrast: [
    { label: 'SGD lr 0.01 from the middle, (0.5, 0.5)', optimizer: { kind: 'sgd', lr: 0.01 }, start: [0.5, 0.5] },
    { label: 'SGD lr 0.1 from near the right edge, (2.6, 0.5)', optimizer: { kind: 'sgd', lr: 0.1 }, start: [2.6, 0.5] },
  ],
};

const styblinskiTang: TerrainPreset = {
  settings: {
    startRule: { kind: 'choose' },
    roundSeconds: 30,
    scoring: { kind: 'lowest-loss', decimals: 2 },
    knobRanges: { lr: [1e-4, 0.2] },
    defaultOptimizer: { kind: 'sgd', lr: 0.01 },
  },
  contrast: [
    { label: 'SGD lr 0.01 from the top-right quadrant, (2, 2)', optimizer: { kind: 'sgd', lr: 0.01 }, start: [2, 2] },
    { label: 'SGD lr 0.01 from the bottom-left quadrant, (−2, −2)', optimizer: { kind: 'sgd', lr: 0.01 }, start: [-2, -2] },
  ],
};

const booth: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [-6, -5] },
    roundSeconds: 30,
    scoring: { kind: 'time-to-target', target: 0.0001, decimals: 2 },
    knobRanges: { lr: [1e-4, 0.2] },
    defaultOptimizer: { kind: 'sgd', lr: 0.01 },
  },
  contrast: [
    { label: 'SGD, lr 0.01', optimizer: { kind: 'sgd', lr: 0.01 } },
    { label: 'SGD, lr 0.1', optimizer: { kind: 'sgd', lr: 0.1 } },
    { label: 'SGD, lr 0.112', optimizer: { kind: 'sgd', lr: 0.112 } },
  ],
};

const matyas: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [-7, -4] },
    roundSeconds: 30,
    scoring: { kind: 'time-to-target', target: 0.0001, decimals: 2 },
    knobRanges: { lr: [1e-4, 3] },
    defaultOptimizer: { kind: 'sgd', lr: 0.1 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.1', optimizer: { kind: 'sgd', lr: 0.1 } },
    { label: 'Momentum 0.9, lr 0.1', optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 } },
    { label: 'Plain SGD, lr 1.9', optimizer: { kind: 'sgd', lr: 1.9 } },
  ],
};

const levy: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [-6, 6] },
    roundSeconds: 60,
    scoring: { kind: 'lowest-loss', decimals: 3 },
    knobRanges: { lr: [1e-4, 3] },
    defaultOptimizer: { kind: 'sgd', lr: 0.01 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.01', optimizer: { kind: 'sgd', lr: 0.01 } },
    { label: 'Noise σ 1, lr 0.3, cosine schedule', optimizer: { kind: 'sgd', lr: 0.3, noise: 1, schedule: cosine(2400) } },
  ],
};

const saddleValleys: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [-1.5, 0] },
    roundSeconds: 20,
    scoring: { kind: 'lowest-loss', decimals: 3 },
    knobRanges: { lr: [1e-4, 1.5], noise: [0, 2] },
    defaultOptimizer: { kind: 'sgd', lr: 0.05 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.05', optimizer: { kind: 'sgd', lr: 0.05 } },
    { label: 'Momentum 0.9, lr 0.05', optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 } },
    { label: 'SGD lr 0.05 with noise σ 0.1', optimizer: { kind: 'sgd', lr: 0.05, noise: 0.1 } },
  ],
};

const monkeyBowl: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [0.4, 0.1] },
    roundSeconds: 20,
    scoring: { kind: 'lowest-loss', decimals: 3 },
    knobRanges: { lr: [1e-4, 1] },
    defaultOptimizer: { kind: 'sgd', lr: 0.05 },
  },
  contrast: [
    { label: 'Plain SGD, lr 0.05', optimizer: { kind: 'sgd', lr: 0.05 } },
    { label: "Newton's method", optimizer: { kind: 'newton', lr: 1 } },
  ],
};

const moonsNetwork: TerrainPreset = {
  settings: {
    startRule: { kind: 'shared', point: [0, 0] },
    roundSeconds: 30,
    scoring: { kind: 'lowest-loss', decimals: 3 },
    knobRanges: { lr: [1e-4, 20], batchSize: [1, 160] },
    defaultOptimizer: { kind: 'sgd', lr: 0.1 },
  },
  contrast: [
    { label: 'SGD, lr 0.1, full batch', optimizer: { kind: 'sgd', lr: 0.1 } },
    { label: 'SGD, lr 0.1, minibatches of 16', optimizer: { kind: 'sgd', lr: 0.1, batchSize: 16 } },
    { label: 'Adam, lr 0.05', optimizer: { kind: 'adam', lr: 0.05 } },
  ],
};

/** Presets by the catalogue spec's kind (the moons network is 'mlp'). */
export const TERRAIN_PRESETS: Readonly<Record<string, TerrainPreset>> = {
  'sharp-vs-flat': sharpVsFlat,
  'saddle-maze': saddleMaze,
  rosenbrock,
  himmelblau,
  rastrigin,
  ackley,
  beale,
  'goldstein-price': goldsteinPrice,
  'six-hump-camel': sixHumpCamel,
  'styblinski-tang': styblinskiTang,
  booth,
  matyas,
  levy,
  'saddle-valleys': saddleValleys,
  'monkey-bowl': monkeyBowl,
  mlp: moonsNetwork,
};
