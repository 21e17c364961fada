import type { LibraryEntry } from '@gradient-rally/shared';

/**
 * The builder's form as plain values, and the two translations: form → the
 * entry JSON shared validates (`entryFromForm`), an entry → the form
 * (`formFromEntry`, to edit one), and a refusal's field path → the input it is
 * about (`formFieldOf`), so an error shows beside what to change. Pure (Node
 * tests); the dialog (`EntryEditor.ts`) only reads and writes inputs.
 */
export interface EntryForm {
  title: string;
  lesson: string;
  terrainKind: 'mlp' | 'expression';
  expr: string;
  dataset: string;
  samples: string;
  noise: string;
  dataSeed: string;
  depth: string;
  width: string;
  classes: string;
  activation: string;
  init: string;
  initScale: string;
  space: 'slice' | 'full';
  roundSeconds: string;
  /** Ticks a second × updates a tick, e.g. '20x2' (the room default: 40 updates a second). */
  pace: string;
  /** Gradient evaluations per player (empty: no budget). */
  budget: string;
  /** The step sizes players may pick (empty: the room's defaults). */
  lrLow: string;
  lrHigh: string;
  scoring: string;
  start: string;
  optimizer: string;
  lr: string;
  /** Up to two lessons' comparisons: a label, an optimizer kind and its step size (rows with no label are left out). */
  contrast: { label: string; optimizer: string; lr: string }[];
}

/** A fresh form: a network on two spirals, three relu layers of 8 with He initialisation (what a first try can race on at once). */
export function defaultForm(terrainKind: 'mlp' | 'expression' = 'mlp'): EntryForm {
  return {
    title: '',
    lesson: '',
    terrainKind,
    expr: 'x^2 + y^2 - 1.5*exp(-((x-1)^2 + (y-1)^2)/0.05)',
    dataset: 'spirals',
    samples: '200',
    noise: '0.1',
    dataSeed: '1',
    depth: '3',
    width: '8',
    classes: '3',
    activation: 'relu',
    init: 'he',
    initScale: '1',
    space: 'slice',
    roundSeconds: '60',
    pace: '20x2',
    budget: '',
    lrLow: '',
    lrHigh: '',
    scoring: 'robust-loss',
    start: 'shared',
    optimizer: 'sgd',
    lr: '0.05',
    contrast: [
      { label: '', optimizer: 'sgd', lr: '0.05' },
      { label: '', optimizer: 'adam', lr: '0.01' },
    ],
  };
}

/** A number typed in a field, or the text itself (so shared's check names the field and says what arrived). */
function num(text: string): number | string {
  const t = text.trim();
  if (t === '') return t;
  const v = Number(t);
  return Number.isFinite(v) ? v : t;
}

/** The entry JSON the form describes (validated by shared's `parseLibraryEntry`, in the preview worker and on the server). */
export function entryFromForm(f: EntryForm): Record<string, unknown> {
  let terrain: Record<string, unknown>;
  if (f.terrainKind === 'expression') terrain = { kind: 'expression', expr: f.expr };
  else {
    const depth = Number(f.depth);
    const width = num(f.width);
    const classes = f.dataset === 'blobs' ? num(f.classes) : 2;
    const hidden = Number.isInteger(depth) && depth >= 0 && depth <= 64 ? Array.from({ length: depth }, () => width) : [width];
    terrain = {
      kind: 'mlp',
      dataset: f.dataset,
      samples: num(f.samples),
      noise: num(f.noise),
      seed: num(f.dataSeed),
      layers: [2, ...hidden, classes],
      activation: f.activation,
      init: f.init,
      initScale: num(f.initScale),
      slice: f.space === 'slice',
    };
  }
  const [tickRate, stepsPerTick] = f.pace.split('x').map(Number);
  const settings: Record<string, unknown> = {
    roundSeconds: num(f.roundSeconds),
    tickRate,
    stepsPerTick,
    scoring: { kind: f.scoring },
    startRule: { kind: f.start },
    defaultOptimizer: { kind: f.optimizer, lr: num(f.lr) },
  };
  if (f.budget.trim() !== '') settings.budget = num(f.budget);
  if (f.lrLow.trim() !== '' || f.lrHigh.trim() !== '') settings.knobRanges = { lr: [num(f.lrLow), num(f.lrHigh)] };
  const contrast = f.contrast
    .filter((c) => c.label.trim() !== '')
    .map((c) => ({ label: c.label, optimizer: { kind: c.optimizer, lr: num(c.lr) } }));
  return { title: f.title, lesson: f.lesson, terrain, preset: { settings, contrast } };
}

/** The form showing a stored entry (fields it does not set keep the defaults). */
export function formFromEntry(entry: Pick<LibraryEntry, 'title' | 'lesson' | 'terrain' | 'preset'>): EntryForm {
  const f = defaultForm(entry.terrain.kind === 'mlp' ? 'mlp' : 'expression');
  f.title = entry.title;
  f.lesson = entry.lesson;
  const t = entry.terrain as Record<string, unknown>;
  if (t.kind === 'expression') f.expr = String(t.expr ?? '');
  else if (t.kind === 'mlp') {
    const layers = Array.isArray(t.layers) ? (t.layers as number[]) : [2, Number(f.width), 2];
    f.dataset = String(t.dataset ?? f.dataset);
    f.samples = String(t.samples ?? f.samples);
    f.noise = String(t.noise ?? f.noise);
    f.dataSeed = String(t.seed ?? f.dataSeed);
    f.depth = String(layers.length - 2);
    f.width = String(layers[1] ?? f.width);
    f.classes = String(layers[layers.length - 1]);
    f.activation = String(t.activation ?? f.activation);
    f.init = String(t.init ?? f.init);
    f.initScale = String(t.initScale ?? f.initScale);
    f.space = t.slice === true ? 'slice' : 'full';
  }
  const s = entry.preset.settings as Record<string, unknown>;
  if (typeof s.roundSeconds === 'number') f.roundSeconds = String(s.roundSeconds);
  if (typeof s.tickRate === 'number' || typeof s.stepsPerTick === 'number') f.pace = `${s.tickRate ?? 20}x${s.stepsPerTick ?? 2}`;
  if (typeof s.budget === 'number') f.budget = String(s.budget);
  const lr = (s.knobRanges as { lr?: unknown } | undefined)?.lr;
  if (Array.isArray(lr)) [f.lrLow, f.lrHigh] = lr.map(String);
  const kindOf = (v: unknown) =>
    v && typeof v === 'object' && typeof (v as { kind?: unknown }).kind === 'string' ? (v as { kind: string }).kind : undefined;
  f.scoring = kindOf(s.scoring) ?? f.scoring;
  f.start = kindOf(s.startRule) ?? f.start;
  const opt = s.defaultOptimizer as { kind?: string; lr?: number } | undefined;
  if (opt?.kind) f.optimizer = opt.kind;
  if (typeof opt?.lr === 'number') f.lr = String(opt.lr);
  entry.preset.contrast.slice(0, f.contrast.length).forEach((c, i) => {
    const o = c.optimizer as { kind: string; lr?: unknown };
    f.contrast[i] = { label: c.label, optimizer: o.kind, lr: typeof o.lr === 'number' ? String(o.lr) : f.contrast[i].lr };
  });
  return f;
}

/** Which input a refusal is about, from its field path (`entry.terrain.layers[2]` → 'width'). */
export type FormField = Exclude<keyof EntryForm, 'contrast' | 'terrainKind'> | `contrast${number}` | 'terrain' | 'preset' | 'entry';

export function formFieldOf(path: string, depth?: number): FormField {
  const p = path.replace(/^entry\.?/, '');
  if (p === '') return 'entry';
  if (p.startsWith('title')) return 'title';
  if (p.startsWith('lesson')) return 'lesson';
  if (p.startsWith('terrain.expr')) return 'expr';
  if (p.startsWith('terrain.dataset')) return 'dataset';
  if (p.startsWith('terrain.samples') || p.startsWith('terrain.testSamples')) return 'samples';
  if (p.startsWith('terrain.noise')) return 'noise';
  if (p.startsWith('terrain.seed')) return 'dataSeed';
  if (p.startsWith('terrain.layers')) {
    const m = /^terrain\.layers\[(\d+)\]/.exec(p);
    if (!m) return 'depth';
    // [inputs, hidden…, classes]: the last size is the classes.
    return depth !== undefined && Number(m[1]) === depth + 1 ? 'classes' : 'width';
  }
  if (p.startsWith('terrain.activation')) return 'activation';
  if (p.startsWith('terrain.initScale')) return 'initScale';
  if (p.startsWith('terrain.init')) return 'init';
  if (p.startsWith('terrain.slice')) return 'space';
  if (p.startsWith('terrain')) return 'terrain';
  if (p.startsWith('preset.settings.roundSeconds')) return 'roundSeconds';
  if (p.startsWith('preset.settings.tickRate') || p.startsWith('preset.settings.stepsPerTick')) return 'pace';
  if (p.startsWith('preset.settings.scoring')) return 'scoring';
  if (p.startsWith('preset.settings.budget')) return 'budget';
  if (p.startsWith('preset.settings.knobRanges.lr[0]')) return 'lrLow';
  if (p.startsWith('preset.settings.knobRanges')) return 'lrHigh';
  if (p.startsWith('preset.settings.startRule')) return 'start';
  if (p.startsWith('preset.settings.defaultOptimizer.lr')) return 'lr';
  if (p.startsWith('preset.settings.defaultOptimizer')) return 'optimizer';
  const c = /^preset\.contrast\[(\d+)\]/.exec(p);
  if (c) return `contrast${Number(c[1])}`;
  return 'preset';
}
