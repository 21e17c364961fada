/**
 * A student's progress through the challenges, kept in this browser: the
 * most stars earned per challenge and the best value measured. Plain logic
 * (tested in Node); the screens read and write it through `loadProgress` /
 * `saveProgress`.
 */

/** The browser storage key of the progress table. */
export const PROGRESS_KEY = 'gradient-rally:challenges';

export interface ChallengeProgress {
  /** 1–3 once passed. */
  stars: number;
  /** The best (lowest) value of the goal's measure so far. */
  best: number;
}

export type ProgressTable = Record<string, ChallengeProgress>;

/** Reads the stored table, dropping anything malformed or unknown (it is the browser's, not ours). */
export function parseProgress(text: string | null, knownIds: readonly string[]): ProgressTable {
  const out: ProgressTable = {};
  if (!text) return out;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const p = v as Partial<ChallengeProgress> | null;
    if (!knownIds.includes(k) || !p) continue;
    if (typeof p.stars === 'number' && [1, 2, 3].includes(p.stars) && typeof p.best === 'number' && Number.isFinite(p.best))
      out[k] = { stars: p.stars, best: p.best };
  }
  return out;
}

/** Records a passed attempt: the stars and the best value only ever improve. Returns the new table. */
export function recordPass(table: Readonly<ProgressTable>, id: string, stars: number, value: number): ProgressTable {
  const prev = table[id];
  return { ...table, [id]: { stars: Math.max(prev?.stars ?? 0, stars), best: Math.min(prev?.best ?? Number.POSITIVE_INFINITY, value) } };
}

export function loadProgress(knownIds: readonly string[]): ProgressTable {
  try {
    return parseProgress(localStorage.getItem(PROGRESS_KEY), knownIds);
  } catch {
    return {};
  }
}

export function saveProgress(table: ProgressTable): void {
  try {
    localStorage.setItem(PROGRESS_KEY, JSON.stringify(table));
  } catch {
    /* storage full or blocked: the pass is still shown, just not kept */
  }
}

/** "★★☆" with words for screen readers beside it. */
export function starsText(stars: number): string {
  return '★'.repeat(stars) + '☆'.repeat(3 - stars);
}
