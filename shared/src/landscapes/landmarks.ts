/**
 * The known minima a terrain marks on the arena, with the words the arena
 * shows beside them. Only basins the landscape itself calls flat or sharp
 * (`KnownPoint.basin`) are marked: on the sharp-vs-flat terrain the narrow pit
 * is thinner than a racer's marker and below every value the terrain picture
 * samples, so without its mark a racer resting in it looks stopped on a slope.
 * test/shared/landmarks.test.ts measures that every "sharp" mark is far more
 * curved than the "flat" one of the same terrain.
 */
export interface Landmark {
  point: [number, number];
  label: string;
  basin: 'flat' | 'sharp';
}

export const LANDMARK_LABELS = { sharp: 'sharp minimum', flat: 'flat minimum' } as const;

export function landmarksOf(info: { points: readonly { point: readonly number[]; basin?: 'flat' | 'sharp' | null }[] }): Landmark[] {
  const out: Landmark[] = [];
  for (const p of info.points) {
    if (!p.basin || p.point.length !== 2) continue;
    out.push({ point: [p.point[0], p.point[1]], label: LANDMARK_LABELS[p.basin], basin: p.basin });
  }
  return out;
}
