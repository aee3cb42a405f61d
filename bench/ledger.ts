// Ledger benchmark (issue 4): transfers per second through the group-committed batch path on PostgreSQL.
// 10,000 funded wallets with uniform random pairs, then one hot account on every transfer; closed loop with
// many transfers in flight (as many concurrent callers). p50/p99 are per transfer, submit → committed.
// Run: npm run bench:ledger   → bench/RESULTS-ledger.md   (LEDGER_BENCH_SECONDS, LEDGER_BENCH_INFLIGHT, LEDGER_BENCH_BATCH)
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { openDb, type Db, type Sql } from '../src/platform/db/db.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { newId } from '../src/platform/ids.ts';
import { createLedgerService, type MoveLeg } from '../src/modules/ledger/index.ts';
import { summary, ms } from './lib/stats.ts';

const DB = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.LEDGER_BENCH_SECONDS ?? 10);
const INFLIGHT = Number(process.env.LEDGER_BENCH_INFLIGHT ?? 4000);
const MAX_BATCH = Number(process.env.LEDGER_BENCH_BATCH ?? 1000);
const MAX_INFLIGHT_TX = Number(process.env.LEDGER_BENCH_TX ?? 2);
const ACCOUNTS = 10_000;
const OUT = new URL('./RESULTS-ledger.md', import.meta.url);

const uptime = () => execSync('uptime').toString().trim();
const loadBefore = uptime();
const schema = `bench_ledger_${randomBytes(4).toString('hex')}`;
const url = new URL(DB);
url.searchParams.set('application_name', schema); // to find this run's PostgreSQL backends and read their CPU time
const db = await openDb({ databaseUrl: url.toString(), schema, poolSize: 8 });
await migrate(db);

/** Counts transactions (= batches) and the legs in them. */
let txs = 0;
const counting: Db = Object.create(db, { tx: { value: <T>(fn: (trx: Sql) => Promise<T>) => { txs++; return db.tx(fn); } } });
const ledger = createLedgerService({ db: counting, batch: { maxBatch: MAX_BATCH, maxInFlight: MAX_INFLIGHT_TX, lingerMs: 0 } });

// --- setup: 10,000 wallets (one statement), funded through the ledger itself ---
const gw = await ledger.systemAccount('gateway_clearing', 'USD');
const ids: string[] = Array.from({ length: ACCOUNTS }, () => newId('lac'));
await db.query(
  `INSERT INTO ledger_accounts (id, owner_type, owner_id, code, currency, normal_side, debits_must_not_exceed_credits)
   SELECT id, 'customer', 'cus_bench_' || n, 'wallet', 'USD', 'credit', true FROM unnest($1::text[]) WITH ORDINALITY AS x(id, n)`,
  [ids],
);
let seq = 0;
const leg = (from: string, to: string, amount: number, kind: MoveLeg['kind'] = 'transfer'): MoveLeg =>
  ({ id: `b${seq++}`, debitAccountId: from, creditAccountId: to, amount, currency: 'USD', kind, description: 'bench' });
const t0 = performance.now();
await Promise.all(ids.map((id) => ledger.transferOne(leg(gw.id, id, 1_000_000, 'topup'))));
const fundSeconds = (performance.now() - t0) / 1000;

/** CPU time (ms) of this run's PostgreSQL backends, per pid (Linux schedstat: nanoseconds on CPU). */
async function pgCpu(): Promise<Map<number, number>> {
  const rows = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [schema]);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try { out.set(pid, Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6); } catch { /* gone */ }
  }
  return out;
}
const nodeCpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

interface Run { pgCpuPer1000: number; nodeCpuPer1000: number; name: string; transfers: number; refused: number; seconds: number; tps: number; p50: number; p99: number; max: number; txs: number; legsPerTx: number }

/** Closed loop: `inflight` callers, each submitting its next transfer when the previous one committed. */
async function run(name: string, next: (i: number) => MoveLeg, seconds: number, inflight: number, submit: (l: MoveLeg) => Promise<unknown> = (l) => ledger.transferOne(l)): Promise<Run> {
  const lat: number[] = [];
  let done = 0, refused = 0, i = 0;
  const tx0 = txs;
  const pg0 = await pgCpu();
  const node0 = nodeCpu();
  const start = performance.now();
  const until = start + seconds * 1000;
  const caller = async () => {
    while (performance.now() < until) {
      const l = next(i++);
      const s = performance.now();
      try { await submit(l); done++; } catch (err) { if ((err as { code?: string }).code === 'insufficient_funds') refused++; else throw err; }
      lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: inflight }, caller));
  const elapsed = (performance.now() - start) / 1000;
  const nodeMs = nodeCpu() - node0;
  const pg1 = await pgCpu();
  let pgMs = 0;
  for (const [pid, v] of pg1) pgMs += v - (pg0.get(pid) ?? v); // backends opened during the run are not counted (rare)
  const s = summary(lat);
  const n = txs - tx0;
  const per = 1000 / Math.max(1, done + refused);
  return { pgCpuPer1000: pgMs * per, nodeCpuPer1000: nodeMs * per, name, transfers: done, refused, seconds: elapsed, tps: done / elapsed, p50: s.p50, p99: s.p99, max: s.max, txs: n, legsPerTx: (done + refused) / Math.max(1, n) };
}

const rnd = (n: number) => Math.floor(Math.random() * n);
const pair = () => { const a = rnd(ACCOUNTS); let b = rnd(ACCOUNTS - 1); if (b >= a) b++; return [ids[a], ids[b]]; };
const hot = ids[0];

const runs: Run[] = [];
// warm-up (JIT, plans, pool), not reported
await run('warm-up', () => { const [a, b] = pair(); return leg(a, b, 1 + rnd(100)); }, 2, INFLIGHT);
runs.push(await run('uniform: 10,000 accounts, random pairs', () => { const [a, b] = pair(); return leg(a, b, 1 + rnd(100)); }, SECONDS, INFLIGHT));
runs.push(await run('hot: every transfer debits or credits one account', (i) => {
  const other = ids[1 + rnd(ACCOUNTS - 1)];
  return i % 2 ? leg(hot, other, 1 + rnd(100), 'payment') : leg(other, hot, 1 + rnd(100), 'payment');
}, SECONDS, INFLIGHT));
runs.push(await run('uniform, 200 in flight (lighter load: latency)', () => { const [a, b] = pair(); return leg(a, b, 1 + rnd(100)); }, Math.min(5, SECONDS), 200));
// For comparison: one transaction per transfer (transferIn in its own transaction), 16 callers.
runs.push(await run('baseline: one transaction per transfer (transferIn), 16 callers', () => { const [a, b] = pair(); return leg(a, b, 1 + rnd(100)); }, Math.min(5, SECONDS), 16,
  (l) => counting.tx((trx) => ledger.transferIn(trx, [l]))));

// --- correctness after the load ---
const tb = await ledger.trialBalance();
const recon0 = performance.now();
const mismatches = await ledger.reconcile();
const reconSeconds = (performance.now() - recon0) / 1000;
const [{ count }] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM ledger_transfers`);
const [{ version }] = await db.query<{ version: string }>(`SELECT current_setting('server_version') AS version`);
const loadAfter = uptime();

const commit = execSync('git rev-parse --short HEAD').toString().trim();
const lines = [
  '# Ledger benchmark',
  '',
  `Run ${new Date().toISOString()}, commit \`${commit}\`, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, PostgreSQL ${version} (127.0.0.1, own schema), load generator in the same process.`,
  `Group commit: up to ${MAX_BATCH} legs per transaction, ${MAX_INFLIGHT_TX} transactions in flight; closed loop with ${INFLIGHT} concurrent callers (each submits its next transfer when the previous one committed), ${SECONDS} s per scenario after a 2 s warm-up.`,
  `Every transfer is durable (committed) before its promise resolves. Targets: ≥ 10,000/s uniform over 10,000 accounts, ≥ 3,000/s on one hot account.`,
  '',
  '| scenario | transfers/s | committed | refused | p50 ms | p99 ms | max ms | transactions | legs/transaction | CPU ms per 1000: Node / PostgreSQL | 2-core capacity |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...runs.map((r) => `| ${r.name} | ${Math.round(r.tps)} | ${r.transfers} | ${r.refused} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.txs} | ${r.legsPerTx.toFixed(0)} | ${r.nodeCpuPer1000.toFixed(1)} / ${r.pgCpuPer1000.toFixed(1)} | ${Math.round(2_000_000 / (r.nodeCpuPer1000 + r.pgCpuPer1000))}/s |`),
  '',
  'CPU per 1000 transfers is measured, not inferred from wall time: Node = this process (ledger + load generator), PostgreSQL = the',
  'run\'s backends (/proc/<pid>/schedstat; WAL writer and checkpointer not included). "2-core capacity" = 2 cores ÷ (Node + PostgreSQL CPU',
  'per transfer): the rate both cores would sustain if nothing else ran — the wall-clock rate above is what was left over on a shared machine.',
  '',
  `Setup: ${ACCOUNTS} wallets funded with one top-up each from gateway_clearing (itself a hot account on every transfer): ${fundSeconds.toFixed(2)} s (${Math.round(ACCOUNTS / fundSeconds)}/s).`,
  `After the run: ${count} transfers; trial balance ${tb.balanced ? 'balanced' : 'NOT BALANCED'} (USD debits ${tb.currencies[0]?.debits} = credits ${tb.currencies[0]?.credits}); reconcile (every balance recomputed from the journal) found ${mismatches.length} mismatches in ${reconSeconds.toFixed(2)} s.`,
  '',
  'Machine load (`uptime`; the 2 cores are shared with other engineers\' work while this runs):',
  '',
  `- before: \`${loadBefore}\``,
  `- after: \`${loadAfter}\``,
  `- os.loadavg() at the end: ${loadavg().map((v) => v.toFixed(2)).join(', ')}`,
  '',
];
// Everything from the history marker on is kept (earlier runs worth comparing against, added by hand).
const MARKER = '<!-- history: kept by bench/ledger.ts -->';
const previous = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
const history = previous.includes(MARKER) ? previous.slice(previous.indexOf(MARKER)) : `${MARKER}\n`;
writeFileSync(OUT, lines.join('\n') + '\n' + history);
process.stdout.write(lines.join('\n') + '\n');

await ledger.drain();
await db.close();
const c = new pg.Client({ connectionString: DB });
await c.connect();
await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
await c.end();
