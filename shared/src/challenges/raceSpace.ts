import type { Landscape, LandscapeSpec } from '../landscapes/Landscape';
import type { MlpLandscape } from '../mlp/MlpLandscape';

/**
 * A network challenge that lets the student race on the 2-D slice or on
 * every weight ('beyond-the-slice', `controls.network.slice`): the map is
 * the same slice either way, so switching changes what the racer may move,
 * not the picture; and one line under the controls says what the racer on
 * the map is. Its sentences are measured over 50 networks in
 * test/shared/challenges/networkSpace.challenges.test.ts.
 */

/** The spec of the map an attempt is drawn on: a network's slice through its starting weights (the spec itself for any other terrain). */
export function sliceMapSpec(spec: LandscapeSpec): LandscapeSpec {
  return (spec as { kind: string }).kind === 'mlp' ? ({ ...spec, slice: true } as LandscapeSpec) : spec;
}

/** Racing on the slice: the racer is a point of the map. */
export const SLICE_RACE_NOTE = 'Racing on the slice: the racer changes only the map’s two coordinates, so the ground under it is its loss.';

/** What the racer on the map is, for an attempt on a network's slice or on all its weights. */
export function raceSpaceNote(landscape: Landscape): string {
  if (landscape.dim === 2) return SLICE_RACE_NOTE;
  const n = (landscape as MlpLandscape).network.nParams;
  return (
    `Racing on every weight: the map still shows the slice, and your racer is drawn where its network projects onto that plane. ` +
    `Most of its path runs along the other ${n - 2} directions, which the map cannot show, so its loss can fall far below the ground under it.`
  );
}
