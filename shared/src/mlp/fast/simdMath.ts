import { OP, SIMD, type WasmFunction } from './WasmAssembler';
import type { MlpActivation } from './shape';

/**
 * Emitters for f64x2 `exp`, `log`, `tanh` and `sigmoid` inside a generated kernel.
 * WebAssembly has no transcendental instructions, so these are built from
 * multiply/add/divide and exponent-bit tricks, two lanes at a time.
 *
 * exp(y) = 2^k · P(r)/P(−r), with k = round(y/ln 2), r = y − k·ln 2
 * (Cody–Waite split of ln 2, |r| ≤ 0.347) and P the [6/6] Padé numerator of
 * exp: its error is about 2e-19·… far below one ulp, so the result is within
 * a couple of ulps of the correctly rounded exp. 2^k is built by shifting
 * k + 1023 into the exponent field; k comes out of the "round by adding
 * 1.5·2^52" trick, whose low mantissa bits then hold k.
 *
 * tanh(x) = sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|) = 2^k·N/D, folded into
 * one division: (D − 2^k N)/(D + 2^k N). Its absolute error is a few 1e-17
 * (relative error grows like ulp/|x| near 0, which the loss never sees: a
 * hidden unit's error enters the loss through absolute, not relative, size).
 * |x| is clamped at 20, where tanh is 1 to the last bit; NaN propagates.
 *
 * sigmoid(x) = 1/(1 + e^(−x)) from e = exp(−|x|) = 2^k·N/D (never overflows):
 * D/(D + 2^k N) for x ≥ 0, 2^k N/(D + 2^k N) for x < 0, one division. Within a
 * few ulps (relative) on both sides; −|x| is clamped at −708, so σ(x) for
 * x < −708 is about 3e-308 instead of a smaller subnormal or 0.
 *
 * log(s) = e·ln 2 + 2·atanh(t), s = 2^e·m, m ∈ [√½, √2), t = (m−1)/(m+1),
 * |t| ≤ 0.1716, series to t^21 (truncation < 1e-18). For positive normal s.
 */
export interface SimdScratch {
  y: number;
  kd: number;
  k: number;
  r: number;
  z: number;
  e: number;
  o: number;
  s: number;
}

export function simdScratch(f: WasmFunction): SimdScratch {
  return {
    y: f.local('v128'),
    kd: f.local('v128'),
    k: f.local('v128'),
    r: f.local('v128'),
    z: f.local('v128'),
    e: f.local('v128'),
    o: f.local('v128'),
    s: f.local('v128'),
  };
}

const LOG2E = Math.LOG2E;
const LN2_HI = 6.9314718036912381649e-1; // low bits zero: k·LN2_HI is exact for |k| < 2^20
const LN2_LO = 1.90821492927058770002e-10;
const SHIFT = 6755399441055744; // 1.5·2^52
// [6/6] Padé coefficients of exp: c_j = (12−j)!·6! / (12!·j!·(6−j)!).
const C1 = 0.5;
const C2 = 5 / 44;
const C3 = 1 / 66;
const C4 = 1 / 792;
const C5 = 1 / 15840;
const C6 = 1 / 665280;

/**
 * Leaves on the stack nothing; sets s.s = 2^k (as bits), s.e = D, s.o = N for
 * exp(y) = s.s·N/D, where y is in local s.y (must be in [−708, 709]).
 */
function emitExpParts(f: WasmFunction, s: SimdScratch): void {
  // kd = y·log2e + SHIFT ; k = kd − SHIFT
  f.localGet(s.y).f64x2Const(LOG2E).simd(SIMD.f64x2Mul).f64x2Const(SHIFT).simd(SIMD.f64x2Add).localTee(s.kd);
  f.f64x2Const(SHIFT).simd(SIMD.f64x2Sub).localSet(s.k);
  // r = (y − k·LN2_HI) − k·LN2_LO
  f.localGet(s.y).localGet(s.k).f64x2Const(LN2_HI).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Sub);
  f.localGet(s.k).f64x2Const(LN2_LO).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Sub).localTee(s.r);
  // z = r²
  f.localGet(s.r).simd(SIMD.f64x2Mul).localSet(s.z);
  // scale bits = (bits(kd) + 1023) << 52
  f.localGet(s.kd).i64x2Const(0, 1023).simd(SIMD.i64x2Add).i32Const(52).simd(SIMD.i64x2Shl).localSet(s.s);
  // E = ((C6 z + C4) z + C2) z + 1  → s.e
  f.localGet(s.z).f64x2Const(C6).simd(SIMD.f64x2Mul).f64x2Const(C4).simd(SIMD.f64x2Add);
  f.localGet(s.z).simd(SIMD.f64x2Mul).f64x2Const(C2).simd(SIMD.f64x2Add);
  f.localGet(s.z).simd(SIMD.f64x2Mul).f64x2Const(1).simd(SIMD.f64x2Add).localSet(s.e);
  // rO = r·((C5 z + C3) z + C1) → s.o
  f.localGet(s.z).f64x2Const(C5).simd(SIMD.f64x2Mul).f64x2Const(C3).simd(SIMD.f64x2Add);
  f.localGet(s.z).simd(SIMD.f64x2Mul).f64x2Const(C1).simd(SIMD.f64x2Add);
  f.localGet(s.r).simd(SIMD.f64x2Mul).localSet(s.o);
  // N = E + rO → s.o ; D = E − rO → s.e  (order matters: compute both from old values)
  f.localGet(s.e).localGet(s.o).simd(SIMD.f64x2Add); // N on stack
  f.localGet(s.e).localGet(s.o).simd(SIMD.f64x2Sub).localSet(s.e); // D
  f.localSet(s.o); // N
}

/** Pushes exp(value of local `x`) for x ≤ 0 (clamped below at −708). */
export function emitExpNonPositive(f: WasmFunction, x: number, s: SimdScratch): void {
  f.localGet(x).f64x2Const(-708).simd(SIMD.f64x2Max).localSet(s.y);
  emitExpParts(f, s);
  // 2^k · N / D
  f.localGet(s.s).localGet(s.o).simd(SIMD.f64x2Mul).localGet(s.e).simd(SIMD.f64x2Div);
}

/** Pushes tanh(value of local `x`). */
export function emitTanh(f: WasmFunction, x: number, s: SimdScratch): void {
  // y = max(−2|x|, −40)
  f.localGet(x).simd(SIMD.f64x2Abs).f64x2Const(-2).simd(SIMD.f64x2Mul).f64x2Const(-40).simd(SIMD.f64x2Max).localSet(s.y);
  emitExpParts(f, s);
  // sN = 2^k·N → s.o ; (D − sN)/(D + sN)
  f.localGet(s.s).localGet(s.o).simd(SIMD.f64x2Mul).localSet(s.o);
  f.localGet(s.e).localGet(s.o).simd(SIMD.f64x2Sub);
  f.localGet(s.e).localGet(s.o).simd(SIMD.f64x2Add);
  f.simd(SIMD.f64x2Div);
  // copy the sign of x
  f.localGet(x).i64x2Const(0x80000000, 0).simd(SIMD.v128And).simd(SIMD.v128Or);
}

/** Pushes σ(value of local `x`) = 1/(1 + e^(−x)) (NaN propagates). */
export function emitSigmoid(f: WasmFunction, x: number, s: SimdScratch): void {
  // y = max(−|x|, −708)
  f.localGet(x).simd(SIMD.f64x2Abs).simd(SIMD.f64x2Neg).f64x2Const(-708).simd(SIMD.f64x2Max).localSet(s.y);
  emitExpParts(f, s);
  // sN = 2^k·N → s.o ; numerator: sN where 0 > x, else D (bitselect takes its first operand where the mask is set)
  f.localGet(s.s).localGet(s.o).simd(SIMD.f64x2Mul).localSet(s.o);
  f.localGet(s.o).localGet(s.e).f64x2Const(0).localGet(x).simd(SIMD.f64x2Gt).simd(SIMD.v128Bitselect);
  // ÷ (D + sN)
  f.localGet(s.e).localGet(s.o).simd(SIMD.f64x2Add);
  f.simd(SIMD.f64x2Div);
}

/** Pushes the hidden activation of local `x` (tanh, relu or sigmoid). */
export function emitActivation(f: WasmFunction, activation: MlpActivation, x: number, s: SimdScratch): void {
  if (activation === 'tanh') emitTanh(f, x, s);
  else if (activation === 'relu') emitRelu(f, x);
  else emitSigmoid(f, x, s);
}

/** Pushes log(value of local `x`), x positive and normal. */
export function emitLog(f: WasmFunction, x: number, s: SimdScratch): void {
  // m = mantissa with exponent of 1.0 → s.r ; biased exponent as double → s.k
  f.localGet(x).i64x2Const(0x000fffff, 0xffffffff).simd(SIMD.v128And).i64x2Const(0x3ff00000, 0).simd(SIMD.v128Or).localSet(s.r);
  f.localGet(x).i32Const(52).simd(SIMD.i64x2ShrU).i64x2Const(0x43300000, 0).simd(SIMD.v128Or);
  f.f64x2Const(4503599627370496 + 1023)
    .simd(SIMD.f64x2Sub)
    .localSet(s.k);
  // if m > √2: m /= 2, e += 1
  f.localGet(s.r).f64x2Const(Math.SQRT2).simd(SIMD.f64x2Gt).localSet(s.kd); // mask
  f.localGet(s.r).f64x2Const(0.5).simd(SIMD.f64x2Mul).localGet(s.r).localGet(s.kd).simd(SIMD.v128Bitselect).localSet(s.r);
  f.localGet(s.k).localGet(s.kd).f64x2Const(1).simd(SIMD.v128And).simd(SIMD.f64x2Add).localSet(s.k);
  // t = (m − 1)/(m + 1) → s.y ; z = t² → s.z
  f.localGet(s.r).f64x2Const(1).simd(SIMD.f64x2Sub).localGet(s.r).f64x2Const(1).simd(SIMD.f64x2Add).simd(SIMD.f64x2Div).localTee(s.y);
  f.localGet(s.y).simd(SIMD.f64x2Mul).localSet(s.z);
  // series: 1 + z/3 + z²/5 + … + z^10/21 (Horner from the top)
  f.f64x2Const(1 / 21);
  for (let j = 19; j >= 1; j -= 2) {
    f.localGet(s.z)
      .simd(SIMD.f64x2Mul)
      .f64x2Const(1 / j)
      .simd(SIMD.f64x2Add);
  }
  // 2t·series + e·LN2_LO + e·LN2_HI
  f.localGet(s.y).simd(SIMD.f64x2Mul).f64x2Const(2).simd(SIMD.f64x2Mul);
  f.localGet(s.k).f64x2Const(LN2_LO).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
  f.localGet(s.k).f64x2Const(LN2_HI).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
}

/** Pushes max(value of local x, 0) (ReLU; NaN propagates). */
export function emitRelu(f: WasmFunction, x: number): void {
  f.localGet(x).f64x2Const(0).simd(SIMD.f64x2Max);
}

export { OP };
