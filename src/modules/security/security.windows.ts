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
 * A Map that keeps at most `max` entries, roughly least recently touched first: inserting past the cap drops
 * the front. Touching an entry moves it to the back only when it has drifted into the older half (a Map
 * delete + set on every touch costs more than the rest of the counting), so the order is approximate LRU and
 * a key busy all the time is never the one evicted. Idle entries are swept from the front.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, { v: V; seq: number }>();
  private seq = 0;
  evicted = 0;

  constructor(readonly max: number) {}

  get size() {
    return this.map.size;
  }

  /** The entry, or the one `make()` creates. */
  touch(key: K, make: () => V): V {
    const e = this.map.get(key);
    if (e !== undefined) {
      if (this.seq - e.seq > this.max >> 1) {
        this.map.delete(key);
        e.seq = ++this.seq;
        this.map.set(key, e);
      }
      return e.v;
    }
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) {
        this.map.delete(oldest.value);
        this.evicted++;
      }
    }
    const v = make();
    this.map.set(key, { v, seq: ++this.seq });
    return v;
  }

  get(key: K): V | undefined {
    return this.map.get(key)?.v;
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
    for (const [k, e] of this.map) {
      if (checked++ >= limit || !idle(e.v)) break;
      this.map.delete(k);
      n++;
    }
    return n;
  }
}
