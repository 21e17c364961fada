/**
 * L-BFGS (Nocedal 1980; Liu & Nocedal 1989) exactly as torch.optim.LBFGS with
 * line_search_fn='strong_wolfe', one iteration per game step: two-loop
 * recursion over up to `historySize` curvature pairs (stored only when
 * yᵀs > 1e-10), H₀ = (yᵀs / yᵀy)·I, the first step scaled by min(1, 1/‖g‖₁),
 * and torch's strong-Wolfe search with cubic interpolation (c1 = 1e-4, c2 = 0.9).
 */

export interface LbfgsState {
  dirs: Float64Array[]; // y
  steps: Float64Array[]; // s
  ro: number[];
  hDiag: number;
  d: Float64Array | null;
  t: number;
  prevGrad: Float64Array | null;
  iter: number;
}

export function lbfgsInit(): LbfgsState {
  return { dirs: [], steps: [], ro: [], hDiag: 1, d: null, t: 0, prevGrad: null, iter: 0 };
}

/** Objective along the ray x + t·d: writes the gradient into g, returns f. */
export type RayObjective = (t: number, g: Float64Array) => number;

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [xmin, xmax] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const minPos =
      x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, xmin), xmax);
  }
  return (xmin + xmax) / 2;
}

/** torch.optim.lbfgs._strong_wolfe. Returns the accepted step, its loss and gradient, and evaluations used. */
export function strongWolfe(
  obj: RayObjective,
  t: number,
  d: Float64Array,
  f: number,
  g: Float64Array,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): { f: number; g: Float64Array; t: number; evals: number } {
  let dNorm = 0;
  for (let i = 0; i < d.length; i++) dNorm = Math.max(dNorm, Math.abs(d[i]));
  let gNew = new Float64Array(d.length);
  let fNew = obj(t, gNew);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let tPrev = 0,
    fPrev = f,
    gPrev: Float64Array = g.slice(),
    gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bf: number[] = [];
  let bg: Float64Array[] = [];
  let bgtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t];
      bf = [fPrev, fNew];
      bg = [gPrev, gNew.slice()];
      bgtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t];
      bf = [fNew];
      bg = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t];
      bf = [fPrev, fNew];
      bg = [gPrev, gNew.slice()];
      bgtd = [gtdPrev, gtdNew];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.slice();
    gtdPrev = gtdNew;
    gNew = new Float64Array(d.length);
    fNew = obj(t, gNew);
    evals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
  }
  if (lsIter === maxLs) {
    bracket = [0, t];
    bf = [f, fNew];
    bg = [g, gNew];
    bgtd = [gtd, gtdNew];
  }
  let insufProgress = false;
  let [low, high] = bf[0] <= bf[bf.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bf[0], bgtd[0], bracket[1], bf[1], bgtd[1]);
    const bMax = Math.max(bracket[0], bracket[1]);
    const bMin = Math.min(bracket[0], bracket[1]);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;
    gNew = new Float64Array(d.length);
    fNew = obj(t, gNew);
    evals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= bf[low]) {
      bracket[high] = t;
      bf[high] = fNew;
      bg[high] = gNew.slice();
      bgtd[high] = gtdNew;
      [low, high] = bf[0] <= bf[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
        bracket[high] = bracket[low];
        bf[high] = bf[low];
        bg[high] = bg[low];
        bgtd[high] = bgtd[low];
      }
      bracket[low] = t;
      bf[low] = fNew;
      bg[low] = gNew.slice();
      bgtd[low] = gtdNew;
    }
  }
  return { f: bf[low], g: bg[low], t: bracket[low], evals };
}

/**
 * One L-BFGS iteration from θ with loss f and gradient g (already evaluated).
 * Moves θ in place. Returns the function/gradient evaluations used by the line
 * search (0 when the gradient is already below torch's tolerance).
 */
export function lbfgsStepInPlace(
  theta: Float64Array,
  f: number,
  g: Float64Array,
  s: LbfgsState,
  h: { lr: number; historySize: number; lineSearch: 'strong-wolfe' | 'none' },
  evaluate: (theta: ArrayLike<number>, grad: Float64Array) => number,
): number {
  const n = theta.length;
  let gmax = 0;
  for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(g[i]));
  if (gmax <= 1e-7) return 0; // torch's tolerance_grad: already optimal
  s.iter += 1;
  if (s.iter === 1 || !s.d || !s.prevGrad) {
    s.d = new Float64Array(n);
    for (let i = 0; i < n; i++) s.d[i] = -g[i];
    s.dirs = [];
    s.steps = [];
    s.ro = [];
    s.hDiag = 1;
  } else {
    const y = new Float64Array(n);
    const st = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = g[i] - s.prevGrad[i];
      st[i] = s.d[i] * s.t;
    }
    const ys = dot(y, st);
    if (ys > 1e-10) {
      // `while`, not torch's `==`: a live retune may shrink historySize below what is stored.
      while (s.dirs.length >= h.historySize) {
        s.dirs.shift();
        s.steps.shift();
        s.ro.shift();
      }
      s.dirs.push(y);
      s.steps.push(st);
      s.ro.push(1 / ys);
      s.hDiag = ys / dot(y, y);
    }
    const m = s.dirs.length;
    const al = new Array<number>(m);
    const q = new Float64Array(n);
    for (let i = 0; i < n; i++) q[i] = -g[i];
    for (let i = m - 1; i >= 0; i--) {
      al[i] = dot(s.steps[i], q) * s.ro[i];
      for (let k = 0; k < n; k++) q[k] += -al[i] * s.dirs[i][k];
    }
    const d = s.d;
    for (let k = 0; k < n; k++) d[k] = q[k] * s.hDiag;
    for (let i = 0; i < m; i++) {
      const be = dot(s.dirs[i], d) * s.ro[i];
      for (let k = 0; k < n; k++) d[k] += (al[i] - be) * s.steps[i][k];
    }
  }
  s.prevGrad = g.slice();
  let t: number;
  if (s.iter === 1) {
    let g1 = 0;
    for (let i = 0; i < n; i++) g1 += Math.abs(g[i]);
    t = Math.min(1, 1 / g1) * h.lr;
  } else t = h.lr;
  const d = s.d;
  const gtd = dot(g, d);
  if (gtd > -1e-9) {
    s.t = t; // torch's tolerance_change on the directional derivative: no step, t kept as torch does
    return 0;
  }
  let evals = 0;
  if (h.lineSearch === 'strong-wolfe') {
    const x0 = theta.slice();
    const probe = new Float64Array(n);
    const obj: RayObjective = (tt, grad) => {
      for (let i = 0; i < n; i++) probe[i] = x0[i] + tt * d[i];
      return evaluate(probe, grad);
    };
    const r = strongWolfe(obj, t, d, f, g, gtd);
    t = r.t;
    evals = r.evals;
  }
  s.t = t;
  for (let i = 0; i < n; i++) theta[i] = theta[i] + t * d[i];
  return evals;
}
