/**
 * The ideas of non-convex optimization the game is built around (issue 10's
 * table), each a short id a challenge lists in `ideas`. The challenge tests
 * check that every idea here has at least one challenge.
 */
export const IDEAS = Object.freeze({
  'local-minima': 'Many local minima',
  saddles: 'Saddle points',
  'sharp-flat': 'Sharp vs flat minima',
  anisotropy: 'Anisotropic curvature',
  'lr-and-start': 'Sensitivity to learning rate and start',
  momentum: 'Momentum in valleys',
  'newton-saddles': 'Newton is drawn to saddles',
  slicing: 'Loss slicing',
  plateaus: 'Plateaus',
  'noise-escape': 'SGD noise escaping saddles and minima',
  adaptive: 'Adaptive methods',
  'mode-connectivity': 'Mode connectivity',
  spectrum: 'The Hessian spectrum',
  schedules: 'Learning-rate schedules',
  'weight-decay': 'Weight decay',
  sam: 'Sharpness-aware minimization (SAM)',
  'vanishing-exploding': 'Vanishing and exploding gradients',
  'line-search': 'Trust regions and line search',
  'high-dim-saddles': 'In high dimensions most critical points are saddles',
  pca: 'PCA of trajectories',
  initialisation: 'Xavier and He initialisation',
  'batch-size': 'Batch size and sharpness',
} as const);

export type IdeaId = keyof typeof IDEAS;
export const IDEA_IDS = Object.keys(IDEAS) as IdeaId[];
