import {
  type ChallengeAttempt,
  createLandscape,
  formatNumber,
  type Landscape,
  type LandscapeSpec,
  raceSpaceNote,
  sliceMapSpec,
} from '@gradient-rally/shared';
import { field, h } from '../ui/elements';

const SLICE = 'slice';
const EVERY = 'every';

/**
 * 'Beyond the slice' (a challenge whose controls offer `network.slice`): what
 * the racer may change, the 2-D slice or every weight, chosen in plain words;
 * the line that says what the racer on the map then is (shared's
 * `raceSpaceNote`, measured in networkSpace.challenges.test.ts); and the
 * network's real loss beside the map's loss under the racer, so a racer that
 * barely moves on the map while its loss falls makes sense. The map is the
 * slice either way (shared's `sliceMapSpec`): switching changes what the
 * racer moves, not the picture.
 */
export class RaceSpacePanel {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly note = h('p', { class: 'note race-space-note' });
  private readonly readout = h('p', { role: 'status', class: 'race-space-readout' });
  /** The slice an attempt is drawn on, built once per network. */
  private map: { key: string; spec: LandscapeSpec; landscape: Landscape } | undefined;

  /** `choosable` false: a link fixes the choice (`hide=raceOn`), so the panel says what the racer is without the select. */
  constructor(nParams: number, slice: boolean, onChange: (slice: boolean) => void, choosable = true) {
    this.select = h(
      'select',
      {},
      h('option', { value: SLICE, selected: slice }, 'the slice: only the map’s two coordinates'),
      h('option', { value: EVERY, selected: !slice }, `every weight: all ${nParams} weights and biases`),
    );
    this.select.addEventListener('change', () => onChange(this.select.value === SLICE));
    this.element = h(
      'section',
      { class: 'panel controls', 'aria-label': 'What the racer changes' },
      h('h2', {}, 'What the racer changes'),
      choosable ? field('Race on', this.select) : undefined,
      this.note,
      this.readout,
    );
  }

  /** Puts the control back to a setting (a hint's "Use this setting"). */
  setSlice(slice: boolean): void {
    this.select.value = slice ? SLICE : EVERY;
  }

  /** The map an attempt is drawn on: its network's slice through the starting weights, whichever space the racer races in. */
  mapOf(a: ChallengeAttempt): { spec: LandscapeSpec; landscape: Landscape } {
    const spec = sliceMapSpec(a.settings.landscape);
    const key = JSON.stringify(spec);
    if (this.map?.key !== key) this.map = { key, spec, landscape: createLandscape(spec) };
    return this.map;
  }

  /** The line for this attempt's space, and its loss now beside the map's under the racer. */
  show(a: ChallengeAttempt): void {
    const note = raceSpaceNote(a.landscape);
    if (this.note.textContent !== note) this.note.textContent = note;
    const v = a.you;
    if (a.landscape.dim === 2) {
      this.readout.textContent = `Loss: ${formatNumber(v.loss)} (the map’s, under the racer).`;
      return;
    }
    const ground = this.mapOf(a).landscape.value(v.drawn);
    this.readout.textContent = `The network’s loss: ${formatNumber(v.loss)}. The map under your racer: ${formatNumber(ground)}.`;
  }
}
