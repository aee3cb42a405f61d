// Velocity counters: how many events, how many USD and how many distinct values (cards, e-mails, IPs, …)
// were seen for one key of one dimension (a card, an e-mail, an IP, a device, a user) in the last
// 1 minute, 1 hour, 24 hours and 7 days. Two stores share these types: MemoryVelocityStore (one process)
// and RedisVelocityStore (shared by every node).
//
// Windows are sliding and bucketed:
//   window  bucket  buckets
//   1m      1 s     60
//   1h      1 min   60
//   24h     10 min  144
//   7d      1 h     168
// At time `now` a window of length W with bucket size B covers the buckets whose start is after now − W,
// i.e. the N = W/B buckets up to and including the current one. Error bound: an event at t leaves the
// window at bucketStart(t) + W, that is between W − B (exclusive) and W after it happened — never later;
// exactly W when t falls on a bucket boundary. So count_1m forgets an event 59–60 s after it, count_7d
// 167–168 h after it. Sums follow the same rule; they are kept in integer micro-dollars, so they add up
// exactly (no float drift) and come back as decimal USD rounded to 1e-6.
//
// Distinct counts are exact in time (no buckets): a value counts in distinct_<name>_1h while it was last
// seen less than 1 h ago (strictly: lastSeen > now − 1 h). Each set keeps at most `distinctCap` values
// (default 1000, the most recently seen): a count at the cap means "at least that many".
//
// Out-of-order events (an `at` earlier than the newest event of that key, e.g. clock skew between nodes)
// are counted in their own bucket if that bucket is still inside the window; the snapshot that observe
// returns for them is evaluated at the key's newest event, so it includes everything already recorded.

/** Milliseconds since the epoch; inject a fake one in tests. */
export interface VelocityClock {
  now(): number;
}

export const systemVelocityClock: VelocityClock = { now: () => Date.now() };

export interface VelocityDim {
  /** Dimension name, used in feature paths: velocity.<dim>.count_1h. [A-Za-z][A-Za-z0-9_]* */
  dim: string;
  /** The value counted under that dimension: a card fingerprint, a normalized e-mail, an IP, … */
  key: string;
}

export interface VelocityEvent {
  dims: VelocityDim[];
  /** Time of the event, ms since the epoch. */
  at: number;
  /** Amount of the event in decimal USD (see toUsd); adds to sum_usd_*. */
  amountUsd?: number;
  /**
   * Values to count distinct of, per name, under every dim of the event, e.g. `{ card: fp, email, ip }`
   * gives velocity.ip.distinct_card_24h, velocity.card.distinct_ip_1h, … A name equal to the dim itself
   * (distinct cards of a card) is skipped.
   */
  distinct?: Record<string, string | null | undefined>;
}

/**
 * count_1m … count_7d, sum_usd_1m … sum_usd_7d, and distinct_<name>_1h / distinct_<name>_24h for every
 * distinct name tracked for that key.
 */
export type DimVelocity = Record<string, number>;

/** Per dim name (as given in the event) its counters. */
export type VelocitySnapshot = Record<string, DimVelocity>;

export interface VelocityStore {
  /** Records the event AND returns, for each dim, the windows' values INCLUDING this event — one round trip. */
  observe(e: VelocityEvent): Promise<VelocitySnapshot>;
  /**
   * Reads without recording (explain/replay/tests), evaluated at `at`. `distinctNames` lists the distinct
   * counters to report; by default every name tracked for the key. Reading at a time earlier than the newest
   * event of a key is best-effort: buckets and distinct values already superseded are not reconstructed.
   */
  peek(dims: VelocityDim[], at: number, distinctNames?: string[]): Promise<VelocitySnapshot>;
  close(): Promise<void>;
}

export interface WindowSpec {
  name: '1m' | '1h' | '24h' | '7d';
  ms: number;
  bucketMs: number;
  buckets: number;
}

export const WINDOWS: readonly WindowSpec[] = Object.freeze([
  { name: '1m', ms: 60_000, bucketMs: 1_000, buckets: 60 },
  { name: '1h', ms: 3_600_000, bucketMs: 60_000, buckets: 60 },
  { name: '24h', ms: 86_400_000, bucketMs: 600_000, buckets: 144 },
  { name: '7d', ms: 604_800_000, bucketMs: 3_600_000, buckets: 168 },
] as WindowSpec[]);

export const DISTINCT_WINDOWS = Object.freeze([
  { name: '1h', ms: 3_600_000 },
  { name: '24h', ms: 86_400_000 },
] as const);

export const DEFAULT_DISTINCT_CAP = 1000;

/** Names of the counters in a DimVelocity, in order; distinct ones per name. */
export const COUNT_FIELDS = ['count_1m', 'count_1h', 'count_24h', 'count_7d'] as const;
export const SUM_FIELDS = ['sum_usd_1m', 'sum_usd_1h', 'sum_usd_24h', 'sum_usd_7d'] as const;
const fieldCache = new Map<string, readonly [string, string]>();
export function distinctFields(name: string): readonly [string, string] {
  let f = fieldCache.get(name);
  if (!f) {
    f = Object.freeze([`distinct_${name}_1h`, `distinct_${name}_24h`] as const);
    if (fieldCache.size < 10_000) fieldCache.set(name, f);
  }
  return f;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const okNames = new Set<string>();

/** Throws a TypeError for a dim or distinct name that cannot be a feature path segment. */
export function checkName(name: string, what: string): void {
  if (okNames.has(name)) return;
  if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`velocity ${what} name must match ${NAME}: ${JSON.stringify(name)}`);
  if (okNames.size < 10_000) okNames.add(name);
}

/** Integer micro-dollars of an amount (0 when absent or not finite): sums are kept in these. */
export function toMicros(amountUsd: number | undefined): number {
  return typeof amountUsd === 'number' && Number.isFinite(amountUsd) ? Math.round(amountUsd * 1e6) : 0;
}

/** The velocity part of a rule input: `{ 'velocity.card.count_1h': 3, … }`. */
export function flattenSnapshot(s: VelocitySnapshot, prefix = 'velocity', into: Record<string, unknown> = {}): Record<string, unknown> {
  for (const dim in s) {
    const v = s[dim];
    for (const k in v) into[`${prefix}.${dim}.${k}`] = v[k];
  }
  return into;
}

/** Feature schema entries (all numbers) for the velocity features of these dims and distinct names. */
export function velocitySchema(dims: string[], distinct: Record<string, string[]> | string[] = {}): Record<string, 'number'> {
  const out: Record<string, 'number'> = {};
  for (const dim of dims) {
    for (const f of [...COUNT_FIELDS, ...SUM_FIELDS]) out[`velocity.${dim}.${f}`] = 'number';
    const names = Array.isArray(distinct) ? distinct : (distinct[dim] ?? []);
    for (const n of names) if (n !== dim) for (const f of distinctFields(n)) out[`velocity.${dim}.${f}`] = 'number';
  }
  return out;
}
