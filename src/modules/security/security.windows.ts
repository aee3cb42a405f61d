/**
 * In-memory sliding-window counting for the security monitor.
 *
 * A window of W ms is split into BUCKETS buckets; a count covers the last BUCKETS buckets, so it spans
 * between W·(1 − 1/BUCKETS) and W (the error is at most one bucket, 10 % of the window). Adding is O(1):
 * at most BUCKETS buckets are cleared when time moves on.
 */
export const BUCKETS = 10;

export class SlidingCounter {
  private readonly counts = new Uint32Array(BUCKETS);
  /** Absolute index (time / bucketMs) of the newest bucket; -1 while empty. */
  private head = -1;
  total = 0;
  lastAt = 0;
  /** Time of the first signal since the counter was last empty (may be older than the window). */
  firstAt = 0;

  constructor(readonly bucketMs: number) {}

  /** Adds n at time `atMs` and returns the count in the window ending at the newest signal. */
  add(atMs: number, n = 1): number {
    const b = Math.floor(atMs / this.bucketMs);
    if (this.head < 0) this.head = b;
    if (b > this.head) {
      const steps = Math.min(b - this.head, BUCKETS);
      for (let i = 1; i <= steps; i++) {
        const idx = (this.head + i) % BUCKETS;
        this.total -= this.counts[idx];
        this.counts[idx] = 0;
      }
      this.head = b;
    } else if (this.head - b >= BUCKETS) {
      return this.total; // older than the window (a late, out-of-order signal): not counted
    }
    if (this.total === 0) this.firstAt = atMs;
    this.counts[b % BUCKETS] += n;
    this.total += n;
    if (atMs > this.lastAt) this.lastAt = atMs;
    return this.total;
  }
}

/**
 * A Map that keeps at most `max` entries, least recently touched first: touching moves an entry to the
 * back, inserting past the cap drops the front (the key idle for longest). Iteration order is touch order,
 * so idle entries are swept from the front without scanning the rest.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  evicted = 0;

  constructor(readonly max: number) {}

  get size() {
    return this.map.size;
  }

  /** The entry (moved to the back), or the one `make()` creates. */
  touch(key: K, make: () => V): V {
    let v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
      return v;
    }
    v = make();
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) {
        this.map.delete(oldest.value);
        this.evicted++;
      }
    }
    this.map.set(key, v);
    return v;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /**
   * Drops entries from the front while `idle(value)` says so, stopping at the first live one (or after
   * `limit` checks); returns how many were dropped.
   */
  sweep(idle: (v: V) => boolean, limit = 10_000): number {
    let n = 0;
    let checked = 0;
    for (const [k, v] of this.map) {
      if (checked++ >= limit || !idle(v)) break;
      this.map.delete(k);
      n++;
    }
    return n;
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }
}
