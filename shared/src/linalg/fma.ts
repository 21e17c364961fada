/**
 * Fused multiply-add a·b + c with a single rounding, emulated exactly with
 * Dekker's product and Knuth's two-sum (JavaScript has no Math.fma).
 *
 * Why: PyTorch's CPU kernels are compiled with FMA contraction, so `add_(x,
 * alpha=a)` computes fma(a, x, self) and `addcmul_` computes
 * fma(value·t1, t2, self). Reproducing that rounding is what keeps our
 * trajectories bit-identical to the reference data on near-chaotic runs
 * (where a 1-ulp difference grows ten-thousandfold).
 *
 * Exact for |a·b| below ~1e300; beyond that it falls back to a·b + c.
 */
const SPLIT = 134217729; // 2^27 + 1

export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || Math.abs(p) > 1e300 || Math.abs(a) > 1e300 || Math.abs(b) > 1e300) return p + c;
  const a1 = a * SPLIT;
  const ah = a1 - (a1 - a);
  const al = a - ah;
  const b1 = b * SPLIT;
  const bh = b1 - (b1 - b);
  const bl = b - bh;
  const pe = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const bb = s - p;
  const se = p - (s - bb) + (c - bb);
  return s + (pe + se);
}
