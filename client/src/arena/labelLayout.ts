/**
 * Where racer names go so that no two overlap: racers that start on the same
 * point (a shared start) would otherwise stack every name on one spot, on a
 * student's phone and on the projector alike. Greedy placement, most
 * important label first (the viewer's own racer): each label takes the first
 * free spot beside its marker, then spots further out in columns to the right
 * and left, joined to the marker by a leader line. A label with no free spot
 * in view is left out (the leaderboard and the lobby's wall of names still
 * list everyone); the viewer's own label is always placed.
 *
 * Pure and in screen pixels, so it is tested in Node.
 */
export interface LabelRequest {
  id: string;
  /** The marker's centre. */
  x: number;
  y: number;
  /** The marker's radius. */
  r: number;
  /** The label's size. */
  w: number;
  h: number;
  /** Placed first (the viewer's own racer). */
  first?: boolean;
}

export interface PlacedLabel {
  id: string;
  /** Top-left corner of the label. */
  x: number;
  y: number;
  /** A line from the marker's edge to the label, when the label sits away from its marker. */
  leader: [x0: number, y0: number, x1: number, y1: number] | null;
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const GAP = 3;
/** Leader-line columns: how many rows above and below the marker, and how far out the columns start. */
const COLUMN_ROWS = 8;
const COLUMN_OFFSET = 26;

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Candidate spots for one label, nearest first: beside the marker, then out in columns with a leader line. */
function candidates(l: LabelRequest): { rect: Rect; leader: boolean }[] {
  const { x, y, r, w, h } = l;
  const d = r + GAP;
  const near: Rect[] = [
    { x: x + d, y: y - r - h + 4, w, h }, // upper right (the classic spot)
    { x: x + d, y: y - h / 2, w, h }, // right
    { x: x - d - w, y: y - h / 2, w, h }, // left
    { x: x + d, y: y + r - 4, w, h }, // lower right
    { x: x - d - w, y: y - r - h + 4, w, h }, // upper left
    { x: x - d - w, y: y + r - 4, w, h }, // lower left
    { x: x - w / 2, y: y - d - h, w, h }, // above
    { x: x - w / 2, y: y + d, w, h }, // below
  ];
  const out: { rect: Rect; leader: boolean }[] = near.map((rect) => ({ rect, leader: false }));
  for (let k = 0; k <= COLUMN_ROWS; k++) {
    for (const sign of k === 0 ? [0] : [-1, 1]) {
      const top = y - h / 2 + sign * k * (h + GAP);
      out.push({ rect: { x: x + r + COLUMN_OFFSET, y: top, w, h }, leader: true });
      out.push({ rect: { x: x - r - COLUMN_OFFSET - w, y: top, w, h }, leader: true });
    }
  }
  return out;
}

/**
 * Places labels inside a `width`×`height` screen without overlaps between
 * labels, and off other racers' markers where a spot allows.
 */
export function layoutLabels(requests: readonly LabelRequest[], width: number, height: number): PlacedLabel[] {
  const order = [...requests].sort((a, b) => Number(!!b.first) - Number(!!a.first));
  const markers: Rect[] = requests.map((l) => ({ x: l.x - l.r, y: l.y - l.r, w: 2 * l.r, h: 2 * l.r }));
  const placed: Rect[] = [];
  const out: PlacedLabel[] = [];
  const inView = (q: Rect) => q.x >= 0 && q.y >= 0 && q.x + q.w <= width && q.y + q.h <= height;
  for (const l of order) {
    const options = candidates(l);
    const free = (q: Rect) => inView(q) && !placed.some((p) => overlaps(p, q));
    // Best: free of labels and of markers; then free of labels only.
    let pick = options.find((o) => free(o.rect) && !markers.some((m) => overlaps(m, o.rect)));
    pick ??= options.find((o) => free(o.rect));
    if (!pick && l.first) pick = options[0];
    if (!pick) continue;
    placed.push(pick.rect);
    const q = pick.rect;
    let leader: PlacedLabel['leader'] = null;
    if (pick.leader) {
      // From the marker's edge towards the label's nearer side, at the label's middle.
      const tx = q.x > l.x ? q.x - 2 : q.x + q.w + 2;
      const ty = q.y + q.h / 2;
      const len = Math.hypot(tx - l.x, ty - l.y) || 1;
      leader = [l.x + ((tx - l.x) / len) * (l.r + 1), l.y + ((ty - l.y) / len) * (l.r + 1), tx, ty];
    }
    out.push({ id: l.id, x: q.x, y: q.y, leader });
  }
  return out;
}
