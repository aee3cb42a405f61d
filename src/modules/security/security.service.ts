/**
 * The security monitor: implements the SecuritySink port (src/platform/security.ts). Modules report
 * signals; the monitor counts them in memory over sliding windows and, when a pattern crosses its threshold,
 * records a security event, raises an alert (+ Slack job) and — for floods — blocks the source for a while.
 *
 * Signal kinds → detectors → default thresholds (all configurable through `detectors` overrides):
 *
 * | signal            | event kind        | counted by                     | threshold (window)  | severity | auto-block |
 * |-------------------|-------------------|--------------------------------|---------------------|----------|------------|
 * | login_failed      | login_burst       | IP                             | 10 (5 min)          | warning  |            |
 * | login_failed      | login_burst       | subject (the target login)     | 6 (15 min)          | warning  |            |
 * | code_failed       | code_bruteforce   | customer, else subject (chall.)| 5 (10 min)          | warning  |            |
 * | code_failed       | code_bruteforce   | IP                             | 10 (10 min)         | warning  |            |
 * | account_locked    | lockouts          | IP (one IP locking accounts)   | 3 (1 h)             | warning  |            |
 * | not_found_foreign | enumeration       | customer                       | 20 (5 min)          | warning  |            |
 * | not_found_foreign | enumeration       | IP                             | 30 (5 min)          | warning  |            |
 * | not_found_id      | enumeration       | customer                       | 20 (5 min)          | warning  |            |
 * | not_found_id      | enumeration       | IP                             | 30 (5 min)          | warning  |            |
 * | token_invalid     | token_forgery     | IP                             | 20 (5 min)          | warning  |            |
 * | token_revoked     | token_replay      | IP                             | 1 (10 min)          | warning  |            |
 *   (token_revoked: only sessions the customer or staff explicitly ended — expiry and system-ended ones are silent)
 * | request           | flood             | IP                             | 300 (10 s)          | critical | 15 min /32 |
 * | request           | flood             | subnet (/24 IPv4, /64 IPv6)    | 1000 (10 s)         | critical | 15 min /24 |
 * | ip_blocked        | — (counted only: stats().blockedRequests)                                                     |
 *
 * not_found_id is every 404 answered on a `/v1/me/…` route whose pattern takes an id (the request hook reports
 * it, by customer when logged in): random-id guessing, which never hits an existing foreign id. A 404 that the
 * handler already reported as not_found_foreign (same customer and id, just before) is not counted twice.
 *
 * Normal use stays below every line: one or two mistyped passwords or codes, a stale link to someone
 * else's receipt, an expired session token retried a few times, a person browsing (tens of requests a minute).
 *
 * Dedup: while a pattern from one source goes on (a new signal within the window of the last one), it is ONE
 * event whose count, last-seen time and evidence are updated by the flush loop; a pattern that stops for a
 * whole window and starts again is a new event (and a new alert). Across nodes, writers of one pattern
 * serialize on an advisory lock and continue the ongoing row instead of inserting a second one.
 *
 * Cost: `record()` is synchronous, O(1) (≤ 2 detectors per signal kind, a 10-bucket counter each), never
 * throws and does no I/O. Writes happen in `flush()` (a timer every `flushMs`, and soon after a detection
 * opens), each pattern in its own short transaction — never inside a caller's transaction. Memory is bounded:
 * at most `maxKeysPerDetector` counters per detector (least recently seen evicted; idle ones swept) and
 * `maxOpen` open detections with at most 10 samples and 100 distinct values each.
 */
import type { Db, Sql } from '../../platform/db/db.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SecuritySignal, SecuritySignalKind, SecuritySink } from '../../platform/security.ts';
import { raiseAlert, acknowledgeAlert, type Severity } from '../../platform/alerts.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { newId } from '../../platform/ids.ts';
import { notFound } from '../../platform/errors.ts';
import { SLACK_JOB } from '../risk/index.ts';
import { audit } from '../staff/index.ts';
import { createIpBlocks, type IpBlocks } from './security.blocks.ts';
import { isLoopback, normalizeIp, subnetOf } from './security.cidr.ts';
import { BoundedMap, BUCKETS, SlidingCounter } from './security.windows.ts';
import * as repo from './security.repo.ts';
import type { SecurityEvent } from './security.repo.ts';

export type SecurityEventKind = 'login_burst' | 'code_bruteforce' | 'lockouts' | 'enumeration' | 'token_forgery' | 'token_replay' | 'flood';
export const SECURITY_EVENT_KINDS: readonly SecurityEventKind[] = ['login_burst', 'code_bruteforce', 'lockouts', 'enumeration', 'token_forgery', 'token_replay', 'flood'];

/** What a detector counts by. `customer_or_subject`: the customer when the signal names one, else the subject. */
export type CountBy = 'ip' | 'subnet' | 'customer' | 'subject' | 'customer_or_subject';

export interface DetectorSpec {
  /** Unique name, e.g. 'login_burst.ip' (overrides are matched by it). */
  name: string;
  signal: SecuritySignalKind;
  kind: SecurityEventKind;
  by: CountBy;
  threshold: number;
  windowMs: number;
  severity: Severity;
  /** Block the source (IP /32|/128, or the subnet) on the public surface when the event opens. */
  autoBlock?: boolean;
  /** What the evidence counts distinct values of (targets of one IP, IPs against one target). */
  distinct?: 'subject' | 'ip';
  enabled?: boolean;
}

const MIN = 60_000;
export const DEFAULT_DETECTORS: readonly DetectorSpec[] = [
  { name: 'login_burst.ip', signal: 'login_failed', kind: 'login_burst', by: 'ip', threshold: 10, windowMs: 5 * MIN, severity: 'warning', distinct: 'subject' },
  { name: 'login_burst.target', signal: 'login_failed', kind: 'login_burst', by: 'subject', threshold: 6, windowMs: 15 * MIN, severity: 'warning', distinct: 'ip' },
  { name: 'code_bruteforce.customer', signal: 'code_failed', kind: 'code_bruteforce', by: 'customer_or_subject', threshold: 5, windowMs: 10 * MIN, severity: 'warning', distinct: 'ip' },
  { name: 'code_bruteforce.ip', signal: 'code_failed', kind: 'code_bruteforce', by: 'ip', threshold: 10, windowMs: 10 * MIN, severity: 'warning', distinct: 'subject' },
  { name: 'lockouts.ip', signal: 'account_locked', kind: 'lockouts', by: 'ip', threshold: 3, windowMs: 60 * MIN, severity: 'warning', distinct: 'subject' },
  { name: 'enumeration.customer', signal: 'not_found_foreign', kind: 'enumeration', by: 'customer', threshold: 20, windowMs: 5 * MIN, severity: 'warning', distinct: 'subject' },
  { name: 'enumeration.ip', signal: 'not_found_foreign', kind: 'enumeration', by: 'ip', threshold: 30, windowMs: 5 * MIN, severity: 'warning', distinct: 'subject' },
  { name: 'enumeration_guess.customer', signal: 'not_found_id', kind: 'enumeration', by: 'customer', threshold: 20, windowMs: 5 * MIN, severity: 'warning', distinct: 'subject' },
  { name: 'enumeration_guess.ip', signal: 'not_found_id', kind: 'enumeration', by: 'ip', threshold: 30, windowMs: 5 * MIN, severity: 'warning', distinct: 'subject' },
  { name: 'token_forgery.ip', signal: 'token_invalid', kind: 'token_forgery', by: 'ip', threshold: 20, windowMs: 5 * MIN, severity: 'warning' },
  { name: 'token_replay.ip', signal: 'token_revoked', kind: 'token_replay', by: 'ip', threshold: 1, windowMs: 10 * MIN, severity: 'warning', distinct: 'subject' },
  { name: 'flood.ip', signal: 'request', kind: 'flood', by: 'ip', threshold: 300, windowMs: 10_000, severity: 'critical', autoBlock: true },
  { name: 'flood.subnet', signal: 'request', kind: 'flood', by: 'subnet', threshold: 1000, windowMs: 10_000, severity: 'critical', autoBlock: true },
];

export interface SecurityMonitorOptions {
  db: Db;
  log: Logger;
  clock: Clock;
  /** Per-detector overrides by name (threshold, window, severity, autoBlock, enabled) and extra detectors. */
  detectors?: Record<string, Partial<Omit<DetectorSpec, 'name' | 'signal' | 'kind' | 'by'>>>;
  /** Automatic temporary blocks for detectors marked autoBlock (floods). Default on, 15 minutes. */
  autoBlock?: { enabled?: boolean; minutes?: number };
  /** How often pending detections are written (ms, default 1000). */
  flushMs?: number;
  maxKeysPerDetector?: number;
  maxOpen?: number;
  /** Use these blocks (default: the monitor makes its own). */
  blocks?: IpBlocks;
}

interface Sample { at: string; kind: SecuritySignalKind; ip?: string; customerId?: string; subject?: string; details?: Record<string, string | number | boolean> }
/** A sample as recorded (rendered into evidence only when written: no formatting on the hot path). */
interface RawSample { atMs: number; s: SecuritySignal; ip: string | null }

/** A detector's counter for one key; low-volume detectors also keep what came before the threshold was crossed. */
interface Counter {
  c: SlidingCounter;
  pre?: RawSample[];
  seen?: Set<string>;
}

interface Open {
  det: DetectorSpec;
  source: string;
  ip: string | null;
  subnet: string | null;
  customerId: string | null;
  subject: string | null;
  count: number;
  flushed: number;
  firstMs: number;
  lastMs: number;
  /** The first SAMPLE_HEAD samples, then the latest SAMPLE_TAIL in a ring. */
  head: RawSample[];
  tail: RawSample[];
  tailNext: number;
  distinct: Set<string>;
  distinctOverflow: boolean;
  eventId: string | null;
  blockId: string | null;
  dirty: boolean;
}

const SAMPLE_HEAD = 5;
const SAMPLE_TAIL = 5;
const DISTINCT_CAP = 100;
/** Details keys never copied into evidence (secrets, personal data). */
const SECRET_KEY = /pass|secret|token|code|otp|pin|email|e-mail|phone|name|card|pan|cookie|auth/i;

/** Keeps only short scalar details whose key does not look like a secret or personal data. */
function safeDetails(d: Record<string, unknown> | undefined): Sample['details'] {
  if (!d) return undefined;
  const out: Record<string, string | number | boolean> = {};
  let n = 0;
  for (const [k, v] of Object.entries(d)) {
    if (n >= 6 || SECRET_KEY.test(k)) continue;
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string') out[k] = v.slice(0, 80);
    else continue;
    n++;
  }
  return n ? out : undefined;
}

function distinctValue(det: DetectorSpec, s: SecuritySignal, ip: string | null): string | null {
  const v = det.distinct === 'ip' ? ip : det.distinct === 'subject' ? s.subject : null;
  return v ? String(v).slice(0, 120) : null;
}

function summary(det: DetectorSpec, o: Open): string {
  const who = det.by === 'ip' ? `IP ${o.ip}` : det.by === 'subnet' ? `subnet ${o.subnet}` : o.customerId ? `customer ${o.customerId}` : `subject ${o.subject}`;
  const win = det.windowMs >= MIN ? `${Math.round(det.windowMs / MIN)} min` : `${Math.round(det.windowMs / 1000)} s`;
  const what: Record<SecurityEventKind, string> = {
    login_burst: 'failed logins', code_bruteforce: 'wrong one-time codes', lockouts: 'accounts locked', enumeration: "requests for other customers' or unknown ids",
    token_forgery: 'invalid or forged tokens', token_replay: 'revoked tokens replayed', flood: 'requests',
  };
  return `Security: ${what[det.kind]} from ${who} — ${o.count} (threshold ${det.threshold} in ${win})`;
}

export function createSecurityMonitor(opts: SecurityMonitorOptions) {
  const { db, log, clock } = opts;
  const flushMs = opts.flushMs ?? 1000;
  const maxKeys = opts.maxKeysPerDetector ?? 50_000;
  const maxOpen = opts.maxOpen ?? 10_000;
  const autoBlock = { enabled: opts.autoBlock?.enabled ?? true, minutes: opts.autoBlock?.minutes ?? 15 };
  const blocks = opts.blocks ?? createIpBlocks({ db, clock, log });

  const detectors: DetectorSpec[] = DEFAULT_DETECTORS.map((d) => ({ ...d, ...(opts.detectors?.[d.name] ?? {}) })).filter((d) => d.enabled !== false);
  /** Per detector: counters and open detections, both keyed by the counted value (no string building per signal). */
  interface Slot { det: DetectorSpec; counters: BoundedMap<string, Counter>; open: Map<string, Open> }
  const slots: Slot[] = detectors.map((det) => ({ det, counters: new BoundedMap<string, Counter>(maxKeys), open: new Map<string, Open>() }));
  const bySignal = new Map<SecuritySignalKind, Slot[]>();
  for (const slot of slots) bySignal.set(slot.det.signal, [...(bySignal.get(slot.det.signal) ?? []), slot]);
  let openCount = 0;
  /** not_found_foreign signals of the last moments by `customer|id`, each absorbing the one matching not_found_id. */
  const recentForeign = new Map<string, number>();
  const stats = { signals: 0, droppedSignals: 0, blockedRequests: 0, detections: 0, droppedDetections: 0, writeErrors: 0, eventsWritten: 0 };

  let timer: NodeJS.Timeout | null = null;
  let refreshTimer: NodeJS.Timeout | null = null;
  let soon: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  /** Client address → canonical form and subnet, cached (a flood repeats the same few addresses). */
  const addrCache = new Map<string, { ip: string | null; subnet: string | null }>();
  function addressOf(raw: string | undefined): { ip: string | null; subnet: string | null } {
    if (!raw) return { ip: null, subnet: null };
    let a = addrCache.get(raw);
    if (!a) {
      const ip = normalizeIp(raw);
      a = { ip, subnet: ip ? subnetOf(ip) : null };
      if (addrCache.size >= 50_000) addrCache.clear();
      addrCache.set(raw, a);
    }
    return a;
  }

  /** The value a detector counts this signal by (null: the signal does not name it). */
  function keyOf(det: DetectorSpec, ip: string | null, subnet: string | null, s: SecuritySignal): string | null {
    switch (det.by) {
      case 'ip': return ip;
      case 'subnet': return subnet;
      case 'customer': return s.customerId ? String(s.customerId).slice(0, 64) : null;
      case 'subject': return s.subject ? String(s.subject).slice(0, 200) : null;
      case 'customer_or_subject': return s.customerId ? `customer:${String(s.customerId).slice(0, 64)}` : s.subject ? `subject:${String(s.subject).slice(0, 200)}` : null;
    }
  }
  /** The event's source: what was counted, e.g. 'ip:203.0.113.5', 'customer:cus_…'. */
  const sourceOf = (det: DetectorSpec, key: string) => (det.by === 'customer_or_subject' ? key : `${det.by}:${key}`);

  function render({ s, atMs, ip }: RawSample): Sample {
    const out: Sample = { at: new Date(atMs).toISOString(), kind: s.kind };
    if (ip) out.ip = ip;
    if (s.customerId) out.customerId = String(s.customerId).slice(0, 64);
    if (s.subject) out.subject = String(s.subject).slice(0, 120);
    const d = safeDetails(s.details);
    if (d) out.details = d;
    return out;
  }

  function note(o: Open, s: SecuritySignal, atMs: number, ip: string | null) {
    const sample = { atMs, s, ip };
    if (o.head.length < SAMPLE_HEAD) o.head.push(sample);
    else {
      o.tail[o.tailNext] = sample;
      o.tailNext = (o.tailNext + 1) % SAMPLE_TAIL;
    }
    const dv = distinctValue(o.det, s, ip);
    if (dv) {
      if (o.distinct.size < DISTINCT_CAP) o.distinct.add(dv);
      else if (!o.distinct.has(dv)) o.distinctOverflow = true;
    }
  }

  function scheduleSoon() {
    if (soon || stopped) return;
    soon = setTimeout(() => { soon = null; void monitor.flush(); }, 0);
    soon.unref?.();
  }

  function observe(s: SecuritySignal) {
    stats.signals++;
    if (s.kind === 'ip_blocked') stats.blockedRequests++;
    const atMs = (s.at instanceof Date && !Number.isNaN(s.at.getTime()) ? s.at : clock.now()).getTime();
    // a foreign id's 404 arrives twice: the handler's not_found_foreign, then the hook's not_found_id — count it once
    if (s.kind === 'not_found_foreign' && s.customerId && s.subject) {
      if (recentForeign.size >= 10_000) recentForeign.clear();
      recentForeign.set(`${s.customerId}|${s.subject}`, atMs);
    } else if (s.kind === 'not_found_id' && s.customerId && s.subject) {
      const k = `${s.customerId}|${s.subject}`;
      const seen = recentForeign.get(k);
      if (seen !== undefined) {
        recentForeign.delete(k);
        if (Math.abs(atMs - seen) <= 60_000) return;
      }
    }
    const dets = bySignal.get(s.kind);
    if (!dets) return;
    const { ip, subnet } = addressOf(s.ip);
    for (const { det, counters, open } of dets) {
      const key = keyOf(det, ip, subnet, s);
      if (!key) continue;
      const o = open.get(key);
      if (o && atMs - o.lastMs <= det.windowMs) {
        // the pattern goes on: one event, updated
        o.count++;
        if (atMs > o.lastMs) o.lastMs = atMs;
        note(o, s, atMs, ip);
        o.dirty = true;
        continue;
      }
      const entry = counters.touch(key, () => ({ c: new SlidingCounter(Math.max(1, Math.ceil(det.windowMs / BUCKETS))), ...(det.signal === 'request' ? {} : { pre: [], seen: new Set<string>() }) }));
      const counter = entry.c;
      if (entry.pre && counter.total > 0 && atMs - counter.lastAt > det.windowMs) { entry.pre = []; entry.seen = new Set(); }
      const n = counter.add(atMs);
      if (entry.pre && n < det.threshold) {
        if (entry.pre.length < SAMPLE_HEAD) entry.pre.push({ atMs, s, ip });
        const dv = distinctValue(det, s, ip);
        if (dv && entry.seen!.size < DISTINCT_CAP) entry.seen!.add(dv);
      }
      if (n < det.threshold) continue;
      if (o) {
        if (o.dirty || !o.eventId) continue; // the previous run is not written yet: it will close after its write
        open.delete(key);
        openCount--;
      }
      if (openCount >= maxOpen) {
        stats.droppedDetections++;
        continue;
      }
      const fresh: Open = {
        det, source: sourceOf(det, key), ip: det.by === 'subnet' ? null : ip, subnet, customerId: s.customerId ? String(s.customerId).slice(0, 64) : null,
        subject: s.subject ? String(s.subject).slice(0, 200) : null, count: n, flushed: 0,
        firstMs: Math.max(counter.firstAt, atMs - det.windowMs), lastMs: atMs,
        head: entry.pre ?? [], tail: [], tailNext: 0, distinct: entry.seen ?? new Set(), distinctOverflow: false, eventId: null, blockId: null, dirty: true,
      };
      if (entry.pre) { entry.pre = []; entry.seen = new Set(); }
      note(fresh, s, atMs, ip);
      open.set(key, fresh);
      openCount++;
      stats.detections++;
      scheduleSoon();
    }
  }

  function evidence(o: Open): Record<string, unknown> {
    const det = o.det;
    return {
      detector: det.name, countedBy: det.by, count: o.count, threshold: det.threshold, windowSeconds: det.windowMs / 1000,
      firstSeenAt: new Date(o.firstMs).toISOString(), lastSeenAt: new Date(o.lastMs).toISOString(),
      ...(det.distinct ? { [det.distinct === 'ip' ? 'distinctIps' : 'distinctSubjects']: o.distinct.size, ...(o.distinctOverflow ? { distinctCapped: true } : {}) } : {}),
      samples: [...o.head, ...o.tail.slice(o.tailNext), ...o.tail.slice(0, o.tailNext)].map(render),
    };
  }

  /** Writes one detection: continue its event, or open one (+ alert + Slack job + automatic block). */
  async function write(o: Open): Promise<void> {
    const det = o.det;
    const snapshot = { count: o.count, firstMs: o.firstMs, lastMs: o.lastMs, evidence: evidence(o) };
    o.dirty = false;
    const delta = snapshot.count - o.flushed;
    const now = clock.now();
    let blocked = false;
    try {
      await db.tx(async (trx: Sql) => {
        await repo.lockPattern(trx, det.kind, o.source);
        let id = o.eventId;
        if (!id) {
          const ongoing = await repo.findOngoing(trx, det.kind, o.source, new Date(snapshot.lastMs - det.windowMs));
          if (ongoing) id = ongoing.id;
        }
        if (id) {
          const c = await repo.continueEvent(trx, id, { delta, evidence: snapshot.evidence, firstSeenAt: new Date(snapshot.firstMs), lastSeenAt: new Date(snapshot.lastMs), now });
          if (c !== null) {
            o.eventId = id;
            return;
          }
        }
        id = newId('sev');
        await repo.insertEvent(trx, {
          id, kind: det.kind, severity: det.severity, source: o.source, ip: o.ip, subnet: o.subnet, customerId: o.customerId, subject: o.subject,
          count: snapshot.count, evidence: snapshot.evidence, firstSeenAt: new Date(snapshot.firstMs), lastSeenAt: new Date(snapshot.lastMs), now,
        });
        let blockId: string | null = null;
        let blockNote = '';
        const target = det.by === 'subnet' ? o.subnet : o.ip;
        if (det.autoBlock && autoBlock.enabled && target && !(o.ip && isLoopback(o.ip))) {
          const b = await blocks.insertAutomatic(trx, { cidr: target, minutes: autoBlock.minutes, eventId: id, reason: `automatic: ${det.kind} (${snapshot.count} requests in ${det.windowMs / 1000} s), event ${id}` });
          if (b) {
            blockId = b.id;
            blocked = true;
            blockNote = ` — ${b.cidr} blocked for ${autoBlock.minutes} min (${b.id})`;
          }
        }
        const alertId = await raiseAlert(trx, {
          severity: det.severity, kind: `security.${det.kind}`, message: summary(det, { ...o, count: snapshot.count }) + blockNote, subjectId: id,
          details: { eventId: id, source: o.source, detector: det.name, ...(blockId ? { blockId } : {}) },
        });
        await enqueue(trx, { ...SLACK_JOB, payload: { alertId }, dedupeKey: `slack:${alertId}`, maxAttempts: 8 });
        await repo.linkEvent(trx, id, { alertId, blockId });
        o.eventId = id;
        o.blockId = blockId;
      });
      o.flushed = snapshot.count;
      stats.eventsWritten++;
    } catch (err) {
      stats.writeErrors++;
      o.dirty = true; // written again on the next flush
      log.warn({ err, detector: det.name }, 'security event write failed');
    }
    if (blocked) await blocks.refresh(true).catch((err) => log.warn({ err }, 'ip blocks reload failed'));
  }

  async function flushOnce(): Promise<void> {
    const nowMs = clock.now().getTime();
    for (const { det, counters, open } of slots) {
      for (const [k, o] of open) {
        if (o.dirty) await write(o);
        // closed: nothing new for a whole window and everything written
        if (!o.dirty && o.eventId && nowMs - o.lastMs > det.windowMs && open.get(k) === o) {
          open.delete(k);
          openCount--;
        }
      }
      counters.sweep((e) => nowMs - e.c.lastAt > det.windowMs);
    }
  }

  const monitor = {
    /** SecuritySink: synchronous, O(1), never throws, no I/O. */
    record(signal: SecuritySignal): void {
      try {
        if (stopped || !signal || typeof signal.kind !== 'string') return;
        observe(signal);
      } catch (err) {
        // logged once per 1000 so that a bug cannot flood the log from the request path
        if (stats.droppedSignals++ % 1000 === 0) try { log.warn({ err, dropped: stats.droppedSignals }, 'security signal dropped'); } catch { /* never throw */ }
      }
    },

    /** Writes every pending detection now (the timer does this every flushMs; tests call it directly). */
    async flush(): Promise<void> {
      if (flushing) {
        again = true; // the running pass loops once more: this caller's signals are written before it resolves
        return flushing;
      }
      flushing = (async () => {
        do {
          again = false;
          await flushOnce();
        } while (again);
      })().finally(() => { flushing = null; });
      return flushing;
    },

    /** Starts the flush loop and the blocks' refresh (other nodes' blocks are enforced here within a second). */
    start(): void {
      if (timer || stopped) return;
      timer = setInterval(() => void monitor.flush().catch((err) => log.error({ err }, 'security flush failed')), flushMs);
      timer.unref?.();
      refreshTimer = setInterval(() => void blocks.refresh().catch((err) => log.error({ err }, 'ip blocks refresh failed')), 1_000);
      refreshTimer.unref?.();
    },

    /** Stops the loop after a last flush (pending detections are written). */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      if (refreshTimer) clearInterval(refreshTimer);
      if (soon) clearTimeout(soon);
      timer = refreshTimer = soon = null;
      await monitor.flush().catch((err) => log.error({ err }, 'security flush failed'));
    },

    stats() {
      let counters = 0;
      let evicted = 0;
      for (const { counters: c } of slots) { counters += c.size; evicted += c.evicted; }
      return { ...stats, counters, evictedCounters: evicted, open: openCount, activeBlocks: blocks.activeCount };
    },

    detectors: detectors as readonly DetectorSpec[],
    blocks,

    // --- staff reads and actions ---
    listEvents(f: { kind?: string; since?: Date; ip?: string; before?: string; limit?: number }): Promise<SecurityEvent[]> {
      const ip = f.ip ? normalizeIp(f.ip) ?? f.ip : undefined;
      return repo.listEvents(db, { kind: f.kind, since: f.since, ip, subnet: ip ? subnetOf(ip) ?? undefined : undefined, before: f.before, limit: f.limit ?? 100 });
    },

    async getEvent(id: string): Promise<SecurityEvent> {
      const e = await repo.getEvent(db, id);
      if (!e) throw notFound('security event');
      return e;
    },

    /** Marks an event as seen by staff (and its alert), audited. Acknowledging again changes nothing. */
    async acknowledge(actor: string, id: string, ip?: string | null): Promise<SecurityEvent> {
      return db.tx(async (trx) => {
        const before = await repo.getEvent(trx, id);
        if (!before) throw notFound('security event');
        if (before.acknowledgedAt) return before;
        const e = (await repo.acknowledgeEvent(trx, id, actor, clock.now()))!;
        if (e.alertId) await acknowledgeAlert(trx, e.alertId, actor);
        await audit(trx, { actor, action: 'security.event.acknowledged', subjectId: id, details: { kind: e.kind, source: e.source }, ip: ip ?? null });
        return e;
      });
    },
  };
  return monitor satisfies SecuritySink;
}

export type SecurityMonitor = ReturnType<typeof createSecurityMonitor>;
