/** Scene keys as typed constants (no magic strings at call sites). */
export const SceneKeys = {
  Boot: 'boot',
  Arena: 'arena',
} as const;
export type SceneKey = (typeof SceneKeys)[keyof typeof SceneKeys];
