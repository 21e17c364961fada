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
  type NetworkChoice,
  type NumericKnob,
  type OptimizerKind,
  type RaceSettings,
  type ScheduleChoice,
} from '@gradient-rally/shared';
import { type ChallengeExtras, dampingOf, networkOf } from '../challenges/challengeSetup';
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
 * - A challenge's own controls have their own keys (`CHALLENGE_EXTRA_CONTROLS`):
 *   `damping=1`, `activation=tanh`, `init=xavier`, `initScale=0.75`,
 *   `l2=0.005` (the network's own penalty (λ/2)‖w‖², not the optimizer's
 *   `weightDecay` knob), `raceOn=weights`, `curveSteps=1000`, `curveLr=1`;
 *   a key for a control the challenge does not offer is a problem.
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

/**
 * The controls only a challenge's screen offers, each its own link key (and `hide=` name): Newton's
 * damping, the network's build (activation, initialisation, its scale, the penalty λ on the real
 * weights as `l2` — a different thing from the optimizer's `weightDecay` knob), the race's space
 * ('Beyond the slice') and the Bézier curve's training.
 */
export const CHALLENGE_EXTRA_CONTROLS = ['damping', 'activation', 'init', 'initScale', 'l2', 'raceOn', 'curveSteps', 'curveLr'] as const;
export type ChallengeExtraControl = (typeof CHALLENGE_EXTRA_CONTROLS)[number];
/** What a challenge link may name in `hide=`. */
export type ChallengeControl = LinkControl | ChallengeExtraControl;

/** The link key of each network choice a challenge may offer. */
export const NETWORK_LINK_KEYS = {
  activation: 'activation',
  init: 'init',
  initScale: 'initScale',
  weightDecay: 'l2',
  slice: 'raceOn',
} as const satisfies Record<keyof NetworkChoice, ChallengeExtraControl>;

/** What each extra control is called on the challenge screen (the curve's two as `CurvePanel` labels its fields). */
export const CHALLENGE_EXTRA_LABELS: Readonly<Record<ChallengeExtraControl, string>> = {
  damping: 'Damping λ',
  activation: 'Activation',
  init: 'Initialisation',
  initScale: 'Initial scale',
  l2: 'Weight decay λ',
  raceOn: 'Race on',
  curveSteps: 'Curve training steps',
  curveLr: 'Curve step size (lr)',
};

/**
 * A challenge's setup in a link: the knobs, and the challenge's own controls (each present exactly when
 * the challenge offers it: decoding fills in the challenge's starting value where the link says nothing).
 */
export interface ChallengeLink {
  knobs: KnobValues;
  /** Challenges whose controls let the student choose a start. */
  start?: [number, number];
  /** Newton's damping λ (`controls.damping`). */
  damping?: number;
  /** The network choices the challenge offers (`controls.network`), only those. */
  network?: NetworkChoice;
  /** The Bézier curve's training (`controls.curve`). */
  curve?: { steps: number; lr: number };
  hidden: ChallengeControl[];
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

function decodeHidden<C extends string>(q: Map<string, string>, allowed: readonly C[], problems: LinkProblem[]): C[] {
  const text = q.get('hide');
  if (text === undefined || text === '') return [];
  const names = text.split(',').map((s) => s.trim());
  if (names.length > MAX_HIDDEN) {
    problems.push({ field: 'hide', message: `lists ${names.length} controls, more than the ${MAX_HIDDEN} allowed, so nothing is hidden` });
    return [];
  }
  const out: C[] = [];
  for (const n of names) {
    if ((allowed as readonly string[]).includes(n)) {
      if (!out.includes(n as C)) out.push(n as C);
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

/** Controls hidden by a link, in `LINK_CONTROLS`'s order, a challenge's own after them (a stable link for the same setup). */
function hiddenText(hidden: readonly ChallengeControl[]): string {
  return [...LINK_CONTROLS, ...CHALLENGE_EXTRA_CONTROLS].filter((c) => hidden.includes(c)).join(',');
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

/** The link key of a network choice back to the choice. */
const NETWORK_KEY_OF = Object.fromEntries(Object.entries(NETWORK_LINK_KEYS).map(([k, v]) => [v, k])) as Record<
  ChallengeExtraControl,
  keyof NetworkChoice | undefined
>;

/** Whether a challenge's screen offers one of the extra controls. */
export function offersControl(ch: Challenge, control: ChallengeExtraControl): boolean {
  const c = ch.controls;
  if (control === 'damping') return c.damping !== undefined;
  if (control === 'curveSteps' || control === 'curveLr') return c.curve !== undefined;
  const key = NETWORK_KEY_OF[control];
  return key !== undefined && c.network?.[key] !== undefined && c.network[key] !== false;
}

/** What a challenge link may hide: the controls a challenge shows (never its terrain), its own extras where it offers them. */
function challengeControls(ch: Challenge): ChallengeControl[] {
  return [...LINK_CONTROLS.filter((c) => c !== 'terrain'), ...CHALLENGE_EXTRA_CONTROLS.filter((c) => offersControl(ch, c))];
}

function challengeRules(ch: Challenge, s: RaceSettings): KnobRules {
  return { ...rulesOf(s), allowedOptimizers: [...ch.controls.optimizers] };
}

/** The challenge's starting value of each extra control it offers (what its plain link opens with). */
function startingExtras(ch: Challenge): Pick<ChallengeLink, 'damping' | 'network' | 'curve'> {
  const c = ch.controls;
  const out: Pick<ChallengeLink, 'damping' | 'network' | 'curve'> = {};
  if (c.damping) out.damping = dampingOf(ch.initial);
  if (c.network) {
    const initial = networkOf(ch, ch.initial) ?? {};
    const network: Record<string, unknown> = {};
    for (const control of CHALLENGE_EXTRA_CONTROLS) {
      const key = NETWORK_KEY_OF[control];
      if (!key || !offersControl(ch, control)) continue;
      // Racing on the slice is what a network challenge does unless told otherwise (as `RaceSpacePanel` opens).
      const v = key === 'slice' ? (initial.slice ?? true) : initial[key];
      if (v !== undefined) network[key] = v;
    }
    out.network = network as NetworkChoice;
  }
  if (c.curve) out.curve = ch.initial.curve ? { ...ch.initial.curve } : { steps: c.curve.steps[0], lr: c.curve.lr[0] };
  return out;
}

/** An extra control's value in a link, as written after `key=` (undefined where the link has none). */
function extraValue(link: Pick<ChallengeLink, 'damping' | 'network' | 'curve'>, control: ChallengeExtraControl): string | undefined {
  if (control === 'damping') return link.damping === undefined ? undefined : num(link.damping);
  if (control === 'curveSteps') return link.curve && num(link.curve.steps);
  if (control === 'curveLr') return link.curve && num(link.curve.lr);
  const key = NETWORK_KEY_OF[control]!;
  const v = link.network?.[key];
  if (v === undefined) return undefined;
  if (key === 'slice') return v ? 'slice' : 'weights';
  return typeof v === 'number' ? num(v) : String(v);
}

function encodeExtras(ch: Challenge, link: ChallengeLink): [string, string][] {
  const base = startingExtras(ch);
  const out: [string, string][] = [];
  for (const control of CHALLENGE_EXTRA_CONTROLS) {
    if (!offersControl(ch, control)) continue;
    const v = extraValue(link, control);
    if (v !== undefined && v !== extraValue(base, control)) out.push([control, v]);
  }
  return out;
}

/** A number a link gives a challenge's own control: inside the control's range (a whole number where it counts steps), else a problem. */
function rangedNumber(
  text: string,
  field: ChallengeExtraControl,
  [lo, hi]: readonly [number, number],
  whole: boolean,
  problems: LinkProblem[],
): number | undefined {
  const x = parseNumber(text);
  const label = CHALLENGE_EXTRA_LABELS[field];
  if (x === undefined) problems.push({ field, message: `(${label}) must be a number; got ${quoted(text)}` });
  else if (whole && !Number.isInteger(x)) problems.push({ field, message: `(${label}) must be a whole number; got ${quoted(text)}` });
  else if (x < lo || x > hi) problems.push({ field, message: `(${label}) must be from ${lo} to ${hi}; got ${quoted(text)}` });
  else return x;
  return undefined;
}

function decodeExtras(
  ch: Challenge,
  q: Map<string, string>,
  problems: LinkProblem[],
): Pick<ChallengeLink, 'damping' | 'network' | 'curve'> {
  const c = ch.controls;
  const out = startingExtras(ch);
  for (const control of CHALLENGE_EXTRA_CONTROLS) {
    const text = q.get(control);
    if (text === undefined) continue;
    const label = CHALLENGE_EXTRA_LABELS[control];
    if (!offersControl(ch, control)) {
      problems.push({ field: control, message: `(${label}) was left out: this challenge has no ${label.toLowerCase()} control` });
      continue;
    }
    if (control === 'damping') out.damping = rangedNumber(text, control, c.damping!, false, problems) ?? out.damping;
    else if (control === 'curveSteps' || control === 'curveLr') {
      const steps = control === 'curveSteps';
      const x = rangedNumber(text, control, steps ? c.curve!.steps : c.curve!.lr, steps, problems);
      if (x !== undefined) out.curve = { ...out.curve!, [steps ? 'steps' : 'lr']: x };
    } else {
      const key = NETWORK_KEY_OF[control]!;
      const offered = c.network![key];
      const network = out.network!;
      if (key === 'slice') {
        if (text === 'slice' || text === 'weights') network.slice = text === 'slice';
        else problems.push({ field: control, message: `(${label}) must be slice or weights; got ${quoted(text)}` });
      } else if (key === 'initScale' || key === 'weightDecay') {
        const x = rangedNumber(text, control, offered as readonly [number, number], false, problems);
        if (x !== undefined) network[key] = x;
      } else if ((offered as readonly string[]).includes(text)) (network as Record<string, unknown>)[key] = text;
      else
        problems.push({
          field: control,
          message: `(${label}) must be one of ${(offered as readonly string[]).join(', ')}; got ${quoted(text)}`,
        });
    }
  }
  return out;
}

/** A challenge's setup as a query (no `?`): `challenge=ID&…`, only what differs from the challenge's starting setup. */
export function encodeChallengeLink(ch: Challenge, link: ChallengeLink): string {
  const s = challengeSettings(ch, ch.initial, 1);
  const entries: [string, string][] = [['challenge', ch.id]];
  const s0 = ch.initial.start;
  if (ch.controls.start && link.start && !(s0 && s0[0] === link.start[0] && s0[1] === link.start[1]))
    entries.push(['start', link.start.map(num).join(',')]);
  entries.push(...encodeKnobs(link.knobs, optimizerSpecToKnobs(ch.initial.optimizer), challengeRules(ch, s)));
  entries.push(...encodeExtras(ch, link));
  const hidden = link.hidden.filter((c) => (challengeControls(ch) as readonly string[]).includes(c));
  if (hidden.length) entries.push(['hide', hiddenText(hidden)]);
  return writeLinkQuery(entries);
}

/**
 * Reads a challenge link (`/?challenge=ID&lr=…&activation=tanh&hide=…`) against the
 * challenge's own controls: a knob it fixes, an optimizer it does not offer,
 * a start where it gives none, a key for a control it does not offer, a value
 * outside its ranges or choices are problems.
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
  const extras = decodeExtras(ch, q, problems);
  const hidden = decodeHidden(q, challengeControls(ch), problems);
  const link: ChallengeLink = { knobs, ...extras, hidden };
  if (start) link.start = start;
  return { link, problems };
}

/** What the challenge screen's controls hold when it opens a link (the challenge's own values where the link says nothing). */
export function challengeExtrasOf(ch: Challenge, link: ChallengeLink): ChallengeExtras {
  return {
    start: link.start ?? ch.initial.start,
    damping: link.damping ?? dampingOf(ch.initial),
    network: networkOf(ch, { network: link.network }),
    curve: link.curve ?? ch.initial.curve,
  };
}

/**
 * Keeps a link's hidden start and extra controls at the link's values (a hint's "Use this setting" turns only
 * what the student can see, so the line saying the rest is fixed stays true).
 */
export function pinHiddenExtras(ch: Challenge, extras: ChallengeExtras, pinned: ChallengeLink): ChallengeExtras {
  const hides = (c: ChallengeControl) => pinned.hidden.includes(c);
  const out: ChallengeExtras = { ...extras };
  // A hint may name a start ('Start near (−2, −2)'): a link that fixes the start keeps its own.
  if (hides('start') && ch.controls.start) out.start = pinned.start ?? ch.initial.start;
  if (hides('damping') && pinned.damping !== undefined) out.damping = pinned.damping;
  for (const [key, control] of Object.entries(NETWORK_LINK_KEYS) as [keyof NetworkChoice, ChallengeExtraControl][]) {
    const v = pinned.network?.[key];
    if (hides(control) && v !== undefined) out.network = { ...out.network, [key]: v };
  }
  if (pinned.curve && (hides('curveSteps') || hides('curveLr'))) {
    const curve = out.curve ?? pinned.curve;
    out.curve = { steps: hides('curveSteps') ? pinned.curve.steps : curve.steps, lr: hides('curveLr') ? pinned.curve.lr : curve.lr };
  }
  return out;
}

const INIT_WORDS: Record<string, string> = { xavier: 'Xavier', he: 'He' };

/** "Optimizer: SGD; Activation: tanh; Initialisation: Xavier" — the values a challenge link fixes, for the line that says so. */
export function fixedByChallengeLinkText(link: ChallengeLink, format: (x: number) => string): string {
  const parts: string[] = [];
  const knobPart = fixedByLinkText(
    link.hidden.filter((c): c is LinkControl => (LINK_CONTROLS as readonly string[]).includes(c)),
    link.knobs,
    undefined,
    format,
  );
  if (knobPart) parts.push(knobPart);
  for (const control of CHALLENGE_EXTRA_CONTROLS) {
    if (!link.hidden.includes(control)) continue;
    const text = extraValue(link, control);
    if (text === undefined) continue;
    let shown = text;
    if (control === 'raceOn') shown = link.network?.slice ? 'the slice' : 'every weight';
    else if (control === 'init') shown = INIT_WORDS[text] ?? text;
    else if (control !== 'activation') shown = format(Number(text));
    parts.push(`${CHALLENGE_EXTRA_LABELS[control]}: ${shown}`);
  }
  return parts.join('; ');
}

// ───────────────────────── hidden controls ─────────────────────────

/**
 * Keeps a link's hidden knobs at the link's values while the optimizer is the
 * link's (another kind's knob of the same name means something else, e.g.
 * β1 for momentum, so it starts from that kind's default instead).
 */
export function pinHiddenKnobs(k: KnobValues, pinned: KnobValues, hidden: readonly ChallengeControl[]): KnobValues {
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
