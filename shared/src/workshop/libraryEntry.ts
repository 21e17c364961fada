import { SpecError, describeValue } from '../spec/SpecError';
import { asObject, rejectUnknownKeys } from '../spec/fields';
import { createLandscape } from '../landscapes/createLandscape';
import type { Landscape, LandscapeSpec } from '../landscapes/Landscape';
import {
  PRESET_SETTING_FIELDS,
  type PresetContrast,
  type PresetOptimizer,
  type PresetSettings,
  type TerrainPreset,
} from '../landscapes/preset';
import { OPTIMIZER_KINDS, type OptimizerKind } from '../optimizers/optimizerSpec';
import { checkRacerOptimizer, defaultOptimizerFor, parseSettingsWithLandscape, type RaceSettings } from '../race/RaceSettings';
import { DEFAULT_KNOB_RANGES } from '../race/knobs';
import { presetSettingsPatch } from '../race/presetSettings';
import { estimateRoomCost, roomCostRefusal, SUGGESTED_ROOM_BUDGET, type ComputeBudget, type RoomCost } from '../race/cost';

/**
 * An entry of an instructor's landscape library: a terrain of their own (a
 * formula, or a small network in its generated form), its title, the
 * instructor's lesson (shown to students as "the instructor's note" — it is
 * the instructor's text, not one of the game's tested claims) and a preset in
 * the form the built-in terrains use (`TerrainPreset`: start, length or
 * budget, scoring, knob ranges, default optimizer, the contrast to try).
 *
 * Plain JSON, validated once by `parseLibraryEntry` — the server before it
 * stores an entry or an import, the browser before it offers "Save" — so both
 * refuse the same things with the same words, naming the field
 * (`entry.terrain.layers[2]`, `entry.preset.settings.roundSeconds`).
 *
 * @example
 *   const entry = parseLibraryEntry({
 *     title: 'Spirals, deep and relu',
 *     lesson: 'He initialisation keeps the gradients alive through three relu layers.',
 *     terrain: { kind: 'mlp', dataset: 'spirals', samples: 200, noise: 0.1, seed: 1,
 *                layers: [2, 8, 8, 8, 2], activation: 'relu', init: 'he', slice: true },
 *     preset: { settings: { roundSeconds: 45 }, contrast: [] },
 *   });
 *   checkEntryCost(entry);                          // throws when a class of 40 would not fit the room budget
 *   entryOptimizerFits(entry).filter((o) => o.fits); // what players may pick on it
 */
export interface LibraryEntry {
  title: string;
  /** The instructor's own text for students (may be empty). */
  lesson: string;
  /** Normalised by `createLandscape`: an expression, or a generated network (`dataset` form). */
  terrain: LandscapeSpec;
  preset: TerrainPreset;
}

/** A library entry as the server keeps it. */
export interface StoredLibraryEntry extends LibraryEntry {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** The read-only link's id, when the entry is shared (`/?library=<shareId>`). */
  shareId: string | null;
}

/**
 * What one instructor key may keep, and what one entry may weigh. 50 entries
 * is a term of lessons with variants; 8 KB holds the longest formula (500
 * characters), a 1,500-character lesson and a full preset with four contrasts
 * several times over (a network is stored by its recipe, a few hundred bytes).
 */
export const LIBRARY_LIMITS = Object.freeze({
  entriesPerKey: 50,
  entryBytes: 8 * 1024,
  titleChars: 80,
  lessonChars: 1500,
  contrastEntries: 4,
  contrastLabelChars: 80,
});

/** Players a library terrain must carry on its default optimizer (the room's default player limit). */
export const LIBRARY_CLASS_SIZE = 40;

/** The preset fields an entry may set (those of `PresetSettings`). */
export { PRESET_SETTING_FIELDS };

/** The export / import file: `{ format, version, entries }`. */
export const LIBRARY_FILE_FORMAT = 'gradient-rally/landscape-library';

/**
 * Validates an entry (see `LibraryEntry`); throws `SpecError` naming the field.
 * The whole entry must fit `LIBRARY_LIMITS.entryBytes`, the terrain must build
 * and be light enough for a class (`checkEntryCost`), the preset must make
 * valid round settings on it, and every contrast optimizer must be one a
 * player could pick. Returns the entry with its terrain normalised (defaults
 * filled in) and its text trimmed.
 */
export function parseLibraryEntry(json: unknown, path = 'entry', budget: ComputeBudget = SUGGESTED_ROOM_BUDGET): LibraryEntry {
  return parseLibraryEntryWithLandscape(json, path, budget).entry;
}

/** As `parseLibraryEntry`, also returning the terrain's landscape (built once: `entryOptimizerFits` can reuse it). */
export function parseLibraryEntryWithLandscape(
  json: unknown,
  path = 'entry',
  budget: ComputeBudget = SUGGESTED_ROOM_BUDGET,
): { entry: LibraryEntry; landscape: Landscape } {
  const size = utf8Length(safeStringify(json));
  if (size > LIBRARY_LIMITS.entryBytes) {
    throw new SpecError(path, `is ${formatKb(size)} of JSON; an entry may be at most ${formatKb(LIBRARY_LIMITS.entryBytes)}`);
  }
  const o = asObject(json, path);
  rejectUnknownKeys(o, path, ['title', 'lesson', 'terrain', 'preset']);
  const title = textField(o.title, `${path}.title`, 1, LIBRARY_LIMITS.titleChars);
  const lesson = o.lesson === undefined ? '' : textField(o.lesson, `${path}.lesson`, 0, LIBRARY_LIMITS.lessonChars, true);
  const landscape = parseTerrain(o.terrain, `${path}.terrain`);
  // Too heavy for a class? Asked before anything evaluates the terrain: describing the largest
  // network (its view, its loss range) takes ~0.4 s, which a refused one should not cost.
  refuseHeavyTerrain(o.preset, landscape, budget, path);
  const preset = parsePreset(o.preset, `${path}.preset`, landscape);
  const entry: LibraryEntry = { title, lesson, terrain: landscape.spec, preset };
  checkEntryCost(entry, { budget, path, landscape });
  return { entry, landscape };
}

/** The terrain of an entry: a formula or a generated network; throws `SpecError` otherwise. */
export function parseTerrain(json: unknown, path = 'terrain'): Landscape {
  const o = asObject(json, path);
  if (o.kind !== 'expression' && o.kind !== 'mlp') {
    throw new SpecError(
      `${path}.kind`,
      `must be 'expression' (a formula in x and y) or 'mlp' (a network built from a dataset), got ${describeValue(o.kind)}; built-in terrains are in the catalogue already`,
    );
  }
  if (o.kind === 'mlp' && !('dataset' in o)) {
    throw new SpecError(
      `${path}.dataset`,
      'is required: a library network is kept as its recipe (dataset, samples, noise, seed, layers, activation, init), not as raw data and weights',
    );
  }
  return createLandscape(o, path);
}

/** A preset for `landscape`: the fields of `PresetSettings` that make valid round settings, and up to four contrasts. */
export function parsePreset(json: unknown, path: string, landscape: Landscape): TerrainPreset {
  const o = json === undefined ? {} : asObject(json, path);
  rejectUnknownKeys(o, path, ['settings', 'contrast']);
  const raw = o.settings === undefined ? {} : asObject(o.settings, `${path}.settings`);
  rejectUnknownKeys(raw, `${path}.settings`, PRESET_SETTING_FIELDS);
  const settings: Record<string, unknown> = {};
  for (const k of PRESET_SETTING_FIELDS) if (raw[k] !== undefined) settings[k] = raw[k];
  // The same rules a room applies (the preset is what a host's room gets when the entry is picked).
  const parsed = parseSettingsWithLandscape(
    presetSettingsPatch({ spec: landscape.spec, preset: { settings, contrast: [] } }),
    `${path}.settings`,
    landscape,
  );
  const contrastRaw = o.contrast === undefined ? [] : o.contrast;
  if (!Array.isArray(contrastRaw) || contrastRaw.length > LIBRARY_LIMITS.contrastEntries) {
    throw new SpecError(
      `${path}.contrast`,
      `must be a list of at most ${LIBRARY_LIMITS.contrastEntries} { label, optimizer } pairs, got ${describeValue(contrastRaw)}`,
    );
  }
  const contrast: PresetContrast[] = contrastRaw.map((c, i) => {
    const p = `${path}.contrast[${i}]`;
    const co = asObject(c, p);
    rejectUnknownKeys(co, p, ['label', 'optimizer']);
    const label = textField(co.label, `${p}.label`, 1, LIBRARY_LIMITS.contrastLabelChars);
    // A contrast is something a student could set: any kind, inside the preset's knob ranges.
    checkRacerOptimizer(
      { ...parsed.settings, allowedOptimizers: [...OPTIMIZER_KINDS] },
      co.optimizer,
      parsed.landscape.dim,
      `${p}.optimizer`,
    );
    return { label, optimizer: co.optimizer as PresetOptimizer };
  });
  return { settings: settings as PresetSettings, contrast };
}

/** Whether one player on an optimizer kind (its costliest variant under the preset's rules) fits the budget. */
export interface OptimizerFit {
  kind: OptimizerKind;
  fits: boolean;
  /** Why not, in the cost model's words (null when it fits). */
  reason: string | null;
}

export interface EntryCostOptions {
  /** Default `SUGGESTED_ROOM_BUDGET`. */
  budget?: ComputeBudget;
  /** Error paths start here (default 'entry'). */
  path?: string;
  /** The terrain's landscape, when the caller built it already (`parseLibraryEntryWithLandscape`). */
  landscape?: Landscape;
}

/**
 * The terrain cost rule of the library, built on the room cost model the
 * server enforces (`estimateRoomCost`, `roomCostRefusal`,
 * `SUGGESTED_ROOM_BUDGET`), in its suggested use: a full class
 * (`LIBRARY_CLASS_SIZE` players) on the preset's default optimizer must fit
 * the room budget, and so must one player on the costliest variant of the
 * default optimizer's kind. Other kinds that do not fit (Newton's dense
 * Hessian on a network in full space, say) are not refused: `entryOptimizerFits`
 * lists them, and a room using the entry leaves them out (`entrySettingsPatch`).
 * Throws `SpecError` naming the field to change (`entry.terrain` for a network
 * too heavy to carry); returns the class's cost.
 */
export function checkEntryCost(entry: LibraryEntry, options: EntryCostOptions = {}): RoomCost {
  const { budget = SUGGESTED_ROOM_BUDGET, path = 'entry' } = options;
  const { base, settings, landscape } = entrySettings(entry, path, options.landscape);
  const classCost = estimateRoomCost(settings, LIBRARY_CLASS_SIZE, { assume: 'default', landscape });
  const refusal = roomCostRefusal(classCost, budget);
  if (refusal)
    throw new SpecError(costField(path, refusal.field), `a class of ${LIBRARY_CLASS_SIZE} on the default optimizer: ${refusal.message}`);
  const own = kindFit(settings.defaultOptimizer.kind, base, settings, landscape, budget);
  if (!own.fits) {
    throw new SpecError(
      `${path}.preset.settings.defaultOptimizer`,
      `one player on ${own.kind} (its costliest settings under this preset) would not fit: ${own.reason}`,
    );
  }
  return classCost;
}

/** Per optimizer kind: may players pick it on this entry's terrain (one player on its costliest variant fits the budget)? */
export function entryOptimizerFits(entry: LibraryEntry, options: EntryCostOptions = {}): OptimizerFit[] {
  const { budget = SUGGESTED_ROOM_BUDGET, path = 'entry' } = options;
  const { base, settings, landscape } = entrySettings(entry, path, options.landscape);
  return OPTIMIZER_KINDS.map((kind) => kindFit(kind, base, settings, landscape, budget));
}

/**
 * The settings patch a room sends to use an entry: the preset's rules
 * (`presetSettingsPatch`), with the optimizers players may pick narrowed to
 * those the terrain can carry (`entryOptimizerFits`), so the server's compute
 * budget never refuses it for an optimizer the host did not think about.
 */
export function entrySettingsPatch(
  entry: LibraryEntry,
  current: { allowedOptimizers?: readonly string[] } = {},
  fitsList: readonly OptimizerFit[] = entryOptimizerFits(entry),
): Record<string, unknown> {
  const patch = presetSettingsPatch({ spec: entry.terrain, preset: entry.preset }, current);
  const fits = new Set(fitsList.filter((o) => o.fits).map((o) => o.kind));
  const wanted = ((patch.allowedOptimizers as string[] | undefined) ?? current.allowedOptimizers ?? OPTIMIZER_KINDS) as OptimizerKind[];
  let allowed = wanted.filter((k) => fits.has(k));
  if (allowed.length === 0) allowed = OPTIMIZER_KINDS.filter((k) => fits.has(k));
  const lrRange = (patch.knobRanges as { lr?: [number, number] }).lr ?? DEFAULT_KNOB_RANGES.lr;
  const chosen = patch.defaultOptimizer as { kind: OptimizerKind } | undefined;
  if (!chosen || !fits.has(chosen.kind)) patch.defaultOptimizer = defaultOptimizerFor(allowed, lrRange);
  const kind = (patch.defaultOptimizer as { kind: OptimizerKind }).kind;
  if (!allowed.includes(kind)) allowed.push(kind);
  patch.allowedOptimizers = allowed;
  return patch;
}

/** A library file (export, import): `{ format, version: 1, entries }`; each entry is checked by `parseLibraryEntry`. */
export function parseLibraryFile(json: unknown, path = 'file'): LibraryEntry[] {
  return libraryFileEntries(json, path).map((e, i) => parseLibraryEntry(e, `${path}.entries[${i}]`));
}

/**
 * A library file's entries, not yet validated: the file's format, version and
 * length are checked, and each entry is cut down to what makes an entry (an
 * export carries ids and dates; an import makes new ones). For a server that
 * validates them one by one, letting other work run between them.
 */
export function libraryFileEntries(json: unknown, path = 'file'): Record<string, unknown>[] {
  const o = asObject(json, path);
  if (o.format !== LIBRARY_FILE_FORMAT) {
    throw new SpecError(
      `${path}.format`,
      `must be '${LIBRARY_FILE_FORMAT}' (a file made by "Export library"), got ${describeValue(o.format)}`,
    );
  }
  if (o.version !== 1) throw new SpecError(`${path}.version`, `must be 1, got ${describeValue(o.version)}`);
  if (!Array.isArray(o.entries) || o.entries.length > LIBRARY_LIMITS.entriesPerKey) {
    throw new SpecError(
      `${path}.entries`,
      `must be a list of at most ${LIBRARY_LIMITS.entriesPerKey} entries, got ${describeValue(o.entries)}`,
    );
  }
  return o.entries.map((e, i) => {
    const eo = asObject(e, `${path}.entries[${i}]`);
    return { title: eo.title, lesson: eo.lesson, terrain: eo.terrain, preset: eo.preset };
  });
}

/** The export file of a list of entries (ids, dates and share links left out: an import makes new ones). */
export function libraryFile(entries: readonly LibraryEntry[]): { format: string; version: 1; entries: LibraryEntry[] } {
  return {
    format: LIBRARY_FILE_FORMAT,
    version: 1,
    entries: entries.map(({ title, lesson, terrain, preset }) => ({ title, lesson, terrain, preset })),
  };
}

// ───────────────────────────── internals ─────────────────────────────

/**
 * The class check of `checkEntryCost` on the preset's pace (tick rate, steps
 * per tick, default optimizer) with a scoring rule and start that need no
 * look at the terrain: a network too big for a class is refused from its
 * size alone. Anything wrong with the preset itself is left to `parsePreset`,
 * which names the field.
 */
function refuseHeavyTerrain(preset: unknown, landscape: Landscape, budget: ComputeBudget, path: string): void {
  if (landscape.dim === 2 && landscape.dataSize === undefined) return; // formulas: cheap, and priced exactly below
  let cost: RoomCost;
  try {
    const settings = (preset as { settings?: Record<string, unknown> } | undefined)?.settings ?? {};
    const pace: Record<string, unknown> = {};
    for (const k of ['tickRate', 'stepsPerTick', 'defaultOptimizer', 'knobRanges'] as const)
      if (settings[k] !== undefined) pace[k] = settings[k];
    // Parsed here against the landscape already built (the cost model takes parsed settings with a landscape).
    const { settings: parsed } = parseSettingsWithLandscape(
      { landscape: landscape.spec, ...pace, scoring: { kind: 'lowest-loss' }, startRule: { kind: 'random' } },
      'settings',
      landscape,
    );
    cost = estimateRoomCost(parsed, LIBRARY_CLASS_SIZE, { assume: 'default', landscape });
  } catch {
    return;
  }
  const refusal = roomCostRefusal(cost, budget);
  if (refusal)
    throw new SpecError(costField(path, refusal.field), `a class of ${LIBRARY_CLASS_SIZE} on the default optimizer: ${refusal.message}`);
}

function entrySettings(entry: LibraryEntry, path: string, built?: Landscape) {
  const base = presetSettingsPatch({ spec: entry.terrain, preset: entry.preset });
  const { settings, landscape } = parseSettingsWithLandscape(base, `${path}.preset.settings`, built);
  return { base, settings, landscape };
}

function kindFit(
  kind: OptimizerKind,
  base: Record<string, unknown>,
  settings: RaceSettings,
  landscape: Landscape,
  budget: ComputeBudget,
): OptimizerFit {
  const defaultOptimizer =
    settings.defaultOptimizer.kind === kind ? settings.defaultOptimizer : defaultOptimizerFor([kind], settings.knobRanges.lr);
  try {
    const { settings: only } = parseSettingsWithLandscape({ ...base, allowedOptimizers: [kind], defaultOptimizer }, 'settings', landscape);
    const worst = estimateRoomCost(only, 1, { landscape });
    const no = roomCostRefusal(worst, budget);
    return { kind, fits: no === null, reason: no?.message ?? null };
  } catch (e) {
    // The optimizer cannot run here at all (Newton above its parameter limit).
    if (e instanceof SpecError) return { kind, fits: false, reason: e.message.replace(/^[^:]*: /, '') };
    throw e;
  }
}

/** A settings field of the cost model → the entry's field a teacher changes. */
function costField(path: string, field: string): string {
  // The entry has no player limit: a class too big for the terrain means a lighter terrain.
  if (field === 'landscape' || field === 'maxPlayers') return `${path}.terrain`;
  return `${path}.preset.settings.${field}`;
}

// Control characters other than tab and newline (a lesson keeps its paragraphs).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

function textField(v: unknown, path: string, min: number, max: number, multiline = false): string {
  if (typeof v !== 'string') throw new SpecError(path, `must be text of ${min} to ${max} characters, got ${describeValue(v)}`);
  const text = v.trim();
  if (text.length < min || text.length > max) {
    throw new SpecError(path, `must be ${min} to ${max} characters, got ${text.length}`);
  }
  if (CONTROL.test(text) || (!multiline && /[\n\t]/.test(text))) {
    throw new SpecError(path, multiline ? 'must be plain text (no control characters)' : 'must be one line of plain text');
  }
  return text;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

/** Bytes of `s` in UTF-8 (shared has no TextEncoder: the language only). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function formatKb(bytes: number): string {
  return `${Number((bytes / 1024).toFixed(1))} KB`;
}
