import {
  challengeSettings,
  checkFormulaRange,
  createLandscape,
  DEFAULT_PRESET,
  FormulaError,
  KNOB_NAMES,
  KNOBS,
  knobApplies,
  knobLabel,
  knobsForKind,
  clampKnob,
  landscapeCatalogue,
  nesterovApplies,
  NUMERIC_KNOBS,
  OPTIMIZER_LABELS,
  optimizerSpecToKnobs,
  SCHEDULE_CHOICES,
  SCHEDULE_LABELS,
  SpecError,
  type Bounds2D,
  type CatalogueEntry,
  type Challenge,
  type KnobName,
  type KnobValues,
  type NumericKnob,
  type OptimizerKind,
  type RaceSettings,
  type ScheduleChoice,
} from '@gradient-rally/shared';
import { soloSettings, type SoloTerrain } from '../solo/soloRound';

/**
 * A solo or challenge setup as a link (issue 10's "shareable setups", after
 * TensorFlow Playground's URL state): a flat, readable query an instructor
 * can edit by hand — `/?solo&terrain=rosenbrock&optimizer=adam&lr=0.05&hide=optimizer,lr`.
 *
 * - Every key is optional; a setting equal to the terrain's (or the
 *   challenge's) starting setting is left out, and unknown keys are ignored.
 * - Knobs use shared's knob names (`lr`, `momentum`, `beta2`, `noise`,
 *   `samRadius`, `weightDecay`, `batchSize`, `schedule`) plus `optimizer`
 *   and `nesterov`; `start=x,y`; a formula is `formula=…` with optional
 *   `bounds=xMin,xMax,yMin,yMax`; `hide=` lists controls the link fixes.
 * - Every value is checked against shared's rules (the round's allowed
 *   optimizers, knob ranges and locks, shared's formula parser and its
 *   limits, the terrain's view for a start). A value that fails is named in
 *   a `LinkProblem` and that one setting falls back to its default; the rest
 *   of the link still applies. A link longer than `MAX_LINK_LENGTH` is not
 *   read at all.
 * - Values are decoded with `decodeURIComponent`, never the form decoding
 *   that turns `+` into a space, so `formula=x^2+y^2` typed by hand means
 *   what it says; the encoder leaves `^ + , /` readable.
 *
 * Pure (no DOM): tested in Node (test/client/setupLink.test.ts).
 */

/** The longest query a link may have (characters after `?`); a formula alone may take 500 (shared's limit). */
export const MAX_LINK_LENGTH = 2000;
/** At most this many names in `hide=`. */
const MAX_HIDDEN = 16;
/** A number in a link: plain decimal or exponent notation, at most this many characters. */
const MAX_NUMBER_TEXT = 32;
const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
/** A formula's view may reach this far from the origin (the arena draws it; farther is no lesson). */
export const MAX_FORMULA_BOUND = 1e6;
const DEFAULT_FORMULA_BOUNDS: Readonly<Bounds2D> = Object.freeze({ xMin: -3, xMax: 3, yMin: -3, yMax: 3 });

/** The controls a link can hide: the terrain (solo only), the start, the optimizer and each knob. */
export const LINK_CONTROLS = ['terrain', 'start', 'optimizer', ...KNOB_NAMES] as const;
export type LinkControl = (typeof LINK_CONTROLS)[number];

/** One setting of a link that could not be used: the key as written in the link, and why in plain words. */
export interface LinkProblem {
  field: string;
  message: string;
}

/** A solo terrain in a link: a catalogue entry by id, or a formula with its view. */
export type LinkTerrain = { id: string } | { formula: string; bounds?: Bounds2D };

export interface SoloLink {
  terrain: LinkTerrain;
  knobs: KnobValues;
  /** A clicked start (a point of the view); absent = the terrain's start rule. */
  start?: [number, number];
  hidden: LinkControl[];
}

export interface ChallengeLink {
  knobs: KnobValues;
  /** Challenges whose controls let the student choose a start. */
  start?: [number, number];
  hidden: LinkControl[];
}

// ───────────────────────── the query's text ─────────────────────────

/** Reads a query (`?a=1&b` or `a=1&b`): the first value of each key, decoded without `+` → space. Malformed escapes are problems. */
export function readLinkQuery(search: string, problems: LinkProblem[]): Map<string, string> {
  const out = new Map<string, string>();
  const text = search.startsWith('?') ? search.slice(1) : search;
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey);
      value = decodeURIComponent(rawValue);
    } catch {
      problems.push({ field: rawKey.slice(0, 30), message: 'has a broken %-escape and was left out' });
      continue;
    }
    if (!out.has(key)) out.set(key, value);
  }
  return out;
}

/** Writes a query: `key` alone when the value is '', else `key=value`, with `^ + , /` left readable. */
export function writeLinkQuery(entries: readonly (readonly [string, string])[]): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%5E/g, '^').replace(/%2B/g, '+').replace(/%2C/g, ',').replace(/%2F/g, '/');
  return entries.map(([k, v]) => (v === '' ? enc(k) : `${enc(k)}=${enc(v)}`)).join('&');
}

/** A plain-language line for the player: what in the link could not be used. */
export function linkProblemsText(problems: readonly LinkProblem[]): string {
  if (!problems.length) return '';
  const parts = problems.slice(0, 6).map((p) => `“${p.field}” ${p.message}`);
  const more = problems.length > 6 ? ` (and ${problems.length - 6} more)` : '';
  return `Part of this link could not be used: ${parts.join('; ')}${more}. Those settings are at their defaults; the rest is as the link says.`;
}

function tooLong(search: string): LinkProblem[] {
  const length = search.replace(/^\?/, '').length;
  return length > MAX_LINK_LENGTH
    ? [{ field: 'link', message: `is ${length} characters long, more than the ${MAX_LINK_LENGTH} allowed, so none of it was used` }]
    : [];
}

function parseNumber(text: string): number | undefined {
  if (text.length > MAX_NUMBER_TEXT || !NUMBER_TEXT.test(text)) return undefined;
  const x = Number(text);
  return Number.isFinite(x) ? x : undefined;
}

function parseNumbers(text: string, n: number): number[] | undefined {
  const parts = text.split(',');
  if (parts.length !== n) return undefined;
  const xs = parts.map((p) => parseNumber(p.trim()));
  return xs.every((x) => x !== undefined) ? (xs as number[]) : undefined;
}

const quoted = (s: string) => `“${s.length > 40 ? `${s.slice(0, 40)}…` : s}”`;
const num = (x: number) => String(x);

// ───────────────────────── knobs ─────────────────────────

/** What a round lets the knobs be (a `RaceSettings` has all of it). */
type KnobRules = Pick<RaceSettings, 'allowedOptimizers' | 'knobRanges' | 'lockedKnobs'> & { mlp: boolean };

function rulesOf(s: RaceSettings): KnobRules {
  return { allowedOptimizers: s.allowedOptimizers, knobRanges: s.knobRanges, lockedKnobs: s.lockedKnobs, mlp: s.landscape.kind === 'mlp' };
}

/** A knob that means something for a kind on this terrain (batch size only on networks). */
function knobShown(kind: OptimizerKind, k: KnobName, mlp: boolean): boolean {
  return knobApplies(kind, k) && (!KNOBS[k].dataOnly || mlp);
}

/**
 * The knobs a link's optimizer starts from: the setup's own, or on another
 * kind that kind's defaults (as the knobs panel switches kinds, clamped to
 * the round's ranges) — encode and decode both measure from here.
 */
function baseKnobs(defaults: KnobValues, kind: OptimizerKind, rules: KnobRules): KnobValues {
  if (kind === defaults.kind) return { ...defaults };
  const next = knobsForKind(defaults, kind);
  return {
    ...next,
    momentum: clampKnob(rules.knobRanges, 'momentum', next.momentum),
    beta2: clampKnob(rules.knobRanges, 'beta2', next.beta2),
  };
}

function encodeKnobs(k: KnobValues, defaults: KnobValues, rules: KnobRules): [string, string][] {
  const out: [string, string][] = [];
  if (k.kind !== defaults.kind) out.push(['optimizer', k.kind]);
  const base = baseKnobs(defaults, k.kind, rules);
  for (const name of NUMERIC_KNOBS) {
    if (knobShown(k.kind, name, rules.mlp) && k[name] !== base[name]) out.push([name, num(k[name])]);
    if (name === 'momentum' && nesterovApplies(k.kind) && k.nesterov !== base.nesterov) out.push(['nesterov', k.nesterov ? '1' : '0']);
  }
  if (k.schedule !== base.schedule) out.push(['schedule', k.schedule]);
  return out;
}

function decodeKnobs(q: Map<string, string>, defaults: KnobValues, rules: KnobRules, problems: LinkProblem[]): KnobValues {
  let kind = defaults.kind;
  const kindText = q.get('optimizer');
  if (kindText !== undefined) {
    if ((rules.allowedOptimizers as readonly string[]).includes(kindText)) kind = kindText as OptimizerKind;
    else
      problems.push({ field: 'optimizer', message: `must be one of ${rules.allowedOptimizers.join(', ')} here; got ${quoted(kindText)}` });
  }
  const k = baseKnobs(defaults, kind, rules);
  const fixed = (name: KnobName) => rules.lockedKnobs.includes(name);
  for (const name of NUMERIC_KNOBS) {
    const text = q.get(name);
    if (text === undefined) continue;
    const label = knobLabel(kind, name);
    if (!knobShown(kind, name, rules.mlp)) {
      problems.push({ field: name, message: `(${label}) does not apply to ${OPTIMIZER_LABELS[kind]} here` });
      continue;
    }
    if (fixed(name)) {
      problems.push({ field: name, message: `(${label}) is fixed here at ${num(k[name])}` });
      continue;
    }
    const x = parseNumber(text);
    const [lo, hi] = rules.knobRanges[name as NumericKnob];
    const offOk = KNOBS[name].offAtZero && x === 0;
    if (x === undefined) problems.push({ field: name, message: `(${label}) must be a number; got ${quoted(text)}` });
    else if (KNOBS[name].scale === 'integer' && !Number.isInteger(x))
      problems.push({ field: name, message: `(${label}) must be a whole number; got ${quoted(text)}` });
    else if (!offOk && (x < lo || x > hi))
      problems.push({
        field: name,
        message: `(${label}) must be from ${lo} to ${hi}${KNOBS[name].offAtZero ? ' (or 0 for off)' : ''}; got ${quoted(text)}`,
      });
    else k[name] = x;
  }
  const nesterov = q.get('nesterov');
  if (nesterov !== undefined) {
    if (!nesterovApplies(kind)) problems.push({ field: 'nesterov', message: `does not apply to ${OPTIMIZER_LABELS[kind]}` });
    else if (fixed('momentum')) problems.push({ field: 'nesterov', message: 'is fixed here' });
    else if (nesterov === '1' || nesterov === 'true' || nesterov === '') k.nesterov = true;
    else if (nesterov === '0' || nesterov === 'false') k.nesterov = false;
    else problems.push({ field: 'nesterov', message: `must be 1 or 0; got ${quoted(nesterov)}` });
  }
  const schedule = q.get('schedule');
  if (schedule !== undefined) {
    if (fixed('schedule')) problems.push({ field: 'schedule', message: 'is fixed here' });
    else if ((SCHEDULE_CHOICES as readonly string[]).includes(schedule)) k.schedule = schedule as ScheduleChoice;
    else problems.push({ field: 'schedule', message: `must be one of ${SCHEDULE_CHOICES.join(', ')}; got ${quoted(schedule)}` });
  }
  return k;
}

function decodeHidden(q: Map<string, string>, allowed: readonly LinkControl[], problems: LinkProblem[]): LinkControl[] {
  const text = q.get('hide');
  if (text === undefined || text === '') return [];
  const names = text.split(',').map((s) => s.trim());
  if (names.length > MAX_HIDDEN) {
    problems.push({ field: 'hide', message: `lists ${names.length} controls, more than the ${MAX_HIDDEN} allowed, so nothing is hidden` });
    return [];
  }
  const out: LinkControl[] = [];
  for (const n of names) {
    if ((allowed as readonly string[]).includes(n)) {
      if (!out.includes(n as LinkControl)) out.push(n as LinkControl);
    } else if (n)
      problems.push({ field: 'hide', message: `names ${quoted(n)}, which is not a control here (one of ${allowed.join(', ')})` });
  }
  return out;
}

function decodeStart(q: Map<string, string>, problems: LinkProblem[], check: (p: [number, number]) => void): [number, number] | undefined {
  const text = q.get('start');
  if (text === undefined) return undefined;
  const xy = parseNumbers(text, 2);
  if (!xy) {
    problems.push({ field: 'start', message: `must be two numbers x,y; got ${quoted(text)}` });
    return undefined;
  }
  const p: [number, number] = [xy[0], xy[1]];
  try {
    check(p);
  } catch (e) {
    problems.push({
      field: 'start',
      message: `is outside this terrain (${e instanceof SpecError ? e.message.replace(/^[\w.[\]]+: /, '') : String(e)})`,
    });
    return undefined;
  }
  return p;
}

/** Controls hidden by a link, in `LINK_CONTROLS`'s order (a stable link for the same setup). */
function hiddenText(hidden: readonly LinkControl[]): string {
  return LINK_CONTROLS.filter((c) => hidden.includes(c)).join(',');
}

// ───────────────────────── solo ─────────────────────────

/** A catalogue entry's id in a link: its terrain's kind (each kind is in the catalogue once), the network named for its data. */
export function catalogueId(entry: Pick<CatalogueEntry, 'spec'>): string {
  return entry.spec.kind === 'mlp' ? 'moons-network' : entry.spec.kind;
}

/** The catalogue, built once (it builds every terrain, the network's data too); callers get copies of a preset. */
let catalogueCache: readonly CatalogueEntry[] | undefined;
function catalogue(): readonly CatalogueEntry[] {
  return (catalogueCache ??= landscapeCatalogue());
}

/** The terrain a link names, as solo plays it; throws `SpecError` (or `FormulaError`) naming what is wrong. */
export function soloTerrainOf(t: LinkTerrain): SoloTerrain & { title: string } {
  if ('id' in t) {
    const entry = catalogue().find((e) => catalogueId(e) === t.id);
    if (!entry) throw new SpecError('terrain', `must be one of ${catalogue().map(catalogueId).join(', ')}; got ${quoted(t.id)}`);
    return { spec: entry.spec, preset: structuredClone(entry.preset), title: entry.title };
  }
  const spec = { kind: 'expression' as const, expr: t.formula, bounds: { ...(t.bounds ?? DEFAULT_FORMULA_BOUNDS) } };
  const L = createLandscape(spec);
  const range = checkFormulaRange(L);
  if (range.problem) throw new SpecError('formula', range.problem);
  return { spec: L.spec, preset: DEFAULT_PRESET, title: `f(x, y) = ${t.formula}` };
}

/** The link's terrain of a terrain solo plays (the reverse of `soloTerrainOf`). */
export function linkTerrainOf(spec: unknown): LinkTerrain {
  const s = spec as { kind: string; expr?: string; bounds?: Bounds2D };
  if (s.kind === 'expression') {
    const b = s.bounds;
    const d = DEFAULT_FORMULA_BOUNDS;
    const isDefault = !b || (b.xMin === d.xMin && b.xMax === d.xMax && b.yMin === d.yMin && b.yMax === d.yMax);
    return isDefault ? { formula: s.expr ?? '' } : { formula: s.expr ?? '', bounds: { ...b } };
  }
  return { id: catalogueId({ spec: s as CatalogueEntry['spec'] }) };
}

/** The knobs solo opens a terrain with (its preset's default optimizer). */
export function terrainKnobs(settings: RaceSettings): KnobValues {
  return optimizerSpecToKnobs(settings.defaultOptimizer);
}

/** A solo setup as a query (no `?`): `solo&terrain=…&…`. */
export function encodeSoloLink(link: SoloLink, settings: RaceSettings = soloSettings(soloTerrainOf(link.terrain))): string {
  const entries: [string, string][] = [['solo', '']];
  if ('id' in link.terrain) entries.push(['terrain', link.terrain.id]);
  else {
    entries.push(['formula', link.terrain.formula]);
    const b = link.terrain.bounds;
    if (b) entries.push(['bounds', [b.xMin, b.xMax, b.yMin, b.yMax].map(num).join(',')]);
  }
  if (link.start) entries.push(['start', link.start.map(num).join(',')]);
  entries.push(...encodeKnobs(link.knobs, terrainKnobs(settings), rulesOf(settings)));
  if (link.hidden.length) entries.push(['hide', hiddenText(link.hidden)]);
  return writeLinkQuery(entries);
}

export interface DecodedSoloLink {
  link: SoloLink;
  /** The terrain to play (the first of the catalogue when the link's could not be used). */
  terrain: SoloTerrain & { title: string };
  problems: LinkProblem[];
}

/** Reads a solo link (the page's `location.search`); every problem falls back to that setting's default. */
export function decodeSoloLink(search: string): DecodedSoloLink {
  const problems = tooLong(search);
  const q = problems.length ? new Map<string, string>() : readLinkQuery(search, problems);
  let linkTerrain: LinkTerrain = { id: catalogueId(catalogue()[0]) };
  let terrain = soloTerrainOf(linkTerrain);
  const formula = q.get('formula');
  const id = q.get('terrain');
  if (formula !== undefined) {
    if (id !== undefined && id !== 'formula')
      problems.push({ field: 'terrain', message: 'was left out: the link also has a formula, and the formula is the terrain' });
    let bounds: Bounds2D | undefined;
    const boundsText = q.get('bounds');
    if (boundsText !== undefined) {
      const b = parseNumbers(boundsText, 4);
      if (!b || b.some((x) => Math.abs(x) > MAX_FORMULA_BOUND) || !(b[0] < b[1] && b[2] < b[3]))
        problems.push({
          field: 'bounds',
          message: `must be xMin,xMax,yMin,yMax with xMin < xMax, yMin < yMax, each within ±${MAX_FORMULA_BOUND}; got ${quoted(boundsText)}`,
        });
      else bounds = { xMin: b[0], xMax: b[1], yMin: b[2], yMax: b[3] };
    }
    const t: LinkTerrain = bounds ? { formula, bounds } : { formula };
    try {
      terrain = soloTerrainOf(t);
      linkTerrain = t;
    } catch (e) {
      problems.push({ field: 'formula', message: `could not be drawn (${formulaProblem(e)}), so the first terrain is shown` });
    }
  } else if (id !== undefined) {
    try {
      terrain = soloTerrainOf({ id });
      linkTerrain = { id };
    } catch (e) {
      problems.push({ field: 'terrain', message: e instanceof SpecError ? e.message.replace(/^terrain: /, '') : String(e) });
    }
  }
  const settings = soloSettings(terrain);
  const start = decodeStart(q, problems, (p) => soloSettings(terrain, p));
  const knobs = decodeKnobs(q, terrainKnobs(settings), rulesOf(settings), problems);
  const hidden = decodeHidden(q, LINK_CONTROLS, problems);
  const link: SoloLink = { terrain: linkTerrain, knobs, hidden };
  if (start) link.start = start;
  return { link, terrain, problems };
}

function formulaProblem(e: unknown): string {
  if (e instanceof FormulaError) return e.problem;
  if (e instanceof SpecError) return e.message.replace(/^[\w.[\]]+: /, '');
  return String(e);
}

// ───────────────────────── challenges ─────────────────────────

/** What a challenge link may hide: the controls a challenge shows (never its terrain). */
const CHALLENGE_CONTROLS: readonly LinkControl[] = LINK_CONTROLS.filter((c) => c !== 'terrain');

function challengeRules(ch: Challenge, s: RaceSettings): KnobRules {
  return { ...rulesOf(s), allowedOptimizers: [...ch.controls.optimizers] };
}

/** A challenge's setup as a query (no `?`): `challenge=ID&…`, only what differs from the challenge's starting setup. */
export function encodeChallengeLink(ch: Challenge, link: ChallengeLink): string {
  const s = challengeSettings(ch, ch.initial, 1);
  const entries: [string, string][] = [['challenge', ch.id]];
  const s0 = ch.initial.start;
  if (ch.controls.start && link.start && !(s0 && s0[0] === link.start[0] && s0[1] === link.start[1]))
    entries.push(['start', link.start.map(num).join(',')]);
  entries.push(...encodeKnobs(link.knobs, optimizerSpecToKnobs(ch.initial.optimizer), challengeRules(ch, s)));
  if (link.hidden.length) entries.push(['hide', hiddenText(link.hidden)]);
  return writeLinkQuery(entries);
}

/**
 * Reads a challenge link (`/?challenge=ID&lr=…&hide=…`) against the
 * challenge's own controls: a knob it fixes, an optimizer it does not offer,
 * a start where it gives one, a value outside its ranges are problems.
 */
export function decodeChallengeLink(ch: Challenge, search: string): { link: ChallengeLink; problems: LinkProblem[] } {
  const problems = tooLong(search);
  const q = problems.length ? new Map<string, string>() : readLinkQuery(search, problems);
  const s = challengeSettings(ch, ch.initial, 1);
  let start: [number, number] | undefined;
  if (q.has('start')) {
    if (ch.controls.start) start = decodeStart(q, problems, (p) => challengeSettings(ch, { ...ch.initial, start: p }, 1));
    else problems.push({ field: 'start', message: 'is fixed in this challenge' });
  }
  const knobs = decodeKnobs(q, optimizerSpecToKnobs(ch.initial.optimizer), challengeRules(ch, s), problems);
  const hidden = decodeHidden(q, CHALLENGE_CONTROLS, problems);
  const link: ChallengeLink = { knobs, hidden };
  if (start) link.start = start;
  return { link, problems };
}

// ───────────────────────── hidden controls ─────────────────────────

/**
 * Keeps a link's hidden knobs at the link's values while the optimizer is the
 * link's (another kind's knob of the same name means something else, e.g.
 * β1 for momentum, so it starts from that kind's default instead).
 */
export function pinHiddenKnobs(k: KnobValues, pinned: KnobValues, hidden: readonly LinkControl[]): KnobValues {
  if (k.kind !== pinned.kind) return k;
  const out = { ...k };
  for (const name of NUMERIC_KNOBS) if (hidden.includes(name)) out[name] = pinned[name];
  if (hidden.includes('momentum')) out.nesterov = pinned.nesterov;
  if (hidden.includes('schedule')) out.schedule = pinned.schedule;
  return out;
}

/** "Optimizer: Adam; Momentum (β1): 0.9" — the values a link fixes, for the line that says so. */
export function fixedByLinkText(
  hidden: readonly LinkControl[],
  k: KnobValues,
  terrainTitle: string | undefined,
  format: (x: number) => string,
): string {
  const parts: string[] = [];
  for (const c of LINK_CONTROLS) {
    if (!hidden.includes(c)) continue;
    if (c === 'terrain') parts.push(`Terrain: ${terrainTitle ?? 'as linked'}`);
    else if (c === 'start') parts.push('Start');
    else if (c === 'optimizer') parts.push(`Optimizer: ${OPTIMIZER_LABELS[k.kind]}`);
    else if (c === 'schedule') parts.push(`${KNOBS.schedule.label}: ${SCHEDULE_LABELS[k.schedule]}`);
    else if (knobApplies(k.kind, c)) parts.push(`${knobLabel(k.kind, c)}: ${format(k[c])}`);
  }
  return parts.join('; ');
}
