/**
 * A racer's trail: the points it visited, as a growable flat Float32Array
 * [x0, y0, x1, y1, …]. When it reaches `maxPoints` it drops every other point
 * of the older half (keeping the shape of the path, and the recent part at
 * full detail), so memory and drawing cost stay bounded in long rounds.
 */
export class Trail {
  private data: Float32Array;
  private count = 0;

  constructor(readonly maxPoints = 4000) {
    this.data = new Float32Array(Math.min(256, maxPoints) * 2);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a point; non-finite points are skipped (a diverged racer stops its trail). */
  push(x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    if (this.count > 0 && this.data[2 * this.count - 2] === Math.fround(x) && this.data[2 * this.count - 1] === Math.fround(y)) return;
    if (this.count === this.maxPoints) this.thinOlderHalf();
    if (2 * this.count === this.data.length) {
      const grown = new Float32Array(Math.min(this.maxPoints * 2, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[2 * this.count] = x;
    this.data[2 * this.count + 1] = y;
    this.count++;
  }

  /** The points as a view (no copy): [x0, y0, …]. */
  points(): Float32Array {
    return this.data.subarray(0, 2 * this.count);
  }

  last(): [number, number] | undefined {
    return this.count ? [this.data[2 * this.count - 2], this.data[2 * this.count - 1]] : undefined;
  }

  clear(): void {
    this.count = 0;
  }

  private thinOlderHalf(): void {
    const half = Math.floor(this.count / 2);
    let w = 0;
    for (let r = 0; r < half; r += 2, w++) {
      this.data[2 * w] = this.data[2 * r];
      this.data[2 * w + 1] = this.data[2 * r + 1];
    }
    for (let r = half; r < this.count; r++, w++) {
      this.data[2 * w] = this.data[2 * r];
      this.data[2 * w + 1] = this.data[2 * r + 1];
    }
    this.count = w;
  }
}
