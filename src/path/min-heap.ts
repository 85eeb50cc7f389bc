/**
 * Binary min-heap of (key, value) pairs in typed arrays. Dijkstra uses it with lazy deletion: a node is
 * pushed again when its distance improves and stale entries are skipped when popped (cheaper than a
 * decrease-key position index on sparse graphs). The arrays grow by doubling and are reused across
 * queries: `clear()` is O(1).
 */
export class MinHeap {
  private keys: Float64Array;
  private vals: Int32Array;
  private n = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.vals = new Int32Array(Math.max(16, capacity));
  }

  get size(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
  }

  /** Smallest key; Infinity when empty. */
  peekKey(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.keys[0];
  }

  push(key: number, val: number): void {
    if (this.n === this.keys.length) this.grow();
    const keys = this.keys;
    const vals = this.vals;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= key) break;
      keys[i] = keys[p];
      vals[i] = vals[p];
      i = p;
    }
    keys[i] = key;
    vals[i] = val;
  }

  /** Removes the smallest entry and returns its value; the caller reads `peekKey()` before if needed. */
  pop(): number {
    const keys = this.keys;
    const vals = this.vals;
    const top = vals[0];
    const n = --this.n;
    if (n === 0) return top;
    const key = keys[n];
    const val = vals[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1] < keys[c]) c++;
      if (keys[c] >= key) break;
      keys[i] = keys[c];
      vals[i] = vals[c];
      i = c;
    }
    keys[i] = key;
    vals[i] = val;
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const vals = new Int32Array(this.vals.length * 2);
    vals.set(this.vals);
    this.keys = keys;
    this.vals = vals;
  }
}
