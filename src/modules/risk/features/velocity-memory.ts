// In-process velocity store for one node (tests, single-node installs, or a hot cache in front of Redis).
// Semantics and error bounds: velocity.ts.
//
// Per key and window, only the non-empty buckets are kept, as (bucket, count, micro-USD) triples in
// ascending order in one flat array, plus running totals; recording an event and reading a window are O(1)
// amortized (expired buckets fall off the front). A key seen once costs about 1.1 KB of heap; a key busy
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
  distinctFields,
  systemVelocityClock,
  toMicros,
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
/** Distinct sets up to this size are searched by walking their list (no Map: ~150 bytes less per set). */
const SMALL = 8;

/** Shared initial value of Series.a: replaced (never written) by the first add. */
const EMPTY: number[] = [];

class Series {
  /** Triples: bucket index, count, micro-USD; a[s…] are live. */
  a: number[] = EMPTY;
  s = 0;
  /** Totals of the live triples. */
  n = 0;
  u = 0;
}

class DNode {
  prev: DNode | null = null;
  next: DNode | null = null;
  constructor(
    readonly v: string,
    public t: number,
  ) {}
}

/**
 * Values with their last-seen time in a list sorted by that time (oldest first) + a map value → node.
 * `mid` is the first node inside the 1 h window of the newest prune time; n1 counts from there to the end,
 * so both distinct counts are O(1) after an O(1)-amortized prune.
 */
class DistinctSet {
  /** value → node, created once the set outgrows a linear scan (SMALL values). */
  map: Map<string, DNode> | null = null;
  size = 0;
  head: DNode | null = null;
  tail: DNode | null = null;
  mid: DNode | null = null;
  n1 = 0;
  cut1 = -Infinity;

  private find(v: string): DNode | undefined {
    if (this.map !== null) return this.map.get(v);
    for (let p = this.tail; p !== null; p = p.prev) if (p.v === v) return p;
    return undefined;
  }

  add(v: string, at: number, cap: number): void {
    let node = this.find(v);
    if (node !== undefined) {
      if (at <= node.t) return; // an older sighting: the newer one stands
      this.unlink(node);
      node.t = at;
    } else {
      node = new DNode(v, at);
      this.size++;
      if (this.map !== null) this.map.set(v, node);
      else if (this.size > SMALL) {
        this.map = new Map();
        for (let p = this.head; p !== null; p = p.next) this.map.set(p.v, p);
        this.map.set(v, node);
      }
    }
    this.insert(node);
    if (this.size > cap) this.remove(this.head!);
  }

  /** Forget values last seen at or before at − 24 h; move the 1 h boundary up to at − 1 h. */
  prune(at: number): void {
    const cut24 = at - D24;
    while (this.head !== null && this.head.t <= cut24) this.remove(this.head);
    const cut1 = at - D1;
    if (cut1 > this.cut1) {
      this.cut1 = cut1;
      while (this.mid !== null && this.mid.t <= cut1) {
        this.mid = this.mid.next;
        this.n1--;
      }
    }
  }

  /** Values last seen in (at − windowMs, at], walking the list (read-only). */
  countAt(at: number, windowMs: number): number {
    const cutoff = at - windowMs;
    let n = 0;
    for (let p = this.tail; p !== null && p.t > cutoff; p = p.prev) if (p.t <= at) n++;
    return n;
  }

  private remove(node: DNode): void {
    this.unlink(node);
    this.size--;
    this.map?.delete(node.v);
  }

  /** Takes the node out of the list, keeping mid/n1 right. */
  private unlink(node: DNode): void {
    if (node.t > this.cut1) {
      this.n1--;
      if (this.mid === node) this.mid = node.next;
    }
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = null;
  }

  /** Inserts in time order (from the tail: usually the end). */
  private insert(node: DNode): void {
    let p = this.tail;
    while (p !== null && p.t > node.t) p = p.prev;
    node.prev = p;
    node.next = p ? p.next : this.head;
    if (node.next) node.next.prev = node;
    else this.tail = node;
    if (p) p.next = node;
    else this.head = node;
    if (node.t > this.cut1) {
      // Inside the 1 h window. The list is sorted, so it becomes the first such node exactly when the old
      // first one (if any) directly follows it.
      this.n1++;
      if (this.mid === null || node.next === this.mid) this.mid = node;
    }
  }
}

class Entry {
  readonly series: [Series, Series, Series, Series] = [new Series(), new Series(), new Series(), new Series()];
  /** Distinct sets by name (parallel arrays: usually one or two names). */
  dNames: string[] | null = null;
  dSets: DistinctSet[] | null = null;
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
    se.a = [e, 1, micros]; // exact-size backing store: most keys hold one bucket per window
    se.s = 0;
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
    const micros = toMicros(e.amountUsd);
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
      const d = e.distinct;
      if (d) {
        for (const name in d) {
          const value = d[name];
          if (name === dim || typeof value !== 'string' || value.length === 0) continue;
          checkName(name, 'distinct');
          let set: DistinctSet;
          const i = entry.dNames === null ? -1 : entry.dNames.indexOf(name);
          if (i >= 0) set = entry.dSets![i];
          else if (entry.dNames === null) {
            entry.dNames = [name];
            entry.dSets = [(set = new DistinctSet())];
          } else {
            entry.dNames.push(name);
            entry.dSets!.push((set = new DistinctSet()));
          }
          set.add(value, at, this.distinctCap);
        }
      }
      out[dim] = this.read(entry, entry.last, true, undefined);
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
      out[dim] = entry ? this.read(entry, at, false, distinctNames) : zeros(distinctNames);
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
      if (e.dSets) for (const d of e.dSets) distinctValues += d.size;
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

  /**
   * The counters of an entry at `at`. `observing`: distinct sets are pruned to `at` and read in O(1);
   * otherwise (peek) they are walked without changes.
   */
  private read(entry: Entry, at: number, observing: boolean, names: string[] | undefined): DimVelocity {
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
    const dNames = entry.dNames;
    const dSets = entry.dSets;
    if (names) {
      for (const name of names) {
        checkName(name, 'distinct');
        const i = dNames === null ? -1 : dNames.indexOf(name);
        const set = i >= 0 ? dSets![i] : undefined;
        const f = distinctFields(name);
        v[f[0]] = set ? set.countAt(at, D1) : 0;
        v[f[1]] = set ? set.countAt(at, D24) : 0;
      }
    } else if (dNames !== null) {
      for (let i = 0; i < dNames.length; i++) {
        const set = dSets![i];
        const f = distinctFields(dNames[i]);
        if (observing) {
          set.prune(at);
          v[f[0]] = set.n1;
          v[f[1]] = set.size;
        } else {
          v[f[0]] = set.countAt(at, D1);
          v[f[1]] = set.countAt(at, D24);
        }
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
