import { SpecError, describeValue } from '../spec/SpecError';
import type { Bounds2D } from '../landscapes/Landscape';

/**
 * Every racer's drawn trail so far, compact enough to send once to a late
 * joiner or a reconnecting player (live positions then arrive with the
 * synchronised state, and clients extend the trails themselves).
 *
 * Encoding: a trail has one point per tick the racer took part in (point 0 is
 * its start). At most `maxPoints` of them are kept — every `stride`-th point
 * plus the last — each quantised to 16 bits per axis over `box` (the view
 * bounds widened by half their size on every side, as the room's `qBounds`;
 * points outside are clamped), then stored as zig-zag deltas in LEB128
 * varints, base64. A racer moving a little per tick costs about 2 bytes per
 * point; 40 racers of 512 points fit in ~60 KB of JSON.
 */
export interface TrailSnapshot {
  format: 'trails-v1';
  /** The race's tickCount when the snapshot was taken. */
  tick: number;
  /** Quantisation box. */
  box: Bounds2D;
  racers: TrailSnapshotRacer[];
}

export interface TrailSnapshotRacer {
  id: string;
  /** Tick of the trail's first point (the racer's start). */
  joinTick: number;
  /** Points in the full trail (one per tick taken part in, plus the start). */
  length: number;
  /** Every stride-th point is kept, plus the last. */
  stride: number;
  /** base64 of the zig-zag delta varints of the quantised x, y pairs. */
  data: string;
}

export interface DecodedTrail {
  id: string;
  joinTick: number;
  /** The tick each kept point belongs to. */
  ticks: number[];
  /** x0, y0, x1, y1, … in landscape coordinates. */
  points: Float32Array;
}

/**
 * The one quantiser of the protocol: positions travel as 16-bit integers over
 * a box (the room's synchronised `qx`/`qy`, and trail snapshots).
 */
export const QUANT_MAX = 65535;

/** The view bounds widened by half their size on every side: the box positions are quantised over. */
export function quantBox(b: Bounds2D): Bounds2D {
  const w = b.xMax - b.xMin;
  const h = b.yMax - b.yMin;
  return { xMin: b.xMin - w / 2, xMax: b.xMax + w / 2, yMin: b.yMin - h / 2, yMax: b.yMax + h / 2 };
}

/** v on a 16-bit grid over [lo, hi], clamped (NaN and −∞ → 0, +∞ → QUANT_MAX). */
export function quantize(v: number, lo: number, hi: number): number {
  const q = Math.round(((v - lo) / (hi - lo)) * QUANT_MAX);
  if (!(q >= 0)) return 0; // also NaN
  return q > QUANT_MAX ? QUANT_MAX : q;
}

/** The inverse of `quantize` (to within half a grid step). */
export function dequantize(q: number, lo: number, hi: number): number {
  return lo + (q / QUANT_MAX) * (hi - lo);
}

/** Indices of the kept points of a trail of `length` points. */
function keptIndices(length: number, stride: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < length - 1; i += stride) out.push(i);
  if (length > 0) out.push(length - 1);
  return out;
}

/** Encodes one trail: `length` points as quantised x, y pairs (see `quantize`) over the snapshot's box. */
export function encodeTrail(id: string, joinTick: number, qxy: Uint16Array, length: number, maxPoints: number): TrailSnapshotRacer {
  const stride = Math.max(1, Math.ceil((length - 1) / Math.max(1, maxPoints - 1)));
  const bytes: number[] = [];
  let px = 0;
  let py = 0;
  for (const i of keptIndices(length, stride)) {
    const qx = qxy[2 * i];
    const qy = qxy[2 * i + 1];
    writeVarint(bytes, zigzag(qx - px));
    writeVarint(bytes, zigzag(qy - py));
    px = qx;
    py = qy;
  }
  return { id, joinTick, length, stride, data: base64Encode(bytes) };
}

export function decodeTrailSnapshot(s: TrailSnapshot): DecodedTrail[] {
  if (!s || s.format !== 'trails-v1' || !Array.isArray(s.racers))
    throw new SpecError('snapshot', `must be a 'trails-v1' trail snapshot, got ${describeValue(s)}`);
  const { box } = s;
  return s.racers.map((r) => {
    const idx = keptIndices(r.length, r.stride);
    const bytes = base64Decode(r.data);
    const points = new Float32Array(2 * idx.length);
    let pos = 0;
    let qx = 0;
    let qy = 0;
    for (let k = 0; k < idx.length; k++) {
      let v: number;
      [v, pos] = readVarint(bytes, pos);
      qx += unzigzag(v);
      [v, pos] = readVarint(bytes, pos);
      qy += unzigzag(v);
      points[2 * k] = dequantize(qx, box.xMin, box.xMax);
      points[2 * k + 1] = dequantize(qy, box.yMin, box.yMax);
    }
    return { id: r.id, joinTick: r.joinTick, ticks: idx.map((i) => r.joinTick + i), points };
  });
}

const zigzag = (n: number) => (n >= 0 ? 2 * n : -2 * n - 1);
const unzigzag = (n: number) => (n & 1 ? -(n + 1) / 2 : n / 2);

function writeVarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

function readVarint(b: Uint8Array, pos: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    if (pos >= b.length) throw new SpecError('snapshot.data', 'is truncated');
    const byte = b[pos++];
    v |= (byte & 0x7f) << shift;
    if (byte < 0x80) return [v >>> 0, pos];
    shift += 7;
    if (shift > 28) throw new SpecError('snapshot.data', 'has a malformed varint');
  }
}

// Hand-written base64: `btoa`/`Buffer` are platform APIs and shared stays pure.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function base64Encode(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const n = (a << 16) | (b << 8) | c;
    out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63] : '=';
  }
  return out;
}

export function base64Decode(s: string): Uint8Array {
  if (typeof s !== 'string' || s.length % 4 !== 0) throw new SpecError('snapshot.data', 'must be base64');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const ch = s.charCodeAt(i + j);
      const v = ch === 61 ? 0 : ch < 128 ? LOOKUP[ch] : -1;
      if (v < 0) throw new SpecError('snapshot.data', 'must be base64');
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
