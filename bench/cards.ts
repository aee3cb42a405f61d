// Card-authorization benchmark (issue 3): signed POST /v1/card-authorizations at a fixed offered rate
// (open loop), every decision durable. PostgreSQL, server as a child process (the dist bundle).
// Run: npm run bench:cards   → bench/RESULTS-cards.md
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { Client } from './lib/http.ts';
import { freePort, startServer, memOf, cpuOf, cpuOfAll } from './lib/server.ts';
import { summary } from './lib/stats.ts';

const SECRET = 'cps_bench_secret_0123456789';
const RATES = (process.env.CARD_BENCH_RATES ?? '500,1000,2000').split(',').map(Number);
const SECONDS = Number(process.env.CARD_BENCH_SECONDS ?? 8);
const DB = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** CARD_BENCH_PROFILE=DIR: the server runs with --cpu-prof into DIR (summarize with tsx bench/profile.ts FILE). */
const PROFILE_DIR = process.env.CARD_BENCH_PROFILE;
/** CARD_BENCH_OUT: where the results go (default bench/RESULTS-cards.md; the part after the history marker is kept). */
const OUT = process.env.CARD_BENCH_OUT ? new URL(`file://${process.env.CARD_BENCH_OUT}`) : new URL('./RESULTS-cards.md', import.meta.url);
const loadBefore = loadavg();

// the server bundle only (the web app is not needed here, and may be mid-edit by someone else)
execSync(`node --input-type=module -e "await (await import('./scripts/build.mjs')).buildServer()"`, { stdio: 'inherit' });
const schema = `bench_cards_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: DB });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const u = new URL(DB);
u.searchParams.set('options', `-c search_path=${schema}`);
const port = await freePort();
const server = await startServer({
  script: 'dist/cli.mjs', logFile: '/tmp/bench-cards.log',
  // CARD_BENCH_NODE_ARGS: extra flags for the server's node (e.g. --max-semi-space-size=32)
  nodeArgs: [...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), ...(process.env.CARD_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
  env: { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: u.toString(), ADMIN_EMAIL: 'bench@tollgate.local', ADMIN_PASSWORD: 'bench-password-1', CARD_PROCESSOR_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: '100000000', DEMO_SEED: 'false' },
});
const c = new Client(server.url, 256);
const token = (await c.json('POST', '/v1/staff/sessions', { email: 'bench@tollgate.local', password: 'bench-password-1' })).body.token;
const cards: string[] = [];
for (let i = 0; i < 200; i++) {
  const ch = await c.json('POST', '/v1/admin/cardholders', { name: `Shopper ${i}` }, token);
  const card = await c.json('POST', '/v1/admin/cards', { cardholderId: ch.body.id, processorCardId: `pc_${i}_${randomBytes(3).toString('hex')}`, bin: '412752', last4: String(1000 + i), expMonth: 12, expYear: 2030, currency: 'ZAR', controls: { perTransaction: 500000, daily: 100000000 } }, token);
  cards.push(card.body.id);
}
const sign = (raw: string) => { const t = Math.floor(Date.now() / 1000); return `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${raw}`).digest('hex')}`; };
const merchants = [{ name: 'Makro Woodmead', mcc: '5411', city: 'Johannesburg', country: 'ZA' }, { name: 'Checkers Hyper', mcc: '5411', city: 'Sandton', country: 'ZA' }, { name: 'Engen', mcc: '5541', city: 'Midrand', country: 'ZA' }];

const rows: string[] = [];
let peak = 0;
// the processor's connections are open before the measurement (keep-alive, like a processor's client)
await Promise.all(Array.from({ length: 256 }, () => c.request('GET', '/healthz')));
// warm-up (JIT, connection pool, caches): 2 s at 200/s, then 4 s at the highest rate — reported as the cold start,
// not in the table: from cold, the first seconds at full rate are slow (measured: p99 0.4–1.5 s over ~1–4 s while
// V8 optimizes the hot paths on 2 busy cores), then latency settles
const top = Math.max(...RATES);
let coldStart = '';
for (const [rate, seconds, tag] of [[200, 2, 'warm'] as const, [top, 4, 'cold'] as const, ...RATES.map((r) => [r, SECONDS, 'run'] as const)]) {
  const lat: number[] = [];
  const slow: string[] = [];
  let ok = 0, bad = 0, approved = 0;
  const total = rate * seconds;
  const cpu0 = { server: cpuOf(server.pid), pg: cpuOfAll('postgres'), gen: process.cpuUsage() };
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = JSON.stringify({ id: `auth_${tag}${rate}_${i}_${randomBytes(3).toString('hex')}`, cardId: cards[i % cards.length], amount: { amount: 2000 + (i % 400) * 100, currency: 'ZAR' }, merchant: merchants[i % merchants.length], createdAt: new Date().toISOString() });
    const sentAt = performance.now() - t0;
    inflight.push(c.request('POST', '/v1/card-authorizations', body, { 'tollgate-signature': sign(body) }).then((r) => {
      lat.push(r.ms);
      if (process.env.CARD_BENCH_SLOW && r.ms > Number(process.env.CARD_BENCH_SLOW)) slow.push(`${(sentAt / 1000).toFixed(2)}s:${r.ms.toFixed(0)}`);
      if (r.status === 200) { ok++; if (r.body.includes('"approved":true')) approved++; } else bad++;
    }));
  }
  await Promise.all(inflight);
  const wall = (performance.now() - t0) / 1000;
  const gen = process.cpuUsage(cpu0.gen);
  // PostgreSQL: all postgres processes of the machine (other engineers' too; negative when backends exited meanwhile)
  const perReq = (sec: number) => (sec < 0 ? 'n/a' : ((sec * 1000) / total).toFixed(2));
  const cpu = `${perReq(cpuOf(server.pid) - cpu0.server)} / ${perReq(cpuOfAll('postgres') - cpu0.pg)} / ${perReq((gen.user + gen.system) / 1e6)}`;
  const s = summary(lat);
  peak = Math.max(peak, memOf(server.pid).hwmMiB);
  if (slow.length > 0) process.stderr.write(`${tag} ${rate}/s: ${slow.length} slower than ${process.env.CARD_BENCH_SLOW} ms (sent at:latency) ${slow.slice(0, 12).join(' ')} … ${slow.slice(-5).join(' ')}\n`);
  if (tag === 'cold') coldStart = `Cold start (the first 4 s at ${rate}/s after 2 s at 200/s, not in the table): p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(0)} ms.`;
  if (tag !== 'run') continue;
  rows.push(`| ${rate} | ${(ok / wall).toFixed(0)} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.max.toFixed(0)} | ${ok} ok / ${bad} errors, ${approved} approved | ${cpu} |`);
  process.stdout.write(`${rows.at(-1)}\n`);
}
const [{ n }] = (await admin.query(`SELECT count(*)::int AS n FROM ${schema}.card_authorizations`)).rows;
// rows written by one transaction share its xmin: the number of commits the group commit made
const commits = (await admin.query(`SELECT count(DISTINCT xmin::text)::int AS c, count(*)::int AS n FROM ${schema}.card_authorizations WHERE id LIKE 'auth_run%'`)).rows[0] as { c: number; n: number };
const commitsAtTop = (await admin.query(`SELECT count(DISTINCT xmin::text)::int AS c, count(*)::int AS n FROM ${schema}.card_authorizations WHERE id LIKE $1`, [`auth_run${top}\\_%`])).rows[0] as { c: number; n: number };
c.close();
await server.stop();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();
const loadAfter = loadavg();
const MARKER = '<!-- history: kept by bench/cards.ts -->';
const previous = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
const history = previous.includes(MARKER) ? previous.slice(previous.indexOf(MARKER) + MARKER.length).trim() : '';
const out = [
  '# Card authorization benchmark', '',
  `Run ${new Date().toISOString()}, commit \`${execSync('git rev-parse --short HEAD').toString().trim()}\`, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, PostgreSQL, server = dist bundle, load generator in another process on the same 2 cores.`,
  `Open loop: requests sent at the offered rate for ${SECONDS} s regardless of answers; each request is HMAC-signed; 200 cards, grocery merchants; every decision is durable (${n} authorization rows after the run). Target: p99 ≤ 5 ms at 2,000/s.`, '',
  ...(process.env.CARD_BENCH_NODE_ARGS ? [`Server node flags: \`${process.env.CARD_BENCH_NODE_ARGS}\`.`, ''] : []),
  `Machine load average (1/5/15 min) before the run: ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after: ${loadAfter.map((x) => x.toFixed(2)).join(' / ')} (other engineers share these 2 cores).`, '',
  '| offered req/s | achieved req/s | p50 ms | p99 ms | max ms | outcome | CPU ms per request: server / PostgreSQL / load generator |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows, '',
  coldStart, '',
  `Peak RSS of the server: ${peak.toFixed(0)} MiB. Commits: ${commits.c} transactions wrote the ${commits.n} measured authorizations (${(commits.n / Math.max(1, commits.c)).toFixed(1)} per commit on average; ${(commitsAtTop.n / Math.max(1, commitsAtTop.c)).toFixed(1)} at ${top}/s).`, '', MARKER, '', history, '',
];
writeFileSync(OUT, out.join('\n'));
process.stdout.write(out.join('\n'));
process.exit(0);
