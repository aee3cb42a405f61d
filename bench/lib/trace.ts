/**
 * Preloaded into the server child by `--trace` (node --import tsx --import ./bench/lib/trace.ts …):
 * times every pg query (count, total, p50/p99 by SQL text), pool checkout waits, transactions
 * (BEGIN → COMMIT, labelled by their first statement), PGlite queries and transactions, and event-loop delay.
 * Writes JSON to $BENCH_TRACE_FILE when the process exits. Diagnostic only: it adds a little overhead.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';

type Agg = { n: number; total: number; samples: number[] };
const queries = new Map<string, Agg>();
const txs = new Map<string, Agg>();
const waits: Agg = { n: 0, total: 0, samples: [] };
const add = (m: Map<string, Agg> | Agg, key: string, v: number) => {
  const a = m instanceof Map ? (m.get(key) ?? (m.set(key, { n: 0, total: 0, samples: [] }), m.get(key)!)) : m;
  a.n++;
  a.total += v;
  if (a.samples.length < 20000) a.samples.push(v);
};
const norm = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 110);
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
let t0 = performance.now();
let cpu0 = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;

const txState = new WeakMap<object, { start: number; label: string | null }>();
const origQuery = pg.Client.prototype.query as (...a: unknown[]) => unknown;
(pg.Client.prototype as any).query = function (this: object, ...a: unknown[]) {
  const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string })?.text ?? '?';
  const start = performance.now();
  if (text === 'BEGIN') txState.set(this, { start, label: null });
  else {
    const st = txState.get(this);
    if (st && st.label === null) st.label = norm(text).slice(0, 80);
  }
  const done = () => {
      const end = performance.now();
      add(queries, norm(text), end - start);
      if (text === 'COMMIT' || text === 'ROLLBACK') {
        const st = txState.get(this);
        if (st) add(txs, `${text === 'ROLLBACK' ? '[rollback] ' : ''}${st.label ?? '(empty)'}`, end - st.start);
        txState.delete(this);
      }
  };
  const cb = a.findIndex((x) => typeof x === 'function');
  if (cb >= 0) {
    const orig = a[cb] as (...x: unknown[]) => unknown;
    a[cb] = (...x: unknown[]) => { done(); return orig(...x); };
  }
  const r = origQuery.apply(this, a);
  if (cb < 0 && r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(done, done);
  return r;
};
const origConnect = pg.Pool.prototype.connect as (...a: unknown[]) => unknown;
(pg.Pool.prototype as any).connect = function (this: unknown, ...a: unknown[]) {
  const start = performance.now();
  const r = origConnect.apply(this, a);
  if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(() => add(waits, '', performance.now() - start), () => undefined);
  return r;
};

// PGlite: time query() on the instance and inside transactions (one connection: these include queueing).
try {
  const mod = await import('@electric-sql/pglite');
  const proto = (mod.PGlite as unknown as { prototype: any }).prototype;
  const origQ = proto.query;
  proto.query = async function (this: unknown, text: string, ...rest: unknown[]) {
    const s = performance.now();
    try { return await origQ.call(this, text, ...rest); } finally { add(queries, `[db] ${norm(text)}`, performance.now() - s); }
  };
  const origT = proto.transaction;
  proto.transaction = async function (this: unknown, fn: (tx: any) => Promise<unknown>) {
    const requested = performance.now();
    let label = '(empty)';
    let started = 0;
    try {
      return await origT.call(this, async (tx: any) => {
        started = performance.now();
        add(waits, '', started - requested);
        const q = tx.query.bind(tx);
        const wrapped = Object.create(tx);
        wrapped.query = async (text: string, ...rest: unknown[]) => {
          if (label === '(empty)') label = norm(text).slice(0, 80);
          const s = performance.now();
          try { return await q(text, ...rest); } finally { add(queries, norm(text), performance.now() - s); }
        };
        return fn(wrapped);
      });
    } finally {
      if (started) add(txs, label, performance.now() - started);
    }
  };
} catch { /* PGlite not used */ }

function dump(file: string) {
  const pct = (s: number[], p: number) => { const a = [...s].sort((x, y) => x - y); return a[Math.min(a.length - 1, Math.max(0, Math.ceil(p / 100 * a.length) - 1))] ?? NaN; };
  const rows = (m: Map<string, Agg>) => [...m].map(([k, v]) => ({ sql: k, n: v.n, totalMs: Math.round(v.total), p50: +pct(v.samples, 50).toFixed(2), p99: +pct(v.samples, 99).toFixed(2) })).sort((a, b) => b.totalMs - a.totalMs);
  writeFileSync(file, JSON.stringify({
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6 - cpu0,
    eventLoopDelayMs: { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 },
    checkoutWait: { n: waits.n, totalMs: Math.round(waits.total), p50: pct(waits.samples, 50), p99: pct(waits.samples, 99) },
    transactions: rows(txs), queries: rows(queries),
  }, null, 1));
}

// SIGUSR2: write what was recorded since the last one to $BENCH_TRACE_FILE.<n> and start afresh (the bench marks its phases so).
let part = 0;
process.on('SIGUSR2', () => {
  const file = process.env.BENCH_TRACE_FILE;
  if (file) dump(`${file.replace(/\.json$/, '')}.${part++}.json`);
  queries.clear(); txs.clear(); waits.n = 0; waits.total = 0; waits.samples = [];
  eld.reset(); t0 = performance.now(); cpu0 = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
});
process.on('exit', () => {
  const file = process.env.BENCH_TRACE_FILE;
  if (file) dump(file);
});
