/**
 * Tollgate benchmarks: `npm run bench` (see bench/RESULTS.md for the method and the latest numbers).
 *
 *   npm run bench                         # PGlite and PostgreSQL, writes bench/RESULTS.md
 *   npm run bench -- --db pglite          # one database only (RESULTS.md is written only for full runs unless --write)
 *   npm run bench -- --profile            # also writes a V8 CPU profile of the server to bench/profiles/
 *
 * Options: --db pglite,postgres  --orders-seconds 20  --webhooks-seconds 15  --concurrency 32
 *          --webhook-concurrency 64  --worker-concurrency 8  --cold-starts 3  --write / --no-write  --json FILE
 * PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh schema is used and dropped.
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir, cpus, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execSync, spawnSync } from 'node:child_process';
import pg from 'pg';
import { Client, pool } from './lib/http.ts';
import { ROOT, freePort, startServer, memOf, cpuOf, cpuOfAll, machineCpu, rssSampler, waitForQuiet, type Server } from './lib/server.ts';
import { ms, rate, summary } from './lib/stats.ts';
import { login, setupCatalog, ordersBench, webhooksBench, type Ctx, type PaidOrder } from './scenarios.ts';
import { analyzeOrders, analyzeWebhooks, type Query } from './analyze.ts';
import { summarizeProfile } from './profile.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite,postgres' },
    'orders-seconds': { type: 'string', default: '20' },
    'webhooks-seconds': { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '32' },
    'webhook-concurrency': { type: 'string', default: '64' },
    'worker-concurrency': { type: 'string', default: '8' },
    'cold-starts': { type: 'string', default: '3' },
    'quiet-wait': { type: 'string', default: '90' },
    products: { type: 'string' },
    profile: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    experiment: { type: 'string' },
    'ingest-only': { type: 'boolean', default: false },
    write: { type: 'boolean' },
    'no-write': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const DBS = args.db!.split(',').map((s) => s.trim()) as Array<'pglite' | 'postgres'>;
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADMIN = { email: 'bench-admin@tollgate.local', password: 'bench-password-1' };
const log = (m: string) => process.stdout.write(`${m}\n`);
const TARGETS = {
  pglite: { orders: 200, webhooks: null as number | null },
  postgres: { orders: 1000, webhooks: 5000 as number | null },
  coldStartMs: 1000,
};

type DbKind = 'pglite' | 'postgres';

async function runFor(kind: DbKind) {
  const runId = randomBytes(3).toString('hex');
  const tmp = mkdtempSync(join(tmpdir(), `tollgate-bench-${kind}-`));
  const schema = `bench_${runId}`;
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000',
    WORKER_CONCURRENCY: args['worker-concurrency']!, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password,
    // Given in the environment so the load generator can sign webhooks (same effect as the generated secret in tg.ctx.secrets).
    SANDBOX_WEBHOOK_SECRET: `whsec_bench_${randomBytes(16).toString('hex')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DEMO_SEED: 'false', ORDER_TTL_SECONDS: '3600',
  };
  if (args['ingest-only']) env.WORKERS = 'false';
  let admin: pg.Client | null = null;
  if (kind === 'pglite') {
    env.DATA_DIR = join(tmp, 'data');
  } else {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const u = new URL(PG_URL);
    u.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = u.toString();
  }
  const profileDir = join(ROOT, 'bench', 'profiles', `${kind}-${runId}`);
  const nodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (args.profile) mkdirSync(profileDir, { recursive: true });
  const logFile = join(tmp, 'server.log');
  const out: Record<string, any> = { kind, runId, port, workerConcurrency: Number(args['worker-concurrency']) };
  try {
    log(`\n== ${kind} (run ${runId}, ${kind === 'pglite' ? env.DATA_DIR : `schema ${schema}`}) ==`);
    out.backgroundLoadCores = await waitForQuiet(0.3, Number(args['quiet-wait']) * 1000, log);
    log(`  background load from other processes before the run: ${out.backgroundLoadCores.toFixed(2)} cores`);
    const traceFile = join(ROOT, 'bench', 'profiles', `trace-${kind}-${runId}.json`);
    if (args.trace) mkdirSync(join(ROOT, 'bench', 'profiles'), { recursive: true });
    const first = await startServer({
      env: { ...env, ...(args.trace ? { BENCH_TRACE_FILE: traceFile } : {}), ...(args.experiment ? { BENCH_EXPERIMENTS: args.experiment } : {}) }, logFile, nodeArgs, timeoutMs: 120_000,
      imports: [...(args.experiment ? ['./bench/lib/experiments.ts'] : []), ...(args.trace ? ['./bench/lib/trace.ts'] : [])],
    });
    out.firstStartMs = first.readyMs;
    out.idleRssMiB = memOf(first.pid).rssMiB;
    log(`  first start (empty database: ${kind === 'pglite' ? 'initdb + ' : ''}migrations + admin): ${ms(first.readyMs)} ms`);
    const client = new Client(first.url, 256);
    const ctx: Ctx = { client, token: await login(client, ADMIN.email, ADMIN.password), webhookSecret: env.SANDBOX_WEBHOOK_SECRET, runId, log };
    const rss = rssSampler(first.pid);

    // --- 0. calibration: the cheapest route, to show the per-request floor of the HTTP stack ---
    {
      const s0 = cpuOf(first.pid), t0 = performance.now();
      const lat: number[] = [];
      await pool(32, async () => {
        if (performance.now() - t0 > 3000) return false;
        const r = await client.request('GET', '/healthz');
        if (r.status === 200) lat.push(r.ms);
        return true;
      });
      const wall = (performance.now() - t0) / 1000;
      out.healthz = { rps: lat.length / wall, cpuUsPerReq: ((cpuOf(first.pid) - s0) * 1e6) / lat.length, ...summary(lat) };
      log(`  calibration GET /healthz: ${rate(out.healthz.rps)} req/s, server CPU ${out.healthz.cpuUsPerReq.toFixed(0)} µs/request`);
    }

    // --- catalog ---
    const ordersSeconds = Number(args['orders-seconds']);
    const expectRate = kind === 'postgres' ? 1500 : 400; // sizes the key stock above the target with headroom
    const maxOrders = Math.ceil(expectRate * ordersSeconds);
    const productCount = Number(args.products ?? (kind === 'postgres' ? 40 : 20));
    const codesEach = Math.ceil(maxOrders / productCount);
    let t = performance.now();
    const products = await setupCatalog(ctx, productCount, codesEach);
    out.setup = { products: productCount, codesEach, ms: performance.now() - t };
    log(`  catalog: ${productCount} key products × ${codesEach} codes in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // This machine's PostgreSQL runs with autovacuum off; analyze once after the bulk load, as autovacuum would.
    if (admin) await admin.query(`SET search_path = "${schema}"; ANALYZE;`);

    if (args['ingest-only']) {
      // Diagnostic: the webhook POST path alone (WORKERS=false, nothing processes the events), against 200 open orders.
      const open: PaidOrder[] = [];
      for (let i = 0; i < 200; i++) {
        const c = await client.json('POST', '/v1/orders', { email: `buyer${i}@bench.example`, items: [{ productId: products[i % products.length].id, quantity: 1 }] });
        if (c.status === 201) open.push({ orderId: c.body.id, paymentId: c.body.payment.id, sbxId: /\/checkout\/([^/?#]+)/.exec(c.body.payment.checkoutUrl)?.[1] ?? '', amount: c.body.total.amount, currency: c.body.total.currency });
      }
      const s0 = cpuOf(first.pid), p0 = kind === 'postgres' ? cpuOfAll('postgres') : 0;
      const wb = await webhooksBench(ctx, open, { concurrency: Number(args['webhook-concurrency']), durationMs: Number(args['webhooks-seconds']) * 1000, dupShare: 0.2, drainTimeoutMs: 0 });
      const srv = cpuOf(first.pid) - s0, pgc = (kind === 'postgres' ? cpuOfAll('postgres') : 0) - p0;
      log(`  RESULT ${kind} ingest-only exp=${args.experiment ?? '-'} ingest=${rate(wb.accepted / (wb.sendMs / 1000))}/s post_p50=${ms(wb.post.p50)} post_p99=${ms(wb.post.p99)} cpu/webhook server=${(srv * 1e6 / wb.accepted).toFixed(0)}µs pg=${(pgc * 1e6 / wb.accepted).toFixed(0)}µs new=${wb.fresh} dup=${wb.duplicates}`);
      client.close();
      await first.stop();
      return out;
    }

    // --- 1. orders end to end ---
    const cpu = () => ({ server: cpuOf(first.pid), postgres: kind === 'postgres' ? cpuOfAll('postgres') : 0, bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6, machine: machineCpu(), at: performance.now() });
    const diff = (a: ReturnType<typeof cpu>, b: ReturnType<typeof cpu>) => {
      const d = { wallS: (b.at - a.at) / 1000, server: b.server - a.server, postgres: b.postgres - a.postgres, bench: b.bench - a.bench, machine: b.machine - a.machine, other: 0 };
      d.other = Math.max(0, d.machine - d.server - d.postgres - d.bench);
      return d;
    };
    const mark = () => { if (args.trace) first.child.kill('SIGUSR2'); };
    mark(); // trace part 0: start + catalog setup
    let c0 = cpu();
    const ob = await ordersBench(ctx, products, { concurrency: Number(args.concurrency), durationMs: ordersSeconds * 1000, maxOrders, drainTimeoutMs: 90_000 });
    let c1 = cpu();
    out.orders = { ...ob, orders: undefined, cpu: diff(c0, c1), rssPeakMiB: rss.peak };
    log(`  POST /v1/orders p50 ${ms(ob.create.p50)} ms p99 ${ms(ob.create.p99)} ms; drained: ${ob.drained} in ${(ob.totalMs / 1000).toFixed(1)} s total; errors ${JSON.stringify(ob.errors)}`);

    // --- 2. webhook ingest ---
    mark(); // trace part 1: orders bench
    c0 = cpu();
    const wb = Number(args['webhooks-seconds']) <= 0 ? null : await webhooksBench(ctx, ob.orders, { concurrency: Number(args['webhook-concurrency']), durationMs: Number(args['webhooks-seconds']) * 1000, dupShare: 0.2, drainTimeoutMs: 90_000 });
    c1 = cpu();
    out.webhooks = wb && { ...wb, cpu: diff(c0, c1) };
    if (wb) log(`  webhook POST p50 ${ms(wb.post.p50)} ms p99 ${ms(wb.post.p99)} ms; ${wb.fresh} new + ${wb.duplicates} duplicates; processed after ${(wb.totalMs / 1000).toFixed(1)} s`);

    mark(); // trace part 2: webhooks bench
    log(`  CPU s: orders ${JSON.stringify(out.orders.cpu, (_k, v) => (typeof v === 'number' ? +v.toFixed(2) : v))}${out.webhooks ? `; webhooks ${JSON.stringify(out.webhooks.cpu, (_k, v) => (typeof v === 'number' ? +v.toFixed(2) : v))}` : ''}`);
    // --- 3. memory ---
    const m = memOf(first.pid);
    out.memory = { hwmMiB: m.hwmMiB, sampledPeakMiB: rss.stop(), endRssMiB: m.rssMiB };
    client.close();
    out.stopCode = await first.stop();
    if (args.trace) log(`  trace: ${traceFile}`);

    // --- server-side timings from the database ---
    let query: Query;
    let closeQuery: () => Promise<void>;
    if (kind === 'postgres') {
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      query = async (s, p) => (await c.query(s, p as unknown[])).rows;
      closeQuery = () => c.end();
    } else {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = await PGlite.create(env.DATA_DIR);
      query = async (s, p) => (await db.query(s, p)).rows as any[];
      closeQuery = () => db.close();
    }
    out.ordersDb = await analyzeOrders(query, runId);
    out.webhooksDb = await analyzeWebhooks(query, runId);
    await closeQuery();
    const e2e = out.ordersDb.fulfilled / (out.ordersDb.spanMs / 1000);
    log(`  end to end: ${out.ordersDb.fulfilled} fulfilled in ${(out.ordersDb.spanMs / 1000).toFixed(1)} s = ${rate(e2e)} orders/s; webhook→fulfilled p50 ${ms(out.ordersDb.toFulfilled.p50)} p99 ${ms(out.ordersDb.toFulfilled.p99)} ms`);
    log(`  server-side, from the first order created: last created ${fmtS(out.ordersDb.createSpanMs)}, last webhook received ${fmtS(out.ordersDb.lastReceivedMs)}, last paid ${fmtS(out.ordersDb.lastPaidMs)}, last fulfilled ${fmtS(out.ordersDb.spanMs)} (client: sending ${fmtS(ob.sendMs)}, drained after ${fmtS(ob.totalMs)})`);
    log(`  statuses ${JSON.stringify(out.ordersDb.statuses)}; inbox b2 ${JSON.stringify(out.webhooksDb.outcomes)}`);

    {
      const c = out.orders.cpu;
      log(`  RESULT ${kind} exp=${args.experiment ?? '-'} wc=${args['worker-concurrency']} e2e=${rate(e2e)}/s sent=${rate(ob.paid / (ob.sendMs / 1000))}/s create_p50=${ms(ob.create.p50)} create_p99=${ms(ob.create.p99)} wh2ful_p50=${ms(out.ordersDb.toFulfilled.p50)} cpu/order server=${(c.server * 1000 / ob.paid).toFixed(1)}ms pg=${(c.postgres * 1000 / ob.paid).toFixed(1)}ms other=${(c.other / c.wallS * 100).toFixed(0)}%cpu${wb ? ` ingest=${rate(wb.accepted / (wb.sendMs / 1000))}/s post_p50=${ms(wb.post.p50)} post_p99=${ms(wb.post.p99)} drain=${fmtS(wb.totalMs - wb.sendMs)}` : ''}`);
    }
    // --- 4. cold start on the existing database ---
    const coldEnv = { ...env };
    const starts: Array<{ readyMs: number; selfReportedMs: number | null; rssMiB: number }> = [];
    for (let i = 0; i < Number(args['cold-starts']); i++) {
      const s: Server = await startServer({ env: coldEnv, logFile });
      await new Promise((r) => setTimeout(r, 1000)); // let the start-up sweep run
      starts.push({ readyMs: s.readyMs, selfReportedMs: s.selfReportedMs, rssMiB: memOf(s.pid).rssMiB });
      await s.stop();
    }
    out.coldStarts = starts;
    log(`  cold start (tsx) to /healthz 200: ${starts.map((s) => `${ms(s.readyMs)} ms (self-reported ${s.selfReportedMs ?? '?'} ms)`).join(', ')}`);
    // The same from the prebuilt bundle that `npm start` runs (dist/cli.mjs, built by scripts/build.mjs when stale).
    if (Number(args['cold-starts']) > 0) {
      try {
        const build = await import('../scripts/build.mjs' as string) as { serverStale(): boolean; buildServer(): Promise<void>; SERVER_BUNDLE: string };
        if (build.serverStale()) await build.buildServer();
        const bundle: Array<{ readyMs: number; selfReportedMs: number | null }> = [];
        for (let i = 0; i < Number(args['cold-starts']); i++) {
          const s: Server = await startServer({ env: coldEnv, logFile, script: build.SERVER_BUNDLE });
          bundle.push({ readyMs: s.readyMs, selfReportedMs: s.selfReportedMs });
          await s.stop();
        }
        out.coldStartsBundle = bundle;
        log(`  cold start (bundle) to /healthz 200: ${bundle.map((s) => `${ms(s.readyMs)} ms (self-reported ${s.selfReportedMs ?? '?'} ms)`).join(', ')}`);
      } catch (err) {
        log(`  bundle cold start skipped: ${(err as Error).message}`);
      }
      // Where the tsx start goes, phase by phase.
      const probe = spawnSync(process.execPath, ['--import', 'tsx', 'bench/startup-probe.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...coldEnv }, encoding: 'utf8', timeout: 60_000 });
      out.startupPhases = Object.fromEntries(probe.stdout.trim().split('\n').map((l) => l.split(' ')).filter((x) => x.length === 2).map(([k, v]) => [k, Number(v)]));
      log(`  startup phases (tsx, ms): ${JSON.stringify(out.startupPhases)}`);
    }

    if (args.profile) {
      const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
      if (files.length) {
        // The first profile file is the benchmarked server.
        const f = files.sort()[0];
        const summaryText = summarizeProfile(JSON.parse(readFileSync(join(profileDir, f), 'utf8')), 40);
        writeFileSync(join(profileDir, 'summary.txt'), summaryText);
        log(`  CPU profile: ${join(profileDir, f)} (summary in summary.txt)`);
      }
    }
    return out;
  } finally {
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.end();
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}

function machineInfo(pgVersion: string | null) {
  const pglite = JSON.parse(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')).version;
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
    const dirty = execSync('git status --porcelain -- src', { cwd: ROOT }).toString().trim().split('\n').filter(Boolean).length;
    if (dirty) commit += ` + uncommitted changes in ${dirty} file(s) under src/`;
  } catch { /* not a checkout */ }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), commit,
    cpu: `${cpus()[0]?.model ?? '?'} × ${cpus().length}`, memGiB: (totalmem() / 2 ** 30).toFixed(1),
    os: `${platform()} ${release()}`, node: process.version, pglite, postgres: pgVersion,
  };
}

const fmtS = (msv: number) => `${(msv / 1000).toFixed(1)} s`;
const vs = (v: number, target: number | null, higherIsBetter = true) => {
  if (target === null || !Number.isFinite(v)) return '';
  const ok = higherIsBetter ? v >= target : v <= target;
  return ok ? 'met' : `**missed** (${higherIsBetter ? (v / target * 100).toFixed(0) + ' % of target' : (v / target).toFixed(1) + '× target'})`;
};

function table(r: Record<string, any>): string {
  const t = r.kind === 'postgres' ? TARGETS.postgres : TARGETS.pglite;
  const o = r.orders, od = r.ordersDb, w = r.webhooks, wd = r.webhooksDb;
  const e2e = od.fulfilled / (od.spanMs / 1000);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cold = (r.coldStarts ?? []).map((s: any) => s.readyMs) as number[];
  const bundle = (r.coldStartsBundle ?? []).map((s: any) => s.readyMs) as number[];
  const cpuRow = (c: any, n: number, what: string) => `server ${c.server.toFixed(1)} s${r.kind === 'postgres' ? `, postgres ${c.postgres.toFixed(1)} s` : ''}, load generator ${c.bench.toFixed(1)} s, other processes ${c.other.toFixed(1)} s, over ${c.wallS.toFixed(1)} s wall (machine ${(c.machine / c.wallS / cpus().length * 100).toFixed(0)} % busy); per ${what}: server ${(c.server * 1000 / n).toFixed(2)} ms${r.kind === 'postgres' ? `, postgres ${(c.postgres * 1000 / n).toFixed(2)} ms` : ''}`;
  const rows: Array<[string, string, string, string]> = [
    ['**Orders created + paid + fulfilled, end to end**', `**${rate(e2e)} orders/s** (${od.fulfilled} orders, first created → last fulfilled ${fmtS(od.spanMs)})`, `≥ ${t.orders} orders/s`, vs(e2e, t.orders)],
    ['Orders created + paid (sending side only)', `${rate(o.paid / (o.sendMs / 1000))} orders/s (${o.paid} in ${fmtS(o.sendMs)}, ${o.concurrency} concurrent buyers)`, '', ''],
    ['POST /v1/orders latency p50 / p99', `${ms(o.create.p50)} / ${ms(o.create.p99)} ms`, '', ''],
    ['Webhook received → order fulfilled p50 / p99', `${ms(od.toFulfilled.p50)} / ${ms(od.toFulfilled.p99)} ms`, '', ''],
    ['… of which received → paid', `${ms(od.toPaid.p50)} / ${ms(od.toPaid.p99)} ms`, '', ''],
    ['… of which paid → fulfilled', `${ms(od.paidToFulfilled.p50)} / ${ms(od.paidToFulfilled.p99)} ms`, '', ''],
    ['Payment webhook POST latency in this benchmark p50 / p99', `${ms(o.webhook.p50)} / ${ms(o.webhook.p99)} ms`, '', ''],
    ['CPU in the orders benchmark', cpuRow(o.cpu, o.paid, 'order'), '', ''],
  ];
  if (w) {
    const ingest = w.accepted / (w.sendMs / 1000);
    rows.push(
      ['**Webhook ingest**', `**${rate(ingest)} webhooks/s** (${w.accepted} in ${fmtS(w.sendMs)}: ${w.fresh} new, ${w.duplicates} duplicates, ${w.failed} failed; ${w.concurrency} concurrent senders)`, t.webhooks ? `≥ ${t.webhooks}/s` : '—', vs(ingest, t.webhooks)],
      ['Webhook POST latency p50 / p99', `${ms(w.post.p50)} / ${ms(w.post.p99)} ms`, '', ''],
      ['All ingested webhooks processed', `${fmtS(w.totalMs)} after the first POST, ${fmtS(w.totalMs - w.sendMs)} after the last; server-side processing rate ${rate(wd.processed / (wd.spanMs / 1000))} events/s`, '', ''],
      ['Webhook received → processed p50 / p99', `${ms(wd.receivedToProcessed.p50)} / ${ms(wd.receivedToProcessed.p99)} ms`, '', ''],
      ['CPU in the webhook benchmark', cpuRow(w.cpu, w.accepted, 'webhook'), '', ''],
    );
  }
  rows.push(
    ['**Peak RSS of the server** (VmHWM, after both benchmarks)', `**${r.memory.hwmMiB.toFixed(0)} MiB** (RSS right after the first start on an empty database: ${r.idleRssMiB.toFixed(0)} MiB; 1 s after a cold start on the populated one: ${r.coldStarts?.length ? med(r.coldStarts.map((s: any) => s.rssMiB)).toFixed(0) : '?'} MiB)`, '', ''],
    [`**Cold start to /healthz 200**, existing database, \`node --import tsx src/cli.ts serve\` (median of ${cold.length})`, `**${ms(med(cold))} ms** (runs: ${cold.map(ms).join(', ')} ms; server's own "ready in": ${(r.coldStarts ?? []).map((s: any) => s.selfReportedMs ?? '?').join(', ')} ms)`, r.kind === 'pglite' ? `≤ ${TARGETS.coldStartMs} ms` : '—', r.kind === 'pglite' ? vs(med(cold), TARGETS.coldStartMs, false) : ''],
  );
  if (bundle.length) rows.push([`Cold start, prebuilt bundle \`node dist/cli.mjs serve\` (what \`npm start\` runs; median of ${bundle.length})`, `${ms(med(bundle))} ms (runs: ${bundle.map(ms).join(', ')} ms; "ready in": ${r.coldStartsBundle.map((s: any) => s.selfReportedMs ?? '?').join(', ')} ms)`, r.kind === 'pglite' ? `≤ ${TARGETS.coldStartMs} ms` : '—', r.kind === 'pglite' ? vs(med(bundle), TARGETS.coldStartMs, false) : '']);
  if (r.startupPhases) {
    const p = r.startupPhases;
    rows.push(['Cold start phases (tsx, one run)', `node + tsx ${p.process_to_probe} ms, import config+db ${p.import_db} ms, import app ${p.import_app} ms, open database ${p.open_db} ms, migrate (no-op) ${p.migrate_noop} ms, rest of buildApp ${p.build_app_rest} ms (includes a 2nd no-op migrate), listen ${p.listen} ms`, '', '']);
  }
  rows.push(
    ['First start on an empty database', `${ms(r.firstStartMs)} ms`, '', ''],
    ['Calibration: GET /healthz', `${rate(r.healthz.rps)} req/s, p50 ${ms(r.healthz.p50)} ms, server CPU ${r.healthz.cpuUsPerReq.toFixed(0)} µs/request`, '', ''],
    ['Background load from other processes before the run', `${r.backgroundLoadCores.toFixed(2)} cores`, '', ''],
  );
  const lines = ['| Metric | Value | Target (2 cores) | vs target |', '| --- | --- | --- | --- |', ...rows.map((x) => `| ${x.join(' | ')} |`)];
  lines.push('', `Order statuses after the run: ${JSON.stringify(od.statuses)}. Errors while sending: ${JSON.stringify(o.errors)}.${w ? ` Webhook benchmark HTTP statuses: ${JSON.stringify(w.statuses)}; inbox outcomes: ${JSON.stringify(wd.outcomes)}.` : ''}`);
  lines.push(`Jobs in the database after the run: ${od.jobs.length ? od.jobs.map((j: any) => `${j.kind} ${j.status} ${j.n}${j.attempts > j.n ? ` (${j.attempts} attempts)` : ''}`).join('; ') : 'none'}.`);
  lines.push(`Key stock: ${r.setup.products} products × ${r.setup.codesEach} codes (loaded in ${fmtS(r.setup.ms)}). WORKER_CONCURRENCY=${r.workerConcurrency}.`);
  return lines.join('\n');
}

const METHOD = `## Method

\`npm run bench\` (= \`tsx bench/run.ts\`) runs everything below once per database and rewrites this file.
The server is a child process, \`node --import tsx src/cli.ts serve\`, with \`HOST=127.0.0.1 LOG_LEVEL=warn
RATE_LIMIT_PER_MINUTE=100000000 WORKER_CONCURRENCY=8 DEMO_SEED=false\`, an admin from \`ADMIN_EMAIL/ADMIN_PASSWORD\`
and \`SANDBOX_WEBHOOK_SECRET\`/\`ENCRYPTION_KEY\` given in the environment (so the load generator can sign
webhooks; the server uses exactly this value where it would otherwise generate one into \`tg.ctx.secrets\`).
PGlite: \`DATA_DIR\` in a fresh temp folder. PostgreSQL: \`DATABASE_URL=…/test?options=-c search_path=bench_<run>\`,
a fresh schema, dropped at the end (the server's pg pool has 10 connections, \`openDb\` default). The load
generator is the bench process (node:http keep-alive agent, closed loop with bounded concurrency), on the
same 2 cores as the server and PostgreSQL: its CPU use is reported. Only 127.0.0.1 is targeted.

1. **Orders end to end.** Key products are created through the admin API (\`POST /v1/admin/products\`,
   \`POST /v1/admin/products/:id/keys\`, 5,000 codes a request), with stock above what the run can sell.
   32 concurrent buyers loop for 20 s: \`POST /v1/orders\` (one key, products round-robin; the server opens
   the payment at its built-in sandbox gateway over HTTP inside this request), then pay it by POSTing a
   **correctly signed \`payment.succeeded\` webhook** to \`/v1/webhooks/sandbox\` (\`signPayload\` from
   \`src/platform/webhooks-in/signature.ts\`; body shaped as the sandbox's own events). The hosted-page path
   (\`sandboxPay\`) is not used: it adds two sandbox requests and the sandbox's delivery loop per order,
   and hides when the webhook arrived. Then the server is polled (4 Hz) until no order is pending_payment,
   paid or fulfilling (\`GET /v1/admin/orders?status=…\`), no job is queued or running (\`GET /v1/admin/jobs\`)
   and the newest inbox events are processed (\`GET /v1/admin/webhooks\`). Throughput and the webhook → fulfilled latency come from the database
   afterwards: fulfilled orders / (last \`order_history\` 'fulfilled' − first \`orders.created_at\`), and per
   order \`webhook_inbox.received_at\` → \`order_history.at\` of 'paid' and 'fulfilled' (each \`now()\` is the
   start of the writing transaction). POST latency is measured by the client.
2. **Webhook ingest.** 64 concurrent senders POST signed \`payment.succeeded\` events for 15 s: ~20 % re-send
   an event id already sent (fresh signature; answered \`duplicate: true\`), the rest are new event ids for
   payments captured in benchmark 1 (processing runs the full path — inbox lock, payment lookup, order
   lock — and ends in "no-op: already captured"). Ingest rate = accepted POSTs / sending time; then the server
   is polled (10 Hz) until the inbox and the job queue are drained; server-side \`received_at\` → \`processed_at\` per event.
3. **Memory and start.** Peak RSS is the server's \`VmHWM\` (/proc) after benchmarks 1–2. Cold start: the
   server is stopped (SIGTERM) and spawned again on the same, now populated, database 3 times; time from
   \`spawn()\` to the first \`/healthz\` 200 (polled every 5 ms); the server's own "ready in N ms" (buildApp +
   listen, after module loading) is shown beside it.

Options: \`--db pglite|postgres\`, \`--orders-seconds\`, \`--webhooks-seconds\`, \`--concurrency\`,
\`--webhook-concurrency\`, \`--worker-concurrency\`, \`--cold-starts\`, \`--quiet-wait\` (seconds to wait for other load on the
machine to settle first; the load seen is reported). Diagnostics (never written here): \`--profile\` (V8 \`--cpu-prof\`
of the server into \`bench/profiles/\`, with a self/inclusive time summary; \`tsx bench/profile.ts FILE\` summarizes any
profile), \`--trace\` (preloads \`bench/lib/trace.ts\`: per-SQL count/latency, transactions, pool waits, per phase),
\`--experiment pool=N,prepared\` (what-if patches of the pg driver, \`bench/lib/experiments.ts\`), \`--ingest-only\`
(the webhook POST path with WORKERS=false). Micro-benchmarks behind proposals: \`tsx bench/micro/ingest-sql.ts\`,
\`tsx bench/micro/ids.ts\`. Findings and proposals: \`bench/FINDINGS.md\`.
`;

async function main() {
  const results: Record<string, any>[] = [];
  let pgVersion: string | null = null;
  if (DBS.includes('postgres')) {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    pgVersion = (await c.query('SHOW server_version')).rows[0].server_version;
    await c.end();
  }
  const info = machineInfo(pgVersion);
  for (const kind of DBS) results.push(await runFor(kind));
  if (args.json) writeFileSync(args.json, JSON.stringify({ info, results }, null, 2));
  const full = DBS.includes('pglite') && DBS.includes('postgres') && !args.profile && !args.trace && !args.experiment && !args['ingest-only'];
  if ((full || args.write) && !args['no-write']) {
    const md = [
      '# Tollgate benchmarks', '',
      `Latest run: ${info.date}, commit \`${info.commit}\`. Machine: ${info.cpu}, ${info.memGiB} GiB RAM, ${info.os}; Node ${info.node};`,
      `PGlite ${info.pglite}${info.postgres ? `; PostgreSQL ${info.postgres} on the same machine` : ''}. Targets are for 2 cores and are reported, not asserted.`,
      '',
      ...results.flatMap((r) => [`## ${r.kind === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded, default)'}`, '', table(r), '']),
      METHOD,
    ].join('\n');
    // keep the hand-written section that follows the marker (the other benchmarks' summary)
    const file = join(ROOT, 'bench', 'RESULTS.md');
    const marker = '<!-- Section written by hand';
    let kept = '';
    try { const old = readFileSync(file, 'utf8'); const at = old.indexOf(marker); if (at >= 0) kept = '\n' + old.slice(at); } catch { /* first run */ }
    writeFileSync(file, md + kept);
    log('\nwrote bench/RESULTS.md');
  }
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
