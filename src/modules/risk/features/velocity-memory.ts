// In-process velocity store for one node (tests, single-node installs, or a hot cache in front of Redis).
// Semantics and error bounds: velocity.ts.
//
// Per key and window, only the non-empty buckets are kept, as (bucket, count, micro-USD) triples in
// ascending order in one flat array, plus running totals; recording an event and reading a window are O(1)
// amortized (expired buckets fall off the front). A key seen once costs a few hundred bytes; a key busy
// every second holds at most 60 + 60 + 144 + 168 triples.
//
// Bounds: at most `maxKeys` (dim, key) entries, least recently used evicted first (approximate LRU: an entry
// is moved to the back of the order only when it has drifted into the older half); entries with no event
// in the last 7 days are dropped as they reach the front (a few checked per observe; `sweep()` checks all);
// at most `distinctCap` values per distinct set.
import {
  DEFAULT_DISTINCT_CAP,
  DISTINCT_WINDOWS,
  WINDOWS,
  checkName,
  distinctFor,
  distinctFields,
  systemVelocityClock,
  type DimVelocity,
  type VelocityClock,
  type VelocityDim,
  type VelocityEvent,
  type VelocitySnapshot,
  type VelocityStore,
} from './velocity.ts';

export interface MemoryVelocityOptions {
  clock?: VelocityClock;
  /** Most (dim, key) entries kept; default 100,000. */
  maxKeys?: number;
  /** Most values per distinct set; default 1000. */
  distinctCap?: number;
}

const B = WINDOWS.map((w) => w.bucketMs);
const N = WINDOWS.map((w) => w.buckets);
const LONGEST_MS = WINDOWS[WINDOWS.length - 1].ms;
const D1 = DISTINCT_WINDOWS[0].ms;
const D24 = DISTINCT_WINDOWS[1].ms;

class Series {
  /** Triples: bucket index, count, micro-USD; a[s…] are live. */
  a: number[] = [];
  s = 0;
  /** Totals of the live triples. */
  n = 0;
  u = 0;
}

class DistinctSet {
  /** value → last seen (ms), oldest first: one map per window so each size is its count. */
  readonly m1 = new Map<string, number>();
  readonly m24 = new Map<string, number>();
}

class Entry {
  readonly series: [Series, Series, Series, Series] = [new Series(), new Series(), new Series(), new Series()];
  distinct: Map<string, DistinctSet> | null = null;
  /** Newest event time. */
  last = 0;
  /** Position stamp for the approximate LRU. */
  gen = 0;
}

// Results of total(): two numbers without an allocation.
let outN = 0;
let outU = 0;

function add(se: Series, w: number, at: number, micros: number): void {
  const e = Math.floor(at / B[w]);
  const a = se.a;
  const len = a.length;
  if (len === se.s) {
    if (len > 0) {
      a.length = 0;
      se.s = 0;
    }
    a.push(e, 1, micros);
    se.n = 1;
    se.u = micros;
    return;
  }
  const last = a[len - 3];
  if (e === last) {
    a[len - 2]++;
    a[len - 1] += micros;
  } else if (e > last) {
    a.push(e, 1, micros);
    expire(se, e - N[w]);
  } else {
    if (e <= last - N[w]) return; // older than the window of the newest event
    let p = len - 3;
    while (p >= se.s && a[p] > e) p -= 3;
    if (p >= se.s && a[p] === e) {
      a[p + 1]++;
      a[p + 2] += micros;
    } else a.splice(p + 3, 0, e, 1, micros);
  }
  se.n++;
  se.u += micros;
}

/** Drops the triples with bucket <= cutoff. */
function expire(se: Series, cutoff: number): void {
  const a = se.a;
  let s = se.s;
  while (s < a.length && a[s] <= cutoff) {
    se.n -= a[s + 1];
    se.u -= a[s + 2];
    s += 3;
  }
  if (s === a.length) {
    a.length = 0;
    s = 0;
  } else if (s >= 48 && s * 2 >= a.length) {
    a.splice(0, s);
    s = 0;
  }
  se.s = s;
}

/** Count and micro-USD of window w at time `at` into outN/outU (read-only). */
function total(se: Series, w: number, at: number): void {
  const a = se.a;
  const len = a.length;
  let p = se.s;
  if (len === p) {
    outN = 0;
    outU = 0;
    return;
  }
  const cur = Math.floor(at / B[w]);
  const cutoff = cur - N[w];
  if (cur >= a[len - 3]) {
    let n = se.n;
    let u = se.u;
    while (p < len && a[p] <= cutoff) {
      n -= a[p + 1];
      u -= a[p + 2];
      p += 3;
    }
    outN = n;
    outU = u;
    return;
  }
  // reading in the past of this key: sum the buckets in (cutoff, cur]
  let n = 0;
  let u = 0;
  for (; p < len; p += 3) {
    const b = a[p];
    if (b > cur) break;
    if (b > cutoff) {
      n += a[p + 1];
      u += a[p + 2];
    }
  }
  outN = n;
  outU = u;
}

function touchDistinct(m: Map<string, number>, value: string, at: number, windowMs: number, cap: number): void {
  const old = m.get(value);
  if (old === undefined) {
    m.set(value, at);
    if (m.size > cap) m.delete(m.keys().next().value as string);
  } else if (at > old) {
    m.delete(value);
    m.set(value, at);
  }
  const cutoff = at - windowMs;
  for (const [k, t] of m) {
    if (t > cutoff) break;
    m.delete(k);
  }
}

/** Values of `m` last seen in (at − windowMs, at] (read-only). */
function countDistinct(m: Map<string, number>, at: number, windowMs: number, exactNow: boolean): number {
  if (exactNow) return m.size;
  const cutoff = at - windowMs;
  let n = 0;
  for (const t of m.values()) if (t > cutoff && t <= at) n++;
  return n;
}

export class MemoryVelocityStore implements VelocityStore {
  private readonly clock: VelocityClock;
  private readonly maxKeys: number;
  private readonly distinctCap: number;
  private readonly entries = new Map<string, Entry>();
  private gen = 0;
  private ops = 0;

  /** `new MemoryVelocityStore(clock)` or `new MemoryVelocityStore({ clock, maxKeys, distinctCap })`. */
  constructor(clockOrOptions: VelocityClock | MemoryVelocityOptions = {}) {
    const o: MemoryVelocityOptions = typeof (clockOrOptions as VelocityClock).now === 'function' ? { clock: clockOrOptions as VelocityClock } : (clockOrOptions as MemoryVelocityOptions);
    this.clock = o.clock ?? systemVelocityClock;
    this.maxKeys = Math.max(1, o.maxKeys ?? 100_000);
    this.distinctCap = Math.max(1, o.distinctCap ?? DEFAULT_DISTINCT_CAP);
  }

  /** Number of (dim, key) entries held. */
  get size(): number {
    return this.entries.size;
  }

  observe(e: VelocityEvent): Promise<VelocitySnapshot> {
    try {
      return Promise.resolve(this.observeSync(e));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** observe without the Promise, for the in-process decision path. */
  observeSync(e: VelocityEvent): VelocitySnapshot {
    const at = e.at;
    if (typeof at !== 'number' || !Number.isFinite(at)) throw new TypeError('velocity event needs a finite `at` (ms)');
    const micros = typeof e.amountUsd === 'number' && Number.isFinite(e.amountUsd) ? Math.round(e.amountUsd * 1e6) : 0;
    const out: VelocitySnapshot = {};
    for (const { dim, key } of e.dims) {
      if (typeof key !== 'string' || key.length === 0) continue;
      checkName(dim, 'dim');
      const entry = this.entry(dim, key);
      const s = entry.series;
      add(s[0], 0, at, micros);
      add(s[1], 1, at, micros);
      add(s[2], 2, at, micros);
      add(s[3], 3, at, micros);
      if (at > entry.last) entry.last = at;
      const pairs = distinctFor(e, dim);
      if (pairs.length) {
        const ds = (entry.distinct ??= new Map());
        for (const [name, value] of pairs) {
          let set = ds.get(name);
          if (!set) ds.set(name, (set = new DistinctSet()));
          touchDistinct(set.m1, value, at, D1, this.distinctCap);
          touchDistinct(set.m24, value, at, D24, this.distinctCap);
        }
      }
      out[dim] = this.read(entry, at, pairs.length ? pairs.map((p) => p[0]) : null, undefined);
    }
    this.maintain();
    return out;
  }

  peek(dims: VelocityDim[], at: number, distinctNames?: string[]): Promise<VelocitySnapshot> {
    const out: VelocitySnapshot = {};
    for (const { dim, key } of dims) {
      if (typeof key !== 'string' || key.length === 0) continue;
      checkName(dim, 'dim');
      const entry = this.entries.get(dim + '\u001f' + key);
      out[dim] = entry ? this.read(entry, at, null, distinctNames) : zeros(distinctNames);
    }
    return Promise.resolve(out);
  }

  /** Drops every entry with no event in the last 7 days (relative to the clock). Returns how many. */
  sweep(): number {
    const cutoff = this.clock.now() - LONGEST_MS;
    let n = 0;
    for (const [k, entry] of this.entries) {
      if (entry.last <= cutoff) {
        this.entries.delete(k);
        n++;
      }
    }
    return n;
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }

  /** Approximate heap held per entry, for capacity planning (walks every entry; not for the hot path). */
  stats(): { keys: number; triples: number; distinctValues: number } {
    let triples = 0;
    let distinctValues = 0;
    for (const e of this.entries.values()) {
      for (const s of e.series) triples += (s.a.length - s.s) / 3;
      if (e.distinct) for (const d of e.distinct.values()) distinctValues += d.m24.size;
    }
    return { keys: this.entries.size, triples, distinctValues };
  }

  private entry(dim: string, key: string): Entry {
    const k = dim + '\u001f' + key;
    let entry = this.entries.get(k);
    if (entry === undefined) {
      entry = new Entry();
      entry.gen = ++this.gen;
      this.entries.set(k, entry);
      if (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
    } else if (this.gen - entry.gen > this.maxKeys >>> 1) {
      // drifted into the older half of the order: move to the back
      this.entries.delete(k);
      this.entries.set(k, entry);
      entry.gen = ++this.gen;
    }
    return entry;
  }

  /** Drops a few expired entries from the front of the order. */
  private maintain(): void {
    if ((++this.ops & 7) !== 0 || this.entries.size === 0) return;
    let budget = 8;
    const cutoff = this.clock.now() - LONGEST_MS;
    for (const [k, entry] of this.entries) {
      if (budget-- === 0 || entry.last > cutoff) break;
      this.entries.delete(k);
    }
  }

  /** `justTouched`: names whose sets were just pruned at `at` (their sizes are exact). */
  private read(entry: Entry, at: number, justTouched: string[] | null, names: string[] | undefined): DimVelocity {
    const s = entry.series;
    total(s[0], 0, at);
    const c0 = outN;
    const u0 = outU;
    total(s[1], 1, at);
    const c1 = outN;
    const u1 = outU;
    total(s[2], 2, at);
    const c2 = outN;
    const u2 = outU;
    total(s[3], 3, at);
    const v: DimVelocity = {
      count_1m: c0,
      count_1h: c1,
      count_24h: c2,
      count_7d: outN,
      sum_usd_1m: u0 / 1e6,
      sum_usd_1h: u1 / 1e6,
      sum_usd_24h: u2 / 1e6,
      sum_usd_7d: outU / 1e6,
    };
    const ds = entry.distinct;
    if (names) {
      for (const name of names) {
        checkName(name, 'distinct');
        const set = ds?.get(name);
        const [f1, f24] = distinctFields(name);
        v[f1] = set ? countDistinct(set.m1, at, D1, false) : 0;
        v[f24] = set ? countDistinct(set.m24, at, D24, false) : 0;
      }
    } else if (ds) {
      for (const [name, set] of ds) {
        const exact = justTouched !== null && justTouched.includes(name);
        const [f1, f24] = distinctFields(name);
        v[f1] = countDistinct(set.m1, at, D1, exact);
        v[f24] = countDistinct(set.m24, at, D24, exact);
      }
    }
    return v;
  }
}

function zeros(names: string[] | undefined): DimVelocity {
  const v: DimVelocity = { count_1m: 0, count_1h: 0, count_24h: 0, count_7d: 0, sum_usd_1m: 0, sum_usd_1h: 0, sum_usd_24h: 0, sum_usd_7d: 0 };
  for (const name of names ?? []) {
    checkName(name, 'distinct');
    const [f1, f24] = distinctFields(name);
    v[f1] = 0;
    v[f24] = 0;
  }
  return v;
}
