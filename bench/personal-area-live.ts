// Live push latency (issue 4): from a ledger transfer's commit to the customer's SSE event, over real HTTP.
// One signed-up customer holds an open GET /v1/me/events stream; FOLLOWERS more wallets are followed by in-process
// subscribers of the same LiveHub (as many other customers' streams would be) and receive background transfers at
// BACKGROUND_PER_S, so the one LISTEN per process fans out under load. Each measured transfer credits the
// customer's wallet; latency = SSE event received − transfer() resolved (commit acknowledged to the caller), and
// submit → event. PGlite by default, PostgreSQL with DATABASE_URL.
// Run: npm run bench:live   → bench/RESULTS-personal-area.md
//      (LIVE_BENCH_N, LIVE_BENCH_FOLLOWERS, LIVE_BENCH_BACKGROUND_PER_S)
import { writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { startPersonalAreaApp } from '../src/modules/personal-area/personal-area.testing.ts';
import { summary, ms } from './lib/stats.ts';

const N = Number(process.env.LIVE_BENCH_N ?? 300);
const FOLLOWERS = Number(process.env.LIVE_BENCH_FOLLOWERS ?? 1000);
const BACKGROUND = Number(process.env.LIVE_BENCH_BACKGROUND_PER_S ?? 200);
const OUT = new URL('./RESULTS-personal-area.md', import.meta.url);
const dbName = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

const loadBefore = execSync('uptime').toString().trim();
const t = await startPersonalAreaApp();
const c = await t.customer('bench');
const { ledger, personalArea } = t.tg.services;
const clearing = (await ledger.systemAccount('gateway_clearing', 'USD')).id;
const wallet = (await ledger.walletOf(c.customerId, 'USD'))!.id;

// other customers' streams, in process
const followed: string[] = [];
let backgroundDelivered = 0;
for (let i = 0; i < FOLLOWERS; i++) {
  const a = await ledger.openAccount({ ownerType: 'customer', ownerId: `cus_bench_${i}`, currency: 'USD' });
  followed.push(a.id);
  await personalArea.live.subscribe({ accounts: new Set([a.id]), push: (ts) => { backgroundDelivered += ts.length; }, end: () => undefined });
}

const stream = await t.sse(c);
await stream.next((e) => e.event === 'balance');
const seenAt = new Map<string, number>();
const waiting = new Map<string, () => void>();
const origPush = stream.events.push.bind(stream.events);
stream.events.push = (...es) => {
  const now = performance.now();
  for (const e of es) if (e.event === 'transaction') { seenAt.set(e.data.id, now); waiting.get(e.data.id)?.(); }
  return origPush(...es);
};

// background load on the followed accounts
let stop = false;
let backgroundSent = 0;
const background = (async () => {
  let n = 0;
  while (!stop && BACKGROUND > 0) {
    const started = performance.now();
    const batch = Math.max(1, Math.round(BACKGROUND / 20));
    await Promise.all(Array.from({ length: batch }, () => ledger.transferOne({
      id: `bg:${n++}:${Math.random().toString(36).slice(2)}`, debitAccountId: clearing, creditAccountId: followed[Math.floor(Math.random() * followed.length)],
      amount: 1, currency: 'USD', kind: 'topup', description: 'background',
    }).then(() => { backgroundSent++; })));
    const wait = 50 - (performance.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
})();

const fromCommit: number[] = [];
const fromSubmit: number[] = [];
const started = performance.now();
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  const [tr] = await ledger.transfer([{ id: `live:${i}:${Math.random().toString(36).slice(2)}`, debitAccountId: clearing, creditAccountId: wallet, amount: 1, currency: 'USD', kind: 'topup', description: `live ${i}` }]);
  const t1 = performance.now();
  if (!seenAt.has(tr.id)) await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event for ${tr.id}`)), 10_000);
    waiting.set(tr.id, () => { clearTimeout(timer); resolve(); });
  });
  const at = seenAt.get(tr.id)!;
  fromCommit.push(Math.max(0, at - t1));
  fromSubmit.push(at - t0);
  await new Promise((r) => setTimeout(r, 5));
}
const wall = (performance.now() - started) / 1000;
stop = true;
await background;
stream.close();
const balanced = (await ledger.trialBalance()).balanced;
await t.close();

const c1 = summary(fromCommit);
const s1 = summary(fromSubmit);
const line = `| ${dbName} | ${N} | ${FOLLOWERS} | ${BACKGROUND}/s (${backgroundSent} sent, ${backgroundDelivered} pushed) | ${ms(c1.p50)} / ${ms(c1.p99)} / ${ms(c1.max)} | ${ms(s1.p50)} / ${ms(s1.p99)} | ${wall.toFixed(1)} s | ${balanced ? 'yes' : 'NO'} |`;
const report = `# Personal area: live push latency

Transfer commit → the customer's \`GET /v1/me/events\` event over HTTP (one LISTEN per process, fan-out in memory),
while other followed wallets receive background transfers. \`bench/personal-area-live.ts\`, ${new Date().toISOString()}.
Load before the run: ${loadBefore}

| DB | measured transfers | other followed accounts | background transfers | commit → event p50 / p99 / max (ms) | submit → event p50 / p99 (ms) | wall | trial balance |
| --- | --- | --- | --- | --- | --- | --- | --- |
${line}
`;
console.log(report);
let previous = '';
try { previous = (await import('node:fs')).readFileSync(OUT, 'utf8'); } catch { /* first run */ }
const rows = previous.split('\n').filter((l) => l.startsWith('| PG') || l.startsWith('| Postgre'));
writeFileSync(OUT, report.trimEnd() + '\n' + rows.filter((r) => !r.startsWith(`| ${dbName} `)).join('\n') + (rows.length ? '\n' : ''));
process.exit(0);
