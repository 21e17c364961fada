/**
 * Seeded pseudo-random generator: xoshiro128** (Blackman & Vigna 2018) seeded
 * through splitmix32. Only 32-bit integer arithmetic (`Math.imul`, `>>> 0`)
 * decides the stream, so the same seed gives the same numbers in Node and in
 * every browser; a run is then a pure function of its spec and seed.
 *
 * Gaussians use Marsaglia's polar method with fdlibm's logarithm ported to
 * plain arithmetic (`ieeeLog`) and the correctly rounded `Math.sqrt`: engines
 * disagree on `Math.log` in the last bit (Node 20 and Chromium 156 do), and a
 * shared stream must not.
 *
 * The full state is a plain record (`Rng.state`), so a race can be saved and
 * resumed mid-stream.
 *
 * @example
 *   const rng = new Rng(42);
 *   rng.uniform();   // in [0, 1)
 *   rng.normal();    // N(0, 1)
 *   const child = rng.fork('racer-3'); // independent, reproducible sub-stream
 */
import { ieeeLog } from './ieeeLog';

export interface RngState {
  s: [number, number, number, number];
  /** Spare Gaussian from the polar method, or null. */
  spare: number | null;
}

export type Seed = number | string;

function splitmix32(x: number): () => number {
  let a = x >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over the UTF-16 code units, then mixed: a stable 32-bit hash of a seed. */
export function hashSeed(seed: Seed): number {
  const text = typeof seed === 'number' ? `n:${Object.is(seed, -0) ? 0 : seed}` : `s:${seed}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return splitmix32(h)();
}

export class Rng {
  state: RngState;

  constructor(seed: Seed = 0) {
    const next = splitmix32(hashSeed(seed));
    const s: [number, number, number, number] = [next(), next(), next(), next()];
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is a fixed point
    this.state = { s, spare: null };
  }

  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.state = { s: [...state.s] as RngState['s'], spare: state.spare };
    return r;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.state.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [a, b). */
  uniformIn(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1), Marsaglia polar method. */
  normal(): number {
    const st = this.state;
    if (st.spare !== null) {
      const v = st.spare;
      st.spare = null;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * ieeeLog(s)) / s);
    st.spare = v * m;
    return u * m;
  }

  /** Fills `out` with independent N(0, 1) draws. */
  normalsInto(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** A reproducible, independent child stream identified by `label`. */
  fork(label: Seed): Rng {
    const s = this.state.s;
    return new Rng(`${s[0]}:${s[1]}:${s[2]}:${s[3]}/${typeof label}:${label}`);
  }

  /** Fisher–Yates shuffle of `arr` in place. */
  shuffleInPlace<T>(arr: T[] | Int32Array | Uint32Array): void {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
